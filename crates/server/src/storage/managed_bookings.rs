//! Bookings as the visitor's manage link reaches them: by reference and the
//! hash of the link's token, so a booking is only ever changed by whoever holds
//! its link.

use super::bookings::{BOOKING_COLUMNS, BookError, BookingRow, NewBooking, StoredBooking};
use super::outbox::{Notice, NoticeKind, now};
use super::{Flush, Storage};
use crate::availability::{Occupancy, Refusal};
use crate::ids::BusinessId;

/// What a visitor's cancel did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancel {
    /// Cancelled now (or earlier): the booking as it is.
    Cancelled(StoredBooking),
    /// Inside the cancellation deadline: nothing changed.
    Closed(StoredBooking),
}

/// What a visitor's change did.
#[derive(Debug, Clone)]
pub enum Rebook {
    Changed(NewBooking),
    /// No confirmed booking with this id and token.
    NotFound,
    /// Inside the cancellation deadline: nothing changed.
    Closed(StoredBooking),
}

impl Storage {
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
        Ok(row.map(StoredBooking::from))
    }

    /// Cancels (frees capacity, keeps the record and its attendance mark
    /// until retention ends) unless the booking starts at or before
    /// `late_from` (unix seconds: now plus the cancellation deadline), with
    /// its `cancelled` notice; a cancelled booking stays cancelled and
    /// cancelling it again tells no one. A place on the waitlist (or an offer
    /// not taken up) is given up at any time, with no notice. `None` when
    /// there is no such booking.
    pub async fn cancel(
        &self,
        id: &str,
        token_hash: &[u8; 32],
        late_from: i64,
    ) -> Result<Option<Cancel>, sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        // Leaving the waitlist is always possible and tells the business nothing.
        let left_waitlist = sqlx::query(
            "UPDATE bookings SET status = 'cancelled', hold_until = NULL
             WHERE id = $1 AND token_hash = $2 AND status IN ('waiting', 'offered')",
        )
        .bind(id)
        .bind(&token_hash[..])
        .execute(&mut *transaction)
        .await?
        .rows_affected()
            == 1;
        let cancelled_now = !left_waitlist
            && sqlx::query(
                "UPDATE bookings SET status = 'cancelled'
                 WHERE id = $1 AND token_hash = $2 AND status = 'confirmed' AND starts_at > $3",
            )
            .bind(id)
            .bind(&token_hash[..])
            .bind(late_from)
            .execute(&mut *transaction)
            .await?
            .rows_affected()
                == 1;
        let row: Option<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 AND token_hash = $2"
        ))
        .bind(id)
        .bind(&token_hash[..])
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let booking = StoredBooking::from(row);
        if cancelled_now {
            let notice = Notice::about(NoticeKind::Cancelled, &booking);
            self.enqueue_notice(&mut transaction, &notice, now())
                .await?;
            let about = (booking.id.as_str(), &booking.business);
            self.follow_cancel(&mut transaction, about, false, now())
                .await?;
        }
        if left_waitlist {
            let about = (booking.id.as_str(), &booking.business);
            self.follow_cancel(&mut transaction, about, false, now())
                .await?;
        }
        transaction.commit().await?;
        let over = matches!(booking.status.as_str(), "cancelled" | "lapsed");
        Ok(Some(if cancelled_now || over {
            Cancel::Cancelled(booking)
        } else {
            Cancel::Closed(booking)
        }))
    }

    /// Erases the booking and everything that refers to it, at once, with its
    /// `erased` notice; `None` when there is no such booking, else whether its
    /// bytes left the files yet.
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
        let erased: Option<BookingRow> = sqlx::query_as(&format!(
            "DELETE FROM bookings WHERE id = $1 AND token_hash = $2 RETURNING {BOOKING_COLUMNS}"
        ))
        .bind(id)
        .bind(&token_hash[..])
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(erased) = erased else {
            return Ok(None);
        };
        // Staff never heard of a place on the waitlist: nothing to tell them.
        if !matches!(erased.status.as_str(), "waiting" | "offered" | "lapsed") {
            let notice = Notice::about(NoticeKind::Erased, &erased.into());
            self.enqueue_notice(&mut transaction, &notice, now())
                .await?;
        }
        transaction.commit().await?;
        Ok(Some(self.flush_deleted_pages().await?))
    }

    /// Moves a confirmed booking to a new time with a re-sealed envelope and
    /// visitor copy, holding capacity like a new booking (itself excluded),
    /// unless it starts at or before `late_from` (unix seconds: now plus the
    /// cancellation deadline), with its `changed` notice. Its attendance mark
    /// stays.
    pub async fn rebook(
        &self,
        business: &BusinessId,
        (id, token_hash): (&str, &[u8; 32]),
        late_from: i64,
        window: (i64, i64),
        decide: impl FnOnce(&StoredBooking, &[Occupancy]) -> Result<NewBooking, Refusal>,
    ) -> Result<Rebook, BookError> {
        let mut transaction = self.write_transaction(business).await?;
        let row: Option<BookingRow> = sqlx::query_as(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 AND token_hash = $2 AND status = 'confirmed'"
        ))
        .bind(id)
        .bind(&token_hash[..])
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(current) = row
            .map(StoredBooking::from)
            .filter(|current| current.business == *business)
        else {
            return Ok(Rebook::NotFound);
        };
        if current.starts_at <= late_from {
            return Ok(Rebook::Closed(current));
        }
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
        .bind(&current.id)
        .execute(&mut *transaction)
        .await?;
        let notice = Notice::about_new(NoticeKind::Changed, &changed);
        self.enqueue_notice(&mut transaction, &notice, now())
            .await?;
        let about = (current.id.as_str(), &current.business, changed.starts_at);
        self.follow_move(&mut transaction, about, now()).await?;
        transaction.commit().await?;
        Ok(Rebook::Changed(changed))
    }
}
