//! Bookings as the staff inbox reaches them: always through the business the
//! signed-in member belongs to, so another business's booking is simply not
//! there. Attendance is a mark beside the status: staff set and clear
//! `arrived` and `no_show`, a cancel inside the deadline leaves
//! `late_cancelled`, and no cancel or change clears a mark.

use super::bookings::{Attendance, BOOKING_COLUMNS, BookingRow, StoredBooking};
use super::outbox::{Notice, NoticeKind, now};
use super::{Flush, Storage};
use crate::ids::BusinessId;

/// Why a status or a mark was not set.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error("no such booking")]
    NotFound,
    #[error("a cancelled booking cannot be marked or cancelled again")]
    Cancelled,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A staff cancel, as it was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffCancel {
    pub booking: StoredBooking,
    /// Inside the cancellation deadline: marked `late_cancelled` (unless it
    /// already carried a mark, which stays).
    pub late: bool,
}

/// What a per-day count reads of a booking: no envelope, nothing that names anyone.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Tally {
    pub starts_at: i64,
    pub party_size: i64,
    pub status: String,
    pub attendance: Option<String>,
}

impl Storage {
    /// `business`'s bookings starting in `[from, to)` (unix seconds), in start order.
    pub async fn inbox_bookings(
        &self,
        business: &BusinessId,
        (from, to): (i64, i64),
    ) -> Result<Vec<StoredBooking>, sqlx::Error> {
        let rows: Vec<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings
             WHERE business = $1 AND starts_at >= $2 AND starts_at < $3
             ORDER BY starts_at, created_at, id"
        ))
        .bind(business)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(StoredBooking::from).collect())
    }

    /// One booking of `business`.
    pub async fn inbox_booking(
        &self,
        business: &BusinessId,
        id: &str,
    ) -> Result<Option<StoredBooking>, sqlx::Error> {
        let row: Option<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 AND business = $2"
        ))
        .bind(id)
        .bind(business)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(StoredBooking::from))
    }

    /// The counted facts of `business`'s bookings starting in `[from, to)`.
    pub async fn tallies(
        &self,
        business: &BusinessId,
        (from, to): (i64, i64),
    ) -> Result<Vec<Tally>, sqlx::Error> {
        sqlx::query_as(
            "SELECT starts_at, party_size, status, attendance FROM bookings
             WHERE business = $1 AND starts_at >= $2 AND starts_at < $3",
        )
        .bind(business)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
    }

    /// Sets (`arrived`, `no_show`) or clears a booking's mark. A mark is set on
    /// a confirmed booking only; a staff mark is cleared whatever the status
    /// (a no-show stays after the visitor cancels, and staff may take back a
    /// mistake); `late_cancelled` is a record of the cancel and stays.
    pub async fn set_attendance(
        &self,
        business: &BusinessId,
        id: &str,
        mark: Option<Attendance>,
    ) -> Result<StoredBooking, StatusError> {
        let query = match mark {
            Some(mark) => sqlx::query(
                "UPDATE bookings SET attendance = $3 WHERE id = $1 AND business = $2 AND status = 'confirmed'",
            )
            .bind(id)
            .bind(business)
            .bind(mark.as_str()),
            None => sqlx::query(
                "UPDATE bookings SET attendance = NULL WHERE id = $1 AND business = $2
                   AND (attendance IS NULL OR attendance IN ('arrived', 'no_show'))",
            )
            .bind(id)
            .bind(business),
        };
        let done = query.execute(&self.pool).await?.rows_affected() == 1;
        match self.inbox_booking(business, id).await? {
            None => Err(StatusError::NotFound),
            Some(booking) if done => Ok(booking),
            Some(_) => Err(StatusError::Cancelled),
        }
    }

    /// Staff cancel a confirmed booking of `business`: its capacity is freed
    /// at once. A booking starting at or before `late_from` (unix seconds: now
    /// plus the cancellation deadline) is cancelled late and marked
    /// `late_cancelled`, unless it already carries a mark, which stays.
    pub async fn cancel_for_business(
        &self,
        business: &BusinessId,
        id: &str,
        late_from: i64,
    ) -> Result<StaffCancel, StatusError> {
        let mut transaction = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE bookings SET status = 'cancelled',
                    attendance = CASE WHEN attendance IS NULL AND starts_at <= $3
                                      THEN 'late_cancelled' ELSE attendance END
             WHERE id = $1 AND business = $2 AND status = 'confirmed'",
        )
        .bind(id)
        .bind(business)
        .bind(late_from)
        .execute(&mut *transaction)
        .await?
        .rows_affected()
            == 1;
        let row: Option<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 AND business = $2"
        ))
        .bind(id)
        .bind(business)
        .fetch_optional(&mut *transaction)
        .await?;
        let booking = match row.map(StoredBooking::from) {
            None => return Err(StatusError::NotFound),
            Some(_) if !done => return Err(StatusError::Cancelled),
            Some(booking) => booking,
        };
        let late = booking.starts_at <= late_from;
        // In this transaction: the notice is sent if and only if the cancel is stored.
        let kind = if late {
            NoticeKind::LateCancelled
        } else {
            NoticeKind::Cancelled
        };
        self.enqueue_notice(&mut transaction, &Notice::about(kind, &booking), now())
            .await?;
        let about = (booking.id.as_str(), &booking.business);
        self.follow_cancel(&mut transaction, about, true, now())
            .await?;
        transaction.commit().await?;
        Ok(StaffCancel { booking, late })
    }

    /// Erases a booking of `business` and everything that refers to it, at
    /// once, with its `erased` notice; `None` when there is no such booking,
    /// else whether its bytes left the files yet.
    pub async fn erase_for_business(
        &self,
        business: &BusinessId,
        id: &str,
    ) -> Result<Option<Flush>, sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE booking_id IN (SELECT id FROM bookings WHERE id = $1 AND business = $2)",
        )
        .bind(id)
        .bind(business)
        .execute(&mut *transaction)
        .await?;
        let erased: Option<BookingRow> = sqlx::query_as(&format!(
            "DELETE FROM bookings WHERE id = $1 AND business = $2 RETURNING {BOOKING_COLUMNS}"
        ))
        .bind(id)
        .bind(business)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(erased) = erased else {
            return Ok(None);
        };
        let notice = Notice::about(NoticeKind::Erased, &erased.into());
        self.enqueue_notice(&mut transaction, &notice, now())
            .await?;
        transaction.commit().await?;
        Ok(Some(self.flush_deleted_pages().await?))
    }
}
