//! The embedded list of files matches the `kb/` folder, so that no reviewed file is left out of
//! the binary and no deleted file lingers in it.

use painpath_kb::FILES;

use crate::{files_under, kb_dir};

#[test]
fn the_embedded_list_matches_the_kb_folder_exactly() {
    let on_disk: Vec<String> = files_under(&kb_dir())
        .into_iter()
        // Documentation for reviewers, not data; the only file not embedded.
        .filter(|path| path != "README.md")
        .collect();
    let embedded: Vec<String> = FILES.iter().map(|(path, _)| (*path).to_owned()).collect();
    let mut sorted = embedded.clone();
    sorted.sort();
    assert_eq!(
        sorted, on_disk,
        "crates/painpath-kb/src/embedded.rs must list every data file of kb/, and nothing else"
    );
    assert_eq!(
        embedded, sorted,
        "keep FILES sorted by path, so additions are easy to review"
    );
}

#[test]
fn the_kb_folder_has_a_readme_for_reviewers() {
    assert!(kb_dir().join("README.md").is_file());
}
