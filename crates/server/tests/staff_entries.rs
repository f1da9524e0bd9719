//! Bookings staff enter themselves and the manager role, in-process on SQLite
//! and PostgreSQL: the same atomic capacity path as a visitor's booking, the
//! squeeze-in past capacity that only an owner or a manager may make, and the
//! audit entries that record who did it.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt as _;
use sealbook_envelope::{
    ManageSecret, Recipient, SealParams, open_visitor_copy, seal, seal_visitor_copy,
};
use sealbook_server::auth::password;
use sealbook_server::ids::{BusinessId, StaffId};
use sealbook_server::storage::{NewStaff, Role, WrappedKey};
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig, vector_key, vector_public_key};
use serde_json::{Value, json};
use tower::ServiceExt as _;

mod support;
use support::TestDatabase;

const CANARY: &str = "Canary-8c31f0-Ravensworth";
const PASSWORD: &str = "a long staff password";
const OWNER: &str = "owner@bistro.example";
const STAFF: &str = "waiter@bistro.example";
const OTHER: &str = "cook@bistro.example";
/// The bistro's covers in the tests' configuration.
const COVERS: u32 = 8;
/// Visitors racing a staff member for the last seat.
const RACERS: usize = 200;

struct Fixture {
    state: AppState,
    database: TestDatabase,
    bistro: Recipient,
    staff_id: StaffId,
}

async fn fixture(database: TestDatabase) -> Fixture {
    let config = ServerConfig::new(&database.url)
        .business(
            Business::bistro_du_coin()
                .set("keys", vec![vector_key(0)])
                .set("covers", COVERS),
        )
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    let bistro = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");
    let state = AppState::new(config, storage.clone());
    account(&storage, &bistro, OWNER, Role::Owner).await;
    let staff_id = account(&storage, &bistro, STAFF, Role::Staff).await;
    account(&storage, &bistro, OTHER, Role::Staff).await;
    Fixture {
        state,
        database,
        bistro,
        staff_id,
    }
}

async fn account(storage: &Storage, key: &Recipient, email: &str, role: Role) -> StaffId {
    let id = StaffId::generate().expect("randomness");
    // A structurally valid EncryptedPrivateKeyInfo (PBES2), opaque bytes inside.
    let mut blob = vec![0x30, 0x1F, 0x30, 0x0B, 0x06, 0x09];
    blob.extend([
        0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D, 0x04, 0x10,
    ]);
    blob.extend([7; 16]);
    storage
        .create_staff(
            &NewStaff {
                id: id.clone(),
                business: BusinessId::new("bistro-du-coin"),
                email: email.to_owned(),
                role,
                password_hash: password::hash(PASSWORD).expect("hash"),
                created_at: 1_795_000_000,
            },
            &[WrappedKey {
                kid: key.kid().as_str().to_owned(),
                blob,
            }],
        )
        .await
        .expect("account");
    id
}

struct Answer {
    status: StatusCode,
    body: Value,
    set_cookie: Option<String>,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("<no code>")
    }
}

async fn call(state: &AppState, request: Request<Body>) -> Answer {
    let response = app(state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let set_cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        set_cookie,
    }
}

/// A signed-in browser: its cookie and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn login(fixture: &Fixture, email: &str) -> Session {
    let request = Request::post("/api/v1/auth/login")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "email": email, "password": PASSWORD }).to_string(),
        ))
        .expect("request");
    let answer = call(&fixture.state, request).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let cookie = answer.set_cookie.expect("a session cookie");
    let token = cookie
        .strip_prefix("sealbook_session=")
        .and_then(|rest| rest.split(';').next())
        .expect("the session cookie");
    Session {
        cookie: token.to_owned(),
        csrf: answer.body["csrf"].as_str().expect("csrf").to_owned(),
    }
}

