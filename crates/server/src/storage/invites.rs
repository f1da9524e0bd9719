//! Invites: one-time, expiring links that create a staff account. The server
//! keeps SHA-256 of the link's token and the key copies the owner wrapped
//! under a grant code it never sees.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::Storage;
use super::accounts::{AccountError, NewStaff};
use super::wrapped_keys::WrappedKey;
use crate::ids::{BusinessId, StaffId};

/// An invite as written by the owner.
#[derive(Debug, Clone)]
pub struct NewInvite {
    pub token_hash: [u8; 32],
    pub business: BusinessId,
    pub email: String,
    pub keys: Vec<WrappedKey>,
    pub created_by: StaffId,
    pub expires_at: i64,
}

/// An invite waiting to be accepted.
#[derive(Debug, Clone)]
pub struct PendingInvite {
    pub business: BusinessId,
    pub email: String,
    pub keys: Vec<WrappedKey>,
    pub expires_at: i64,
}

/// An invite not yet used nor expired, as the owner lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvite {
    /// base64url of SHA-256 of the link's token: names the invite, opens nothing.
    pub id: String,
    pub email: String,
    pub expires_at: i64,
}

/// Why an invite was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    #[error("no such invite, or it was used")]
    NotFound,
    #[error("the invite has expired")]
    Expired,
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// An open invite's row, as the owner lists it.
#[derive(sqlx::FromRow)]
struct OpenInviteRow {
    token_hash: Vec<u8>,
    email: String,
    expires_at: i64,
}

/// An invite's row, as its link is used.
#[derive(sqlx::FromRow)]
struct PendingInviteRow {
    business: BusinessId,
    email: String,
    /// The key copies, as [`encode_keys`] wrote them.
    wrapped: String,
    expires_at: i64,
}

/// One key copy in the invite's `wrapped` column.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredKey {
    kid: String,
    /// base64url of the DER.
    blob: String,
}

fn encode_keys(keys: &[WrappedKey]) -> String {
    let stored: Vec<StoredKey> = keys
        .iter()
        .map(|key| StoredKey {
            kid: key.kid.clone(),
            blob: URL_SAFE_NO_PAD.encode(&key.blob),
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".to_owned())
}

fn decode_keys(text: &str) -> Vec<WrappedKey> {
    serde_json::from_str::<Vec<StoredKey>>(text)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|key| {
            Some(WrappedKey {
                kid: key.kid,
                blob: URL_SAFE_NO_PAD.decode(key.blob).ok()?,
            })
        })
        .collect()
}

impl Storage {
    /// Stores an invite.
    pub async fn create_invite(&self, invite: &NewInvite) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO invites (token_hash, business, email, role, wrapped, created_by, expires_at)
             VALUES ($1, $2, $3, 'staff', $4, $5, $6)",
        )
        .bind(&invite.token_hash[..])
        .bind(&invite.business)
        .bind(&invite.email)
        .bind(encode_keys(&invite.keys))
        .bind(&invite.created_by)
        .bind(invite.expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    /// The business's invites that can still be accepted at `now`, soonest to expire first.
    pub async fn open_invites(
        &self,
        business: &BusinessId,
        now: i64,
    ) -> Result<Vec<OpenInvite>, sqlx::Error> {
        let rows: Vec<OpenInviteRow> = sqlx::query_as(
            "SELECT token_hash, email, expires_at FROM invites
             WHERE business = $1 AND used_at IS NULL AND expires_at > $2
             ORDER BY expires_at, email",
        )
        .bind(business)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| OpenInvite {
                id: URL_SAFE_NO_PAD.encode(row.token_hash),
                email: row.email,
                expires_at: row.expires_at,
            })
            .collect())
    }

    /// Withdraws the business's unused invite `id` (from [`Storage::open_invites`]),
    /// with the key copies it held; `false` if there is none.
    pub async fn withdraw_invite(
        &self,
        business: &BusinessId,
        id: &str,
    ) -> Result<bool, sqlx::Error> {
        let Some(hash) = URL_SAFE_NO_PAD
            .decode(id)
            .ok()
            .filter(|hash| hash.len() == 32)
        else {
            return Ok(false);
        };
        let deleted = sqlx::query(
            "DELETE FROM invites WHERE token_hash = $1 AND business = $2 AND used_at IS NULL",
        )
        .bind(hash)
        .bind(business)
        .execute(&self.pool)
        .await?;
        Ok(deleted.rows_affected() == 1)
    }

    /// Deletes invites that expired before `now`, with the key copies they held.
    pub async fn sweep_invites(&self, now: i64) -> Result<u64, sqlx::Error> {
        sqlx::query("DELETE FROM invites WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map(|done| done.rows_affected())
    }

    /// Whether an invite with this token could be accepted at `now`, without
    /// accepting it: checked before the new password's argon2 hash, so a random
    /// token costs one indexed read. [`Storage::accept_invite`] checks again,
    /// in its transaction.
    pub async fn check_invite(&self, token_hash: &[u8; 32], now: i64) -> Result<(), AcceptError> {
        let expires_at: Option<i64> = sqlx::query_scalar(
            "SELECT expires_at FROM invites WHERE token_hash = $1 AND used_at IS NULL",
        )
        .bind(&token_hash[..])
        .fetch_optional(&self.pool)
        .await?;
        match expires_at {
            None => Err(AcceptError::NotFound),
            Some(expires_at) if expires_at <= now => Err(AcceptError::Expired),
            Some(_) => Ok(()),
        }
    }

    /// Uses the invite whose token hashes to `token_hash` at `now`: creates the
    /// account (`account` gets the invite's business and e-mail) with the
    /// invite's key copies and marks the invite used, in one transaction.
    pub async fn accept_invite(
        &self,
        token_hash: &[u8; 32],
        now: i64,
        account: impl FnOnce(&PendingInvite) -> NewStaff,
    ) -> Result<NewStaff, AcceptError> {
        let mut transaction = self.pool.begin().await?;
        let row: Option<PendingInviteRow> = sqlx::query_as(
            "SELECT business, email, wrapped, expires_at FROM invites
             WHERE token_hash = $1 AND used_at IS NULL",
        )
        .bind(&token_hash[..])
        .fetch_optional(&mut *transaction)
        .await?;
        let Some(row) = row else {
            return Err(AcceptError::NotFound);
        };
        if row.expires_at <= now {
            return Err(AcceptError::Expired);
        }
        let invite = PendingInvite {
            business: row.business,
            email: row.email,
            keys: decode_keys(&row.wrapped),
            expires_at: row.expires_at,
        };
        let staff = account(&invite);
        let used = sqlx::query(
            "UPDATE invites SET used_at = $1, wrapped = '[]' WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(&token_hash[..])
        .execute(&mut *transaction)
        .await?;
        if used.rows_affected() != 1 {
            return Err(AcceptError::NotFound);
        }
        Self::insert_staff(&mut transaction, &staff, &invite.keys).await?;
        transaction.commit().await?;
        Ok(staff)
    }
}
