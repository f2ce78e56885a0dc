//! Running the built `painpath` binary: one-shot commands with a bounded wait, and `serve` as a
//! child process whose standard output is read line by line.
//!
//! Every wait here has a 60-second bound, so a server that never starts or never stops fails the
//! test instead of hanging it. Nothing sleeps for correctness: the only pauses are between polls
//! of a process that has been asked to exit.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use crate::http::Request;

/// How long anything is given: starting (contracts/server.md: within 60 s, even with `--demo`),
/// stopping, or a one-shot command.
pub const LIMIT: Duration = Duration::from_secs(60);

/// A password long enough for `check_new_password`.
pub const PASSWORD: &str = "correct horse battery staple";

/// The built binary, with none of the project's environment variables leaking in from the
/// shell that runs the tests.
pub fn painpath() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_painpath"));
    for var in [
        "PAINPATH_DATA",
        "PAINPATH_DATABASE_URL",
        "PAINPATH_CONFIG",
        "PAINPATH_ADDR",
        "PAINPATH_PUBLIC_URL",
        "PAINPATH_CLINIC_NAME",
        "PAINPATH_CLINIC_ADDRESS",
        "PAINPATH_TRUSTED_PROXIES",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
    cmd
}

/// Runs a command to its end, at most [`LIMIT`], collecting both outputs.
pub fn run(mut cmd: Command) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting painpath");
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let status = wait_bounded(&mut child);
    Output {
        status,
        stdout: stdout.join().expect("reading stdout"),
        stderr: stderr.join().expect("reading stderr"),
    }
}

fn drain(mut from: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut all = Vec::new();
        let _ = from.read_to_end(&mut all);
        all
    })
}

/// Waits for the child to exit, killing it and failing the test after [`LIMIT`].
fn wait_bounded(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + LIMIT;
    loop {
        if let Some(status) = child.try_wait().expect("waiting for painpath") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("painpath did not exit within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Temporary folders for one test: the data folder and, beside it, the log files.
pub struct Scratch {
    root: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            root: tempfile::tempdir().expect("making a temporary folder"),
        }
    }

    /// The data folder (`--data`); not created, so that `serve` creates it.
    pub fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    fn log(&self, n: usize) -> PathBuf {
        self.root.path().join(format!("stderr-{n}.log"))
    }
}

/// A running `painpath serve`. Dropping it kills the process, so a failing test leaves none.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`, as the first line printed.
    pub addr: String,
    lines: Receiver<String>,
    /// Every line read from standard output so far, the `listening on` line first.
    pub stdout: Vec<String>,
    log: PathBuf,
}

/// How a server ended.
pub struct Ended {
    pub status: ExitStatus,
    pub stdout: Vec<String>,
    pub stderr: String,
}

