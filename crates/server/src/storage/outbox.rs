//! The outbox of staff notices. A change to a booking writes its notices in
//! its own transaction ([`Storage::enqueue_notice`]), one row per recipient,
//! so a notice exists exactly when its change was committed; the sender of
//! every server process claims due rows with a lease
//! ([`Storage::claim_notices`]), so two processes never hold the same row at
//! once, and a row whose sender died is claimed again once its lease ends.
//!
//! A row holds the facts a notice may state — business, kind, when the booking
//! starts, party size or service and practitioner — never anything that names
//! the visitor. The text is written when the notice is sent (see
//! `crate::notify`), from these facts and the business's configuration.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sqlx::AnyConnection;

use super::{Backend, Storage};
use crate::ids::BusinessId;

/// What happened to a booking, as a notice tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// A booking was made.
    New,
    /// The visitor moved their booking (time, party, service or practitioner).
    Changed,
    /// The booking was cancelled, by the visitor or by staff.
    Cancelled,
    /// The booking was erased, by the visitor or by staff.
    Erased,
    /// The booking was cancelled after the business's cancellation deadline.
    LateCancelled,
}

impl NoticeKind {
    /// Every kind, in the order staff see them.
    pub const ALL: [Self; 5] = [
        Self::New,
        Self::Changed,
        Self::Cancelled,
        Self::Erased,
        Self::LateCancelled,
    ];

    /// The kind's name in the database and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Changed => "changed",
            Self::Cancelled => "cancelled",
            Self::Erased => "erased",
            Self::LateCancelled => "late_cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// The facts of one notice: public metadata of the booking, nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub business: BusinessId,
    pub kind: NoticeKind,
    pub starts_at: i64,
    pub party_size: u32,
    pub service: Option<String>,
    pub practitioner: Option<String>,
}

/// Where notices go besides the staff who chose them: each business's
/// configured `notify` address, which receives [`NoticeKind::New`]. Set once
/// the server knows it can send mail ([`Storage::route_notices`]); until then
/// no notice is written, as no one would send it.
#[derive(Debug, Clone, Default)]
pub struct NoticeRouting {
    pub business_addresses: HashMap<BusinessId, String>,
}

/// Shared by every clone of a [`Storage`].
pub(super) type SharedRouting = Arc<RwLock<Option<NoticeRouting>>>;

/// A notice claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedNotice {
    /// The outbox row: stable across attempts, so the e-mail's `Message-ID` is too.
    pub id: i64,
    pub business: BusinessId,
    pub kind: String,
    pub recipient: String,
    pub starts_at: i64,
    pub party_size: i64,
    pub service: Option<String>,
    pub practitioner: Option<String>,
    pub created_at: i64,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

const CLAIMED_COLUMNS: &str = "id, business, kind, recipient, starts_at, party_size, service, practitioner, created_at, attempts";

/// A row that is neither sent nor given up, due at `$1` and not leased by a
/// living sender.
const CLAIMABLE: &str = "sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $1
                         AND (lease_until IS NULL OR lease_until <= $1)";

impl Storage {
    /// Sets where notices go (see [`NoticeRouting`]), for every clone of this storage.
    pub fn route_notices(&self, routing: NoticeRouting) {
        *self
            .notice_routing
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(routing);
    }

