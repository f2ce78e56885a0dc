//! The knowledge base's tests: the real `kb/` folder, the embedded copy of it, and broken copies
//! of it in temporary folders. One binary, so that the workspace links one test executable per
//! crate.

mod broken;
mod broken_instruments;
mod crisis;
mod fresh;
mod instruments;
mod loinc;
mod real;
mod tidy;

use std::fs;
use std::path::{Path, PathBuf};

/// The real `kb/` folder of the repository.
pub fn kb_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb")
}

/// A copy of the real `kb/` folder in a temporary folder, to break.
pub fn copy_of_kb() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    copy(&kb_dir(), dir.path());
    dir
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a folder");
    for entry in fs::read_dir(from).expect("read kb") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// Every relative path of the files under `dir`, with `/` separators, skipping hidden files as
/// the loader does.
pub fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    walk(dir, "", &mut found);
    found.sort();
    found
}

fn walk(dir: &Path, prefix: &str, found: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("read a folder") {
        let entry = entry.expect("a folder entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if entry.file_type().expect("a file type").is_dir() {
            walk(&entry.path(), &format!("{prefix}{name}/"), found);
        } else {
            found.push(format!("{prefix}{name}"));
        }
    }
}
