//! The retention sweeper, run with a clock the test controls, on both backends:
//! expired bookings leave every table and the SQLite file's bytes; consent
//! records past their notice's retention, ended sessions, expired invites and
//! expired reset links go too, and nothing younger does. On SQLite, it also
//! finishes an erase whose bytes a reader kept in the WAL. A huge retention
//! does not panic a pass, and a failed pass shows in `/readyz` and the metrics.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_server::ids::{BookingId, BusinessId, StaffId};
use sealbook_server::storage::{
    BookingFilter, ConsentRecord, Idempotency, NewBooking, NewInvite, NewReset, NewSession,
    NewStaff, Role,
};
use sealbook_server::{AppState, Config, Storage, app, sweeper};
use sealbook_testkit::{Business, ServerConfig, vector_public_key};
use sha2::{Digest, Sha256};
use tower::ServiceExt as _;

mod support;
use support::TestDatabase;

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
    let business = BusinessId::new("bistro");
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
        token_hash: Some(Sha256::digest(manage_token(key)).into()),
        created_at: 0,
        contact_card: None,
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

/// The manage token of the booking [`store`] made with `key`.
fn manage_token(key: u8) -> [u8; 32] {
    [key; 32]
}

/// A 64-byte run from the middle of a ciphertext: unique to that envelope.
fn sample(bytes: &[u8]) -> Vec<u8> {
    bytes[bytes.len() / 2..bytes.len() / 2 + 64].to_vec()
}

/// The bistro in Paris with 10 covers, keyed with the first test vector's key.
fn bistro() -> Business {
    Business::bistro().extend("timezone = \"Europe/Paris\"\ncovers = 10")
}

