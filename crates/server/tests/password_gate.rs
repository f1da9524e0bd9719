//! Unauthenticated routes that take a new password (a reset link, an
//! invitation) must not let anyone spend the server's argon2 budget, and no
//! burst of sign-ins may run more argon2 hashes at once than there are cores.
//!
//! A test binary of its own: it reads this process's argon2 counters, which
//! any other test signing in at the same time would move.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt as _;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_server::auth::password;
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig, vector_public_key};
use serde_json::{Value, json};
use tower::ServiceExt as _;

mod support;

const BOGUS_RESETS: usize = 500;
const BOGUS_INVITES: usize = 100;
const BOOKINGS: usize = 40;

async fn state() -> (Router, Recipient, support::TestDatabase) {
    let database = support::sqlite().await;
    // Seats for every booking the load sends.
    let config = ServerConfig::new(&database.url)
        .business(Business::bistro_du_coin().set("covers", 10_000))
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    let recipient = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");
    (app(AppState::new(config, storage)), recipient, database)
}

/// Sends one request; its status, error code and how long the answer took.
async fn timed(service: &Router, request: Request<Body>) -> (StatusCode, String, Duration) {
    let started = Instant::now();
    let response = service.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (status, code, started.elapsed())
}

fn post(path: &str, body: &Value) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn booking(recipient: &Recipient) -> Request<Body> {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb");
    let start = jiff::Timestamp::now()
        .to_zoned(tz.clone())
        .date()
        .checked_add(jiff::Span::new().days(2))
        .expect("date")
        .at(12, 0, 0, 0)
        .to_zoned(tz)
        .expect("noon exists")
        .timestamp();
    let plaintext = json!({ "v": 1, "name": "Ada", "party_size": 2 });
    let envelope = seal(
        std::slice::from_ref(recipient),
        &SealParams {
            business: "bistro-du-coin",
            iat: 1_790_000_000,
        },
        plaintext.to_string().as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    post(
        "/api/v1/businesses/bistro-du-coin/bookings",
        &json!({ "envelope": URL_SAFE_NO_PAD.encode(envelope), "start": start.to_string(), "party_size": 2 }),
    )
}

/// A well-formed token that no link was issued for.
fn made_up_token() -> String {
    let mut token = [0u8; 32];
    getrandom::fill(&mut token).expect("randomness");
    URL_SAFE_NO_PAD.encode(token)
}

/// The 99th percentile of `BOOKINGS` bookings sent eight at a time.
async fn booking_p99(
    state: &Router,
    recipient: &Recipient,
    attack: impl Future<Output = ()>,
) -> Duration {
    let bookings = async {
        let mut times = Vec::with_capacity(BOOKINGS);
        for _ in 0..BOOKINGS / 8 {
            let round: Vec<_> = (0..8)
                .map(|_| {
                    tokio::spawn({
                        let (state, request) = (state.clone(), booking(recipient));
                        async move { timed(&state, request).await }
                    })
                })
                .collect();
            for answer in round {
                let (status, code, took) = answer.await.expect("no panic");
                assert_eq!(status, StatusCode::CREATED, "{code}");
                times.push(took);
            }
        }
        times.sort();
        times[times.len() * 99 / 100]
    };
    let (p99, ()) = tokio::join!(bookings, attack);
    p99
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn made_up_links_cost_no_password_hash_and_hashes_wait_their_turn() {
    let (state, recipient, _database) = state().await;
    let quiet_p99 = booking_p99(&state, &recipient, async {}).await;

    // Hundreds of made-up links with long passwords, all at once.
    let hashes_before = password::computed();
    let long_password = "p".repeat(16 * 1024);
    let attack = async {
        let mut attempts = Vec::new();
        for round in 0..BOGUS_RESETS + BOGUS_INVITES {
            let path = if round < BOGUS_RESETS {
                "/api/v1/auth/reset"
            } else {
                "/api/v1/auth/accept-invite"
            };
            let request = post(
                path,
                &json!({ "token": made_up_token(), "password": long_password }),
            );
            let state = state.clone();
            attempts.push(tokio::spawn(async move { timed(&state, request).await }));
        }
        for attempt in attempts {
            let (status, code, _) = attempt.await.expect("no panic");
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::NOT_FOUND, "not_found")
            );
        }
    };
    let attacked_p99 = booking_p99(&state, &recipient, attack).await;
    assert_eq!(
        password::computed() - hashes_before,
        0,
        "a made-up token is refused before its password is hashed"
    );
    eprintln!(
        "bookings p99: {quiet_p99:?} quiet, {attacked_p99:?} during {BOGUS_RESETS} resets and \
         {BOGUS_INVITES} invitations with made-up tokens"
    );
    // A ratio within one run, never a time: the refusals are one indexed read
    // each; before, each was an argon2 hash and bookings waited seconds.
    assert!(
        attacked_p99 <= quiet_p99 * 25,
        "bookings slowed from {quiet_p99:?} to {attacked_p99:?}"
    );

    // Sign-ins with addresses that have no account still cost a (dummy) hash
    // each: however many come at once, at most one hash per core runs.
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let hashes_before = password::computed();
    let mut logins = Vec::new();
    for round in 0..cores * 4 {
        let request = post(
            "/api/v1/auth/login",
            &json!({ "email": format!("nobody-{round}@bistro.example"), "password": "not the password" }),
        );
        let state = state.clone();
        logins.push(tokio::spawn(async move { timed(&state, request).await }));
    }
    for login in logins {
        let (status, code, _) = login.await.expect("no panic");
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "login_failed")
        );
    }
    assert_eq!(password::computed() - hashes_before, (cores * 4) as u64);
    assert!(
        password::most_running() <= cores,
        "{} hashes ran at once on {cores} cores",
        password::most_running()
    );
}
