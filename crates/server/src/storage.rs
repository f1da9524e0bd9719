//! All database access, behind one type. SQLite is the embedded default.
//!
//! Capacity is decided inside one `BEGIN IMMEDIATE` transaction: the write lock
//! is taken before the competing bookings are read, so two requests for the last
//! seat cannot both see it free.

use std::str::FromStr;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::availability::{Occupancy, Refusal};
use crate::ids::{BookingId, BusinessId};

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL (expected sqlite://…)")]
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

/// The storage handle; cheap to clone.
#[derive(Debug, Clone)]
pub struct Storage {
    pool: SqlitePool,
}

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
        business: BusinessId(business),
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

impl Storage {
    /// Opens (creating if needed) and migrates the database at `url`.
    pub async fn open(url: &str) -> Result<Self, StorageError> {
        let path = url
            .strip_prefix("sqlite://")
            .ok_or(StorageError::UnsupportedUrl)?;
        if let Some(folder) = std::path::Path::new(path)
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder)?;
        }
        // WAL with FULL sync: a booking that got its 201 survives a crash.
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Deleted rows are overwritten, so erased ciphertext does not linger in free pages.
            .pragma("secure_delete", "ON")
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    async fn write_transaction(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// Confirmed bookings of `business` overlapping `[start, end)`, except `except`.
    async fn occupancy(
        connection: &mut sqlx::SqliteConnection,
        business: &BusinessId,
        (start, end): (i64, i64),
        except: Option<&BookingId>,
    ) -> Result<Vec<Occupancy>, sqlx::Error> {
        let rows: Vec<(i64, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT starts_at, ends_at, party_size, practitioner FROM bookings
             WHERE business = ?1 AND status = 'confirmed' AND starts_at < ?3 AND ends_at > ?2
               AND (?4 IS NULL OR id <> ?4)",
        )
        .bind(&business.0)
        .bind(start)
        .bind(end)
        .bind(except.map(BookingId::as_str))
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
        connection: &mut sqlx::SqliteConnection,
        envelope_hash: &[u8; 32],
    ) -> Result<bool, sqlx::Error> {
        let earlier: Option<(String,)> =
            sqlx::query_as("SELECT id FROM bookings WHERE envelope_hash = ?")
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
    pub async fn book(
        &self,
        business: &BusinessId,
        idempotency: Option<Idempotency>,
        window: (i64, i64),
        envelope_hash: [u8; 32],
        decide: impl FnOnce(&[Occupancy]) -> Result<NewBooking, Refusal>,
    ) -> Result<Booked, BookError> {
        let mut transaction = self.write_transaction().await?;
        if let Some(idempotency) = &idempotency {
            let earlier: Option<(Vec<u8>, String)> = sqlx::query_as(
                "SELECT request_hash, booking_id FROM idempotency_keys WHERE business = ? AND key_hash = ?",
            )
            .bind(&business.0)
            .bind(&idempotency.key_hash[..])
            .fetch_optional(&mut *transaction)
            .await?;
            if let Some((request_hash, booking_id)) = earlier {
                if request_hash != idempotency.request_hash {
                    return Err(BookError::IdempotencyConflict);
                }
                let row: BookingRow = sqlx::query_as(&format!(
                    "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = ?"
                ))
                .bind(&booking_id)
                .fetch_one(&mut *transaction)
                .await?;
                return Ok(Booked::Replayed(booking_from_row(row)));
            }
        }
        if Self::is_replay(&mut transaction, &envelope_hash).await? {
            return Err(BookError::Replayed);
        }
        let competing = Self::occupancy(&mut transaction, business, window, None).await?;
        let booking = decide(&competing).map_err(BookError::Refused)?;
        sqlx::query(
            "INSERT INTO bookings (id, business, starts_at, ends_at, party_size, service, practitioner, status,
                                   envelope, envelope_hash, visitor_copy, token_hash, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?)",
        )
        .bind(booking.id.as_str())
        .bind(&booking.business.0)
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
        .execute(&mut *transaction)
        .await?;
        if let Some(idempotency) = &idempotency {
            sqlx::query(
                "INSERT INTO idempotency_keys (business, key_hash, request_hash, booking_id, created_at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&business.0)
            .bind(&idempotency.key_hash[..])
            .bind(&idempotency.request_hash[..])
            .bind(booking.id.as_str())
            .bind(booking.created_at)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(Booked::Created(booking))
    }

    /// The booking `id` if `token_hash` is its manage token's hash.
    pub async fn managed_booking(
        &self,
        id: &str,
        token_hash: &[u8; 32],
    ) -> Result<Option<StoredBooking>, sqlx::Error> {
        let row: Option<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = ? AND token_hash = ?"
        ))
        .bind(id)
        .bind(&token_hash[..])
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(booking_from_row))
    }

    /// Cancels (frees capacity, keeps the record until retention ends).
    pub async fn cancel(&self, id: &str, token_hash: &[u8; 32]) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE bookings SET status = 'cancelled' WHERE id = ? AND token_hash = ?")
                .bind(id)
                .bind(&token_hash[..])
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Erases the booking and everything that refers to it, at once.
    pub async fn erase(&self, id: &str, token_hash: &[u8; 32]) -> Result<bool, sqlx::Error> {
        let mut transaction = self.write_transaction().await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE booking_id IN (SELECT id FROM bookings WHERE id = ? AND token_hash = ?)",
        )
        .bind(id)
        .bind(&token_hash[..])
        .execute(&mut *transaction)
        .await?;
        let done = sqlx::query("DELETE FROM bookings WHERE id = ? AND token_hash = ?")
            .bind(id)
            .bind(&token_hash[..])
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Moves a confirmed booking to a new time with a re-sealed envelope and
    /// visitor copy, holding capacity like a new booking (itself excluded).
    pub async fn rebook(
        &self,
        id: &str,
        token_hash: &[u8; 32],
        window: (i64, i64),
        decide: impl FnOnce(&StoredBooking, &[Occupancy]) -> Result<NewBooking, Refusal>,
    ) -> Result<Option<NewBooking>, BookError> {
        let mut transaction = self.write_transaction().await?;
        let row: Option<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = ? AND token_hash = ? AND status = 'confirmed'"
        ))
        .bind(id)
        .bind(&token_hash[..])
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(current) = row.map(booking_from_row) else {
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
            "UPDATE bookings SET starts_at = ?, ends_at = ?, party_size = ?, service = ?, practitioner = ?,
                                 envelope = ?, envelope_hash = ?, visitor_copy = ?
             WHERE id = ?",
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
    /// checkpoints the WAL so the deleted pages leave it too. Returns the count.
    pub async fn sweep(&self, business: &BusinessId, cutoff: i64) -> Result<u64, sqlx::Error> {
        let mut transaction = self.write_transaction().await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE booking_id IN (SELECT id FROM bookings WHERE business = ? AND ends_at < ?)",
        )
        .bind(&business.0)
        .bind(cutoff)
        .execute(&mut *transaction)
        .await?;
        let deleted = sqlx::query("DELETE FROM bookings WHERE business = ? AND ends_at < ?")
            .bind(&business.0)
            .bind(cutoff)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        transaction.commit().await?;
        if deleted > 0 {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(deleted)
    }

    /// Lists bookings in start order.
    pub async fn bookings(
        &self,
        filter: &BookingFilter,
    ) -> Result<Vec<StoredBooking>, sqlx::Error> {
        let rows: Vec<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings
             WHERE (?1 IS NULL OR business = ?1) AND (?2 IS NULL OR starts_at >= ?2)
             ORDER BY starts_at, created_at"
        ))
        .bind(filter.business.as_ref().map(|business| business.0.as_str()))
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