async fn send(
    fixture: &Fixture,
    method: Method,
    path: &str,
    session: &Session,
    body: Option<Value>,
) -> Answer {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "127.0.0.1:8080")
        .header(
            header::COOKIE,
            format!("sealbook_session={}", session.cookie),
        )
        .header("x-sealbook-csrf", &session.csrf);
    let request = match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request");
    call(&fixture.state, request).await
}

/// Noon, two days from now, Paris time: a slot of the bistro.
fn slot() -> String {
    slot_at(12, 0)
}

/// Two days from today in Paris, as the tests first asked: read once, so that
/// a slot booked and the same slot named again stay one across midnight.
static SLOT_DAY: std::sync::LazyLock<jiff::civil::Date> = std::sync::LazyLock::new(|| {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb");
    jiff::Timestamp::now()
        .to_zoned(tz)
        .date()
        .checked_add(jiff::Span::new().days(2))
        .expect("date")
});

/// `hour:minute`, two days from now, Paris time.
fn slot_at(hour: i8, minute: i8) -> String {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb");
    let date = *SLOT_DAY;
    date.at(hour, minute, 0, 0)
        .to_zoned(tz)
        .expect("the time exists")
        .timestamp()
        .to_string()
}

fn sealed(fixture: &Fixture, plaintext: &Value) -> String {
    let envelope = seal(
        std::slice::from_ref(&fixture.bistro),
        &SealParams {
            business: "bistro-du-coin",
            iat: 1_790_000_000,
        },
        plaintext.to_string().as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    URL_SAFE_NO_PAD.encode(envelope)
}

/// A visitor's booking of `party` at [`slot`], as the widget uploads it.
async fn visitor_books(fixture: &Fixture, party: u32) -> Answer {
    let envelope = sealed(
        fixture,
        &json!({ "v": 1, "name": CANARY, "party_size": party }),
    );
    let body = json!({ "envelope": envelope, "start": slot(), "party_size": party });
    let request = Request::post("/api/v1/businesses/bistro-du-coin/bookings")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    call(&fixture.state, request).await
}

/// A phone booking of `party` at [`slot`], as the inbox uploads it.
async fn staff_books(fixture: &Fixture, session: &Session, party: u32, squeeze_in: bool) -> Answer {
    let plaintext =
        json!({ "v": 1, "source": "staff", "name": CANARY, "party_size": party, "start": slot() });
    let body = json!({
        "envelope": sealed(fixture, &plaintext),
        "start": slot(),
        "party_size": party,
        "squeeze_in": squeeze_in,
    });
    send(
        fixture,
        Method::POST,
        "/api/v1/inbox/bookings",
        session,
        Some(body),
    )
    .await
}

/// Covers held at [`slot`] by confirmed bookings, counted in the database.
async fn covers_held(fixture: &Fixture) -> i64 {
    let start = slot()
        .parse::<jiff::Timestamp>()
        .expect("a timestamp")
        .as_second();
    let mut connection = fixture.database.connect().await;
    let (held,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(party_size), 0) AS BIGINT) FROM bookings
         WHERE status = 'confirmed' AND starts_at = $1",
    )
    .bind(start)
    .fetch_one(&mut connection)
    .await
    .expect("sum");
    held
}