    /// Writes `notice` for each of its recipients, inside the caller's
    /// transaction: the business's configured address for a new booking, and
    /// every active member of the business who chose this kind. Call it in the
    /// transaction that makes the change, so the notice commits or rolls back
    /// with it. Returns how many rows were written (none while notices are off).
    pub async fn enqueue_notice(
        &self,
        connection: &mut AnyConnection,
        notice: &Notice,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let business_address = {
            let routing = self
                .notice_routing
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let Some(routing) = routing.as_ref() else {
                return Ok(0);
            };
            routing
                .business_addresses
                .get(&notice.business)
                .filter(|_| notice.kind == NoticeKind::New)
                .cloned()
        };
        let mut recipients: Vec<String> = sqlx::query_scalar(
            "SELECT staff.email FROM staff JOIN staff_notices ON staff_notices.staff_id = staff.id
             WHERE staff.business = $1 AND staff.disabled = 0 AND staff_notices.kind = $2
             ORDER BY staff.email",
        )
        .bind(&notice.business)
        .bind(notice.kind.as_str())
        .fetch_all(&mut *connection)
        .await?;
        if let Some(address) = business_address {
            recipients.retain(|staff| !same_mailbox(staff, &address));
            recipients.insert(0, address);
        }
        for recipient in &recipients {
            sqlx::query(
                "INSERT INTO outbox (business, kind, recipient, starts_at, party_size, service, practitioner,
                                     created_at, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(&notice.business)
            .bind(notice.kind.as_str())
            .bind(recipient)
            .bind(notice.starts_at)
            .bind(i64::from(notice.party_size))
            .bind(notice.service.as_deref())
            .bind(notice.practitioner.as_deref())
            .bind(now)
            .execute(&mut *connection)
            .await?;
        }
        Ok(recipients.len() as u64)
    }

    /// Leases up to `limit` notices due at `now` to `owner` until `now +
    /// lease_seconds`, counting an attempt on each. A row is never leased to
    /// two senders at once: on PostgreSQL the rows are locked with `SKIP
    /// LOCKED` and re-checked; on SQLite the one writer makes the update atomic.
    pub async fn claim_notices(
        &self,
        owner: &str,
        now: i64,
        lease_seconds: i64,
        limit: u32,
    ) -> Result<Vec<ClaimedNotice>, sqlx::Error> {
        // A read first: an idle poll must not take SQLite's write lock.
        let due: Option<i64> =
            sqlx::query_scalar(&format!("SELECT id FROM outbox WHERE {CLAIMABLE} LIMIT 1"))
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let lock = match self.backend {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let mut claimed: Vec<ClaimedNotice> = sqlx::query_as(&format!(
            "UPDATE outbox SET lease_owner = $2, lease_until = $3, attempts = attempts + 1
             WHERE id IN (SELECT id FROM outbox WHERE {CLAIMABLE} ORDER BY id LIMIT $4 {lock})
             RETURNING {CLAIMED_COLUMNS}"
        ))
        .bind(now)
        .bind(owner)
        .bind(now.saturating_add(lease_seconds))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        claimed.sort_by_key(|notice| notice.id);
        Ok(claimed)
    }

    /// Ends every lease, when a sender starts on SQLite: only one process
    /// serves a SQLite database, so a lease still held is its predecessor's,
    /// which died before it could release it. Returns how many there were.
    pub async fn release_stale_leases(&self) -> Result<u64, sqlx::Error> {
        if self.backend != Backend::Sqlite {
            return Ok(0);
        }
        sqlx::query(
            "UPDATE outbox SET lease_owner = NULL, lease_until = NULL
             WHERE lease_owner IS NOT NULL AND sent_at IS NULL",
        )
        .execute(&self.pool)
        .await
        .map(|done| done.rows_affected())
    }

    /// Marks a notice sent (whoever holds its lease now: it went out).
    pub async fn notice_sent(&self, id: i64, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE outbox SET sent_at = $2, lease_owner = NULL, lease_until = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Releases `owner`'s lease on a notice that failed, to be tried again at
    /// `next_attempt_at`.
    pub async fn notice_failed(
        &self,
        id: i64,
        owner: &str,
        next_attempt_at: i64,
    ) -> Result<(), sqlx::Error> {
        self.release_notice(id, owner, "next_attempt_at", next_attempt_at)
            .await
    }

    /// Stops trying a notice `owner` holds.
    pub async fn notice_given_up(&self, id: i64, owner: &str, now: i64) -> Result<(), sqlx::Error> {
        self.release_notice(id, owner, "given_up_at", now).await
    }

    /// Ends `owner`'s lease on an unsent notice, setting `column` to `value`; a
    /// lease that lapsed and went to another sender is left to that sender.
    async fn release_notice(
        &self,
        id: i64,
        owner: &str,
        column: &'static str,
        value: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "UPDATE outbox SET {column} = $3, lease_owner = NULL, lease_until = NULL
             WHERE id = $1 AND lease_owner = $2 AND sent_at IS NULL"
        ))
        .bind(id)
        .bind(owner)
        .bind(value)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// Notices neither sent nor given up.
    pub async fn outbox_depth(&self) -> Result<u64, sqlx::Error> {
        let (depth,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND given_up_at IS NULL",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(depth).unwrap_or(0))
    }

    /// Deletes notices sent or given up before `cutoff`, and any still unsent
    /// that were written before `stale_cutoff` (no sender ran for that long:
    /// the news is stale). Returns the count.
    pub async fn sweep_outbox(&self, cutoff: i64, stale_cutoff: i64) -> Result<u64, sqlx::Error> {
        sqlx::query(
            "DELETE FROM outbox WHERE sent_at < $1 OR given_up_at < $1
                                   OR (sent_at IS NULL AND created_at < $2)",
        )
        .bind(cutoff)
        .bind(stale_cutoff)
        .execute(&self.pool)
        .await
        .map(|done| done.rows_affected())
    }
}

/// Unix seconds now, when a change writes its notice: due at once.
pub(super) fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// Whether two addresses name the same mailbox (`Name <a@b>` and `a@b` do).
fn same_mailbox(left: &str, right: &str) -> bool {
    fn address(text: &str) -> String {
        let inner = text
            .rsplit_once('<')
            .and_then(|(_, rest)| rest.split_once('>'))
            .map_or(text, |(address, _)| address);
        inner.trim().to_ascii_lowercase()
    }
    address(left) == address(right)
}

#[cfg(test)]
mod tests {
    use super::{NoticeKind, same_mailbox};

    #[test]
    fn kinds_round_trip_and_mailboxes_compare_by_address() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NoticeKind::parse("moved"), None);
        assert!(same_mailbox(
            "Patronne <Patronne@bistro.test>",
            "patronne@bistro.test"
        ));
        assert!(!same_mailbox("a@bistro.test", "b@bistro.test"));
    }
}
