//! Passwords, tokens, session cookies and finding out who is calling.
//!
//! Sessions live in the database (design.md 7) so several servers can share one and a sign-out
//! really ends the session. Only the SHA-256 of each token is stored: a copy of the database
//! cannot be used to sign in. Passwords are hashed with argon2id on the bounded pool of
//! [`crate::hasher`], because hashing is deliberately slow and memory-hungry: on a request's own
//! worker it would stall every other request, and without a bound a burst of sign-ins could
//! exhaust memory.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// Hashing could not be done.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthError {
    /// The hasher refused its input.
    Hash,
    /// Too many passwords are being checked at once: try again in a moment (503).
    Busy,
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthError::Hash => f.write_str("password hashing failed"),
            AuthError::Busy => f.write_str("too many passwords are being checked at once"),
        }
    }
}

impl std::error::Error for AuthError {}

/// How long a caller turned away as busy is asked to wait, in seconds (`Retry-After`).
pub const BUSY_RETRY_AFTER_SECONDS: u32 = 2;

/// The most argon2 memory a stored hash may ask for, in 1 KiB blocks (64 MiB). painpath makes
/// hashes of 19 MiB; anything far larger in the database is refused rather than allocated.
const MAX_BLOCKS: usize = 64 * 1024;

std::thread_local! {
    /// Each hashing thread's own argon2 memory, allocated the first time it hashes and reused for
    /// every hash after. Letting argon2 allocate 19 MiB per hash made glibc keep several freed
    /// blocks per thread (its mmap threshold rises after the first large free, so later blocks
    /// come from the thread's heap, and aligned blocks fragment it): 58 MB in each worker's heap
    /// after a few dozen hashes. One buffer per thread bounds hashing memory at
    /// workers × 19 MiB, whatever the load.
    static BLOCKS: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs argon2 on this thread's reused memory, then wipes it, so nothing of one password's
/// derived state is left for the next.
fn with_blocks<T>(count: usize, f: impl FnOnce(&mut [Block]) -> T) -> Option<T> {
    if count == 0 || count > MAX_BLOCKS {
        return None;
    }
    BLOCKS.with(|cell| {
        let mut blocks = cell.borrow_mut();
        if blocks.len() < count {
            blocks.resize(count, Block::new());
        }
        let answer = f(&mut blocks[..count]);
        blocks[..count].fill(Block::new());
        Some(answer)
    })
}

/// argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), as a PHC string.
fn hash_on_this_thread(password: &[u8]) -> Result<String, AuthError> {
    let params = Params::default();
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| AuthError::Hash)?;
    let mut out = [0u8; 32];
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    with_blocks(params.block_count(), |blocks| {
        argon.hash_password_into_with_memory(password, &salt, &mut out, blocks)
    })
    .ok_or(AuthError::Hash)?
    .map_err(|_| AuthError::Hash)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|_| AuthError::Hash)?,
        salt: Some(Salt::new(&salt).map_err(|_| AuthError::Hash)?),
        hash: Some(Output::new(&out).map_err(|_| AuthError::Hash)?),
    };
    Ok(phc.to_string())
}

