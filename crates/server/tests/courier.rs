//! Visitor messages through the business's courier, in-process against a real
//! SQLite file and PostgreSQL: a booking with a contact card gets its jobs,
//! a courier token leases and acknowledges them, staff changes and visitor
//! cancels rewrite them, the cancel link cancels and can do nothing else, and
//! every bad upload or token is a typed error that stores nothing.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt as _;
use sealbook_envelope::{
    Identity, ManageSecret, Recipient, SealParams, open_contact_card, seal, seal_contact_card,
    seal_visitor_copy,
};
use sealbook_server::ids::BusinessId;
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig, VECTORS, contact_card_vector, courier_key};
use sealbook_wire::contact_card::{Channel, ContactCard};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt as _;

mod peer;
mod support;
use peer::from_client;
use support::TestDatabase;

const CANARY_ADDRESS: &str = "canary-7f3a9c.marchetti@example.org";
const BISTRO: &str = "bistro-du-coin";

struct Fixture {
    state: AppState,
    config: Config,
    storage: Storage,
    database: TestDatabase,
    booking_key: Recipient,
    clinic_key: Recipient,
    courier_public: Recipient,
    courier: Identity,
}

async fn fixture(database: TestDatabase) -> Fixture {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors parse");
    let booking_key =
        Recipient::from_spki_pem(vectors[0]["public_key_pem"].as_str().expect("pem")).expect("key");
    let clinic_key =
        Recipient::from_spki_pem(vectors[1]["public_key_pem"].as_str().expect("pem")).expect("key");
    let card_vector = contact_card_vector(0);
    let courier_public =
        Recipient::from_spki_pem(card_vector["public_key_pem"].as_str().expect("pem"))
            .expect("key");
    let courier = Identity::from_pkcs8_pem(card_vector["private_key_pem"].as_str().expect("pem"))
        .expect("key");
    let config = ServerConfig::new(&database.url)
        .business(
            Business::bistro_du_coin()
                .set("cancel_until_hours", 2)
                // A start inside the cancellation deadline is bookable at any hour.
                .set("min_lead_minutes", 0)
                .set("courier.keys", vec![courier_key(0)])
                .set("courier.channels", vec!["email", "sms"])
                .set("courier.reminders", vec!["48h", "2h"])
                .set("courier.grace", "10m")
                .set("courier.waitlist_hold", "15m")
                // Own texts: the courier gets the messages, not the widget's.
                .set("texts.fr.messages.Hello", "Bonjour et merci,")
                .set("texts.pl.messages.People.one", "{n} gość")
                .set("texts.pl.messages.People.few", "{n} gości")
                .set("texts.pl.messages.People.many", "{n} gości")
                .set("texts.pl.messages.People.other", "{n} gościa")
                .set("texts.es.visitor.Heading", "Reserve su mesa"),
        )
        .business(Business::praxis_am_see())
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    Fixture {
        state: AppState::new(config.clone(), storage.clone()),
        config,
        storage,
        database,
        booking_key,
        clinic_key,
        courier_public,
        courier,
    }
}

/// Noon, Paris time, `days` from today.
fn noon_in(days: i64) -> jiff::Timestamp {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb");
    jiff::Timestamp::now()
        .to_zoned(paris.clone())
        .date()
        .checked_add(jiff::Span::new().days(days))
        .expect("date")
        .at(12, 0, 0, 0)
        .to_zoned(paris)
        .expect("noon exists")
        .timestamp()
}

