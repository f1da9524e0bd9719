//! All database access, behind one type, for both backends: SQLite (the
//! embedded default) and PostgreSQL. Every query is written once, with `$N`
//! placeholders both drivers understand; the few backend differences (how a
//! write transaction locks, per-connection settings, the migrations folder) are
//! in [`Backend`]. Rows are read into structs with named fields
//! (`sqlx::FromRow`, matched by column name), one per table shape.
//!
//! Capacity is decided inside one transaction that takes its lock before the
//! competing bookings are read — SQLite's `BEGIN IMMEDIATE`, PostgreSQL's
//! transaction-scoped advisory lock per business — so two requests for the last
//! seat cannot both see it free, whether they reach one server or several.
//! Bookings that arrive together (on PostgreSQL: for the same business) also
//! share that transaction and its fsync ([`group_commit`]).

mod accounts;
mod audit;
mod audit_chain;
mod audit_sweep;
mod audit_verify;
mod backup;
mod bookings;
mod consents;
mod copy;
mod courier;
mod erasure;
mod group_commit;
mod invites;
mod managed_bookings;
mod moves;
mod notice_preferences;
mod occupancy_cache;
mod outbox;
mod rate_limits;
mod resets;
mod schedules;
mod sessions;
mod staff_bookings;
mod totp;
mod waitlist;
mod wrapped_keys;

pub use accounts::{AccountError, NewStaff, Role, StaffMember};
pub use audit::{AuditEntry, NewAuditEntry};
pub use audit_chain::GENESIS as AUDIT_GENESIS;
pub use audit_sweep::AuditSweep;
pub use audit_verify::{BrokenLink, ChainReport};
pub use backup::{BackupError, SqliteBackup, backup_sqlite};
pub use bookings::{
    Attendance, BookError, Booked, BookingFilter, Fingerprints, Idempotency, NewBooking,
    StoredBooking,
};
pub use consents::{ConsentRecord, ConsentTally};
pub use copy::CopyError;
pub use courier::{AckError, ClaimedMessage, CourierPlan, CourierToken, NewContactCard, Purpose};
pub use erasure::Flush;
pub use invites::{AcceptError, NewInvite, OpenInvite, PendingInvite};
pub use managed_bookings::{Cancel, Rebook};
pub use moves::{MoveOutcome, Moved};
pub use outbox::{ClaimedNotice, Notice, NoticeKind, NoticeRouting};
pub use rate_limits::{MinuteTake, RateCell, SlotAllowance};
pub use resets::{NewReset, ResetError};
pub use schedules::{Replaced, ScheduleAuthor, ScheduleError, StoredSchedule};
pub use sessions::{NewSession, StoredSession};
pub use staff_bookings::{StaffCancel, StatusError, Tally};
pub use waitlist::{Fit, TakeUpError, Waiting};
pub use wrapped_keys::{HeldKey, ShareOutcome, WrappedKey};

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Executor as _, Transaction};

use crate::ids::BusinessId;

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL (expected sqlite://… or postgres://…)")]
    UnsupportedUrl,
    #[error("cannot create the database folder: {0}")]
    Folder(#[from] std::io::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Which database a [`Storage`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Every migration of this backend's schema, in order.
    pub fn migrator(self) -> sqlx::migrate::Migrator {
        match self {
            Self::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Self::Postgres => sqlx::migrate!("migrations/postgres"),
        }
    }

    /// The backend a database URL names.
    pub fn of(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// The storage handle; cheap to clone.
#[derive(Debug, Clone)]
pub struct Storage {
    pool: AnyPool,
    backend: Backend,
    /// Bookings share transactions and fsyncs: SQLite's one batch at a time.
    group_commit: Arc<group_commit::GroupCommit>,
    /// PostgreSQL's batches, one per business (each holds that business's lock).
    business_group_commits: Arc<Mutex<HashMap<BusinessId, Arc<group_commit::GroupCommit>>>>,
    /// Availability's copies of capacity rows, each with the counter it saw.
    occupancy_cache: Arc<occupancy_cache::OccupancyCache>,
    /// Where staff notices go; none are written until it is set.
    notice_routing: outbox::SharedRouting,
    /// The businesses whose couriers send visitors messages, and when.
    courier_plans: courier::SharedPlans,
}

/// SQLite settings made on every connection.
const SQLITE_CONNECTION_SETTINGS: &str = "
    PRAGMA journal_mode = WAL;      -- readers never block the writer
    PRAGMA synchronous = FULL;      -- a booking that got its 201 survives a crash
    PRAGMA foreign_keys = ON;
    PRAGMA busy_timeout = 10000;    -- writers queue instead of failing
    PRAGMA secure_delete = ON;      -- freed pages are overwritten: erased ciphertext does not linger
";

/// The file a `sqlite://path` or `sqlite:path` URL names, without its `?options`.
fn sqlite_path(url: &str) -> &str {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    path.split('?').next().unwrap_or(path)
}

impl Storage {
    /// Opens (creating if needed) and migrates the database at `url`.
    pub async fn open(url: &str) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url).ok_or(StorageError::UnsupportedUrl)?;
        let (url, options) = match backend {
            Backend::Sqlite => {
                if let Some(folder) = std::path::Path::new(sqlite_path(url))
                    .parent()
                    .filter(|f| !f.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(folder)?;
                }
                let url = if url.contains('?') {
                    url.to_owned()
                } else {
                    format!("{url}?mode=rwc")
                };
                let options =
                    AnyPoolOptions::new()
                        .max_connections(8)
                        .after_connect(|connection, _| {
                            Box::pin(async move {
                                connection.execute(SQLITE_CONNECTION_SETTINGS).await?;
                                Ok(())
                            })
                        });
                (url, options)
            }
            Backend::Postgres => (url.to_owned(), AnyPoolOptions::new().max_connections(16)),
        };
        let pool = options.connect(&url).await?;
        backend.migrator().run(&pool).await?;
        let storage = Self {
            pool,
            backend,
            group_commit: Arc::default(),
            business_group_commits: Arc::default(),
            occupancy_cache: Arc::default(),
            notice_routing: Arc::default(),
            courier_plans: Arc::default(),
        };
        storage.link_unlinked_audit().await?;
        Ok(storage)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// The database this storage talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The batch `business`'s bookings join (see [`group_commit`]).
    fn group_commit_for(&self, business: &BusinessId) -> Arc<group_commit::GroupCommit> {
        match self.backend {
            Backend::Sqlite => Arc::clone(&self.group_commit),
            Backend::Postgres => {
                let mut batches = self
                    .business_group_commits
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                Arc::clone(batches.entry(business.clone()).or_default())
            }
        }
    }

    /// A transaction holding the write lock for `business`'s capacity.
    async fn write_transaction(
        &self,
        business: &BusinessId,
    ) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => {
                let mut transaction = self.pool.begin().await?;
                let digest = Sha256::digest(business.as_str().as_bytes());
                let key = i64::from_be_bytes(
                    digest[..8]
                        .try_into()
                        .expect("a SHA-256 digest has 8 bytes"),
                );
                // A statement of its own inside the open transaction, not sent
                // with BEGIN in one round trip: sqlx (0.8.6) rolls back only a
                // BEGIN that has returned, so the pooled connection would be left
                // in an aborted transaction after a failed lock, and in one that
                // holds or waits for the lock after an abandoned wait.
                sqlx::query("SELECT pg_advisory_xact_lock($1)::text")
                    .bind(key)
                    .execute(&mut *transaction)
                    .await?;
                Ok(transaction)
            }
        }
    }

    /// Closes the pool, flushing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