/// Checks a password against a PHC string, on this thread's reused memory. Anything that is not
/// an argon2 hash painpath could have made is simply "no".
fn verify_on_this_thread(password: &[u8], hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm.as_str()),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let mut out = vec![0u8; expected.as_bytes().len()];
    let argon = Argon2::new(algorithm, version, params.clone());
    let computed = with_blocks(params.block_count(), |blocks| {
        argon.hash_password_into_with_memory(password, salt, &mut out, blocks)
    });
    matches!(computed, Some(Ok(()))) && constant_time_eq(&out, expected.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Hashes a password with argon2id (19 MiB, 2 passes, as OWASP advises), on the bounded pool.
pub async fn hash_password(password: String) -> Result<String, AuthError> {
    crate::hasher::run(move || hash_on_this_thread(password.as_bytes()))
        .await
        .map_err(|_| AuthError::Busy)?
}

/// Checks a password against a stored hash; `Err(Busy)` when the hasher is full.
pub async fn verify_password(password: String, hash: String) -> Result<bool, AuthError> {
    crate::hasher::run(move || verify_on_this_thread(password.as_bytes(), &hash))
        .await
        .map_err(|_| AuthError::Busy)
}

/// A recovery code as shown to its owner: four groups of four characters from Crockford's base32
/// alphabet (no I, L, O or U, so nothing is misread), 80 random bits in all.
pub fn new_recovery_code() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source should work");
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// How many recovery codes a patient is given at a time.
pub const RECOVERY_CODES: usize = 8;

/// A typed recovery code, put into the one form it is stored under: upper case, without spaces
/// or hyphens, with the letters people confuse with digits read as those digits.
pub fn normalise_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// What is stored in place of a recovery code.
pub fn recovery_code_hash(code: &str) -> String {
    token_hash(&normalise_recovery_code(code))
}

/// A fresh set of recovery codes and the hashes to store.
pub fn recovery_codes() -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let hashes = codes.iter().map(|c| recovery_code_hash(c)).collect();
    (codes, hashes)
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
        assert_eq!(
            verify_password("correct horse battery".into(), hash.clone()).await,
            Ok(true)
        );
        assert_eq!(
            verify_password("wrong horse battery".into(), hash).await,
            Ok(false)
        );
        assert_eq!(
            verify_password("x".into(), "not a hash".into()).await,
            Ok(false)
        );
    }

    #[test]
    fn an_ipv6_address_is_counted_by_its_64_block_and_a_mapped_ipv4_as_itself() {
        assert_eq!(address_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(address_key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_ne!(
            address_key("2001:db8:1:3::1"),
            address_key("2001:db8:1:2::1")
        );
        assert_eq!(address_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("192.0.2.7"), "192.0.2.7");
        assert_eq!(address_key("unknown"), "unknown");
    }

    #[test]
    fn hashes_made_on_reused_memory_agree_with_argon2s_own_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        // Ours, checked by the crate's own verifier (so stored hashes stay standard PHC strings).
        let ours = hash_on_this_thread(b"correct horse battery").unwrap();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        // The crate's own, checked by ours (hashes stored before this change still verify).
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery")
            .unwrap()
            .to_string();
        assert!(verify_on_this_thread(b"correct horse battery", &theirs));
        assert!(!verify_on_this_thread(b"wrong horse battery", &theirs));
        // The memory is reused, and a second hash of the same password differs (a new salt).
        let again = hash_on_this_thread(b"correct horse battery").unwrap();
        assert_ne!(ours, again);
        assert!(verify_on_this_thread(b"correct horse battery", &again));
        // A hash asking for more memory than painpath allows is refused, not allocated.
        let greedy = "$argon2id$v=19$m=1048576,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
        assert!(!verify_on_this_thread(b"x", greedy));
    }

    #[test]
    fn recovery_codes_are_random_readable_and_forgiving_of_how_they_are_typed() {
        let (codes, hashes) = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 19, "{code}");
            assert!(
                code.chars()
                    .all(|c| c == '-' || "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c))
            );
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        // Typed in lower case, with spaces instead of hyphens, it is the same code.
        let typed = codes[0].to_lowercase().replace('-', " ");
        assert_eq!(recovery_code_hash(&typed), hashes[0]);
        // O for 0 and I or L for 1 are read as the digits.
        assert_eq!(normalise_recovery_code("o1il-0"), "01110");
        assert_ne!(
            recovery_code_hash("AAAA-AAAA-AAAA-AAAB"),
            recovery_code_hash("AAAA-AAAA-AAAA-AAAA")
        );
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
    /// Too many passwords are being checked at once (503, try again shortly); not counted.
    Busy,
    Store(StoreError),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> SignInError {
        SignInError::Store(e)
    }
}

pub const WRONG_CREDENTIALS: &str =
    "The username or password is not right. Check them and try again.";
pub const TOO_MANY_ATTEMPTS: &str = "Too many attempts to sign in. Wait 15 minutes, or set a new password with one of your recovery codes (\"Forgotten your password?\"). Staff: ask an administrator.";
pub const TOO_MANY_RECOVERY_ATTEMPTS: &str = "Too many attempts with recovery codes. Wait 15 minutes, or ask your clinician for a password reset link.";
pub const BUSY: &str = "painpath is busy checking passwords just now. Wait a moment and try again; nothing was counted against you.";

/// The sign-in counters' keys for a username and an address. An IPv6 address is counted by its
/// /64, the block one household or device is usually given, so that stepping through the 2^64
/// addresses of one's own block escapes nothing; an IPv4 address seen over IPv6 counts as itself.
fn attempt_keys(username: &str, address: &str) -> (String, String) {
    // Only printable characters reach the counter's key: it is stored, and a NUL would be
    // refused by one backend and kept by the other.
    let name: String = username
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    (
        format!("{}{name}", painpath_store::ACCOUNT_ATTEMPT_KEY),
        format!("address:{}", address_key(address)),
    )
}

fn address_key(address: &str) -> String {
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & (u128::MAX << 64);
                format!("{}/64", std::net::Ipv6Addr::from(prefix))
            }
        },
        Ok(v4) => v4.to_string(),
        Err(_) => address
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect(),
    }
}

