//! `sealbook db copy`: every booking, idempotency key, consent record, staff
//! account with its key copies, audit entry and schedule moves from the
//! embedded SQLite file to another database, byte for byte, or nothing moves.

mod support;

use sealbook_server::Storage;
use sealbook_server::ids::{BookingId, BusinessId, StaffId};
use sealbook_server::schedule::ScheduleSettings;
use sealbook_server::storage::{
    Attendance, BookingFilter, ConsentRecord, CopyError, Idempotency, NewAuditEntry, NewBooking,
    NewStaff, Role, ScheduleAuthor, WrappedKey,
};
use support::TestDatabase;

/// A restaurant's schedule with `covers` seats.
fn schedule(covers: u32) -> ScheduleSettings {
    serde_json::from_value(serde_json::json!({
        "hours": { "tue": ["12:00-14:00"] },
        "closures": [{ "from": "2031-01-01", "to": "2031-01-02" }],
        "slot_interval_minutes": 15,
        "min_lead_minutes": 60,
        "horizon_days": 60,
        "seating": { "covers": covers, "max_party_size": 4, "turn_minutes": 90 },
    }))
    .expect("settings")
}

async fn fill(storage: &Storage, count: u8) {
    let business = BusinessId::new("bistro");
    storage
        .seed_schedule(&business, &schedule(10))
        .await
        .expect("seeded");
    storage
        .replace_schedule(
            &business,
            &schedule(12),
            Some(1),
            ScheduleAuthor::Import,
            |_| Ok(Vec::new()),
        )
        .await
        .expect("replaced");
    for index in 0..count {
        let row = NewBooking {
            id: BookingId::generate().expect("randomness"),
            business: business.clone(),
            starts_at: 1_900_000_000 + i64::from(index) * 900,
            ends_at: 1_900_005_400 + i64::from(index) * 900,
            party_size: u32::from(index % 6) + 1,
            service: (index % 2 == 0).then(|| "kg-30".to_owned()),
            practitioner: (index % 2 == 0).then(|| "anna".to_owned()),
            envelope: vec![index; 1100],
            envelope_hash: [index; 32],
            visitor_copy: (index % 3 == 0).then(|| vec![index ^ 0xff; 1100]),
            token_hash: (index % 3 == 0).then_some([index ^ 0x55; 32]),
            created_at: 1_800_000_000,
            contact_card: None,
        };
        let idempotency = (index % 4 == 0).then_some(Idempotency {
            key_hash: [index; 32],
            request_hash: [1; 32],
        });
        storage
            .book(&business, idempotency, (0, 1), [index; 32], |_| Ok(row))
            .await
            .expect("stored");
    }
    for index in 0..count / 10 {
        storage
            .record_consent(&ConsentRecord {
                business: business.clone(),
                consent_id: format!("consent-{index:016}"),
                recorded_at: 1_800_000_000 + i64::from(index),
                notice_version: "v1".to_owned(),
                language: "de".to_owned(),
                granted: vec!["analytics".to_owned()],
                refused: vec!["marketing".to_owned()],
                services: vec![],
                action: "custom".to_owned(),
                notice_hash: [index; 32],
            })
            .await
            .expect("recorded");
    }
    let owner = StaffId::generate().expect("randomness");
    storage
        .create_staff(
            &NewStaff {
                id: owner.clone(),
                business: business.clone(),
                email: "owner@bistro.example".to_owned(),
                role: Role::Owner,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
                created_at: 1_800_000_000,
            },
            &[WrappedKey {
                kid: "sha256:test".to_owned(),
                blob: vec![0x30; 40],
            }],
        )
        .await
        .expect("owner");
    for action in ["login", "listed", "opened"] {
        storage
            .audit(&NewAuditEntry {
                business: Some(business.clone()),
                at: 1_800_000_000,
                staff: Some(owner.clone()),
                session: Some("abcdefgh".to_owned()),
                action,
                booking_id: None,
                detail: String::new(),
            })
            .await
            .expect("audited");
    }
    let marked = storage
        .bookings(&BookingFilter::default())
        .await
        .expect("list")
        .remove(0);
    storage
        .set_attendance(&business, marked.id.as_str(), Some(Attendance::Arrived))
        .await
        .expect("marked");
}

async fn copies_everything_into_an_empty_database(target: TestDatabase) {
    let source = support::sqlite().await;
    let from = Storage::open(&source.url).await.expect("source");
    fill(&from, 120).await;
    let to = Storage::open(&target.url).await.expect("target");
    // A server started on the new database before the copy seeded its own.
    let bistro = BusinessId::new("bistro");
    to.seed_schedule(&bistro, &schedule(2))
        .await
        .expect("seeded");

    let progress = std::sync::Mutex::new(Vec::new());
    let copied = from
        .copy_to(&to, |done| progress.lock().expect("lock").push(done))
        .await
        .expect("copy");
    assert_eq!(copied, 120);
    assert_eq!(
        progress.into_inner().expect("lock"),
        [120],
        "one page of up to 500"
    );
    let everything = BookingFilter::default();
    assert_eq!(
        from.bookings(&everything).await.expect("list"),
        to.bookings(&everything).await.expect("list")
    );
    assert_eq!(target.count("idempotency_keys").await, 30);
    assert_eq!(
        to.consents(None).await.expect("consents"),
        from.consents(None).await.expect("consents"),
        "the consent records move too"
    );
    assert_eq!(target.count("consents").await, 12);
    assert_eq!(
        to.schedule(&bistro).await.expect("schedule"),
        from.schedule(&bistro).await.expect("schedule"),
        "the schedule the business ran on moves, revision and all"
    );
    let (theirs, ours) = (
        from.staff_of(&bistro).await.expect("staff"),
        to.staff_of(&bistro).await.expect("staff"),
    );
    assert_eq!(theirs, ours, "accounts move with their password hashes");
    assert_eq!(
        to.wrapped_keys(&ours[0].id).await.expect("keys"),
        from.wrapped_keys(&theirs[0].id).await.expect("keys")
    );
    assert_eq!(
        to.audit_log(&bistro, 10).await.expect("audit"),
        from.audit_log(&bistro, 10).await.expect("audit"),
        "the audit log moves, in order"
    );
    let chains = to.verify_audit(None).await.expect("verify");
    assert!(
        chains.iter().all(|chain| chain.broken.is_none()),
        "{chains:?}"
    );
    assert_eq!(
        chains,
        from.verify_audit(None).await.expect("verify"),
        "the chains move with their links, anchors and heads"
    );
    let window = (0, i64::MAX);
    assert_eq!(
        to.inbox_bookings(&bistro, window).await.expect("list"),
        from.inbox_bookings(&bistro, window).await.expect("list"),
        "attendance marks move too"
    );

    assert!(
        matches!(
            from.copy_to(&to, |_| {}).await,
            Err(CopyError::TargetNotEmpty)
        ),
        "never merges into data"
    );
    assert_eq!(target.count("bookings").await, 120);
}

on_both_backends!(copies_everything_into_an_empty_database);