async fn audit(fixture: &Fixture, owner: &Session) -> Vec<Value> {
    let answer = send(fixture, Method::GET, "/api/v1/inbox/audit", owner, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body["entries"].as_array().expect("entries").clone()
}

/// A staff member takes the last seat while visitors race for it: whoever
/// wins, the slot holds exactly its covers and every other attempt is `slot_full`.
async fn a_staff_booking_races_visitors_for_the_last_seat(database: TestDatabase) {
    let fixture = fixture(database).await;
    let waiter = login(&fixture, STAFF).await;
    for party in [6, 1] {
        assert_eq!(
            visitor_books(&fixture, party).await.status,
            StatusCode::CREATED
        );
    }
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS - 1));

    let fixture = std::sync::Arc::new(fixture);
    let visitors: Vec<_> = (0..RACERS)
        .map(|_| {
            let fixture = fixture.clone();
            tokio::spawn(async move { visitor_books(&fixture, 1).await })
        })
        .collect();
    let staff = staff_books(&fixture, &waiter, 1, false).await;
    let mut answers = vec![(staff.status, staff.code().to_owned())];
    for visitor in visitors {
        let answer = visitor.await.expect("a visitor's request");
        answers.push((answer.status, answer.code().to_owned()));
    }
    let created = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "exactly one attempt takes the last seat");
    assert!(
        answers
            .iter()
            .all(|(status, code)| *status == StatusCode::CREATED || code == "slot_full"),
        "every other attempt is slot_full: {answers:?}"
    );
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS));

    // The staff booking holds capacity like any other: with the slot full it is refused too.
    let again = staff_books(&fixture, &waiter, 1, false).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "slot_full");
}

/// A staff member's booking is stored, listed and audited with who entered
/// it; its plaintext never reaches the audit log or the row in the clear.
async fn a_phone_booking_is_stored_and_audited(database: TestDatabase) {
    let fixture = fixture(database).await;
    let waiter = login(&fixture, STAFF).await;
    let answer = staff_books(&fixture, &waiter, 2, false).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let id = answer.body["id"].as_str().expect("id").to_owned();
    assert_eq!(answer.body["party_size"], 2);
    assert_eq!(answer.body["status"], "confirmed");
    assert_eq!(covers_held(&fixture).await, 2);

    let opened = send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings/{id}"),
        &waiter,
        None,
    )
    .await;
    assert_eq!(opened.status, StatusCode::OK);
    assert_eq!(opened.body["envelope"], answer.body["envelope"]);

    let owner = login(&fixture, OWNER).await;
    let entries = audit(&fixture, &owner).await;
    let entry = entries
        .iter()
        .find(|entry| entry["action"] == "staff_booked")
        .expect("the staff booking is audited");
    assert_eq!(entry["booking_id"], id.as_str());
    assert_eq!(entry["staff_id"], fixture.staff_id.as_str());
    assert_eq!(entry["detail"], "entered by staff");
    let log = serde_json::to_string(&entries).expect("json");
    assert!(!log.contains(CANARY));

    // The same envelope twice is a replay, not a second booking.
    let replay = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/bookings",
        &waiter,
        Some(json!({ "envelope": answer.body["envelope"], "start": slot(), "party_size": 2 })),
    )
    .await;
    assert_eq!(replay.code(), "replayed");
    // Visitor copies have no place here: the body refuses unknown members.
    let with_copy = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/bookings",
        &waiter,
        Some(
            json!({ "envelope": answer.body["envelope"], "start": slot(), "visitor_copy": "AAAA" }),
        ),
    )
    .await;
    assert_eq!(with_copy.status, StatusCode::BAD_REQUEST);
    assert_eq!(covers_held(&fixture).await, 2);
}

