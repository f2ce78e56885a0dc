//! `painpath serve`: start-up in the order contracts/server.md fixes, then serve until SIGTERM
//! or Ctrl-C, finishing requests in flight.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use painpath_store::LinkPurpose;
use painpath_web::{AppState, Clock, auth};

use crate::{Failure, ServeArgs, config, demo};

pub async fn run(args: ServeArgs) -> Result<(), Failure> {
    init_logging();
    let file = config::read_file(args.storage.config.as_deref())?;
    let web_config = config::web_config(&file)?;
    let addr: SocketAddr = args.addr.parse().map_err(|_| {
        Failure::Input(vec![format!(
            "--addr: expected HOST:PORT such as 127.0.0.1:8080 (got {})",
            args.addr
        )])
    })?;
    let kb = painpath_kb::load().map_err(|p| {
        Failure::Other(anyhow::anyhow!(
            "the built-in knowledge base has problems:\n{p}"
        ))
    })?;
    let store = config::open_store(&args.storage, &file).await?;
    let clock = Clock::system();
    // A help service overdue for a re-check is still served: a number that may have changed is
    // better than none for someone in crisis, and the pages show when each was checked. The
    // log says so, once per entry, so that whoever runs the server re-checks before release.
    for problem in stale_warnings(&kb, clock.today()) {
        tracing::warn!(
            problem = %problem,
            "a help service is overdue for a re-check; serving it anyway"
        );
    }

    // Demo data goes in before the server listens, so nobody sees a half-filled demo.
    let demo_logins = if args.demo {
        Some(
            demo::fill(&*store, &kb, clock.today())
                .await
                .context("filling the demonstration data")?,
        )
    } else {
        None
    };

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr().context("reading the bound address")?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{local}").context("writing to standard output")?;
    let base = web_config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));

    if store
        .count_accounts()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        == 0
    {
        let token = auth::new_token();
        let expires = auth::expires_in(clock.now(), auth::INVITATION_LIFETIME);
        store
            .create_link(
                None,
                &auth::token_hash(&token),
                LinkPurpose::FirstAdmin,
                expires,
                None,
            )
            .await
            .map_err(|e| anyhow::anyhow!("making the first-admin link: {e}"))?;
        writeln!(
            out,
            "No accounts yet. Open this one-time link to create the first administrator:"
        )
        .and_then(|_| writeln!(out, "  {base}/link/{token}"))
        .context("writing to standard output")?;
    }
    if let Some(logins) = demo_logins {
        demo::print_logins(&mut out, &base, &logins).context("writing to standard output")?;
    }
    out.flush().context("writing to standard output")?;
    drop(out);

    let state = AppState {
        store,
        kb: Arc::new(kb),
        config: Arc::new(web_config),
        clock,
    };
    painpath_web::escalation::spawn_sweep(state.clone());
    tracing::info!(address = %local, "serving");
    axum::serve(
        listener,
        painpath_web::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving")?;
    tracing::info!("stopped");
    Ok(())
}

/// Logs go to standard error, as text, at `info` unless `RUST_LOG` says otherwise. Handlers log
/// identifiers and outcomes, never health data or secrets (docs/logging.md).
/// One line for each built-in help service overdue for a re-check on `today`, as
/// `kb/services.toml: service[N].checked: …`. Start-up logs them and carries on serving.
fn stale_warnings(kb: &painpath_core::kb::Kb, today: painpath_core::Date) -> Vec<String> {
    painpath_kb::stale_services(kb, today, "kb/services.toml")
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour only on a terminal: under systemd or with `2>file`, escape codes would litter the log.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Resolves on Ctrl-C or SIGTERM; the server then stops accepting and finishes what is in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::stale_warnings;
    use painpath_core::Date;

    #[test]
    fn at_start_a_fresh_knowledge_base_warns_of_nothing_and_a_stale_one_names_each_entry() {
        let kb = painpath_kb::load().unwrap_or_else(|problems| panic!("{problems}"));
        let newest = kb
            .services()
            .iter()
            .map(|s| s.checked)
            .max()
            .expect("services");
        assert_eq!(stale_warnings(&kb, newest), Vec::<String>::new());
        let later = Date::constant(2099, 1, 1);
        let warnings = stale_warnings(&kb, later);
        assert_eq!(warnings.len(), kb.services().len());
        assert!(
            warnings[0].starts_with("kb/services.toml: service[0].checked: 999 or A&E"),
            "{warnings:?}"
        );
    }
}
