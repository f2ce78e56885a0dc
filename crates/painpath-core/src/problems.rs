//! Input problems, each naming the field it is about.
//!
//! Every parser in painpath collects *all* problems rather than stopping at the first, so that a
//! person correcting a form, or a program correcting a request, sees everything at once.

use std::fmt;

/// One thing wrong with an input: the field's path (`pain`, `pain_regions[2]`) and what was
/// expected, in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

impl Problem {
    /// The field's name without list positions or sub-fields (`pain_regions[2]` gives
    /// `pain_regions`), to point at the form control a problem belongs to.
    pub fn base_field(&self) -> &str {
        let end = self.field.find(['[', '.']).unwrap_or(self.field.len());
        &self.field[..end]
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every problem found in one input. Empty means the input was accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems(Vec<Problem>);

impl Problems {
    pub fn new() -> Problems {
        Problems(Vec::new())
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            field: field.into(),
            message: message.into(),
        });
    }

    /// Keeps the value of `result`, or records its error against `field` and gives `None`.
    pub fn check<T, E: fmt::Display>(
        &mut self,
        field: impl Into<String>,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    /// Adds every problem of `other`, with `prefix` put before each field (`entries[3].`).
    pub fn extend_prefixed(&mut self, prefix: &str, other: Problems) {
        for p in other.0 {
            self.0.push(Problem {
                field: format!("{prefix}{}", p.field),
                message: p.message,
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// The first message recorded for `field`, for showing beside a form field.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    /// `Ok(value)` when nothing was recorded, else every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Problems {
        let mut p = Problems::new();
        p.add(field, message);
        p
    }
}

impl IntoIterator for Problems {
    type Item = Problem;
    type IntoIter = std::vec::IntoIter<Problem>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for Problems {
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

/// Whether free text holds a control character a person cannot have meant (a NUL, an escape).
/// Line breaks and tabs are allowed only where `multi_line` is true (notes, addresses). Such
/// characters are refused at the edge rather than stored: one backend would keep them and the
/// other refuse them, and they can hide text from a reader.
pub fn has_stray_control(text: &str, multi_line: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(multi_line && matches!(c, '\n' | '\r' | '\t')))
}

/// The message for [`has_stray_control`].
pub const STRAY_CONTROL: &str = "contains a control character; remove it and try again";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_problems_keep_their_field_after_the_prefix() {
        let mut outer = Problems::new();
        outer.extend_prefixed("entries[3].", Problems::single("pain", "expected 0 to 10"));
        assert_eq!(outer.to_string(), "entries[3].pain: expected 0 to 10");
    }

    #[test]
    fn the_base_field_drops_positions_and_sub_fields() {
        let p = |f: &str| Problem {
            field: f.into(),
            message: String::new(),
        };
        assert_eq!(p("pain_regions[2]").base_field(), "pain_regions");
        assert_eq!(p("done_today[0].period").base_field(), "done_today");
        assert_eq!(p("pain").base_field(), "pain");
    }

    #[test]
    fn control_characters_are_stray_except_line_breaks_where_allowed() {
        assert!(has_stray_control("a\0b", true));
        assert!(has_stray_control("a\u{1b}b", true));
        assert!(has_stray_control("line\nbreak", false));
        assert!(!has_stray_control("line\nbreak\tand tab", true));
        assert!(!has_stray_control("plain text, café", false));
    }

    #[test]
    fn an_empty_list_accepts_the_value() {
        assert_eq!(Problems::new().into_result(7), Ok(7));
        assert!(Problems::single("a", "b").into_result(7).is_err());
    }
}
