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
        let sent = unmask_csrf(fields.get(CSRF_FIELD)).unwrap_or_default();
        if expected.is_empty() || !constant_time_eq(&sent, expected.as_bytes()) {
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

/// The session's CSRF token as a page carries it: a fresh random pad, then the token XOR that
/// pad, both in hex. Every page shows different text for the same token, so a compressed page
/// gives away nothing about the token through its size (BREACH; docs/architecture.md,
/// "Compression and caching"), and the token itself never appears in a page.
pub fn mask_csrf(token: &str) -> String {
    if token.is_empty() {
        return String::new();
    }
    let token = token.as_bytes();
    let mut pad = vec![0u8; token.len()];
    // The operating system's random source failing is not something painpath can work around.
    getrandom::fill(&mut pad).expect("the operating system's random source should work");
    let xored: Vec<u8> = pad.iter().zip(token).map(|(p, t)| p ^ t).collect();
    let mut out = String::with_capacity(token.len() * 4);
    for &b in pad.iter().chain(&xored) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The token a masked field stands for, or `None` if the field is not a masked token.
fn unmask_csrf(masked: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let bytes = masked.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    let decoded = bytes
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect::<Option<Vec<u8>>>()?;
    let (pad, xored) = decoded.split_at(decoded.len() / 2);
    Some(pad.iter().zip(xored).map(|(p, x)| p ^ x).collect())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn a_masked_token_differs_every_time_and_unmasks_to_the_token() {
        let token = "3f".repeat(32);
        let (a, b) = (mask_csrf(&token), mask_csrf(&token));
        assert_ne!(a, b, "each page gets its own pad");
        assert!(!a.contains(&token), "the token itself is not in the page");
        assert_eq!(unmask_csrf(&a).as_deref(), Some(token.as_bytes()));
        assert_eq!(unmask_csrf(&b).as_deref(), Some(token.as_bytes()));
    }

    #[test]
    fn a_bare_truncated_or_altered_token_does_not_unmask_to_the_token() {
        let token = "3f".repeat(32);
        let masked = mask_csrf(&token);
        // The token as it was sent before masking, half of a masked one, a flipped digit, junk.
        assert_ne!(unmask_csrf(&token).as_deref(), Some(token.as_bytes()));
        assert_ne!(
            unmask_csrf(&masked[..masked.len() / 2]).as_deref(),
            Some(token.as_bytes())
        );
        let mut flipped = masked.into_bytes();
        flipped[200] = if flipped[200] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).expect("hex stays text");
        assert_ne!(unmask_csrf(&flipped).as_deref(), Some(token.as_bytes()));
        assert_eq!(unmask_csrf("zz".repeat(64).as_str()), None);
        assert_eq!(unmask_csrf(""), None);
        assert_eq!(mask_csrf(""), "", "no session, no token");
    }
}