fn config(database: &TestDatabase) -> (Config, Recipient) {
    let config = ServerConfig::new(&database.url).business(bistro()).toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    (
        config,
        Recipient::from_spki_pem(&vector_public_key(0)).expect("key"),
    )
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

async fn bookings_past_retention_are_gone_from_every_table_and_from_the_file(
    database: TestDatabase,
) {
    let (config, recipient) = config(&database);
    let retention_days = config.businesses[0].profile.retention_days();
    assert_eq!(retention_days, 30, "the defaults' longest field retention");
    let storage = Storage::open(&config.database).await.expect("storage");
    let state = AppState::new(config, storage.clone());

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
    assert!(
        contains(&file, &sample(&kept_bytes)),
        "the scan finds ciphertext that is still there"
    );
    assert!(
        !contains(&file, &sample(&expired_bytes)),
        "deleted ciphertext does not linger in free pages"
    );
}

async fn consents_sessions_invites_and_reset_links_go_when_they_expire(database: TestDatabase) {
    let config = ServerConfig::new(&database.url)
        .business(bistro().extend(
            r#"
            [consent]
            version = "2027-01"
            privacy_policy = "https://bistro.example/privacy"
            retention_days = 30
            [[consent.categories]]
            id = "necessary"
            description = { en = "Keeps your cookie choice." }
            "#,
        ))
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    let state = AppState::new(config, storage.clone());
    let now: Timestamp = "2027-06-01T12:00:00Z".parse().expect("time");
    let at = |offset: SignedDuration| (now + offset).as_second();
    let days = |n: i64| SignedDuration::from_hours(24 * n);
    let minutes = SignedDuration::from_mins;
    let business = BusinessId::new("bistro");

    for (tag, recorded) in [(1u8, -31), (2, -29)] {
        storage
            .record_consent(&ConsentRecord {
                business: business.clone(),
                consent_id: format!("consent-{tag:014}"),
                recorded_at: at(days(recorded)),
                notice_version: "2027-01".to_owned(),
                language: "fr".to_owned(),
                granted: vec![],
                refused: vec![],
                services: vec![],
                action: "reject_all".to_owned(),
                notice_hash: [tag; 32],
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
                created_at: at(days(-100)),
            },
            &[],
        )
        .await
        .expect("owner");
    // Past its absolute end; idle for two hours (the limit is one); in use.
    for (tag, created, expires) in [
        (1u8, minutes(-13 * 60), minutes(-60)),
        (2, minutes(-120), minutes(10 * 60)),
        (3, minutes(-10), minutes(12 * 60)),
    ] {
        storage
            .create_session(&NewSession {
                id_hash: [tag; 32],
                staff: owner.clone(),
                csrf: format!("csrf-{tag}"),
                created_at: at(created),
                expires_at: at(expires),
            })
            .await
            .expect("session");
    }
    for (tag, expires) in [(1u8, minutes(-1)), (2, days(1))] {
        storage
            .create_invite(&NewInvite {
                token_hash: [tag; 32],
                business: business.clone(),
                email: format!("member-{tag}@bistro.example"),
                keys: vec![],
                created_by: owner.clone(),
                expires_at: at(expires),
            })
            .await
            .expect("invite");
    }
    for (tag, expires) in [(1u8, minutes(-1)), (2, minutes(60))] {
        let member = StaffId::generate().expect("randomness");
        storage
            .create_staff(
                &NewStaff {
                    id: member.clone(),
                    business: business.clone(),
                    email: format!("staff-{tag}@bistro.example"),
                    role: Role::Staff,
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
                    created_at: at(days(-100)),
                },
                &[],
            )
            .await
            .expect("member");
        storage
            .create_reset(&NewReset {
                token_hash: [tag; 32],
                staff_id: member,
                created_by: owner.clone(),
                expires_at: at(expires),
            })
            .await
            .expect("reset");
    }

    sweeper::sweep_once(&state, now).await.expect("sweep");
    let consents = storage.consents(None).await.expect("list");
    let kept: Vec<&str> = consents.iter().map(|c| c.consent_id.as_str()).collect();
    assert_eq!(
        kept,
        [format!("consent-{:014}", 2)],
        "31 days old goes, 29 stays"
    );
    // Which rows are left, not only how many: the live ones.
    let mut connection = database.connect().await;
    let sessions: Vec<(String,)> = sqlx::query_as("SELECT csrf FROM sessions")
        .fetch_all(&mut connection)
        .await
        .expect("sessions");
    assert_eq!(
        sessions,
        [("csrf-3".to_owned(),)],
        "only the session in use"
    );
    let invites: Vec<(String,)> = sqlx::query_as("SELECT email FROM invites")
        .fetch_all(&mut connection)
        .await
        .expect("invites");
    assert_eq!(
        invites,
        [("member-2@bistro.example".to_owned(),)],
        "only the open invite"
    );
    let resets: Vec<(Vec<u8>,)> = sqlx::query_as("SELECT token_hash FROM login_resets")
        .fetch_all(&mut connection)
        .await
        .expect("resets");
    assert_eq!(resets, [(vec![2u8; 32],)], "only the open link");
    storage.close().await;
}

/// A reader that holds a snapshot from before an erase keeps SQLite from
/// truncating the WAL, so the erased ciphertext's old page stays in it. The
/// erase must not pass that off as done: it is recorded as pending (in the
/// database, so a restart does not forget it) and counted in the metrics, and
/// the sweeper's next pass, once the reader is gone, truncates the WAL.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_erase_a_reader_holds_up_is_finished_by_the_next_sweep() {
    let database = support::sqlite().await;
    let path = database.sqlite_path.clone().expect("a SQLite file");
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    let (config, recipient) = config(&database);
    let storage = Storage::open(&config.database).await.expect("storage");
    let state = AppState::new(config.clone(), storage.clone());
    let now: Timestamp = "2027-06-01T12:00:00Z".parse().expect("time");
    let (id, envelope) = store(
        &storage,
        &recipient,
        now + SignedDuration::from_hours(72),
        7,
    )
    .await;
    let canary = sample(&envelope);
    let on_disk = |file: &std::path::Path| std::fs::read(file).unwrap_or_default();
    let pending = |state: &AppState| {
        state
            .metrics()
            .render()
            .lines()
            .find(|line| line.starts_with("sealbook_pending_erasures "))
            .map(str::to_owned)
    };

    let mut reader = database.connect().await;
    sqlx::query("BEGIN")
        .execute(&mut reader)
        .await
        .expect("begin");
    let (seen,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bookings")
        .fetch_one(&mut reader)
        .await
        .expect("read");
    assert_eq!(seen, 1, "the reader's snapshot holds the booking");

    let erase = Request::delete(format!("/api/v1/bookings/{id}"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", URL_SAFE_NO_PAD.encode(manage_token(7))),
        )
        .body(Body::empty())
        .expect("request");
    let response = app(state.clone()).oneshot(erase).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(
        contains(&on_disk(&wal), &canary),
        "the reader pins the erased ciphertext in the WAL (else this test proves nothing)"
    );
    assert_eq!(
        pending(&state).as_deref(),
        Some("sealbook_pending_erasures 1"),
        "the erase does not claim a clean WAL"
    );
    assert_eq!(
        database.count("pending_erasures").await,
        1,
        "recorded durably"
    );

    sqlx::query("COMMIT")
        .execute(&mut reader)
        .await
        .expect("commit");
    drop(reader);
    // As if the server had restarted: the record, not this process's memory, says what is left to do.
    let restarted = AppState::new(
        config.clone(),
        Storage::open(&config.database).await.expect("storage"),
    );
    sweeper::sweep_once(&restarted, now).await.expect("sweep");
    assert_eq!(
        pending(&restarted).as_deref(),
        Some("sealbook_pending_erasures 0")
    );
    assert_eq!(database.count("pending_erasures").await, 0);
    for file in [&path, &wal] {
        assert!(
            !contains(&on_disk(file), &canary),
            "the erased ciphertext is gone from {}",
            file.display()
        );
    }
    storage.close().await;
}

/// A retention no configuration file may set any more (it is refused at load)
/// but code can still build: the sweep keeps everything instead of panicking,
/// at the extremes of time too.
async fn an_extreme_retention_keeps_bookings_instead_of_panicking(database: TestDatabase) {
    let (mut config, recipient) = config(&database);
    for field in &mut config.businesses[0].profile.fields {
        field.retention_days = u32::MAX;
    }
    let storage = Storage::open(&config.database).await.expect("storage");
    let state = AppState::new(config, storage.clone());
    let now: Timestamp = "2027-06-01T12:00:00Z".parse().expect("time");
    store(
        &storage,
        &recipient,
        now - SignedDuration::from_hours(24 * 365 * 50),
        1,
    )
    .await;
    for now in [now, Timestamp::MIN, Timestamp::MAX] {
        assert_eq!(
            sweeper::sweep_once(&state, now).await.expect("sweep"),
            0,
            "nothing is that old at {now}"
        );
    }
    storage.close().await;
}

/// A pass that fails (here a table it needs is gone) turns `/readyz` to 503 and
/// counts in the metrics; the next good pass turns it back.
async fn a_failing_sweep_shows_in_readyz_and_the_metrics(database: TestDatabase) {
    let (config, _) = config(&database);
    let storage = Storage::open(&config.database).await.expect("storage");
    let state = AppState::new(config, storage.clone());
    let now = Timestamp::now();
    let ready = async |state: &AppState| {
        let response = app(state.clone())
            .oneshot(
                Request::get("/readyz")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        let status = response.status();
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .expect("body")
            .to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    };
    let metric = |state: &AppState, name: &str| {
        state
            .metrics()
            .render()
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")).map(str::to_owned))
    };
    assert_eq!(ready(&state).await.0, StatusCode::OK);

    let mut connection = database.connect().await;
    sqlx::query("ALTER TABLE login_resets RENAME TO login_resets_away")
        .execute(&mut connection)
        .await
        .expect("rename");
    assert!(
        sweeper::sweep_once(&state, now).await.is_err(),
        "the pass fails"
    );
    let (status, body) = ready(&state).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("\"sweeper_failing\""), "{body}");
    assert_eq!(
        metric(&state, "sealbook_sweeper_failures_total").as_deref(),
        Some("1")
    );

    sqlx::query("ALTER TABLE login_resets_away RENAME TO login_resets")
        .execute(&mut connection)
        .await
        .expect("rename back");
    sweeper::sweep_once(&state, now).await.expect("sweep");
    assert_eq!(ready(&state).await.0, StatusCode::OK);
    assert_eq!(
        metric(&state, "sealbook_sweeper_failures_total").as_deref(),
        Some("1")
    );
    assert_eq!(
        metric(&state, "sealbook_sweeper_last_success_timestamp_seconds"),
        Some(now.as_second().to_string())
    );
    storage.close().await;
}

on_both_backends!(
    an_extreme_retention_keeps_bookings_instead_of_panicking,
    a_failing_sweep_shows_in_readyz_and_the_metrics,
    bookings_past_retention_are_gone_from_every_table_and_from_the_file,
    consents_sessions_invites_and_reset_links_go_when_they_expire,
);
