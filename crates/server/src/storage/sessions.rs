//! Staff sessions: the server keeps SHA-256 of the cookie's token, never the
//! token, with the session's CSRF token and its times.

use super::Storage;
use super::accounts::{STAFF_COLUMNS, StaffMember, StaffRow};
use crate::ids::StaffId;

/// A session as written at login.
#[derive(Clone)]
pub struct NewSession {
    pub id_hash: [u8; 32],
    pub staff: StaffId,
    pub csrf: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A session with its account.
#[derive(Clone)]
pub struct StoredSession {
    pub id_hash: [u8; 32],
    pub csrf: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_seen: i64,
    pub staff: StaffMember,
}

// Hand-written: the CSRF token stays out of anything that formats a session.
impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("staff", &self.staff)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSession")
            .field("staff", &self.staff)
            .field("expires_at", &self.expires_at)
            .field("last_seen", &self.last_seen)
            .finish_non_exhaustive()
    }
}

/// A `sessions` row, without its key.
#[derive(sqlx::FromRow)]
struct SessionRow {
    csrf: String,
    created_at: i64,
    expires_at: i64,
    last_seen: i64,
    staff_id: StaffId,
}

impl Storage {
    /// Stores a new session.
    pub async fn create_session(&self, session: &NewSession) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, staff_id, csrf, created_at, expires_at, last_seen)
             VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(&session.id_hash[..])
        .bind(&session.staff)
        .bind(&session.csrf)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// The session whose token hashes to `id_hash`, with its account.
    pub async fn session(&self, id_hash: &[u8; 32]) -> Result<Option<StoredSession>, sqlx::Error> {
        let session: Option<SessionRow> = sqlx::query_as(
            "SELECT csrf, created_at, expires_at, last_seen, staff_id FROM sessions WHERE id_hash = $1",
        )
        .bind(&id_hash[..])
        .fetch_optional(&self.pool)
        .await?;
        let Some(session) = session else {
            return Ok(None);
        };
        let staff: Option<StaffRow> =
            sqlx::query_as(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1"))
                .bind(&session.staff_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(staff.map(|row| StoredSession {
            id_hash: *id_hash,
            csrf: session.csrf,
            created_at: session.created_at,
            expires_at: session.expires_at,
            last_seen: session.last_seen,
            staff: row.into(),
        }))
    }

    /// Notes that the session was used at `now`.
    pub async fn touch_session(&self, id_hash: &[u8; 32], now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(&id_hash[..])
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Ends one session.
    pub async fn delete_session(&self, id_hash: &[u8; 32]) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(&id_hash[..])
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Ends every session of one account.
    pub async fn delete_sessions_of(&self, staff: &StaffId) -> Result<u64, sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
            .bind(staff)
            .execute(&self.pool)
            .await
            .map(|done| done.rows_affected())
    }

    /// Deletes sessions that ended before `now` or were idle since `idle_before`.
    pub async fn sweep_sessions(&self, now: i64, idle_before: i64) -> Result<u64, sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen < $2")
            .bind(now)
            .bind(idle_before)
            .execute(&self.pool)
            .await
            .map(|done| done.rows_affected())
    }
}