/// Past capacity only the owner or a manager may squeeze a booking in, and it
/// is audited as such; plain staff get a typed refusal and nothing is held.
async fn only_owner_and_manager_squeeze_in(database: TestDatabase) {
    let fixture = fixture(database).await;
    for party in [6, 2] {
        assert_eq!(
            visitor_books(&fixture, party).await.status,
            StatusCode::CREATED
        );
    }
    let owner = login(&fixture, OWNER).await;
    let waiter = login(&fixture, STAFF).await;

    let refused = staff_books(&fixture, &waiter, 2, true).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "squeeze_in_forbidden");
    let full = staff_books(&fixture, &owner, 2, false).await;
    assert_eq!(full.code(), "slot_full");
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS));

    let squeezed = staff_books(&fixture, &owner, 2, true).await;
    assert_eq!(squeezed.status, StatusCode::CREATED, "{}", squeezed.body);
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS + 2));
    let entries = audit(&fixture, &owner).await;
    let entry = entries
        .iter()
        .find(|entry| entry["booking_id"] == squeezed.body["id"])
        .expect("the squeeze-in is audited");
    assert_eq!(entry["action"], "staff_booked");
    assert_eq!(
        entry["detail"],
        "entered by staff, squeezed in past capacity"
    );
    assert_eq!(entry["staff_email"], OWNER);

    // Squeezing in bends capacity, no other rule: a start outside the slots stays refused.
    let mut off_grid = slot().parse::<jiff::Timestamp>().expect("timestamp");
    off_grid += jiff::SignedDuration::from_mins(1);
    let plaintext = json!({ "v": 1, "source": "staff", "party_size": 1 });
    let odd = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/bookings",
        &owner,
        Some(
            json!({ "envelope": sealed(&fixture, &plaintext), "start": off_grid.to_string(),
                     "party_size": 1, "squeeze_in": true }),
        ),
    )
    .await;
    assert_eq!(odd.code(), "outside_opening_hours");

    // The owner makes the waiter a manager: now they may squeeze in.
    let path = format!("/api/v1/inbox/staff/{}/role", fixture.staff_id);
    let promoted = send(
        &fixture,
        Method::PUT,
        &path,
        &owner,
        Some(json!({ "role": "manager" })),
    )
    .await;
    assert_eq!(promoted.status, StatusCode::NO_CONTENT, "{}", promoted.body);
    let squeezed = staff_books(&fixture, &waiter, 1, true).await;
    assert_eq!(squeezed.status, StatusCode::CREATED, "{}", squeezed.body);
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS + 3));
    // And back to staff: refused again, on the very next request.
    let demoted = send(
        &fixture,
        Method::PUT,
        &path,
        &owner,
        Some(json!({ "role": "staff" })),
    )
    .await;
    assert_eq!(demoted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        staff_books(&fixture, &waiter, 1, true).await.code(),
        "squeeze_in_forbidden"
    );
}

/// Only the owner sets roles, only `manager` or `staff`, never their own; each
/// change is audited and shown in the staff list and the member's session.
async fn the_owner_makes_a_member_manager(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let waiter = login(&fixture, STAFF).await;
    let path = format!("/api/v1/inbox/staff/{}/role", fixture.staff_id);
    let manager = Some(json!({ "role": "manager" }));

    let by_staff = send(&fixture, Method::PUT, &path, &waiter, manager.clone()).await;
    assert_eq!(by_staff.code(), "forbidden");
    let as_owner = send(
        &fixture,
        Method::PUT,
        &path,
        &owner,
        Some(json!({ "role": "owner" })),
    )
    .await;
    assert_eq!(as_owner.code(), "bad_request");
    let session = send(&fixture, Method::GET, "/api/v1/auth/session", &owner, None).await;
    let own_id = session.body["staff"]["id"].as_str().expect("id").to_owned();
    let own = send(
        &fixture,
        Method::PUT,
        &format!("/api/v1/inbox/staff/{own_id}/role"),
        &owner,
        manager.clone(),
    )
    .await;
    assert_eq!(own.code(), "bad_request");
    let nobody = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/staff/nobody/role",
        &owner,
        manager.clone(),
    )
    .await;
    assert_eq!(nobody.code(), "not_found");

    let done = send(&fixture, Method::PUT, &path, &owner, manager.clone()).await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.body);
    let me = send(&fixture, Method::GET, "/api/v1/auth/session", &waiter, None).await;
    assert_eq!(me.body["staff"]["role"], "manager");
    let list = send(&fixture, Method::GET, "/api/v1/inbox/staff", &owner, None).await;
    let mut roles: Vec<(&str, &str)> = list.body["staff"]
        .as_array()
        .expect("staff")
        .iter()
        .map(|member| {
            (
                member["email"].as_str().expect("email"),
                member["role"].as_str().expect("role"),
            )
        })
        .collect();
    roles.sort_unstable();
    assert_eq!(
        roles,
        [(OTHER, "staff"), (OWNER, "owner"), (STAFF, "manager")]
    );
    // A manager is not an owner: owner-only routes stay closed.
    let staff_list = send(&fixture, Method::GET, "/api/v1/inbox/staff", &waiter, None).await;
    assert_eq!(staff_list.code(), "forbidden");

    let entries = audit(&fixture, &owner).await;
    let changed = entries
        .iter()
        .find(|entry| entry["action"] == "role_changed")
        .expect("audited");
    assert_eq!(
        changed["detail"],
        format!("staff {}: staff -> manager", fixture.staff_id)
    );

    // A revoked member keeps no role to change.
    let revoke = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/staff/{}", fixture.staff_id),
        &owner,
        None,
    )
    .await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    let after = send(
        &fixture,
        Method::PUT,
        &path,
        &owner,
        Some(json!({ "role": "staff" })),
    )
    .await;
    assert_eq!(after.code(), "not_found");
}

