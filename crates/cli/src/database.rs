//! `sealbook migrate`, `sealbook db copy` and `sealbook db backup`: operating
//! the database.

use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use sealbook_server::Storage;
use sealbook_server::storage::{Backend, backup_sqlite};

/// Brings the schema of `db` up to date (creating the database file for SQLite).
pub(crate) fn migrate(db: &str) -> anyhow::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async {
        let storage = Storage::open(db)
            .await
            .with_context(|| format!("cannot open or migrate {}", redact(db)))?;
        storage.close().await;
        anyhow::Ok(())
    })?;
    writeln!(std::io::stdout().lock(), "{} is up to date", redact(db))?;
    Ok(())
}

/// Copies every booking from one database into another, empty one (e.g. from
/// the embedded SQLite file to PostgreSQL when a business outgrows one machine).
pub(crate) fn copy(from: &str, to: &str) -> anyhow::Result<()> {
    let copied = tokio::runtime::Runtime::new()?.block_on(async {
        let source = Storage::open(from)
            .await
            .with_context(|| format!("cannot open {}", redact(from)))?;
        let target = Storage::open(to)
            .await
            .with_context(|| format!("cannot open {}", redact(to)))?;
        let progress = indicatif::ProgressBar::new_spinner();
        progress.set_message("copying bookings");
        let copied = source
            .copy_to(&target, |copied| progress.set_position(copied))
            .await?;
        progress.finish_and_clear();
        source.close().await;
        target.close().await;
        anyhow::Ok(copied)
    })?;
    writeln!(
        std::io::stdout().lock(),
        "copied {copied} bookings from {} to {}",
        redact(from),
        redact(to)
    )?;
    Ok(())
}

/// Writes a consistent backup of a live SQLite database to `out` (a new file).
/// PostgreSQL has its own tool for this, which knows its server's version and
/// dumps every table; the command says how to use it instead of guessing.
pub(crate) fn backup(db: &str, out: &Path) -> anyhow::Result<()> {
    if Backend::of(db) == Some(Backend::Postgres) {
        bail!(
            "{db} is PostgreSQL: back it up with pg_dump, which makes a consistent dump of a live database:\n\
             \n    pg_dump --format=custom --file={out} --dbname='{db}'\n\n\
             (the password from ~/.pgpass or PGPASSWORD; restore with pg_restore, see docs/DEPLOY.md)",
            // Without the password at all: the command is meant to be copied.
            db = redact(db).replacen(":***@", "@", 1),
            out = out.display(),
        );
    }
    let started = Instant::now();
    let backup = tokio::runtime::Runtime::new()?
        .block_on(backup_sqlite(db, out))
        .with_context(|| format!("cannot back up {}", redact(db)))?;
    writeln!(
        std::io::stdout().lock(),
        "backed up {} to {}: {} bytes, {} bookings, integrity ok, in {:.1} s",
        redact(db),
        out.display(),
        backup.bytes,
        backup.bookings,
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// A database URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://book:s3cret@db.internal/sealbook"),
            "postgres://book:***@db.internal/sealbook"
        );
        assert_eq!(
            redact("sqlite://data/sealbook.db"),
            "sqlite://data/sealbook.db"
        );
    }
}
