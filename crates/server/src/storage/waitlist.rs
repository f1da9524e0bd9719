//! The waitlist of full slots, decided from public metadata only. A visitor
//! joins with a booking row written `waiting` (it holds no capacity) and a
//! contact card, and is told so by a `waitlisted` message. When capacity frees
//! (a cancellation, a move, more covers), the offer pass goes through each
//! business's waiting rows in the order they joined, and a row that now fits
//! becomes `offered`: it holds the freed capacity until `hold_until`, and the
//! courier sends an `offer` with the visitor's link. Taken up in time, the
//! offer is a confirmed booking, with its confirmation and reminders; let go,
//! it is `lapsed`, its card goes, and the next pass offers the seats to the
//! next visitor.

use sqlx::AnyConnection;

use super::bookings::Prelude;
use super::rate_limits::SlotAllowance;
use super::{
    BookError, Booked, Fingerprints, Idempotency, NewBooking, Notice, NoticeKind, Purpose, Storage,
};
use crate::availability::{Occupancy, Refusal};
use crate::ids::BusinessId;

/// A waiting row, as the offer pass sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Waiting {
    pub id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub party_size: i64,
    pub service: Option<String>,
    /// The practitioner the visitor asked for; none for "whoever is free".
    pub practitioner: Option<String>,
}

/// An offer as its take-up reads it.
#[derive(sqlx::FromRow)]
struct OfferRow {
    id: String,
    status: String,
    hold_until: Option<i64>,
    starts_at: i64,
    party_size: i64,
    service: Option<String>,
    practitioner: Option<String>,
}

/// What the offer pass holds for a waiting row that now fits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fit {
    pub ends_at: i64,
    pub practitioner: Option<String>,
}

