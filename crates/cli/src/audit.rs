//! `sealbook audit verify`: walks the audit log's hash chains and names the
//! first link that does not hold — what a database owner who dropped the
//! append-only triggers and edited, deleted or reordered entries leaves behind.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_server::Storage;
use sealbook_server::ids::BusinessId;
use sealbook_server::storage::ChainReport;

use crate::database::redact;

/// The exit status when a chain is broken, apart from 1 (could not check) and
/// 2 (usage), so that a monitoring job can tell tampering from an outage.
const BROKEN: u8 = 3;

pub(crate) fn verify(db: &str, business: Option<&str>) -> anyhow::Result<ExitCode> {
    let business = business.map(BusinessId::new);
    let reports = tokio::runtime::Runtime::new()?.block_on(async {
        let storage = Storage::open(db)
            .await
            .with_context(|| format!("cannot open {}", redact(db)))?;
        let reports = storage
            .verify_audit(business.as_ref())
            .await
            .context("cannot read the audit log")?;
        storage.close().await;
        anyhow::Ok(reports)
    })?;
    let mut out = std::io::stdout().lock();
    for report in &reports {
        writeln!(out, "{}", line(report))?;
    }
    let broken = reports
        .iter()
        .filter(|report| report.broken.is_some())
        .count();
    let entries: u64 = reports.iter().map(|report| report.entries).sum();
    if broken > 0 {
        writeln!(out, "BROKEN: {broken} of {} chains", reports.len())?;
        return Ok(ExitCode::from(BROKEN));
    }
    writeln!(out, "OK: {} chains, {entries} entries", reports.len())?;
    Ok(ExitCode::SUCCESS)
}

fn line(report: &ChainReport) -> String {
    let chain = report
        .business
        .as_ref()
        .map_or("(no business)", |business| business.as_str());
    match &report.broken {
        Some(broken) => format!(
            "{chain}: BROKEN at {}: {}",
            broken
                .entry_id
                .as_deref()
                .map_or_else(|| "the chain's head".to_owned(), |id| format!("entry {id}")),
            broken.reason
        ),
        None => {
            let swept = if report.swept > 0 {
                format!(" ({} deleted by retention)", report.swept)
            } else {
                String::new()
            };
            format!(
                "{chain}: OK, {} entries{swept}, head {}",
                report.entries,
                URL_SAFE_NO_PAD.encode(report.head)
            )
        }
    }
}
