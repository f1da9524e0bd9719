//! Retention: each booking is deleted a business's retention period after its
//! appointment ends, each consent record its notice's `retention_days` after it
//! was made; ended staff sessions and expired invites go too. Hard delete, no
//! soft-delete flag (DESIGN §3.8, §8). Audit entries go `audit_retention_days`
//! after they were made, from the oldest end of each chain, which keeps the
//! rest verifiable. Staff notices leave the outbox an hour after they were sent
//! or given up. Each pass also finishes the erasures whose old bytes SQLite
//! could not yet truncate out of its WAL.
//!
//! Retention that stops keeps data longer than visitors were told, so a stopped
//! sweeper must not go unnoticed: every pass is recorded ([`Health`]), and
//! `/readyz` answers 503 when the last pass failed or none succeeded for
//! [`STALLED_AFTER_INTERVALS`] intervals (a panicked task, a pass that hangs).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use jiff::Timestamp;

use crate::AppState;

const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

/// How long a sent or given-up notice stays in the outbox: long enough to look
/// at a delivery problem, short enough that the outbox is no record of bookings.
const OUTBOX_KEPT_SECONDS: i64 = 60 * 60;

/// A notice no sender took for this long is stale news, deleted unsent (a
/// deployment whose mail settings were removed, say).
const OUTBOX_STALE_SECONDS: i64 = 2 * SECONDS_PER_DAY;

/// Intervals without a successful pass after which the sweeper counts as stalled.
pub const STALLED_AFTER_INTERVALS: u32 = 3;

/// The unix second before which whatever is kept `days` days is due at `now`.
/// Saturates instead of overflowing: a retention longer than time's range keeps
/// everything rather than panicking the pass (and with it all retention).
fn cutoff(now: Timestamp, days: u32) -> i64 {
    now.as_second()
        .saturating_sub(i64::from(days).saturating_mul(SECONDS_PER_DAY))
}

/// One pass over every business at time `now`; returns how many bookings went.
/// Its outcome goes into the state's [`Health`] and the metrics.
pub async fn sweep_once(state: &AppState, now: Timestamp) -> Result<u64, sqlx::Error> {
    let outcome = pass(state, now).await;
    match &outcome {
        Ok(_) => {
            state.sweeper.succeeded(now);
            state.metrics.record_sweep_success(now);
        }
        Err(_) => {
            state.sweeper.failed();
            state.metrics.record_sweep_failure();
        }
    }
    outcome
}

async fn pass(state: &AppState, now: Timestamp) -> Result<u64, sqlx::Error> {
    let mut deleted = 0;
    let idle = crate::auth::session::IDLE_SECONDS;
    state
        .storage
        .sweep_sessions(now.as_second(), now.as_second().saturating_sub(idle))
        .await?;
    state.storage.sweep_invites(now.as_second()).await?;
    state.storage.sweep_resets(now.as_second()).await?;
    for business in &state.config.businesses {
        let swept = state
            .storage
            .sweep(&business.id, cutoff(now, business.profile.retention_days()))
            .await?;
        state.metrics.record_swept(business.id.as_str(), swept);
        deleted += swept;
        if let Some(notice) = &business.consent {
            state
                .storage
                .sweep_consents(&business.id, cutoff(now, notice.retention_days))
                .await?;
        }
    }
    let audit = state
        .storage
        .sweep_audit(cutoff(now, state.config.audit_retention_days))
        .await?;
    if audit.deleted > 0 {
        tracing::info!(
            deleted = audit.deleted,
            "retention sweep deleted audit entries"
        );
    }
    for chain in &audit.broken {
        // Deleting would destroy the evidence: the chain stays whole until an
        // operator has looked (`sealbook audit verify`).
        tracing::error!(
            chain = %chain,
            "audit chain fails verification; its expired entries are kept"
        );
    }
    let outbox = state
        .storage
        .sweep_outbox(
            now.as_second().saturating_sub(OUTBOX_KEPT_SECONDS),
            now.as_second().saturating_sub(OUTBOX_STALE_SECONDS),
        )
        .await?;
    if outbox > 0 {
        tracing::info!(deleted = outbox, "retention sweep deleted outbox notices");
    }
    // A card outlives what it is for by no more than one pass: a booking over,
    // or cancelled and told so. Finished jobs are kept as long as notices.
    let cards = state
        .storage
        .sweep_cards(
            now.as_second(),
            now.as_second().saturating_sub(OUTBOX_KEPT_SECONDS),
        )
        .await?;
    if cards > 0 {
        tracing::info!(deleted = cards, "retention sweep deleted contact cards");
    }
    let pending = state.storage.finish_pending_erasures().await?;
    state.metrics.set_pending_erasures(pending);
    Ok(deleted)
}

