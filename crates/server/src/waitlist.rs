//! The offer pass: when capacity frees (a cancellation, a move, a schedule
//! with more covers), the waitlist's visitors are offered it in the order they
//! joined, each for the business's `waitlist_hold`; a hold that ends passes
//! the seats on to the next. The rows and their order live in the database
//! (`storage::waitlist`), so any process may run a pass: each business's pass
//! takes its write lock, and an offer is made only to a row still waiting.
//!
//! This process's changes wake its pass at once; a tick catches the holds
//! that end and what other processes freed.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::Notify;

use crate::AppState;
use crate::availability::{Wish, competing_window, hold};
use crate::config::Business;
use crate::storage::{Fit, Waiting};

/// How often a pass runs unwoken: how late, at most, a hold that ended is
/// passed on, or capacity freed by another process is offered.
pub const PASS_EVERY: Duration = Duration::from_secs(2);

/// Wakes this process's offer pass; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct OfferPass {
    wake: Arc<Notify>,
}

impl OfferPass {
    /// Capacity may have freed: look at the waitlists now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// What a waiting row asks to hold.
fn wish_of(row: &Waiting) -> Wish<'_> {
    Wish {
        party_size: u32::try_from(row.party_size).unwrap_or(u32::MAX),
        service: row.service.as_deref(),
        practitioner: row.practitioner.as_deref(),
    }
}

/// One pass over every business with a waitlist at `now`; returns how many
/// offers were made.
pub async fn offer_once(state: &AppState, now: Timestamp) -> Result<usize, sqlx::Error> {
    let mut offered = 0;
    for id in state.storage.businesses_waiting().await? {
        let Some(business) = state.business(id.as_str()) else {
            continue;
        };
        // A business whose waitlist was switched off still lets its open
        // offers run out and its waiting rows wait: they were promised a message.
        let hold_seconds = business.waitlist_hold_seconds().unwrap_or(0);
        // One business's failure leaves the others' waitlists moving.
        match offer_for(state, &business, now, hold_seconds).await {
            Ok(made) => offered += made,
            Err(error) => {
                tracing::error!(business = %business.id, %error, "waitlist offer pass failed")
            }
        }
    }
    Ok(offered)
}

async fn offer_for(
    state: &AppState,
    business: &Business,
    now: Timestamp,
    hold_seconds: i64,
) -> Result<usize, sqlx::Error> {
    let profile = &business.profile;
    let offered = state
        .storage
        .offer_freed(
            &business.id,
            now.as_second(),
            hold_seconds,
            |row| {
                let start = Timestamp::from_second(row.starts_at).ok()?;
                competing_window(profile, &wish_of(row), start).ok()
            },
            |row, competing| {
                if hold_seconds == 0 {
                    return None;
                }
                let start = Timestamp::from_second(row.starts_at).ok()?;
                let held = hold(profile, &wish_of(row), start, now, competing).ok()?;
                Some(Fit {
                    ends_at: held.ends_at.as_second(),
                    practitioner: held.practitioner,
                })
            },
        )
        .await?;
    if !offered.is_empty() {
        tracing::info!(business = %business.id, offers = offered.len(), "waitlist offers made");
    }
    Ok(offered.len())
}

/// Runs [`offer_once`] whenever woken, and every [`PASS_EVERY`], for as long
/// as the server runs.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let wake = Arc::clone(&state.offers.wake);
        loop {
            if let Err(error) = offer_once(&state, Timestamp::now()).await {
                tracing::error!(%error, "waitlist offer pass failed");
            }
            let _ = tokio::time::timeout(PASS_EVERY, wake.notified()).await;
        }
    })
}
