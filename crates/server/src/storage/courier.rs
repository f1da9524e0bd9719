//! What the business's courier sends to visitors, decided here from public
//! metadata only. A booking made with a contact card (sealed to the courier
//! key, never opened here) gets its message jobs in the booking's own
//! transaction: the confirmation at once and a reminder at each of the
//! business's offsets. A staff move or cancel, and a visitor's own change or
//! cancel, rewrite the jobs in the transaction of that change, so a message
//! exists exactly when its reason does.
//!
//! A courier claims due jobs with a lease and acknowledges each once sent; a
//! lease that lapses (the courier died) returns the job to the queue. Two
//! couriers never hold one job at once: PostgreSQL locks the rows with `SKIP
//! LOCKED`, SQLite's one writer makes the claim atomic.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sqlx::AnyConnection;

use super::{Backend, Storage};
use crate::ids::BusinessId;

/// Why a job is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// The booking was made.
    Confirmation,
    /// The booking is coming up.
    Reminder,
    /// Staff or the visitor moved the booking.
    Changed,
    /// Staff cancelled the booking.
    Cancelled,
    /// The visitor joined the waitlist of a full slot.
    Waitlisted,
    /// Capacity freed: the slot is held for the waiting visitor for a while.
    Offer,
}

impl Purpose {
    pub const ALL: [Self; 6] = [
        Self::Confirmation,
        Self::Reminder,
        Self::Changed,
        Self::Cancelled,
        Self::Waitlisted,
        Self::Offer,
    ];

    /// The purpose's name in the database and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmation => "confirmation",
            Self::Reminder => "reminder",
            Self::Changed => "changed",
            Self::Cancelled => "cancelled",
            Self::Waitlisted => "waitlisted",
            Self::Offer => "offer",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|purpose| purpose.as_str() == text)
    }
}

/// A business's courier settings that decide its jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourierPlan {
    /// Seconds before the start at which a reminder is due, e.g. 86 400 and 7 200.
    pub reminders: Vec<i64>,
    /// A reminder due more than this many seconds ago is dropped, not sent late.
    pub grace_seconds: i64,
}

/// Shared by every clone of a [`Storage`]: the plan of each business that has a courier.
pub(super) type SharedPlans = Arc<RwLock<HashMap<BusinessId, CourierPlan>>>;

/// The card uploaded with a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContactCard {
    /// The `contact-card` envelope, as sealed in the widget.
    pub envelope: Vec<u8>,
    /// SHA-256 of the booking's cancel token.
    pub cancel_hash: [u8; 32],
}

/// A job leased to a courier, with what its message may say.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedMessage {
    pub id: i64,
    pub purpose: String,
    pub lease_id: String,
    pub lease_until: i64,
    pub booking_id: String,
    pub status: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub party_size: i64,
    pub service: Option<String>,
    pub practitioner: Option<String>,
    pub hold_until: Option<i64>,
    /// The contact card, still sealed.
    pub card: Vec<u8>,
}

