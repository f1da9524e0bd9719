//! Bookings as the staff inbox reaches them: always through the business the
//! signed-in member belongs to, so another business's booking is simply not
//! there.

use super::bookings::{BOOKING_COLUMNS, BookingRow, StoredBooking};
use super::outbox::{Notice, NoticeKind, now};
use super::{Flush, Storage};
use crate::ids::BusinessId;

/// A booking with its attendance mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxBooking {
    pub booking: StoredBooking,
    /// `arrived` or `no_show`, on a confirmed booking.
    pub attendance: Option<String>,
}

impl InboxBooking {
    /// `confirmed`, `cancelled`, `arrived` or `no_show`.
    pub fn status(&self) -> &str {
        if self.booking.status == "cancelled" {
            "cancelled"
        } else {
            self.attendance.as_deref().unwrap_or("confirmed")
        }
    }
}

/// What a member may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffStatus {
    Confirmed,
    Cancelled,
    Arrived,
    NoShow,
}

impl StaffStatus {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "confirmed" => Some(Self::Confirmed),
            "cancelled" => Some(Self::Cancelled),
            "arrived" => Some(Self::Arrived),
            "no_show" => Some(Self::NoShow),
            _ => None,
        }
    }
}

/// Why a status was not set.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error("no such booking")]
    NotFound,
    #[error("a cancelled booking cannot be marked or confirmed again")]
    Cancelled,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A booking row with its attendance mark.
#[derive(sqlx::FromRow)]
struct InboxRow {
    #[sqlx(flatten)]
    booking: BookingRow,
    attendance: Option<String>,
}

impl From<InboxRow> for InboxBooking {
    fn from(row: InboxRow) -> Self {
        Self {
            booking: row.booking.into(),
            attendance: row.attendance,
        }
    }
}

impl Storage {
    /// `business`'s bookings starting in `[from, to)` (unix seconds), in start order.
    pub async fn inbox_bookings(
        &self,
        business: &BusinessId,
        (from, to): (i64, i64),
    ) -> Result<Vec<InboxBooking>, sqlx::Error> {
        let rows: Vec<InboxRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS}, attendance FROM bookings
             WHERE business = $1 AND starts_at >= $2 AND starts_at < $3
             ORDER BY starts_at, created_at, id"
        ))
        .bind(business)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(InboxBooking::from).collect())
    }

    /// One booking of `business`.
    pub async fn inbox_booking(
        &self,
        business: &BusinessId,
        id: &str,
    ) -> Result<Option<InboxBooking>, sqlx::Error> {
        let row: Option<InboxRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS}, attendance FROM bookings WHERE id = $1 AND business = $2"
        ))
        .bind(id)
        .bind(business)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(InboxBooking::from))
    }

    /// Sets a booking's status as staff see it. Cancelling is the visitor's
    /// cancel (the status every capacity query reads), so it frees the seats;
    /// arrival and no-show are marks on a confirmed booking.
    pub async fn set_inbox_status(
        &self,
        business: &BusinessId,
        id: &str,
        status: StaffStatus,
    ) -> Result<(), StatusError> {
        let (sql, attendance) = match status {
            StaffStatus::Cancelled => return self.cancel_for_business(business, id).await,
            StaffStatus::Confirmed => (
                "UPDATE bookings SET attendance = NULL WHERE id = $1 AND business = $2 AND status = 'confirmed'",
                None,
            ),
            StaffStatus::Arrived => (
                "UPDATE bookings SET attendance = $3 WHERE id = $1 AND business = $2 AND status = 'confirmed'",
                Some("arrived"),
            ),
            StaffStatus::NoShow => (
                "UPDATE bookings SET attendance = $3 WHERE id = $1 AND business = $2 AND status = 'confirmed'",
                Some("no_show"),
            ),
        };
        let mut query = sqlx::query(sql).bind(id).bind(business);
        if let Some(attendance) = attendance {
            query = query.bind(attendance);
        }
        if query.execute(&self.pool).await?.rows_affected() == 1 {
            return Ok(());
        }
        match self.inbox_booking(business, id).await? {
            None => Err(StatusError::NotFound),
            Some(_) => Err(StatusError::Cancelled),
        }
    }

    /// Staff cancel a booking of `business`, with its `cancelled` notice;
    /// cancelling again changes nothing and tells no one.
    async fn cancel_for_business(
        &self,
        business: &BusinessId,
        id: &str,
    ) -> Result<(), StatusError> {
        let mut transaction = self.pool.begin().await?;
        let cancelled: Option<BookingRow> = sqlx::query_as(&format!(
            "UPDATE bookings SET status = 'cancelled', attendance = NULL
             WHERE id = $1 AND business = $2 AND status = 'confirmed'
             RETURNING {BOOKING_COLUMNS}"
        ))
        .bind(id)
        .bind(business)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(cancelled) = cancelled else {
            drop(transaction);
            return match self.inbox_booking(business, id).await? {
                Some(_) => Ok(()),
                None => Err(StatusError::NotFound),
            };
        };
        let notice = Notice::about(NoticeKind::Cancelled, &cancelled.into());
        self.enqueue_notice(&mut transaction, &notice, now())
            .await?;
        transaction.commit().await?;
        Ok(())
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
