//! Bookings as the widget makes them: capacity held and the row written in one
//! locked transaction, idempotent retries answered with the first booking,
//! replayed envelopes refused; and listing and retention over all of them.

use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyConnection;

use super::outbox::{Notice, NoticeKind, now};
use super::rate_limits::{
    MinuteTake, RateCell, SlotAllowance, now_cte, refusal_wait, refusal_wait_sql, take_sql,
};
use super::{Backend, NewAuditEntry, NewContactCard, Storage};
use crate::availability::{Occupancy, Refusal};
use crate::ids::{BookingId, BusinessId};
pub use sealbook_wire::api::inbox::Attendance;

/// Why a booking was not written.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("the idempotency key was used for another request")]
    IdempotencyConflict,
    #[error("this envelope was already uploaded")]
    Replayed,
    #[error("the contact card's cancel token is another booking's")]
    CancelTokenTaken,
    /// The booking carries a contact card whose cancel token its
    /// [`Fingerprints`] did not name, so it was not looked up before deciding.
    #[error("the booking's card was not named before it was decided")]
    CardNotNamed,
    /// The client holds its share of the start time; the wait until it would
    /// be let in.
    #[error("the client holds its share of this time")]
    RateLimited(Duration),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl super::group_commit::MemberError for BookError {
    fn spoils_batch(&self) -> bool {
        matches!(self, Self::Database(_))
    }
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
    /// The visitor's contact card for the courier, if they asked for messages.
    pub contact_card: Option<NewContactCard>,
}

/// What no two bookings may share, looked up before anything is written: the
/// envelope (uploaded again, it is a replay) and the contact card's cancel
/// token (a courier's cancel link finds its booking by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprints {
    /// SHA-256 of the booking's envelope.
    pub envelope_hash: [u8; 32],
    /// SHA-256 of the cancel token of the booking's contact card; none without a card.
    pub cancel_hash: Option<[u8; 32]>,
}

impl Fingerprints {
    /// The fingerprints of a booking with this envelope and, if it has one, this card.
    pub fn of(envelope_hash: [u8; 32], card: Option<&NewContactCard>) -> Self {
        Self {
            envelope_hash,
            cancel_hash: card.map(|card| card.cancel_hash),
        }
    }
}

impl From<[u8; 32]> for Fingerprints {
    /// The fingerprints of a booking with this envelope and no contact card.
    fn from(envelope_hash: [u8; 32]) -> Self {
        Self {
            envelope_hash,
            cancel_hash: None,
        }
    }
}

impl NewBooking {
    /// What no other booking may share of this one.
    pub fn fingerprints(&self) -> Fingerprints {
        Fingerprints::of(self.envelope_hash, self.contact_card.as_ref())
    }

    /// Whether `fingerprints` named this booking's card, so that its cancel
    /// token was looked up before anything was decided.
    pub(super) fn named_by(&self, fingerprints: &Fingerprints) -> Result<(), BookError> {
        let carried = self.fingerprints().cancel_hash;
        if carried.is_some() && carried != fingerprints.cancel_hash {
            return Err(BookError::CardNotNamed);
        }
        Ok(())
    }
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
    /// Kept apart from `status`: cancelling never clears it.
    pub attendance: Option<Attendance>,
    /// Capacity staff hold with no visitor behind it.
    pub block: bool,
    /// While a waitlist offer is `offered`: until when its seats are held.
    pub hold_until: Option<i64>,
}

// The notices of a booking's changes state its public metadata only.
impl Notice {
    /// A notice of `kind` about `booking` as it is now.
    pub fn about(kind: NoticeKind, booking: &StoredBooking) -> Self {
        Self {
            business: booking.business.clone(),
            kind,
            starts_at: booking.starts_at,
            party_size: booking.party_size,
            service: booking.service.clone(),
            practitioner: booking.practitioner.clone(),
        }
    }

