//! `sealbook migrate` and `sealbook db copy` as an operator runs them: the
//! migration creates a new SQLite file and can run again; the copy moves every
//! booking and consent record into an empty SQLite or PostgreSQL database, says
//! how many, and refuses a target that already holds bookings without touching it.
//! (What the copy moves, column by column, is `crates/server/tests/copy.rs`.)

use std::process::{Command, Output};

use sealbook_server::Storage;
use sealbook_server::ids::{BookingId, BusinessId};
use sealbook_server::storage::{ConsentRecord, NewBooking};

#[path = "../../server/tests/support/mod.rs"]
mod support;

const BOOKINGS: u8 = 3;

fn sealbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(args)
        .output()
        .expect("sealbook runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Three bookings and one consent record, as the server would have stored them.
async fn fill(database: &str) {
    let storage = Storage::open(database)
        .await
        .expect("the migrated file opens");
    let business = BusinessId::new("bistro");
    for index in 0..BOOKINGS {
        let row = NewBooking {
            id: BookingId::generate().expect("randomness"),
            business: business.clone(),
            starts_at: 1_900_000_000 + i64::from(index) * 900,
            ends_at: 1_900_005_400 + i64::from(index) * 900,
            party_size: 2,
            service: None,
            practitioner: None,
            envelope: vec![index; 1100],
            envelope_hash: [index; 32],
            visitor_copy: None,
            token_hash: None,
            created_at: 1_800_000_000,
            contact_card: None,
        };
        storage
            .book(&business, None, (0, 1), [index; 32], |_| Ok(row))
            .await
            .expect("stored");
    }
    storage
        .record_consent(&ConsentRecord {
            business,
            consent_id: "AAAAAAAAAAAAAAAAAAAAAA".to_owned(),
            recorded_at: 1_800_000_000,
            notice_version: "2026-11".to_owned(),
            language: "fr".to_owned(),
            granted: vec![],
            refused: vec!["analytics".to_owned()],
            services: vec![],
            action: "reject_all".to_owned(),
            notice_hash: [1; 32],
        })
        .await
        .expect("recorded");
    storage.close().await;
}

async fn an_operator_migrates_then_copies_into(target: support::TestDatabase) {
    let file = target.dir().join("embedded.db");
    let source = format!("sqlite://{}", file.display());

    let migrated = sealbook(&["migrate", "--db", &source]);
    assert!(migrated.status.success(), "{migrated:?}");
    assert!(file.exists(), "migrate creates the SQLite file");
    assert_eq!(stdout(&migrated), format!("{source} is up to date\n"));
    let again = sealbook(&["migrate", "--db", &source]);
    assert!(
        again.status.success(),
        "a second migration is a no-op: {again:?}"
    );

    fill(&source).await;
    let copied = sealbook(&["db", "copy", "--from", &source, "--to", &target.url]);
    assert!(copied.status.success(), "{copied:?}");
    assert!(
        stdout(&copied).starts_with(&format!("copied {BOOKINGS} bookings from {source} to ")),
        "{}",
        stdout(&copied)
    );
    assert_eq!(target.count("bookings").await, i64::from(BOOKINGS));
    assert_eq!(target.count("consents").await, 1);

    // A second copy would duplicate: refused, with the reason, and nothing written.
    let refused = sealbook(&["db", "copy", "--from", &source, "--to", &target.url]);
    assert!(!refused.status.success(), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("already holds bookings"),
        "{refused:?}"
    );
    assert_eq!(target.count("bookings").await, i64::from(BOOKINGS));
    assert_eq!(target.count("consents").await, 1);
}

on_both_backends!(an_operator_migrates_then_copies_into);
