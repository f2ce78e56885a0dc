//! HTML form bodies: every field as text, repeated fields kept (a form sends one `pain_regions`
//! per ticked box), and the session's CSRF token checked before a handler sees anything.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

use crate::AppState;
use crate::auth::Caller;
use crate::error::PageError;

/// The name of the hidden CSRF field in every signed-in form.
pub const CSRF_FIELD: &str = "csrf";

/// A form body as a list of (name, value) pairs.
#[derive(Clone, Debug, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of a field, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// The value, or `None` when absent or blank.
    pub fn opt(&self, name: &str) -> Option<&str> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }

    /// Every non-blank value of a repeated field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

async fn read_fields(req: Request, state: &AppState) -> Result<Fields, PageError> {
    axum::Form::<Vec<(String, String)>>::from_request(req, state)
        .await
        .map(|f| Fields(f.0))
        .map_err(|_| {
            PageError::Message(
                StatusCode::BAD_REQUEST,
                "The form could not be read. Go back and try again.".into(),
            )
        })
}

/// A form from a signed-in person, whose CSRF token matched their session's.
pub struct SignedForm(pub Fields);

impl FromRequest<AppState> for SignedForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let expected = req
            .extensions()
            .get::<Caller>()
            .map(|c| c.csrf().to_owned())
            .unwrap_or_default();
        let fields = read_fields(req, state).await?;
        // An empty expected token means no browser session (an API token): forms are for browsers.
        if expected.is_empty() || !constant_time_eq(fields.get(CSRF_FIELD), &expected) {
            return Err(PageError::Message(
                StatusCode::FORBIDDEN,
                "This form has expired. Go back, reload the page and try again; nothing was saved."
                    .into(),
            ));
        }
        Ok(SignedForm(fields))
    }
}

/// A form from someone not signed in (sign-in, redeeming a link). Cross-site posts are already
/// refused by the route guard's origin check, and the session cookie is SameSite=Strict.
pub struct PublicForm(pub Fields);

impl FromRequest<AppState> for PublicForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        read_fields(req, state).await.map(PublicForm)
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_are_all_kept_and_blanks_dropped() {
        let f = Fields(vec![
            ("pain_regions".into(), "neck".into()),
            ("pain_regions".into(), "".into()),
            ("pain_regions".into(), "chest".into()),
            ("pain".into(), " 6 ".into()),
        ]);
        assert_eq!(f.all("pain_regions"), ["neck", "chest"]);
        assert_eq!(f.get("pain"), "6");
        assert_eq!(f.opt("missing"), None);
    }

    #[test]
    fn tokens_compare_equal_only_when_identical() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
