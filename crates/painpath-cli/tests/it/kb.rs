//! `painpath kb check DIR`: the repository's knowledge base passes; a broken copy exits 2 with
//! a line naming the file and the field.

use std::path::{Path, PathBuf};

use crate::support::{painpath, run};

/// The repository's `kb/` folder.
fn repository_kb() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("making the copy's folder");
    for entry in std::fs::read_dir(from).expect("reading the knowledge base") {
        let entry = entry.expect("reading the knowledge base");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copying a knowledge-base file");
        }
    }
}

#[test]
fn kb_check_of_the_repository_knowledge_base_exits_0() {
    let mut cmd = painpath();
    cmd.args(["kb", "check"]).arg(repository_kb());
    let out = run(cmd);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn kb_check_of_a_treatment_with_an_unknown_group_exits_2_naming_the_file_and_field() {
    let copy = tempfile::tempdir().expect("making a temporary folder");
    let kb = copy.path().join("kb");
    copy_dir(&repository_kb(), &kb);
    let file = kb.join("treatments").join("act.toml");
    let text = std::fs::read_to_string(&file).expect("reading act.toml");
    let broken: String = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("group") {
                "group = \"not_a_group\"".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(
        broken.trim(),
        text.trim(),
        "act.toml has no group line to break"
    );
    std::fs::write(&file, broken).expect("writing the broken act.toml");

    let mut cmd = painpath();
    cmd.args(["kb", "check"]).arg(&kb);
    let out = run(cmd);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr:\n{stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("act.toml") && l.contains("group") && l.contains("not_a_group")),
        "no line names act.toml and its group:\n{stderr}"
    );
}