/// A visitor's booking of `party` at `start` with a visitor copy and manage
/// link: its id and the link's secret.
async fn visitor_books_with_link(
    fixture: &Fixture,
    party: u32,
    start: &str,
) -> (String, ManageSecret) {
    let secret = ManageSecret::generate(&mut getrandom::SysRng).expect("secret");
    let plaintext =
        json!({ "v": 1, "name": CANARY, "party_size": party, "start": start }).to_string();
    let params = SealParams {
        business: "bistro-du-coin",
        iat: 1_790_000_000,
    };
    let copy = seal_visitor_copy(
        &secret,
        &params,
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    let body = json!({
        "envelope": sealed(fixture, &json!({ "v": 1, "name": CANARY, "party_size": party })),
        "start": start, "party_size": party,
        "visitor_copy": URL_SAFE_NO_PAD.encode(copy),
        "manage_token_hash": secret.token().hash().to_base64url(),
    });
    let request = Request::post("/api/v1/businesses/bistro-du-coin/bookings")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let answer = call(&fixture.state, request).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    (answer.body["id"].as_str().expect("id").to_owned(), secret)
}

async fn move_to(
    fixture: &Fixture,
    session: &Session,
    id: &str,
    start: &str,
    squeeze_in: bool,
) -> Answer {
    send(
        fixture,
        Method::POST,
        &format!("/api/v1/inbox/bookings/{id}/move"),
        session,
        Some(json!({ "start": start, "squeeze_in": squeeze_in })),
    )
    .await
}

/// What the visitor's manage link reads: the booking's start and its copy.
async fn manage_view(fixture: &Fixture, id: &str, secret: &ManageSecret) -> Value {
    let request = Request::get(format!("/api/v1/bookings/{id}"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", secret.token().to_base64url()),
        )
        .body(Body::empty())
        .expect("request");
    let answer = call(&fixture.state, request).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body
}

/// A move into a full slot is refused; the owner may squeeze it in, audited
/// with the old and new time; plain staff may not. Capacity is checked with
/// the moved booking itself left out, so a move that overlaps its own old
/// time is not refused by its own covers.
async fn a_move_into_a_full_slot_is_refused_unless_squeezed_in(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let waiter = login(&fixture, STAFF).await;
    let (six, _) = visitor_books_with_link(&fixture, 6, &slot()).await;
    let (two, _) = visitor_books_with_link(&fixture, 2, &slot()).await;
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS));

    // Later the same day (past the 90-minute turn), one more table.
    let later = slot_at(15, 0);
    let entered = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/bookings",
        &waiter,
        Some(json!({
            "envelope": sealed(&fixture, &json!({ "v": 1, "source": "staff", "party_size": 2 })),
            "start": later, "party_size": 2,
        })),
    )
    .await;
    assert_eq!(entered.status, StatusCode::CREATED, "{}", entered.body);
    let id = entered.body["id"].as_str().expect("id").to_owned();

    let full = move_to(&fixture, &waiter, &id, &slot(), false).await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert_eq!(full.code(), "slot_full");
    let forbidden = move_to(&fixture, &waiter, &id, &slot(), true).await;
    assert_eq!(forbidden.code(), "squeeze_in_forbidden");
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS));

    let squeezed = move_to(&fixture, &owner, &id, &slot(), true).await;
    assert_eq!(squeezed.status, StatusCode::OK, "{}", squeezed.body);
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS + 2));
    let start_local = squeezed.body["start"].as_str().expect("start");
    assert!(start_local.contains("T12:00:00+"), "{start_local}");
    let entries = audit(&fixture, &owner).await;
    let moved = entries
        .iter()
        .find(|entry| entry["action"] == "moved")
        .expect("the move is audited");
    assert_eq!(moved["booking_id"], id.as_str());
    assert_eq!(moved["staff_email"], OWNER);
    assert_eq!(
        moved["detail"],
        format!(
            "moved {} -> {}, squeezed in past capacity",
            later.parse::<jiff::Timestamp>().expect("time"),
            slot().parse::<jiff::Timestamp>().expect("time")
        )
    );

    // Back out of the full slot, within capacity: no squeeze needed.
    let back = move_to(&fixture, &waiter, &id, &later, false).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS));

    // The table of six, a quarter of an hour later: it overlaps its own old
    // time and the table of two. Counted once, it fits exactly.
    let shifted = move_to(&fixture, &waiter, &six, &slot_at(12, 15), false).await;
    assert_eq!(shifted.status, StatusCode::OK, "{}", shifted.body);
    // The table of two now shares its turn with the six: there is no room to grow.
    let crowded = move_to(&fixture, &waiter, &id, &slot_at(12, 30), false).await;
    assert_eq!(crowded.code(), "slot_full");

    // Only confirmed bookings of this business move.
    let cancelled = send(
        &fixture,
        Method::POST,
        &format!("/api/v1/inbox/bookings/{two}/status"),
        &waiter,
        Some(json!({ "status": "cancelled" })),
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::OK);
    let refused = move_to(&fixture, &waiter, &two, &later, false).await;
    assert_eq!(refused.code(), "booking_cancelled");
    let missing = move_to(&fixture, &waiter, "no-such-booking", &later, false).await;
    assert_eq!(missing.code(), "not_found");
    let off_grid = move_to(&fixture, &owner, &id, &slot_at(12, 1), true).await;
    assert_eq!(off_grid.code(), "outside_opening_hours");
}