    /// A notice of `kind` about a booking being written.
    pub fn about_new(kind: NoticeKind, booking: &NewBooking) -> Self {
        Self {
            business: booking.business.clone(),
            kind,
            starts_at: booking.starts_at,
            party_size: booking.party_size,
            service: booking.service.clone(),
            practitioner: booking.practitioner.clone(),
        }
    }
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

/// The bookings of business `$1` that hold capacity in `[$2, $3)`: confirmed
/// ones, and waitlist offers while they are held (a lapsed hold is let go by
/// the offer pass, in a write that moves the occupancy counter).
/// None of them starts before `$2` less the longest any booking of the business
/// has held (kept by the triggers beside the counter; `$4` if there is no row),
/// so the index is searched from there, not from the business's first booking.
const HOLDING_CAPACITY: &str = "business = $1 AND status IN ('confirmed', 'offered') AND starts_at < $3 \
     AND ends_at > $2 \
     AND starts_at > $2 - COALESCE((SELECT longest_hold FROM occupancy_versions WHERE business = $1), $4)";

/// What a booking row holds of capacity.
fn held(starts_at: i64, ends_at: i64, party_size: i64, practitioner: Option<String>) -> Occupancy {
    Occupancy {
        starts_at,
        ends_at,
        party_size: u32::try_from(party_size).unwrap_or(u32::MAX),
        practitioner,
    }
}

/// The SQL aggregate that packs the capacity rows it reads into one JSON
/// array of `[starts_at, ends_at, party_size, practitioner]`: one row to hand
/// over, however many bookings it holds.
fn packed_occupancy(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "json_group_array(json_array(starts_at, ends_at, party_size, practitioner))"
        }
        Backend::Postgres => {
            "COALESCE(json_agg(json_build_array(starts_at, ends_at, party_size, practitioner)), '[]'::json)::text"
        }
    }
}

/// The capacity rows [`packed_occupancy`] packed.
fn unpack_occupancy(packed: &str) -> Result<Vec<Occupancy>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64, Option<String>)> =
        serde_json::from_str(packed).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(rows
        .into_iter()
        .map(|(starts_at, ends_at, party_size, practitioner)| {
            held(starts_at, ends_at, party_size, practitioner)
        })
        .collect())
}

/// Longer than any booking or block holds capacity (a service of up to a day
/// and its time after, up to a day; a turn or a block of up to a day), with
/// room to spare for bookings made under older limits: the search's bound for
/// a business the counter table has no row for.
const LONGEST_HOLD_SECONDS: i64 = 7 * 86_400;

/// The columns of a [`StoredBooking`], in the order of [`BookingRow`].
pub(super) const BOOKING_COLUMNS: &str = "id, business, starts_at, ends_at, party_size, service, practitioner, status, envelope, visitor_copy, created_at, attendance, block, hold_until";

/// A booking row as [`BOOKING_COLUMNS`] selects it.
#[derive(sqlx::FromRow)]
pub(super) struct BookingRow {
    pub(super) id: BookingId,
    pub(super) business: BusinessId,
    pub(super) starts_at: i64,
    pub(super) ends_at: i64,
    pub(super) party_size: i64,
    pub(super) service: Option<String>,
    pub(super) practitioner: Option<String>,
    pub(super) status: String,
    pub(super) envelope: Vec<u8>,
    pub(super) visitor_copy: Option<Vec<u8>>,
    pub(super) created_at: i64,
    pub(super) attendance: Option<String>,
    pub(super) block: i64,
    pub(super) hold_until: Option<i64>,
}

impl From<BookingRow> for StoredBooking {
    fn from(row: BookingRow) -> Self {
        Self {
            id: row.id,
            business: row.business,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            party_size: u32::try_from(row.party_size).unwrap_or(0),
            service: row.service,
            practitioner: row.practitioner,
            status: row.status,
            envelope: row.envelope,
            visitor_copy: row.visitor_copy,
            created_at: row.created_at,
            // The column's CHECK admits only the marks `parse` knows.
            attendance: row.attendance.as_deref().and_then(Attendance::parse),
            block: row.block != 0,
            hold_until: row.hold_until,
        }
    }
}

