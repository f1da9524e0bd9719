//! The audit log: who did what in the inbox, when. Rows are only ever added
//! (the database refuses UPDATE and DELETE on them), and they never hold
//! booking content — ranges, counts, statuses and formats only.

use sqlx::AnyConnection;

use super::Storage;
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

type AuditRow = (
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
);

impl Storage {
    /// Appends an entry.
    pub async fn audit(&self, entry: &NewAuditEntry) -> Result<(), sqlx::Error> {
        let mut connection = self.pool.acquire().await?;
        Self::append_audit(&mut connection, entry).await
    }

    /// Appends an entry on `connection`, e.g. inside the transaction that makes
    /// the change it records, so the two stand or fall together.
    pub(super) async fn append_audit(
        connection: &mut AnyConnection,
        entry: &NewAuditEntry,
    ) -> Result<(), sqlx::Error> {
        let id = crate::ids::random_base64url(16)
            .map_err(|error| sqlx::Error::Protocol(format!("no randomness: {error}")))?;
        sqlx::query(
            "INSERT INTO audit (id, business, at, staff_id, session, action, booking_id, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(entry.business.as_ref().map(|business| business.0.as_str()))
        .bind(entry.at)
        .bind(entry.staff.as_ref().map(|staff| staff.0.as_str()))
        .bind(entry.session.as_deref())
        .bind(entry.action)
        .bind(entry.booking_id.as_deref())
        .bind(&entry.detail)
        .execute(connection)
        .await
        .map(|_| ())
    }

    /// The newest `limit` entries of `business`, newest first.
    pub async fn audit_log(
        &self,
        business: &BusinessId,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT audit.id, audit.at, audit.staff_id, staff.email, audit.session, audit.action,
                    audit.booking_id, audit.detail
             FROM audit LEFT JOIN staff ON staff.id = audit.staff_id
             WHERE audit.business = $1 ORDER BY audit.seq DESC LIMIT $2",
        )
        .bind(&business.0)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, at, staff_id, staff_email, session, action, booking_id, detail)| AuditEntry {
                    id,
                    at,
                    staff_id,
                    staff_email,
                    session,
                    action,
                    booking_id,
                    detail,
                },
            )
            .collect())
    }
}
