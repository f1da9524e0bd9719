//! `sealbook db copy`: everything that outlives a session — bookings,
//! idempotency keys, consent records, staff accounts with their key copies and
//! notice choices, and the audit log with its chains — copied into an empty
//! database in one transaction. Sessions, invites, reset links and the outbox
//! of staff notices are short-lived and stay behind. Rows are copied column for column, as stored.

use sqlx::AnyConnection;

use super::Storage;
use super::accounts::{STAFF_COLUMNS, StaffRow};
use super::audit_chain::{CHAIN_COLUMNS, CHAIN_RECORD_COLUMNS, ChainEntry, ChainRecordRow};
use super::bookings::{BOOKING_COLUMNS, BookingRow};
use super::wrapped_keys::{WRAPPED_KEY_COLUMNS, WrappedKeyRow};

/// Why a database copy stopped (nothing was written to the target).
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the target database already holds bookings or audit entries; copy only into an empty database"
    )]
    TargetNotEmpty,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// How many bookings are read (and reported as copied) at a time.
const PAGE: i64 = 500;

/// Every column of a booking: what it is read back as, and the rest.
#[derive(sqlx::FromRow)]
struct BookingCopy {
    #[sqlx(flatten)]
    booking: BookingRow,
    envelope_hash: Option<Vec<u8>>,
    token_hash: Option<Vec<u8>>,
    waitlist_place: Option<i64>,
}

/// Every column of an idempotency key.
#[derive(sqlx::FromRow)]
struct IdempotencyCopy {
    business: String,
    key_hash: Vec<u8>,
    request_hash: Vec<u8>,
    booking_id: String,
    created_at: i64,
}

#[derive(sqlx::FromRow)]
struct ScheduleCopy {
    business: String,
    revision: i64,
    settings: String,
    updated_at: i64,
    updated_by: String,
}

impl Storage {
    /// Copies every booking, idempotency key, consent record, staff account (with
    /// its key copies), audit entry and schedule into `target`, which must be
    /// empty, in one target transaction (all or nothing); calls `progress` with
    /// the number of bookings copied so far. Returns the number copied.
    pub async fn copy_to(
        &self,
        target: &Storage,
        progress: impl Fn(u64),
    ) -> Result<u64, CopyError> {
        let mut transaction = target.pool.begin().await?;
        let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bookings")
            .fetch_one(&mut *transaction)
            .await?;
        // Audit entries too: the copied chains would fork the target's own.
        let (audited,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_chains")
            .fetch_one(&mut *transaction)
            .await?;
        if existing > 0 || audited > 0 {
            return Err(CopyError::TargetNotEmpty);
        }
        let copied = self.copy_bookings(&mut transaction, progress).await?;
        self.copy_idempotency_keys(&mut transaction).await?;
        for record in &self.consents(None).await? {
            Self::insert_consent(&mut transaction, record).await?;
        }
        self.copy_accounts(&mut transaction).await?;
        self.copy_audit(&mut transaction).await?;
        self.copy_schedules(&mut transaction).await?;
        transaction.commit().await?;
        Ok(copied)
    }

    /// Copies the bookings a page at a time, in id order.
    async fn copy_bookings(
        &self,
        target: &mut AnyConnection,
        progress: impl Fn(u64),
    ) -> Result<u64, sqlx::Error> {
        let mut copied = 0u64;
        let mut after = String::new();
        loop {
            let rows: Vec<BookingCopy> = sqlx::query_as(&format!(
                "SELECT {BOOKING_COLUMNS}, envelope_hash, token_hash, waitlist_place
                 FROM bookings WHERE id > $1 ORDER BY id LIMIT $2"
            ))
            .bind(&after)
            .bind(PAGE)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = rows.last() else { break };
            after = last.booking.id.as_str().to_owned();
            for row in rows {
                sqlx::query(
                    "INSERT INTO bookings (id, business, starts_at, ends_at, party_size, service, practitioner, status,
                                           envelope, envelope_hash, visitor_copy, token_hash, created_at, attendance, block,
                                           hold_until, waitlist_place)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                )
                .bind(row.booking.id)
                .bind(row.booking.business)
                .bind(row.booking.starts_at)
                .bind(row.booking.ends_at)
                .bind(row.booking.party_size)
                .bind(row.booking.service)
                .bind(row.booking.practitioner)
                .bind(row.booking.status)
                .bind(row.booking.envelope)
                .bind(row.envelope_hash)
                .bind(row.booking.visitor_copy)
                .bind(row.token_hash)
                .bind(row.booking.created_at)
                .bind(row.booking.attendance)
                .bind(row.booking.block)
                .bind(row.booking.hold_until)
                .bind(row.waitlist_place)
                .execute(&mut *target)
                .await?;
                copied += 1;
            }
            progress(copied);
        }
        Ok(copied)
    }

