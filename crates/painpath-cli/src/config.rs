//! Configuration from a file, the environment and flags (design.md 17), resolved once at start.
//!
//! Precedence: flags and environment variables (clap reads both) over the file, over defaults.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use painpath_store::{PostgresStore, SqliteStore, Store};
use serde::Deserialize;

use crate::{Failure, StorageArgs};

/// The configuration file's shape. Unknown keys are refused so a typo is not silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub public_url: Option<String>,
    pub clinic_name: Option<String>,
    pub clinic_address: Option<String>,
    /// Show the FIQR form (only once the clinic has the authors' permission).
    pub fiqr_form_enabled: Option<bool>,
    /// The reverse proxies whose X-Forwarded-For is believed (addresses or CIDR blocks).
    pub trusted_proxies: Option<Vec<String>>,
    pub data: Option<PathBuf>,
    pub database: Option<String>,
}

pub fn read_file(path: Option<&Path>) -> Result<FileConfig, Failure> {
    let Some(path) = path else {
        return Ok(FileConfig::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the configuration file {}", path.display()))?;
    toml::from_str(&text).map_err(|e| Failure::Input(vec![format!("{}: {e}", path.display())]))
}

/// The web layer's settings: environment first, then the file.
pub fn web_config(file: &FileConfig) -> Result<painpath_web::Config, Failure> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let public_url = env("PAINPATH_PUBLIC_URL").or_else(|| file.public_url.clone());
    if let Some(url) = &public_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(Failure::Input(vec![format!(
            "public_url: expected an address beginning http:// or https://, such as https://pain.example.org (got {url})"
        )]));
    }
    Ok(painpath_web::Config {
        public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
        clinic_name: env("PAINPATH_CLINIC_NAME")
            .or_else(|| file.clinic_name.clone())
            .unwrap_or_default(),
        fiqr_form_enabled: match env("PAINPATH_FIQR_FORM_ENABLED").as_deref() {
            Some("1" | "true" | "yes") => true,
            Some("0" | "false" | "no") => false,
            Some(other) => {
                return Err(Failure::Input(vec![format!(
                    "PAINPATH_FIQR_FORM_ENABLED: expected true or false (got {other})"
                )]));
            }
            None => file.fiqr_form_enabled.unwrap_or(false),
        },
        clinic_address: env("PAINPATH_CLINIC_ADDRESS")
            .or_else(|| file.clinic_address.clone())
            .unwrap_or_default(),
        trusted_proxies: {
            let (key, text) = match env("PAINPATH_TRUSTED_PROXIES") {
                Some(t) => ("PAINPATH_TRUSTED_PROXIES", t),
                None => (
                    "trusted_proxies",
                    file.trusted_proxies.clone().unwrap_or_default().join(","),
                ),
            };
            painpath_web::proxy::parse_list(&text)
                .map_err(|e| Failure::Input(vec![format!("{key}: {e}")]))?
        },
    })
}

/// Opens the store the flags, environment or file ask for. Anything but a postgres:// address for
/// `--database` is refused rather than silently creating an empty database somewhere unexpected.
pub async fn open_store(args: &StorageArgs, file: &FileConfig) -> Result<Arc<dyn Store>, Failure> {
    if let Some(url) = args.database.clone().or_else(|| file.database.clone()) {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Failure::Input(vec![
                "--database: expected a PostgreSQL address such as postgres://painpath:secret@127.0.0.1/painpath; the embedded database is chosen with --data DIR".into(),
            ]));
        }
        let store = PostgresStore::connect(&url)
            .await
            .map_err(|e| Failure::Other(anyhow::anyhow!("connecting to PostgreSQL: {e}")))?;
        return Ok(Arc::new(store));
    }
    let dir = args
        .data
        .clone()
        .or_else(|| file.data.clone())
        .unwrap_or_else(|| PathBuf::from("painpath-data"));
    let store = SqliteStore::open(&dir).await.map_err(|e| {
        Failure::Other(anyhow::anyhow!(
            "opening the database in {}: {e}",
            dir.display()
        ))
    })?;
    Ok(Arc::new(store))
}
