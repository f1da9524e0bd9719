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
    /// Services allowed on their own although their category is refused.
    pub services: Vec<String>,
    pub action: String,
    pub notice_hash: [u8; 32],
}

const CONSENT_COLUMNS: &str = "business, consent_id, recorded_at, notice_version, language, granted, refused, services, action, notice_hash";

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
    /// A JSON array: service names are the business's own words, commas included.
    services: String,
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
            // Only `insert_consent` writes the column, always a JSON array of strings.
            services: serde_json::from_str(&row.services).unwrap_or_default(),
            action: row.action,
            notice_hash: row.notice_hash.try_into().unwrap_or([0; 32]),
        }
    }
}

/// How many of a business's records in one period had the same answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentTally {
    /// The period: `edges[period] <= recorded_at < edges[period + 1]`.
    pub period: usize,
    pub action: String,
    pub granted: Vec<String>,
    pub refused: Vec<String>,
    pub count: u64,
}

#[derive(sqlx::FromRow)]
struct TallyRow {
    period: i64,
    action: String,
    granted: String,
    refused: String,
    count: i64,
}

impl Storage {
    /// `business`'s records counted per period and answer, the periods being
    /// consecutive between `edges` (unix seconds, ascending, at least two):
    /// the database does the counting, so the rows are as many as the distinct
    /// answers, however many visitors chose.
    pub async fn consent_tallies(
        &self,
        business: &BusinessId,
        edges: &[i64],
    ) -> Result<Vec<ConsentTally>, sqlx::Error> {
        let Some(last) = edges.len().checked_sub(1).filter(|last| *last > 0) else {
            return Ok(Vec::new());
        };
        // $1 is the business, $2… the edges: period p ends at edge p + 1, bound as $(p + 3).
        let period = if last == 1 {
            "0".to_owned()
        } else {
            let before: String = (0..last - 1)
                .map(|p| format!("WHEN recorded_at < ${} THEN {p} ", p + 3))
                .collect();
            format!("CASE {before}ELSE {} END", last - 1)
        };
        let sql = format!(
            "SELECT CAST({period} AS BIGINT) AS period, action, granted, refused,
                    COUNT(*) AS count
             FROM consents
             WHERE business = $1 AND recorded_at >= $2 AND recorded_at < ${}
             GROUP BY 1, action, granted, refused
             ORDER BY 1, action, granted, refused",
            last + 2,
        );
        let mut query = sqlx::query_as::<_, TallyRow>(&sql).bind(business);
        for edge in edges {
            query = query.bind(*edge);
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|row| ConsentTally {
                period: usize::try_from(row.period).unwrap_or(usize::MAX),
                action: row.action,
                granted: split(&row.granted),
                refused: split(&row.refused),
                count: u64::try_from(row.count).unwrap_or(0),
            })
            .collect())
    }

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
            "INSERT INTO consents ({CONSENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(&record.business)
        .bind(&record.consent_id)
        .bind(record.recorded_at)
        .bind(&record.notice_version)
        .bind(&record.language)
        .bind(record.granted.join(","))
        .bind(record.refused.join(","))
        .bind(serde_json::to_string(&record.services).unwrap_or_else(|_| "[]".to_owned()))
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
