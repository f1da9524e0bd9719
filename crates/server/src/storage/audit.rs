//! The audit log: who did what in the inbox, when. Rows are only ever added
//! (the database refuses UPDATE, and DELETE except by the retention sweeper),
//! each linked to the one before it in its chain ([`super::audit_chain`]), and
//! they never hold booking content — ranges, counts, statuses and formats only.

use sqlx::AnyConnection;

use super::Storage;
use super::audit_chain::{Linked, chain_of, entry_hash, lock_chain, set_head};
use crate::ids::{BusinessId, StaffId};

/// One entry as written.
#[derive(Debug, Clone)]
pub struct NewAuditEntry {
    /// None for a failed login with an unknown e-mail.
    pub business: Option<BusinessId>,
    pub at: i64,
    pub staff: Option<StaffId>,
    /// The first 8 characters of the session hash, base64url.
    pub session: Option<String>,
    pub action: &'static str,
    pub booking_id: Option<String>,
    pub detail: String,
}

/// One entry as read, with the staff member's e-mail.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: String,
    pub at: i64,
    pub staff_id: Option<String>,
    pub staff_email: Option<String>,
    pub session: Option<String>,
    pub action: String,
    pub booking_id: Option<String>,
    pub detail: String,
}

impl Storage {
    /// Appends an entry.
    pub async fn audit(&self, entry: &NewAuditEntry) -> Result<(), sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        Self::append_audit(&mut transaction, entry).await?;
        transaction.commit().await
    }

    /// Appends an entry inside the transaction open on `connection`, e.g. the
    /// one that makes the change it records, so the two stand or fall together.
    /// Its chain stays locked until that transaction ends.
    pub(super) async fn append_audit(
        connection: &mut AnyConnection,
        entry: &NewAuditEntry,
    ) -> Result<(), sqlx::Error> {
        let id = crate::ids::random_base64url(16)
            .map_err(|error| sqlx::Error::Protocol(format!("no randomness: {error}")))?;
        let business = entry.business.as_ref().map(BusinessId::as_str);
        let chain = chain_of(business);
        let prev = lock_chain(connection, chain).await?;
        let hash = entry_hash(
            &prev,
            &Linked {
                id: &id,
                business,
                at: entry.at,
                staff_id: entry.staff.as_ref().map(StaffId::as_str),
                session: entry.session.as_deref(),
                action: entry.action,
                booking_id: entry.booking_id.as_deref(),
                detail: &entry.detail,
            },
        );
        sqlx::query(
            "INSERT INTO audit (id, business, at, staff_id, session, action, booking_id, detail, prev_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(business)
        .bind(entry.at)
        .bind(entry.staff.as_ref().map(StaffId::as_str))
        .bind(entry.session.as_deref())
        .bind(entry.action)
        .bind(entry.booking_id.as_deref())
        .bind(&entry.detail)
        .bind(&prev[..])
        .execute(&mut *connection)
        .await?;
        set_head(connection, chain, &hash).await
    }

    /// The newest `limit` entries of `business`, newest first.
    pub async fn audit_log(
        &self,
        business: &BusinessId,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, sqlx::Error> {
        sqlx::query_as(
            "SELECT audit.id, audit.at, audit.staff_id, staff.email AS staff_email, audit.session, audit.action,
                    audit.booking_id, audit.detail
             FROM audit LEFT JOIN staff ON staff.id = audit.staff_id
             WHERE audit.business = $1 ORDER BY audit.seq DESC LIMIT $2",
        )
        .bind(business)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }
}
