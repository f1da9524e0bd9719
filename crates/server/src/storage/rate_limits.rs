//! Rate limits kept in PostgreSQL, so that every server process on one
//! database counts against one allowance. Each bucket is a GCRA cell (as in
//! the in-memory limiter): its theoretical arrival time (`tat`), in
//! microseconds of the database's clock, so that processes on hosts whose
//! clocks drift still agree.

use super::Storage;

/// The database clock in microseconds, as SQL.
const NOW_US: &str = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT";

impl Storage {
    /// Takes one request's worth from the bucket `key`: one request costs
    /// `interval_us`, and a bucket may run up to `tolerance_us` ahead of now
    /// (the burst). `None` when the request is let in; otherwise how many
    /// microseconds until it would be. One statement: two processes taking
    /// from one bucket at once are serialised on its row.
    pub async fn take_rate_cell(
        &self,
        key: &[u8],
        interval_us: i64,
        tolerance_us: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let taken: Option<i64> = sqlx::query_scalar(&format!(
            "WITH now AS (SELECT {NOW_US} AS us)
             INSERT INTO rate_limits (key, tat) SELECT $1, now.us + $2 FROM now
             ON CONFLICT (key) DO UPDATE
                SET tat = GREATEST(rate_limits.tat, (SELECT us FROM now)) + $2
                WHERE GREATEST(rate_limits.tat, (SELECT us FROM now)) + $2
                      - (SELECT us FROM now) <= $3
             RETURNING tat"
        ))
        .bind(key)
        .bind(interval_us)
        .bind(tolerance_us)
        .fetch_optional(&self.pool)
        .await?;
        if taken.is_some() {
            return Ok(None);
        }
        let wait: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT GREATEST(tat, {NOW_US}) + $2 - {NOW_US} - $3 FROM rate_limits WHERE key = $1"
        ))
        .bind(key)
        .bind(interval_us)
        .bind(tolerance_us)
        .fetch_optional(&self.pool)
        .await?;
        // The bucket may have emptied (and been swept) in between: a second is
        // the shortest wait `Retry-After` can say anyway.
        Ok(Some(wait.unwrap_or(1).max(1)))
    }

    /// Deletes the buckets that are empty again (their time has passed): a
    /// client's key is kept no longer than its limit needs it.
    pub async fn forget_idle_rate_cells(&self) -> Result<u64, sqlx::Error> {
        sqlx::query(&format!("DELETE FROM rate_limits WHERE tat < {NOW_US}"))
            .execute(&self.pool)
            .await
            .map(|done| done.rows_affected())
    }
}
