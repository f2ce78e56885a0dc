//! The test server and a small HTTP/1.1 client for it (Zero To Production's `spawn_app`).
//!
//! Each test starts the real application in-process on port 0, with a fresh SQLite database in a
//! temporary folder, the real knowledge base and a stopped clock, and talks to it over real HTTP.
//! The client is a few dozen lines over `tokio::net::TcpStream` rather than a crate: it sends
//! `Connection: close`, reads to the end, and decodes a chunked body, which is all these tests
//! need, and it keeps the test build small.

use std::net::SocketAddr;
use std::sync::Arc;

use painpath_core::access::Actor;
use painpath_core::person::{Role, UserId, Username};
use painpath_store::{NewAccount, SqliteStore, Store};
use painpath_web::{AppState, Clock, Config};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The instant most tests are stopped at: midday in London on Wednesday 25/11/2026 (GMT).
pub const NOW: &str = "2026-11-25T12:00:00Z";
/// Today's date at [`NOW`].
pub const TODAY: &str = "2026-11-25";
/// The password every seeded account has.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running server and its store.
pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

/// Starts the app with the clock stopped at [`NOW`] and the default configuration.
pub async fn spawn() -> TestApp {
    spawn_with(Config::default(), NOW).await
}

/// Starts the app with the clock stopped at `at` (RFC 3339).
pub async fn spawn_at(at: &str) -> TestApp {
    spawn_with(Config::default(), at).await
}

pub async fn spawn_with(config: Config, at: &str) -> TestApp {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(dir.path())
            .await
            .expect("the SQLite store opens"),
    );
    let kb = painpath_kb::load().expect("the knowledge base loads");
    let state = AppState {
        store: store.clone(),
        kb: Arc::new(kb),
        config: Arc::new(config),
        clock: Clock::fixed(at.parse().expect("an RFC 3339 instant")),
    };
    // Bound before the server task starts, so connections queue until it accepts them: there is
    // nothing to wait for.
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port 0 binds");
    let addr = listener.local_addr().expect("a bound address");
    tokio::spawn(async move {
        axum::serve(
            listener,
            painpath_web::app(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("the server runs");
    });
    TestApp {
        addr,
        store,
        _dir: dir,
    }
}

/// A seeded account and the password it signs in with.
#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user: UserId(self.id),
            role: self.role,
        }
    }

    pub fn uid(&self) -> UserId {
        UserId(self.id)
    }
}

/// How a request proves who sends it.
#[derive(Clone, Debug)]
pub enum Cred {
    Anonymous,
    Bearer(String),
    Session(Session),
}

