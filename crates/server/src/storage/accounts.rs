//! Staff accounts: who may sign in to the inbox of which business, with what
//! role. Their key copies are in [`super::wrapped_keys`], their second factor
//! in [`super::totp`].

use sqlx::AnyConnection;

use super::wrapped_keys::WrappedKey;
use super::{NewAuditEntry, Storage};
use crate::ids::{BusinessId, StaffId};

/// What a staff member may do (docs/THREATS.md, "Roles"). Ordered: each role
/// may do everything the ones below it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Staff,
    /// May squeeze a booking in past capacity.
    Manager,
    /// Manages staff and reads the audit log; one per business.
    Owner,
}

impl Role {
    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Manager => "manager",
            Self::Staff => "staff",
        }
    }

    /// The `role` column: a manager is stored as `staff` with the `manager` flag.
    fn stored(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Manager | Self::Staff => "staff",
        }
    }

    fn from_stored(text: &str, manager: i64) -> Self {
        match (text, manager) {
            ("owner", _) => Self::Owner,
            (_, 0) => Self::Staff,
            _ => Self::Manager,
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

/// The columns of a [`StaffRow`], qualified for queries that join `staff`.
pub(super) const STAFF_COLUMNS: &str = "staff.id, staff.business, staff.email, staff.role, staff.password_hash, staff.totp_secret, staff.totp_pending, staff.totp_last_step, staff.disabled, staff.created_at, staff.manager";

/// A `staff` row as stored; [`StaffMember`] is its meaning.
#[derive(sqlx::FromRow)]
pub(super) struct StaffRow {
    pub(super) id: StaffId,
    pub(super) business: BusinessId,
    pub(super) email: String,
    pub(super) role: String,
    pub(super) password_hash: String,
    pub(super) totp_secret: Option<Vec<u8>>,
    pub(super) totp_pending: Option<Vec<u8>>,
    pub(super) totp_last_step: Option<i64>,
    pub(super) disabled: i64,
    pub(super) created_at: i64,
    pub(super) manager: i64,
}

impl From<StaffRow> for StaffMember {
    fn from(row: StaffRow) -> Self {
        Self {
            id: row.id,
            business: row.business,
            email: row.email,
            role: Role::from_stored(&row.role, row.manager),
            password_hash: row.password_hash,
            totp_secret: row.totp_secret,
            totp_pending: row.totp_pending,
            totp_last_step: row.totp_last_step,
            disabled: row.disabled != 0,
            created_at: row.created_at,
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
                    .bind(&staff.business)
                    .fetch_optional(&mut *connection)
                    .await?;
            if owner.is_some() {
                return Err(AccountError::OwnerExists);
            }
        }
        sqlx::query(
            "INSERT INTO staff (id, business, email, role, password_hash, disabled, created_at, manager)
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7)",
        )
        .bind(&staff.id)
        .bind(&staff.business)
        .bind(&staff.email)
        .bind(staff.role.stored())
        .bind(&staff.password_hash)
        .bind(staff.created_at)
        .bind(i64::from(staff.role == Role::Manager))
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
        Ok(row.map(StaffMember::from))
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
        .bind(business)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(StaffMember::from))
    }

    /// Every account of `business` (revoked ones too), oldest first.
    pub async fn staff_of(&self, business: &BusinessId) -> Result<Vec<StaffMember>, sqlx::Error> {
        let rows: Vec<StaffRow> = sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE business = $1 ORDER BY created_at, id"
        ))
        .bind(business)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(StaffMember::from).collect())
    }

    /// Disables the account and deletes its wrapped keys, sessions, notice
    /// choices and unsent notices at once.
    pub async fn revoke_staff(&self, id: &StaffId) -> Result<(), sqlx::Error> {
        let mut transaction = self.pool.begin().await?;
        sqlx::query("UPDATE staff SET disabled = 1, totp_pending = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM wrapped_keys WHERE staff_id = $1")
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        // Nothing more reaches a revoked member, not even notices already written.
        sqlx::query(
            "DELETE FROM outbox WHERE sent_at IS NULL
               AND recipient = (SELECT email FROM staff WHERE id = $1)",
        )
        .bind(id)
        .execute(&mut *transaction)
        .await?;
        for table in ["sessions", "login_resets", "staff_notices"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE staff_id = $1"))
                .bind(id)
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
            .bind(id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND id_hash <> $2")
            .bind(id)
            .bind(&keep_session[..])
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await
    }

    /// Makes the active, non-owner member `id` of `business` a manager or plain
    /// staff, with its audit entry in the same transaction. `false` when there
    /// is no such member (another business's, revoked, or the owner).
    pub async fn set_role(
        &self,
        business: &BusinessId,
        id: &str,
        role: Role,
        audit: &NewAuditEntry,
    ) -> Result<bool, sqlx::Error> {
        debug_assert!(role != Role::Owner, "a business has one owner");
        let mut transaction = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE staff SET manager = $1
             WHERE id = $2 AND business = $3 AND role = 'staff' AND disabled = 0",
        )
        .bind(i64::from(role == Role::Manager))
        .bind(id)
        .bind(business)
        .execute(&mut *transaction)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        Self::append_audit(&mut transaction, audit).await?;
        transaction.commit().await?;
        Ok(true)
    }
}
