//! All database access, behind one type. SQLite is the embedded default.

use std::str::FromStr;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

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

/// A booking as it is written: ciphertext plus public metadata.
#[derive(Debug, Clone)]
pub struct NewBooking<'a> {
    pub id: &'a BookingId,
    pub business: &'a BusinessId,
    pub starts_at: i64,
    pub party_size: u32,
    pub envelope: &'a [u8],
    pub created_at: i64,
}

/// A booking as it is read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBooking {
    pub id: BookingId,
    pub business: BusinessId,
    pub starts_at: i64,
    pub party_size: u32,
    pub envelope: Vec<u8>,
    pub created_at: i64,
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
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    /// Stores one booking.
    pub async fn insert_booking(&self, booking: &NewBooking<'_>) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO bookings (id, business, starts_at, party_size, envelope, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(booking.id.as_str())
        .bind(&booking.business.0)
        .bind(booking.starts_at)
        .bind(i64::from(booking.party_size))
        .bind(booking.envelope)
        .bind(booking.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Lists bookings in start order.
    pub async fn bookings(
        &self,
        filter: &BookingFilter,
    ) -> Result<Vec<StoredBooking>, sqlx::Error> {
        let rows: Vec<(String, String, i64, i64, Vec<u8>, i64)> = sqlx::query_as(
            "SELECT id, business, starts_at, party_size, envelope, created_at FROM bookings
             WHERE (?1 IS NULL OR business = ?1) AND (?2 IS NULL OR starts_at >= ?2)
             ORDER BY starts_at, created_at",
        )
        .bind(filter.business.as_ref().map(|business| business.0.as_str()))
        .bind(filter.starts_from)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, business, starts_at, party_size, envelope, created_at)| StoredBooking {
                    id: BookingId::from_stored(id),
                    business: BusinessId(business),
                    starts_at,
                    party_size: u32::try_from(party_size).unwrap_or(0),
                    envelope,
                    created_at,
                },
            )
            .collect())
    }

    /// Closes the pool, flushing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