/// A browser session: the `Cookie` header value and the session's CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Makes an account straight in the store, as `painpath user add` does.
    pub async fn user(&self, role: Role, username: &str, name: &str) -> User {
        // One argon2 hash of the shared test password serves every account: hashing is slow on
        // purpose, and the tests need each account's password to verify, not to differ.
        static HASH: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
        let hash = HASH
            .get_or_init(|| async {
                painpath_web::auth::hash_password(PASSWORD.to_owned())
                    .await
                    .expect("hashing works")
            })
            .await
            .clone();
        let id = self
            .store
            .create_account(
                None,
                &NewAccount {
                    username: Username::parse(username).expect("a valid username"),
                    display_name: name.to_owned(),
                    role,
                    password_hash: hash,
                    recovery_codes: Vec::new(),
                },
            )
            .await
            .expect("the account is created");
        User {
            id: id.0,
            username: username.to_owned(),
            name: name.to_owned(),
            role,
        }
    }

    /// Links a patient to a clinician's care team, as an admin does; gives the link's id.
    pub async fn link(&self, admin: &User, patient: &User, clinician: &User) -> i64 {
        self.store
            .link_care_team(&admin.actor(), patient.uid(), clinician.uid())
            .await
            .expect("the care-team link is made")
    }

    /// An API token for `user`, from `POST /api/tokens`.
    pub async fn token(&self, user: &User) -> String {
        let r = self
            .post("/api/tokens")
            .json(&serde_json::json!({
                "username": user.username,
                "password": PASSWORD,
                "name": "integration tests",
            }))
            .send()
            .await;
        assert_eq!(r.status, 201, "a token for {}: {r:?}", user.username);
        r.json()["token"]
            .as_str()
            .expect("the new token is in the answer")
            .to_owned()
    }

    pub async fn bearer(&self, user: &User) -> Cred {
        Cred::Bearer(self.token(user).await)
    }

    /// Signs in through the sign-in form and reads the CSRF token from the home page.
    pub async fn sign_in(&self, user: &User) -> Session {
        let r = self
            .post("/sign-in")
            .form(&[
                ("username", user.username.as_str()),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await;
        assert_eq!(r.status, 303, "signing in {}: {r:?}", user.username);
        let cookie = r
            .session_cookie()
            .expect("signing in sets the session cookie");
        let home = self.get("/").header("Cookie", &cookie).send().await;
        assert_eq!(home.status, 200, "the home page after signing in: {home:?}");
        let csrf = csrf_in(&home.text()).expect("a signed-in page carries the CSRF token");
        Session { cookie, csrf }
    }

    pub async fn session(&self, user: &User) -> Cred {
        Cred::Session(self.sign_in(user).await)
    }

    pub fn request(&self, method: &str, path: &str) -> Req {
        Req {
            addr: self.addr,
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn get(&self, path: &str) -> Req {
        self.request("GET", path)
    }

    pub fn post(&self, path: &str) -> Req {
        self.request("POST", path)
    }

    pub fn put(&self, path: &str) -> Req {
        self.request("PUT", path)
    }

    pub fn delete(&self, path: &str) -> Req {
        self.request("DELETE", path)
    }
}

/// A request being built.
#[derive(Clone, Debug)]
pub struct Req {
    addr: SocketAddr,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    pub fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn cred(self, cred: &Cred) -> Req {
        match cred {
            Cred::Anonymous => self,
            Cred::Bearer(t) => self.header("Authorization", &format!("Bearer {t}")),
            Cred::Session(s) => self.header("Cookie", &s.cookie),
        }
    }

    pub fn cookie(self, session: &Session) -> Req {
        self.header("Cookie", &session.cookie)
    }

    pub fn body(self, content_type: &str, body: impl Into<Vec<u8>>) -> Req {
        self.bytes(body).header("Content-Type", content_type)
    }

    /// A body with no `Content-Type` header.
    pub fn bytes(mut self, body: impl Into<Vec<u8>>) -> Req {
        self.body = body.into();
        self
    }

    pub fn json(self, value: &Value) -> Req {
        self.body("application/json", value.to_string())
    }

    pub fn form(self, fields: &[(&str, &str)]) -> Req {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.body("application/x-www-form-urlencoded", body)
    }

    /// Sends the request on a new connection and reads the whole answer.
    pub async fn send(self) -> Resp {
        let mut head = format!("{} {} HTTP/1.1\r\n", self.method, self.path);
        if !self
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("host"))
        {
            head.push_str(&format!("Host: {}\r\n", self.addr));
        }
        head.push_str("Connection: close\r\n");
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !self.body.is_empty() || !matches!(self.method.as_str(), "GET" | "HEAD") {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        let mut stream = TcpStream::connect(self.addr)
            .await
            .expect("the server accepts");
        stream
            .write_all(head.as_bytes())
            .await
            .expect("the request head is sent");
        stream
            .write_all(&self.body)
            .await
            .expect("the request body is sent");
        stream.flush().await.expect("the request is flushed");
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .expect("the answer is read to the end");
        parse_response(&raw).unwrap_or_else(|e| {
            panic!(
                "{} {}: unreadable answer ({e}): {:?}",
                self.method,
                self.path,
                String::from_utf8_lossy(&raw)
            )
        })
    }
}

/// An answer.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Resp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.text();
        let shown: String = text.chars().take(1500).collect();
        f.debug_struct("Resp")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &shown)
            .finish()
    }
}

impl Resp {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn all_headers(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("expected a JSON body ({e}): {self:?}"))
    }

    pub fn location(&self) -> &str {
        self.header("location").unwrap_or("")
    }

    /// The whole `Set-Cookie` value for the session cookie, if one is set.
    pub fn session_set_cookie(&self) -> Option<&str> {
        self.all_headers("set-cookie")
            .into_iter()
            .find(|c| c.starts_with("painpath_session="))
    }

    /// `painpath_session=TOKEN`, ready for a `Cookie` header.
    pub fn session_cookie(&self) -> Option<String> {
        self.session_set_cookie()
            .and_then(|c| c.split(';').next())
            .map(|c| c.trim().to_owned())
    }

    pub fn is_html(&self) -> bool {
        self.header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    }

    /// The fields named in a JSON error body's `problems`.
    pub fn problem_fields(&self) -> Vec<String> {
        self.json()["problems"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter_map(|p| p["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn parse_response(raw: &[u8]) -> Result<Resp, String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of headers")?;
    let head = std::str::from_utf8(&raw[..end]).map_err(|e| e.to_string())?;
    let rest = &raw[end + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or("no status line")?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let body = if find("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        dechunk(rest)?
    } else if let Some(len) = find("content-length") {
        let len: usize = len.parse().map_err(|_| "bad content-length")?;
        rest.get(..len)
            .ok_or("body shorter than its content-length")?
            .to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Resp {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("no chunk size line")?;
        let size_text = std::str::from_utf8(&data[..line_end]).map_err(|e| e.to_string())?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| "bad chunk size")?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(data.get(..size).ok_or("chunk shorter than its size")?);
        data = data.get(size + 2..).ok_or("no end of chunk")?;
    }
}

/// `application/x-www-form-urlencoded` encoding of one name or value.
pub fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The CSRF token in a page's hidden `csrf` field.
pub fn csrf_in(html: &str) -> Option<String> {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker)? + marker.len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].to_owned()).filter(|t| !t.is_empty())
}

/// The path of a full link (`http://127.0.0.1:1234/link/abc` gives `/link/abc`).
pub fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_owned(),
        None => "/".to_owned(),
    }
}
