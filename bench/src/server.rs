//! The real `painpath` binary under test: started on port 0 of 127.0.0.1, read from its standard
//! output, measured through `/proc`, and killed when the bench is done with it.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// How long the server may take to print its address (migrations on an empty database included).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the server keeps its data.
pub enum Storage<'a> {
    /// `--data DIR`: the embedded SQLite file.
    Sqlite(&'a Path),
    /// `--database URL`: a PostgreSQL database that exists and is empty.
    Postgres(&'a str),
}

/// A running `painpath serve`, killed on drop.
pub struct Server {
    child: Child,
    pid: u32,
    pub addr: SocketAddr,
    /// The one-time link printed for the first administrator (an empty database prints one).
    pub first_admin_link: String,
    /// Kept open so that the server never meets a closed pipe should it print again.
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Starts `painpath serve` on an empty database and waits for its address and first-admin link.
    pub async fn start(binary: &Path, storage: Storage<'_>, log: &Path) -> anyhow::Result<Server> {
        let log_file = std::fs::File::create(log)
            .with_context(|| format!("creating the server log {}", log.display()))?;
        let mut command = Command::new(binary);
        command.arg("serve").arg("--addr").arg("127.0.0.1:0");
        match storage {
            Storage::Sqlite(dir) => command.arg("--data").arg(dir),
            Storage::Postgres(url) => command.arg("--database").arg(url),
        };
        // The bench decides where the data is; nothing inherited from the shell may override it.
        for var in [
            "PAINPATH_DATA",
            "PAINPATH_DATABASE_URL",
            "PAINPATH_CONFIG",
            "PAINPATH_ADDR",
            "PAINPATH_PUBLIC_URL",
        ] {
            command.env_remove(var);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let pid = child.id().context("the server exited at once")?;
        let stdout = child.stdout.take().context("no standard output")?;
        let mut stdout = BufReader::new(stdout);
        let (addr, first_admin_link) = tokio::time::timeout(START_TIMEOUT, read_start(&mut stdout))
            .await
            .with_context(|| {
                format!(
                    "the server printed no address within {START_TIMEOUT:?}; its log is {}",
                    log.display()
                )
            })?
            .with_context(|| format!("its log is {}", log.display()))?;
        Ok(Server {
            child,
            pid,
            addr,
            first_admin_link,
            _stdout: stdout,
        })
    }

    /// The server's resident memory now, in bytes (`VmRSS` in `/proc/PID/status`).
    pub fn resident_bytes(&self) -> anyhow::Result<u64> {
        proc_status_kib(self.pid, "VmRSS:").map(|kib| kib * 1024)
    }

    /// The most the server has been resident so far, in bytes (`VmHWM`).
    pub fn peak_resident_bytes(&self) -> anyhow::Result<u64> {
        proc_status_kib(self.pid, "VmHWM:").map(|kib| kib * 1024)
    }

    /// Starts the peak (`VmHWM`) again from the resident memory now, so that the next peak read
    /// is the peak of what follows (writing 5 to `/proc/PID/clear_refs`, Linux 4.0 and later).
    /// Says whether the kernel let it.
    pub fn reset_peak(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5").is_ok()
    }

    /// Stops the server and waits for it to go.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.child.kill().await.context("stopping the server")
    }
}

/// Reads `listening on http://IP:PORT`, then the first-admin link, from the server's stdout.
async fn read_start(stdout: &mut BufReader<ChildStdout>) -> anyhow::Result<(SocketAddr, String)> {
    let mut line = String::new();
    if stdout.read_line(&mut line).await? == 0 {
        bail!("the server exited before printing its address");
    }
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|a| a.parse().ok())
        .with_context(|| format!("expected `listening on http://IP:PORT`, got {line:?}"))?;
    ensure!(
        addr.ip().is_loopback(),
        "the server listens on {addr}, not a loopback address"
    );
    loop {
        line.clear();
        if stdout.read_line(&mut line).await? == 0 {
            bail!("the server printed no first-admin link (is its database really empty?)");
        }
        let text = line.trim();
        if text.starts_with("http://") && text.contains("/link/") {
            return Ok((addr, text.to_owned()));
        }
    }
}

fn proc_status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("reading /proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no {field} in /proc/{pid}/status"))
}
