//! Staff members' copies of the business key. A wrapped copy is an encrypted
//! PKCS#8 blob made under a passphrase the server never sees — the member's
//! own, or a one-time grant code while an owner's share is not yet taken up.

use sqlx::{Any, AnyConnection, Transaction};

use super::audit::NewAuditEntry;
use super::{Backend, Storage};
use crate::ids::StaffId;

/// One wrapped copy of a business private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedKey {
    pub kid: String,
    /// EncryptedPrivateKeyInfo DER.
    pub blob: Vec<u8>,
}

/// A copy as the server holds it for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldKey {
    pub key: WrappedKey,
    /// Shared by the owner under a one-time grant code, not yet re-wrapped under the
    /// member's own passphrase.
    pub shared: bool,
}

/// The columns of a [`WrappedKeyRow`].
pub(super) const WRAPPED_KEY_COLUMNS: &str = "staff_id, kid, blob, shared";

/// A `wrapped_keys` row as stored.
#[derive(sqlx::FromRow)]
pub(super) struct WrappedKeyRow {
    pub(super) staff_id: StaffId,
    pub(super) kid: String,
    pub(super) blob: Vec<u8>,
    /// 1 while the copy is under a grant code ([`HeldKey::shared`]).
    pub(super) shared: i64,
}

impl Storage {
    /// The account's wrapped key copies.
    pub async fn wrapped_keys(&self, id: &StaffId) -> Result<Vec<HeldKey>, sqlx::Error> {
        let rows: Vec<WrappedKeyRow> = sqlx::query_as(&format!(
            "SELECT {WRAPPED_KEY_COLUMNS} FROM wrapped_keys WHERE staff_id = $1 ORDER BY kid"
        ))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| HeldKey {
                key: WrappedKey {
                    kid: row.kid,
                    blob: row.blob,
                },
                shared: row.shared != 0,
            })
            .collect())
    }

    /// A write transaction in which account `id` is known to be active and stays
    /// so until commit, or `None` if it is revoked or unknown. A revocation deletes
    /// the account's copies in its own transaction: it either runs first (and this
    /// finds the account disabled) or waits for this one and then deletes what it
    /// stored, so no copy outlives a revocation.
    async fn while_active(
        &self,
        id: &StaffId,
    ) -> Result<Option<Transaction<'static, Any>>, sqlx::Error> {
        let (mut transaction, check) = match self.backend() {
            // BEGIN IMMEDIATE takes SQLite's one write lock before the check.
            Backend::Sqlite => (
                self.pool.begin_with("BEGIN IMMEDIATE").await?,
                "SELECT id FROM staff WHERE id = $1 AND disabled = 0",
            ),
            // The row lock makes a revocation's UPDATE wait for this commit.
            Backend::Postgres => (
                self.pool.begin().await?,
                "SELECT id FROM staff WHERE id = $1 AND disabled = 0 FOR SHARE",
            ),
        };
        let active: Option<(String,)> = sqlx::query_as(check)
            .bind(id)
            .fetch_optional(&mut *transaction)
            .await?;
        Ok(active.map(|_| transaction))
    }

    /// Gives an account copies the owner wrapped under a grant code, with the
    /// audit entry, in one transaction. A key the account already holds under its
    /// own passphrase is left alone (nothing stored); an earlier share not yet
    /// taken up is replaced, since its grant code may be lost.
    pub async fn share_wrapped_keys(
        &self,
        id: &StaffId,
        keys: &[WrappedKey],
        audit: &NewAuditEntry,
    ) -> Result<ShareOutcome, sqlx::Error> {
        let Some(mut transaction) = self.while_active(id).await? else {
            return Ok(ShareOutcome::NoAccount);
        };
        for key in in_lock_order(keys) {
            // Only a copy still under a grant code is replaced: a member's own
            // copy stored a moment before is never overwritten.
            let stored = sqlx::query(
                "INSERT INTO wrapped_keys (staff_id, kid, blob, shared) VALUES ($1, $2, $3, 1)
                 ON CONFLICT (staff_id, kid) DO UPDATE SET blob = excluded.blob, shared = 1
                 WHERE wrapped_keys.shared = 1",
            )
            .bind(id)
            .bind(&key.kid)
            .bind(&key.blob)
            .execute(&mut *transaction)
            .await?;
            if stored.rows_affected() != 1 {
                return Ok(ShareOutcome::AlreadyHeld);
            }
        }
        Self::append_audit(&mut transaction, audit).await?;
        transaction.commit().await?;
        Ok(ShareOutcome::Shared)
    }

    /// Stores (or replaces) the account's copies of `keys`, under its own
    /// passphrase, with the audit entry, in one transaction: all of them or none.
    /// `false`: the account is revoked (or gone), nothing stored.
    pub async fn put_wrapped_keys(
        &self,
        id: &StaffId,
        keys: &[WrappedKey],
        audit: &NewAuditEntry,
    ) -> Result<bool, sqlx::Error> {
        let Some(mut transaction) = self.while_active(id).await? else {
            return Ok(false);
        };
        for key in in_lock_order(keys) {
            Self::upsert_wrapped_key(&mut transaction, id, key).await?;
        }
        Self::append_audit(&mut transaction, audit).await?;
        transaction.commit().await?;
        Ok(true)
    }

    pub(super) async fn upsert_wrapped_key(
        connection: &mut AnyConnection,
        id: &StaffId,
        key: &WrappedKey,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO wrapped_keys (staff_id, kid, blob, shared) VALUES ($1, $2, $3, 0)
             ON CONFLICT (staff_id, kid) DO UPDATE SET blob = excluded.blob, shared = 0",
        )
        .bind(id)
        .bind(&key.kid)
        .bind(&key.blob)
        .execute(connection)
        .await
        .map(|_| ())
    }
}

/// What [`Storage::share_wrapped_keys`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareOutcome {
    Shared,
    /// The member holds one of the keys under their own passphrase already.
    AlreadyHeld,
    /// The member is revoked (or gone).
    NoAccount,
}

/// `keys` by key id: two transactions writing the same rows take their locks
/// in the same order, so neither waits on the other forever.
fn in_lock_order(keys: &[WrappedKey]) -> Vec<&WrappedKey> {
    let mut ordered: Vec<&WrappedKey> = keys.iter().collect();
    ordered.sort_by(|a, b| a.kid.cmp(&b.kid));
    ordered
}
