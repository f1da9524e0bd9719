//! Each business's schedule settings, one row per business with a revision that
//! grows by one per change: a server process compares revisions to know what to
//! reload, and a change made from a stale copy is refused.

use super::bookings::{BOOKING_COLUMNS, BookingRow, StoredBooking};
use super::{NewAuditEntry, Storage};
use crate::ids::{BookingId, BusinessId};
use crate::schedule::ScheduleSettings;

/// A business's stored schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchedule {
    pub revision: i64,
    pub settings: ScheduleSettings,
    pub updated_at: i64,
    /// `sealbook.toml`, `import`, or the id of the staff member who changed it.
    pub updated_by: String,
}

#[derive(sqlx::FromRow)]
struct ScheduleRow {
    revision: i64,
    settings: String,
    updated_at: i64,
    updated_by: String,
}

/// Why a schedule was not read or stored.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// Someone else changed it since the given revision was read.
    #[error("the schedule changed since revision {0} was read")]
    Stale(i64),
    /// Bookings the new schedule has no hours or room for that the member was
    /// not shown (made since the preview): nothing was stored.
    #[error("{} booking(s) would no longer fit and were not confirmed", .0.len())]
    Unconfirmed(Vec<BookingId>),
    /// What the database holds does not read as settings (written by hand?).
    #[error("the stored schedule of {business} does not read: {reason}")]
    Unreadable {
        business: BusinessId,
        reason: String,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Who changes a schedule, for the row and the audit log.
#[derive(Debug, Clone, Copy)]
pub enum ScheduleAuthor<'a> {
    /// `sealbook business import`, by the operator.
    Import,
    /// A member, in the inbox: their session's audit entry, whose detail the
    /// change fills in.
    Member(&'a NewAuditEntry),
}

impl ScheduleAuthor<'_> {
    fn name(self) -> String {
        match self {
            Self::Import => "import".to_owned(),
            Self::Member(entry) => entry
                .staff
                .as_ref()
                .map_or_else(|| "staff".to_owned(), ToString::to_string),
        }
    }
}

fn to_json(settings: &ScheduleSettings) -> String {
    // A struct of strings, numbers and maps with string keys always serialises.
    serde_json::to_string(settings).unwrap_or_default()
}

impl Storage {
    /// Stores `settings` as `business`'s first schedule, unless it has one:
    /// true when they were stored.
    pub async fn seed_schedule(
        &self,
        business: &BusinessId,
        settings: &ScheduleSettings,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO schedules (business, revision, settings, updated_at, updated_by)
             VALUES ($1, 1, $2, $3, 'sealbook.toml')
             ON CONFLICT (business) DO NOTHING",
        )
        .bind(business)
        .bind(to_json(settings))
        .bind(jiff::Timestamp::now().as_second())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every stored schedule's revision: what a process checks each time it looks for changes.
    pub async fn schedule_revisions(&self) -> Result<Vec<(BusinessId, i64)>, sqlx::Error> {
        sqlx::query_as("SELECT business, revision FROM schedules")
            .fetch_all(&self.pool)
            .await
    }

