//! The HTTP API, called in-process with `oneshot` against a real SQLite file.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt as _;
use sealbook_envelope::{
    Identity, ManageSecret, Recipient, SealParams, open_visitor_copy, seal, seal_visitor_copy,
};
use sealbook_server::storage::{Backend, BookingFilter};
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{
    Business, ServerConfig, VECTORS, vector_key, vector_key_with_status, vector_public_key,
};
use serde_json::{Value, json};
use tower::ServiceExt as _;

mod peer;
mod support;
use peer::from_client;
use support::TestDatabase;

const CANARY: &str = "Canary-7f3a9c-Marchetti";

struct Fixture {
    state: AppState,
    storage: Storage,
    database: TestDatabase,
    config: Config,
    recipient: Recipient,
    identity: Identity,
    clinic_recipient: Recipient,
}

fn key_pair(index: usize) -> (Recipient, Identity) {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors parse");
    let vector = &vectors[index];
    (
        Recipient::from_spki_pem(vector["public_key_pem"].as_str().expect("pem")).expect("key"),
        Identity::from_pkcs8_pem(vector["private_key_pem"].as_str().expect("pem")).expect("key"),
    )
}

async fn fixture(database: TestDatabase) -> Fixture {
    let (recipient, identity) = key_pair(0);
    let (clinic_recipient, _) = key_pair(1);
    // The bistro offers two marketing opt-ins, e-mail with its own wording.
    let config = ServerConfig::new(&database.url)
        .business(Business::bistro_du_coin().extend(
            r#"
            allowed_origins = ["http://host.test"]
            marketing_optins = ["sms", "email"]
            [marketing]
            email = { fr = "Nos menus de saison, une fois par mois.", en = "Our seasonal menus, once a month." }
            "#,
        ))
        .business(Business::praxis_am_see())
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    Fixture {
        state: AppState::new(config.clone(), storage.clone()),
        storage,
        database,
        config,
        recipient,
        identity,
        clinic_recipient,
    }
}

/// `days` from today at `hour`:00 Paris time: on the slot grid, and a turn away
/// from midnight whenever the tests run.
fn slot_at(days: i64, hour: i8) -> String {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb");
    let date = jiff::Timestamp::now()
        .to_zoned(paris.clone())
        .date()
        .checked_add(jiff::Span::new().days(days))
        .expect("date");
    date.at(hour, 0, 0, 0)
        .to_zoned(paris)
        .expect("a plain hour exists")
        .timestamp()
        .to_string()
}

fn slot(days: i64) -> String {
    slot_at(days, 12)
}

/// The next whole hour: inside the one-hour minimum lead time.
fn too_soon() -> String {
    let now = jiff::Timestamp::now().as_second();
    jiff::Timestamp::from_second((now / 3600 + 1) * 3600)
        .expect("in range")
        .to_string()
}