    /// Copies every business's schedule, in place of any a server starting on
    /// the empty target seeded from its `sealbook.toml`: the source's is the one
    /// its businesses were running on.
    async fn copy_schedules(&self, target: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let schedules: Vec<ScheduleCopy> = sqlx::query_as(
            "SELECT business, revision, settings, updated_at, updated_by FROM schedules",
        )
        .fetch_all(&self.pool)
        .await?;
        for schedule in schedules {
            sqlx::query(
                "INSERT INTO schedules (business, revision, settings, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (business) DO UPDATE SET revision = $2, settings = $3,
                     updated_at = $4, updated_by = $5",
            )
            .bind(schedule.business)
            .bind(schedule.revision)
            .bind(schedule.settings)
            .bind(schedule.updated_at)
            .bind(schedule.updated_by)
            .execute(&mut *target)
            .await?;
        }
        Ok(())
    }

    async fn copy_idempotency_keys(&self, target: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let keys: Vec<IdempotencyCopy> = sqlx::query_as(
            "SELECT business, key_hash, request_hash, booking_id, created_at FROM idempotency_keys",
        )
        .fetch_all(&self.pool)
        .await?;
        for key in keys {
            sqlx::query(
                "INSERT INTO idempotency_keys (business, key_hash, request_hash, booking_id, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(key.business)
            .bind(key.key_hash)
            .bind(key.request_hash)
            .bind(key.booking_id)
            .bind(key.created_at)
            .execute(&mut *target)
            .await?;
        }
        Ok(())
    }

    /// Copies every account with its key copies.
    async fn copy_accounts(&self, target: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let staff: Vec<StaffRow> = sqlx::query_as(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff ORDER BY created_at, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        for member in staff {
            sqlx::query(
                "INSERT INTO staff (id, business, email, role, password_hash, totp_secret, totp_pending,
                                    totp_last_step, disabled, created_at, manager)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(member.id)
            .bind(member.business)
            .bind(member.email)
            .bind(member.role)
            .bind(member.password_hash)
            .bind(member.totp_secret)
            .bind(member.totp_pending)
            .bind(member.totp_last_step)
            .bind(member.disabled)
            .bind(member.created_at)
            .bind(member.manager)
            .execute(&mut *target)
            .await?;
        }
        let keys: Vec<WrappedKeyRow> =
            sqlx::query_as(&format!("SELECT {WRAPPED_KEY_COLUMNS} FROM wrapped_keys"))
                .fetch_all(&self.pool)
                .await?;
        for key in keys {
            sqlx::query(
                "INSERT INTO wrapped_keys (staff_id, kid, blob, shared) VALUES ($1, $2, $3, $4)",
            )
            .bind(key.staff_id)
            .bind(key.kid)
            .bind(key.blob)
            .bind(key.shared)
            .execute(&mut *target)
            .await?;
        }
        let notices: Vec<(String, String)> =
            sqlx::query_as("SELECT staff_id, kind FROM staff_notices ORDER BY staff_id, kind")
                .fetch_all(&self.pool)
                .await?;
        for (staff_id, kind) in notices {
            sqlx::query("INSERT INTO staff_notices (staff_id, kind) VALUES ($1, $2)")
                .bind(staff_id)
                .bind(kind)
                .execute(&mut *target)
                .await?;
        }
        Ok(())
    }

    /// Copies the audit log. Entries keep their links (the hash does not
    /// cover `seq`), and each chain keeps its anchor and head, so the copy
    /// verifies as the original.
    async fn copy_audit(&self, target: &mut AnyConnection) -> Result<(), sqlx::Error> {
        let entries: Vec<ChainEntry> =
            sqlx::query_as(&format!("SELECT {CHAIN_COLUMNS} FROM audit ORDER BY seq"))
                .fetch_all(&self.pool)
                .await?;
        for entry in entries {
            sqlx::query(
                "INSERT INTO audit (id, business, at, staff_id, session, action, booking_id, detail, prev_hash)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(entry.id)
            .bind(entry.business)
            .bind(entry.at)
            .bind(entry.staff_id)
            .bind(entry.session)
            .bind(entry.action)
            .bind(entry.booking_id)
            .bind(entry.detail)
            .bind(entry.prev_hash)
            .execute(&mut *target)
            .await?;
        }
        let chains: Vec<ChainRecordRow> = sqlx::query_as(&format!(
            "SELECT {CHAIN_RECORD_COLUMNS} FROM audit_chains ORDER BY chain"
        ))
        .fetch_all(&self.pool)
        .await?;
        for chain in chains {
            sqlx::query(
                "INSERT INTO audit_chains (chain, head, anchor, swept) VALUES ($1, $2, $3, $4)",
            )
            .bind(chain.chain)
            .bind(chain.head)
            .bind(chain.anchor)
            .bind(chain.swept)
            .execute(&mut *target)
            .await?;
        }
        Ok(())
    }
}