/// After a move the visitor's manage link shows the new time — the page reads
/// the time from the server's metadata — and the visitor's copy, untouched,
/// still opens with the link's secret.
async fn the_visitor_sees_a_moved_booking_at_its_new_time(database: TestDatabase) {
    let fixture = fixture(database).await;
    let waiter = login(&fixture, STAFF).await;
    let (id, secret) = visitor_books_with_link(&fixture, 2, &slot()).await;
    let before = manage_view(&fixture, &id, &secret).await;

    let later = slot_at(19, 30);
    let moved = move_to(&fixture, &waiter, &id, &later, false).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let after = manage_view(&fixture, &id, &secret).await;
    assert_eq!(
        after["start"].as_str().expect("start"),
        later.parse::<jiff::Timestamp>().expect("time").to_string()
    );
    assert_eq!(after["status"], "confirmed");
    assert_eq!(after["visitor_copy"], before["visitor_copy"]);
    let copy = URL_SAFE_NO_PAD
        .decode(after["visitor_copy"].as_str().expect("copy"))
        .expect("base64url");
    let opened = open_visitor_copy(&secret, &copy).expect("the visitor still reads it");
    assert!(String::from_utf8_lossy(&opened.plaintext).contains(CANARY));

    // The visitor can still cancel from the link, and that frees the new time.
    let request = Request::post(format!("/api/v1/bookings/{id}/cancel"))
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", secret.token().to_base64url()),
        )
        .body(Body::empty())
        .expect("request");
    let cancelled = call(&fixture.state, request).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
}