/// Why an acknowledgement was refused.
#[derive(Debug, thiserror::Error)]
pub enum AckError {
    #[error("no such message job for this business")]
    NotFound,
    #[error("this message job was already acknowledged")]
    AlreadyAcknowledged,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A courier token, as the owner sees it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CourierToken {
    pub id: String,
    pub label: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

/// A job due and not done; reminders past their grace are dropped before this is read.
const CLAIMABLE: &str = "business = $1 AND done_at IS NULL AND due_at <= $2
                         AND (lease_until IS NULL OR lease_until <= $2)";

impl Storage {
    /// Sets the plan of every business that has a courier; a business without
    /// one gets no jobs (its widget offers no card).
    pub fn plan_couriers(&self, plans: HashMap<BusinessId, CourierPlan>) {
        *self
            .courier_plans
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = plans;
    }

    fn courier_plan(&self, business: &BusinessId) -> Option<CourierPlan> {
        self.courier_plans
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(business)
            .cloned()
    }

    /// Stores a new booking's card and schedules its confirmation and
    /// reminders, inside the booking's transaction.
    pub(super) async fn store_card(
        &self,
        connection: &mut AnyConnection,
        (booking_id, business, starts_at): (&str, &BusinessId, i64),
        card: &NewContactCard,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        self.insert_card(connection, (booking_id, business), card, now)
            .await?;
        self.add_job_and_reminders(
            connection,
            (booking_id, business, starts_at),
            Purpose::Confirmation,
            now,
        )
        .await
    }

    /// Stores a booking's card, beside the booking.
    pub(super) async fn insert_card(
        &self,
        connection: &mut AnyConnection,
        (booking_id, business): (&str, &BusinessId),
        card: &NewContactCard,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO contact_cards (booking_id, business, envelope, cancel_hash, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(booking_id)
        .bind(business)
        .bind(&card.envelope)
        .bind(&card.cancel_hash[..])
        .bind(now)
        .execute(connection)
        .await
        .map(|_| ())
    }

    /// Schedules `first` (a confirmation, or the notice of a change) for now
    /// and the business's reminders before `starts_at`, in one statement: each
    /// statement is a round trip inside the booking's transaction.
    pub(super) async fn add_job_and_reminders(
        &self,
        connection: &mut AnyConnection,
        (booking_id, business, starts_at): (&str, &BusinessId, i64),
        first: Purpose,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let plan = self.courier_plan(business).unwrap_or_default();
        let jobs: Vec<(Purpose, i64)> = std::iter::once((first, now))
            .chain(
                plan.reminders
                    .iter()
                    .map(|offset| (Purpose::Reminder, starts_at.saturating_sub(*offset)))
                    // A reminder whose moment has passed (a booking made at short
                    // notice) would only repeat the confirmation.
                    .filter(|(_, due_at)| *due_at > now),
            )
            .collect();
        Self::insert_jobs(connection, (booking_id, business), &jobs, now).await
    }

    pub(super) async fn add_job(
        &self,
        connection: &mut AnyConnection,
        business: &BusinessId,
        booking_id: &str,
        purpose: Purpose,
        due_at: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        Self::insert_jobs(
            connection,
            (booking_id, business),
            &[(purpose, due_at)],
            now,
        )
        .await
    }

    /// Writes `jobs` (what to send, and when) for one booking, one row each,
    /// in one statement.
    async fn insert_jobs(
        connection: &mut AnyConnection,
        (booking_id, business): (&str, &BusinessId),
        jobs: &[(Purpose, i64)],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let rows: Vec<String> = (0..jobs.len())
            .map(|row| {
                let placeholders: Vec<String> = (1..=5)
                    .map(|column| format!("${}", 5 * row + column))
                    .collect();
                format!("({})", placeholders.join(", "))
            })
            .collect();
        let text = format!(
            "INSERT INTO message_jobs (business, booking_id, purpose, due_at, created_at) VALUES {}",
            rows.join(", ")
        );
        let mut query = sqlx::query(&text);
        for (purpose, due_at) in jobs {
            query = query
                .bind(business)
                .bind(booking_id)
                .bind(purpose.as_str())
                .bind(*due_at)
                .bind(now);
        }
        query.execute(connection).await.map(|_| ())
    }

    async fn has_card(
        connection: &mut AnyConnection,
        booking_id: &str,
    ) -> Result<bool, sqlx::Error> {
        let found: Option<String> =
            sqlx::query_scalar("SELECT booking_id FROM contact_cards WHERE booking_id = $1")
                .bind(booking_id)
                .fetch_optional(&mut *connection)
                .await?;
        Ok(found.is_some())
    }

    /// After a move (by staff or by the visitor), inside its transaction: the
    /// reminders follow the new start and the visitor is told of the change.
    pub(super) async fn follow_move(
        &self,
        connection: &mut AnyConnection,
        (booking_id, business, starts_at): (&str, &BusinessId, i64),
        now: i64,
    ) -> Result<(), sqlx::Error> {
        if !Self::has_card(connection, booking_id).await? {
            return Ok(());
        }
        sqlx::query(
            "DELETE FROM message_jobs
             WHERE booking_id = $1 AND done_at IS NULL AND purpose IN ('reminder', 'changed')",
        )
        .bind(booking_id)
        .execute(&mut *connection)
        .await?;
        self.add_job_and_reminders(
            connection,
            (booking_id, business, starts_at),
            Purpose::Changed,
            now,
        )
        .await
    }

    /// After a cancel, inside its transaction: nothing more is sent about the
    /// booking, except, when staff cancelled it, the notice that they did. A
    /// visitor who cancelled knows it: their card goes at once.
    pub(super) async fn follow_cancel(
        &self,
        connection: &mut AnyConnection,
        (booking_id, business): (&str, &BusinessId),
        by_staff: bool,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM message_jobs WHERE booking_id = $1 AND done_at IS NULL")
            .bind(booking_id)
            .execute(&mut *connection)
            .await?;
        if by_staff && Self::has_card(connection, booking_id).await? {
            self.add_job(
                connection,
                business,
                booking_id,
                Purpose::Cancelled,
                now,
                now,
            )
            .await
        } else {
            sqlx::query("DELETE FROM contact_cards WHERE booking_id = $1")
                .bind(booking_id)
                .execute(&mut *connection)
                .await
                .map(|_| ())
        }
    }

    /// The booking whose cancel token hashes to `cancel_hash`, with its manage
    /// token's hash: a cancel link cancels through the same path as the manage
    /// link, and can do nothing else.
    pub async fn booking_by_cancel_hash(
        &self,
        cancel_hash: &[u8; 32],
    ) -> Result<Option<(String, [u8; 32])>, sqlx::Error> {
        let row: Option<(String, Option<Vec<u8>>)> = sqlx::query_as(
            "SELECT bookings.id, bookings.token_hash FROM contact_cards
             JOIN bookings ON bookings.id = contact_cards.booking_id
             WHERE contact_cards.cancel_hash = $1",
        )
        .bind(&cancel_hash[..])
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(id, token_hash)| Some((id, token_hash?.try_into().ok()?))))
    }

    /// Leases up to `limit` of `business`'s due jobs until `now + lease_seconds`
    /// under `lease_id`. Reminders more than the business's grace late are
    /// dropped first: a reminder after the appointment is worse than none.
    pub async fn claim_messages(
        &self,
        business: &BusinessId,
        lease_id: &str,
        now: i64,
        lease_seconds: i64,
        limit: u32,
    ) -> Result<Vec<ClaimedMessage>, sqlx::Error> {
        // A read first: an idle long poll must not take SQLite's write lock.
        let due: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM message_jobs WHERE {CLAIMABLE} LIMIT 1"
        ))
        .bind(business)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let grace = self
            .courier_plan(business)
            .map_or(0, |plan| plan.grace_seconds);
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "UPDATE message_jobs SET done_at = $2, outcome = 'dropped', lease_id = NULL, lease_until = NULL
             WHERE business = $1 AND done_at IS NULL AND purpose = 'reminder' AND due_at < $3",
        )
        .bind(business)
        .bind(now)
        .bind(now.saturating_sub(grace))
        .execute(&mut *transaction)
        .await?;
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "UPDATE message_jobs SET lease_id = $3, lease_until = $4, attempts = attempts + 1
             WHERE id IN (SELECT id FROM message_jobs WHERE {CLAIMABLE} ORDER BY due_at, id LIMIT $5 {lock})
             RETURNING id"
        ))
        .bind(business)
        .bind(now)
        .bind(lease_id)
        .bind(now.saturating_add(lease_seconds))
        .bind(i64::from(limit))
        .fetch_all(&mut *transaction)
        .await?;
        transaction.commit().await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut claimed: Vec<ClaimedMessage> = sqlx::query_as(
            "SELECT message_jobs.id, message_jobs.purpose, message_jobs.lease_id, message_jobs.lease_until,
                    bookings.id AS booking_id, bookings.status, bookings.starts_at, bookings.ends_at,
                    bookings.party_size, bookings.service, bookings.practitioner, bookings.hold_until,
                    contact_cards.envelope AS card
             FROM message_jobs
             JOIN bookings ON bookings.id = message_jobs.booking_id
             JOIN contact_cards ON contact_cards.booking_id = message_jobs.booking_id
             WHERE message_jobs.business = $1 AND message_jobs.lease_id = $2",
        )
        .bind(business)
        .bind(lease_id)
        .fetch_all(&self.pool)
        .await?;
        claimed.sort_by_key(|message| message.id);
        Ok(claimed)
    }

    /// Marks `business`'s job `id` sent. A courier whose lease lapsed may still
    /// acknowledge: the message went out, and marking it done spares a second copy.
    pub async fn acknowledge_message(
        &self,
        business: &BusinessId,
        id: i64,
        now: i64,
    ) -> Result<(), AckError> {
        let done = sqlx::query(
            "UPDATE message_jobs SET done_at = $3, outcome = 'sent', lease_id = NULL, lease_until = NULL
             WHERE business = $1 AND id = $2 AND done_at IS NULL",
        )
        .bind(business)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if done == 1 {
            return Ok(());
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM message_jobs WHERE business = $1 AND id = $2")
                .bind(business)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Err(if exists.is_some() {
            AckError::AlreadyAcknowledged
        } else {
            AckError::NotFound
        })
    }

    /// Gives `lease_id`'s job back to the queue, due again at `retry_at` (the
    /// mail server refused for now). Another courier's lease is left alone.
    pub async fn release_message(
        &self,
        business: &BusinessId,
        id: i64,
        lease_id: &str,
        retry_at: i64,
    ) -> Result<bool, sqlx::Error> {
        sqlx::query(
            "UPDATE message_jobs SET lease_id = NULL, lease_until = NULL, due_at = $4
             WHERE business = $1 AND id = $2 AND lease_id = $3 AND done_at IS NULL",
        )
        .bind(business)
        .bind(id)
        .bind(lease_id)
        .bind(retry_at)
        .execute(&self.pool)
        .await
        .map(|done| done.rows_affected() == 1)
    }

    /// Deletes the cards no message needs any more — of bookings over, or
    /// cancelled once their last notice is done — with their jobs, and
    /// finished jobs older than `done_before`. Returns how many cards went.
    /// Erased bookings take theirs with them.
    pub async fn sweep_cards(&self, now: i64, done_before: i64) -> Result<u64, sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        // Over: nothing left to say. Cancelled by staff: once that notice is done.
        let finished = "SELECT contact_cards.booking_id FROM contact_cards
             JOIN bookings ON bookings.id = contact_cards.booking_id
             WHERE bookings.ends_at <= $1
                OR (bookings.status NOT IN ('confirmed', 'waiting', 'offered')
                    AND NOT EXISTS (SELECT 1 FROM message_jobs
                                    WHERE message_jobs.booking_id = contact_cards.booking_id
                                      AND message_jobs.done_at IS NULL))";
        sqlx::query(&format!(
            "DELETE FROM message_jobs WHERE booking_id IN ({finished})"
        ))
        .bind(now)
        .execute(&mut *transaction)
        .await?;
        let cards = sqlx::query(&format!(
            "DELETE FROM contact_cards WHERE booking_id IN ({finished})"
        ))
        .bind(now)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM message_jobs WHERE done_at < $1")
            .bind(done_before)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(cards)
    }

    /// Jobs not done, across businesses (a gauge for the metrics).
    pub async fn message_queue_depth(&self) -> Result<u64, sqlx::Error> {
        let (depth,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM message_jobs WHERE done_at IS NULL")
                .fetch_one(&self.pool)
                .await?;
        Ok(u64::try_from(depth).unwrap_or(0))
    }

    /// Stores a new courier token for `business` (its hash only).
    pub async fn create_courier_token(
        &self,
        business: &BusinessId,
        id: &str,
        label: &str,
        token_hash: &[u8; 32],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO courier_tokens (id, business, token_hash, label, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(business)
        .bind(&token_hash[..])
        .bind(label)
        .bind(now)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// The business a courier token serves, if it exists and is not revoked;
    /// records its use.
    pub async fn courier_business(
        &self,
        token_hash: &[u8; 32],
        now: i64,
    ) -> Result<Option<BusinessId>, sqlx::Error> {
        let business: Option<String> = sqlx::query_scalar(
            "SELECT business FROM courier_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(&token_hash[..])
        .fetch_optional(&self.pool)
        .await?;
        if business.is_some() {
            // At most once a minute, so a long-polling courier does not write on every poll.
            sqlx::query(
                "UPDATE courier_tokens SET last_used_at = $2
                 WHERE token_hash = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
            )
            .bind(&token_hash[..])
            .bind(now)
            .bind(now - 60)
            .execute(&self.pool)
            .await?;
        }
        Ok(business.map(BusinessId::new))
    }

    /// Revokes `business`'s courier token `id`; `false` if there is none to revoke.
    pub async fn revoke_courier_token(
        &self,
        business: &BusinessId,
        id: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        sqlx::query(
            "UPDATE courier_tokens SET revoked_at = $3
             WHERE business = $1 AND id = $2 AND revoked_at IS NULL",
        )
        .bind(business)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await
        .map(|done| done.rows_affected() == 1)
    }

    /// `business`'s courier tokens, newest first.
    pub async fn courier_tokens(
        &self,
        business: &BusinessId,
    ) -> Result<Vec<CourierToken>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, label, created_at, revoked_at, last_used_at FROM courier_tokens
             WHERE business = $1 ORDER BY created_at DESC, id",
        )
        .bind(business)
        .fetch_all(&self.pool)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::Purpose;

    #[test]
    fn purposes_round_trip() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::parse(purpose.as_str()), Some(purpose));
        }
        assert_eq!(Purpose::parse("moved"), None);
    }
}
