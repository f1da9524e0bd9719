//! An online backup of a live SQLite database: `VACUUM INTO` a new file.
//!
//! `VACUUM INTO` reads the source inside one read transaction, so the copy is
//! a consistent snapshot even while servers keep writing (WAL readers do not
//! block the writer), and it rebuilds the database page by page from the live
//! rows only: freed pages — where erased or expired ciphertext was — are not
//! carried over. It neither migrates nor writes the source (the connection is
//! read-only), so a newer `sealbook` cannot change a database an older server
//! is running on. SQLite does not fsync the file it writes; this does, and
//! only then gives the file its name, so a crash never leaves a half backup
//! under the name the operator asked for.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::ConnectOptions as _;
use sqlx::sqlite::SqliteConnectOptions;

use super::{Backend, sqlite_path};

/// How long the backup waits for a writer's lock while it starts reading;
/// the same patience the server's own connections have.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why no backup was written (nothing is left at the requested path).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("this is not a SQLite database URL; back PostgreSQL up with pg_dump")]
    NotSqlite,
    #[error("no database at {0}")]
    NoDatabase(PathBuf),
    #[error("no folder {0} for the backup")]
    NoFolder(PathBuf),
    #[error("{0} exists; a backup never overwrites a file")]
    Exists(PathBuf),
    #[error("the backup path {0} must name a file, in valid UTF-8 for SQLite")]
    NonUtf8Path(PathBuf),
    #[error("the backup failed SQLite's integrity check: {0}")]
    Integrity(String),
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteBackup {
    /// The size of the backup file.
    pub bytes: u64,
    /// Bookings in the backup (counted in the backup, not in the source).
    pub bookings: i64,
}

/// Removes the half-written file unless the backup reached its name.
#[derive(Debug)]
struct Partial(Option<PathBuf>);

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Writes a consistent copy of the SQLite database at `url` to `out`, which
/// must not exist, while other processes may be writing to the database.
/// The copy is checked (`PRAGMA integrity_check`) and fsynced before it gets
/// its name.
pub async fn backup_sqlite(url: &str, out: &Path) -> Result<SqliteBackup, BackupError> {
    if Backend::of(url) != Some(Backend::Sqlite) {
        return Err(BackupError::NotSqlite);
    }
    let source = Path::new(sqlite_path(url));
    if !source.is_file() {
        return Err(BackupError::NoDatabase(source.to_owned()));
    }
    if out.exists() {
        return Err(BackupError::Exists(out.to_owned()));
    }
    let folder = out
        .parent()
        .filter(|folder| !folder.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(BackupError::NoFolder(folder.to_owned()));
    }
    // Beside the target, so that naming it is a link within one file system.
    let name = out
        .file_name()
        .ok_or_else(|| BackupError::NonUtf8Path(out.to_owned()))?
        .to_string_lossy();
    let partial_path = out.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let partial_text = partial_path
        .to_str()
        .ok_or_else(|| BackupError::NonUtf8Path(out.to_owned()))?
        .to_owned();

    let mut connection = SqliteConnectOptions::new()
        .filename(source)
        .create_if_missing(false)
        .read_only(true)
        .busy_timeout(BUSY_TIMEOUT)
        .connect()
        .await?;
    // Created empty first (`VACUUM INTO` accepts an empty file) so that the
    // copy is readable by its owner only, like the database it comes from.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(&partial_path)?;
    let mut partial = Partial(Some(partial_path.clone()));
    sqlx::query("VACUUM INTO $1")
        .bind(&partial_text)
        .execute(&mut connection)
        .await?;
    sqlx::Connection::close(connection).await?;

    let bookings = check(&partial_path).await?;
    std::fs::File::open(&partial_path)?.sync_all()?;
    name_backup(&partial_path, out)?;
    partial.0 = None;
    // The new name is durable only once its folder is.
    std::fs::File::open(folder)?.sync_all()?;
    Ok(SqliteBackup {
        bytes: std::fs::metadata(out)?.len(),
        bookings,
    })
}

/// Runs SQLite's integrity check on the written copy and counts its bookings.
async fn check(path: &Path) -> Result<i64, BackupError> {
    let mut connection = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .read_only(true)
        .connect()
        .await?;
    let problems: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut connection)
        .await?;
    if problems.len() != 1 || problems[0].0 != "ok" {
        let text: Vec<String> = problems.into_iter().map(|(line,)| line).collect();
        return Err(BackupError::Integrity(text.join("; ")));
    }
    let (bookings,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bookings")
        .fetch_one(&mut connection)
        .await?;
    sqlx::Connection::close(connection).await?;
    Ok(bookings)
}

/// Gives the finished copy its name without ever replacing a file: a hard
/// link fails if the name is taken (a plain rename would overwrite it). On a
/// file system without hard links, a rename after one more check.
fn name_backup(partial: &Path, out: &Path) -> Result<(), BackupError> {
    match std::fs::hard_link(partial, out) {
        Ok(()) => {
            std::fs::remove_file(partial)?;
            Ok(())
        }
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            Err(BackupError::Exists(out.to_owned()))
        }
        Err(_) if out.exists() => Err(BackupError::Exists(out.to_owned())),
        Err(_) => Ok(std::fs::rename(partial, out)?),
    }
}
