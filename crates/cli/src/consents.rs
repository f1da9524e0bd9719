//! `sealbook consents list`: the consent records, for the business to keep or
//! show a regulator. They hold no personal data, so no key is needed.

use std::io::Write as _;

use anyhow::Context;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_server::Storage;
use sealbook_server::ids::BusinessId;
use sealbook_server::storage::ConsentRecord;
use serde_json::json;

use crate::ConsentFormat;

pub(crate) fn list(db: &str, business: Option<&str>, format: ConsentFormat) -> anyhow::Result<()> {
    let business = business.map(BusinessId::new);
    let records = tokio::runtime::Runtime::new()?.block_on(async {
        let storage = Storage::open(db)
            .await
            .context("cannot open the database")?;
        let records = storage
            .consents(business.as_ref())
            .await
            .context("cannot read consent records")?;
        storage.close().await;
        anyhow::Ok(records)
    })?;
    let output = match format {
        ConsentFormat::Json => {
            let rows: Vec<_> = records.iter().map(to_json).collect();
            format!("{}\n", serde_json::to_string_pretty(&rows)?).into_bytes()
        }
        ConsentFormat::Csv => to_csv(&records)?,
    };
    std::io::stdout().lock().write_all(&output)?;
    Ok(())
}

fn recorded_at(record: &ConsentRecord) -> String {
    jiff::Timestamp::from_second(record.recorded_at)
        .map_or_else(|_| record.recorded_at.to_string(), |time| time.to_string())
}

fn to_json(record: &ConsentRecord) -> serde_json::Value {
    json!({
        "business": record.business.as_str(),
        "consent_id": record.consent_id,
        "recorded_at": recorded_at(record),
        "notice_version": record.notice_version,
        "language": record.language,
        "granted": record.granted,
        "refused": record.refused,
        "services": record.services,
        "action": record.action,
        "notice_hash": URL_SAFE_NO_PAD.encode(record.notice_hash),
    })
}

fn to_csv(records: &[ConsentRecord]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "business",
        "consent_id",
        "recorded_at",
        "notice_version",
        "language",
        "granted",
        "refused",
        "services",
        "action",
        "notice_hash",
    ])?;
    for record in records {
        writer.write_record([
            record.business.as_str().to_owned(),
            record.consent_id.clone(),
            recorded_at(record),
            record.notice_version.clone(),
            record.language.clone(),
            record.granted.join(" "),
            record.refused.join(" "),
            // Service names may hold spaces and commas: a JSON array keeps them apart.
            serde_json::to_string(&record.services)?,
            record.action.clone(),
            URL_SAFE_NO_PAD.encode(record.notice_hash),
        ])?;
    }
    Ok(writer.into_inner()?)
}
