//! Staff accounts and their wrapped copies of the business key. A wrapped copy
//! is an encrypted PKCS#8 blob made under a passphrase the server never sees.

use sqlx::{Any, AnyConnection, Transaction};

use super::audit::NewAuditEntry;
use super::{Backend, Storage};
use crate::auth::totp_seal::TotpKey;
use crate::ids::{BusinessId, StaffId};

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Manages staff and reads the audit log; one per business.
    Owner,
    Staff,
}

impl Role {
    /// The stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Staff => "staff",
        }
    }

    fn from_stored(text: &str) -> Self {
        if text == "owner" {
            Self::Owner
        } else {
            Self::Staff
        }
    }
}

/// One account.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: StaffId,
    pub business: BusinessId,
    /// Lower-cased.
    pub email: String,
    pub role: Role,
    /// argon2id, PHC string.
    pub password_hash: String,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_pending: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    pub disabled: bool,
    pub created_at: i64,
}

/// A new account, as written.
#[derive(Clone)]
pub struct NewStaff {
    pub id: StaffId,
    pub business: BusinessId,
    pub email: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: i64,
}

// Hand-written: a derived Debug would print the password hash and the TOTP
// secrets into any log line or panic message that formats an account.
impl std::fmt::Debug for StaffMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffMember")
            .field("id", &self.id)
            .field("business", &self.business)
            .field("role", &self.role)
            .field("totp_enabled", &self.totp_secret.is_some())
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for NewStaff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewStaff")
            .field("id", &self.id)
            .field("business", &self.business)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

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

/// Why an account was not created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("this e-mail address already has an account")]
    EmailTaken,
    #[error("this business already has an owner")]
    OwnerExists,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

pub(super) type StaffRow = (
    String,
    String,
    String,
    String,
    String,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<i64>,
    i64,
    i64,
);

pub(super) const STAFF_COLUMNS: &str = "staff.id, staff.business, staff.email, staff.role, staff.password_hash, staff.totp_secret, staff.totp_pending, staff.totp_last_step, staff.disabled, staff.created_at";

impl StaffMember {
    pub(super) fn from_row(row: StaffRow) -> Self {
        let (
            id,
            business,
            email,
            role,
            password_hash,
            totp_secret,
            totp_pending,
            totp_last_step,
            disabled,
            created_at,
        ) = row;
        Self {
            id: StaffId::new(id),
            business: BusinessId::new(business),
            email,
            role: Role::from_stored(&role),
            password_hash,
            totp_secret,
            totp_pending,
            totp_last_step,
            disabled: disabled != 0,
            created_at,
        }
    }
}

impl Storage {
    /// Creates an account with its wrapped key copies, in one transaction.
    pub async fn create_staff(
        &self,
        staff: &NewStaff,
        keys: &[WrappedKey],
    ) -> Result<(), AccountError> {
        let mut transaction = self.pool.begin().await?;
        Self::insert_staff(&mut transaction, staff, keys).await?;
        transaction.commit().await?;
        Ok(())
    }

    pub(super) async fn insert_staff(
        connection: &mut AnyConnection,
        staff: &NewStaff,
        keys: &[WrappedKey],
    ) -> Result<(), AccountError> {
        let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM staff WHERE email = $1")
            .bind(&staff.email)
            .fetch_optional(&mut *connection)
            .await?;
        if taken.is_some() {
            return Err(AccountError::EmailTaken);
        }
        if staff.role == Role::Owner {
            let owner: Option<(String,)> =
                sqlx::query_as("SELECT id FROM staff WHERE business = $1 AND role = 'owner'")
                    .bind(staff.business.as_str())
                    .fetch_optional(&mut *connection)
                    .await?;
            if owner.is_some() {
                return Err(AccountError::OwnerExists);
            }
        }
        sqlx::query(
            "INSERT INTO staff (id, business, email, role, password_hash, disabled, created_at)
             VALUES ($1, $2, $3, $4, $5, 0, $6)",
        )
        .bind(staff.id.as_str())
        .bind(staff.business.as_str())
        .bind(&staff.email)
        .bind(staff.role.as_str())
        .bind(&staff.password_hash)
        .bind(staff.created_at)
        .execute(&mut *connection)
        .await?;
        for key in keys {
            Self::upsert_wrapped_key(&mut *connection, &staff.id, key).await?;
        }
        Ok(())
    }

