//! Login resets: one-time links the owner issues when a member forgot their
//! password or lost their authenticator. The server keeps SHA-256 of the link's
//! token; using the link sets the new password, turns two-step login off, ends
//! every session of the member and deletes the link, in one transaction.

use super::Storage;
use crate::ids::{BusinessId, StaffId};

/// A reset as the owner issues it.
#[derive(Debug, Clone)]
pub struct NewReset {
    pub token_hash: [u8; 32],
    pub staff_id: StaffId,
    pub created_by: StaffId,
    pub expires_at: i64,
}

/// Why a reset link was not used.
#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("no such reset link, or it was used")]
    NotFound,
    #[error("the reset link has expired")]
    Expired,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A reset link's row, with the member's business.
#[derive(sqlx::FromRow)]
struct ResetRow {
    staff_id: StaffId,
    business: BusinessId,
    expires_at: i64,
}

impl Storage {
    /// Stores a reset link, replacing any earlier one for the same member: one
    /// open link per member.
    pub async fn create_reset(&self, reset: &NewReset) -> Result<(), sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query("DELETE FROM login_resets WHERE staff_id = $1")
            .bind(&reset.staff_id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query(
            "INSERT INTO login_resets (token_hash, staff_id, created_by, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&reset.token_hash[..])
        .bind(&reset.staff_id)
        .bind(&reset.created_by)
        .bind(reset.expires_at)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await
    }

    /// Whether a reset link with this token could be used at `now`, without
    /// using it: the caller checks this before paying for the new password's
    /// argon2 hash, so a random token costs one indexed read and nothing more.
    /// [`Storage::use_reset`] checks again, in its transaction.
    pub async fn check_reset(&self, token_hash: &[u8; 32], now: i64) -> Result<(), ResetError> {
        let expires_at: Option<i64> = sqlx::query_scalar(
            "SELECT login_resets.expires_at FROM login_resets
             JOIN staff ON staff.id = login_resets.staff_id
             WHERE login_resets.token_hash = $1 AND staff.disabled = 0",
        )
        .bind(&token_hash[..])
        .fetch_optional(&self.pool)
        .await?;
        match expires_at {
            None => Err(ResetError::NotFound),
            Some(expires_at) if expires_at <= now => Err(ResetError::Expired),
            Some(_) => Ok(()),
        }
    }

    /// Uses the reset link whose token hashes to `token_hash` at `now`; returns
    /// the member (and their business) whose password is now `password_hash`.
    pub async fn use_reset(
        &self,
        token_hash: &[u8; 32],
        now: i64,
        password_hash: &str,
    ) -> Result<(StaffId, BusinessId), ResetError> {
        let mut transaction = self.pool.begin().await?;
        let row: Option<ResetRow> = sqlx::query_as(
            "SELECT login_resets.staff_id, staff.business, login_resets.expires_at FROM login_resets
             JOIN staff ON staff.id = login_resets.staff_id
             WHERE login_resets.token_hash = $1 AND staff.disabled = 0",
        )
        .bind(&token_hash[..])
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(ResetRow {
            staff_id,
            business,
            expires_at,
        }) = row
        else {
            return Err(ResetError::NotFound);
        };
        if expires_at <= now {
            return Err(ResetError::Expired);
        }
        // Claim the link: of two uses at the same moment, only the one that
        // deletes it goes on (the other waits on the row, then finds it gone).
        let claimed = sqlx::query("DELETE FROM login_resets WHERE token_hash = $1")
            .bind(&token_hash[..])
            .execute(&mut *transaction)
            .await?;
        if claimed.rows_affected() != 1 {
            return Err(ResetError::NotFound);
        }
        sqlx::query(
            "UPDATE staff SET password_hash = $1, totp_secret = NULL, totp_pending = NULL,
             totp_last_step = NULL WHERE id = $2",
        )
        .bind(password_hash)
        .bind(&staff_id)
        .execute(&mut *transaction)
        .await?;
        for table in ["sessions", "login_resets"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE staff_id = $1"))
                .bind(&staff_id)
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        Ok((staff_id, business))
    }

    /// Deletes reset links that expired before `now`.
    pub async fn sweep_resets(&self, now: i64) -> Result<u64, sqlx::Error> {
        sqlx::query("DELETE FROM login_resets WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map(|done| done.rows_affected())
    }
}
