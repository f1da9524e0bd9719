//! The businesses this process serves, each with the schedule the database
//! holds. `sealbook.toml` names the businesses, their keys, origins and form;
//! their schedules live in the database, seeded from the file once, so that a
//! change made anywhere (`sealbook business import`, later the inbox) reaches
//! every server process on that database within a second, without a restart.
//! Each process looks for new revisions at a short interval — one small query
//! on both backends — rather than being told, so a process that missed a
//! message (or was starting) still catches up on its next look.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::availability::Held;
use crate::config::{Business, Config};
use crate::ids::{BookingId, BusinessId};
use crate::storage::{ScheduleError, Storage, StoredBooking};

/// How often a process looks for schedule changes: well inside the second a
/// change may take to be live everywhere.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(250);

#[derive(Debug)]
struct Live {
    /// The stored revision this process serves; 0 until it has read one.
    revision: i64,
    business: Arc<Business>,
}

/// The businesses as this process serves them now; cheap to clone.
#[derive(Debug, Clone)]
pub struct Businesses {
    configured: Arc<HashMap<BusinessId, Business>>,
    live: Arc<RwLock<HashMap<BusinessId, Live>>>,
}

impl Businesses {
    /// The configured businesses, with the file's schedules until the
    /// database's are read ([`Businesses::load`]).
    pub fn new(config: &Config) -> Self {
        let configured: HashMap<BusinessId, Business> = config
            .businesses
            .iter()
            .map(|business| (business.id.clone(), business.clone()))
            .collect();
        let live = configured
            .iter()
            .map(|(id, business)| {
                (
                    id.clone(),
                    Live {
                        revision: 0,
                        business: Arc::new(business.clone()),
                    },
                )
            })
            .collect();
        Self {
            configured: Arc::new(configured),
            live: Arc::new(RwLock::new(live)),
        }
    }

    /// The business `id` with its current schedule.
    pub fn get(&self, id: &str) -> Option<Arc<Business>> {
        let live = self
            .live
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        live.get(id).map(|live| Arc::clone(&live.business))
    }

    /// Seeds the schedule of every configured business the database does not
    /// know yet from the file, then reads every stored schedule.
    pub async fn load(&self, storage: &Storage) -> Result<(), ScheduleError> {
        for business in self.configured.values() {
            if storage
                .seed_schedule(&business.id, &business.schedule)
                .await?
            {
                tracing::info!(business = %business.id, "schedule seeded from sealbook.toml");
            }
        }
        self.refresh(storage).await.map(|_| ())
    }

    /// Reads the schedules whose revision changed since the last look; returns
    /// how many were taken up. A stored schedule this business cannot take
    /// (only possible if the database was edited by hand: every change is
    /// checked before it is stored) is logged and skipped, and the business
    /// keeps the schedule it had.
    pub async fn refresh(&self, storage: &Storage) -> Result<usize, ScheduleError> {
        let revisions = storage.schedule_revisions().await?;
        let mut taken = 0;
        for (id, revision) in revisions {
            let Some(configured) = self.configured.get(&id) else {
                continue;
            };
            if self.revision(&id) == Some(revision) {
                continue;
            }
            let Some(stored) = storage.schedule(&id).await? else {
                continue;
            };
            let business = match configured.with_schedule(&stored.settings) {
                Ok(business) => Arc::new(business),
                Err(reason) => {
                    tracing::error!(business = %id, revision = stored.revision, %reason,
                        "the stored schedule is not valid: keeping the previous one");
                    configured_or_current(self, &id)
                }
            };
            let mut live = self
                .live
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            live.insert(
                id,
                Live {
                    revision: stored.revision,
                    business,
                },
            );
            taken += 1;
        }
        Ok(taken)
    }

    fn revision(&self, id: &BusinessId) -> Option<i64> {
        let live = self
            .live
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        live.get(id).map(|live| live.revision)
    }

    /// Looks for schedule changes every [`WATCH_INTERVAL`] until aborted.
    pub fn watch(&self, storage: Storage) -> tokio::task::JoinHandle<()> {
        let businesses = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(WATCH_INTERVAL);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut failing = false;
            loop {
                ticks.tick().await;
                match businesses.refresh(&storage).await {
                    Ok(taken) => {
                        if taken > 0 {
                            tracing::info!(businesses = taken, "schedule changes are live");
                        }
                        failing = false;
                    }
                    // Logged once per outage, not four times a second.
                    Err(error) if !failing => {
                        tracing::warn!(%error, "cannot look for schedule changes");
                        failing = true;
                    }
                    Err(_) => {}
                }
            }
        })
    }
}

/// What `id` is served with when its stored schedule cannot be taken.
fn configured_or_current(businesses: &Businesses, id: &BusinessId) -> Arc<Business> {
    businesses
        .get(id.as_str())
        .unwrap_or_else(|| Arc::new(businesses.configured[id].clone()))
}

/// Which of `bookings` (confirmed, upcoming, in the order they were made)
/// `business` — with the schedule it would have — has no hours or room for.
pub fn misfits(business: &Business, bookings: &[StoredBooking]) -> Vec<BookingId> {
    let held: Vec<Held<'_>> = bookings
        .iter()
        .map(|booking| Held {
            starts_at: booking.starts_at,
            ends_at: booking.ends_at,
            party_size: booking.party_size,
            service: booking.service.as_deref(),
            practitioner: booking.practitioner.as_deref(),
            block: booking.block,
        })
        .collect();
    crate::availability::misfits(&business.profile, &held)
        .into_iter()
        .map(|index| bookings[index].id.clone())
        .collect()
}