    /// The account with this (lower-cased) e-mail, disabled or not.
    pub async fn staff_by_email(&self, email: &str) -> Result<Option<StaffMember>, sqlx::Error> {
        let row: Option<StaffRow> = sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE email = $1"
        ))
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(StaffMember::from_row))
    }

    /// The account `id` of `business`.
    pub async fn staff_member(
        &self,
        business: &BusinessId,
        id: &str,
    ) -> Result<Option<StaffMember>, sqlx::Error> {
        let row: Option<StaffRow> = sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1 AND business = $2"
        ))
        .bind(id)
        .bind(business.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(StaffMember::from_row))
    }

    /// Every account of `business` (revoked ones too), oldest first.
    pub async fn staff_of(&self, business: &BusinessId) -> Result<Vec<StaffMember>, sqlx::Error> {
        let rows: Vec<StaffRow> = sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE business = $1 ORDER BY created_at, id"
        ))
        .bind(business.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(StaffMember::from_row).collect())
    }

    /// Disables the account and deletes its wrapped keys and sessions at once.
    pub async fn revoke_staff(&self, id: &StaffId) -> Result<(), sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query("UPDATE staff SET disabled = 1, totp_pending = NULL WHERE id = $1")
            .bind(id.as_str())
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM wrapped_keys WHERE staff_id = $1")
            .bind(id.as_str())
            .execute(&mut *transaction)
            .await?;
        for table in ["sessions", "login_resets"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE staff_id = $1"))
                .bind(id.as_str())
                .execute(&mut *transaction)
                .await?;
        }
        transaction.commit().await?;
        self.flush_deleted_pages().await?;
        Ok(())
    }

    /// A new login password; every other session of the account ends with it, so
    /// whoever knew the old one is signed out everywhere but here.
    pub async fn change_password(
        &self,
        id: &StaffId,
        password_hash: &str,
        keep_session: &[u8; 32],
    ) -> Result<(), sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id.as_str())
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND id_hash <> $2")
            .bind(id.as_str())
            .bind(&keep_session[..])
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await
    }

    /// Keeps a TOTP secret until a code confirms it.
    pub async fn set_totp_pending(&self, id: &StaffId, secret: &[u8]) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE staff SET totp_pending = $1 WHERE id = $2")
            .bind(secret)
            .bind(id.as_str())
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Turns the pending secret on; `step` is the step of the code that confirmed it.
    /// Turns on the pending secret the code was checked against; `false` if the
    /// pending secret changed meanwhile (a new setup in another tab).
    pub async fn enable_totp(
        &self,
        id: &StaffId,
        checked_pending: &[u8],
        step: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $1
             WHERE id = $2 AND totp_pending = $3",
        )
        .bind(step)
        .bind(id.as_str())
        .bind(checked_pending)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records the step of an accepted code, unless a later or equal one was
    /// accepted already; `false` then (the code was replayed).
    pub async fn use_totp_step(&self, id: &StaffId, step: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE staff SET totp_last_step = $1
             WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(id.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Copies every account, key copy and audit entry into `target`'s
    /// transaction (sessions and invites are short-lived and stay behind).
    pub(super) async fn copy_accounts(
        &self,
        target: &mut AnyConnection,
    ) -> Result<(), sqlx::Error> {
        let staff: Vec<StaffRow> = sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        for row in staff {
            sqlx::query(
                "INSERT INTO staff (id, business, email, role, password_hash, totp_secret, totp_pending,
                                    totp_last_step, disabled, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(row.0)
            .bind(row.1)
            .bind(row.2)
            .bind(row.3)
            .bind(row.4)
            .bind(row.5)
            .bind(row.6)
            .bind(row.7)
            .bind(row.8)
            .bind(row.9)
            .execute(&mut *target)
            .await?;
        }
        let keys: Vec<(String, String, Vec<u8>, i64)> =
            sqlx::query_as("SELECT staff_id, kid, blob, shared FROM wrapped_keys")
                .fetch_all(&self.pool)
                .await?;
        for (staff, kid, blob, shared) in keys {
            sqlx::query(
                "INSERT INTO wrapped_keys (staff_id, kid, blob, shared) VALUES ($1, $2, $3, $4)",
            )
            .bind(staff)
            .bind(kid)
            .bind(blob)
            .bind(shared)
            .execute(&mut *target)
            .await?;
        }
        type AuditCopy = (
            String,
            Option<String>,
            i64,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            String,
            Option<Vec<u8>>,
        );
        // Entries keep their links (the hash does not cover `seq`), and each
        // chain keeps its anchor and head, so the copy verifies as the original.
        let entries: Vec<AuditCopy> = sqlx::query_as(
            "SELECT id, business, at, staff_id, session, action, booking_id, detail, prev_hash
             FROM audit ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        for entry in entries {
            sqlx::query(
                "INSERT INTO audit (id, business, at, staff_id, session, action, booking_id, detail, prev_hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(entry.0)
            .bind(entry.1)
            .bind(entry.2)
            .bind(entry.3)
            .bind(entry.4)
            .bind(entry.5)
            .bind(entry.6)
            .bind(entry.7)
            .bind(entry.8)
            .execute(&mut *target)
            .await?;
        }
        let chains: Vec<(String, Vec<u8>, Vec<u8>, i64)> =
            sqlx::query_as("SELECT chain, head, anchor, swept FROM audit_chains ORDER BY chain")
                .fetch_all(&self.pool)
                .await?;
        for (chain, head, anchor, swept) in chains {
            sqlx::query(
                "INSERT INTO audit_chains (chain, head, anchor, swept) VALUES ($1, $2, $3, $4)",
            )
            .bind(chain)
            .bind(head)
            .bind(anchor)
            .bind(swept)
            .execute(&mut *target)
            .await?;
        }
        Ok(())
    }

    /// The account's wrapped key copies.
    pub async fn wrapped_keys(&self, id: &StaffId) -> Result<Vec<HeldKey>, sqlx::Error> {
        let rows: Vec<(String, Vec<u8>, i64)> = sqlx::query_as(
            "SELECT kid, blob, shared FROM wrapped_keys WHERE staff_id = $1 ORDER BY kid",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(kid, blob, shared)| HeldKey {
                key: WrappedKey { kid, blob },
                shared: shared != 0,
            })
            .collect())
    }

    /// Seals the TOTP secrets an older version kept in clear, so that none is
    /// left readable in the database; returns how many it sealed.
    pub async fn seal_plain_totp_secrets(&self, key: &TotpKey) -> Result<u64, sqlx::Error> {
        let rows = self.stored_totp_secrets().await?;
        let mut sealed_count = 0;
        for (id, secret, pending) in rows {
            let id = StaffId::new(id);
            for (column, stored) in [("totp_secret", secret), ("totp_pending", pending)] {
                let Some(plain) = stored.filter(|stored| !TotpKey::is_sealed(stored)) else {
                    continue;
                };
                let sealed = key
                    .seal(&id, &plain)
                    .map_err(|error| sqlx::Error::Protocol(format!("no randomness: {error}")))?;
                // Only if it is still the same value: a login may have changed it.
                let updated = sqlx::query(&format!(
                    "UPDATE staff SET {column} = $1 WHERE id = $2 AND {column} = $3"
                ))
                .bind(sealed)
                .bind(id.as_str())
                .bind(plain)
                .execute(&self.pool)
                .await?;
                sealed_count += updated.rows_affected();
            }
        }
        if sealed_count > 0 {
            self.flush_deleted_pages().await?;
        }
        Ok(sealed_count)
    }

    /// Whether `key` opens the sealed TOTP secrets already stored (checked on one
    /// of them; `true` if there are none): a server started with the wrong or a
    /// new key file would otherwise lock every member with TOTP out.
    pub async fn totp_key_opens_stored_secrets(&self, key: &TotpKey) -> Result<bool, sqlx::Error> {
        let rows = self.stored_totp_secrets().await?;
        let sealed = rows.into_iter().find_map(|(id, secret, pending)| {
            [secret, pending]
                .into_iter()
                .flatten()
                .find(|stored| TotpKey::is_sealed(stored))
                .map(|stored| (StaffId::new(id), stored))
        });
        Ok(sealed.is_none_or(|(id, stored)| key.open(&id, &stored).is_some()))
    }

    /// Every account's stored TOTP secret and pending secret, where either is set.
    async fn stored_totp_secrets(&self) -> Result<Vec<StoredTotp>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, totp_secret, totp_pending FROM staff
             WHERE totp_secret IS NOT NULL OR totp_pending IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await
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
            .bind(id.as_str())
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
            .bind(id.as_str())
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

    async fn upsert_wrapped_key(
        connection: &mut AnyConnection,
        id: &StaffId,
        key: &WrappedKey,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO wrapped_keys (staff_id, kid, blob, shared) VALUES ($1, $2, $3, 0)
             ON CONFLICT (staff_id, kid) DO UPDATE SET blob = excluded.blob, shared = 0",
        )
        .bind(id.as_str())
        .bind(&key.kid)
        .bind(&key.blob)
        .execute(connection)
        .await
        .map(|_| ())
    }
}

/// An account id with its stored TOTP secret and pending secret.
type StoredTotp = (String, Option<Vec<u8>>, Option<Vec<u8>>);

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
