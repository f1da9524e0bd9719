//! Consent records: written once, listed for the business, deleted when their
//! retention ends. Nothing in them identifies a visitor.

use sqlx::AnyConnection;

use super::Storage;
use crate::ids::BusinessId;

/// One consent record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub business: BusinessId,
    pub consent_id: String,
    pub recorded_at: i64,
    pub notice_version: String,
    pub language: String,
    pub granted: Vec<String>,
    pub refused: Vec<String>,
    pub action: String,
    pub notice_hash: [u8; 32],
}

const CONSENT_COLUMNS: &str = "business, consent_id, recorded_at, notice_version, language, granted, refused, action, notice_hash";

/// A `consents` row as stored: the lists comma-separated.
#[derive(sqlx::FromRow)]
struct ConsentRow {
    business: BusinessId,
    consent_id: String,
    recorded_at: i64,
    notice_version: String,
    language: String,
    granted: String,
    refused: String,
    action: String,
    notice_hash: Vec<u8>,
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

impl From<ConsentRow> for ConsentRecord {
    fn from(row: ConsentRow) -> Self {
        Self {
            business: row.business,
            consent_id: row.consent_id,
            recorded_at: row.recorded_at,
            notice_version: row.notice_version,
            language: row.language,
            granted: split(&row.granted),
            refused: split(&row.refused),
            action: row.action,
            notice_hash: row.notice_hash.try_into().unwrap_or([0; 32]),
        }
    }
}

impl Storage {
    /// Stores one record.
    pub async fn record_consent(&self, record: &ConsentRecord) -> Result<(), sqlx::Error> {
        let mut connection = self.pool.acquire().await?;
        Self::insert_consent(&mut connection, record).await
    }

    pub(super) async fn insert_consent(
        connection: &mut AnyConnection,
        record: &ConsentRecord,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "INSERT INTO consents ({CONSENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&record.business)
        .bind(&record.consent_id)
        .bind(record.recorded_at)
        .bind(&record.notice_version)
        .bind(&record.language)
        .bind(record.granted.join(","))
        .bind(record.refused.join(","))
        .bind(&record.action)
        .bind(&record.notice_hash[..])
        .execute(connection)
        .await
        .map(|_| ())
    }

    /// Records in time order, of one business or of all.
    pub async fn consents(
        &self,
        business: Option<&BusinessId>,
    ) -> Result<Vec<ConsentRecord>, sqlx::Error> {
        let rows: Vec<ConsentRow> = sqlx::query_as(&format!(
            "SELECT {CONSENT_COLUMNS} FROM consents WHERE ($1 IS NULL OR business = $1)
             ORDER BY recorded_at, consent_id"
        ))
        .bind(business)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(ConsentRecord::from).collect())
    }

    /// `business`'s records with one consent id (a booking names it), in time order.
    pub async fn consents_with_id(
        &self,
        business: &BusinessId,
        consent_id: &str,
    ) -> Result<Vec<ConsentRecord>, sqlx::Error> {
        let rows: Vec<ConsentRow> = sqlx::query_as(&format!(
            "SELECT {CONSENT_COLUMNS} FROM consents WHERE business = $1 AND consent_id = $2
             ORDER BY recorded_at"
        ))
        .bind(business)
        .bind(consent_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(ConsentRecord::from).collect())
    }

    /// Deletes `business`'s records made before `cutoff` (unix seconds).
    pub async fn sweep_consents(
        &self,
        business: &BusinessId,
        cutoff: i64,
    ) -> Result<u64, sqlx::Error> {
        let deleted = sqlx::query("DELETE FROM consents WHERE business = $1 AND recorded_at < $2")
            .bind(business)
            .bind(cutoff)
            .execute(&self.pool)
            .await?
            .rows_affected();
        if deleted > 0 {
            self.flush_deleted_pages().await?;
        }
        Ok(deleted)
    }
}
