//! Passwords, tokens, session cookies and finding out who is calling.
//!
//! Sessions live in the database (design.md 7) so several servers can share one and a sign-out
//! really ends the session. Only the SHA-256 of each token is stored: a copy of the database
//! cannot be used to sign in. Passwords are hashed with argon2id on a blocking thread, because
//! hashing is deliberately slow and would otherwise stall every other request on that worker.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use jiff::{SignedDuration, Timestamp};
use painpath_core::access::Actor;
use painpath_store::{Account, NewSession, Preferences, StoreError};
use sha2::{Digest, Sha256};

use crate::AppState;

pub const SESSION_COOKIE: &str = "painpath_session";

/// "Keep me signed in" on one's own device: 30 days, renewed by use.
pub const KEEP_SIGNED_IN: SignedDuration = SignedDuration::from_hours(24 * 30);
/// Otherwise a session idles out after 30 minutes and ends after 12 hours whatever happens. The
/// store notes a session's use only when its last note is over a minute old (fewer writes per
/// request), so the idle-out comes 29 to 30 minutes after the last request: fine for this timeout.
pub const IDLE_TIMEOUT: SignedDuration = SignedDuration::from_mins(30);
pub const SESSION_LIMIT: SignedDuration = SignedDuration::from_hours(12);

/// How long one-time links last: long enough to pass on by letter or phone, short enough to
/// limit the harm of one found later.
pub const INVITATION_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 14);
pub const RESET_LIFETIME: SignedDuration = SignedDuration::from_hours(72);
pub const API_TOKEN_LIFETIME: SignedDuration = SignedDuration::from_hours(24 * 90);

/// Sign-in limits, counted in the database per account and per address over a window.
pub const SIGN_IN_WINDOW: SignedDuration = SignedDuration::from_mins(15);
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: u32 = 30;

/// Hashing failed (the blocking thread died, or the hasher refused its input).
#[derive(Debug)]
pub enum AuthError {
    Hash,
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthError::Hash => f.write_str("password hashing failed"),
        }
    }
}

impl std::error::Error for AuthError {}

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes, as OWASP advises).
pub async fn hash_password(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|_| AuthError::Hash)
    })
    .await
    .map_err(|_| AuthError::Hash)?
}

/// Checks a password against a stored hash, on a blocking thread.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// 32 random bytes, hex-encoded: a session, link or API token.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    // The operating system's random source failing is not something painpath can work around.
    getrandom::fill(&mut bytes).expect("the operating system's random source should work");
    hex(&bytes)
}

/// What is stored in place of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// How the caller proved who they are.
#[derive(Clone, Debug)]
pub enum Via {
    /// A browser session: its token hash (to end it) and its CSRF token (for forms).
    Session { token_hash: String, csrf: String },
    /// An API token in an `Authorization: Bearer` header. No cookies, so no CSRF to defend.
    ApiToken,
}

/// The signed-in person making this request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub account: Account,
    pub via: Via,
    pub preferences: Preferences,
    /// For a clinician's pages: how many alerts are on the clinic's duty list, for the menu.
    pub duty_count: Option<u32>,
}

impl Caller {
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.account.id,
            role: self.account.role,
        }
    }

    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::ApiToken => "",
        }
    }
}

/// Finds the caller from a bearer token or the session cookie. A bearer token that does not
/// work is not silently ignored in favour of a cookie: the caller meant the token.
pub async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, StoreError> {
    let now = state.clock.now();
    if let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let Some(token) = value.strip_prefix("Bearer ") else {
            return Ok(None);
        };
        let Some(account) = state
            .store
            .api_token_account(&token_hash(token.trim()), now)
            .await?
        else {
            return Ok(None);
        };
        return Ok(Some(Caller {
            account,
            via: Via::ApiToken,
            preferences: Preferences::default(),
            duty_count: None,
        }));
    }
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    let Some(session) = state.store.session(&hash, now).await? else {
        return Ok(None);
    };
    let actor = Actor {
        user: session.account.id,
        role: session.account.role,
    };
    let preferences = state.store.preferences(&actor).await?;
    Ok(Some(Caller {
        account: session.account,
        via: Via::Session {
            token_hash: hash,
            csrf: session.csrf_token,
        },
        preferences,
        duty_count: None,
    }))
}

/// One cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Starts a session for `account` and gives the `Set-Cookie` value.
pub async fn start_session(
    state: &AppState,
    account: &Account,
    keep_signed_in: bool,
) -> Result<String, StoreError> {
    let token = new_token();
    let now = state.clock.now();
    let (limit, idle) = if keep_signed_in {
        (KEEP_SIGNED_IN, KEEP_SIGNED_IN)
    } else {
        (SESSION_LIMIT, IDLE_TIMEOUT)
    };
    state
        .store
        .create_session(&NewSession {
            token_hash: token_hash(&token),
            user: account.id,
            created_at: now,
            expires_at: now.saturating_add(limit).unwrap_or(now),
            idle_seconds: idle.as_secs(),
            csrf_token: new_token(),
        })
        .await?;
    Ok(session_cookie(
        state,
        &token,
        keep_signed_in.then_some(KEEP_SIGNED_IN),
    ))
}