impl Server {
    /// Starts `painpath serve --data DATA --addr 127.0.0.1:0 EXTRA…` and waits, at most
    /// [`LIMIT`], for its first line, which must name the real address.
    pub fn start(scratch: &Scratch, extra: &[&str]) -> Server {
        // A fresh log file per start, so a restart's log is its own.
        let log = (0..)
            .map(|n| scratch.log(n))
            .find(|p| !p.exists())
            .expect("a free log name");
        let mut child = painpath()
            .arg("serve")
            .arg("--data")
            .arg(scratch.data())
            .args(["--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(File::create(&log).expect("making the log file"))
            .spawn()
            .expect("starting painpath serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            lines,
            stdout: Vec::new(),
            log,
        };
        let first = server.next_line();
        let addr = first
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("the first line on stdout was {first:?}"));
        let port: u16 = addr
            .strip_prefix("127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("expected 127.0.0.1:PORT in {first:?}"));
        assert_ne!(
            port, 0,
            "the server printed port 0 rather than the port it bound"
        );
        server.addr = addr.to_owned();
        server
    }

    /// `http://127.0.0.1:PORT`
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next line on standard output, waiting at most [`LIMIT`].
    pub fn next_line(&mut self) -> String {
        match self.lines.recv_timeout(LIMIT) {
            Ok(line) => {
                self.stdout.push(line.clone());
                line
            }
            Err(RecvTimeoutError::Timeout) => {
                panic!(
                    "no line on stdout within {LIMIT:?}; stderr:\n{}",
                    self.stderr()
                )
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.try_wait().ok().flatten();
                panic!(
                    "stdout closed (exit {status:?}) after {:?}; stderr:\n{}",
                    self.stdout,
                    self.stderr()
                )
            }
        }
    }

    /// Reads lines until one satisfies `found`, and returns it.
    pub fn line_where(&mut self, found: impl Fn(&str) -> bool) -> String {
        loop {
            let line = self.next_line();
            if found(&line) {
                return line;
            }
        }
    }

    /// The path (`/link/TOKEN`) of the one-time first-admin link printed after the first line,
    /// checking it uses the address the server printed.
    pub fn first_admin_link(&mut self) -> String {
        let line = self.line_where(|l| l.contains("/link/"));
        let prefix = format!("{}/link/", self.base());
        let url = line.trim();
        assert!(
            url.starts_with(&prefix),
            "the first-admin link {url:?} does not use the printed address {}",
            self.base()
        );
        url[self.base().len()..].to_owned()
    }

    /// What the process has written to standard error so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: the process gets no chance to tidy up.
    pub fn kill(&mut self) {
        self.child.kill().expect("sending SIGKILL");
        self.child.wait().expect("reaping the killed server");
    }

    /// SIGTERM, then waits (at most [`LIMIT`]) for the exit and the rest of standard output.
    pub fn terminate(mut self) -> Ended {
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status()
            .expect("running kill -TERM");
        assert!(sent.success(), "kill -TERM failed");
        let status = wait_bounded(&mut self.child);
        // The process has exited, so its stdout is closed and the reader thread ends.
        loop {
            match self.lines.recv_timeout(LIMIT) {
                Ok(line) => self.stdout.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => panic!("stdout stayed open after exit"),
            }
        }
        Ended {
            status,
            stdout: std::mem::take(&mut self.stdout),
            stderr: self.stderr(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Redeems a one-time account link (`/link/TOKEN`) as a browser would, posting the form with
/// this site's own `Origin`. The server answers 303 to a redeemed first-admin link, and 200 with
/// the new patient's recovery codes (shown once) to a redeemed invitation.
pub fn redeem_account_link(server: &Server, link: &str, username: &str, name: &str) {
    let r = Request::post(link)
        .header("Origin", &server.base())
        .form(&[
            ("display_name", name),
            ("username", username),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ])
        .expect(&server.addr);
    assert!(
        r.status == 303 || (r.status == 200 && r.text().contains("Your recovery codes")),
        "redeeming {link}: {} {}",
        r.status,
        r.text()
    );
}

/// Sets a password through a one-time password link.
pub fn set_password(server: &Server, link: &str) {
    Request::post(link)
        .header("Origin", &server.base())
        .form(&[("password", PASSWORD), ("confirm", PASSWORD)])
        .expect(&server.addr)
        .assert_status(303);
}

/// An API token for `username` (`POST /api/tokens`).
pub fn token(server: &Server, username: &str, password: &str) -> String {
    let answer = Request::post("/api/tokens")
        .json(&serde_json::json!({"username": username, "password": password, "name": "tests"}))
        .expect(&server.addr)
        .assert_status(201)
        .json();
    answer["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {answer}"))
        .to_owned()
}

/// The signed-in account's id (`GET /api/me`).
pub fn my_id(server: &Server, token: &str) -> i64 {
    let me = Request::get("/api/me")
        .bearer(token)
        .expect(&server.addr)
        .assert_status(200)
        .json();
    me["id"].as_i64().unwrap_or_else(|| panic!("no id in {me}"))
}

/// The path of a full link URL on this server (`http://127.0.0.1:PORT/link/…` → `/link/…`).
pub fn path_of(server: &Server, url: &str) -> String {
    url.strip_prefix(&server.base())
        .unwrap_or_else(|| panic!("{url} is not on {}", server.base()))
        .to_owned()
}

/// A fresh server's first admin, a clinician made by that admin, and a patient invited by the
/// clinician, all through the same routes people use. Returns the patient's id and API token.
pub fn admin_clinician_and_patient(server: &mut Server) -> (i64, String) {
    let link = server.first_admin_link();
    redeem_account_link(server, &link, "admin", "Avery Admin");
    let admin = token(server, "admin", PASSWORD);

    let staff = Request::post("/api/admin/accounts")
        .bearer(&admin)
        .json(&serde_json::json!({"username": "clinician", "display_name": "Dr Casey Jones", "role": "clinician"}))
        .expect(&server.addr)
        .assert_status(201)
        .json();
    let url = staff["password_link"]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no password link in {staff}"));
    set_password(server, &path_of(server, url));
    let clinician = token(server, "clinician", PASSWORD);

    let invitation = Request::post("/api/invitations")
        .bearer(&clinician)
        .expect(&server.addr)
        .assert_status(201)
        .json();
    let url = invitation["url"]
        .as_str()
        .unwrap_or_else(|| panic!("no url in {invitation}"));
    redeem_account_link(server, &path_of(server, url), "pat", "Pat Patient");
    let patient = token(server, "pat", PASSWORD);
    (my_id(server, &patient), patient)
}

/// Today in the clinic's time zone, as the server reckons it.
pub fn today() -> jiff::civil::Date {
    let london = jiff::tz::TimeZone::get("Europe/London").expect("the bundled Europe/London zone");
    jiff::Timestamp::now().to_zoned_datetime(london).date()
}

/// The result of `PRAGMA integrity_check` on the data folder's database, opened directly while no
/// server runs.
pub fn integrity_check(data: &Path) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let file = data.join("painpath.sqlite3");
    assert!(file.is_file(), "no database at {}", file.display());
    runtime.block_on(async {
        let store = painpath_store::SqliteStore::open(data)
            .await
            .expect("opening the database after the server stopped");
        store
            .integrity_check()
            .await
            .expect("running PRAGMA integrity_check")
    })
}