/// What [`Storage::read_before_booking`] finds.
#[derive(sqlx::FromRow)]
struct BeforeBooking {
    /// The request an earlier use of the idempotency key was made with, and
    /// the booking it stored (both or neither).
    earlier_request_hash: Option<Vec<u8>>,
    earlier_booking: Option<String>,
    /// The booking already stored with this envelope, if any.
    replay_of: Option<String>,
    /// The booking whose card already has the cancel token's hash, if any.
    cancel_token_holder: Option<String>,
    /// The competing bookings, as [`packed_occupancy`] packs them.
    competing: String,
    /// With a shared bucket to take the client's share of the time from, and
    /// no earlier answer: the microseconds until the client would be let in,
    /// when it holds its share already. `None` when the share was taken.
    slot_refused_for_us: Option<i64>,
    /// With a per-minute bucket: the microseconds until the client would be
    /// let in, when it is over its allowance. `None` when it was taken.
    minute_refused_for_us: Option<i64>,
}

/// What [`Storage::before_deciding`] found.
pub(super) enum Prelude {
    /// The booking an earlier request with the same idempotency key stored.
    Answered(StoredBooking),
    /// The bookings competing for the window, to decide against.
    Competing(Vec<Occupancy>),
}

/// A confirmed booking's hold on capacity.
#[derive(sqlx::FromRow)]
struct OccupancyRow {
    starts_at: i64,
    ends_at: i64,
    party_size: i64,
    practitioner: Option<String>,
}

