//! Retention: each booking is deleted a business's retention period after its
//! appointment ends, each consent record its notice's `retention_days` after it
//! was made; ended staff sessions and expired invites go too. Hard delete, no
//! soft-delete flag (DESIGN §3.8, §8). Each pass also finishes the erasures
//! whose old bytes SQLite could not yet truncate out of its WAL.

use jiff::{SignedDuration, Timestamp};

use crate::AppState;

/// One pass over every business at time `now`; returns how many bookings went.
pub async fn sweep_once(state: &AppState, now: Timestamp) -> Result<u64, sqlx::Error> {
    let mut deleted = 0;
    let idle = crate::auth::session::IDLE_SECONDS;
    state
        .storage
        .sweep_sessions(now.as_second(), now.as_second() - idle)
        .await?;
    state.storage.sweep_invites(now.as_second()).await?;
    state.storage.sweep_resets(now.as_second()).await?;
    for business in &state.config.businesses {
        let retention =
            SignedDuration::from_hours(24 * i64::from(business.profile.retention_days()));
        let swept = state
            .storage
            .sweep(&business.id, (now - retention).as_second())
            .await?;
        state.metrics.record_swept(&business.id.0, swept);
        deleted += swept;
        if let Some(notice) = &business.consent {
            let kept = SignedDuration::from_hours(24 * i64::from(notice.retention_days));
            state
                .storage
                .sweep_consents(&business.id, (now - kept).as_second())
                .await?;
        }
    }
    let pending = state.storage.finish_pending_erasures().await?;
    state.metrics.set_pending_erasures(pending);
    Ok(deleted)
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
