//! Every problem the loader finds, each naming its file and field, in the style of the RustSec
//! advisory-database linter: `file: field: what was expected`.
//!
//! The loader collects them all rather than stopping at the first, so that a clinical reviewer
//! checking an edit with `painpath kb check` sees everything wrong in one run.

use std::fmt;

/// One thing wrong with the knowledge base.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KbProblem {
    /// The file as the reader knows it (`kb/treatments/rtms.toml`).
    pub file: String,
    /// The field's path inside the file (`group`, `service[3].reason`), `line 4` for a syntax
    /// error, or `(file)` for the file as a whole.
    pub field: String,
    /// What was expected, in plain words.
    pub message: String,
}

impl fmt::Display for KbProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.field, self.message)
    }
}

/// Every problem found in one knowledge base; never empty when returned as an error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KbProblems(Vec<KbProblem>);

impl KbProblems {
    pub(crate) fn new() -> KbProblems {
        KbProblems(Vec::new())
    }

    pub(crate) fn add(
        &mut self,
        file: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.0.push(KbProblem {
            file: file.into(),
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &KbProblem> {
        self.0.iter()
    }

    /// Orders the problems by file, so that a reviewer reads each file's problems together,
    /// whichever check found them.
    pub(crate) fn sort(&mut self) {
        self.0.sort_by(|a, b| a.file.cmp(&b.file));
    }
}

impl<'a> IntoIterator for &'a KbProblems {
    type Item = &'a KbProblem;
    type IntoIter = std::slice::Iter<'a, KbProblem>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// One line per problem, with no trailing newline.
impl fmt::Display for KbProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for KbProblems {}
