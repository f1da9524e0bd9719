//! `sealbook serve`.

use std::path::Path;

use anyhow::Context;
use sealbook_server::config::LogFormat;
use sealbook_server::{AppState, Config, Storage};
use tracing_subscriber::EnvFilter;

pub(crate) fn run(config_path: &Path) -> anyhow::Result<()> {
    let mut config = Config::load(config_path)?;
    let totp_key = config.ensure_totp_key()?.clone();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    match config.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        // One JSON object per line, the span's fields (method, route) included.
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init(),
    }
    tokio::runtime::Runtime::new()
        .context("cannot start the runtime")?
        .block_on(async move {
            let storage = Storage::open(&config.database)
                .await
                .context("cannot open the database")?;
            let opens = storage
                .totp_key_opens_stored_secrets(&totp_key)
                .await
                .context("cannot read the stored TOTP secrets")?;
            if !opens {
                anyhow::bail!(
                    "the TOTP key file {} does not open the TOTP secrets in the database: \
                     restore the key file this database was used with (a new one was made \
                     if it was missing), or the members with two-step login cannot log in",
                    config.totp_key_file.display()
                );
            }
            let sealed = storage
                .seal_plain_totp_secrets(&totp_key)
                .await
                .context("cannot seal the TOTP secrets kept in clear")?;
            if sealed > 0 {
                tracing::info!(sealed, "sealed TOTP secrets an older version kept in clear");
            }
            let listener = tokio::net::TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("cannot listen on {}", config.listen))?;
            let address = listener.local_addr()?;
            tracing::info!(%address, businesses = config.businesses.len(), "sealbook is listening");
            sealbook_server::serve(
                listener,
                AppState::new(config, storage.clone()),
                shutdown_signal(),
            )
            .await?;
            storage.close().await;
            tracing::info!("stopped");
            Ok(())
        })
}

/// Ctrl-C or SIGTERM: stop accepting, finish in-flight requests.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
