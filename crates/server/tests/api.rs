//! The booking API, called in-process with `oneshot` against a real SQLite file.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt as _;
use sealbook_envelope::{Identity, Recipient, SealParams, seal};
use sealbook_server::storage::BookingFilter;
use sealbook_server::{AppState, Config, Storage, app};
use serde_json::{Value, json};
use tower::ServiceExt as _;

const VECTORS: &str = include_str!("../../../tests/vectors/v1.json");
const CANARY: &str = "Canary-7f3a9c-Marchetti";

struct Fixture {
    state: AppState,
    storage: Storage,
    db_path: std::path::PathBuf,
    recipient: Recipient,
    identity: Identity,
    other_recipient: Recipient,
    _dir: tempfile::TempDir,
}

fn vector_key(index: usize) -> (Recipient, Identity) {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors parse");
    let vector = &vectors[index];
    (
        Recipient::from_spki_pem(vector["public_key_pem"].as_str().expect("pem")).expect("key"),
        Identity::from_pkcs8_pem(vector["private_key_pem"].as_str().expect("pem")).expect("key"),
    )
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let (recipient, identity) = vector_key(0);
    let (other_recipient, _) = vector_key(1);
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors parse");
    let config = format!(
        r#"
        database = "sqlite://{db}"
        [[business]]
        id = "bistro-du-coin"
        name = "Bistro du Coin"
        allowed_origins = ["http://host.test"]
        max_party_size = 12
        keys = [{{ pem = """{pem}""" }}]

        [[business]]
        id = "praxis-am-see"
        name = "Praxis am See"
        keys = [{{ pem = """{other}""" }}]
        "#,
        db = dir.path().join("test.db").display(),
        pem = vectors[0]["public_key_pem"].as_str().expect("pem"),
        other = vectors[1]["public_key_pem"].as_str().expect("pem"),
    );
    let config = Config::from_toml(&config, dir.path()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    Fixture {
        state: AppState::new(config, storage.clone()),
        storage,
        db_path: dir.path().join("test.db"),
        recipient,
        identity,
        other_recipient,
        _dir: dir,
    }
}

fn future_start() -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(48)).to_string()
}