impl Storage {
    /// Confirmed bookings of `business` overlapping `[start, end)`, except `except`.
    pub(super) async fn occupancy(
        connection: &mut AnyConnection,
        business: &BusinessId,
        (start, end): (i64, i64),
        except: Option<&BookingId>,
    ) -> Result<Vec<Occupancy>, sqlx::Error> {
        let rows: Vec<OccupancyRow> = sqlx::query_as(&format!(
            "SELECT starts_at, ends_at, party_size, practitioner FROM bookings
             WHERE {HOLDING_CAPACITY} AND ($5 IS NULL OR id <> $5)"
        ))
        .bind(business)
        .bind(start)
        .bind(end)
        .bind(LONGEST_HOLD_SECONDS)
        .bind(except)
        .fetch_all(connection)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| held(row.starts_at, row.ends_at, row.party_size, row.practitioner))
            .collect())
    }

    /// Whether an envelope with this hash was stored before.
    pub(super) async fn is_replay(
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

    /// Confirmed bookings overlapping `[start, end)`, for availability: read
    /// again only when the business's occupancy counter has moved since the
    /// last read of this window ([`super::occupancy_cache`]).
    pub async fn occupancy_between(
        &self,
        business: &BusinessId,
        window: (i64, i64),
    ) -> Result<Arc<[Occupancy]>, sqlx::Error> {
        let version: i64 =
            sqlx::query_scalar("SELECT version FROM occupancy_versions WHERE business = $1")
                .bind(business)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or(0);
        if let Some(rows) = self.occupancy_cache.get(business, window, version) {
            return Ok(rows);
        }
        let rows: Arc<[Occupancy]> = self.occupancy_rows(business, window).await?.into();
        self.occupancy_cache
            .put(business, window, version, Arc::clone(&rows));
        Ok(rows)
    }

    /// The rows behind [`Storage::occupancy_between`].
    ///
    /// A month can hold thousands of bookings, and the driver hands over each
    /// row on its own (on SQLite through a channel from its worker thread), which
    /// cost more than everything else the month's availability does. So the
    /// database packs them into one JSON array, sent as one row.
    async fn occupancy_rows(
        &self,
        business: &BusinessId,
        (start, end): (i64, i64),
    ) -> Result<Vec<Occupancy>, sqlx::Error> {
        let packed = packed_occupancy(self.backend());
        let packed: String = sqlx::query_scalar(&format!(
            "SELECT {packed} FROM bookings WHERE {HOLDING_CAPACITY}"
        ))
        .bind(business)
        .bind(start)
        .bind(end)
        .bind(LONGEST_HOLD_SECONDS)
        .fetch_one(&self.pool)
        .await?;
        unpack_occupancy(&packed)
    }

    /// Holds capacity and stores a booking, atomically. `decide` sees the
    /// competing bookings in `window` and returns the row to write, or a refusal.
    /// Answers once the booking is durable, with its `new` notice written.
    pub async fn book(
        &self,
        business: &BusinessId,
        idempotency: Option<Idempotency>,
        window: (i64, i64),
        fingerprints: impl Into<Fingerprints>,
        decide: impl FnOnce(&[Occupancy]) -> Result<NewBooking, Refusal>,
    ) -> Result<Booked, BookError> {
        self.book_for_client(
            business,
            (idempotency, SlotAllowance::Unlimited, None),
            window,
            fingerprints,
            decide,
        )
        .await
    }

    /// [`Storage::book`] for a client that holds a share of each start time:
    /// `allowance` is taken once the booking is known not to be a retry, and
    /// [`BookError::RateLimited`] refuses it once the client holds its share.
    /// `per_minute` (PostgreSQL) is taken in the same read, retry or not, and
    /// refuses it first once the client is over its allowance per minute.
    pub async fn book_for_client(
        &self,
        business: &BusinessId,
        (idempotency, allowance, per_minute): (
            Option<Idempotency>,
            SlotAllowance,
            Option<MinuteTake>,
        ),
        window: (i64, i64),
        fingerprints: impl Into<Fingerprints>,
        decide: impl FnOnce(&[Occupancy]) -> Result<NewBooking, Refusal>,
    ) -> Result<Booked, BookError> {
        self.book_audited(
            business,
            (idempotency, allowance, per_minute),
            window,
            (fingerprints.into(), false),
            |competing| decide(competing).map(|booking| (booking, None)),
        )
        .await
    }

    /// [`Storage::book`] for a booking a staff member enters: the same locked
    /// transaction holds capacity, writes the row and appends `decide`'s audit
    /// entry (the member, and whether it was squeezed in past capacity), so the
    /// booking and its record stand or fall together, with the staff's `new`
    /// notice (none for a block).
    /// With `block`, the row is a block: capacity held with no visitor behind it.
    pub async fn book_by_staff(
        &self,
        business: &BusinessId,
        window: (i64, i64),
        (envelope_hash, block): ([u8; 32], bool),
        decide: impl FnOnce(&[Occupancy]) -> Result<(NewBooking, NewAuditEntry), Refusal>,
    ) -> Result<NewBooking, BookError> {
        let booked = self
            .book_audited(
                business,
                (None, SlotAllowance::Unlimited, None),
                window,
                (envelope_hash.into(), block),
                |competing| decide(competing).map(|(booking, audit)| (booking, Some(audit))),
            )
            .await?;
        match booked {
            Booked::Created(booking) => Ok(booking),
            // Only an idempotency key finds an earlier booking, and there is none.
            Booked::Replayed(_) => Err(BookError::Replayed),
        }
    }

    async fn book_audited(
        &self,
        business: &BusinessId,
        (idempotency, allowance, per_minute): (
            Option<Idempotency>,
            SlotAllowance,
            Option<MinuteTake>,
        ),
        window: (i64, i64),
        (fingerprints, block): (Fingerprints, bool),
        decide: impl FnOnce(&[Occupancy]) -> Result<(NewBooking, Option<NewAuditEntry>), Refusal>,
    ) -> Result<Booked, BookError> {
        let work = async |connection: &mut AnyConnection| {
            let booked = Self::book_in(
                connection,
                self.backend(),
                business,
                (idempotency, allowance, per_minute.as_ref()),
                window,
                (fingerprints, block),
                decide,
            )
            .await?;
            // A block holds capacity with no visitor behind it: nothing to tell.
            if let Booked::Created(booking) = &booked
                && !block
            {
                let notice = Notice::about_new(NoticeKind::New, booking);
                self.enqueue_notice(connection, &notice, now()).await?;
                if let Some(card) = &booking.contact_card {
                    let about = (booking.id.as_str(), &booking.business, booking.starts_at);
                    self.store_card(connection, about, card, now()).await?;
                }
            }
            Ok(booked)
        };
        self.group_commit_for(business)
            .run(async || self.write_transaction(business).await, work)
            .await
    }

    /// The booking `earlier` (the request hash and booking an idempotency key
    /// was stored with) names, if that request was this one.
    async fn answer_for(
        connection: &mut AnyConnection,
        idempotency: &Idempotency,
        earlier: Option<(Vec<u8>, String)>,
    ) -> Result<Option<StoredBooking>, BookError> {
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
        Ok(Some(row.into()))
    }

    /// [`Storage::book`] inside a transaction that holds the write lock. Every
    /// refusal comes before the booking's write, so a refused booking leaves
    /// the transaction as it found it but for the share of the time it took
    /// (its batch goes on without it).
    async fn book_in(
        connection: &mut AnyConnection,
        backend: Backend,
        business: &BusinessId,
        (idempotency, allowance, per_minute): (
            Option<Idempotency>,
            SlotAllowance,
            Option<&MinuteTake>,
        ),
        window: (i64, i64),
        (fingerprints, block): (Fingerprints, bool),
        decide: impl FnOnce(&[Occupancy]) -> Result<(NewBooking, Option<NewAuditEntry>), Refusal>,
    ) -> Result<Booked, BookError> {
        let competing = match Self::before_deciding(
            connection,
            backend,
            business,
            (idempotency.as_ref(), allowance, per_minute),
            window,
            &fingerprints,
        )
        .await?
        {
            Prelude::Answered(earlier) => return Ok(Booked::Replayed(earlier)),
            Prelude::Competing(competing) => competing,
        };
        let (booking, audit) = decide(&competing).map_err(BookError::Refused)?;
        booking.named_by(&fingerprints)?;
        Self::insert_booking(
            connection,
            backend,
            (&booking, "confirmed", block),
            idempotency.as_ref(),
        )
        .await?;
        if let Some(audit) = &audit {
            Self::append_audit(connection, audit).await?;
        }
        Ok(Booked::Created(booking))
    }

    /// What a booking or a place on the waitlist finds before it decides, from
    /// [`Storage::read_before_booking`]: the answer an earlier request with the
    /// same idempotency key was given, or else the competing bookings;
    /// [`BookError::RateLimited`] for a client that holds its share of the
    /// time (`allowance` is taken only when there is no earlier answer: a
    /// retry takes nothing more), [`BookError::Replayed`] for an envelope stored before,
    /// [`BookError::CancelTokenTaken`] for a cancel token another card holds,
    /// and [`BookError::IdempotencyConflict`] for a key used for another request.
    /// `per_minute` is taken first, retry or not, and settled with what the
    /// read found; a client over it is refused before anything else.
    pub(super) async fn before_deciding(
        connection: &mut AnyConnection,
        backend: Backend,
        business: &BusinessId,
        (idempotency, allowance, per_minute): (
            Option<&Idempotency>,
            SlotAllowance,
            Option<&MinuteTake>,
        ),
        window: (i64, i64),
        fingerprints: &Fingerprints,
    ) -> Result<Prelude, BookError> {
        let shared_cell = match &allowance {
            SlotAllowance::Shared(cell) => Some(cell),
            SlotAllowance::Unlimited | SlotAllowance::Local(_) => None,
        };
        let BeforeBooking {
            earlier_request_hash,
            earlier_booking,
            replay_of,
            cancel_token_holder,
            competing,
            slot_refused_for_us,
            minute_refused_for_us,
        } = Self::read_before_booking(
            connection,
            backend,
            business,
            (idempotency, shared_cell, per_minute.map(|take| &take.cell)),
            window,
            fingerprints,
        )
        .await?;
        if let Some(take) = per_minute {
            let refused_for = minute_refused_for_us.map(refusal_wait);
            take.settle(refused_for);
            if let Some(wait) = refused_for {
                return Err(BookError::RateLimited(wait));
            }
        }
        if let Some(idempotency) = idempotency
            && let Some(earlier) = Self::answer_for(
                connection,
                idempotency,
                earlier_request_hash.zip(earlier_booking),
            )
            .await?
        {
            return Ok(Prelude::Answered(earlier));
        }
        match allowance {
            SlotAllowance::Unlimited => {}
            SlotAllowance::Local(take) => take().map_err(BookError::RateLimited)?,
            SlotAllowance::Shared(_) => {
                if let Some(wait_us) = slot_refused_for_us {
                    return Err(BookError::RateLimited(refusal_wait(wait_us)));
                }
            }
        }
        if replay_of.is_some() {
            return Err(BookError::Replayed);
        }
        // The card is written after the booking, so its unique cancel hash is
        // looked up here: a client that reuses one is refused before the booking's write,
        // not failed half-way (which would take its whole batch down with it).
        if cancel_token_holder.is_some() {
            return Err(BookError::CancelTokenTaken);
        }
        Ok(Prelude::Competing(unpack_occupancy(&competing)?))
    }

    /// Everything [`Storage::before_deciding`] reads, in one query.
    /// The writer runs bookings one after another, and on SQLite each statement
    /// is a trip to the database's thread and back, so these trips, not the
    /// lookups themselves, are what bounds how many bookings a second it takes.
    /// With a `shared_cell` (PostgreSQL only), the same statement takes the
    /// client's share of the time from it unless the idempotency key has an
    /// earlier answer, so that the take, or the wait a refusal says, costs no
    /// round trip of its own; with a `minute_cell` too, it takes the client's
    /// per-minute allowance first, and the share only if that let it in. The
    /// buckets' rows stay locked until the transaction commits; both are keyed
    /// by business, so only bookings of this business, which wait for its lock
    /// anyway, take from them.
    async fn read_before_booking(
        connection: &mut AnyConnection,
        backend: Backend,
        business: &BusinessId,
        (idempotency, shared_cell, minute_cell): (
            Option<&Idempotency>,
            Option<&RateCell>,
            Option<&RateCell>,
        ),
        (start, end): (i64, i64),
        fingerprints: &Fingerprints,
    ) -> Result<BeforeBooking, sqlx::Error> {
        debug_assert!(
            (shared_cell.is_none() && minute_cell.is_none()) || backend == Backend::Postgres,
            "shared rate limits live in PostgreSQL"
        );
        const NOT_TAKEN: &str = "CAST(NULL AS BIGINT)";
        let packed = packed_occupancy(backend);
        // The buckets' parameters follow the seven the read binds, in the
        // order they are bound below.
        let minute_params = [8, 9, 10];
        let slot_params = if minute_cell.is_some() {
            [11, 12, 13]
        } else {
            [8, 9, 10]
        };
        let mut takes = Vec::new();
        let minute_refused_for_us = match minute_cell {
            Some(_) => {
                takes.push(take_sql("minute_taken", "now", minute_params));
                refusal_wait_sql("minute_taken", minute_params)
            }
            None => NOT_TAKEN.to_owned(),
        };
        let slot_refused_for_us = match shared_cell {
            Some(_) => {
                let unless_answered = "now WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE business = $1 AND key_hash = $5)";
                let rows = if minute_cell.is_some() {
                    format!("{unless_answered} AND EXISTS (SELECT 1 FROM minute_taken)")
                } else {
                    unless_answered.to_owned()
                };
                takes.push(take_sql("taken", &rows, slot_params));
                refusal_wait_sql("taken", slot_params)
            }
            None => NOT_TAKEN.to_owned(),
        };
        let take = if takes.is_empty() {
            String::new()
        } else {
            format!("WITH {}, {} ", now_cte(), takes.join(", "))
        };
        let text = format!(
            "{take}SELECT
               (SELECT request_hash FROM idempotency_keys WHERE business = $1 AND key_hash = $5) AS earlier_request_hash,
               (SELECT booking_id FROM idempotency_keys WHERE business = $1 AND key_hash = $5) AS earlier_booking,
               (SELECT id FROM bookings WHERE envelope_hash = $6) AS replay_of,
               (SELECT booking_id FROM contact_cards WHERE cancel_hash = $7) AS cancel_token_holder,
               (SELECT {packed} FROM bookings WHERE {HOLDING_CAPACITY}) AS competing,
               {slot_refused_for_us} AS slot_refused_for_us,
               {minute_refused_for_us} AS minute_refused_for_us"
        );
        let query = sqlx::query_as(&text)
            .bind(business)
            .bind(start)
            .bind(end)
            .bind(LONGEST_HOLD_SECONDS)
            .bind(idempotency.map(|idempotency| &idempotency.key_hash[..]))
            .bind(&fingerprints.envelope_hash[..])
            .bind(fingerprints.cancel_hash.as_ref().map(|hash| &hash[..]));
        // In the order of their parameters: the minute's bucket, then the share's.
        [minute_cell, shared_cell]
            .into_iter()
            .flatten()
            .fold(query, |query, cell| {
                query
                    .bind(&cell.key[..])
                    .bind(cell.interval_us)
                    .bind(cell.tolerance_us)
            })
            .fetch_one(connection)
            .await
    }

    /// Writes `booking` with `status` (`confirmed`, or `waiting` for the
    /// waitlist), and keeps it as the answer to a retry with `idempotency`'s
    /// key. Both rows go in one call: on PostgreSQL each statement is a round
    /// trip inside the business's locked transaction, and on SQLite each call
    /// a trip to the database's thread and back, which the next booking waits
    /// for either way.
    pub(super) async fn insert_booking(
        connection: &mut AnyConnection,
        backend: Backend,
        (booking, status, block): (&NewBooking, &str, bool),
        idempotency: Option<&Idempotency>,
    ) -> Result<(), sqlx::Error> {
        const INSERT_BOOKING: &str = "INSERT INTO bookings (id, business, starts_at, ends_at, party_size, service, practitioner, status,
                                   envelope, envelope_hash, visitor_copy, token_hash, created_at, block)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
        // The key's row takes the booking's id ($1), business ($2) and time
        // ($13) from the booking's parameters.
        const REMEMBER_ANSWER: &str = "INSERT INTO idempotency_keys (business, key_hash, request_hash, booking_id, created_at)";
        let text = match (backend, idempotency) {
            (_, None) => INSERT_BOOKING.to_owned(),
            (Backend::Postgres, Some(_)) => format!(
                "WITH booking AS ({INSERT_BOOKING} RETURNING id)
                 {REMEMBER_ANSWER} SELECT $2, $15, $16, id, $13 FROM booking"
            ),
            // SQLite has no INSERT in a WITH, but sqlx (0.8) runs the
            // statements of one SQLite call one after the other, each bound to
            // the numbered parameters it names, and fails the call at the first
            // that fails.
            (Backend::Sqlite, Some(_)) => {
                format!("{INSERT_BOOKING}; {REMEMBER_ANSWER} VALUES ($2, $15, $16, $1, $13)")
            }
        };
        let query = sqlx::query(&text)
            .bind(&booking.id)
            .bind(&booking.business)
            .bind(booking.starts_at)
            .bind(booking.ends_at)
            .bind(i64::from(booking.party_size))
            .bind(booking.service.as_deref())
            .bind(booking.practitioner.as_deref())
            .bind(status)
            .bind(&booking.envelope)
            .bind(&booking.envelope_hash[..])
            .bind(booking.visitor_copy.as_deref())
            .bind(booking.token_hash.as_ref().map(|hash| &hash[..]))
            .bind(booking.created_at)
            .bind(i64::from(block));
        let query = match idempotency {
            Some(idempotency) => query
                .bind(&idempotency.key_hash[..])
                .bind(&idempotency.request_hash[..]),
            None => query,
        };
        query.execute(connection).await?;
        Ok(())
    }

    /// Deletes every booking of `business` whose appointment ended before
    /// `cutoff` (unix seconds) — ciphertext, visitor copy and metadata — then
    /// checkpoints the WAL so the deleted pages leave it too (or records that
    /// they have not yet, [`super::Flush::Pending`]). Returns the count.
    pub async fn sweep(&self, business: &BusinessId, cutoff: i64) -> Result<u64, sqlx::Error> {
        let mut transaction = self.write_transaction(business).await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE booking_id IN (SELECT id FROM bookings WHERE business = $1 AND ends_at < $2)",
        )
        .bind(business)
        .bind(cutoff)
        .execute(&mut *transaction)
        .await?;
        let deleted = sqlx::query("DELETE FROM bookings WHERE business = $1 AND ends_at < $2")
            .bind(business)
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
        .bind(filter.business.as_ref())
        .bind(filter.starts_from)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(StoredBooking::from).collect())
    }
}