/// The bistro's first start at least a quarter of an hour away: a quarter
/// hour whose 90-minute turn ends by midnight in Paris (its days are
/// 00:00-24:00). Always less than two hours away: the longest gap between
/// starts is 22:30 to 00:00.
fn soonest_start() -> jiff::Timestamp {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb");
    let mut quarter = (jiff::Timestamp::now().as_second() + 900) / 900 + 1;
    loop {
        let start = jiff::Timestamp::from_second(quarter * 900).expect("time");
        let local = start.to_zoned(paris.clone()).time();
        if i32::from(local.hour()) * 60 + i32::from(local.minute()) <= 22 * 60 + 30 {
            return start;
        }
        quarter += 1;
    }
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

fn with_bearer(builder: axum::http::request::Builder, token: &str) -> axum::http::request::Builder {
    builder.header(header::AUTHORIZATION, format!("Bearer {token}"))
}

async fn post_json(
    state: &AppState,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (StatusCode, Value) {
    let mut builder = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        builder = with_bearer(builder, token);
    }
    call(
        state,
        builder.body(Body::from(body.to_string())).expect("request"),
    )
    .await
}

async fn get_with(state: &AppState, path: &str, token: &str) -> (StatusCode, Value) {
    call(
        state,
        with_bearer(Request::get(path), token)
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no code>")
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the widget uploads: the booking, the visitor copy and its token hash,
/// and, when asked, a card for `address` on `channel` sealed to `card_keys`.
struct Upload {
    body: Value,
    secret: ManageSecret,
}

fn upload(
    fixture: &Fixture,
    start: jiff::Timestamp,
    card: Option<(&[Recipient], &str, Channel, &str)>,
) -> Upload {
    upload_to(&fixture.booking_key, BISTRO, start, card)
}

fn upload_to(
    booking_key: &Recipient,
    business: &str,
    start: jiff::Timestamp,
    card: Option<(&[Recipient], &str, Channel, &str)>,
) -> Upload {
    let secret = ManageSecret::generate(&mut getrandom::SysRng).expect("secret");
    let params = SealParams {
        business,
        iat: 1_790_000_000,
    };
    let plaintext =
        json!({ "v": 1, "kind": "restaurant", "party_size": 2, "start": start.to_string() })
            .to_string();
    let envelope = seal(
        std::slice::from_ref(booking_key),
        &params,
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    let copy = seal_visitor_copy(
        &secret,
        &params,
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    let mut body = json!({
        "envelope": b64(&envelope),
        "start": start.to_string(),
        "party_size": 2,
        "visitor_copy": b64(&copy),
        "manage_token_hash": secret.token().hash().to_base64url(),
    });
    if let Some((keys, card_business, channel, address)) = card {
        let cancel = secret.cancel_token();
        let card = ContactCard::new(channel, address, "fr", cancel.to_base64url())
            .expect("a valid address");
        let sealed = seal_contact_card(
            keys,
            &SealParams {
                business: card_business,
                iat: 1_790_000_000,
            },
            &card.to_plaintext(),
            &mut getrandom::SysRng,
        )
        .expect("seal");
        body["contact_card"] = json!(b64(&sealed));
        body["cancel_token_hash"] = json!(cancel.hash().to_base64url());
    }
    Upload { body, secret }
}

async fn book(fixture: &Fixture, upload: &Upload) -> String {
    let (status, answer) = post_json(
        &fixture.state,
        &format!("/api/v1/businesses/{BISTRO}/bookings"),
        None,
        &upload.body,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    answer["id"].as_str().expect("an id").to_owned()
}

async fn courier_token(fixture: &Fixture, label: &str) -> (String, String) {
    let token = format!(
        "sbc_{label}-{}",
        sealbook_server::ids::random_base64url(24).expect("random")
    );
    let id = sealbook_server::ids::random_base64url(12).expect("random");
    let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    fixture
        .storage
        .create_courier_token(
            &BusinessId::new(BISTRO),
            &id,
            label,
            &hash,
            jiff::Timestamp::now().as_second(),
        )
        .await
        .expect("token stored");
    (id, token)
}

async fn claim(fixture: &Fixture, token: &str) -> Value {
    let (status, claimed) = post_json(
        &fixture.state,
        "/api/v1/courier/claim",
        Some(token),
        &json!({ "wait_seconds": 0 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{claimed}");
    claimed
}

async fn jobs_of(fixture: &Fixture, booking: &str) -> Vec<(String, i64, Option<String>)> {
    let mut connection = fixture.database.connect().await;
    sqlx::query_as(
        "SELECT purpose, due_at, outcome FROM message_jobs WHERE booking_id = $1 ORDER BY due_at, id",
    )
    .bind(booking)
    .fetch_all(&mut connection)
    .await
    .expect("jobs")
}

async fn a_card_gets_its_jobs_and_a_courier_sends_them_once(database: TestDatabase) {
    let fixture = fixture(database).await;
    let start = noon_in(3);
    let keys = std::slice::from_ref(&fixture.courier_public);
    let with_card = upload(
        &fixture,
        start,
        Some((keys, BISTRO, Channel::Email, CANARY_ADDRESS)),
    );
    let booking = book(&fixture, &with_card).await;
    let without_card = book(&fixture, &upload(&fixture, start, None)).await;

    let jobs = jobs_of(&fixture, &booking).await;
    let purposes: Vec<&str> = jobs
        .iter()
        .map(|(purpose, _, _)| purpose.as_str())
        .collect();
    assert_eq!(purposes, ["confirmation", "reminder", "reminder"]);
    assert_eq!(jobs[1].1, start.as_second() - 48 * 3600);
    assert_eq!(jobs[2].1, start.as_second() - 2 * 3600);
    assert!(
        jobs_of(&fixture, &without_card).await.is_empty(),
        "no card, no job"
    );
    assert_eq!(fixture.database.count("contact_cards").await, 1);

    // The widget learns that messages are offered, and the key to seal to.
    let (_, profile) = call(
        &fixture.state,
        Request::get(format!("/api/v1/businesses/{BISTRO}/profile"))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(profile["messages"], json!(["email", "sms"]));
    let (_, keys) = call(
        &fixture.state,
        Request::get(format!("/api/v1/businesses/{BISTRO}/keys"))
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(
        keys["courier"][0]["kid"],
        fixture.courier_public.kid().as_str()
    );
    assert_eq!(keys["keys"].as_array().map(Vec::len), Some(1), "{keys}");
    let (_, clinic) = call(
        &fixture.state,
        Request::get("/api/v1/businesses/praxis-am-see/profile")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert!(
        clinic.get("messages").is_none(),
        "no courier, no offer: {clinic}"
    );

    let (_, token) = courier_token(&fixture, "back-office").await;
    let claimed = claim(&fixture, &token).await;
    let jobs = claimed["jobs"].as_array().expect("jobs");
    assert_eq!(jobs.len(), 1, "only the confirmation is due: {claimed}");
    assert_eq!(jobs[0]["purpose"], "confirmation");
    assert_eq!(jobs[0]["booking"]["id"], booking.as_str());
    assert_eq!(jobs[0]["booking"]["start"], start.to_string());
    assert_eq!(claimed["business"]["name"], "Bistro du Coin");
    assert_eq!(claimed["business"]["timezone"], "Europe/Paris");
    assert_eq!(claimed["business"]["cancel_until_minutes"], 120);
    assert_eq!(
        claimed["business"]["texts"],
        json!({
            "fr": { "Hello": "Bonjour et merci," },
            // A count as written: its forms, which the courier checks again.
            "pl": { "People": {
                "few": "{n} gości", "many": "{n} gości", "one": "{n} gość", "other": "{n} gościa"
            } },
        })
    );
    let card_bytes = URL_SAFE_NO_PAD
        .decode(jobs[0]["card"].as_str().expect("card"))
        .expect("base64url");
    let card = ContactCard::from_plaintext(
        &open_contact_card(std::slice::from_ref(&fixture.courier), &card_bytes)
            .expect("the courier opens it")
            .plaintext,
    )
    .expect("a card");
    assert_eq!(card.address, CANARY_ADDRESS);
    assert_eq!(card.cancel, with_card.secret.cancel_token().to_base64url());

    // Leased: a second courier finds nothing until the lease ends.
    let (_, second) = courier_token(&fixture, "spare").await;
    assert_eq!(claim(&fixture, &second).await["jobs"], json!([]));
    let id = jobs[0]["id"].as_i64().expect("job id");
    let ack = |token: String, id: i64| {
        let state = fixture.state.clone();
        async move {
            post_json(
                &state,
                &format!("/api/v1/courier/jobs/{id}/ack"),
                Some(&token),
                &json!({}),
            )
            .await
        }
    };
    assert_eq!(ack(token.clone(), id).await.0, StatusCode::NO_CONTENT);
    let (status, again) = ack(token.clone(), id).await;
    assert_eq!(
        (status, code(&again)),
        (StatusCode::CONFLICT, "already_acknowledged")
    );
    let (status, unknown) = ack(token.clone(), id + 1000).await;
    assert_eq!(
        (status, code(&unknown)),
        (StatusCode::NOT_FOUND, "message_job_not_found")
    );
    assert_eq!(
        claim(&fixture, &token).await["jobs"],
        json!([]),
        "nothing is sent twice"
    );

    // Nothing readable reached the database: the address is in the sealed card only.
    if let Some(path) = &fixture.database.sqlite_path {
        fixture.storage.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if let Ok(bytes) = std::fs::read(&file) {
                assert!(
                    !String::from_utf8_lossy(&bytes).contains("canary-7f3a9c"),
                    "{}",
                    file.display()
                );
            }
        }
    }
}

async fn leases_lapse_late_reminders_are_dropped_and_releases_wait(database: TestDatabase) {
    let fixture = fixture(database).await;
    let start = noon_in(3);
    let keys = std::slice::from_ref(&fixture.courier_public);
    let booking = book(
        &fixture,
        &upload(
            &fixture,
            start,
            Some((keys, BISTRO, Channel::Sms, "+33 6 12 34 56 78")),
        ),
    )
    .await;
    let business = BusinessId::new(BISTRO);
    let now = jiff::Timestamp::now().as_second();

    let first = fixture
        .storage
        .claim_messages(&business, "lease-a", now, 30, 10)
        .await
        .expect("claim");
    assert_eq!(first.len(), 1);
    assert!(
        fixture
            .storage
            .claim_messages(&business, "lease-b", now + 29, 30, 10)
            .await
            .expect("claim")
            .is_empty()
    );
    // The courier died: its lease ends and the job goes to the next one.
    let again = fixture
        .storage
        .claim_messages(&business, "lease-b", now + 30, 30, 10)
        .await
        .expect("claim");
    assert_eq!(
        again.iter().map(|job| job.id).collect::<Vec<_>>(),
        [first[0].id]
    );
    // Given back for later, under its own lease only.
    assert!(
        !fixture
            .storage
            .release_message(&business, first[0].id, "lease-a", now + 100)
            .await
            .expect("release")
    );
    assert!(
        fixture
            .storage
            .release_message(&business, first[0].id, "lease-b", now + 100)
            .await
            .expect("release")
    );
    assert!(
        fixture
            .storage
            .claim_messages(&business, "lease-c", now + 99, 30, 10)
            .await
            .expect("claim")
            .is_empty()
    );

    // An hour after the 2-hour reminder was due, with a 10-minute grace: the
    // 48-hour one is long gone too; neither is sent, the confirmation is.
    let late = start.as_second() - 2 * 3600 + 3600;
    let claimed = fixture
        .storage
        .claim_messages(&business, "lease-d", late, 30, 10)
        .await
        .expect("claim");
    assert_eq!(
        claimed
            .iter()
            .map(|job| job.purpose.as_str())
            .collect::<Vec<_>>(),
        ["confirmation"]
    );
    let outcomes: Vec<Option<String>> = jobs_of(&fixture, &booking)
        .await
        .into_iter()
        .map(|(_, _, outcome)| outcome)
        .collect();
    assert_eq!(
        outcomes,
        [None, Some("dropped".to_owned()), Some("dropped".to_owned())]
    );
    // Within the grace, a reminder still goes.
    let booking = book(
        &fixture,
        &upload(
            &fixture,
            start,
            Some((keys, BISTRO, Channel::Email, "a@example.org")),
        ),
    )
    .await;
    let claimed = fixture
        .storage
        .claim_messages(
            &business,
            "lease-e",
            start.as_second() - 2 * 3600 + 300,
            30,
            10,
        )
        .await
        .expect("claim");
    assert!(
        claimed
            .iter()
            .any(|job| job.booking_id == booking && job.purpose == "reminder"),
        "{claimed:?}"
    );
}

async fn staff_and_visitor_changes_rewrite_the_jobs(database: TestDatabase) {
    let fixture = fixture(database).await;
    let start = noon_in(3);
    let keys = std::slice::from_ref(&fixture.courier_public);
    let business = BusinessId::new(BISTRO);

    // Staff cancel: the visitor is told, and no reminder follows.
    let cancelled = book(
        &fixture,
        &upload(
            &fixture,
            start,
            Some((keys, BISTRO, Channel::Email, "a@example.org")),
        ),
    )
    .await;
    fixture
        .storage
        .cancel_for_business(&business, &cancelled, 0)
        .await
        .expect("cancel");
    let jobs = jobs_of(&fixture, &cancelled).await;
    assert_eq!(
        jobs.iter().map(|(p, _, _)| p.as_str()).collect::<Vec<_>>(),
        ["cancelled"]
    );

    // The cancel link: it shows the booking, cancels it, and reads nothing else.
    let upload_for_link = upload(
        &fixture,
        noon_in(4),
        Some((keys, BISTRO, Channel::Email, "b@example.org")),
    );
    let linked = book(&fixture, &upload_for_link).await;
    let cancel = upload_for_link.secret.cancel_token().to_base64url();
    let (status, seen) = get_with(&fixture.state, "/api/v1/cancel", &cancel).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(seen["status"], "confirmed");
    assert_eq!(seen["business_name"], "Bistro du Coin");
    assert!(seen.get("visitor_copy").is_none());
    let (status, _) = get_with(
        &fixture.state,
        &format!("/api/v1/bookings/{linked}"),
        &cancel,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the cancel token is not a manage token"
    );
    let erase = with_bearer(
        Request::delete(format!("/api/v1/bookings/{linked}")),
        &cancel,
    )
    .body(Body::empty())
    .expect("request");
    assert_eq!(
        call(&fixture.state, erase).await.0,
        StatusCode::NOT_FOUND,
        "nor can it erase"
    );
    let manage = upload_for_link.secret.token().to_base64url();
    let (status, _) = get_with(&fixture.state, "/api/v1/cancel", &manage).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the manage token is not a cancel token"
    );
    let (status, done) =
        post_json(&fixture.state, "/api/v1/cancel", Some(&cancel), &json!({})).await;
    assert_eq!(
        (status, done["status"].as_str()),
        (StatusCode::OK, Some("cancelled")),
        "{done}"
    );
    assert!(
        jobs_of(&fixture, &linked).await.is_empty(),
        "a visitor who cancelled gets no reminder"
    );
    let (status, _) = get_with(&fixture.state, "/api/v1/cancel", &cancel).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the card went with the cancel"
    );

    // Inside the cancellation deadline (2 hours), the link refuses and says until when.
    let soon = soonest_start();
    let late_upload = upload(
        &fixture,
        soon,
        Some((keys, BISTRO, Channel::Email, "c@example.org")),
    );
    book(&fixture, &late_upload).await;
    let (status, closed) = post_json(
        &fixture.state,
        "/api/v1/cancel",
        Some(&late_upload.secret.cancel_token().to_base64url()),
        &json!({}),
    )
    .await;
    assert_eq!(
        (status, code(&closed)),
        (StatusCode::UNPROCESSABLE_ENTITY, "cancellation_closed")
    );

    // A sweep keeps the cards still needed and deletes the staff-cancelled one
    // once its notice is done.
    let now = jiff::Timestamp::now().as_second();
    assert_eq!(
        fixture
            .storage
            .sweep_cards(now, now - 86_400)
            .await
            .expect("sweep"),
        0
    );
    let claimed = fixture
        .storage
        .claim_messages(&business, "lease", now, 60, 50)
        .await
        .expect("claim");
    for job in &claimed {
        fixture
            .storage
            .acknowledge_message(&business, job.id, now)
            .await
            .expect("ack");
    }
    assert_eq!(
        fixture
            .storage
            .sweep_cards(now, now - 86_400)
            .await
            .expect("sweep"),
        1
    );
    assert_eq!(
        fixture.database.count("contact_cards").await,
        1,
        "the late booking's card stays"
    );
    // Once the booking is over, the sweeper takes its card too.
    let tomorrow = jiff::Timestamp::from_second(soon.as_second() + 86_400).expect("time");
    sealbook_server::sweeper::sweep_once(&fixture.state, tomorrow)
        .await
        .expect("sweep");
    assert_eq!(fixture.database.count("contact_cards").await, 0);
}

/// A cancel token is one booking's. Reused, the second booking is refused
/// before anything of it is written (its card would be written last, after the
/// booking row, inside a transaction other bookings share).
async fn a_reused_cancel_token_is_refused_before_anything_is_written(database: TestDatabase) {
    let fixture = fixture(database).await;
    let start = noon_in(3);
    let courier = std::slice::from_ref(&fixture.courier_public);
    let path = format!("/api/v1/businesses/{BISTRO}/bookings");
    let first = upload(
        &fixture,
        start,
        Some((courier, BISTRO, Channel::Email, "a@example.org")),
    );
    book(&fixture, &first).await;
    let jobs = fixture.database.count("message_jobs").await;
    let mut second = upload(
        &fixture,
        noon_in(4),
        Some((courier, BISTRO, Channel::Email, "b@example.org")),
    )
    .body;
    second["cancel_token_hash"] = first.body["cancel_token_hash"].clone();
    let (status, answer) = post_json(&fixture.state, &path, None, &second).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::BAD_REQUEST, "bad_request"),
        "{answer}"
    );
    assert_eq!(fixture.database.count("bookings").await, 1);
    assert_eq!(fixture.database.count("contact_cards").await, 1);
    assert_eq!(fixture.database.count("message_jobs").await, jobs);
}

async fn bad_cards_and_tokens_are_typed_errors_that_store_nothing(database: TestDatabase) {
    let fixture = fixture(database).await;
    let start = noon_in(3);
    let courier = std::slice::from_ref(&fixture.courier_public);
    let booking_key = std::slice::from_ref(&fixture.booking_key);
    let path = format!("/api/v1/businesses/{BISTRO}/bookings");
    let cases = [
        (
            "a card for another business",
            upload(
                &fixture,
                start,
                Some((courier, "praxis-am-see", Channel::Email, "a@example.org")),
            )
            .body,
            "business_mismatch",
        ),
        (
            "a card sealed to a booking key",
            upload(
                &fixture,
                start,
                Some((booking_key, BISTRO, Channel::Email, "a@example.org")),
            )
            .body,
            "unknown_key",
        ),
        (
            "a booking in the card's place",
            {
                let mut body = upload(
                    &fixture,
                    start,
                    Some((courier, BISTRO, Channel::Email, "a@example.org")),
                )
                .body;
                body["contact_card"] = body["envelope"].clone();
                body
            },
            "malformed_envelope",
        ),
        (
            "a card without its cancel hash",
            {
                let mut body = upload(
                    &fixture,
                    start,
                    Some((courier, BISTRO, Channel::Email, "a@example.org")),
                )
                .body;
                body.as_object_mut()
                    .expect("object")
                    .remove("cancel_token_hash");
                body
            },
            "bad_request",
        ),
        (
            "the manage token's hash as the cancel hash",
            {
                let mut body = upload(
                    &fixture,
                    start,
                    Some((courier, BISTRO, Channel::Email, "a@example.org")),
                )
                .body;
                body["cancel_token_hash"] = body["manage_token_hash"].clone();
                body
            },
            "bad_request",
        ),
    ];
    for (what, body, expected) in cases {
        let (status, answer) = post_json(&fixture.state, &path, None, &body).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::BAD_REQUEST, expected),
            "{what}: {answer}"
        );
    }
    // The clinic has no courier: it takes no card.
    let mut clinic = upload_to(
        &fixture.clinic_key,
        "praxis-am-see",
        start,
        Some((courier, "praxis-am-see", Channel::Email, "a@example.org")),
    )
    .body;
    clinic["service"] = json!("physio-30");
    let (status, answer) = post_json(
        &fixture.state,
        "/api/v1/businesses/praxis-am-see/bookings",
        None,
        &clinic,
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::BAD_REQUEST, "no_courier"),
        "{answer}"
    );
    assert_eq!(fixture.database.count("bookings").await, 0);
    assert_eq!(fixture.database.count("contact_cards").await, 0);
    assert_eq!(fixture.database.count("message_jobs").await, 0);

    // Tokens: none, unknown, revoked.
    let (status, answer) =
        post_json(&fixture.state, "/api/v1/courier/claim", None, &json!({})).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::UNAUTHORIZED, "courier_token_invalid")
    );
    let (status, answer) = post_json(
        &fixture.state,
        "/api/v1/courier/claim",
        Some("sbc_unknown"),
        &json!({}),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::UNAUTHORIZED, "courier_token_invalid")
    );
    let (id, token) = courier_token(&fixture, "old").await;
    assert!(
        fixture
            .storage
            .revoke_courier_token(&BusinessId::new(BISTRO), &id, 1)
            .await
            .expect("revoke")
    );
    let (status, answer) = post_json(
        &fixture.state,
        "/api/v1/courier/claim",
        Some(&token),
        &json!({}),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::UNAUTHORIZED, "courier_token_invalid")
    );
    let (_, token) = courier_token(&fixture, "new").await;
    let (status, answer) = post_json(
        &fixture.state,
        "/api/v1/courier/claim",
        Some(&token),
        &json!({ "wait_seconds": 31 }),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let (status, answer) = post_json(
        &fixture.state,
        "/api/v1/courier/claim",
        Some(&token),
        &json!({ "lease_seconds": 5 }),
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    // A waiting claim comes back empty when nothing falls due.
    let began = std::time::Instant::now();
    let (status, answer) = post_json(
        &fixture.state,
        "/api/v1/courier/claim",
        Some(&token),
        &json!({ "wait_seconds": 1 }),
    )
    .await;
    assert_eq!(
        (status, answer["jobs"].clone()),
        (StatusCode::OK, json!([]))
    );
    assert!(
        began.elapsed() >= std::time::Duration::from_millis(700),
        "it waited"
    );
}

/// Where `id` stands, and whether its card is still there.
async fn standing(fixture: &Fixture, id: &str) -> (String, Option<i64>, bool) {
    let mut connection = fixture.database.connect().await;
    let (status, hold_until): (String, Option<i64>) =
        sqlx::query_as("SELECT status, hold_until FROM bookings WHERE id = $1")
            .bind(id)
            .fetch_one(&mut connection)
            .await
            .expect("the row");
    // A card whose contact was emptied (a lapsed place) counts as none.
    let cards: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM contact_cards WHERE booking_id = $1 AND LENGTH(envelope) > 0",
    )
    .bind(id)
    .fetch_one(&mut connection)
    .await
    .expect("cards");
    (status, hold_until, cards == 1)
}

async fn join_waitlist(fixture: &Fixture, upload: &Upload) -> (StatusCode, Value) {
    post_json(
        &fixture.state,
        &format!("/api/v1/businesses/{BISTRO}/waitlist"),
        None,
        &upload.body,
    )
    .await
}

async fn the_waitlist_offers_freed_seats_to_each_in_turn(database: TestDatabase) {
    let fixture = fixture(database).await;
    let keys = std::slice::from_ref(&fixture.courier_public);
    let start = noon_in(3);
    let with_card = |address: &str| {
        upload(
            &fixture,
            start,
            Some((keys, BISTRO, Channel::Email, address)),
        )
    };

    // A slot with room is booked, not waited for.
    let (status, answer) = join_waitlist(&fixture, &with_card("early@example.org")).await;
    assert_eq!((status, code(&answer)), (StatusCode::CONFLICT, "slot_open"));
    // Four parties of two fill the bistro's eight covers.
    let first = upload(&fixture, start, None);
    let first_id = book(&fixture, &first).await;
    for _ in 0..3 {
        book(&fixture, &upload(&fixture, start, None)).await;
    }
    let date = start
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").expect("tzdb"))
        .date();
    let availability =
        format!("/api/v1/businesses/{BISTRO}/availability?from={date}&to={date}&party=2");
    let (status, days) = call(
        &fixture.state,
        Request::get(&availability)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{days}");
    let listed = |key: &str| -> Vec<String> {
        days["days"][0][key]
            .as_array()
            .map(|slots| slots.iter().map(|slot| slot["start"].to_string()).collect())
            .unwrap_or_default()
    };
    let wanted = json!(start.to_string()).to_string();
    assert!(listed("full").contains(&wanted), "{days}");
    assert!(!listed("slots").contains(&wanted), "{days}");

    // The waitlist needs a card: it is how a visitor hears of freed seats.
    let (status, answer) = join_waitlist(&fixture, &upload(&fixture, start, None)).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    // Three visitors join, in order; each is told so.
    let waiters: Vec<Upload> = (0..3)
        .map(|index| with_card(&format!("waiter{index}@example.org")))
        .collect();
    let mut ids = Vec::new();
    for waiter in &waiters {
        let (status, answer) = join_waitlist(&fixture, waiter).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let id = answer["id"].as_str().expect("an id").to_owned();
        let purposes: Vec<String> = jobs_of(&fixture, &id)
            .await
            .into_iter()
            .map(|job| job.0)
            .collect();
        assert_eq!(purposes, ["waitlisted"]);
        ids.push(id);
    }
    let (status, answer) = join_waitlist(&fixture, &waiters[0]).await;
    assert_eq!((status, code(&answer)), (StatusCode::CONFLICT, "replayed"));
    // A retry with its idempotency key gets the place the first request made.
    let keyed = |upload: &Upload| {
        Request::post(format!("/api/v1/businesses/{BISTRO}/waitlist"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", "retry-4f1c")
            .body(Body::from(upload.body.to_string()))
            .expect("request")
    };
    let late = with_card("late@example.org");
    let (status, joined) = call(&fixture.state, keyed(&late)).await;
    assert_eq!(status, StatusCode::CREATED, "{joined}");
    let (status, again) = call(&fixture.state, keyed(&late)).await;
    assert_eq!((status, &again["id"]), (StatusCode::OK, &joined["id"]));
    let late_id = joined["id"].as_str().expect("an id").to_owned();
    let link = |index: usize| waiters[index].secret.cancel_token().to_base64url();
    let (status, _) = post_json(
        &fixture.state,
        "/api/v1/cancel",
        Some(&late.secret.cancel_token().to_base64url()),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(standing(&fixture, &late_id).await.0, "cancelled");
    let (status, seen) = get_with(&fixture.state, "/api/v1/cancel", &link(0)).await;
    assert_eq!(
        (status, seen["status"].as_str()),
        (StatusCode::OK, Some("waiting"))
    );
    // No seats are offered yet: nothing to take up.
    let (status, answer) =
        post_json(&fixture.state, "/api/v1/offer", Some(&link(0)), &json!({})).await;
    assert_eq!((status, code(&answer)), (StatusCode::CONFLICT, "slot_full"));

    let now = jiff::Timestamp::now();
    assert_eq!(
        sealbook_server::waitlist::offer_once(&fixture.state, now)
            .await
            .expect("a pass"),
        0,
        "nothing freed, nothing offered"
    );
    // A cancellation frees two covers: the first to join is offered them.
    let manage = first.secret.token().to_base64url();
    let (status, answer) = post_json(
        &fixture.state,
        &format!("/api/v1/bookings/{first_id}/cancel"),
        Some(&manage),
        &json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        sealbook_server::waitlist::offer_once(&fixture.state, now)
            .await
            .expect("a pass"),
        1
    );
    let held_until = now.as_second() + 900;
    assert_eq!(
        standing(&fixture, &ids[0]).await,
        ("offered".to_owned(), Some(held_until), true)
    );
    assert_eq!(standing(&fixture, &ids[1]).await.0, "waiting");
    assert!(
        jobs_of(&fixture, &ids[0])
            .await
            .iter()
            .any(|job| job.0 == "offer"),
        "the offer goes out"
    );
    let (status, seen) = get_with(&fixture.state, "/api/v1/cancel", &link(0)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["status"], "offered");
    assert_eq!(
        seen["hold_until"],
        jiff::Timestamp::from_second(held_until)
            .expect("time")
            .to_string()
    );
    // The held seats are not for anyone else.
    let (status, answer) = post_json(
        &fixture.state,
        &format!("/api/v1/businesses/{BISTRO}/bookings"),
        None,
        &upload(&fixture, start, None).body,
    )
    .await;
    assert_eq!((status, code(&answer)), (StatusCode::CONFLICT, "slot_full"));

    // The first lets the hold run out: the second is offered the seats, and
    // the first's card goes with their place.
    let later = jiff::Timestamp::from_second(held_until + 1).expect("time");
    assert_eq!(
        sealbook_server::waitlist::offer_once(&fixture.state, later)
            .await
            .expect("a pass"),
        1
    );
    assert_eq!(
        standing(&fixture, &ids[0]).await,
        ("lapsed".to_owned(), None, false)
    );
    assert_eq!(standing(&fixture, &ids[1]).await.0, "offered");
    let (status, answer) =
        post_json(&fixture.state, "/api/v1/offer", Some(&link(0)), &json!({})).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::GONE, "offer_lapsed"),
        "too late, and the link says so"
    );
    let (status, seen) = get_with(&fixture.state, "/api/v1/cancel", &link(0)).await;
    assert_eq!(
        (status, seen["status"].as_str()),
        (StatusCode::OK, Some("lapsed"))
    );

    // The second takes the seats up while normal bookings race for them: the
    // bookings all find the slot full, and the take-up is a confirmed booking
    // with its messages; a retry answers the same.
    let racers: Vec<_> = (0..6)
        .map(|_| {
            let (state, body) = (fixture.state.clone(), upload(&fixture, start, None).body);
            tokio::spawn(async move {
                post_json(
                    &state,
                    &format!("/api/v1/businesses/{BISTRO}/bookings"),
                    None,
                    &body,
                )
                .await
            })
        })
        .collect();
    for _ in 0..2 {
        let (status, taken) =
            post_json(&fixture.state, "/api/v1/offer", Some(&link(1)), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{taken}");
        assert_eq!(taken["status"], "confirmed");
    }
    for racer in racers {
        let (status, answer) = racer.await.expect("a racer");
        assert_eq!((status, code(&answer)), (StatusCode::CONFLICT, "slot_full"));
    }
    let purposes: Vec<String> = jobs_of(&fixture, &ids[1])
        .await
        .into_iter()
        .filter(|job| job.2.is_none())
        .map(|job| job.0)
        .collect();
    assert_eq!(purposes, ["confirmation", "reminder", "reminder"]);
    // The third leaves the waitlist: no more messages, no card.
    let (status, left) =
        post_json(&fixture.state, "/api/v1/cancel", Some(&link(2)), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{left}");
    assert_eq!(left["status"], "cancelled");
    assert_eq!(
        standing(&fixture, &ids[2]).await,
        ("cancelled".to_owned(), None, false)
    );
    assert!(
        jobs_of(&fixture, &ids[2])
            .await
            .iter()
            .all(|job| job.2.is_some())
    );

    // A business that keeps no waitlist says so.
    let (status, answer) = post_json(
        &fixture.state,
        "/api/v1/businesses/praxis-am-see/waitlist",
        None,
        &upload_to(&fixture.clinic_key, "praxis-am-see", start, None).body,
    )
    .await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::BAD_REQUEST, "no_waitlist")
    );
}

/// A place on the waitlist counts as a booking does: per client and business
/// per minute (an allowance of its own beside the bookings') and against the
/// client's share of the time. The routes a visitor's token opens (a message's
/// cancel link, a waitlist offer) share the manage link's allowance.
async fn waitlist_places_and_token_links_are_rate_limited(database: TestDatabase) {
    let fixture = fixture(database).await;
    let mut config = fixture.config.clone();
    config.limits.bookings_per_minute = 3;
    config.limits.bookings_per_slot = 2;
    config.limits.manage_per_minute = 2;
    let state = AppState::new(config, fixture.storage.clone());
    let keys = std::slice::from_ref(&fixture.courier_public);
    let (start, later) = (noon_in(4), noon_in(5));
    // Four parties of two fill the bistro's eight covers at `start`.
    for _ in 0..4 {
        book(&fixture, &upload(&fixture, start, None)).await;
    }
    let post = |client: [u8; 4], route: &str, upload: &Upload| {
        let request = Request::post(format!("/api/v1/businesses/{BISTRO}/{route}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(upload.body.to_string()))
            .expect("request");
        call(&state, from_client(client, request))
    };
    let waiter = |index: usize, at: jiff::Timestamp| {
        let address = format!("limited{index}@example.org");
        upload(
            &fixture,
            at,
            Some((keys, BISTRO, Channel::Email, address.as_str())),
        )
    };
    let greedy = [10, 0, 0, 21];
    let first = waiter(0, start);
    assert_eq!(
        post(greedy, "waitlist", &first).await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        post(greedy, "waitlist", &waiter(1, start)).await.0,
        StatusCode::CREATED
    );
    // Two places at one time are the client's share of it: one more share
    // comes in 12 hours (the per-minute allowance would say a minute at most).
    let (status, answer) = post(greedy, "waitlist", &waiter(2, start)).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    let seconds: u64 = message
        .split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_default();
    assert!((12 * 3600 - 60..=12 * 3600).contains(&seconds), "{message}");
    // A fourth request in the minute is one too many, at any time (at `later`,
    // which has room, it would otherwise be told to book instead).
    let (status, answer) = post(greedy, "waitlist", &waiter(3, later)).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    // Bookings have their own allowance per minute, and other clients theirs;
    // but a booking at `start` would be the client's third hold on that time
    // (else it would be told the slot is full).
    let (status, answer) = post(greedy, "bookings", &upload(&fixture, start, None)).await;
    assert_eq!(
        (status, code(&answer)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let (status, answer) = post(greedy, "bookings", &upload(&fixture, later, None)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let (status, answer) = post([10, 0, 0, 22], "waitlist", &waiter(4, start)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");

    let token = first.secret.cancel_token().to_base64url();
    let guesser = [10, 0, 0, 23];
    let with_token = |request: axum::http::request::Builder, body: Body| {
        from_client(
            guesser,
            with_bearer(request, &token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(body)
                .expect("request"),
        )
    };
    let (status, seen) = call(
        &state,
        with_token(Request::get("/api/v1/cancel"), Body::empty()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    let (status, answer) = call(
        &state,
        with_token(Request::post("/api/v1/offer"), Body::from("{}")),
    )
    .await;
    assert_eq!((status, code(&answer)), (StatusCode::CONFLICT, "slot_full"));
    for request in [
        Request::get("/api/v1/cancel"),
        Request::post("/api/v1/offer"),
    ] {
        let body = if request.method_ref() == Some(&axum::http::Method::GET) {
            Body::empty()
        } else {
            Body::from("{}")
        };
        let (status, answer) = call(&state, with_token(request, body)).await;
        assert_eq!(
            (status, code(&answer)),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
        );
    }
}

on_both_backends!(
    waitlist_places_and_token_links_are_rate_limited,
    a_reused_cancel_token_is_refused_before_anything_is_written,
    a_card_gets_its_jobs_and_a_courier_sends_them_once,
    leases_lapse_late_reminders_are_dropped_and_releases_wait,
    staff_and_visitor_changes_rewrite_the_jobs,
    bad_cards_and_tokens_are_typed_errors_that_store_nothing,
    the_waitlist_offers_freed_seats_to_each_in_turn,
);