/// What recovery-code attempts are counted under: their own account key, so that someone
/// sending wrong passwords for a patient does not also lock them out of their recovery codes
/// (and the other way round); the address is counted as for signing in.
pub async fn reserve_recovery_attempt(
    state: &AppState,
    username: &str,
    address: &str,
) -> Result<Option<Reservation>, StoreError> {
    let (account_key, address_key) = attempt_keys(username, address);
    reserve_keys(
        state,
        account_key.replacen(painpath_store::ACCOUNT_ATTEMPT_KEY, "recovery:", 1),
        address_key,
    )
    .await
}

/// Counts an attempt against the account and the address before anything is checked, so that a
/// burst of attempts, however concurrent, gets at most the limit judged (the store reserves
/// atomically). `None`: a limit is reached and nothing was recorded.
pub async fn reserve_attempt(
    state: &AppState,
    username: &str,
    address: &str,
) -> Result<Option<Reservation>, StoreError> {
    let (account_key, address_key) = attempt_keys(username, address);
    reserve_keys(state, account_key, address_key).await
}

async fn reserve_keys(
    state: &AppState,
    account_key: String,
    address_key: String,
) -> Result<Option<Reservation>, StoreError> {
    let now = state.clock.now();
    let since = now.saturating_sub(SIGN_IN_WINDOW).unwrap_or(now);
    let reserved = state
        .store
        .reserve_sign_in(
            &[
                (&account_key, MAX_FAILURES_PER_ACCOUNT),
                (&address_key, MAX_FAILURES_PER_ADDRESS),
            ],
            since,
            now,
        )
        .await?;
    Ok(reserved.map(|ids| Reservation { account_key, ids }))
}

/// An attempt counted before the password was checked.
#[derive(Debug)]
pub struct Reservation {
    account_key: String,
    /// The rows reserved: the account's, then the address's.
    ids: Vec<i64>,
}

impl Reservation {
    /// The attempt succeeded: the account's failures are forgotten, and the address's attempt
    /// is taken back (people behind one address who sign in rightly never lock it).
    pub async fn succeeded(self, state: &AppState) -> Result<(), StoreError> {
        state.store.clear_failed_sign_ins(&self.account_key).await?;
        state.store.release_sign_in(&self.ids).await
    }

    /// The attempt was never judged (painpath was busy): it does not count.
    pub async fn not_judged(self, state: &AppState) -> Result<(), StoreError> {
        state.store.release_sign_in(&self.ids).await
    }
}

/// Checks a username and password, counting the attempt first (per account and per address, in
/// the database) and refusing without checking the password once either limit is reached.
pub async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
    address: &str,
) -> Result<Account, SignInError> {
    let Some(reservation) = reserve_attempt(state, username, address).await? else {
        return Err(SignInError::TooMany);
    };
    let name = username.trim().to_lowercase();
    let credentials = match painpath_core::person::Username::parse(&name) {
        Ok(u) => state.store.credentials(&u).await?,
        Err(_) => None,
    };
    let verdict = match &credentials {
        Some(c) if c.account.active => {
            verify_password(password.to_owned(), c.password_hash.clone()).await
        }
        // Hash anyway, so that a missing account takes as long to refuse as a wrong password
        // and the timing does not tell which usernames exist.
        _ => hash_password(password.to_owned()).await.map(|_| false),
    };
    match (verdict, credentials) {
        (Err(_), _) => {
            reservation.not_judged(state).await?;
            Err(SignInError::Busy)
        }
        (Ok(true), Some(c)) => {
            reservation.succeeded(state).await?;
            Ok(c.account)
        }
        // A wrong password keeps its reservation: that is the failure, counted.
        _ => Err(SignInError::Wrong),
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
        None,
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
    reason: Option<&str>,
) -> Result<(String, Timestamp), StoreError> {
    let token = new_token();
    let expires = expires_in(state.clock.now(), lifetime);
    state
        .store
        .create_link(by, &token_hash(&token), purpose, expires, reason)
        .await?;
    Ok((
        format!("{}/link/{token}", base_url(state, headers)),
        expires,
    ))
}
