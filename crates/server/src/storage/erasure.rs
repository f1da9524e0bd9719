//! What happens after a deletion so that the deleted bytes leave the disk.
//!
//! SQLite's `secure_delete` zeroes a freed page, but the page's older images
//! stay in the WAL until a checkpoint copies the zeroed page back and the WAL is
//! truncated. A reader still holding an older snapshot (or a writer mid-commit)
//! blocks that truncation, and `PRAGMA wal_checkpoint(TRUNCATE)` then only says
//! so in its result row. So the checkpoint is retried a few times, and when it
//! still cannot finish, the erasure is recorded in `pending_erasures` for the
//! retention sweeper to finish ([`Storage::finish_pending_erasures`]) instead of
//! being reported as done. PostgreSQL's equivalent is VACUUM, left to autovacuum.

use std::time::Duration;

use super::{Backend, Storage};

/// Tries of one checkpoint before the erasure is left to the sweeper: enough to
/// outlast a group commit or a listing, short enough for an HTTP request.
const CHECKPOINT_TRIES: u32 = 5;
/// The wait between tries.
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(50);
/// How long one try waits for readers and writers. The pool's 10 s would make
/// a visitor's erase wait 10 s per try behind a slow reader.
const CHECKPOINT_BUSY_TIMEOUT: &str = "PRAGMA busy_timeout = 100";

/// Whether the old bytes of deleted rows have left the database's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// The WAL was checkpointed and truncated (or the backend keeps no WAL of
    /// row images for us to truncate: PostgreSQL).
    Done,
    /// The WAL stayed busy through every try: recorded in `pending_erasures`,
    /// for the sweeper's next pass.
    Pending,
}

/// The result row of `PRAGMA wal_checkpoint`.
#[derive(sqlx::FromRow)]
struct Checkpoint {
    /// 1 when a reader or writer kept the checkpoint from finishing.
    busy: i64,
    /// Frames in the WAL.
    log: i64,
    /// Frames copied back into the database.
    checkpointed: i64,
}

impl Storage {
    /// After a deletion: truncates SQLite's WAL, or records that it could not.
    pub(super) async fn flush_deleted_pages(&self) -> Result<Flush, sqlx::Error> {
        if self.backend != Backend::Sqlite || self.truncate_wal().await? {
            return Ok(Flush::Done);
        }
        sqlx::query("INSERT INTO pending_erasures (recorded_at) VALUES ($1)")
            .bind(jiff::Timestamp::now().as_second())
            .execute(&self.pool)
            .await?;
        tracing::warn!(
            "the WAL stayed busy after a deletion; the retention sweeper will finish it"
        );
        Ok(Flush::Pending)
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)` until its result row says it finished:
    /// not blocked (`busy` = 0) and every frame of the log copied back
    /// (`log` = `checkpointed`). Whether it did within [`CHECKPOINT_TRIES`].
    async fn truncate_wal(&self) -> Result<bool, sqlx::Error> {
        let mut connection = self.pool.acquire().await?;
        // The short busy timeout must not go back into the pool with the
        // connection, even when this future is dropped halfway.
        connection.close_on_drop();
        sqlx::query(CHECKPOINT_BUSY_TIMEOUT)
            .execute(&mut *connection)
            .await?;
        for attempt in 0..CHECKPOINT_TRIES {
            if attempt > 0 {
                tokio::time::sleep(CHECKPOINT_PAUSE).await;
            }
            let result: Checkpoint = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&mut *connection)
                .await?;
            if result.busy == 0 && result.log == result.checkpointed {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The sweeper's part of erasure: when earlier deletions could not truncate
    /// the WAL, tries again and, if it succeeds, clears their records. Returns
    /// how many erasures are still pending.
    pub async fn finish_pending_erasures(&self) -> Result<u64, sqlx::Error> {
        let (last,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM pending_erasures")
            .fetch_one(&self.pool)
            .await?;
        if let Some(last) = last
            && (self.backend != Backend::Sqlite || self.truncate_wal().await?)
        {
            // Up to the last one seen: an erasure recorded since may have come
            // after this truncation and is left for the next pass.
            sqlx::query("DELETE FROM pending_erasures WHERE id <= $1")
                .bind(last)
                .execute(&self.pool)
                .await?;
        }
        self.pending_erasures().await
    }

    /// How many erasures wait for the sweeper to truncate the WAL.
    pub async fn pending_erasures(&self) -> Result<u64, sqlx::Error> {
        let (pending,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pending_erasures")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(pending).unwrap_or(0))
    }
}
