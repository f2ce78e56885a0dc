//! The page-latency ceiling: a bare axum "hello" handler served in this process on loopback, with
//! the same axum and tokio that painpath uses, and nothing else (no database, no session, no
//! template). painpath's diary page is measured beside it with the same client.

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::routing::get;

/// Serves `GET /` → `hello` on 127.0.0.1 on a free port until the bench process ends.
pub async fn serve() -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding the hello server")?;
    let addr = listener.local_addr().context("reading the hello address")?;
    let app = Router::new().route("/", get(|| async { "hello" }));
    tokio::spawn(async move {
        // The server lives as long as the bench; an error here shows up as failed requests.
        axum::serve(listener, app).await.ok();
    });
    Ok(addr)
}