/// How the sweeper's passes went; cheap to clone, shared by the server's tasks.
#[derive(Debug, Clone)]
pub struct Health {
    /// Unix seconds of the last successful pass; until there is one, of the
    /// start, so that a server is ready before its first pass.
    last_success: Arc<AtomicI64>,
    last_failed: Arc<AtomicBool>,
}

impl Health {
    /// No pass yet, counted from `started`.
    pub fn new(started: Timestamp) -> Self {
        Self {
            last_success: Arc::new(AtomicI64::new(started.as_second())),
            last_failed: Arc::new(AtomicBool::new(false)),
        }
    }

    fn succeeded(&self, now: Timestamp) {
        self.last_success.store(now.as_second(), Ordering::Relaxed);
        self.last_failed.store(false, Ordering::Relaxed);
    }

    fn failed(&self) {
        self.last_failed.store(true, Ordering::Relaxed);
    }

    /// Whether the last pass failed, or none succeeded for
    /// [`STALLED_AFTER_INTERVALS`] intervals of `interval` before `now`.
    pub fn stalled(&self, now: Timestamp, interval: Duration) -> bool {
        self.last_failed.load(Ordering::Relaxed)
            || overdue(self.last_success.load(Ordering::Relaxed), now, interval)
    }
}

fn overdue(last_success: i64, now: Timestamp, interval: Duration) -> bool {
    let allowed = i64::try_from(interval.as_secs())
        .unwrap_or(i64::MAX)
        .saturating_mul(i64::from(STALLED_AFTER_INTERVALS));
    now.as_second().saturating_sub(last_success) > allowed
}

/// Runs [`sweep_once`] at the configured interval for as long as the server runs.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(state.config.sweep_interval);
        loop {
            ticks.tick().await;
            match sweep_once(&state, Timestamp::now()).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "retention sweep deleted bookings"),
                Err(error) => tracing::error!(%error, "retention sweep failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use jiff::Timestamp;

    use super::{Health, cutoff, overdue};

    #[test]
    fn cutoffs_do_not_overflow_at_the_extremes() {
        for now in [Timestamp::MIN, Timestamp::UNIX_EPOCH, Timestamp::MAX] {
            assert_eq!(cutoff(now, 0), now.as_second());
            assert_eq!(cutoff(now, 1), now.as_second() - 86_400);
            let longest = cutoff(now, u32::MAX);
            assert!(longest < Timestamp::MIN.as_second(), "keeps everything");
            assert_eq!(longest, now.as_second() - i64::from(u32::MAX) * 86_400);
        }
    }

    #[test]
    fn a_failed_or_overdue_pass_is_a_stall() {
        let interval = Duration::from_secs(60);
        let start = Timestamp::from_second(1_800_000_000).expect("in range");
        let later =
            |seconds: i64| Timestamp::from_second(1_800_000_000 + seconds).expect("in range");
        let health = Health::new(start);
        assert!(
            !health.stalled(later(180), interval),
            "three intervals are allowed"
        );
        assert!(
            health.stalled(later(181), interval),
            "no pass since the start"
        );
        health.succeeded(later(170));
        assert!(!health.stalled(later(181), interval));
        health.failed();
        assert!(health.stalled(later(181), interval), "the last pass failed");
        health.succeeded(later(200));
        assert!(!health.stalled(later(200), interval));
        assert!(!overdue(0, Timestamp::MAX, Duration::MAX), "no overflow");
        assert!(overdue(i64::MIN, Timestamp::MAX, Duration::from_secs(1)));
    }
}