async fn block(
    fixture: &Fixture,
    session: &Session,
    (start, end): (&str, &str),
    covers: Option<u32>,
    squeeze_in: bool,
) -> Answer {
    let label = json!({ "v": 1, "kind": "restaurant", "source": "staff",
                        "block": { "label": format!("{CANARY} private party") } });
    let mut body = json!({
        "envelope": sealed(fixture, &label), "start": start, "end": end, "squeeze_in": squeeze_in,
    });
    if let Some(covers) = covers {
        body["covers"] = json!(covers);
    }
    send(
        fixture,
        Method::POST,
        "/api/v1/inbox/blocks",
        session,
        Some(body),
    )
    .await
}

/// A block holds capacity with no visitor behind it: part of the covers or all
/// of them, over a slot or a whole evening. Visitors get `slot_full` against
/// it; over existing bookings only the owner or a manager may block, and it is
/// audited; it is listed as a block and erased like a booking, which frees it.
async fn a_block_holds_capacity_until_staff_remove_it(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let waiter = login(&fixture, STAFF).await;
    let (noon, half_past_one) = (slot(), slot_at(13, 30));

    let five = block(&fixture, &waiter, (&noon, &half_past_one), Some(5), false).await;
    assert_eq!(five.status, StatusCode::CREATED, "{}", five.body);
    assert_eq!(five.body["block"], true);
    assert_eq!(five.body["party_size"], 5);
    let five_id = five.body["id"].as_str().expect("id").to_owned();
    assert_eq!(visitor_books(&fixture, 4).await.code(), "slot_full");
    assert_eq!(visitor_books(&fixture, 3).await.status, StatusCode::CREATED);
    assert_eq!(covers_held(&fixture).await, i64::from(COVERS));

    // The whole evening, over a booking already made: squeezed in, or refused.
    let (evening, night) = (slot_at(18, 0), slot_at(23, 0));
    let dinner = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/bookings",
        &waiter,
        Some(json!({
            "envelope": sealed(&fixture, &json!({ "v": 1, "source": "staff", "party_size": 2 })),
            "start": slot_at(19, 0), "party_size": 2,
        })),
    )
    .await;
    assert_eq!(dinner.status, StatusCode::CREATED, "{}", dinner.body);
    let refused = block(&fixture, &waiter, (&evening, &night), None, false).await;
    assert_eq!(refused.code(), "slot_full");
    let forbidden = block(&fixture, &waiter, (&evening, &night), None, true).await;
    assert_eq!(forbidden.code(), "squeeze_in_forbidden");
    let whole = block(&fixture, &owner, (&evening, &night), None, true).await;
    assert_eq!(whole.status, StatusCode::CREATED, "{}", whole.body);
    assert_eq!(whole.body["party_size"], COVERS);
    let late = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/bookings",
        &waiter,
        Some(json!({
            "envelope": sealed(&fixture, &json!({ "v": 1, "source": "staff", "party_size": 1 })),
            "start": slot_at(21, 0), "party_size": 1,
        })),
    )
    .await;
    assert_eq!(late.code(), "slot_full", "nothing is free in a whole block");

    // Listed among the bookings, as blocks; audited without the sealed label.
    let day = slot()
        .parse::<jiff::Timestamp>()
        .expect("time")
        .to_zoned(jiff::tz::TimeZone::get("Europe/Paris").expect("tz"))
        .date();
    let listed = send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings?from={day}&to={day}"),
        &waiter,
        None,
    )
    .await;
    let blocks: Vec<&Value> = listed.body["bookings"]
        .as_array()
        .expect("bookings")
        .iter()
        .filter(|booking| booking["block"] == true)
        .collect();
    assert_eq!(blocks.len(), 2, "{}", listed.body);
    let entries = audit(&fixture, &owner).await;
    let details: Vec<&str> = entries
        .iter()
        .filter(|entry| entry["action"] == "blocked")
        .map(|entry| entry["detail"].as_str().expect("detail"))
        .collect();
    assert_eq!(details.len(), 2, "{entries:?}");
    assert!(
        details
            .iter()
            .any(|detail| detail.starts_with("5 covers, "))
    );
    assert!(
        details.iter().any(|detail| detail.starts_with("8 covers, ")
            && detail.ends_with("squeezed in past capacity"))
    );
    assert!(
        !serde_json::to_string(&entries)
            .expect("json")
            .contains(CANARY)
    );

    // Removed by staff like a booking: the covers are free again.
    let erased = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/bookings/{five_id}"),
        &waiter,
        None,
    )
    .await;
    assert_eq!(erased.status, StatusCode::NO_CONTENT);
    assert_eq!(visitor_books(&fixture, 4).await.status, StatusCode::CREATED);

    // Nonsense is refused before anything is held.
    for (start, end) in [(&noon, &noon), (&night, &evening)] {
        let odd = block(&fixture, &owner, (start, end), Some(1), false).await;
        assert_eq!(odd.code(), "invalid_block");
    }
    let too_long = slot_at(12, 1)
        .parse::<jiff::Timestamp>()
        .expect("time")
        .checked_add(jiff::SignedDuration::from_hours(24))
        .expect("time")
        .to_string();
    assert_eq!(
        block(&fixture, &owner, (&noon, &too_long), Some(1), false)
            .await
            .code(),
        "invalid_block"
    );
    assert_eq!(
        block(
            &fixture,
            &owner,
            (&noon, &half_past_one),
            Some(COVERS + 1),
            true
        )
        .await
        .code(),
        "invalid_party_size"
    );
}