/// The session cookie: HttpOnly (no script can read it), SameSite=Strict (no other site can make
/// the browser send it), Secure behind https. A persistent cookie only for "keep me signed in".
pub fn session_cookie(state: &AppState, token: &str, max_age: Option<SignedDuration>) -> String {
    let mut c = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={}", age.as_secs()));
    }
    if state.config.secure_cookies() {
        c.push_str("; Secure");
    }
    c
}

/// A cookie that removes the session cookie.
pub fn clear_session_cookie(state: &AppState) -> String {
    session_cookie(state, "", Some(SignedDuration::ZERO))
}

/// The expiry of a link or token made now.
pub fn expires_in(now: Timestamp, lifetime: SignedDuration) -> Timestamp {
    now.saturating_add(lifetime).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), hash.clone()).await);
        assert!(!verify_password("wrong horse battery".into(), hash).await);
        assert!(!verify_password("x".into(), "not a hash".into()).await);
    }

    #[test]
    fn tokens_are_random_and_stored_only_as_hashes() {
        let a = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_token());
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, "a=1; painpath_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }
}

/// The address a request came from, as the sign-in limit counts it. Set by the route guard.
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

/// Why a sign-in was refused. The message never says whether the username exists.
#[derive(Debug)]
pub enum SignInError {
    Wrong,
    TooMany,
    Store(StoreError),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> SignInError {
        SignInError::Store(e)
    }
}

pub const WRONG_CREDENTIALS: &str =
    "The username or password is not right. Check them and try again.";
pub const TOO_MANY_ATTEMPTS: &str =
    "Too many attempts to sign in. Wait 15 minutes, or ask your clinic to reset your password.";

/// Checks a username and password, counting failures per account and per address in the
/// database, and refusing without even checking the password once either limit is reached.
pub async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<Account, SignInError> {
    let now = state.clock.now();
    // Only printable characters reach the counter's key: it is stored, and a NUL would be
    // refused by one backend and kept by the other.
    let name: String = username
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    let account_key = format!("account:{name}");
    let address_key = format!("address:{address}");
    let since = now.saturating_sub(SIGN_IN_WINDOW).unwrap_or(now);
    let failures = state
        .store
        .failed_sign_ins(&[&account_key, &address_key], since)
        .await?;
    if failures.first().copied().unwrap_or(0) >= MAX_FAILURES_PER_ACCOUNT
        || failures.get(1).copied().unwrap_or(0) >= MAX_FAILURES_PER_ADDRESS
    {
        return Err(SignInError::TooMany);
    }
    let credentials = match painpath_core::person::Username::parse(&name) {
        Ok(u) => state.store.credentials(&u).await?,
        Err(_) => None,
    };
    let ok = match &credentials {
        Some(c) if c.account.active => {
            verify_password(password.to_owned(), c.password_hash.clone()).await
        }
        _ => {
            // Hash anyway, so that a missing account takes as long to refuse as a wrong password
            // and the timing does not tell which usernames exist.
            let _ = hash_password(password.to_owned()).await;
            false
        }
    };
    match credentials {
        Some(c) if ok => {
            state.store.clear_failed_sign_ins(&account_key).await?;
            Ok(c.account)
        }
        _ => {
            state
                .store
                .record_failed_sign_in(&[&account_key, &address_key], now)
                .await?;
            Err(SignInError::Wrong)
        }
    }
}

/// The address links are made for: the configured public URL, or the address the request came to.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(public) = state.config.public_url.as_deref() {
        return public.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// Makes a clinician's one-time invitation for a new patient, who joins that clinician's care
/// team; the same for the page and the API.
pub async fn make_invitation(
    state: &AppState,
    headers: &HeaderMap,
    clinician: &Actor,
) -> Result<(String, Timestamp), StoreError> {
    make_link(
        state,
        headers,
        Some(clinician),
        painpath_store::LinkPurpose::PatientInvitation {
            clinician: clinician.user,
        },
        INVITATION_LIFETIME,
    )
    .await
}

/// Makes a one-time link and gives its full address and expiry.
pub async fn make_link(
    state: &AppState,
    headers: &HeaderMap,
    by: Option<&Actor>,
    purpose: painpath_store::LinkPurpose,
    lifetime: SignedDuration,
) -> Result<(String, Timestamp), StoreError> {
    let token = new_token();
    let expires = expires_in(state.clock.now(), lifetime);
    state
        .store
        .create_link(by, &token_hash(&token), purpose, expires)
        .await?;
    Ok((
        format!("{}/link/{token}", base_url(state, headers)),
        expires,
    ))
}
