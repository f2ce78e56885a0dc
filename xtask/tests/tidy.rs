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

/// The DCB0129 / DCB0160 risk matrix the hazard log scores with: `RISK[likelihood][severity]`,
/// likelihood from very low to very high, severity from minor to catastrophic.
const SEVERITIES: [&str; 5] = [
    "minor",
    "significant",
    "considerable",
    "major",
    "catastrophic",
];
const LIKELIHOODS: [&str; 5] = ["very low", "low", "medium", "high", "very high"];
const RISK: [[u8; 5]; 5] = [
    [1, 1, 2, 2, 3],
    [1, 2, 2, 3, 4],
    [2, 2, 3, 3, 4],
    [2, 3, 3, 4, 5],
    [3, 4, 4, 5, 5],
];

/// The risk the matrix gives, or why the pair cannot be scored.
fn matrix_risk(severity: &str, likelihood: &str) -> Result<u8, String> {
    let s = SEVERITIES
        .iter()
        .position(|x| *x == severity)
        .ok_or_else(|| format!("severity `{severity}` is not one of {SEVERITIES:?}"))?;
    let l = LIKELIHOODS
        .iter()
        .position(|x| *x == likelihood)
        .ok_or_else(|| format!("likelihood `{likelihood}` is not one of {LIKELIHOODS:?}"))?;
    Ok(RISK[l][s])
}

/// Each hazard row of the safety case names the tests that guard it, and those tests must exist;
/// each risk, before and after the controls, is the one the matrix gives; each status is open,
/// closed or monitored. The columns are found by the header row's names, so the table can grow.
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
    let cells_of = |line: &str| -> Vec<String> {
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        inner.split('|').map(|c| c.trim().to_owned()).collect()
    };
    let header = safety
        .lines()
        .find(|l| l.starts_with("| id |"))
        .map(cells_of)
        .expect("docs/clinical-safety.md has a hazard table whose header starts `| id |`");
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("the hazard table has no `{name}` column: {header:?}"))
    };
    let tests_at = column("tests");
    let scores = [
        (column("severity"), column("likelihood"), column("risk")),
        (
            column("residual severity"),
            column("residual likelihood"),
            column("residual risk"),
        ),
    ];
    let status_at = column("status");

    let mut rows = 0;
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for line in safety.lines().filter(|l| l.starts_with("| HZ")) {
        rows += 1;
        let cells = cells_of(line);
        let id = cells.first().cloned().unwrap_or_default();
        if cells.len() != header.len() {
            wrong.push(format!(
                "{id}: {} cells; the header has {}",
                cells.len(),
                header.len()
            ));
            continue;
        }
        let names: Vec<&str> = cells[tests_at].split('`').skip(1).step_by(2).collect();
        if names.is_empty() {
            missing.push(format!("{id}: names no test"));
        }
        for name in names {
            let as_rust = format!("fn {name}(");
            let as_js = format!("test('{name}'");
            if !sources.contains(&as_rust) && !sources.contains(&as_js) {
                missing.push(format!("{id}: {name}"));
            }
        }
        for (severity, likelihood, risk) in scores {
            match matrix_risk(&cells[severity], &cells[likelihood]) {
                Ok(expected) if cells[risk] == expected.to_string() => {}
                Ok(expected) => wrong.push(format!(
                    "{id}: {} is {}, but the matrix gives {expected} for {} and {}",
                    header[risk], cells[risk], cells[severity], cells[likelihood]
                )),
                Err(why) => wrong.push(format!("{id}: {why}")),
            }
        }
        if !["open", "closed", "monitored"].contains(&cells[status_at].as_str()) {
            wrong.push(format!(
                "{id}: status `{}` is not open, closed or monitored",
                cells[status_at]
            ));
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
    assert!(wrong.is_empty(), "hazard rows scored wrongly: {wrong:#?}");
}

#[test]
fn the_hazard_matrix_is_dcb0129s() {
    // Spot checks against the published matrix, and that risk never falls as either axis rises.
    assert_eq!(matrix_risk("minor", "very low"), Ok(1));
    assert_eq!(matrix_risk("catastrophic", "very high"), Ok(5));
    assert_eq!(matrix_risk("catastrophic", "low"), Ok(4));
    assert_eq!(matrix_risk("major", "medium"), Ok(3));
    assert!(matrix_risk("fatal", "low").is_err());
    for l in 0..5 {
        for s in 0..5 {
            if s + 1 < 5 {
                assert!(RISK[l][s] <= RISK[l][s + 1]);
            }
            if l + 1 < 5 {
                assert!(RISK[l][s] <= RISK[l + 1][s]);
            }
        }
    }
}