/// Every route of this part changes something: each needs the session's CSRF
/// token, and none is reached without a session.
async fn staff_entry_routes_need_the_session_and_its_csrf_token(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let routes = [
        (Method::POST, "/api/v1/inbox/bookings".to_owned()),
        (
            Method::POST,
            "/api/v1/inbox/bookings/some-id/move".to_owned(),
        ),
        (Method::POST, "/api/v1/inbox/blocks".to_owned()),
        (
            Method::PUT,
            format!("/api/v1/inbox/staff/{}/role", fixture.staff_id),
        ),
    ];
    for (method, path) in routes {
        let without_token = Request::builder()
            .method(method.clone())
            .uri(&path)
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::COOKIE, format!("sealbook_session={}", owner.cookie))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .expect("request");
        let answer = call(&fixture.state, without_token).await;
        assert_eq!(answer.code(), "csrf_failed", "{method} {path}");
        let without_session = Request::builder()
            .method(method.clone())
            .uri(&path)
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .expect("request");
        let answer = call(&fixture.state, without_session).await;
        assert_eq!(answer.code(), "not_logged_in", "{method} {path}");
    }
    // Nothing was written: no row, no audit entry beyond the login.
    assert_eq!(fixture.database.count("bookings").await, 0);
    let entries = audit(&fixture, &owner).await;
    assert!(
        entries.iter().all(|entry| entry["action"] == "login"),
        "{entries:?}"
    );
}

on_both_backends!(
    a_staff_booking_races_visitors_for_the_last_seat,
    a_phone_booking_is_stored_and_audited,
    only_owner_and_manager_squeeze_in,
    the_owner_makes_a_member_manager,
    a_move_into_a_full_slot_is_refused_unless_squeezed_in,
    the_visitor_sees_a_moved_booking_at_its_new_time,
    a_block_holds_capacity_until_staff_remove_it,
    staff_entry_routes_need_the_session_and_its_csrf_token,
);
