//! Repository checks, run as tests: the rules that keep the code base honest and the docs true.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one folder below the repository root")
        .to_path_buf()
}

/// Every file below `dir` whose name ends with `ext`, skipping build output and npm packages.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | "node_modules" | ".git") {
                out.extend(files(&path, ext));
            }
        } else if name.ends_with(ext) {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn rust_files() -> Vec<PathBuf> {
    let root = root();
    ["crates", "xtask", "bench"]
        .iter()
        .flat_map(|d| files(&root.join(d), ".rs"))
        .collect()
}

#[test]
fn every_rust_file_opens_with_a_module_doc_comment() {
    let missing: Vec<_> = rust_files()
        .into_iter()
        .filter(|p| {
            let text = fs::read_to_string(p).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "these files do not open with a //! comment saying what they are for: {missing:#?}"
    );
}

#[test]
fn no_stubs_or_debug_macros_are_left_in_the_code() {
    // Spelt in two halves so that this list is not itself found by searches for stubs.
    let banned = [
        concat!("todo", "!("),
        concat!("unimplemented", "!("),
        concat!("dbg", "!("),
        concat!("#[", "ignore"),
    ];
    let mut found = Vec::new();
    for path in rust_files() {
        if path.ends_with("tidy.rs") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            if banned.iter().any(|b| line.contains(b)) {
                found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "stubs, debug output or ignored tests: {found:#?}"
    );
}

#[test]
fn the_code_map_names_every_crate() {
    let arch = fs::read_to_string(root().join("docs/architecture.md"))
        .expect("docs/architecture.md exists");
    let crates = fs::read_dir(root().join("crates")).expect("crates/ exists");
    let mut missing = Vec::new();
    for c in crates.flatten() {
        let name = c.file_name().to_string_lossy().into_owned();
        if !arch.contains(&format!("### `crates/{name}`")) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/architecture.md has no code-map heading for: {missing:?}"
    );
}

/// Paths written in backticks in the architecture document must exist, so the map cannot rot.
#[test]
fn every_path_the_architecture_document_names_exists() {
    let arch = fs::read_to_string(root().join("docs/architecture.md"))
        .expect("docs/architecture.md exists");
    let mut missing = Vec::new();
    for (i, chunk) in arch.split('`').enumerate() {
        let looks_like_path = i % 2 == 1
            && !chunk.contains(' ')
            && (chunk.starts_with("crates/")
                || chunk.starts_with("kb/")
                || chunk.starts_with("docs/")
                || chunk.starts_with("tests/")
                || chunk.starts_with("scripts/")
                || chunk.starts_with(".ci/")
                || chunk.starts_with("xtask/")
                || chunk.starts_with("bench/"));
        if looks_like_path {
            let path = chunk.trim_end_matches('/');
            if !path.contains('<') && !root().join(path).exists() {
                missing.push(chunk.to_owned());
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/architecture.md names paths that do not exist: {missing:?}"
    );
}

/// Each hazard row of the safety case names the test that guards it, and that test must exist.
#[test]
fn every_hazard_names_a_test_that_exists() {
    let safety = fs::read_to_string(root().join("docs/clinical-safety.md"))
        .expect("docs/clinical-safety.md exists");
    let mut sources = String::new();
    for p in rust_files()
        .into_iter()
        .chain(files(&root().join("tests"), ".mjs"))
    {
        sources.push_str(&fs::read_to_string(p).unwrap_or_default());
    }
    let mut rows = 0;
    let mut missing = Vec::new();
    for line in safety.lines().filter(|l| l.starts_with("| HZ")) {
        rows += 1;
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let tests = cells
            .get(cells.len().saturating_sub(2))
            .copied()
            .unwrap_or("");
        let names: Vec<&str> = tests.split('`').skip(1).step_by(2).collect();
        if names.is_empty() {
            missing.push(format!("{}: names no test", cells.get(1).unwrap_or(&"?")));
        }
        for name in names {
            let as_rust = format!("fn {name}(");
            let as_js = format!("test('{name}'");
            if !sources.contains(&as_rust) && !sources.contains(&as_js) {
                missing.push(format!("{}: {name}", cells.get(1).unwrap_or(&"?")));
            }
        }
    }
    assert!(
        rows > 0,
        "docs/clinical-safety.md has no hazard rows (lines starting `| HZ`)"
    );
    assert!(
        missing.is_empty(),
        "hazards whose tests do not exist: {missing:#?}"
    );
}
