//! All database access, behind one type, for both backends: SQLite (the
//! embedded default) and PostgreSQL. Every query is written once, with `$N`
//! placeholders both drivers understand; the few backend differences (how a
//! write transaction locks, per-connection settings, the migrations folder) are
//! in [`Backend`].
//!
//! Capacity is decided inside one transaction that takes its lock before the
//! competing bookings are read — SQLite's `BEGIN IMMEDIATE`, PostgreSQL's
//! transaction-scoped advisory lock per business — so two requests for the last
//! seat cannot both see it free, whether they reach one server or several.
//! On SQLite, bookings that arrive together also share that transaction and its
//! fsync ([`group_commit`]).

mod accounts;
mod audit;
mod audit_chain;
mod backup;
mod consents;
mod erasure;
mod group_commit;
mod invites;
mod rate_limits;
mod resets;
mod sessions;
mod staff_bookings;

pub use accounts::{AccountError, HeldKey, NewStaff, Role, ShareOutcome, StaffMember, WrappedKey};
pub use audit::{AuditEntry, NewAuditEntry};
pub use audit_chain::{AuditSweep, BrokenLink, ChainReport, GENESIS as AUDIT_GENESIS};
pub use backup::{BackupError, SqliteBackup, backup_sqlite};
pub use consents::ConsentRecord;
pub use erasure::Flush;
pub use invites::{AcceptError, NewInvite, OpenInvite, PendingInvite};
pub use resets::{NewReset, ResetError};
pub use sessions::{NewSession, StoredSession};
pub use staff_bookings::{InboxBooking, StaffStatus, StatusError};

use std::sync::Arc;

use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyConnection, AnyPool, Executor as _, Transaction};

use crate::availability::{Occupancy, Refusal};
use crate::ids::{BookingId, BusinessId};

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

/// Why a booking was not written.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("the idempotency key was used for another request")]
    IdempotencyConflict,
    #[error("this envelope was already uploaded")]
    Replayed,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Why a database copy stopped (nothing was written to the target).
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the target database already holds bookings or audit entries; copy only into an empty database"
    )]
    TargetNotEmpty,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Every column of a booking, for copying between databases.
type CopyRow = (
    String,
    String,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    String,
    Vec<u8>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    i64,
    Option<String>,
);

/// Every column of an idempotency key, for copying between databases.
type IdempotencyRow = (String, Vec<u8>, Vec<u8>, String, i64);

/// A booking as it is written: ciphertext plus public metadata.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub id: BookingId,
    pub business: BusinessId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub party_size: u32,
    pub service: Option<String>,
    pub practitioner: Option<String>,
    pub envelope: Vec<u8>,
    pub envelope_hash: [u8; 32],
    pub visitor_copy: Option<Vec<u8>>,
    pub token_hash: Option<[u8; 32]>,
    pub created_at: i64,
}

/// A booking as it is read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBooking {
    pub id: BookingId,
    pub business: BusinessId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub party_size: u32,
    pub service: Option<String>,
    pub practitioner: Option<String>,
    pub status: String,
    pub envelope: Vec<u8>,
    pub visitor_copy: Option<Vec<u8>>,
    pub created_at: i64,
}

/// A client's `Idempotency-Key`, hashed, with the hash of the request it came with.
#[derive(Debug, Clone, Copy)]
pub struct Idempotency {
    pub key_hash: [u8; 32],
    pub request_hash: [u8; 32],
}

/// Whether a booking was made now or found from an earlier identical request.
#[derive(Debug, Clone)]
pub enum Booked {
    Created(NewBooking),
    Replayed(StoredBooking),
}

/// Which bookings to list.
#[derive(Debug, Clone, Default)]
pub struct BookingFilter {
    pub business: Option<BusinessId>,
    /// Only bookings starting at or after this unix time.
    pub starts_from: Option<i64>,
}

