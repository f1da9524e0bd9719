//! Rate limits kept in PostgreSQL, so that every server process on one
//! database counts against one allowance. Each bucket is a GCRA cell (as in
//! the in-memory limiter): its theoretical arrival time (`tat`), in
//! microseconds of the database's clock, so that processes on hosts whose
//! clocks drift still agree.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::Storage;

/// The database clock in microseconds, as SQL.
const NOW_US: &str = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT";

/// The common table expression [`take_sql`]'s takes read the time from.
pub(super) fn now_cte() -> String {
    format!("now AS (SELECT {NOW_US} AS us)")
}

/// One bucket of the shared table and what taking from it costs: one request
/// costs `interval_us`, and the bucket may run up to `tolerance_us` ahead of
/// now (the burst).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateCell {
    pub key: [u8; 16],
    pub interval_us: i64,
    pub tolerance_us: i64,
}

/// The share of one start time a booking takes, once it is known not to be a
/// retry (a retry takes nothing more): [`Storage::book_for_client`] and
/// [`Storage::join_waitlist`] take it in their transaction, right after the
/// read that finds an earlier answer, so that no round trip of its own is
/// spent on looking for one first.
pub enum SlotAllowance {
    /// Nothing to take: a request with no client address, or a booking staff
    /// enter.
    Unlimited,
    /// Kept in this process's memory: takes one, or says how long until the
    /// client would be let in.
    Local(Box<dyn FnOnce() -> Result<(), Duration> + Send>),
    /// A bucket of the shared table, taken in the read before deciding. Only
    /// on PostgreSQL, where the limits are shared.
    Shared(RateCell),
}

/// A booking upload's share of its client's per-minute allowance, taken in
/// the booking's read before deciding (PostgreSQL only), where it costs no
/// round trip of its own: the bucket is keyed by client and business, so only
/// bookings of that business, which wait for its lock anyway, take from it.
/// Unlike the share of a start time, a retry takes it too: every attempt counts.
#[derive(Clone)]
pub struct MinuteTake {
    pub cell: RateCell,
    /// What the read found: `None` when the client was let in, otherwise how
    /// long until it would be. Left unset when the request never reached the
    /// read (it failed before), so that whoever handed the take out can count
    /// the request on its own.
    outcome: Arc<OnceLock<Option<Duration>>>,
    /// Told the wait as soon as the read refuses the client, before the
    /// booking's batch commits, so that the client's next requests can be
    /// answered without the database while this one is still being answered.
    on_refusal: Arc<dyn Fn(Duration) + Send + Sync>,
}

impl std::fmt::Debug for MinuteTake {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("MinuteTake")
            .field("cell", &self.cell)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

impl MinuteTake {
    pub fn new(cell: RateCell, on_refusal: Arc<dyn Fn(Duration) + Send + Sync>) -> Self {
        Self {
            cell,
            outcome: Arc::default(),
            on_refusal,
        }
    }

    /// `None` if no read took it; `Some(None)` if the client was let in,
    /// `Some(Some(wait))` if it was refused.
    pub fn outcome(&self) -> Option<Option<Duration>> {
        self.outcome.get().copied()
    }

    pub(super) fn settle(&self, refused_for: Option<Duration>) {
        // A take is read once; a second settle (none is made) changes nothing.
        if self.outcome.set(refused_for).is_ok()
            && let Some(wait) = refused_for
        {
            (self.on_refusal)(wait);
        }
    }
}

impl std::fmt::Debug for SlotAllowance {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unlimited => formatter.write_str("Unlimited"),
            Self::Local(_) => formatter.write_str("Local"),
            Self::Shared(cell) => formatter.debug_tuple("Shared").field(cell).finish(),
        }
    }
}

/// `name`: the common table expression that takes one request's worth from
/// the bucket keyed `$key` (placeholders numbered by the caller) if its
/// allowance holds, after [`now_cte`]. `rows` is what the take selects from:
/// `now`, or `now` with a `WHERE` that leaves the bucket alone. One statement:
/// two processes taking from one bucket at once are serialised on its row.
/// Follow it with [`refusal_wait_sql`].
pub(super) fn take_sql(name: &str, rows: &str, [key, interval, tolerance]: [u8; 3]) -> String {
    format!(
        "{name} AS (
           INSERT INTO rate_limits (key, tat) SELECT ${key}, now.us + ${interval} FROM {rows}
           ON CONFLICT (key) DO UPDATE
              SET tat = GREATEST(rate_limits.tat, (SELECT us FROM now)) + ${interval}
              WHERE GREATEST(rate_limits.tat, (SELECT us FROM now)) + ${interval}
                    - (SELECT us FROM now) <= ${tolerance}
           RETURNING tat)"
    )
}

/// After [`take_sql`]'s `name`, as a column: `NULL` when the request was let in (or
/// the take left alone), otherwise the microseconds until it would be (at
/// least 1). It reads the bucket as the statement's snapshot has it. A
/// booking's share is taken under its business's lock, so that is the row the
/// take was refused on; a per-minute take that raced another process's on the
/// same bucket may have been refused on a newer row than its snapshot shows,
/// and then says a wait shorter by that take (at least a second): the client
/// asks again sooner and is told again.
pub(super) fn refusal_wait_sql(name: &str, [key, interval, tolerance]: [u8; 3]) -> String {
    format!(
        "CASE WHEN EXISTS (SELECT 1 FROM {name}) THEN NULL ELSE GREATEST(1, COALESCE(
           (SELECT GREATEST(rate_limits.tat, now.us) + ${interval} - now.us - ${tolerance}
            FROM rate_limits, now WHERE rate_limits.key = ${key}), 1)) END"
    )
}

/// The wait a [`refusal_wait_sql`] column holds, in microseconds.
pub(super) fn refusal_wait(wait_us: i64) -> Duration {
    Duration::from_micros(wait_us.unsigned_abs())
}

impl Storage {
    /// Takes one request's worth from `cell`. `None` when the request is let
    /// in; otherwise how long until it would be.
    pub async fn take_rate_cell(&self, cell: &RateCell) -> Result<Option<Duration>, sqlx::Error> {
        let wait_us: Option<i64> = sqlx::query_scalar(&format!(
            "WITH {}, {} SELECT {}",
            now_cte(),
            take_sql("taken", "now", [1, 2, 3]),
            refusal_wait_sql("taken", [1, 2, 3])
        ))
        .bind(&cell.key[..])
        .bind(cell.interval_us)
        .bind(cell.tolerance_us)
        .fetch_one(&self.pool)
        .await?;
        Ok(wait_us.map(refusal_wait))
    }

    /// Deletes the buckets that are empty again (their time has passed): a
    /// client's key is kept no longer than its limit needs it. A bucket a
    /// booking's transaction has just taken from is locked until it commits,
    /// and is skipped rather than waited for: that transaction may hold several
    /// buckets, and waiting for one while holding another could deadlock.
    pub async fn forget_idle_rate_cells(&self) -> Result<u64, sqlx::Error> {
        sqlx::query(&format!(
            "DELETE FROM rate_limits WHERE key IN (
                 SELECT key FROM rate_limits WHERE tat < {NOW_US} FOR UPDATE SKIP LOCKED)"
        ))
        .execute(&self.pool)
        .await
        .map(|done| done.rows_affected())
    }
}
