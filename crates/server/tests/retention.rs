//! The retention sweeper, run with a clock the test controls, against a real
//! SQLite file: expired bookings leave every table and the file's bytes.

use jiff::{SignedDuration, Timestamp};
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_server::ids::{BookingId, BusinessId};
use sealbook_server::storage::{BookingFilter, Idempotency, NewBooking};
use sealbook_server::{AppState, Config, Storage, sweeper};
use sha2::{Digest, Sha256};

mod support;
use support::TestDatabase;

const VECTORS: &str = include_str!("../../../tests/vectors/v1.json");

async fn store(
    storage: &Storage,
    recipient: &Recipient,
    ended: Timestamp,
    key: u8,
) -> (BookingId, Vec<u8>) {
    let envelope = seal(
        std::slice::from_ref(recipient),
        &SealParams {
            business: "bistro",
            iat: 1,
        },
        b"{\"name\":\"someone\"}",
        &mut getrandom::SysRng,
    )
    .expect("seal");
    let id = BookingId::generate().expect("randomness");
    let business = BusinessId("bistro".to_owned());
    let hash: [u8; 32] = Sha256::digest(&envelope).into();
    let row = NewBooking {
        id: id.clone(),
        business: business.clone(),
        starts_at: (ended - SignedDuration::from_mins(90)).as_second(),
        ends_at: ended.as_second(),
        party_size: 2,
        service: None,
        practitioner: None,
        envelope: envelope.clone(),
        envelope_hash: hash,
        visitor_copy: Some(envelope.iter().rev().copied().collect()),
        token_hash: Some([key; 32]),
        created_at: 0,
    };
    let idempotency = Idempotency {
        key_hash: [key; 32],
        request_hash: [key; 32],
    };
    storage
        .book(&business, Some(idempotency), (0, 1), hash, |_| Ok(row))
        .await
        .expect("stored");
    (id, envelope)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

async fn bookings_past_retention_are_gone_from_every_table_and_from_the_file(
    database: TestDatabase,
) {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors");
    let pem = vectors[0]["public_key_pem"].as_str().expect("pem");
    let config = Config::from_toml(
        &format!(
            "database = \"{}\"\n[[business]]\nid = \"bistro\"\nname = \"Bistro\"\nkind = \"restaurant\"\n\
             timezone = \"Europe/Paris\"\ncovers = 10\nkeys = [{{ pem = \"\"\"{pem}\"\"\" }}]\n",
            database.url
        ),
        database.dir(),
    )
    .expect("config");
    let retention_days = config.businesses[0].profile.retention_days();
    assert_eq!(retention_days, 30, "the defaults' longest field retention");
    let storage = Storage::open(&config.database).await.expect("storage");
    let state = AppState::new(config, storage.clone());
    let recipient = Recipient::from_spki_pem(pem).expect("key");

    let now: Timestamp = "2027-06-01T12:00:00Z".parse().expect("time");
    let days = |n: i64| SignedDuration::from_hours(24 * n);
    let (expired, expired_bytes) = store(&storage, &recipient, now - days(31), 1).await;
    let (kept, kept_bytes) = store(&storage, &recipient, now - days(29), 2).await;
    let (future, _) = store(&storage, &recipient, now + days(3), 3).await;

    assert_eq!(sweeper::sweep_once(&state, now).await.expect("sweep"), 1);
    let left: Vec<String> = storage
        .bookings(&BookingFilter::default())
        .await
        .expect("list")
        .into_iter()
        .map(|booking| booking.id.to_string())
        .collect();
    assert_eq!(left, [kept.to_string(), future.to_string()]);
    assert!(!left.contains(&expired.to_string()));
    assert_eq!(
        sweeper::sweep_once(&state, now).await.expect("sweep"),
        0,
        "a second pass finds nothing"
    );

    assert_eq!(
        database.count("idempotency_keys").await,
        2,
        "the expired booking's idempotency key went with it"
    );
    storage.close().await;

    let Some(path) = &database.sqlite_path else {
        return;
    };
    let mut file = std::fs::read(path).expect("db file");
    for suffix in ["-wal", "-shm"] {
        file.extend(std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default());
    }
    // A 64-byte run from the middle of the ciphertext: unique to that envelope.
    let sample = |bytes: &[u8]| bytes[bytes.len() / 2..bytes.len() / 2 + 64].to_vec();
    assert!(
        contains(&file, &sample(&kept_bytes)),
        "the scan finds ciphertext that is still there"
    );
    assert!(
        !contains(&file, &sample(&expired_bytes)),
        "deleted ciphertext does not linger in free pages"
    );
}

on_both_backends!(bookings_past_retention_are_gone_from_every_table_and_from_the_file);
