//! Each business's schedule settings, one row per business with a revision that
//! grows by one per change: a server process compares revisions to know what to
//! reload, and a change made from a stale copy is refused.

use super::{NewAuditEntry, Storage};
use crate::ids::BusinessId;
use crate::schedule::ScheduleSettings;

/// A business's stored schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchedule {
    pub revision: i64,
    pub settings: ScheduleSettings,
    pub updated_at: i64,
    /// `sealbook.toml`, `import`, or the id of the staff member who changed it.
    pub updated_by: String,
}

#[derive(sqlx::FromRow)]
struct ScheduleRow {
    revision: i64,
    settings: String,
    updated_at: i64,
    updated_by: String,
}

/// Why a schedule was not read or stored.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// Someone else changed it since the given revision was read.
    #[error("the schedule changed since revision {0} was read")]
    Stale(i64),
    /// What the database holds does not read as settings (written by hand?).
    #[error("the stored schedule of {business} does not read: {reason}")]
    Unreadable {
        business: BusinessId,
        reason: String,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Who changes a schedule, for the row and the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleAuthor<'a> {
    /// `sealbook business import`, by the operator.
    Import,
    /// A member, in the inbox.
    Staff(&'a crate::ids::StaffId),
}

impl ScheduleAuthor<'_> {
    fn name(self) -> String {
        match self {
            Self::Import => "import".to_owned(),
            Self::Staff(id) => id.to_string(),
        }
    }
}

fn to_json(settings: &ScheduleSettings) -> String {
    // A struct of strings, numbers and maps with string keys always serialises.
    serde_json::to_string(settings).unwrap_or_default()
}

impl Storage {
    /// Stores `settings` as `business`'s first schedule, unless it has one:
    /// true when they were stored.
    pub async fn seed_schedule(
        &self,
        business: &BusinessId,
        settings: &ScheduleSettings,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO schedules (business, revision, settings, updated_at, updated_by)
             VALUES ($1, 1, $2, $3, 'sealbook.toml')
             ON CONFLICT (business) DO NOTHING",
        )
        .bind(business)
        .bind(to_json(settings))
        .bind(jiff::Timestamp::now().as_second())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every stored schedule's revision: what a process checks each time it looks for changes.
    pub async fn schedule_revisions(&self) -> Result<Vec<(BusinessId, i64)>, sqlx::Error> {
        sqlx::query_as("SELECT business, revision FROM schedules")
            .fetch_all(&self.pool)
            .await
    }

    /// `business`'s stored schedule, if it has one.
    pub async fn schedule(
        &self,
        business: &BusinessId,
    ) -> Result<Option<StoredSchedule>, ScheduleError> {
        let row: Option<ScheduleRow> = sqlx::query_as(
            "SELECT revision, settings, updated_at, updated_by FROM schedules WHERE business = $1",
        )
        .bind(business)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let settings =
                serde_json::from_str(&row.settings).map_err(|error| ScheduleError::Unreadable {
                    business: business.clone(),
                    reason: error.to_string(),
                })?;
            Ok(StoredSchedule {
                revision: row.revision,
                settings,
                updated_at: row.updated_at,
                updated_by: row.updated_by,
            })
        })
        .transpose()
    }

    /// Replaces `business`'s schedule with `settings` (already checked), if it
    /// is still at `expected` (any revision when `None`), and records who did
    /// it in the audit log, in the same transaction. Returns the new revision.
    pub async fn replace_schedule(
        &self,
        business: &BusinessId,
        settings: &ScheduleSettings,
        expected: Option<i64>,
        author: ScheduleAuthor<'_>,
    ) -> Result<i64, ScheduleError> {
        let now = jiff::Timestamp::now().as_second();
        // The business's capacity lock: a schedule change and a booking of the
        // same business never interleave.
        let mut transaction = self.write_transaction(business).await?;
        let current: Option<i64> =
            sqlx::query_scalar("SELECT revision FROM schedules WHERE business = $1")
                .bind(business)
                .fetch_optional(&mut *transaction)
                .await?;
        if let Some(expected) = expected
            && current != Some(expected)
        {
            return Err(ScheduleError::Stale(expected));
        }
        let revision = current.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO schedules (business, revision, settings, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (business) DO UPDATE SET revision = $2, settings = $3, updated_at = $4,
                 updated_by = $5",
        )
        .bind(business)
        .bind(revision)
        .bind(to_json(settings))
        .bind(now)
        .bind(author.name())
        .execute(&mut *transaction)
        .await?;
        let staff = match author {
            ScheduleAuthor::Staff(id) => Some(id.clone()),
            ScheduleAuthor::Import => None,
        };
        Self::append_audit(
            &mut transaction,
            &NewAuditEntry {
                business: Some(business.clone()),
                at: now,
                staff,
                session: None,
                action: "schedule_changed",
                booking_id: None,
                detail: format!("revision {revision} by {}", author.name()),
            },
        )
        .await?;
        transaction.commit().await?;
        Ok(revision)
    }
}
