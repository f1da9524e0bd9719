//! The consent records counted per period and answer, on both backends: each
//! record falls in the period its time is in (an edge starts the period after
//! it), outside the edges and other businesses' records count nowhere, and
//! the same answer in one period is one row with its count.

mod support;

use sealbook_server::Storage;
use sealbook_server::ids::BusinessId;
use sealbook_server::storage::ConsentRecord;
use support::TestDatabase;

fn record(
    business: &str,
    at: i64,
    action: &str,
    granted: &[&str],
    refused: &[&str],
) -> ConsentRecord {
    let owned = |list: &[&str]| list.iter().map(|id| (*id).to_owned()).collect();
    ConsentRecord {
        business: BusinessId::new(business),
        consent_id: format!("{at:0>22}"),
        recorded_at: at,
        notice_version: "v1".to_owned(),
        language: "en".to_owned(),
        granted: owned(granted),
        refused: owned(refused),
        services: vec![],
        action: action.to_owned(),
        notice_hash: [7; 32],
    }
}

/// The tallies as `(period, action, granted, refused, count)`, lists comma-joined.
async fn tallies(storage: &Storage, edges: &[i64]) -> Vec<(usize, String, String, String, u64)> {
    storage
        .consent_tallies(&BusinessId::new("bistro"), edges)
        .await
        .expect("tallies")
        .into_iter()
        .map(|tally| {
            (
                tally.period,
                tally.action,
                tally.granted.join(","),
                tally.refused.join(","),
                tally.count,
            )
        })
        .collect()
}

fn row(
    period: usize,
    action: &str,
    granted: &str,
    refused: &str,
    count: u64,
) -> (usize, String, String, String, u64) {
    (
        period,
        action.to_owned(),
        granted.to_owned(),
        refused.to_owned(),
        count,
    )
}

async fn records_are_counted_per_period_and_answer(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    let all = ["analytics", "marketing"];
    for record in [
        record("bistro", 99, "accept_all", &all, &[]),
        record("bistro", 100, "accept_all", &all, &[]),
        record("bistro", 150, "accept_all", &all, &[]),
        record("bistro", 199, "reject_all", &[], &all),
        record("bistro", 200, "custom", &["analytics"], &["marketing"]),
        record("bistro", 399, "gpc", &[], &all),
        record("bistro", 400, "accept_all", &all, &[]),
        record("praxis", 150, "accept_all", &all, &[]),
    ] {
        storage.record_consent(&record).await.expect("recorded");
    }
    let both = "analytics,marketing";
    assert_eq!(
        tallies(&storage, &[100, 200, 300, 400]).await,
        [
            row(0, "accept_all", both, "", 2),
            row(0, "reject_all", "", both, 1),
            row(1, "custom", "analytics", "marketing", 1),
            row(2, "gpc", "", both, 1),
        ]
    );
    // One period alone.
    assert_eq!(
        tallies(&storage, &[150, 200]).await,
        [
            row(0, "accept_all", both, "", 1),
            row(0, "reject_all", "", both, 1)
        ]
    );
    // No period: nothing to count.
    assert_eq!(tallies(&storage, &[100]).await, []);
}

on_both_backends!(records_are_counted_per_period_and_answer);