    /// `business`'s stored schedule, if it has one.
    pub async fn schedule(
        &self,
        business: &BusinessId,
    ) -> Result<Option<StoredSchedule>, ScheduleError> {
        let row: Option<ScheduleRow> = sqlx::query_as(
            "SELECT revision, settings, updated_at, updated_by FROM schedules WHERE business = $1",
        )
        .bind(business)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let settings =
                serde_json::from_str(&row.settings).map_err(|error| ScheduleError::Unreadable {
                    business: business.clone(),
                    reason: error.to_string(),
                })?;
            Ok(StoredSchedule {
                revision: row.revision,
                settings,
                updated_at: row.updated_at,
                updated_by: row.updated_by,
            })
        })
        .transpose()
    }

    /// Replaces `business`'s schedule with `settings` (already checked), if it
    /// is still at `expected` (any revision when `None`; 0 when none is stored
    /// yet). Inside the business's
    /// capacity lock, `misfits` is shown the confirmed bookings still to come,
    /// in the order they were made, and names those the new schedule has no
    /// hours or room for (or refuses the change): they are kept and marked as
    /// needing attention. Who did it goes into the audit log, all in one
    /// transaction. Returns the new revision and the marked bookings.
    pub async fn replace_schedule(
        &self,
        business: &BusinessId,
        settings: &ScheduleSettings,
        expected: Option<i64>,
        author: ScheduleAuthor<'_>,
        misfits: impl FnOnce(&[StoredBooking]) -> Result<Vec<BookingId>, ScheduleError>,
    ) -> Result<Replaced, ScheduleError> {
        let now = jiff::Timestamp::now().as_second();
        // The business's capacity lock: no booking is made between reading the
        // bookings below and storing the schedule they were checked against.
        let mut transaction = self.write_transaction(business).await?;
        let current: Option<i64> =
            sqlx::query_scalar("SELECT revision FROM schedules WHERE business = $1")
                .bind(business)
                .fetch_optional(&mut *transaction)
                .await?;
        // Revision 0 is the file's schedule, before any is stored.
        if let Some(expected) = expected
            && current.unwrap_or(0) != expected
        {
            return Err(ScheduleError::Stale(expected));
        }
        let upcoming = Self::confirmed_still_to_come(&mut transaction, business, now).await?;
        let needs_attention = misfits(&upcoming)?;
        let revision = current.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO schedules (business, revision, settings, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (business) DO UPDATE SET revision = $2, settings = $3, updated_at = $4,
                 updated_by = $5",
        )
        .bind(business)
        .bind(revision)
        .bind(to_json(settings))
        .bind(now)
        .bind(author.name())
        .execute(&mut *transaction)
        .await?;
        for id in &needs_attention {
            sqlx::query(
                "INSERT INTO booking_attention (booking_id, business, revision, since)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (booking_id) DO NOTHING",
            )
            .bind(id)
            .bind(business)
            .bind(revision)
            .bind(now)
            .execute(&mut *transaction)
            .await?;
        }
        let detail = format!(
            "revision {revision} by {}; {} booking(s) need attention",
            author.name(),
            needs_attention.len()
        );
        let entry = match author {
            ScheduleAuthor::Member(entry) => NewAuditEntry {
                at: now,
                action: "schedule_changed",
                booking_id: None,
                detail,
                ..entry.clone()
            },
            ScheduleAuthor::Import => NewAuditEntry {
                business: Some(business.clone()),
                at: now,
                staff: None,
                session: None,
                action: "schedule_changed",
                booking_id: None,
                detail,
            },
        };
        Self::append_audit(&mut transaction, &entry).await?;
        transaction.commit().await?;
        Ok(Replaced {
            revision,
            needs_attention,
        })
    }

    /// `business`'s confirmed bookings not yet over at `now`, in the order they
    /// were made: those a schedule change is checked against.
    pub async fn upcoming_confirmed(
        &self,
        business: &BusinessId,
        now: i64,
    ) -> Result<Vec<StoredBooking>, sqlx::Error> {
        let mut connection = self.pool.acquire().await?;
        Self::confirmed_still_to_come(&mut connection, business, now).await
    }

    async fn confirmed_still_to_come(
        connection: &mut sqlx::AnyConnection,
        business: &BusinessId,
        now: i64,
    ) -> Result<Vec<StoredBooking>, sqlx::Error> {
        let rows: Vec<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings
             WHERE business = $1 AND status IN ('confirmed', 'offered') AND ends_at > $2
             ORDER BY created_at, id"
        ))
        .bind(business)
        .bind(now)
        .fetch_all(&mut *connection)
        .await?;
        Ok(rows.into_iter().map(StoredBooking::from).collect())
    }

    /// Whether `booking` of `business` is marked as needing attention.
    pub async fn is_marked(
        &self,
        business: &BusinessId,
        booking: &str,
    ) -> Result<bool, sqlx::Error> {
        let marked: Option<String> = sqlx::query_scalar(
            "SELECT booking_id FROM booking_attention WHERE booking_id = $1 AND business = $2",
        )
        .bind(booking)
        .bind(business)
        .fetch_optional(&self.pool)
        .await?;
        Ok(marked.is_some())
    }

    /// Which of `business`'s bookings are marked as needing attention.
    pub async fn needing_attention(
        &self,
        business: &BusinessId,
    ) -> Result<Vec<BookingId>, sqlx::Error> {
        sqlx::query_scalar("SELECT booking_id FROM booking_attention WHERE business = $1")
            .bind(business)
            .fetch_all(&self.pool)
            .await
    }

    /// Clears `booking`'s mark (a member has dealt with it), recording `audit`
    /// in the same transaction; false when it had none.
    pub async fn clear_attention(
        &self,
        business: &BusinessId,
        booking: &str,
        audit: &NewAuditEntry,
    ) -> Result<bool, sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        let cleared =
            sqlx::query("DELETE FROM booking_attention WHERE business = $1 AND booking_id = $2")
                .bind(business)
                .bind(booking)
                .execute(&mut *transaction)
                .await?
                .rows_affected()
                == 1;
        if cleared {
            Self::append_audit(&mut transaction, audit).await?;
        }
        transaction.commit().await?;
        Ok(cleared)
    }
}

/// A stored schedule change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    pub revision: i64,
    /// The bookings it no longer has hours or room for, now marked.
    pub needs_attention: Vec<BookingId>,
}