fn sealed_booking(recipient: &Recipient, business: &str) -> String {
    let plaintext = json!({ "v": 1, "name": CANARY, "contact": { "phone": "+33 6 00 00 00 00" }, "party_size": 4 });
    let envelope = seal(
        std::slice::from_ref(recipient),
        &SealParams {
            business,
            iat: 1_790_000_000,
        },
        plaintext.to_string().as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    URL_SAFE_NO_PAD.encode(envelope)
}

async fn post(
    state: &AppState,
    business: &str,
    content_type: &str,
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let request = Request::post(format!("/api/v1/businesses/{business}/bookings"))
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .expect("request");
    let response = app(state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn post_json(state: &AppState, business: &str, body: &Value) -> (StatusCode, Value) {
    post(state, business, "application/json", body.to_string()).await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no code>")
}

#[tokio::test]
async fn a_sealed_booking_is_stored_as_ciphertext_only() {
    let fixture = fixture().await;
    let body = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": future_start(), "party_size": 4 });
    let (status, response) = post_json(&fixture.state, "bistro-du-coin", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{response}");
    let id = response["id"].as_str().expect("an id");

    let stored = fixture
        .storage
        .bookings(&BookingFilter::default())
        .await
        .expect("list");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id.as_str(), id);
    assert_eq!(stored[0].party_size, 4);
    let opened =
        sealbook_envelope::open(std::slice::from_ref(&fixture.identity), &stored[0].envelope)
            .expect("opens");
    assert!(String::from_utf8_lossy(&opened.plaintext).contains(CANARY));

    fixture.storage.close().await;
    let mut database = std::fs::read(&fixture.db_path).expect("db file");
    if let Ok(wal) = std::fs::read(fixture.db_path.with_extension("db-wal")) {
        database.extend_from_slice(&wal);
    }
    assert!(
        !database
            .windows(CANARY.len())
            .any(|window| window == CANARY.as_bytes())
    );
}

#[tokio::test]
async fn the_key_set_lists_active_keys_with_their_kids() {
    let fixture = fixture().await;
    let request = Request::get("/api/v1/businesses/bistro-du-coin/keys")
        .body(Body::empty())
        .expect("request");
    let response = app(fixture.state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = serde_json::from_slice(
        &response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes(),
    )
    .expect("json");
    assert_eq!(body["keys"][0]["kid"], fixture.recipient.kid().as_str());
    assert_eq!(body["keys"][0]["status"], "active");
    let spki = URL_SAFE_NO_PAD
        .decode(body["keys"][0]["spki"].as_str().expect("spki"))
        .expect("base64url");
    assert_eq!(
        Recipient::from_spki_der(&spki).expect("key").kid(),
        fixture.recipient.kid()
    );

    let request = Request::get("/api/v1/businesses/nope/keys")
        .body(Body::empty())
        .expect("request");
    let response = app(fixture.state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_gets_a_typed_error_and_stores_nothing() {
    let fixture = fixture().await;
    let state = &fixture.state;
    let good = sealed_booking(&fixture.recipient, "bistro-du-coin");
    let start = future_start();
    let past = (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1)).to_string();
    let cases: Vec<(&str, &str, &str, String, StatusCode, &str)> = vec![
        ("wrong content type", "bistro-du-coin", "text/plain", json!({ "envelope": good, "start": start, "party_size": 2 }).to_string(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("not json", "bistro-du-coin", "application/json", "{\"envelope\":".to_owned(), StatusCode::BAD_REQUEST, "bad_request"),
        ("unknown field", "bistro-du-coin", "application/json", json!({ "envelope": good, "start": start, "party_size": 2, "name": "x" }).to_string(), StatusCode::BAD_REQUEST, "bad_request"),
        ("huge number", "bistro-du-coin", "application/json", format!("{{\"envelope\":\"{good}\",\"start\":\"{start}\",\"party_size\":1e400}}"), StatusCode::BAD_REQUEST, "bad_request"),
        ("oversized", "bistro-du-coin", "application/json", json!({ "envelope": "A".repeat(70_000), "start": start, "party_size": 2 }).to_string(), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ("unknown business", "nope", "application/json", json!({ "envelope": good, "start": start, "party_size": 2 }).to_string(), StatusCode::NOT_FOUND, "unknown_business"),
        ("not base64", "bistro-du-coin", "application/json", json!({ "envelope": "***", "start": start, "party_size": 2 }).to_string(), StatusCode::BAD_REQUEST, "malformed_envelope"),
        ("not an envelope", "bistro-du-coin", "application/json", json!({ "envelope": "U0JLAQAAAAJ7fQ", "start": start, "party_size": 2 }).to_string(), StatusCode::BAD_REQUEST, "malformed_envelope"),
        ("sealed for another business", "bistro-du-coin", "application/json", json!({ "envelope": sealed_booking(&fixture.recipient, "praxis-am-see"), "start": start, "party_size": 2 }).to_string(), StatusCode::BAD_REQUEST, "business_mismatch"),
        ("sealed to a foreign key", "bistro-du-coin", "application/json", json!({ "envelope": sealed_booking(&fixture.other_recipient, "bistro-du-coin"), "start": start, "party_size": 2 }).to_string(), StatusCode::BAD_REQUEST, "unknown_key"),
        ("bad start", "bistro-du-coin", "application/json", json!({ "envelope": good, "start": "tomorrow", "party_size": 2 }).to_string(), StatusCode::BAD_REQUEST, "invalid_start"),
        ("start in the past", "bistro-du-coin", "application/json", json!({ "envelope": good, "start": past, "party_size": 2 }).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "start_in_past"),
        ("party of zero", "bistro-du-coin", "application/json", json!({ "envelope": good, "start": start, "party_size": 0 }).to_string(), StatusCode::BAD_REQUEST, "invalid_party_size"),
        ("party too large", "bistro-du-coin", "application/json", json!({ "envelope": good, "start": start, "party_size": 13 }).to_string(), StatusCode::BAD_REQUEST, "invalid_party_size"),
    ];
    for (name, business, content_type, body, status, expected_code) in cases {
        let (got_status, response) = post(state, business, content_type, body).await;
        assert_eq!(got_status, status, "{name}: {response}");
        assert_eq!(code(&response), expected_code, "{name}");
        assert!(
            response["error"]["message"]
                .as_str()
                .is_some_and(|message| !message.is_empty()),
            "{name}"
        );
    }
    assert!(
        fixture
            .storage
            .bookings(&BookingFilter::default())
            .await
            .expect("list")
            .is_empty()
    );
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let fixture = fixture().await;
    let preflight = |origin: &str| {
        Request::options("/api/v1/businesses/bistro-du-coin/bookings")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .expect("request")
    };
    let allowed = app(fixture.state.clone())
        .oneshot(preflight("http://host.test"))
        .await
        .expect("infallible");
    assert_eq!(
        allowed.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "http://host.test"
    );
    let refused = app(fixture.state.clone())
        .oneshot(preflight("http://evil.test"))
        .await
        .expect("infallible");
    assert!(
        !refused
            .headers()
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );
}
