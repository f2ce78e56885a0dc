//! painpath's HTTP server: the JSON API under `/api/`, the server-rendered pages, sessions and
//! access checks.
//!
//! This is the only crate that knows HTTP, cookies and HTML. A handler parses its input into core
//! values, calls the store (which checks access again and writes the audit), and renders; it does
//! nothing else. Every route is listed once, in [`router`], with its access class; that table
//! builds the router and drives the access census test.

pub mod access;
pub(crate) mod api;
pub mod auth;
pub mod clock;
mod error;
pub mod escalation;
mod forms;
pub mod hasher;
pub mod openapi;
mod pages;
pub mod proxy;
pub mod questionnaires;
pub mod router;

use std::sync::Arc;

use painpath_core::kb::Kb;
use painpath_store::Store;

pub use clock::Clock;
pub use router::app;

/// Settings that come from the configuration file or environment (design.md 17).
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The address people use to reach painpath, such as `https://pain.example.nhs.uk`, when it
    /// sits behind a reverse proxy. It decides whether cookies are `Secure` and which origin form
    /// posts must come from. `None` means "whatever address the request came to" (local use).
    pub public_url: Option<String>,
    /// The clinic's name, shown in the page header and, later, on letterheads.
    pub clinic_name: String,
    /// The clinic's address, for letterheads.
    pub clinic_address: String,
    /// Whether the FIQR form, with its item wording, may be shown. Off by default: the clinic
    /// turns it on once it has recorded the authors' permission (reference/instruments.md 2.6).
    /// Scoring a FIQR through the API or `painpath score` works either way.
    pub fiqr_form_enabled: bool,
    /// The reverse proxies whose `X-Forwarded-For` is believed, so that the per-address
    /// sign-in limit counts each person's address rather than the proxy's. Empty: the header is
    /// ignored (nobody else can choose the address they are counted under).
    pub trusted_proxies: Vec<proxy::IpBlock>,
}

impl Config {
    /// Cookies carry `Secure` whenever the public address is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub kb: Arc<Kb>,
    pub config: Arc<Config>,
    pub clock: Clock,
}
