//! Bookings as the visitor's manage link reaches them: by reference and the
//! hash of the link's token, so a booking is only ever changed by whoever holds
//! its link.

use super::bookings::{BOOKING_COLUMNS, BookError, BookingRow, NewBooking, StoredBooking};
use super::outbox::{Notice, NoticeKind, now};
use super::{Flush, Storage};
use crate::availability::{Occupancy, Refusal};
use crate::ids::BusinessId;

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

    /// Cancels (frees capacity, keeps the record until retention ends), with
    /// its `cancelled` notice; cancelling again changes nothing and tells no one.
    pub async fn cancel(&self, id: &str, token_hash: &[u8; 32]) -> Result<bool, sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        let cancelled: Option<BookingRow> = sqlx::query_as(&format!(
            "UPDATE bookings SET status = 'cancelled'
             WHERE id = $1 AND token_hash = $2 AND status = 'confirmed'
             RETURNING {BOOKING_COLUMNS}"
        ))
        .bind(id)
        .bind(&token_hash[..])
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(cancelled) = cancelled else {
            drop(transaction);
            return Ok(self.managed_booking(id, token_hash).await?.is_some());
        };
        let notice = Notice::about(NoticeKind::Cancelled, &cancelled.into());
        self.enqueue_notice(&mut transaction, &notice, now())
            .await?;
        transaction.commit().await?;
        Ok(true)
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
        let notice = Notice::about(NoticeKind::Erased, &erased.into());
        self.enqueue_notice(&mut transaction, &notice, now())
            .await?;
        transaction.commit().await?;
        Ok(Some(self.flush_deleted_pages().await?))
    }

    /// Moves a confirmed booking to a new time with a re-sealed envelope and
    /// visitor copy, holding capacity like a new booking (itself excluded), with
    /// its `changed` notice.
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
            .map(StoredBooking::from)
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
        .bind(&current.id)
        .execute(&mut *transaction)
        .await?;
        let notice = Notice::about_new(NoticeKind::Changed, &changed);
        self.enqueue_notice(&mut transaction, &notice, now())
            .await?;
        transaction.commit().await?;
        Ok(Some(changed))
    }
}
