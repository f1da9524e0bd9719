//! Attendance kept apart from the booking's status, the per-day counts, and
//! the business's cancellation deadline, in-process on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt as _;
use sealbook_envelope::{ManageSecret, Recipient, SealParams, seal, seal_visitor_copy};
use sealbook_server::auth::password;
use sealbook_server::ids::{BusinessId, StaffId};
use sealbook_server::storage::{Attendance, BookingFilter, NewStaff, Role};
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig, vector_public_key};
use serde_json::{Value, json};
use tower::ServiceExt as _;

mod support;
use support::TestDatabase;

const CANARY: &str = "Canary-44b1e0-Okafor";
const PASSWORD: &str = "a long staff password";
const WAITER: &str = "waiter@bistro.example";
const PHONE: &str = "+33 1 23 45 67 89";

struct Fixture {
    state: AppState,
    recipient: Recipient,
    session: Session,
}

#[derive(Debug, Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

/// A booking made with a manage link, as the widget makes it.
struct Booked {
    id: String,
    token: String,
    start: i64,
}

/// The bistro with `extra` settings and a signed-in waiter.
async fn fixture(database: &TestDatabase, extra: &str) -> Fixture {
    let config = ServerConfig::new(&database.url)
        .business(Business::bistro_du_coin().extend(extra))
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    let recipient = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");
    storage
        .create_staff(
            &NewStaff {
                id: StaffId::generate().expect("randomness"),
                business: BusinessId::new("bistro-du-coin"),
                email: WAITER.to_owned(),
                role: Role::Staff,
                password_hash: password::hash(PASSWORD).expect("hash"),
                created_at: 1_795_000_000,
            },
            &[],
        )
        .await
        .expect("account");
    let state = AppState::new(config, storage);
    let login = call(
        &state,
        Request::post("/api/v1/auth/login")
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({ "email": WAITER, "password": PASSWORD }).to_string(),
            ))
            .expect("request"),
    )
    .await;
    assert_eq!(login.0, StatusCode::OK, "{}", login.1);
    let cookie = login.2.expect("a session cookie");
    let session = Session {
        cookie,
        csrf: login.1["csrf"].as_str().expect("csrf").to_owned(),
    };
    Fixture {
        state,
        recipient,
        session,
    }
}

/// Status, JSON body and the session cookie's value, if one was set.
async fn call(state: &AppState, request: Request<Body>) -> (StatusCode, Value, Option<String>) {
    let response = app(state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .and_then(|cookie| cookie.strip_prefix("sealbook_session="))
        .and_then(|rest| rest.split(';').next())
        .map(str::to_owned);
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        cookie,
    )
}

/// A staff request with the session and its CSRF token.
async fn staff(
    fixture: &Fixture,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "127.0.0.1:8080")
        .header(
            header::COOKIE,
            format!("sealbook_session={}", fixture.session.cookie),
        )
        .header("x-sealbook-csrf", &fixture.session.csrf);
    let (status, body, _) = call(&fixture.state, with_body(builder, body)).await;
    (status, body)
}

/// The request with `body` as JSON, or with none.
fn with_body(builder: axum::http::request::Builder, body: Option<Value>) -> Request<Body> {
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request")
}

/// A visitor request with the manage link's token.
async fn visitor(
    fixture: &Fixture,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let (status, body, _) = call(&fixture.state, with_body(builder, body)).await;
    (status, body)
}

fn paris() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb")
}

/// Today in Paris, as the tests first asked: read once, so that the days a
/// test books and the days it then asks for stay the same across midnight.
static TODAY: std::sync::LazyLock<jiff::civil::Date> =
    std::sync::LazyLock::new(|| jiff::Timestamp::now().to_zoned(paris()).date());

/// The local date `days` from today, Paris time.
fn day(days: i64) -> jiff::civil::Date {
    TODAY
        .checked_add(jiff::Span::new().days(days))
        .expect("date")
}

/// `hour`:00 on the local date `days` from today, Paris time, in unix seconds.
fn at(days: i64, hour: i8) -> i64 {
    day(days)
        .at(hour, 0, 0, 0)
        .to_zoned(paris())
        .expect("a plain hour exists")
        .timestamp()
        .as_second()
}

/// The whole hour `hours` hours from now (on the slot grid, past the lead time).
fn hours_ahead(hours: i64) -> i64 {
    (jiff::Timestamp::now().as_second() / 3600 + hours) * 3600
}

fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .expect("in range")
        .to_string()
}

fn local_date_of(seconds: i64) -> jiff::civil::Date {
    jiff::Timestamp::from_second(seconds)
        .expect("in range")
        .to_zoned(paris())
        .date()
}