/// Why an offer could not be taken up.
#[derive(Debug, thiserror::Error)]
pub enum TakeUpError {
    #[error("no offer is open for this link")]
    NoOffer,
    #[error("the offer's hold has ended")]
    Lapsed,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Rows whose time on the waitlist is over at `$2`: an offer whose hold
/// ended, a place whose slot has begun.
const OVER: &str =
    "((status = 'offered' AND hold_until <= $2) OR (status = 'waiting' AND starts_at <= $2))";

/// At most this many waiting rows are looked at per business and pass.
const PASS_LIMIT: i64 = 200;

impl Storage {
    /// The businesses with someone on a waitlist or an offer open: the only
    /// ones an offer pass has anything to do for.
    pub async fn businesses_waiting(&self) -> Result<Vec<BusinessId>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT DISTINCT business FROM bookings WHERE status IN ('waiting', 'offered')",
        )
        .fetch_all(&self.pool)
        .await
    }

    /// Puts a visitor on the waitlist: `decide` sees the bookings competing
    /// for the slot and returns the row only if the slot is (still) full. The
    /// row, its card and its `waitlisted` message are written together. A
    /// retry with the same idempotency key gets the place the first made;
    /// anything else takes `allowance`, the client's share of the time.
    pub async fn join_waitlist(
        &self,
        business: &BusinessId,
        (window, (idempotency, allowance)): ((i64, i64), (Option<Idempotency>, SlotAllowance)),
        fingerprints: Fingerprints,
        decide: impl FnOnce(&[Occupancy]) -> Result<NewBooking, Refusal>,
    ) -> Result<Booked, BookError> {
        let mut transaction = self.write_transaction(business).await?;
        let competing = match Self::before_deciding(
            &mut transaction,
            self.backend(),
            business,
            (idempotency.as_ref(), allowance, None),
            window,
            &fingerprints,
        )
        .await?
        {
            Prelude::Answered(earlier) => return Ok(Booked::Replayed(earlier)),
            Prelude::Competing(competing) => competing,
        };
        let booking = decide(&competing).map_err(BookError::Refused)?;
        let Some(card) = &booking.contact_card else {
            // The waitlist is a promise to write: without a card there is no one to write to.
            return Err(BookError::Refused(Refusal::SlotFull));
        };
        booking.named_by(&fingerprints)?;
        Self::insert_booking(
            &mut transaction,
            self.backend(),
            (&booking, "waiting", false),
            idempotency.as_ref(),
        )
        .await?;
        // Seconds do not order visitors who join together; a place does.
        sqlx::query(
            "UPDATE bookings SET waitlist_place = (
                 SELECT COALESCE(MAX(waitlist_place), 0) + 1 FROM bookings
                 WHERE business = $1 AND waitlist_place IS NOT NULL)
             WHERE id = $2",
        )
        .bind(business)
        .bind(&booking.id)
        .execute(&mut *transaction)
        .await?;
        let now = booking.created_at;
        self.insert_card(&mut transaction, (booking.id.as_str(), business), card, now)
            .await?;
        self.add_job(
            &mut transaction,
            business,
            booking.id.as_str(),
            Purpose::Waitlisted,
            now,
            now,
        )
        .await?;
        transaction.commit().await?;
        Ok(Booked::Created(booking))
    }

    /// One offer pass for `business` at `now`: holds that ended are let go
    /// (`lapsed`, their cards and unsent messages deleted), then each waiting
    /// row still to come, in the order the visitors joined, is offered the
    /// capacity `fits` finds for it among the bookings competing in
    /// `window_of` it, for `hold_seconds`. Returns the rows offered.
    pub async fn offer_freed(
        &self,
        business: &BusinessId,
        now: i64,
        hold_seconds: i64,
        window_of: impl Fn(&Waiting) -> Option<(i64, i64)>,
        fits: impl Fn(&Waiting, &[Occupancy]) -> Option<Fit>,
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut transaction = self.write_transaction(business).await?;
        Self::let_holds_lapse(&mut transaction, business, now).await?;
        let waiting: Vec<Waiting> = sqlx::query_as(
            "SELECT id, starts_at, ends_at, party_size, service, practitioner FROM bookings
             WHERE business = $1 AND status = 'waiting' AND starts_at > $2
             ORDER BY waitlist_place LIMIT $3",
        )
        .bind(business)
        .bind(now)
        .bind(PASS_LIMIT)
        .fetch_all(&mut *transaction)
        .await?;
        let mut offered = Vec::new();
        for row in &waiting {
            let Some(window) = window_of(row) else {
                continue;
            };
            // Offers made earlier in this pass are among the competition.
            let competing = Self::occupancy(&mut transaction, business, window, None).await?;
            let Some(fit) = fits(row, &competing) else {
                continue;
            };
            // A hold never outlasts the slot it holds.
            let hold_until = (now + hold_seconds).min(row.starts_at);
            let offered_now = sqlx::query(
                "UPDATE bookings SET status = 'offered', hold_until = $2, ends_at = $3, practitioner = $4
                 WHERE id = $1 AND status = 'waiting'",
            )
            .bind(&row.id)
            .bind(hold_until)
            .bind(fit.ends_at)
            .bind(fit.practitioner.as_deref())
            .execute(&mut *transaction)
            .await?
            .rows_affected()
                == 1;
            // Left the waitlist since it was read (a cancel takes no business lock).
            if !offered_now {
                continue;
            }
            self.add_job(
                &mut transaction,
                business,
                &row.id,
                Purpose::Offer,
                now,
                now,
            )
            .await?;
            offered.push(row.id.clone());
        }
        transaction.commit().await?;
        Ok(offered)
    }

    /// Offers whose hold ended, and places whose slot has begun, become
    /// `lapsed`: nothing more is sent, and the card's sealed contact is
    /// emptied (the visitor's own link still reads the copy).
    async fn let_holds_lapse(
        connection: &mut AnyConnection,
        business: &BusinessId,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let lapsed = format!("SELECT id FROM bookings WHERE business = $1 AND {OVER}");
        sqlx::query(&format!(
            "DELETE FROM message_jobs WHERE done_at IS NULL AND booking_id IN ({lapsed})"
        ))
        .bind(business)
        .bind(now)
        .execute(&mut *connection)
        .await?;
        // The sealed contact goes now; its cancel hash stays, so the link
        // can say the hold ended, until the sweeper takes the card.
        sqlx::query(&format!(
            "UPDATE contact_cards SET envelope = $3 WHERE booking_id IN ({lapsed})"
        ))
        .bind(business)
        .bind(now)
        .bind(Vec::<u8>::new())
        .execute(&mut *connection)
        .await?;
        sqlx::query(
            &format!("UPDATE bookings SET status = 'lapsed', hold_until = NULL WHERE business = $1 AND {OVER}"),
        )
        .bind(business)
        .bind(now)
        .execute(&mut *connection)
        .await
        .map(|_| ())
    }

    /// Takes up the offer the link with `cancel_hash` was sent for, while its
    /// hold lasts: the row becomes a confirmed booking (the capacity was held
    /// for it, so nothing can have taken it), with its confirmation and
    /// reminders. Returns the booking's id.
    pub async fn take_up_offer(
        &self,
        business: &BusinessId,
        cancel_hash: &[u8; 32],
        now: i64,
    ) -> Result<String, TakeUpError> {
        let mut transaction = self.write_transaction(business).await?;
        let row: Option<OfferRow> = sqlx::query_as(
            "SELECT bookings.id, bookings.status, bookings.hold_until, bookings.starts_at,
                    bookings.party_size, bookings.service, bookings.practitioner
             FROM contact_cards JOIN bookings ON bookings.id = contact_cards.booking_id
             WHERE contact_cards.cancel_hash = $1 AND bookings.business = $2",
        )
        .bind(&cancel_hash[..])
        .bind(business)
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(offer) = row else {
            return Err(TakeUpError::NoOffer);
        };
        let (id, status, hold_until, starts_at) =
            (offer.id, offer.status, offer.hold_until, offer.starts_at);
        match (status.as_str(), hold_until) {
            ("offered", Some(until)) if until > now => {}
            // A retry of a take-up (or a booking that was never on the
            // waitlist): confirmed already, nothing to do.
            ("confirmed", _) => return Ok(id),
            ("offered" | "lapsed", _) => return Err(TakeUpError::Lapsed),
            _ => return Err(TakeUpError::NoOffer),
        }
        let confirmed = sqlx::query(
            "UPDATE bookings SET status = 'confirmed', hold_until = NULL
             WHERE id = $1 AND status = 'offered'",
        )
        .bind(&id)
        .execute(&mut *transaction)
        .await?
        .rows_affected()
            == 1;
        // Left the waitlist since it was read (a cancel takes no business lock).
        if !confirmed {
            return Err(TakeUpError::NoOffer);
        }
        sqlx::query("DELETE FROM message_jobs WHERE booking_id = $1 AND done_at IS NULL")
            .bind(&id)
            .execute(&mut *transaction)
            .await?;
        self.add_job_and_reminders(
            &mut transaction,
            (&id, business, starts_at),
            Purpose::Confirmation,
            now,
        )
        .await?;
        // For staff it is a new booking, told like any other.
        let notice = Notice {
            business: business.clone(),
            kind: NoticeKind::New,
            starts_at,
            party_size: u32::try_from(offer.party_size).unwrap_or(0),
            service: offer.service,
            practitioner: offer.practitioner,
        };
        self.enqueue_notice(&mut transaction, &notice, now).await?;
        transaction.commit().await?;
        Ok(id)
    }
}