fn sealed(recipient: &Recipient, business: &str, plaintext: &str) -> String {
    let envelope = seal(
        std::slice::from_ref(recipient),
        &SealParams {
            business,
            iat: 1_790_000_000,
        },
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    URL_SAFE_NO_PAD.encode(envelope)
}

fn sealed_booking(recipient: &Recipient, business: &str) -> String {
    let plaintext = json!({ "v": 1, "name": CANARY, "contact": { "phone": "+33 6 00 00 00 00" }, "party_size": 4 });
    sealed(recipient, business, &plaintext.to_string())
}

async fn call(state: &AppState, request: Request<Body>) -> (StatusCode, Value) {
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

async fn get(state: &AppState, path: &str) -> (StatusCode, Value) {
    call(
        state,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await
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
    call(state, request).await
}

async fn post_json(state: &AppState, business: &str, body: &Value) -> (StatusCode, Value) {
    post(state, business, "application/json", body.to_string()).await
}

/// The seats the bistro still has for a party of one at `start` (RFC 3339),
/// as its availability says; `None` when it offers no such start.
async fn remaining_at(state: &AppState, start: &str) -> Option<Value> {
    let date = &start[..10];
    let (status, body) = get(
        state,
        &format!("/api/v1/businesses/bistro-du-coin/availability?from={date}&to={date}&party=1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["days"][0]["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .find(|s| s["start"] == start)
        .map(|s| s["remaining"].clone())
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no code>")
}

async fn a_sealed_booking_is_stored_as_ciphertext_only(database: TestDatabase) {
    let fixture = fixture(database).await;
    let body = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": slot(2), "party_size": 4 });
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
    assert_eq!(
        stored[0].ends_at - stored[0].starts_at,
        90 * 60,
        "the turn is held"
    );
    let opened =
        sealbook_envelope::open(std::slice::from_ref(&fixture.identity), &stored[0].envelope)
            .expect("opens");
    assert!(String::from_utf8_lossy(&opened.plaintext).contains(CANARY));

    fixture.storage.close().await;
    if let Some(path) = &fixture.database.sqlite_path {
        let mut file = std::fs::read(path).expect("db file");
        file.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        assert!(
            !file
                .windows(CANARY.len())
                .any(|window| window == CANARY.as_bytes())
        );
    }
}

async fn the_key_set_lists_active_keys_with_their_kids(database: TestDatabase) {
    let fixture = fixture(database).await;
    let (status, body) = get(&fixture.state, "/api/v1/businesses/bistro-du-coin/keys").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["keys"][0]["kid"], fixture.recipient.kid().as_str());
    assert_eq!(body["keys"][0]["status"], "active");
    let spki = URL_SAFE_NO_PAD
        .decode(body["keys"][0]["spki"].as_str().expect("spki"))
        .expect("base64url");
    assert_eq!(
        Recipient::from_spki_der(&spki).expect("key").kid(),
        fixture.recipient.kid()
    );

    let (status, body) = get(&fixture.state, "/api/v1/businesses/nope/keys").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "unknown_business")
    );
}

async fn the_profile_tells_the_widget_what_to_ask_and_why(database: TestDatabase) {
    let fixture = fixture(database).await;
    let (status, bistro) = get(&fixture.state, "/api/v1/businesses/bistro-du-coin/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bistro["kind"], "restaurant");
    assert_eq!(bistro["timezone"], "Europe/Paris");
    assert_eq!(bistro["max_party_size"], 6);
    assert_eq!(bistro["turn_minutes"], 90);
    let fields: Vec<&str> = bistro["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert_eq!(fields, ["name", "contact", "note"]);
    assert_eq!(bistro["fields"][2]["health"], true);
    assert_eq!(bistro["fields"][2]["required"], false);
    for language in ["fr", "de", "en"] {
        assert!(
            bistro["fields"][0]["purpose"][language]
                .as_str()
                .is_some_and(|text| !text.is_empty())
        );
    }
    let (_, praxis) = get(&fixture.state, "/api/v1/businesses/praxis-am-see/profile").await;
    assert_eq!(praxis["kind"], "clinic");
    assert_eq!(praxis["services"][0]["id"], "physio-30");
    assert_eq!(praxis["practitioners"][0]["name"], "Anna Keller");
    assert!(
        praxis["services"][0].get("buffer_minutes").is_none(),
        "internal planning stays internal"
    );
}

/// The opt-in boxes come in the configured order, with the business's text
/// where it wrote one; a business that offers none gets an empty list.
async fn the_profile_offers_only_the_configured_marketing_optins(database: TestDatabase) {
    let fixture = fixture(database).await;
    let (status, bistro) = get(&fixture.state, "/api/v1/businesses/bistro-du-coin/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        bistro["marketing"],
        json!([
            { "channel": "sms", "text": null },
            { "channel": "email", "text": {
                "en": "Our seasonal menus, once a month.",
                "fr": "Nos menus de saison, une fois par mois."
            } }
        ])
    );
    let (_, praxis) = get(&fixture.state, "/api/v1/businesses/praxis-am-see/profile").await;
    assert_eq!(praxis["marketing"], json!([]));
}

async fn availability_lists_days_and_free_capacity(database: TestDatabase) {
    let fixture = fixture(database).await;
    // Days wholly past the one-hour lead time whatever the hour of the run
    // (tomorrow's first slot moves past midnight late in the evening in Paris).
    let today = jiff::Zoned::now().date();
    let from = today.checked_add(jiff::Span::new().days(2)).expect("date");
    let later = today.checked_add(jiff::Span::new().days(4)).expect("date");
    let path =
        format!("/api/v1/businesses/bistro-du-coin/availability?from={from}&to={later}&party=2");
    let (status, body) = get(&fixture.state, &path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let days = body["days"].as_array().expect("days");
    assert_eq!(days.len(), 3);
    let full_day_slots = days[1]["slots"].as_array().expect("slots");
    assert_eq!(
        full_day_slots.first().map(|slot| slot["local"].clone()),
        Some(json!("00:00"))
    );
    assert_eq!(
        full_day_slots.last().map(|slot| slot["local"].clone()),
        Some(json!("22:30")),
        "a turn before midnight"
    );
    assert!(full_day_slots.iter().all(|slot| slot["remaining"] == 8));

    let (status, body) = get(
        &fixture.state,
        "/api/v1/businesses/bistro-du-coin/availability?from=2027-01-10&to=2027-01-01",
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );
    let (status, body) = get(
        &fixture.state,
        "/api/v1/businesses/bistro-du-coin/availability?from=tomorrow&to=2027-01-01",
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );
    let path = format!("/api/v1/businesses/praxis-am-see/availability?from={today}&to={later}");
    let (status, body) = get(&fixture.state, &path).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "unknown_service")
    );
    let path = format!(
        "/api/v1/businesses/praxis-am-see/availability?from={today}&to={later}&service=physio-30"
    );
    assert_eq!(get(&fixture.state, &path).await.0, StatusCode::OK);
}

async fn bad_input_gets_a_typed_error_and_stores_nothing(database: TestDatabase) {
    let fixture = fixture(database).await;
    let state = &fixture.state;
    let good = sealed_booking(&fixture.recipient, "bistro-du-coin");
    let start = slot(2);
    let past = slot(-1);
    let body = |envelope: &str, start: &str, party: u32| {
        json!({ "envelope": envelope, "start": start, "party_size": party }).to_string()
    };
    let cases: Vec<(&str, &str, &str, String, StatusCode, &str)> = vec![
        ("wrong content type", "bistro-du-coin", "text/plain", body(&good, &start, 2), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ("not json", "bistro-du-coin", "application/json", "{\"envelope\":".to_owned(), StatusCode::BAD_REQUEST, "bad_request"),
        ("unknown metadata field", "bistro-du-coin", "application/json", json!({ "envelope": good, "start": start, "party_size": 2, "name": "x" }).to_string(), StatusCode::BAD_REQUEST, "bad_request"),
        ("huge number", "bistro-du-coin", "application/json", format!("{{\"envelope\":\"{good}\",\"start\":\"{start}\",\"party_size\":1e400}}"), StatusCode::BAD_REQUEST, "bad_request"),
        ("oversized", "bistro-du-coin", "application/json", body(&"A".repeat(70_000), &start, 2), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ("unknown business", "nope", "application/json", body(&good, &start, 2), StatusCode::NOT_FOUND, "unknown_business"),
        ("not base64", "bistro-du-coin", "application/json", body("***", &start, 2), StatusCode::BAD_REQUEST, "malformed_envelope"),
        ("not an envelope", "bistro-du-coin", "application/json", body("U0JLAQAAAAJ7fQ", &start, 2), StatusCode::BAD_REQUEST, "malformed_envelope"),
        ("sealed for another business", "bistro-du-coin", "application/json", body(&sealed_booking(&fixture.recipient, "praxis-am-see"), &start, 2), StatusCode::BAD_REQUEST, "business_mismatch"),
        ("sealed to a foreign key", "bistro-du-coin", "application/json", body(&sealed_booking(&fixture.clinic_recipient, "bistro-du-coin"), &start, 2), StatusCode::BAD_REQUEST, "unknown_key"),
        ("bad start", "bistro-du-coin", "application/json", body(&good, "tomorrow", 2), StatusCode::BAD_REQUEST, "invalid_start"),
        ("start in the past", "bistro-du-coin", "application/json", body(&good, &past, 2), StatusCode::UNPROCESSABLE_ENTITY, "start_in_past"),
        ("inside the lead time", "bistro-du-coin", "application/json", body(&good, &too_soon(), 2), StatusCode::UNPROCESSABLE_ENTITY, "too_soon"),
        ("beyond the horizon", "bistro-du-coin", "application/json", body(&good, &slot(90), 2), StatusCode::UNPROCESSABLE_ENTITY, "too_far"),
        ("off the slot grid", "bistro-du-coin", "application/json", body(&good, &start.replace(":00:00Z", ":07:00Z"), 2), StatusCode::UNPROCESSABLE_ENTITY, "outside_opening_hours"),
        ("party of zero", "bistro-du-coin", "application/json", body(&good, &start, 0), StatusCode::BAD_REQUEST, "invalid_party_size"),
        ("party too large", "bistro-du-coin", "application/json", body(&good, &start, 7), StatusCode::UNPROCESSABLE_ENTITY, "party_too_large"),
        ("clinic without service", "praxis-am-see", "application/json", body(&sealed_booking(&fixture.clinic_recipient, "praxis-am-see"), &start, 1), StatusCode::BAD_REQUEST, "unknown_service"),
        ("unknown practitioner", "praxis-am-see", "application/json", json!({ "envelope": sealed_booking(&fixture.clinic_recipient, "praxis-am-see"), "start": start, "service": "physio-30", "practitioner": "zoe" }).to_string(), StatusCode::BAD_REQUEST, "unknown_practitioner"),
        ("visitor copy without token hash", "bistro-du-coin", "application/json", json!({ "envelope": good, "start": start, "party_size": 2, "visitor_copy": good }).to_string(), StatusCode::BAD_REQUEST, "malformed_envelope"),
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

/// Two servers (each with its own connection pool, as two processes would have)
/// share one database and take alternate requests.
async fn two_hundred_concurrent_requests_for_eight_seats_book_exactly_eight(
    database: TestDatabase,
) {
    let fixture = fixture(database).await;
    let second_server = AppState::new(
        fixture.config.clone(),
        Storage::open(&fixture.config.database)
            .await
            .expect("storage"),
    );
    let servers = [fixture.state.clone(), second_server];
    let start = slot_at(1, 20);
    let requests: Vec<Value> = (0..200)
        .map(|_| json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": start, "party_size": 1 }))
        .collect();
    let tasks: Vec<_> = requests
        .into_iter()
        .enumerate()
        .map(|(index, body)| {
            let state = servers[index % 2].clone();
            tokio::spawn(async move { post_json(&state, "bistro-du-coin", &body).await })
        })
        .collect();
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for task in tasks {
        let (status, body) = task.await.expect("task");
        let key = if status == StatusCode::CREATED {
            "created".to_owned()
        } else {
            code(&body).to_owned()
        };
        *outcomes.entry(key).or_default() += 1;
    }
    assert_eq!(outcomes.get("created"), Some(&8), "{outcomes:?}");
    assert_eq!(outcomes.get("slot_full"), Some(&192), "{outcomes:?}");
    assert_eq!(
        fixture
            .storage
            .bookings(&BookingFilter::default())
            .await
            .expect("list")
            .len(),
        8
    );
}

/// Makes every booking for two with an idempotency key fail after its booking
/// row is written (its key's row is refused): a failure half-way through a
/// batch, which takes the batch down.
async fn fail_every_party_of_two_half_way(database: &TestDatabase) {
    let mut admin = database.connect().await;
    let refusal: &[&str] = if database.sqlite_path.is_some() {
        &[
            "CREATE TRIGGER refuse_parties_of_two BEFORE INSERT ON idempotency_keys
           WHEN (SELECT party_size FROM bookings WHERE id = NEW.booking_id) = 2
           BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
        ]
    } else {
        &[
            "CREATE FUNCTION refuse_parties_of_two() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF (SELECT party_size FROM bookings WHERE id = NEW.booking_id) = 2 THEN
                 RAISE EXCEPTION 'refused by the test';
               END IF;
               RETURN NEW;
             END $$",
            "CREATE TRIGGER refuse_parties_of_two BEFORE INSERT ON idempotency_keys
             FOR EACH ROW EXECUTE FUNCTION refuse_parties_of_two()",
        ]
    };
    for statement in refusal {
        sqlx::query(statement)
            .execute(&mut admin)
            .await
            .expect(statement);
    }
}

/// Bookings that arrive together share a transaction. When one of them fails
/// after its first write (here a trigger refuses the idempotency row of every
/// party of two, after its booking row is written), the whole shared
/// transaction is rolled back: every request is answered 201 exactly when its
/// booking is stored, nothing is left half-written, and the next booking goes
/// through.
async fn a_booking_that_fails_half_way_takes_its_batch_down_and_nothing_else(
    database: TestDatabase,
) {
    let fixture = fixture(database).await;
    fail_every_party_of_two_half_way(&fixture.database).await;
    let request = |index: usize, party_size: u32| {
        let body = json!({
            "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"),
            "start": slot(1 + i64::try_from(index % 10).expect("small")),
            "party_size": party_size,
        });
        Request::post("/api/v1/businesses/bistro-du-coin/bookings")
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", format!("batch-{index}"))
            .body(Body::from(body.to_string()))
            .expect("request")
    };
    // One in five is a party of two, spread through the arrivals.
    let tasks: Vec<_> = (0..60)
        .map(|index| {
            let party_size = if index % 5 == 2 { 2 } else { 1 };
            let request = request(index, party_size);
            let state = fixture.state.clone();
            tokio::spawn(async move { (party_size, call(&state, request).await) })
        })
        .collect();
    let mut acknowledged = std::collections::BTreeSet::new();
    let mut failed = 0;
    for task in tasks {
        let (party_size, (status, body)) = task.await.expect("task");
        match status {
            StatusCode::CREATED => {
                assert_eq!(party_size, 1, "a refused write was acknowledged");
                acknowledged.insert(body["id"].as_str().expect("an id").to_owned());
            }
            StatusCode::INTERNAL_SERVER_ERROR => failed += 1,
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!(failed >= 12, "every party of two fails: {failed}");
    let stored: std::collections::BTreeSet<String> = fixture
        .storage
        .bookings(&BookingFilter::default())
        .await
        .expect("list")
        .into_iter()
        .map(|booking| booking.id.to_string())
        .collect();
    assert_eq!(stored, acknowledged, "stored exactly when acknowledged");
    assert_eq!(
        fixture.database.count("idempotency_keys").await,
        i64::try_from(stored.len()).expect("small")
    );

    let lift = if fixture.database.sqlite_path.is_some() {
        "DROP TRIGGER refuse_parties_of_two"
    } else {
        "DROP TRIGGER refuse_parties_of_two ON idempotency_keys"
    };
    let mut admin = fixture.database.connect().await;
    sqlx::query(lift).execute(&mut admin).await.expect(lift);
    let (status, body) = call(&fixture.state, request(60, 2)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn a_retry_with_the_same_idempotency_key_returns_the_same_booking(database: TestDatabase) {
    let fixture = fixture(database).await;
    let body = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": slot(2), "party_size": 2 });
    let with_key = |body: &Value, key: &str| {
        Request::post("/api/v1/businesses/bistro-du-coin/bookings")
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .expect("request")
    };
    let (first_status, first) = call(&fixture.state, with_key(&body, "retry-7c1f")).await;
    let (again_status, again) = call(&fixture.state, with_key(&body, "retry-7c1f")).await;
    assert_eq!(
        (first_status, again_status),
        (StatusCode::CREATED, StatusCode::OK)
    );
    assert_eq!(first["id"], again["id"]);

    let other = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": slot_at(2, 13), "party_size": 2 });
    let (status, conflict) = call(&fixture.state, with_key(&other, "retry-7c1f")).await;
    assert_eq!(
        (status, code(&conflict)),
        (StatusCode::CONFLICT, "idempotency_conflict")
    );

    let (status, replay) = post_json(&fixture.state, "bistro-du-coin", &body).await;
    assert_eq!(
        (status, code(&replay)),
        (StatusCode::CONFLICT, "replayed"),
        "the same envelope without the key"
    );
    let (status, bad_key) = call(&fixture.state, with_key(&other, "")).await;
    assert_eq!(
        (status, code(&bad_key)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    assert_eq!(
        fixture
            .storage
            .bookings(&BookingFilter::default())
            .await
            .expect("list")
            .len(),
        1
    );
}

fn managed(method: &str, path: &str, token: &str, body: Option<&Value>) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request")
}

async fn the_manage_link_reads_changes_cancels_and_erases(database: TestDatabase) {
    let fixture = fixture(database).await;
    let state = &fixture.state;
    let secret = ManageSecret::generate(&mut getrandom::SysRng).expect("secret");
    let token = secret.token().to_base64url();
    let plaintext =
        json!({ "v": 1, "name": CANARY, "contact": { "email": "c@example.org" }, "party_size": 6 })
            .to_string();
    let visitor_copy = |text: &str| {
        let params = SealParams {
            business: "bistro-du-coin",
            iat: 1,
        };
        URL_SAFE_NO_PAD.encode(
            seal_visitor_copy(&secret, &params, text.as_bytes(), &mut getrandom::SysRng)
                .expect("seal"),
        )
    };
    let start = slot(2);
    let body = json!({
        "envelope": sealed(&fixture.recipient, "bistro-du-coin", &plaintext), "start": start, "party_size": 6,
        "visitor_copy": visitor_copy(&plaintext), "manage_token_hash": secret.token().hash().to_base64url(),
    });
    let (status, created) = post_json(state, "bistro-du-coin", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/bookings/{id}");

    let (status, read) = call(state, managed("GET", &path, &token, None)).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["status"], "confirmed");
    let copy = URL_SAFE_NO_PAD
        .decode(read["visitor_copy"].as_str().expect("copy"))
        .expect("base64url");
    assert_eq!(
        open_visitor_copy(&secret, &copy)
            .expect("the visitor can read it")
            .plaintext,
        plaintext.as_bytes()
    );

    // A tampered or missing token is the same answer as an unknown booking.
    let wrong = ManageSecret::generate(&mut getrandom::SysRng)
        .expect("secret")
        .token()
        .to_base64url();
    for (method, token) in [
        ("GET", wrong.as_str()),
        ("GET", "not-a-token"),
        ("DELETE", wrong.as_str()),
        ("POST", wrong.as_str()),
    ] {
        let target = if method == "POST" {
            format!("{path}/cancel")
        } else {
            path.clone()
        };
        let (status, body) = call(state, managed(method, &target, token, None)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::NOT_FOUND, "booking_not_found"),
            "{method} {token}"
        );
    }
    let (status, body) = call(
        state,
        managed("GET", "/api/v1/bookings/0000-0000-0000-0000", &token, None),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "booking_not_found")
    );

    // Six of eight seats are held; a party of three does not fit, until the change frees them.
    assert_eq!(remaining_at(state, &start).await, Some(json!(2)));

    let new_start = slot_at(2, 16);
    let change = json!({
        "envelope": sealed(&fixture.recipient, "bistro-du-coin", &plaintext), "start": new_start, "party_size": 6,
        "visitor_copy": visitor_copy(&plaintext),
    });
    let (status, changed) = call(state, managed("PUT", &path, &token, Some(&change))).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["start"], new_start.as_str());
    assert_eq!(
        remaining_at(state, &start).await,
        Some(json!(8)),
        "the old time is free again"
    );
    assert_eq!(remaining_at(state, &new_start).await, Some(json!(2)));

    let (status, cancelled) = call(
        state,
        managed("POST", &format!("{path}/cancel"), &token, None),
    )
    .await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (StatusCode::OK, Some("cancelled"))
    );
    assert_eq!(
        remaining_at(state, &new_start).await,
        Some(json!(8)),
        "cancelling returns the capacity"
    );

    let (status, _) = call(state, managed("DELETE", &path, &token, None)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(state, managed("GET", &path, &token, None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for table in ["bookings", "idempotency_keys"] {
        assert_eq!(
            fixture.database.count(table).await,
            0,
            "nothing of the erased booking remains in {table}"
        );
    }
    if let Some(path) = &fixture.database.sqlite_path {
        let mut file = std::fs::read(path).expect("db file");
        file.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        for field in ["envelope", "visitor_copy"] {
            let bytes = URL_SAFE_NO_PAD
                .decode(change[field].as_str().expect("base64url"))
                .expect("bytes");
            let sample = &bytes[bytes.len() / 2..bytes.len() / 2 + 64];
            assert!(
                !file.windows(64).any(|window| window == sample),
                "the erased {field} is gone from the file"
            );
        }
    }
}

/// Retired keys open old bookings but are not sealed to; compromised keys are
/// not even listed, and uploads sealed to them are refused. A pending key (the
/// next one, during a rotation) is pinned in the script tag but not sealed to.
async fn key_status_decides_what_may_be_sealed_to(database: TestDatabase) {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors parse");
    let config = ServerConfig::new(&database.url)
        .business(Business::bistro_du_coin().set(
            "keys",
            vec![
                vector_key(0),
                vector_key_with_status(1, "retired"),
                vector_key_with_status(3, "compromised"),
                vector_key_with_status(2, "pending"),
            ],
        ))
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let kid = |index: usize| vectors[index]["kid"].as_str().expect("kid");
    let tag = sealbook_server::embed::script_tag(
        "https://book.example",
        config.business("bistro-du-coin").expect("business"),
        None,
    );
    assert!(
        tag.contains(&format!("data-keys=\"{},{}\"", kid(0), kid(2))),
        "the tag pins the active and the pending key: {tag}"
    );
    let state = AppState::new(config, Storage::open(&database.url).await.expect("storage"));
    let (status, set) = get(&state, "/api/v1/businesses/bistro-du-coin/keys").await;
    assert_eq!(status, StatusCode::OK);
    let listed: Vec<(&str, &str)> = set["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|key| {
            (
                key["kid"].as_str().expect("kid"),
                key["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [(kid(0), "active"), (kid(1), "retired"), (kid(2), "pending")],
        "the compromised key is not offered"
    );
    for (index, expected) in [
        (0, "created"),
        (1, "unknown_key"),
        (2, "unknown_key"),
        (3, "unknown_key"),
    ] {
        let recipient = Recipient::from_spki_pem(&vector_public_key(index)).expect("key");
        let body = json!({ "envelope": sealed_booking(&recipient, "bistro-du-coin"), "start": slot_at(2, 10 + index as i8), "party_size": 2 });
        let (status, response) = post_json(&state, "bistro-du-coin", &body).await;
        let outcome = if status == StatusCode::CREATED {
            "created"
        } else {
            code(&response)
        };
        assert_eq!(outcome, expected, "sealed to key {index}");
    }
}

async fn cors_allows_only_configured_origins(database: TestDatabase) {
    let fixture = fixture(database).await;
    let preflight = |path: &str, origin: &str| {
        Request::options(path)
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
            .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
            .body(Body::empty())
            .expect("request")
    };
    let allowed_origin = async |path: &str, origin: &str| {
        let response = app(fixture.state.clone())
            .oneshot(preflight(path, origin))
            .await
            .expect("infallible");
        response
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|value| value.to_str().expect("ASCII").to_owned())
    };
    let bistro = "/api/v1/businesses/bistro-du-coin/bookings";
    assert_eq!(
        allowed_origin(bistro, "http://host.test").await.as_deref(),
        Some("http://host.test")
    );
    assert_eq!(allowed_origin(bistro, "http://evil.test").await, None);
    // The bistro's site is not the practice's: each business has its own origins.
    assert_eq!(
        allowed_origin(
            "/api/v1/businesses/praxis-am-see/bookings",
            "http://host.test"
        )
        .await,
        None
    );
    // The manage routes serve the manage page on this server's origin only.
    assert_eq!(
        allowed_origin(
            "/api/v1/bookings/0000-0000-0000-0000/cancel",
            "http://host.test"
        )
        .await,
        None
    );
}

/// Hostile requests each get a typed 4xx, never a 5xx, and never a file
/// outside the widget folder.
async fn hostile_requests_get_typed_client_errors(database: TestDatabase) {
    let fixture = fixture(database).await;
    std::fs::create_dir_all(fixture.database.dir().join("dist")).expect("dist");
    std::fs::write(fixture.database.dir().join("dist/embed.js"), "/* widget */").expect("write");
    std::fs::write(
        fixture.database.dir().join("secret.txt"),
        "TOP-SECRET-CONFIG",
    )
    .expect("write");
    let good = sealed_booking(&fixture.recipient, "bistro-du-coin");
    let start = slot(2);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let duplicate =
        format!(r#"{{"envelope":"{good}","envelope":"{good}","start":"{start}","party_size":2}}"#);
    let bookings = "/api/v1/businesses/bistro-du-coin/bookings";
    let cases: Vec<(&str, &str, &str, Vec<u8>, &str)> = vec![
        (
            "POST",
            bookings,
            "application/json",
            b"{\"envelope\":\"\xff\xfe\"}".to_vec(),
            "bad_request",
        ),
        (
            "POST",
            bookings,
            "application/json",
            deep.into_bytes(),
            "bad_request",
        ),
        (
            "POST",
            bookings,
            "application/json",
            duplicate.into_bytes(),
            "bad_request",
        ),
        (
            "POST",
            bookings,
            "application/json",
            b"".to_vec(),
            "bad_request",
        ),
        (
            "POST",
            bookings,
            "application/json",
            b"null".to_vec(),
            "bad_request",
        ),
        (
            "POST",
            bookings,
            "application/json; charset=utf-16",
            b"{}".to_vec(),
            "bad_request",
        ),
        (
            "POST",
            bookings,
            "multipart/form-data",
            b"{}".to_vec(),
            "unsupported_media_type",
        ),
        (
            "POST",
            bookings,
            "",
            b"{}".to_vec(),
            "unsupported_media_type",
        ),
        ("GET", "/widget/../secret.txt", "", Vec::new(), "not_found"),
        (
            "GET",
            "/widget/%2e%2e/secret.txt",
            "",
            Vec::new(),
            "not_found",
        ),
        (
            "GET",
            "/widget/..%2fsecret.txt",
            "",
            Vec::new(),
            "not_found",
        ),
        (
            "GET",
            "/widget/%2e%2e%2fsecret.txt",
            "",
            Vec::new(),
            "not_found",
        ),
        (
            "GET",
            "/demo/..%2f..%2fsecret.txt",
            "",
            Vec::new(),
            "not_found",
        ),
        (
            "GET",
            "/demo/restaurant.html%00.css",
            "",
            Vec::new(),
            "not_found",
        ),
        ("GET", "/no/such/page", "", Vec::new(), "not_found"),
        (
            "GET",
            "/api/v1/businesses/bistro-du-coin/availability?from=2027-01-01&to=2027-01-02&party=99999999999",
            "",
            Vec::new(),
            "invalid_query",
        ),
        (
            "GET",
            "/api/v1/businesses/bistro-du-coin/availability?from=2027-01-01&to=2027-01-02&colour=blue",
            "",
            Vec::new(),
            "invalid_query",
        ),
        (
            "GET",
            "/api/v1/bookings/%00",
            "",
            Vec::new(),
            "booking_not_found",
        ),
    ];
    for (method, path, content_type, body, expected) in cases {
        let mut request = Request::builder().method(method).uri(path);
        if !content_type.is_empty() {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let response = app(fixture.state.clone())
            .oneshot(request.body(Body::from(body)).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        assert!(status.is_client_error(), "{method} {path}: {status}");
        assert!(
            !bytes.windows(10).any(|window| window == b"TOP-SECRET"),
            "{method} {path} leaked a file"
        );
        let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_eq!(code(&json), expected, "{method} {path}");
    }
    let (status, _) = call(
        &fixture.state,
        Request::get("/widget/embed.js")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the widget folder itself is served");
    for probe in ["/healthz", "/readyz"] {
        let (status, _) = call(
            &fixture.state,
            Request::get(probe).body(Body::empty()).expect("request"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{probe}");
    }
    let closed = Storage::open(&fixture.config.database)
        .await
        .expect("storage");
    closed.close().await;
    let unready = AppState::new(fixture.config.clone(), closed);
    let (status, body) = call(
        &unready,
        Request::get("/readyz")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::SERVICE_UNAVAILABLE, "not_ready")
    );

    // The hosted pages carry a strict policy: no inline script, nothing may frame them.
    std::fs::create_dir_all(fixture.database.dir().join("www/demo")).expect("dir");
    std::fs::write(
        fixture.database.dir().join("www/demo/page.html"),
        "<p>{{keys:bistro-du-coin}}</p>",
    )
    .expect("write");
    let response = app(fixture.state.clone())
        .oneshot(
            Request::get("/demo/page.html")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval'")
            && policy.contains("frame-ancestors 'none'"),
        "{policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(
        response.headers()[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff"
    );
    assert_eq!(response.headers()[header::REFERRER_POLICY], "no-referrer");
    let page = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(
        page,
        format!("<p>{}</p>", fixture.recipient.kid()).as_bytes(),
        "the pins are filled in"
    );

    let manage = Request::get("/manage/7KQ2-M9XD-4T8R-B1ZC")
        .body(Body::empty())
        .expect("request");
    let (status, body) = call(&fixture.state, manage).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "not_found"),
        "no manage page built yet"
    );
    std::fs::create_dir_all(fixture.database.dir().join("dist/manage")).expect("dir");
    std::fs::write(
        fixture.database.dir().join("dist/manage/index.html"),
        "<!doctype html><title>manage</title>",
    )
    .expect("write");
    let manage = Request::get("/manage/7KQ2-M9XD-4T8R-B1ZC")
        .body(Body::empty())
        .expect("request");
    let response = app(fixture.state.clone())
        .oneshot(manage)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
}

/// Past its allowance a client gets `429 rate_limited` with `Retry-After`;
/// another client, and the same client at another business, are unaffected.
async fn rate_limits_hold_per_client_and_say_when_to_retry(database: TestDatabase) {
    let fixture = fixture(database).await;
    let mut config = fixture.config.clone();
    config.limits.bookings_per_minute = 2;
    config.limits.manage_per_minute = 3;
    let state = AppState::new(config, fixture.storage.clone());
    let from = |client: [u8; 4], request: Request<Body>| {
        let request = from_client(client, request);
        let service = app(state.clone());
        async move {
            let response = service.oneshot(request).await.expect("infallible");
            let retry_after = response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let status = response.status();
            let bytes = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            (
                status,
                serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
                retry_after,
            )
        }
    };
    let booking = |business: &str, recipient: &Recipient, hour: i8| {
        let body = json!({ "envelope": sealed_booking(recipient, business), "start": slot_at(2, hour), "party_size": 1 });
        let body = if business == "praxis-am-see" {
            json!({ "envelope": body["envelope"], "start": body["start"], "service": "physio-30" })
        } else {
            body
        };
        Request::post(format!("/api/v1/businesses/{business}/bookings"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request")
    };
    let first = [10, 0, 0, 1];
    for hour in [10, 11] {
        let (status, body, _) =
            from(first, booking("bistro-du-coin", &fixture.recipient, hour)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, body, retry_after) =
        from(first, booking("bistro-du-coin", &fixture.recipient, 12)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let seconds: u64 = retry_after.expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&seconds), "Retry-After {seconds}");

    let (status, _, _) = from(
        [10, 0, 0, 2],
        booking("bistro-du-coin", &fixture.recipient, 13),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "another client has its own allowance"
    );
    let (status, body, _) = from(
        first,
        booking("praxis-am-see", &fixture.clinic_recipient, 14),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "and another business: {body}");

    // Guessing manage tokens is throttled too.
    let guess = || {
        Request::get("/api/v1/bookings/0000-0000-0000-0000")
            .header(header::AUTHORIZATION, "Bearer x")
            .body(Body::empty())
            .expect("request")
    };
    for _ in 0..3 {
        assert_eq!(from(first, guess()).await.0, StatusCode::NOT_FOUND);
    }
    assert_eq!(from(first, guess()).await.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        fixture
            .storage
            .bookings(&BookingFilter::default())
            .await
            .expect("list")
            .len(),
        4
    );
}

/// Every page the server hosts carries a policy without `unsafe-inline`, that
/// nothing else may frame (the booking page: only the business's own sites).
async fn pages_carry_strict_security_headers(database: TestDatabase) {
    let fixture = fixture(database).await;
    let dist = fixture.database.dir().join("dist");
    std::fs::create_dir_all(&dist).expect("dist");
    std::fs::write(dist.join("embed.js"), "/* widget */").expect("write");
    // The manage page and the staff inbox: Trunk's pages, each with its inline loader.
    for app in ["manage", "inbox"] {
        std::fs::create_dir_all(dist.join(app)).expect("dist");
        std::fs::write(
            dist.join(app).join("index.html"),
            format!(
                "<!doctype html><html><head><script type=\"module\">start()</script>\
                 <style>body{{}}</style><link rel=\"modulepreload\" href=\"/widget/{app}/app.js\"></head>\
                 <body><main id=\"app\"></main></body></html>"
            ),
        )
        .expect("write");
    }
    let page = async |path: &str| {
        let response = app(fixture.state.clone())
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    };
    let inline = |text: &str| {
        use sha2::Digest as _;
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text))
        )
    };

    for path in [
        "/",
        "/book/bistro-du-coin",
        "/book/praxis-am-see",
        "/manage/7KQ2-M9XD-4T8R-B1ZC",
        "/inbox/",
    ] {
        let (status, headers, _) = page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let policy = headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ASCII");
        assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(!policy.contains("'unsafe-eval'"), "{path}: {policy}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{path}");
    }

    let (_, headers, body) = page("/book/bistro-du-coin").await;
    let policy = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ASCII");
    assert!(
        policy.ends_with("frame-ancestors http://host.test"),
        "only the bistro's site may frame its page: {policy}"
    );
    let integrity = sealbook_server::embed::embed_integrity(&dist).expect("embed.js");
    assert!(
        body.contains(&format!("integrity=\"{integrity}\"")),
        "{body}"
    );
    assert!(
        body.contains(&format!("data-keys=\"{}\"", fixture.recipient.kid())),
        "{body}"
    );
    let (_, headers, _) = page("/book/praxis-am-see").await;
    assert!(
        headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ASCII")
            .ends_with("frame-ancestors 'none'")
    );
    let (status, _, body) = page("/book/no-such-business").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("\"unknown_business\""), "{body}");

    // The visitor's manage page and the staff inbox: exactly their own inline
    // loader and style by hash, never framed, never cached.
    for path in ["/inbox/", "/manage/7KQ2-M9XD-4T8R-B1ZC"] {
        let (_, headers, _) = page(path).await;
        let policy = headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ASCII");
        assert!(policy.contains(&inline("start()")), "{path}: {policy}");
        assert!(policy.contains(&inline("body{}")), "{path}: {policy}");
        assert!(policy.contains("connect-src 'self';"), "{path}: {policy}");
        assert!(
            policy.ends_with("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{path}");
    }
    let (status, headers, _) = page("/inbox").await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(headers[header::LOCATION], "/inbox/");
    let (_, headers, _) = page("/manage/7KQ2-M9XD-4T8R-B1ZC").await;

    // HSTS only when visitors reach the server over TLS.
    assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    let mut behind_tls = fixture.config.clone();
    behind_tls.public_url = Some("https://book.example.com".to_owned());
    let response = app(AppState::new(behind_tls, fixture.storage.clone()))
        .oneshot(
            Request::get("/healthz")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(
        response.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
}

/// `/metrics` needs its token, and counts bookings by business and outcome code
/// only: an unknown business a client invents never becomes a label.
async fn metrics_need_their_token_and_label_only_configured_values(database: TestDatabase) {
    let fixture = fixture(database).await;
    let (status, body) = get(&fixture.state, "/metrics").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no token configured: no page"
    );
    assert_eq!(code(&body), "not_found");

    let mut with_token = fixture.config.clone();
    with_token.metrics_token = Some("prometheus-secret".to_owned());
    let state = AppState::new(with_token, fixture.storage.clone());
    let good = sealed_booking(&fixture.recipient, "bistro-du-coin");
    let (status, _) = post_json(
        &state,
        "bistro-du-coin",
        &json!({ "envelope": good, "start": slot(2), "party_size": 2 }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = post_json(
        &state,
        "bistro-du-coin",
        &json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": too_soon(), "party_size": 2 }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let invented = "invented-business-Canary";
    let (status, _) = post_json(
        &state,
        invented,
        &json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": slot(2), "party_size": 2 }),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let scrape = async |authorization: &str| {
        let response = app(state.clone())
            .oneshot(
                Request::get("/metrics")
                    .header(header::AUTHORIZATION, authorization)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    };
    assert_eq!(
        scrape("Bearer wrong-secret").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, text) = scrape("Bearer prometheus-secret").await;
    assert_eq!(status, StatusCode::OK);
    for line in [
        "sealbook_bookings_total{business=\"bistro-du-coin\",outcome=\"accepted\"} 1",
        "sealbook_bookings_total{business=\"bistro-du-coin\",outcome=\"too_soon\"} 1",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
    assert!(
        text.contains("code=\"unknown_business\""),
        "the refusal is counted: {text}"
    );
    assert!(!text.contains(invented), "{text}");
    assert!(!text.contains(&good), "{text}");
}

/// One client gets at most `bookings_per_slot` bookings at one time; other
/// clients still get theirs, and other times stay open to the first one.
async fn a_client_holds_at_most_its_share_of_one_time(database: TestDatabase) {
    let fixture = fixture(database).await;
    let mut config = fixture.config.clone();
    config.limits.bookings_per_minute = 100;
    config.limits.bookings_per_slot = 2;
    let state = AppState::new(config, fixture.storage.clone());
    let book = async |client: [u8; 4], start: &str| {
        let body = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": start, "party_size": 1 });
        let request = Request::post("/api/v1/businesses/bistro-du-coin/bookings")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        call(&state, from_client(client, request)).await
    };
    let (eight, nine) = (slot_at(3, 20), slot_at(3, 21));
    let greedy = [10, 0, 0, 7];
    for _ in 0..2 {
        assert_eq!(book(greedy, &eight).await.0, StatusCode::CREATED);
    }
    // One more share of a time comes every 12 hours, and the refusal says so.
    let body = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": eight, "party_size": 1 });
    let refused = app(state.clone())
        .oneshot(from_client(
            greedy,
            Request::post("/api/v1/businesses/bistro-du-coin/bookings")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        ))
        .await
        .expect("infallible");
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let seconds: u64 = refused
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .expect("Retry-After in seconds");
    assert!(
        (12 * 3600 - 60..=12 * 3600).contains(&seconds),
        "Retry-After {seconds}"
    );
    // Sweeping the shared buckets keeps the ones still counting.
    if fixture.storage.backend() == Backend::Postgres {
        fixture
            .storage
            .forget_idle_rate_cells()
            .await
            .expect("sweep");
    }
    let (status, body) = book(greedy, &eight).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    assert_eq!(book(greedy, &nine).await.0, StatusCode::CREATED);
    assert_eq!(book([10, 0, 0, 8], &eight).await.0, StatusCode::CREATED);
}

/// The allowance is the business's, however its id is spelled in the path:
/// `bist%72o` is `bistro` to the handler, so it is to the limiter too.
async fn a_percent_encoded_business_id_shares_the_allowance(database: TestDatabase) {
    let fixture = fixture(database).await;
    let mut config = fixture.config.clone();
    config.limits.bookings_per_minute = 2;
    config.limits.consents_per_minute = 2;
    let state = AppState::new(config, fixture.storage.clone());
    let client = [10, 0, 0, 11];
    let book = async |path_id: &str, hour: i8| {
        let body = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": slot_at(4, hour), "party_size": 1 });
        let request = Request::post(format!("/api/v1/businesses/{path_id}/bookings"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        call(&state, from_client(client, request)).await
    };
    let (status, body) = book("bistro-du-coin", 10).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = book("bist%72o-du-coin", 11).await;
    assert_eq!(status, StatusCode::CREATED, "the same business: {body}");
    for spelling in ["bistro-du-co%69n", "%62istro-du-coin", "bistro%2Ddu-coin"] {
        let (status, body) = book(spelling, 12).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            "{spelling}"
        );
    }

    let consent = async |path_id: &str| {
        let request = Request::post(format!("/api/v1/businesses/{path_id}/consents"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .expect("request");
        call(&state, from_client(client, request)).await.0
    };
    for spelling in ["bistro-du-coin", "bistro-du-co%69n"] {
        assert_ne!(consent(spelling).await, StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(
        consent("%62istro-du-coin").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// A retry with its idempotency key gets the first answer even when the
/// client has used its share of that time: the retry takes nothing more.
async fn an_idempotent_retry_takes_nothing_from_the_clients_share(database: TestDatabase) {
    let fixture = fixture(database).await;
    let mut config = fixture.config.clone();
    config.limits.bookings_per_minute = 100;
    config.limits.bookings_per_slot = 1;
    let state = AppState::new(config, fixture.storage.clone());
    let body = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": slot_at(4, 19), "party_size": 2 });
    let attempt = || {
        from_client(
            [10, 0, 0, 12],
            Request::post("/api/v1/businesses/bistro-du-coin/bookings")
                .header(header::CONTENT_TYPE, "application/json")
                .header("idempotency-key", "flaky-network-1")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
    };
    let (status, first) = call(&state, attempt()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    for _ in 0..3 {
        let (status, again) = call(&state, attempt()).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(again["id"], first["id"]);
    }
    // Another booking at that time is still past the client's share.
    let other = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": slot_at(4, 19), "party_size": 2 });
    let request = from_client(
        [10, 0, 0, 12],
        Request::post("/api/v1/businesses/bistro-du-coin/bookings")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(other.to_string()))
            .expect("request"),
    );
    let (status, body) = call(&state, request).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
}

/// The sweeper forgets idle buckets without waiting for one a booking's
/// transaction holds: that transaction may hold more, and waiting for one
/// while the sweep holds others could deadlock. (The shared table is
/// PostgreSQL's; on SQLite the buckets are in memory.)
async fn the_sweep_skips_a_bucket_a_transaction_holds(database: TestDatabase) {
    let fixture = fixture(database).await;
    if fixture.storage.backend() != Backend::Postgres {
        return;
    }
    let mut holder = fixture.database.connect().await;
    for key in [[1u8; 16], [2u8; 16]] {
        sqlx::query("INSERT INTO rate_limits (key, tat) VALUES ($1, 0)")
            .bind(&key[..])
            .execute(&mut holder)
            .await
            .expect("an idle bucket");
    }
    sqlx::query("BEGIN")
        .execute(&mut holder)
        .await
        .expect("begin");
    sqlx::query("SELECT tat FROM rate_limits WHERE key = $1 FOR UPDATE")
        .bind(&[1u8; 16][..])
        .execute(&mut holder)
        .await
        .expect("hold one bucket");
    let swept = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        fixture.storage.forget_idle_rate_cells(),
    )
    .await
    .expect("the sweep does not wait for the held bucket")
    .expect("sweep");
    assert_eq!(swept, 1, "only the bucket nobody holds");
    sqlx::query("ROLLBACK")
        .execute(&mut holder)
        .await
        .expect("rollback");
    assert_eq!(
        fixture
            .storage
            .forget_idle_rate_cells()
            .await
            .expect("sweep"),
        1,
        "the bucket, once let go"
    );
}

/// A booking for two at the bistro, the day after tomorrow at `hour`:00.
fn bistro_booking_at(recipient: &Recipient, hour: i8) -> String {
    json!({ "envelope": sealed_booking(recipient, "bistro-du-coin"), "start": slot_at(2, hour), "party_size": 2 })
        .to_string()
}

/// A booking upload from `client` to the bistro: its status, error code and
/// `Retry-After`.
async fn upload_from(
    state: &AppState,
    client: [u8; 4],
    (body, idempotency_key): (&str, Option<&str>),
) -> (StatusCode, String, Option<String>) {
    let mut request = Request::post("/api/v1/businesses/bistro-du-coin/bookings")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = idempotency_key {
        request = request.header("idempotency-key", key);
    }
    let request = from_client(
        client,
        request.body(Body::from(body.to_owned())).expect("request"),
    );
    let response = app(state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null);
    (status, code(&body).to_owned(), retry_after)
}

/// Every booking upload counts against the client's allowance per minute: one
/// refused before its booking is read (a body that is not JSON), a booking,
/// and its retry. Past the allowance the client is refused whatever it sends,
/// and nothing more is stored.
async fn every_booking_attempt_counts_against_the_allowance_per_minute(database: TestDatabase) {
    let fixture = fixture(database).await;
    let mut config = fixture.config.clone();
    config.limits.bookings_per_minute = 3;
    let state = AppState::new(config, fixture.storage.clone());
    let client = [10, 0, 0, 7];
    let booking_at = |hour: i8| bistro_booking_at(&fixture.recipient, hour);
    let first = booking_at(10);
    let (status, code, _) = upload_from(&state, client, ("{not json", None)).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let (status, code, _) = upload_from(&state, client, (&first, Some("first"))).await;
    assert_eq!(status, StatusCode::CREATED, "{code}");
    let (status, code, _) = upload_from(&state, client, (&first, Some("first"))).await;
    assert_eq!(status, StatusCode::OK, "the retry is answered: {code}");

    let (status, code, retry_after) =
        upload_from(&state, client, (&booking_at(11), Some("second"))).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let seconds: u64 = retry_after.expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&seconds), "Retry-After {seconds}");
    let (status, code, _) = upload_from(&state, client, ("{not json", None)).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        "refused whatever it sends"
    );
    let (status, _, _) = upload_from(&state, [10, 0, 0, 8], (&booking_at(12), None)).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "another client has its own allowance"
    );
    assert_eq!(
        fixture
            .storage
            .bookings(&BookingFilter::default())
            .await
            .expect("list")
            .len(),
        2
    );
}

/// An upload whose batch was rolled back (a server error) still counts against
/// the client's allowance per minute, though the take made in its read was
/// rolled back with the batch.
async fn an_upload_whose_batch_failed_still_counts(database: TestDatabase) {
    let fixture = fixture(database).await;
    fail_every_party_of_two_half_way(&fixture.database).await;
    let mut config = fixture.config.clone();
    config.limits.bookings_per_minute = 2;
    let state = AppState::new(config, fixture.storage.clone());
    let client = [10, 0, 0, 4];
    for (hour, key) in [(10, "one"), (11, "two")] {
        let booking = bistro_booking_at(&fixture.recipient, hour);
        let (status, code, _) = upload_from(&state, client, (&booking, Some(key))).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{code}");
    }
    let booking = bistro_booking_at(&fixture.recipient, 12);
    let (status, code, _) = upload_from(&state, client, (&booking, Some("three"))).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
}

/// On PostgreSQL a client the shared table refused is answered from the
/// process's memory until its wait is over: with the table locked by another
/// transaction, it is still refused at once, while another client's booking
/// waits for the table.
async fn a_refused_client_is_answered_without_the_database(database: TestDatabase) {
    let fixture = fixture(database).await;
    if fixture.storage.backend() != Backend::Postgres {
        return;
    }
    let mut config = fixture.config.clone();
    config.limits.bookings_per_minute = 1;
    let state = AppState::new(config, fixture.storage.clone());
    let booking_at = |hour: i8| bistro_booking_at(&fixture.recipient, hour);
    let client = [10, 0, 0, 5];
    let (status, code, _) = upload_from(&state, client, (&booking_at(10), None)).await;
    assert_eq!(status, StatusCode::CREATED, "{code}");
    let refused = booking_at(11);
    let (status, _, first_wait) = upload_from(&state, client, (&refused, None)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let first_wait: u64 = first_wait.expect("Retry-After").parse().expect("seconds");

    let mut holder = fixture.database.connect().await;
    sqlx::query("BEGIN")
        .execute(&mut holder)
        .await
        .expect("begin");
    sqlx::query("LOCK TABLE rate_limits IN ACCESS EXCLUSIVE MODE")
        .execute(&mut holder)
        .await
        .expect("lock the buckets");
    let (status, code, wait) = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        upload_from(&state, client, (&refused, None)),
    )
    .await
    .expect("the refused client is answered without the table");
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let wait: u64 = wait.expect("Retry-After").parse().expect("seconds");
    assert!(
        (1..=first_wait).contains(&wait),
        "{wait} s, first {first_wait} s"
    );

    // The lock does hold the table: another client's booking waits for it.
    let other = tokio::spawn({
        let state = state.clone();
        let body = booking_at(12);
        async move { upload_from(&state, [10, 0, 0, 6], (&body, None)).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !other.is_finished(),
        "another client's booking needs the table"
    );
    sqlx::query("ROLLBACK")
        .execute(&mut holder)
        .await
        .expect("rollback");
    let (status, code, _) = other.await.expect("the other booking");
    assert_eq!(status, StatusCode::CREATED, "{code}");
}

/// A client that waits as long as `Retry-After` says gets through again.
async fn waiting_for_retry_after_is_enough(database: TestDatabase) {
    let fixture = fixture(database).await;
    let mut config = fixture.config.clone();
    config.limits.manage_per_minute = 60;
    let state = AppState::new(config, fixture.storage.clone());
    let guess = async || {
        let request = from_client(
            [10, 0, 0, 9],
            Request::get("/api/v1/bookings/0000-0000-0000-0000")
                .header(header::AUTHORIZATION, "Bearer x")
                .body(Body::empty())
                .expect("request"),
        );
        let response = app(state.clone())
            .oneshot(request)
            .await
            .expect("infallible");
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        (response.status(), retry_after)
    };
    let mut refused = None;
    for _ in 0..100 {
        let (status, retry_after) = guess().await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = retry_after;
            break;
        }
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let seconds = refused.expect("the limit holds within 100 requests, with Retry-After");
    assert_eq!(guess().await.0, StatusCode::TOO_MANY_REQUESTS, "not before");
    tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
    assert_eq!(guess().await.0, StatusCode::NOT_FOUND, "after {seconds} s");
}

/// A consent record holds the choice, the notice version and the hash of the
/// notice text — and nothing about who chose: no address, no browser.
async fn consent_records_keep_the_choice_and_nothing_about_the_visitor(database: TestDatabase) {
    let fixture = fixture(database).await;
    let mut config = fixture.config.clone();
    config.businesses[0].consent = Some(
        serde_json::from_value(json!({
            "version": "2026-11",
            "privacy_policy": "https://bistro.test/confidentialite",
            "retention_days": 30,
            "categories": [
                { "id": "necessary", "description": { "fr": "Indispensables" } },
                { "id": "analytics", "description": { "fr": "Mesure d'audience" },
                  "services": [{ "name": "Matomo", "provider": "Bistro du Coin", "purpose": { "fr": "Statistiques" },
                                 "cookies": [{ "name": "_pk_id", "duration": "13 mois" }] }] },
                { "id": "marketing", "description": { "fr": "Publicité" },
                  "services": [{ "name": "Vidéo, Inc.", "provider": "Example Video", "purpose": { "fr": "Vidéos" } }] }
            ]
        }))
        .expect("notice"),
    );
    let state = AppState::new(config, fixture.storage.clone());
    let (status, profile) = get(&state, "/api/v1/businesses/bistro-du-coin/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["consent"]["version"], "2026-11");
    assert_eq!(
        profile["consent"]["categories"][1]["services"][0]["cookies"][0]["name"],
        "_pk_id"
    );
    assert!(
        profile["consent"].get("retention_days").is_none(),
        "retention is the business's affair"
    );

    let consent_id = URL_SAFE_NO_PAD.encode([7u8; 16]);
    let notice_hash = URL_SAFE_NO_PAD.encode([9u8; 32]);
    let record = |body: Value| {
        Request::post("/api/v1/businesses/bistro-du-coin/consents")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::USER_AGENT, "CanaryBrowser/7.7")
            .header("x-forwarded-for", "203.0.113.77")
            .body(Body::from(body.to_string()))
            .expect("request")
    };
    let choice = |action: &str, granted: &[&str], refused: &[&str], version: &str| {
        json!({ "consent_id": consent_id, "notice_version": version, "language": "fr",
                "granted": granted, "refused": refused, "action": action, "notice_hash": notice_hash })
    };
    let (status, body) = call(
        &state,
        record(choice(
            "reject_all",
            &[],
            &["analytics", "marketing"],
            "2026-11",
        )),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["consent_id"], consent_id.as_str());
    let (status, _) = call(
        &state,
        record(choice("custom", &["analytics"], &["marketing"], "2026-11")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // One embed's "load it": its service allowed, its category still refused.
    let with_services = |mut body: Value, services: &[&str]| {
        body["services"] = json!(services);
        body
    };
    let (status, body) = call(
        &state,
        record(with_services(
            choice("custom", &["analytics"], &["marketing"], "2026-11"),
            &["Vidéo, Inc."],
        )),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    for (case, body, expected) in [
        (
            "a service the notice does not declare",
            with_services(
                choice("custom", &["analytics"], &["marketing"], "2026-11"),
                &["Tracker"],
            ),
            "bad_request",
        ),
        (
            "a service of a granted category",
            with_services(
                choice("custom", &["analytics"], &["marketing"], "2026-11"),
                &["Matomo"],
            ),
            "bad_request",
        ),
        (
            "a service twice",
            with_services(
                choice("custom", &[], &["analytics", "marketing"], "2026-11"),
                &["Matomo", "Matomo"],
            ),
            "bad_request",
        ),
        (
            "reject all that allows a service",
            with_services(
                choice("reject_all", &[], &["analytics", "marketing"], "2026-11"),
                &["Matomo"],
            ),
            "bad_request",
        ),
        (
            "GPC that allows a marketing service",
            with_services(
                choice("gpc", &["analytics"], &["marketing"], "2026-11"),
                &["Vidéo, Inc."],
            ),
            "bad_request",
        ),
        (
            "an older notice",
            choice("accept_all", &["analytics", "marketing"], &[], "2026-10"),
            "notice_changed",
        ),
        (
            "a category left out",
            choice("custom", &["analytics"], &[], "2026-11"),
            "bad_request",
        ),
        (
            "an unknown category",
            choice(
                "custom",
                &["analytics", "tracking"],
                &["marketing"],
                "2026-11",
            ),
            "bad_request",
        ),
        (
            "reject all that grants",
            choice("reject_all", &["analytics"], &["marketing"], "2026-11"),
            "bad_request",
        ),
        (
            "GPC that grants marketing",
            choice("gpc", &["marketing"], &["analytics"], "2026-11"),
            "bad_request",
        ),
        (
            "a guessable id",
            {
                let mut body = choice("reject_all", &[], &["analytics", "marketing"], "2026-11");
                body["consent_id"] = json!("visitor-42");
                body
            },
            "bad_request",
        ),
    ] {
        let (_, body) = call(&state, record(body)).await;
        assert_eq!(code(&body), expected, "{case}: {body}");
    }
    let (status, body) = call(
        &state,
        Request::post("/api/v1/businesses/praxis-am-see/consents")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                choice("reject_all", &[], &[], "2026-11").to_string(),
            ))
            .expect("request"),
    )
    .await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "not_found"),
        "no notice, no records"
    );

    let records = fixture.storage.consents(None).await.expect("list");
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].action, "reject_all");
    assert_eq!(records[0].refused, ["analytics", "marketing"]);
    assert_eq!(records[1].granted, ["analytics"]);
    assert_eq!(records[1].notice_hash, [9u8; 32]);
    let services: Vec<_> = records.iter().map(|record| &record.services).collect();
    assert_eq!(
        services
            .iter()
            .filter(|services| services.is_empty())
            .count(),
        2
    );
    assert!(services.contains(&&vec!["Vidéo, Inc.".to_owned()]));
    if let Some(path) = &fixture.database.sqlite_path {
        let mut bytes = std::fs::read(path).expect("database file");
        bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        for visitor in ["CanaryBrowser", "203.0.113.77"] {
            assert!(
                !bytes
                    .windows(visitor.len())
                    .any(|w| w == visitor.as_bytes()),
                "{visitor} reached the database"
            );
        }
    }

    // Retention: 30 days after they were made, the records are gone.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 31);
    sealbook_server::sweeper::sweep_once(&state, later)
        .await
        .expect("sweep");
    assert!(
        fixture
            .storage
            .consents(None)
            .await
            .expect("list")
            .is_empty()
    );
}

/// A capacity search starts as long before its window as the business's
/// longest booking lasts, which the database records; migration 0020 records it
/// for the bookings already stored, so a long one made before it (here five
/// hours, from 18:00) still holds its seats at 22:00.
async fn a_long_booking_stored_before_migration_0020_still_holds_its_seats(database: TestDatabase) {
    let pool = support::migrated_before(&database, 20).await;
    let evening = 1_900_000_000;
    for (id, starts_at, hours, party_size) in [
        ("OLD-LONG", evening, 5, 8),
        ("OLD-SHORT", evening + 6 * 3600, 1, 2),
    ] {
        sqlx::query(
            "INSERT INTO bookings (id, business, starts_at, ends_at, party_size, envelope, created_at,
                                   status, envelope_hash)
             VALUES ($1, 'bistro-du-coin', $2, $3, $4, $5, 1, 'confirmed', $6)",
        )
        .bind(id)
        .bind(starts_at)
        .bind(starts_at + hours * 3600)
        .bind(party_size)
        .bind(vec![0u8; 4])
        .bind(vec![u8::try_from(party_size).expect("small"); 32])
        .execute(&pool)
        .await
        .expect("an old booking");
    }
    pool.close().await;

    let storage = Storage::open(&database.url).await.expect("migrated");
    let business = sealbook_server::ids::BusinessId::new("bistro-du-coin");
    let ten_pm = evening + 4 * 3600;
    let held = storage
        .occupancy_between(&business, (ten_pm, ten_pm + 1800))
        .await
        .expect("occupancy");
    let seats: Vec<u32> = held.iter().map(|held| held.party_size).collect();
    assert_eq!(seats, [8], "the long booking, found from four hours later");
    storage.close().await;
}

/// A booking made longer after it was stored (here by plain SQL, as another
/// process would) still holds its seats to its new end: the triggers record
/// the business's longest booking on every change, not only on insert.
async fn a_booking_made_longer_holds_its_seats_to_its_new_end(database: TestDatabase) {
    let fixture = fixture(database).await;
    let start = slot(3);
    let body = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": start, "party_size": 5 });
    let (status, created) = post_json(&fixture.state, "bistro-du-coin", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let mut elsewhere = fixture.database.connect().await;
    sqlx::query("UPDATE bookings SET ends_at = starts_at + 6 * 3600 WHERE id = $1")
        .bind(created["id"].as_str().expect("an id"))
        .execute(&mut elsewhere)
        .await
        .expect("made longer");
    let five_hours_in = start.parse::<jiff::Timestamp>().expect("time").as_second() + 5 * 3600;
    let held = fixture
        .storage
        .occupancy_between(
            &sealbook_server::ids::BusinessId::new("bistro-du-coin"),
            (five_hours_in, five_hours_in + 1800),
        )
        .await
        .expect("occupancy");
    let seats: Vec<u32> = held.iter().map(|held| held.party_size).collect();
    assert_eq!(seats, [5], "the booking, found five hours after its start");
}

/// Availability keeps the capacity rows it read until the database's counter
/// for the business moves; a change made by another process (here, plain SQL
/// on the same database) moves it too, so the next look sees the change.
async fn availability_sees_every_change_to_capacity_whoever_made_it(database: TestDatabase) {
    let fixture = fixture(database).await;
    let start = slot(3);
    let remaining = || remaining_at(&fixture.state, &start);
    assert_eq!(remaining().await, Some(json!(8)));
    assert_eq!(remaining().await, Some(json!(8)), "read again, unchanged");
    let body = json!({ "envelope": sealed_booking(&fixture.recipient, "bistro-du-coin"), "start": start, "party_size": 5 });
    let (status, created) = post_json(&fixture.state, "bistro-du-coin", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("an id").to_owned();
    assert_eq!(remaining().await, Some(json!(3)), "the booking holds five");

    let mut elsewhere = fixture.database.connect().await;
    for (statement, expected) in [
        ("UPDATE bookings SET party_size = 2 WHERE id = $1", 6),
        ("UPDATE bookings SET status = 'cancelled' WHERE id = $1", 8),
        ("UPDATE bookings SET status = 'confirmed' WHERE id = $1", 6),
        ("DELETE FROM bookings WHERE id = $1", 8),
    ] {
        sqlx::query(statement)
            .bind(&id)
            .execute(&mut elsewhere)
            .await
            .expect(statement);
        assert_eq!(
            remaining().await,
            Some(json!(expected)),
            "after {statement}"
        );
    }
}

on_both_backends!(
    every_booking_attempt_counts_against_the_allowance_per_minute,
    an_upload_whose_batch_failed_still_counts,
    a_refused_client_is_answered_without_the_database,
    the_sweep_skips_a_bucket_a_transaction_holds,
    a_booking_that_fails_half_way_takes_its_batch_down_and_nothing_else,
    a_long_booking_stored_before_migration_0020_still_holds_its_seats,
    a_booking_made_longer_holds_its_seats_to_its_new_end,
    a_percent_encoded_business_id_shares_the_allowance,
    an_idempotent_retry_takes_nothing_from_the_clients_share,
    consent_records_keep_the_choice_and_nothing_about_the_visitor,
    waiting_for_retry_after_is_enough,
    a_client_holds_at_most_its_share_of_one_time,
    metrics_need_their_token_and_label_only_configured_values,
    pages_carry_strict_security_headers,
    rate_limits_hold_per_client_and_say_when_to_retry,
    key_status_decides_what_may_be_sealed_to,
    hostile_requests_get_typed_client_errors,
    fixture,
    a_sealed_booking_is_stored_as_ciphertext_only,
    the_key_set_lists_active_keys_with_their_kids,
    the_profile_tells_the_widget_what_to_ask_and_why,
    the_profile_offers_only_the_configured_marketing_optins,
    availability_lists_days_and_free_capacity,
    availability_sees_every_change_to_capacity_whoever_made_it,
    bad_input_gets_a_typed_error_and_stores_nothing,
    two_hundred_concurrent_requests_for_eight_seats_book_exactly_eight,
    a_retry_with_the_same_idempotency_key_returns_the_same_booking,
    the_manage_link_reads_changes_cancels_and_erases,
    cors_allows_only_configured_origins,
);