fn sealed(fixture: &Fixture, plaintext: &str) -> String {
    let envelope = seal(
        std::slice::from_ref(&fixture.recipient),
        &SealParams {
            business: "bistro-du-coin",
            iat: 1_790_000_000,
        },
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    URL_SAFE_NO_PAD.encode(envelope)
}

/// A body for `POST` (with the token's hash) or `PUT` (without) of a booking.
fn booking_body(fixture: &Fixture, secret: &ManageSecret, start: i64, party: u32) -> Value {
    let plaintext = json!({ "v": 1, "name": CANARY, "party_size": party }).to_string();
    let params = SealParams {
        business: "bistro-du-coin",
        iat: 1,
    };
    let copy = seal_visitor_copy(
        secret,
        &params,
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    json!({
        "envelope": sealed(fixture, &plaintext), "start": rfc3339(start), "party_size": party,
        "visitor_copy": URL_SAFE_NO_PAD.encode(copy),
    })
}

async fn book(fixture: &Fixture, start: i64, party: u32) -> Booked {
    let secret = ManageSecret::generate(&mut getrandom::SysRng).expect("secret");
    let mut body = booking_body(fixture, &secret, start, party);
    body["manage_token_hash"] = json!(secret.token().hash().to_base64url());
    let request = Request::post("/api/v1/businesses/bistro-du-coin/bookings")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let (status, created, _) = call(&fixture.state, request).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    Booked {
        id: created["id"].as_str().expect("id").to_owned(),
        token: secret.token().to_base64url(),
        start,
    }
}

async fn mark(fixture: &Fixture, booked: &Booked, mark: &str) {
    let (status, body) = staff(
        fixture,
        Method::PUT,
        &format!("/api/v1/inbox/bookings/{}/attendance", booked.id),
        Some(json!({ "attendance": mark })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["attendance"], mark);
}

async fn visitor_cancel(fixture: &Fixture, booked: &Booked) -> (StatusCode, Value) {
    visitor(
        fixture,
        Method::POST,
        &format!("/api/v1/bookings/{}/cancel", booked.id),
        &booked.token,
        None,
    )
    .await
}

async fn staff_cancel(fixture: &Fixture, booked: &Booked) -> (StatusCode, Value) {
    staff(
        fixture,
        Method::POST,
        &format!("/api/v1/inbox/bookings/{}/status", booked.id),
        Some(json!({ "status": "cancelled" })),
    )
    .await
}

async fn counts(fixture: &Fixture, from: jiff::civil::Date, to: jiff::civil::Date) -> Vec<Value> {
    let (status, body) = staff(
        fixture,
        Method::GET,
        &format!("/api/v1/inbox/counts?from={from}&to={to}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        !body.to_string().contains(CANARY),
        "counts name nobody: {body}"
    );
    body["days"].as_array().expect("days").clone()
}

/// The counts of one day as `[bookings, covers, cancelled, late_cancelled, arrived, no_show]`.
fn tally(day: &Value) -> [u64; 6] {
    let keys: Vec<&str> = day
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 7, "a date and six totals, nothing else: {day}");
    [
        "bookings",
        "covers",
        "cancelled",
        "late_cancelled",
        "arrived",
        "no_show",
    ]
    .map(|key| {
        day[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key} in {day}"))
    })
}

async fn staff_view(fixture: &Fixture, booked: &Booked) -> Value {
    let (status, body) = staff(
        fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings/{}", booked.id),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn a_no_show_stays_after_the_visitor_cancels(database: TestDatabase) {
    let fixture = fixture(&database, "").await;
    let booked = book(&fixture, at(2, 19), 4).await;
    mark(&fixture, &booked, "no_show").await;

    let (status, cancelled) = visitor_cancel(&fixture, &booked).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");

    let seen = staff_view(&fixture, &booked).await;
    assert_eq!(
        (&seen["status"], &seen["attendance"]),
        (&json!("cancelled"), &json!("no_show")),
        "the visitor's cancel keeps the mark: {seen}"
    );
    let (_, list) = staff(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings?from={}&to={}", day(2), day(2)),
        None,
    )
    .await;
    assert_eq!(list["bookings"][0]["attendance"], "no_show", "{list}");
    let (_, filtered) = staff(
        &fixture,
        Method::GET,
        &format!(
            "/api/v1/inbox/bookings?from={}&to={}&attendance=no_show",
            day(2),
            day(2)
        ),
        None,
    )
    .await;
    assert_eq!(filtered["bookings"].as_array().map(Vec::len), Some(1));

    let days = counts(&fixture, day(2), day(2)).await;
    assert_eq!(days[0]["date"], day(2).to_string());
    assert_eq!(tally(&days[0]), [0, 0, 1, 0, 0, 1]);

    // Staff may take back their own mark, even on a cancelled booking, but not mark it again.
    let (status, cleared) = staff(
        &fixture,
        Method::PUT,
        &format!("/api/v1/inbox/bookings/{}/attendance", booked.id),
        Some(json!({ "attendance": null })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert!(cleared.get("attendance").is_none(), "{cleared}");
    let (status, refused) = staff(
        &fixture,
        Method::PUT,
        &format!("/api/v1/inbox/bookings/{}/attendance", booked.id),
        Some(json!({ "attendance": "arrived" })),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("booking_cancelled"))
    );
}

async fn a_visitors_change_keeps_the_mark(database: TestDatabase) {
    let fixture = fixture(&database, "").await;
    let booked = book(&fixture, at(2, 12), 2).await;
    mark(&fixture, &booked, "arrived").await;
    let secret_less = ManageSecret::generate(&mut getrandom::SysRng).expect("secret");
    // The visitor copy is sealed under another secret here: the server cannot tell.
    let change = booking_body(&fixture, &secret_less, at(2, 14), 2);
    let (status, changed) = visitor(
        &fixture,
        Method::PUT,
        &format!("/api/v1/bookings/{}", booked.id),
        &booked.token,
        Some(change),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let seen = staff_view(&fixture, &booked).await;
    assert_eq!(seen["attendance"], "arrived", "{seen}");
}

async fn counts_add_up_a_range_with_mixed_marks(database: TestDatabase) {
    let fixture = fixture(&database, "").await;
    let arrived = book(&fixture, at(2, 10), 2).await;
    let no_show = book(&fixture, at(2, 12), 4).await;
    let cancelled = book(&fixture, at(2, 14), 1).await;
    let plain = book(&fixture, at(3, 12), 3).await;
    let gone = book(&fixture, at(3, 19), 2).await;
    // Outside the range on both sides: not counted.
    book(&fixture, at(1, 12), 5).await;
    book(&fixture, at(4, 12), 5).await;

    mark(&fixture, &arrived, "arrived").await;
    mark(&fixture, &no_show, "no_show").await;
    let (status, body) = staff_cancel(&fixture, &cancelled).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("attendance").is_none(), "not late: {body}");
    mark(&fixture, &gone, "no_show").await;
    let (status, body) = visitor_cancel(&fixture, &gone).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let _ = plain;

    let days = counts(&fixture, day(2), day(3)).await;
    assert_eq!(
        days.iter().map(|d| d["date"].clone()).collect::<Vec<_>>(),
        [json!(day(2).to_string()), json!(day(3).to_string())]
    );
    assert_eq!(tally(&days[0]), [2, 6, 1, 0, 1, 1]);
    assert_eq!(tally(&days[1]), [1, 3, 1, 0, 0, 1]);

    let week = counts(&fixture, day(0), day(6)).await;
    assert_eq!(week.len(), 7, "every day, booked or not");
    assert_eq!(tally(&week[0]), [0; 6]);

    for query in [
        format!("from={}&to={}", day(3), day(2)),
        format!("from={}&to={}", day(0), day(70)),
        format!("from={}", day(0)),
        "from=tomorrow&to=later".to_owned(),
    ] {
        let (status, body) = staff(
            &fixture,
            Method::GET,
            &format!("/api/v1/inbox/counts?{query}"),
            None,
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_query")),
            "{query}"
        );
    }
    // Only for a signed-in member.
    let (status, _, _) = call(
        &fixture.state,
        Request::get(format!(
            "/api/v1/inbox/counts?from={}&to={}",
            day(2),
            day(3)
        ))
        .header(header::HOST, "127.0.0.1:8080")
        .body(Body::empty())
        .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn the_cancellation_deadline_holds_for_visitors_not_for_staff(database: TestDatabase) {
    // Whole-hour turns: a booking on the hour always ends by midnight, whatever
    // hour of the day the test runs (a 90-minute turn from 23:00 would not fit).
    let extra = format!("cancel_until_hours = 24\nphone = {PHONE:?}\nturn_minutes = 60");
    let fixture = fixture(&database, &extra).await;
    let (status, profile, _) = call(
        &fixture.state,
        Request::get("/api/v1/businesses/bistro-du-coin/profile")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (&profile["cancel_until_hours"], &profile["phone"]),
        (&json!(24), &json!(PHONE))
    );

    // Before the deadline: the visitor cancels online.
    let early = book(&fixture, at(3, 12), 2).await;
    let (status, body) = visitor_cancel(&fixture, &early).await;
    assert_eq!(
        (status, &body["status"]),
        (StatusCode::OK, &json!("cancelled"))
    );

    // After it: a typed error with the deadline and the phone, and nothing changes.
    let late = book(&fixture, hours_ahead(3), 2).await;
    let (status, body) = visitor_cancel(&fixture, &late).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("cancellation_closed")
        ),
        "{body}"
    );
    assert_eq!(body["error"]["deadline"], rfc3339(late.start - 24 * 3600));
    assert_eq!(body["error"]["phone"], PHONE);
    let secret = ManageSecret::generate(&mut getrandom::SysRng).expect("secret");
    let (status, body) = visitor(
        &fixture,
        Method::PUT,
        &format!("/api/v1/bookings/{}", late.id),
        &late.token,
        Some(booking_body(&fixture, &secret, at(3, 14), 2)),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("cancellation_closed")
        ),
        "{body}"
    );
    let (status, read) = visitor(
        &fixture,
        Method::GET,
        &format!("/api/v1/bookings/{}", late.id),
        &late.token,
        None,
    )
    .await;
    assert_eq!(
        (status, &read["status"], &read["start"]),
        (
            StatusCode::OK,
            &json!("confirmed"),
            &json!(rfc3339(late.start))
        )
    );

    // Staff still cancel; inside the deadline it is recorded as late, and counted.
    let (status, body) = staff_cancel(&fixture, &late).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["status"], &body["attendance"]),
        (&json!("cancelled"), &json!("late_cancelled"))
    );
    let (status, body) = staff(
        &fixture,
        Method::PUT,
        &format!("/api/v1/inbox/bookings/{}/attendance", late.id),
        Some(json!({ "attendance": null })),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("booking_cancelled")),
        "the record of a late cancel stays"
    );
    let local = local_date_of(late.start);
    let days = counts(&fixture, local, local).await;
    assert_eq!(tally(&days[0])[2..4], [1, 1], "{:?}", days[0]);

    // Erasure is a right the deadline does not limit.
    let erased = book(&fixture, hours_ahead(4), 2).await;
    let (status, _) = visitor(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/bookings/{}", erased.id),
        &erased.token,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // A cancelled booking answers as cancelled whenever it is asked again.
    let (status, body) = visitor_cancel(&fixture, &early).await;
    assert_eq!(
        (status, &body["status"]),
        (StatusCode::OK, &json!("cancelled"))
    );
}

/// Marks made before attendance stood apart from the status survive migration
/// 0011, and the widened column takes `late_cancelled`.
async fn marks_made_before_migration_0011_are_carried_over(database: TestDatabase) {
    let pool = support::migrated_before(&database, 11).await;
    for (index, (status, attendance)) in [
        ("confirmed", Some("arrived")),
        ("confirmed", Some("no_show")),
        ("confirmed", None),
    ]
    .into_iter()
    .enumerate()
    {
        let index = i64::try_from(index).expect("small");
        sqlx::query(
            "INSERT INTO bookings (id, business, starts_at, ends_at, party_size, envelope, created_at,
                                   status, attendance, envelope_hash)
             VALUES ($1, 'bistro-du-coin', $2, $3, 2, $4, 1, $5, $6, $7)",
        )
        .bind(format!("OLD{index}"))
        .bind(1_900_000_000 + index * 3600)
        .bind(1_900_005_400 + index * 3600)
        .bind(vec![0u8; 4])
        .bind(status)
        .bind(attendance)
        .bind(vec![u8::try_from(index).expect("small"); 32])
        .execute(&pool)
        .await
        .expect("an old booking");
    }
    pool.close().await;

    let storage = Storage::open(&database.url).await.expect("migrated");
    let marks: Vec<(String, Option<Attendance>)> = storage
        .bookings(&BookingFilter::default())
        .await
        .expect("bookings")
        .into_iter()
        .map(|booking| (booking.id.as_str().to_owned(), booking.attendance))
        .collect();
    assert_eq!(
        marks,
        [
            ("OLD0".to_owned(), Some(Attendance::Arrived)),
            ("OLD1".to_owned(), Some(Attendance::NoShow)),
            ("OLD2".to_owned(), None),
        ]
    );
    let business = BusinessId::new("bistro-du-coin");
    let late = storage
        .cancel_for_business(&business, "OLD2", i64::MAX)
        .await
        .expect("cancelled");
    assert!(late.late);
    assert_eq!(late.booking.attendance, Some(Attendance::LateCancelled));
    assert_eq!(late.booking.status, "cancelled");
    storage.close().await;
}

on_both_backends!(
    marks_made_before_migration_0011_are_carried_over,
    a_no_show_stays_after_the_visitor_cancels,
    a_visitors_change_keeps_the_mark,
    counts_add_up_a_range_with_mixed_marks,
    the_cancellation_deadline_holds_for_visitors_not_for_staff,
);