/// Which database a [`Storage`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
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
    /// SQLite only: bookings share transactions and fsyncs.
    group_commit: Arc<group_commit::GroupCommit>,
}

/// SQLite settings made on every connection.
const SQLITE_CONNECTION_SETTINGS: &str = "
    PRAGMA journal_mode = WAL;      -- readers never block the writer
    PRAGMA synchronous = FULL;      -- a booking that got its 201 survives a crash
    PRAGMA foreign_keys = ON;
    PRAGMA busy_timeout = 10000;    -- writers queue instead of failing
    PRAGMA secure_delete = ON;      -- freed pages are overwritten: erased ciphertext does not linger
";

type BookingRow = (
    String,
    String,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    String,
    Vec<u8>,
    Option<Vec<u8>>,
    i64,
);

const BOOKING_COLUMNS: &str = "id, business, starts_at, ends_at, party_size, service, practitioner, status, envelope, visitor_copy, created_at";

fn booking_from_row(row: BookingRow) -> StoredBooking {
    let (
        id,
        business,
        starts_at,
        ends_at,
        party_size,
        service,
        practitioner,
        status,
        envelope,
        visitor_copy,
        created_at,
    ) = row;
    StoredBooking {
        id: BookingId::from_stored(id),
        business: BusinessId::new(business),
        starts_at,
        ends_at,
        party_size: u32::try_from(party_size).unwrap_or(0),
        service,
        practitioner,
        status,
        envelope,
        visitor_copy,
        created_at,
    }
}

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
        match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&pool).await?,
        }
        let storage = Self {
            pool,
            backend,
            group_commit: Arc::default(),
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
                sqlx::query("SELECT pg_advisory_xact_lock($1)::text")
                    .bind(key)
                    .execute(&mut *transaction)
                    .await?;
                Ok(transaction)
            }
        }
    }

    /// Confirmed bookings of `business` overlapping `[start, end)`, except `except`.
    async fn occupancy(
        connection: &mut AnyConnection,
        business: &BusinessId,
        (start, end): (i64, i64),
        except: Option<&BookingId>,
    ) -> Result<Vec<Occupancy>, sqlx::Error> {
        let rows: Vec<(i64, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT starts_at, ends_at, party_size, practitioner FROM bookings
             WHERE business = $1 AND status = 'confirmed' AND starts_at < $3 AND ends_at > $2
               AND ($4 IS NULL OR id <> $4)",
        )
        .bind(business.as_str())
        .bind(start)
        .bind(end)
        .bind(except.map(|id| id.as_str().to_owned()))
        .fetch_all(connection)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(starts_at, ends_at, party_size, practitioner)| Occupancy {
                starts_at,
                ends_at,
                party_size: u32::try_from(party_size).unwrap_or(u32::MAX),
                practitioner,
            })
            .collect())
    }

    /// Whether an envelope with this hash was stored before.
    async fn is_replay(
        connection: &mut AnyConnection,
        envelope_hash: &[u8; 32],
    ) -> Result<bool, sqlx::Error> {
        let earlier: Option<(String,)> =
            sqlx::query_as("SELECT id FROM bookings WHERE envelope_hash = $1")
                .bind(&envelope_hash[..])
                .fetch_optional(connection)
                .await?;
        Ok(earlier.is_some())
    }

    /// Confirmed bookings overlapping `[start, end)`, for availability.
    pub async fn occupancy_between(
        &self,
        business: &BusinessId,
        window: (i64, i64),
    ) -> Result<Vec<Occupancy>, sqlx::Error> {
        let mut connection = self.pool.acquire().await?;
        Self::occupancy(&mut connection, business, window, None).await
    }

    /// Holds capacity and stores a booking, atomically. `decide` sees the
    /// competing bookings in `window` and returns the row to write, or a refusal.
    /// Answers once the booking is durable.
    pub async fn book(
        &self,
        business: &BusinessId,
        idempotency: Option<Idempotency>,
        window: (i64, i64),
        envelope_hash: [u8; 32],
        decide: impl FnOnce(&[Occupancy]) -> Result<NewBooking, Refusal>,
    ) -> Result<Booked, BookError> {
        let work = async |connection: &mut AnyConnection| {
            Self::book_in(
                connection,
                business,
                idempotency,
                window,
                envelope_hash,
                decide,
            )
            .await
        };
        match self.backend {
            Backend::Sqlite => self.group_commit.run(&self.pool, work).await,
            Backend::Postgres => {
                let mut transaction = self.write_transaction(business).await?;
                let booked = work(&mut transaction).await?;
                transaction.commit().await?;
                Ok(booked)
            }
        }
    }

    /// The booking an earlier request with this idempotency key stored, if
    /// any; [`BookError::IdempotencyConflict`] if that request was another.
    /// [`Storage::book`] looks again inside its transaction; a retry found
    /// here is answered without counting against any limit.
    pub async fn idempotent_replay(
        &self,
        business: &BusinessId,
        idempotency: &Idempotency,
    ) -> Result<Option<StoredBooking>, BookError> {
        let mut connection = self.pool.acquire().await?;
        Self::earlier_answer(&mut connection, business, idempotency).await
    }

    async fn earlier_answer(
        connection: &mut AnyConnection,
        business: &BusinessId,
        idempotency: &Idempotency,
    ) -> Result<Option<StoredBooking>, BookError> {
        let earlier: Option<(Vec<u8>, String)> = sqlx::query_as(
            "SELECT request_hash, booking_id FROM idempotency_keys WHERE business = $1 AND key_hash = $2",
        )
        .bind(business.as_str())
        .bind(&idempotency.key_hash[..])
        .fetch_optional(&mut *connection)
        .await?;
        let Some((request_hash, booking_id)) = earlier else {
            return Ok(None);
        };
        if request_hash != idempotency.request_hash {
            return Err(BookError::IdempotencyConflict);
        }
        let row: BookingRow = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1"
        ))
        .bind(&booking_id)
        .fetch_one(&mut *connection)
        .await?;
        Ok(Some(booking_from_row(row)))
    }

    /// [`Storage::book`] inside a transaction that holds the write lock.
    async fn book_in(
        connection: &mut AnyConnection,
        business: &BusinessId,
        idempotency: Option<Idempotency>,
        window: (i64, i64),
        envelope_hash: [u8; 32],
        decide: impl FnOnce(&[Occupancy]) -> Result<NewBooking, Refusal>,
    ) -> Result<Booked, BookError> {
        if let Some(idempotency) = &idempotency
            && let Some(earlier) = Self::earlier_answer(connection, business, idempotency).await?
        {
            return Ok(Booked::Replayed(earlier));
        }
        if Self::is_replay(connection, &envelope_hash).await? {
            return Err(BookError::Replayed);
        }
        let competing = Self::occupancy(connection, business, window, None).await?;
        let booking = decide(&competing).map_err(BookError::Refused)?;
        sqlx::query(
            "INSERT INTO bookings (id, business, starts_at, ends_at, party_size, service, practitioner, status,
                                   envelope, envelope_hash, visitor_copy, token_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'confirmed', $8, $9, $10, $11, $12)",
        )
        .bind(booking.id.as_str())
        .bind(booking.business.as_str())
        .bind(booking.starts_at)
        .bind(booking.ends_at)
        .bind(i64::from(booking.party_size))
        .bind(booking.service.as_deref())
        .bind(booking.practitioner.as_deref())
        .bind(&booking.envelope)
        .bind(&booking.envelope_hash[..])
        .bind(booking.visitor_copy.as_deref())
        .bind(booking.token_hash.as_ref().map(|hash| &hash[..]))
        .bind(booking.created_at)
        .execute(&mut *connection)
        .await?;
        if let Some(idempotency) = &idempotency {
            sqlx::query(
                "INSERT INTO idempotency_keys (business, key_hash, request_hash, booking_id, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(business.as_str())
            .bind(&idempotency.key_hash[..])
            .bind(&idempotency.request_hash[..])
            .bind(booking.id.as_str())
            .bind(booking.created_at)
            .execute(&mut *connection)
            .await?;
        }
        Ok(Booked::Created(booking))
    }

    /// The booking `id` if `token_hash` is its manage token's hash.
    pub async fn managed_booking(
        &self,
        id: &str,
        token_hash: &[u8; 32],
    ) -> Result<Option<StoredBooking>, sqlx::Error> {
        let row: Option<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 AND token_hash = $2"
        ))
        .bind(id)
        .bind(&token_hash[..])
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(booking_from_row))
    }

    /// Cancels (frees capacity, keeps the record until retention ends).
    pub async fn cancel(&self, id: &str, token_hash: &[u8; 32]) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE bookings SET status = 'cancelled' WHERE id = $1 AND token_hash = $2",
        )
        .bind(id)
        .bind(&token_hash[..])
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Erases the booking and everything that refers to it, at once; `None`
    /// when there is no such booking, else whether its bytes left the files yet.
    pub async fn erase(
        &self,
        id: &str,
        token_hash: &[u8; 32],
    ) -> Result<Option<Flush>, sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE booking_id IN (SELECT id FROM bookings WHERE id = $1 AND token_hash = $2)",
        )
        .bind(id)
        .bind(&token_hash[..])
        .execute(&mut *transaction)
        .await?;
        let done = sqlx::query("DELETE FROM bookings WHERE id = $1 AND token_hash = $2")
            .bind(id)
            .bind(&token_hash[..])
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        if done.rows_affected() == 1 {
            Ok(Some(self.flush_deleted_pages().await?))
        } else {
            Ok(None)
        }
    }

    /// Moves a confirmed booking to a new time with a re-sealed envelope and
    /// visitor copy, holding capacity like a new booking (itself excluded).
    pub async fn rebook(
        &self,
        business: &BusinessId,
        id: &str,
        token_hash: &[u8; 32],
        window: (i64, i64),
        decide: impl FnOnce(&StoredBooking, &[Occupancy]) -> Result<NewBooking, Refusal>,
    ) -> Result<Option<NewBooking>, BookError> {
        let mut transaction = self.write_transaction(business).await?;
        let row: Option<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 AND token_hash = $2 AND status = 'confirmed'"
        ))
        .bind(id)
        .bind(&token_hash[..])
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(current) = row
            .map(booking_from_row)
            .filter(|current| current.business == *business)
        else {
            return Ok(None);
        };
        let competing = Self::occupancy(
            &mut transaction,
            &current.business,
            window,
            Some(&current.id),
        )
        .await?;
        let changed = decide(&current, &competing).map_err(BookError::Refused)?;
        if Self::is_replay(&mut transaction, &changed.envelope_hash).await? {
            return Err(BookError::Replayed);
        }
        sqlx::query(
            "UPDATE bookings SET starts_at = $1, ends_at = $2, party_size = $3, service = $4, practitioner = $5,
                                 envelope = $6, envelope_hash = $7, visitor_copy = $8
             WHERE id = $9",
        )
        .bind(changed.starts_at)
        .bind(changed.ends_at)
        .bind(i64::from(changed.party_size))
        .bind(changed.service.as_deref())
        .bind(changed.practitioner.as_deref())
        .bind(&changed.envelope)
        .bind(&changed.envelope_hash[..])
        .bind(changed.visitor_copy.as_deref())
        .bind(current.id.as_str())
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(Some(changed))
    }

    /// Deletes every booking of `business` whose appointment ended before
    /// `cutoff` (unix seconds) — ciphertext, visitor copy and metadata — then
    /// checkpoints the WAL so the deleted pages leave it too (or records that
    /// they have not yet, [`Flush::Pending`]). Returns the count.
    pub async fn sweep(&self, business: &BusinessId, cutoff: i64) -> Result<u64, sqlx::Error> {
        let mut transaction = self.write_transaction(business).await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE booking_id IN (SELECT id FROM bookings WHERE business = $1 AND ends_at < $2)",
        )
        .bind(business.as_str())
        .bind(cutoff)
        .execute(&mut *transaction)
        .await?;
        let deleted = sqlx::query("DELETE FROM bookings WHERE business = $1 AND ends_at < $2")
            .bind(business.as_str())
            .bind(cutoff)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        transaction.commit().await?;
        if deleted > 0 {
            self.flush_deleted_pages().await?;
        }
        Ok(deleted)
    }

    /// Copies every booking, idempotency key, consent record, staff account (with
    /// its key copies) and audit entry into `target`, which must be
    /// empty, in one target transaction (all or nothing); calls `progress` with
    /// the number of bookings copied so far. Returns the number copied.
    pub async fn copy_to(
        &self,
        target: &Storage,
        progress: impl Fn(u64),
    ) -> Result<u64, CopyError> {
        const PAGE: i64 = 500;
        let mut transaction = target.pool.begin().await?;
        let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bookings")
            .fetch_one(&mut *transaction)
            .await?;
        // Audit entries too: the copied chains would fork the target's own.
        let (audited,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_chains")
            .fetch_one(&mut *transaction)
            .await?;
        if existing > 0 || audited > 0 {
            return Err(CopyError::TargetNotEmpty);
        }
        let mut copied = 0u64;
        let mut after = String::new();
        loop {
            let rows: Vec<CopyRow> = sqlx::query_as(
                "SELECT id, business, starts_at, ends_at, party_size, service, practitioner, status, envelope,
                        envelope_hash, visitor_copy, token_hash, created_at, attendance
                 FROM bookings WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(&after)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.0.clone();
            for row in rows {
                sqlx::query(
                    "INSERT INTO bookings (id, business, starts_at, ends_at, party_size, service, practitioner, status,
                                           envelope, envelope_hash, visitor_copy, token_hash, created_at, attendance)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                )
                .bind(row.0)
                .bind(row.1)
                .bind(row.2)
                .bind(row.3)
                .bind(row.4)
                .bind(row.5)
                .bind(row.6)
                .bind(row.7)
                .bind(row.8)
                .bind(row.9)
                .bind(row.10)
                .bind(row.11)
                .bind(row.12)
                .bind(row.13)
                .execute(&mut *transaction)
                .await?;
                copied += 1;
            }
            progress(copied);
        }
        let keys: Vec<IdempotencyRow> = sqlx::query_as(
            "SELECT business, key_hash, request_hash, booking_id, created_at FROM idempotency_keys",
        )
        .fetch_all(&self.pool)
        .await?;
        for (business, key_hash, request_hash, booking_id, created_at) in keys {
            sqlx::query(
                "INSERT INTO idempotency_keys (business, key_hash, request_hash, booking_id, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(business)
            .bind(key_hash)
            .bind(request_hash)
            .bind(booking_id)
            .bind(created_at)
            .execute(&mut *transaction)
            .await?;
        }
        let consents = self.consents(None).await?;
        for record in &consents {
            Self::insert_consent(&mut transaction, record).await?;
        }
        self.copy_accounts(&mut transaction).await?;
        transaction.commit().await?;
        Ok(copied)
    }

    /// Lists bookings in start order.
    pub async fn bookings(
        &self,
        filter: &BookingFilter,
    ) -> Result<Vec<StoredBooking>, sqlx::Error> {
        let rows: Vec<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings
             WHERE ($1 IS NULL OR business = $1) AND ($2 IS NULL OR starts_at >= $2)
             ORDER BY starts_at, created_at"
        ))
        .bind(filter.business.as_ref().map(|business| business.as_str()))
        .bind(filter.starts_from)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(booking_from_row).collect())
    }

    /// Closes the pool, flushing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
