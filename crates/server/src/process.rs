//! The server process, as `sealbook serve` and the `sealbook-server` binary
//! both run it: configuration, logging, the TOTP key check, the listener, and
//! a clean stop on Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use tracing_subscriber::EnvFilter;

use crate::auth::totp_seal::TotpKeyError;
use crate::config::{ConfigError, LogFormat};
use crate::storage::StorageError;
use crate::{AppState, Config, Storage};

/// Why the server did not start, or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    TotpKey(#[from] TotpKeyError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("cannot open the database: {0}")]
    Database(#[from] StorageError),
    #[error("cannot read or seal the stored TOTP secrets: {0}")]
    TotpSecrets(#[source] sqlx::Error),
    #[error(
        "the TOTP key file {} does not open the TOTP secrets in the database: restore the key \
         file this database was used with (a new one was made if it was missing), or the \
         members with two-step login cannot log in",
        .0.display()
    )]
    WrongTotpKey(PathBuf),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the server stopped: {0}")]
    Serve(#[source] std::io::Error),
}

/// Runs the server of the configuration at `config_path` until Ctrl-C or
/// SIGTERM, then finishes the requests in flight.
pub fn run(config_path: &Path) -> Result<(), ProcessError> {
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
        .map_err(ProcessError::Runtime)?
        .block_on(async move {
            let storage = Storage::open(&config.database).await?;
            let opens = storage
                .totp_key_opens_stored_secrets(&totp_key)
                .await
                .map_err(ProcessError::TotpSecrets)?;
            if !opens {
                return Err(ProcessError::WrongTotpKey(config.totp_key_file.clone()));
            }
            let sealed = storage
                .seal_plain_totp_secrets(&totp_key)
                .await
                .map_err(ProcessError::TotpSecrets)?;
            if sealed > 0 {
                tracing::info!(sealed, "sealed TOTP secrets an older version kept in clear");
            }
            let listener =
                tokio::net::TcpListener::bind(config.listen)
                    .await
                    .map_err(|source| ProcessError::Listen {
                        address: config.listen,
                        source,
                    })?;
            let address = listener.local_addr().map_err(ProcessError::Serve)?;
            tracing::info!(%address, businesses = config.businesses.len(), "sealbook is listening");
            crate::serve(
                listener,
                AppState::new(config, storage.clone()),
                shutdown_signal(),
            )
            .await
            .map_err(ProcessError::Serve)?;
            storage.close().await;
            tracing::info!("stopped");
            Ok(())
        })
}

/// Ctrl-C or SIGTERM: stop accepting, finish in-flight requests.
pub async fn shutdown_signal() {
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
