//! Moving a booking to another time (or practitioner, or service) from the
//! inbox: the public metadata changes, capacity is checked in the same locked
//! transaction as a new booking's (the booking itself excluded), and the audit
//! entry is written with it. The sealed booking and the visitor's copy are not
//! touched: the visitor's manage page reads the time from the metadata.

use super::bookings::{BOOKING_COLUMNS, BookError, BookingRow, StoredBooking};
use super::outbox::{Notice, NoticeKind, now};
use super::{NewAuditEntry, Storage};
use crate::availability::{Occupancy, Refusal};
use crate::ids::BusinessId;

/// Where a booking goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub starts_at: i64,
    pub ends_at: i64,
    pub service: Option<String>,
    pub practitioner: Option<String>,
}

/// What became of a move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveOutcome {
    /// Moved; the booking as it was before.
    Moved(Box<StoredBooking>),
    NotFound,
    /// A cancelled booking holds no capacity and is not moved.
    Cancelled,
}

impl Storage {
    /// Moves booking `id` of `business`. `window` gives the competing window
    /// for the booking as stored; `decide` sees the booking and the competing
    /// bookings (itself excluded) and returns where it goes with its audit entry.
    pub async fn move_booking(
        &self,
        business: &BusinessId,
        id: &str,
        window: impl FnOnce(&StoredBooking) -> Result<(i64, i64), Refusal>,
        decide: impl FnOnce(&StoredBooking, &[Occupancy]) -> Result<(Moved, NewAuditEntry), Refusal>,
    ) -> Result<MoveOutcome, BookError> {
        let mut transaction = self.write_transaction(business).await?;
        let row: Option<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 AND business = $2"
        ))
        .bind(id)
        .bind(business)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(current) = row.map(StoredBooking::from) else {
            return Ok(MoveOutcome::NotFound);
        };
        if current.status != "confirmed" {
            return Ok(MoveOutcome::Cancelled);
        }
        let window = window(&current).map_err(BookError::Refused)?;
        let competing =
            Self::occupancy(&mut transaction, business, window, Some(&current.id)).await?;
        let (moved, audit) = decide(&current, &competing).map_err(BookError::Refused)?;
        sqlx::query(
            "UPDATE bookings SET starts_at = $1, ends_at = $2, service = $3, practitioner = $4 WHERE id = $5",
        )
        .bind(moved.starts_at)
        .bind(moved.ends_at)
        .bind(moved.service.as_deref())
        .bind(moved.practitioner.as_deref())
        .bind(&current.id)
        .execute(&mut *transaction)
        .await?;
        Self::append_audit(&mut transaction, &audit).await?;
        if !current.block {
            let after = StoredBooking {
                starts_at: moved.starts_at,
                ends_at: moved.ends_at,
                service: moved.service.clone(),
                practitioner: moved.practitioner.clone(),
                ..current.clone()
            };
            let notice = Notice::about(NoticeKind::Changed, &after);
            self.enqueue_notice(&mut transaction, &notice, now())
                .await?;
            let about = (after.id.as_str(), &after.business, after.starts_at);
            self.follow_move(&mut transaction, about, now()).await?;
        }
        transaction.commit().await?;
        Ok(MoveOutcome::Moved(Box::new(current)))
    }
}
