//! The JSON body of every error answer.

use painpath_core::problems::Problems;
use serde::Serialize;
use utoipa::ToSchema;

/// One problem with one field of the request.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's path, such as `pain` or `pain_regions[2]`.
    pub field: String,
    /// What was expected, in plain words.
    pub message: String,
}

/// An error answer: a plain sentence and, for bad input, every problem by field.
#[derive(Clone, Debug, Serialize, ToSchema, PartialEq, Eq)]
pub struct ErrorBody {
    pub error: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<FieldProblem>,
}

impl ErrorBody {
    pub fn message(error: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error: error.into(),
            problems: Vec::new(),
        }
    }

    pub fn from_problems(problems: Problems) -> ErrorBody {
        ErrorBody {
            error: "the request has problems; each is named by its field".into(),
            problems: problems
                .into_iter()
                .map(|p| FieldProblem {
                    field: p.field,
                    message: p.message,
                })
                .collect(),
        }
    }
}
