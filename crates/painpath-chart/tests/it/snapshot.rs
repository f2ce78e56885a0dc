//! Golden files: rendered output kept under `tests/it/snapshots/` and compared byte for byte.
//!
//! A change to the drawing shows up as a change to a file in review, which is easier to judge
//! than a change to assertions. Run the tests with `UPDATE_SNAPSHOTS=1` to rewrite the files
//! after a deliberate change, then look at the diff (and at the SVG in a browser) before
//! committing it.

use std::path::PathBuf;

/// Compares `actual` with the snapshot called `name`, or writes it when `UPDATE_SNAPSHOTS=1`.
pub fn check(name: &str, actual: &str) {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "it", "snapshots", name]
        .iter()
        .collect();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::write(&path, actual)
            .unwrap_or_else(|e| panic!("cannot write the snapshot {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the snapshot {}: {e}; run with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        // Name the first line that differs, since a whole SVG in a panic message is unreadable.
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the snapshot from line {}:\n  expected: {:?}\n  actual:   {:?}\n\
             run with UPDATE_SNAPSHOTS=1 to accept the new output",
            path.display(),
            line + 1,
            expected.lines().nth(line).unwrap_or("(end of file)"),
            actual.lines().nth(line).unwrap_or("(end of file)"),
        );
    }
}
