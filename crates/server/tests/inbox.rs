//! The staff inbox's server half: accounts, sessions, CSRF, wrapped keys, the
//! staff booking API and the audit log, in-process on SQLite and PostgreSQL.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt as _;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_server::auth::totp_seal::TotpKey;
use sealbook_server::auth::{password, totp};
use sealbook_server::ids::{BusinessId, StaffId};
use sealbook_server::storage::{NewAuditEntry, NewReset, NewStaff, Role, ShareOutcome, WrappedKey};
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{
    Business, ServerConfig, vector_key, vector_key_with_status, vector_public_key,
};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use sqlx::Connection as _;
use tower::ServiceExt as _;

mod peer;
mod support;
use peer::from_client;
use support::TestDatabase;

const CANARY: &str = "Canary-5e1d77-Okonkwo";
const PASSWORD: &str = "a long staff password";
const OWNER: &str = "owner@bistro.example";
const STAFF: &str = "waiter@bistro.example";
const CLINIC_OWNER: &str = "owner@praxis.example";
/// `[limits] logins_per_minute` in the tests' configuration.
const LOGINS_PER_MINUTE: u8 = 8;

struct Fixture {
    state: AppState,
    config: Config,
    storage: Storage,
    database: TestDatabase,
    bistro: Recipient,
    praxis: Recipient,
    /// The bistro's next key, `pending` (a rotation under way).
    next: Recipient,
}

async fn fixture(database: TestDatabase) -> Fixture {
    let pem = vector_public_key;
    // The bistro is rotating its key: the next one is pending.
    let config = ServerConfig::new(&database.url)
        .set("limits.logins_per_minute", LOGINS_PER_MINUTE)
        .business(Business::bistro_du_coin().set(
            "keys",
            vec![vector_key(0), vector_key_with_status(3, "pending")],
        ))
        .business(Business::praxis_am_see())
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    let fixture = Fixture {
        state: AppState::new(config.clone(), storage.clone()),
        config,
        storage,
        database,
        bistro: Recipient::from_spki_pem(&pem(0)).expect("key"),
        praxis: Recipient::from_spki_pem(&pem(1)).expect("key"),
        next: Recipient::from_spki_pem(&pem(3)).expect("key"),
    };
    account(&fixture, "bistro-du-coin", OWNER, Role::Owner).await;
    account(&fixture, "bistro-du-coin", STAFF, Role::Staff).await;
    account(&fixture, "praxis-am-see", CLINIC_OWNER, Role::Owner).await;
    fixture
}

/// A structurally valid EncryptedPrivateKeyInfo (PBES2), opaque bytes inside.
fn wrapped_blob(fill: u8) -> Vec<u8> {
    let mut der = vec![0x30, 0x1F, 0x30, 0x0B, 0x06, 0x09];
    der.extend([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D]);
    der.extend([0x04, 0x10]);
    der.extend([fill; 16]);
    der
}

fn kid_of(fixture: &Fixture, business: &str) -> String {
    if business == "bistro-du-coin" {
        fixture.bistro.kid().as_str().to_owned()
    } else {
        fixture.praxis.kid().as_str().to_owned()
    }
}

async fn account(fixture: &Fixture, business: &str, email: &str, role: Role) -> StaffId {
    let id = StaffId::generate().expect("randomness");
    fixture
        .storage
        .create_staff(
            &NewStaff {
                id: id.clone(),
                business: BusinessId::new(business),
                email: email.to_owned(),
                role,
                password_hash: password::hash(PASSWORD).expect("hash"),
                created_at: 1_795_000_000,
            },
            &[WrappedKey {
                kid: kid_of(fixture, business),
                blob: wrapped_blob(7),
            }],
        )
        .await
        .expect("account");
    id
}

/// A signed-in browser: its cookie and CSRF token.
#[derive(Debug, Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

/// How a request treats CSRF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Csrf {
    Right,
    Missing,
    Wrong,
    ForeignOrigin,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
    text: String,
}

fn code(answer: &Answer) -> &str {
    answer.body["error"]["code"].as_str().unwrap_or("<no code>")
}

async fn call(state: &AppState, request: Request<Body>) -> Answer {
    let response = app(state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn request(
    method: Method,
    path: &str,
    session: Option<&Session>,
    csrf: Csrf,
    body: Option<&Value>,
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "127.0.0.1:8080");
    if let Some(session) = session {
        builder = builder.header(
            header::COOKIE,
            format!("sealbook_session={}", session.cookie),
        );
        match csrf {
            Csrf::Right => builder = builder.header("x-sealbook-csrf", &session.csrf),
            Csrf::Missing => {}
            Csrf::Wrong => {
                builder = builder.header(
                    "x-sealbook-csrf",
                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                )
            }
            Csrf::ForeignOrigin => {
                builder = builder
                    .header("x-sealbook-csrf", &session.csrf)
                    .header(header::ORIGIN, "https://evil.example");
            }
        }
    }
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request")
}

async fn send(
    fixture: &Fixture,
    method: Method,
    path: &str,
    session: &Session,
    body: Option<Value>,
) -> Answer {
    call(
        &fixture.state,
        request(method, path, Some(session), Csrf::Right, body.as_ref()),
    )
    .await
}

async fn try_login(fixture: &Fixture, body: Value) -> Answer {
    call(
        &fixture.state,
        request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Csrf::Missing,
            Some(&body),
        ),
    )
    .await
}

fn session_of(answer: &Answer) -> Session {
    let cookie = answer.headers[header::SET_COOKIE].to_str().expect("ASCII");
    let token = cookie
        .strip_prefix("sealbook_session=")
        .and_then(|rest| rest.split(';').next())
        .expect("the session cookie");
    Session {
        cookie: token.to_owned(),
        csrf: answer.body["csrf"].as_str().expect("csrf").to_owned(),
    }
}

async fn login(fixture: &Fixture, email: &str) -> Session {
    let answer = try_login(fixture, json!({ "email": email, "password": PASSWORD })).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    session_of(&answer)
}

/// `days` from today at noon, Paris time.
fn slot(days: i64, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone).expect("bundled tzdb");
    let date = jiff::Timestamp::now()
        .to_zoned(tz.clone())
        .date()
        .checked_add(jiff::Span::new().days(days))
        .expect("date");
    date.at(12, 0, 0, 0)
        .to_zoned(tz)
        .expect("noon exists")
        .timestamp()
        .to_string()
}

fn local_date(days: i64, zone: &str) -> jiff::civil::Date {
    let tz = jiff::tz::TimeZone::get(zone).expect("bundled tzdb");
    jiff::Timestamp::now()
        .to_zoned(tz)
        .date()
        .checked_add(jiff::Span::new().days(days))
        .expect("date")
}

async fn book(fixture: &Fixture, business: &str, party: u32) -> Answer {
    let recipient = if business == "bistro-du-coin" {
        &fixture.bistro
    } else {
        &fixture.praxis
    };
    let plaintext = json!({ "v": 1, "name": CANARY, "party_size": party });
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
    let body = if business == "bistro-du-coin" {
        json!({ "envelope": URL_SAFE_NO_PAD.encode(envelope), "start": slot(2, "Europe/Paris"), "party_size": party })
    } else {
        json!({ "envelope": URL_SAFE_NO_PAD.encode(envelope), "start": slot(2, "Europe/Berlin"), "party_size": 1, "service": "physio-30", "practitioner": "anna" })
    };
    let request = Request::post(format!("/api/v1/businesses/{business}/bookings"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    call(&fixture.state, request).await
}

/// Runs one SQL statement through a connection of its own.
async fn execute(database: &TestDatabase, sql: &str) -> Result<u64, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let url = if database.sqlite_path.is_some() {
        format!("{}?mode=rw", database.url)
    } else {
        database.url.clone()
    };
    let mut connection = sqlx::AnyConnection::connect(&url).await?;
    sqlx::query(sql)
        .execute(&mut connection)
        .await
        .map(|done| done.rows_affected())
}

async fn audit_actions(fixture: &Fixture, owner: &Session) -> Vec<String> {
    let answer = send(fixture, Method::GET, "/api/v1/inbox/audit", owner, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["action"].as_str().expect("action").to_owned())
        .collect()
}

async fn login_gives_a_session_and_logout_ends_it(database: TestDatabase) {
    let fixture = fixture(database).await;
    let answer = try_login(
        &fixture,
        json!({ "email": " Owner@Bistro.example ", "password": PASSWORD }),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let cookie = answer.headers[header::SET_COOKIE].to_str().expect("ASCII");
    assert!(
        cookie.ends_with("; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200"),
        "plain-http loopback: no Secure; {cookie}"
    );
    assert_eq!(answer.body["staff"]["email"], OWNER);
    assert_eq!(answer.body["staff"]["role"], "owner");
    assert_eq!(answer.body["staff"]["business"], "bistro-du-coin");
    assert_eq!(answer.body["staff"]["business_name"], "Bistro du Coin");
    assert_eq!(answer.body["staff"]["totp_enabled"], false);
    let session = session_of(&answer);
    assert_eq!(
        URL_SAFE_NO_PAD.decode(&session.cookie).expect("b64").len(),
        32
    );
    assert_eq!(
        URL_SAFE_NO_PAD.decode(&session.csrf).expect("b64").len(),
        32
    );

    let current = send(
        &fixture,
        Method::GET,
        "/api/v1/auth/session",
        &session,
        None,
    )
    .await;
    assert_eq!(current.status, StatusCode::OK);
    assert_eq!(current.body["csrf"], session.csrf.as_str());

    // The cookie's token is not what the database holds.
    let answer = call(
        &fixture.state,
        request(
            Method::GET,
            "/api/v1/auth/session",
            None,
            Csrf::Missing,
            None,
        ),
    )
    .await;
    assert_eq!(
        (answer.status, code(&answer)),
        (StatusCode::UNAUTHORIZED, "not_logged_in")
    );

    let logout = send(
        &fixture,
        Method::POST,
        "/api/v1/auth/logout",
        &session,
        None,
    )
    .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    assert!(
        logout.headers[header::SET_COOKIE]
            .to_str()
            .expect("ASCII")
            .contains("Max-Age=0")
    );
    let after = send(
        &fixture,
        Method::GET,
        "/api/v1/auth/session",
        &session,
        None,
    )
    .await;
    assert_eq!(
        (after.status, code(&after)),
        (StatusCode::UNAUTHORIZED, "not_logged_in")
    );
}

async fn wrong_password_and_unknown_email_get_the_same_answer(database: TestDatabase) {
    let fixture = fixture(database).await;
    let wrong = try_login(
        &fixture,
        json!({ "email": OWNER, "password": "not the password" }),
    )
    .await;
    let unknown = try_login(
        &fixture,
        json!({ "email": "nobody-canary@elsewhere.example", "password": PASSWORD }),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&wrong), "login_failed");
    assert_eq!(wrong.body["error"]["message"], "Wrong e-mail or password.");
    assert_eq!(wrong.text, unknown.text, "no account oracle");
    assert_eq!(wrong.status, unknown.status);
    assert!(!wrong.headers.contains_key(header::SET_COOKIE));

    // Both failures are audited; the unknown address is not kept anywhere.
    let (rows,): (i64,) = {
        sqlx::any::install_default_drivers();
        let url = if fixture.database.sqlite_path.is_some() {
            format!("{}?mode=rw", fixture.database.url)
        } else {
            fixture.database.url.clone()
        };
        let mut connection = sqlx::AnyConnection::connect(&url).await.expect("connect");
        sqlx::query_as("SELECT COUNT(*) FROM audit WHERE action = 'login_failed' AND staff_id IS NULL AND business IS NULL")
            .fetch_one(&mut connection)
            .await
            .expect("count")
    };
    assert_eq!(rows, 1);
    let owner = login(&fixture, OWNER).await;
    let answer = send(&fixture, Method::GET, "/api/v1/inbox/audit", &owner, None).await;
    assert!(!answer.text.contains("nobody-canary"), "{}", answer.text);
    assert!(!answer.text.contains("not the password"));
    assert_eq!(answer.body["entries"][1]["action"], "login_failed");
    assert_eq!(answer.body["entries"][1]["staff_email"], OWNER);
}

async fn a_second_factor_is_required_once_enabled(database: TestDatabase) {
    let fixture = fixture(database).await;
    let session = login(&fixture, STAFF).await;
    let setup = send(
        &fixture,
        Method::POST,
        "/api/v1/auth/totp/setup",
        &session,
        None,
    )
    .await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    let base32 = setup.body["secret_base32"].as_str().expect("secret");
    assert!(
        setup.body["otpauth_url"]
            .as_str()
            .expect("url")
            .starts_with("otpauth://totp/Sealbook:waiter%40bistro.example?secret=")
    );
    let secret = totp::from_base32(base32).expect("base32");
    let now = jiff::Timestamp::now().as_second();

    let wrong = send(
        &fixture,
        Method::POST,
        "/api/v1/auth/totp/enable",
        &session,
        Some(json!({ "code": "000000" })),
    )
    .await;
    // (One code in a million is 000000: then the next line fails, not a bug.)
    assert_eq!(
        (wrong.status, code(&wrong)),
        (StatusCode::BAD_REQUEST, "totp_failed")
    );
    let code_now = totp::code(&secret, now).expect("code");
    let enabled = send(
        &fixture,
        Method::POST,
        "/api/v1/auth/totp/enable",
        &session,
        Some(json!({ "code": code_now })),
    )
    .await;
    assert_eq!(enabled.status, StatusCode::NO_CONTENT, "{}", enabled.body);
    // The database holds the secret sealed, not in clear (THREATS R20).
    let mut connection = fixture.database.connect().await;
    let (stored,): (Vec<u8>,) = sqlx::query_as("SELECT totp_secret FROM staff WHERE email = $1")
        .bind(STAFF)
        .fetch_one(&mut connection)
        .await
        .expect("the stored secret");
    assert!(TotpKey::is_sealed(&stored));
    assert!(
        !stored.windows(secret.len()).any(|window| window == secret),
        "the secret in clear is not in the row"
    );

    let missing = try_login(&fixture, json!({ "email": STAFF, "password": PASSWORD })).await;
    assert_eq!(
        (missing.status, code(&missing)),
        (StatusCode::UNAUTHORIZED, "totp_required")
    );
    let bad = try_login(
        &fixture,
        json!({ "email": STAFF, "password": PASSWORD, "totp": "12345" }),
    )
    .await;
    assert_eq!(
        (bad.status, code(&bad)),
        (StatusCode::UNAUTHORIZED, "totp_failed")
    );
    // The code that enabled it was used: the next step's code works, once.
    let next = totp::code(&secret, now + 30).expect("code");
    let ok = try_login(
        &fixture,
        json!({ "email": STAFF, "password": PASSWORD, "totp": next }),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["staff"]["totp_enabled"], true);
    let replay = try_login(
        &fixture,
        json!({ "email": STAFF, "password": PASSWORD, "totp": next }),
    )
    .await;
    assert_eq!(
        (replay.status, code(&replay)),
        (StatusCode::UNAUTHORIZED, "totp_failed")
    );
    // A wrong password with a right code is still the plain login failure.
    let wrong_password = try_login(
        &fixture,
        json!({ "email": STAFF, "password": "guess guess guess", "totp": next }),
    )
    .await;
    assert_eq!(code(&wrong_password), "login_failed");

    // Once on, a session (a stolen cookie) cannot swap in another authenticator.
    let session = session_of(&ok);
    for path in ["/api/v1/auth/totp/setup", "/api/v1/auth/totp/enable"] {
        let body = path
            .ends_with("enable")
            .then(|| json!({ "code": "000000" }));
        let again = send(&fixture, Method::POST, path, &session, body).await;
        assert_eq!(
            (again.status, code(&again)),
            (StatusCode::CONFLICT, "totp_enabled"),
            "{path}"
        );
    }
}

async fn logins_are_rate_limited_per_client_and_per_email(database: TestDatabase) {
    let fixture = fixture(database).await;
    let attempt = |client: [u8; 4], email: &str| {
        let body = json!({ "email": email, "password": "wrong wrong wrong" });
        from_client(
            client,
            request(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Csrf::Missing,
                Some(&body),
            ),
        )
    };
    // One client, many addresses: the client's allowance.
    for round in 0..LOGINS_PER_MINUTE {
        let answer = call(
            &fixture.state,
            attempt([10, 0, 0, 1], &format!("a{round}@x.example")),
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let limited = call(&fixture.state, attempt([10, 0, 0, 1], "z@x.example")).await;
    assert_eq!(
        (limited.status, code(&limited)),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let wait: u64 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "{wait}");

    // Many clients, one address: the address's allowance.
    for client in 0..LOGINS_PER_MINUTE {
        let answer = call(&fixture.state, attempt([10, 0, 1, client], STAFF)).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let limited = call(&fixture.state, attempt([10, 0, 1, 99], STAFF)).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
    // Another address from a fresh client is not held back.
    let answer = call(
        &fixture.state,
        from_client(
            [10, 0, 2, 1],
            request(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Csrf::Missing,
                Some(&json!({ "email": OWNER, "password": PASSWORD })),
            ),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
}

/// Reset links and invitations take a new password (an argon2 hash): a client
/// gets one allowance for them and for signing in, not one for each.
async fn password_routes_share_the_clients_login_allowance(database: TestDatabase) {
    let fixture = fixture(database).await;
    let client = [10, 0, 3, 1];
    let attempt = |path: &str| {
        let body = json!({ "token": URL_SAFE_NO_PAD.encode([7u8; 32]), "password": "a new long password" });
        from_client(
            client,
            request(Method::POST, path, None, Csrf::Missing, Some(&body)),
        )
    };
    for round in 0..LOGINS_PER_MINUTE {
        let path = if round % 2 == 0 {
            "/api/v1/auth/reset"
        } else {
            "/api/v1/auth/accept-invite"
        };
        let answer = call(&fixture.state, attempt(path)).await;
        assert_eq!(
            (answer.status, code(&answer)),
            (StatusCode::NOT_FOUND, "not_found")
        );
    }
    for path in ["/api/v1/auth/reset", "/api/v1/auth/accept-invite"] {
        let limited = call(&fixture.state, attempt(path)).await;
        assert_eq!(
            (limited.status, code(&limited)),
            (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            "{path}"
        );
        assert!(limited.headers.contains_key(header::RETRY_AFTER));
    }
    let login = from_client(
        client,
        request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Csrf::Missing,
            Some(&json!({ "email": OWNER, "password": PASSWORD })),
        ),
    );
    assert_eq!(
        call(&fixture.state, login).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Over https the cookie is `__Host-` prefixed (Secure, `Path=/`, no
/// `Domain`), so no sibling subdomain or plain-http page can plant or shadow
/// it; the unprefixed name is not a session there.
async fn over_https_the_session_cookie_is_host_prefixed(database: TestDatabase) {
    let fixture = fixture(database).await;
    let mut config = fixture.config.clone();
    config.public_url = Some("https://book.example.com".to_owned());
    let state = AppState::new(config, fixture.storage.clone());
    let login = Request::post("/api/v1/auth/login")
        .header(header::HOST, "book.example.com")
        .header(header::ORIGIN, "https://book.example.com")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "email": OWNER, "password": PASSWORD }).to_string(),
        ))
        .expect("request");
    let answer = call(&state, login).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let cookie = answer.headers[header::SET_COOKIE].to_str().expect("ASCII");
    let token = cookie
        .strip_prefix("__Host-sealbook_session=")
        .and_then(|rest| rest.split(';').next())
        .unwrap_or_else(|| panic!("a __Host- cookie: {cookie}"));
    assert!(
        cookie.ends_with("; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200; Secure"),
        "{cookie}"
    );
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    let read_session = |name: &str| {
        Request::get("/api/v1/auth/session")
            .header(header::HOST, "book.example.com")
            .header(header::COOKIE, format!("{name}={token}"))
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(
        call(&state, read_session("__Host-sealbook_session"))
            .await
            .status,
        StatusCode::OK
    );
    let plain = call(&state, read_session("sealbook_session")).await;
    assert_eq!(
        (plain.status, code(&plain)),
        (StatusCode::UNAUTHORIZED, "not_logged_in")
    );
    let logout = Request::post("/api/v1/auth/logout")
        .header(header::HOST, "book.example.com")
        .header(header::ORIGIN, "https://book.example.com")
        .header(header::COOKIE, format!("__Host-sealbook_session={token}"))
        .header(
            "x-sealbook-csrf",
            answer.body["csrf"].as_str().expect("csrf"),
        )
        .body(Body::empty())
        .expect("request");
    let out = call(&state, logout).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    assert_eq!(
        out.headers[header::SET_COOKIE],
        "__Host-sealbook_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure"
    );
}

async fn sessions_expire_and_logout_everywhere_ends_them_all(database: TestDatabase) {
    let fixture = fixture(database).await;
    let now = jiff::Timestamp::now().as_second();

    let absolute = login(&fixture, STAFF).await;
    execute(
        &fixture.database,
        &format!("UPDATE sessions SET expires_at = {}", now - 1),
    )
    .await
    .expect("age");
    let answer = send(&fixture, Method::GET, "/api/v1/inbox/keys", &absolute, None).await;
    assert_eq!(
        (answer.status, code(&answer)),
        (StatusCode::UNAUTHORIZED, "session_expired")
    );

    let idle = login(&fixture, STAFF).await;
    execute(
        &fixture.database,
        &format!("UPDATE sessions SET last_seen = {}", now - 3601),
    )
    .await
    .expect("idle");
    let answer = send(&fixture, Method::GET, "/api/v1/auth/session", &idle, None).await;
    assert_eq!(
        (answer.status, code(&answer)),
        (StatusCode::UNAUTHORIZED, "session_expired")
    );
    // An expired session is gone, not just refused.
    assert_eq!(fixture.database.count("sessions").await, 0);

    let first = login(&fixture, STAFF).await;
    let second = login(&fixture, STAFF).await;
    let owner = login(&fixture, OWNER).await;
    let answer = send(
        &fixture,
        Method::POST,
        "/api/v1/auth/logout-everywhere",
        &first,
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    for session in [&first, &second] {
        let answer = send(&fixture, Method::GET, "/api/v1/auth/session", session, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let answer = send(&fixture, Method::GET, "/api/v1/auth/session", &owner, None).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "another member's session lives on"
    );
}

async fn every_state_changing_route_needs_csrf_and_our_origin(database: TestDatabase) {
    let fixture = fixture(database).await;
    let booked = book(&fixture, "bistro-du-coin", 2).await;
    let id = booked.body["id"].as_str().expect("id").to_owned();
    let kid = kid_of(&fixture, "bistro-du-coin");
    let staff_list = {
        let owner = login(&fixture, OWNER).await;
        send(&fixture, Method::GET, "/api/v1/inbox/staff", &owner, None).await
    };
    let waiter = staff_list.body["staff"]
        .as_array()
        .expect("staff")
        .iter()
        .find(|member| member["email"] == STAFF)
        .expect("the waiter")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let wrapped = URL_SAFE_NO_PAD.encode(wrapped_blob(9));
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::POST, "/api/v1/auth/logout".to_owned(), None),
        (
            Method::POST,
            "/api/v1/auth/logout-everywhere".to_owned(),
            None,
        ),
        (Method::POST, "/api/v1/auth/totp/setup".to_owned(), None),
        (
            Method::POST,
            "/api/v1/auth/password".to_owned(),
            Some(json!({ "current": PASSWORD, "new": "a brand new password" })),
        ),
        (
            Method::POST,
            "/api/v1/auth/totp/enable".to_owned(),
            Some(json!({ "code": "123456" })),
        ),
        (
            Method::PUT,
            "/api/v1/inbox/keys".to_owned(),
            Some(json!({ "keys": [{ "kid": kid, "wrapped": wrapped }] })),
        ),
        (
            Method::PUT,
            "/api/v1/inbox/notices".to_owned(),
            Some(
                json!({ "new": true, "changed": false, "cancelled": false, "erased": false, "late_cancelled": false }),
            ),
        ),
        (
            Method::POST,
            format!("/api/v1/inbox/bookings/{id}/status"),
            Some(json!({ "status": "cancelled" })),
        ),
        (
            Method::PUT,
            format!("/api/v1/inbox/bookings/{id}/attendance"),
            Some(json!({ "attendance": "arrived" })),
        ),
        (Method::DELETE, format!("/api/v1/inbox/bookings/{id}"), None),
        (
            Method::POST,
            "/api/v1/inbox/exports".to_owned(),
            Some(json!({ "format": "csv", "count": 1 })),
        ),
        (
            Method::POST,
            "/api/v1/inbox/invites".to_owned(),
            Some(json!({ "email": "new@bistro.example", "role": "staff", "wrapped": [] })),
        ),
        (
            Method::DELETE,
            format!("/api/v1/inbox/staff/{waiter}"),
            None,
        ),
    ];
    let owner = login(&fixture, OWNER).await;
    for (method, path, body) in &routes {
        for csrf in [Csrf::Missing, Csrf::Wrong, Csrf::ForeignOrigin] {
            let answer = call(
                &fixture.state,
                request(method.clone(), path, Some(&owner), csrf, body.as_ref()),
            )
            .await;
            assert_eq!(
                (answer.status, code(&answer)),
                (StatusCode::FORBIDDEN, "csrf_failed"),
                "{method} {path} {csrf:?}"
            );
        }
    }
    // Nothing happened: the booking, the waiter and the session are all there.
    assert_eq!(fixture.database.count("bookings").await, 1);
    assert_eq!(fixture.database.count("invites").await, 0);
    let answer = send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings/{id}"),
        &owner,
        None,
    )
    .await;
    assert_eq!(answer.body["status"], "confirmed");
    assert!(answer.body.get("attendance").is_none(), "{}", answer.body);
    // Signing in has no token yet, but a foreign page cannot sign a browser in either.
    for (path, body) in [
        (
            "/api/v1/auth/login",
            json!({ "email": OWNER, "password": PASSWORD }),
        ),
        (
            "/api/v1/auth/accept-invite",
            json!({ "token": "x", "password": PASSWORD }),
        ),
    ] {
        let mut foreign = request(Method::POST, path, None, Csrf::Missing, Some(&body));
        foreign.headers_mut().insert(
            header::ORIGIN,
            "https://evil.example".parse().expect("header"),
        );
        let answer = call(&fixture.state, foreign).await;
        assert_eq!(
            (answer.status, code(&answer)),
            (StatusCode::FORBIDDEN, "csrf_failed"),
            "{path}"
        );
    }
    // `Origin: null` (Firefox's, under our `no-referrer` policy) signs in only
    // when the browser says the request is same-origin.
    for (site, status) in [
        (Some("same-origin"), StatusCode::OK),
        (Some("same-site"), StatusCode::FORBIDDEN),
        (Some("cross-site"), StatusCode::FORBIDDEN),
        (None, StatusCode::FORBIDDEN),
    ] {
        let mut login = request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Csrf::Missing,
            Some(&json!({ "email": OWNER, "password": PASSWORD })),
        );
        login
            .headers_mut()
            .insert(header::ORIGIN, "null".parse().expect("header"));
        if let Some(site) = site {
            login
                .headers_mut()
                .insert("sec-fetch-site", site.parse().expect("header"));
        }
        let answer = call(&fixture.state, login).await;
        assert_eq!(
            answer.status, status,
            "Origin: null, Sec-Fetch-Site {site:?}"
        );
    }
    // The inbox's own origin passes.
    let mut same_origin = request(
        Method::POST,
        "/api/v1/inbox/exports",
        Some(&owner),
        Csrf::Right,
        Some(&json!({ "format": "ics", "count": 3 })),
    );
    same_origin.headers_mut().insert(
        header::ORIGIN,
        "http://127.0.0.1:8080".parse().expect("header"),
    );
    assert_eq!(
        call(&fixture.state, same_origin).await.status,
        StatusCode::NO_CONTENT
    );
    // An export larger than any listing is a client's mistake, not an audit entry.
    let absurd = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/exports",
        &owner,
        Some(json!({ "format": "csv", "count": 2_147_483_648_u64 })),
    )
    .await;
    assert_eq!(
        (absurd.status, code(&absurd)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    // The printable day sheet is an export too; a format the inbox never builds is refused.
    for (format, status) in [
        ("html", StatusCode::NO_CONTENT),
        ("pdf", StatusCode::BAD_REQUEST),
    ] {
        let answer = send(
            &fixture,
            Method::POST,
            "/api/v1/inbox/exports",
            &owner,
            Some(json!({ "format": format, "count": 1 })),
        )
        .await;
        assert_eq!(answer.status, status, "{format}");
    }
}

async fn a_business_never_reaches_another_business_bookings(database: TestDatabase) {
    let fixture = fixture(database).await;
    let clinic = book(&fixture, "praxis-am-see", 1).await;
    assert_eq!(clinic.status, StatusCode::CREATED, "{}", clinic.body);
    let clinic_id = clinic.body["id"].as_str().expect("id").to_owned();
    let bistro = book(&fixture, "bistro-du-coin", 2).await;
    let bistro_id = bistro.body["id"].as_str().expect("id").to_owned();

    let waiter = login(&fixture, STAFF).await;
    let from = local_date(0, "Europe/Paris");
    let to = local_date(7, "Europe/Paris");
    let list = send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings?from={from}&to={to}"),
        &waiter,
        None,
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let ids: Vec<&str> = list.body["bookings"]
        .as_array()
        .expect("bookings")
        .iter()
        .filter_map(|booking| booking["id"].as_str())
        .collect();
    assert_eq!(ids, [bistro_id.as_str()]);
    let listed = &list.body["bookings"][0];
    assert_eq!(listed["party_size"], 2);
    assert_eq!(listed["status"], "confirmed");
    assert!(
        listed["start"].as_str().expect("start").ends_with(":00"),
        "with an offset: {listed}"
    );
    assert!(!listed["envelope"].as_str().expect("envelope").is_empty());

    for (method, path, body) in [
        (
            Method::GET,
            format!("/api/v1/inbox/bookings/{clinic_id}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/inbox/bookings/{clinic_id}/status"),
            Some(json!({ "status": "cancelled" })),
        ),
        (
            Method::PUT,
            format!("/api/v1/inbox/bookings/{clinic_id}/attendance"),
            Some(json!({ "attendance": "no_show" })),
        ),
        (
            Method::DELETE,
            format!("/api/v1/inbox/bookings/{clinic_id}"),
            None,
        ),
        (
            Method::GET,
            "/api/v1/inbox/bookings/NOPE-NOPE-NOPE-NOPE".to_owned(),
            None,
        ),
    ] {
        let answer = send(&fixture, method.clone(), &path, &waiter, body).await;
        assert_eq!(
            (answer.status, code(&answer)),
            (StatusCode::NOT_FOUND, "not_found"),
            "{method} {path}"
        );
    }
    let clinic_owner = login(&fixture, CLINIC_OWNER).await;
    let answer = send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings/{clinic_id}"),
        &clinic_owner,
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["status"], "confirmed");
    assert!(
        answer.body.get("party_size").is_none(),
        "clinics have no party size"
    );
    assert_eq!(answer.body["service"], "physio-30");

    // Ranges are checked.
    let far = local_date(80, "Europe/Paris");
    let answer = send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings?from={from}&to={far}"),
        &waiter,
        None,
    )
    .await;
    assert_eq!(
        (answer.status, code(&answer)),
        (StatusCode::BAD_REQUEST, "invalid_query")
    );
}

async fn staff_change_status_and_erase(database: TestDatabase) {
    let fixture = fixture(database).await;
    let first = book(&fixture, "bistro-du-coin", 4).await;
    let second = book(&fixture, "bistro-du-coin", 4).await;
    assert_eq!(second.status, StatusCode::CREATED);
    let full = book(&fixture, "bistro-du-coin", 4).await;
    assert_eq!(full.status, StatusCode::CONFLICT, "eight covers taken");
    let first_id = first.body["id"].as_str().expect("id").to_owned();
    let second_id = second.body["id"].as_str().expect("id").to_owned();
    let waiter = login(&fixture, STAFF).await;
    let status = |id: &str, status: &str| {
        let path = format!("/api/v1/inbox/bookings/{id}/status");
        let body = json!({ "status": status });
        let waiter = waiter.clone();
        let fixture = &fixture;
        async move { send(fixture, Method::POST, &path, &waiter, Some(body)).await }
    };
    let mark = |id: &str, mark: Value| {
        let path = format!("/api/v1/inbox/bookings/{id}/attendance");
        let body = json!({ "attendance": mark });
        let waiter = waiter.clone();
        let fixture = &fixture;
        async move { send(fixture, Method::PUT, &path, &waiter, Some(body)).await }
    };

    let cancelled = status(&first_id, "cancelled").await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    assert!(
        cancelled.body.get("attendance").is_none(),
        "two days ahead is not late: {}",
        cancelled.body
    );
    let again = book(&fixture, "bistro-du-coin", 4).await;
    assert_eq!(
        again.status,
        StatusCode::CREATED,
        "cancelling freed the seats"
    );
    let twice = status(&first_id, "cancelled").await;
    assert_eq!(
        (twice.status, code(&twice)),
        (StatusCode::CONFLICT, "booking_cancelled")
    );
    let refused = mark(&first_id, json!("arrived")).await;
    assert_eq!(
        (refused.status, code(&refused)),
        (StatusCode::CONFLICT, "booking_cancelled")
    );

    let arrived = mark(&second_id, json!("arrived")).await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.body);
    assert_eq!(
        (&arrived.body["status"], &arrived.body["attendance"]),
        (&json!("confirmed"), &json!("arrived"))
    );
    let from = local_date(0, "Europe/Paris");
    let to = local_date(7, "Europe/Paris");
    let list = send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings?from={from}&to={to}&attendance=arrived"),
        &waiter,
        None,
    )
    .await;
    assert_eq!(list.body["bookings"].as_array().map(Vec::len), Some(1));
    assert_eq!(list.body["bookings"][0]["id"], second_id.as_str());
    let no_show = mark(&second_id, json!("no_show")).await;
    assert_eq!(no_show.body["attendance"], "no_show");
    let cleared = mark(&second_id, Value::Null).await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
    assert!(cleared.body.get("attendance").is_none(), "{}", cleared.body);
    for (bad, code_wanted) in [
        (status(&second_id, "gone").await, "bad_request"),
        (status(&second_id, "arrived").await, "bad_request"),
        (
            mark(&second_id, json!("late_cancelled")).await,
            "bad_request",
        ),
        (mark(&second_id, json!("gone")).await, "bad_request"),
    ] {
        assert_eq!(
            (bad.status, code(&bad)),
            (StatusCode::BAD_REQUEST, code_wanted),
            "{}",
            bad.body
        );
    }

    let erased = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/bookings/{second_id}"),
        &waiter,
        None,
    )
    .await;
    assert_eq!(erased.status, StatusCode::NO_CONTENT);
    let gone = send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings/{second_id}"),
        &waiter,
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(fixture.database.count("bookings").await, 2);
}

async fn keys_are_the_callers_own_wrapped_copies(database: TestDatabase) {
    let fixture = fixture(database).await;
    let waiter = login(&fixture, STAFF).await;
    let kid = kid_of(&fixture, "bistro-du-coin");
    let keys = send(&fixture, Method::GET, "/api/v1/inbox/keys", &waiter, None).await;
    assert_eq!(keys.status, StatusCode::OK);
    assert_eq!(keys.body["keys"][0]["kid"], kid.as_str());
    assert_eq!(keys.body["keys"][0]["status"], "active");
    assert_eq!(
        keys.body["keys"][0]["wrapped"],
        URL_SAFE_NO_PAD.encode(wrapped_blob(7)).as_str()
    );

    let put = |kid: String, wrapped: String| {
        let waiter = waiter.clone();
        let fixture = &fixture;
        async move {
            send(
                fixture,
                Method::PUT,
                "/api/v1/inbox/keys",
                &waiter,
                Some(json!({ "keys": [{ "kid": kid, "wrapped": wrapped }] })),
            )
            .await
        }
    };
    let not_der = put(
        kid.clone(),
        URL_SAFE_NO_PAD.encode(b"-----BEGIN PRIVATE KEY-----"),
    )
    .await;
    assert_eq!(
        (not_der.status, code(&not_der)),
        (StatusCode::BAD_REQUEST, "invalid_wrapped_key")
    );
    let too_big = put(kid.clone(), URL_SAFE_NO_PAD.encode(vec![0x30; 9000])).await;
    assert_eq!(code(&too_big), "invalid_wrapped_key");
    let other_business = put(
        kid_of(&fixture, "praxis-am-see"),
        URL_SAFE_NO_PAD.encode(wrapped_blob(1)),
    )
    .await;
    assert_eq!(code(&other_business), "invalid_wrapped_key");
    let twice = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/keys",
        &waiter,
        Some(json!({ "keys": [
            { "kid": kid, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(8)) },
            { "kid": kid, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(9)) },
        ] })),
    )
    .await;
    assert_eq!(
        (twice.status, code(&twice)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let none = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/keys",
        &waiter,
        Some(json!({ "keys": [] })),
    )
    .await;
    assert_eq!(
        (none.status, code(&none)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let ok = put(kid.clone(), URL_SAFE_NO_PAD.encode(wrapped_blob(8))).await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);
    let keys = send(&fixture, Method::GET, "/api/v1/inbox/keys", &waiter, None).await;
    assert_eq!(keys.body["keys"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        keys.body["keys"][0]["wrapped"],
        URL_SAFE_NO_PAD.encode(wrapped_blob(8)).as_str()
    );
    // The owner's copy is the owner's own.
    let owner = login(&fixture, OWNER).await;
    let keys = send(&fixture, Method::GET, "/api/v1/inbox/keys", &owner, None).await;
    assert_eq!(
        keys.body["keys"][0]["wrapped"],
        URL_SAFE_NO_PAD.encode(wrapped_blob(7)).as_str()
    );
}

/// Inviting an address answers the same whether or not it has an account at
/// another business: an owner learns nothing about other businesses' staff.
/// Only the address's holder learns it, on accepting.
async fn an_invitation_does_not_tell_who_works_elsewhere(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let kid = kid_of(&fixture, "bistro-du-coin");
    let invite = async |email: &str| {
        let body = json!({ "email": email, "role": "staff", "wrapped": [{ "kid": kid, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(3)) }] });
        send(
            &fixture,
            Method::POST,
            "/api/v1/inbox/invites",
            &owner,
            Some(body),
        )
        .await
    };
    let elsewhere = invite(CLINIC_OWNER).await;
    let nowhere = invite("new.cook@bistro.example").await;
    assert_eq!(elsewhere.status, StatusCode::CREATED, "{}", elsewhere.body);
    assert_eq!(nowhere.status, StatusCode::CREATED, "{}", nowhere.body);
    let fields = |answer: &Answer| {
        let mut keys: Vec<String> = answer
            .body
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(fields(&elsewhere), fields(&nowhere));
    // Their own staff they know: that stays a conflict.
    let own = invite(STAFF).await;
    assert_eq!(
        (own.status, code(&own)),
        (StatusCode::CONFLICT, "email_taken")
    );
    let token = elsewhere.body["invite_url"]
        .as_str()
        .and_then(|url| url.split_once("#invite="))
        .map(|(_, token)| token.to_owned())
        .expect("a token");
    let accepted = call(
        &fixture.state,
        request(
            Method::POST,
            "/api/v1/auth/accept-invite",
            None,
            Csrf::Missing,
            Some(&json!({ "token": token, "password": "the clinic owner's password" })),
        ),
    )
    .await;
    assert_eq!(
        (accepted.status, code(&accepted)),
        (StatusCode::CONFLICT, "email_taken")
    );
}

async fn invites_are_one_time_and_expire(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let kid = kid_of(&fixture, "bistro-du-coin");
    let invite = |email: &str| {
        let body = json!({ "email": email, "role": "staff", "wrapped": [{ "kid": kid, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(3)) }] });
        let owner = owner.clone();
        let fixture = &fixture;
        async move {
            send(
                fixture,
                Method::POST,
                "/api/v1/inbox/invites",
                &owner,
                Some(body),
            )
            .await
        }
    };
    let taken = invite(STAFF).await;
    assert_eq!(
        (taken.status, code(&taken)),
        (StatusCode::CONFLICT, "email_taken")
    );
    let created = invite("Cook@Bistro.example").await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let url = created.body["invite_url"].as_str().expect("url");
    let token = url
        .strip_prefix("http://127.0.0.1:8080/inbox/#invite=")
        .expect("the link names this server and keeps the token in the fragment");

    let accept = |token: &str, password: &str| {
        let body = json!({ "token": token, "password": password });
        let fixture = &fixture;
        async move {
            call(
                &fixture.state,
                request(
                    Method::POST,
                    "/api/v1/auth/accept-invite",
                    None,
                    Csrf::Missing,
                    Some(&body),
                ),
            )
            .await
        }
    };
    let weak = accept(token, "short").await;
    assert_eq!(
        (weak.status, code(&weak)),
        (StatusCode::BAD_REQUEST, "weak_password")
    );
    let accepted = accept(token, "the cook's own password").await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(accepted.body["staff"]["email"], "cook@bistro.example");
    assert_eq!(accepted.body["staff"]["role"], "staff");
    let cook = session_of(&accepted);
    let keys = send(&fixture, Method::GET, "/api/v1/inbox/keys", &cook, None).await;
    assert_eq!(
        keys.body["keys"][0]["wrapped"],
        URL_SAFE_NO_PAD.encode(wrapped_blob(3)).as_str()
    );
    let again = accept(token, "the cook's own password").await;
    assert_eq!(
        (again.status, code(&again)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let login = try_login(
        &fixture,
        json!({ "email": "cook@bistro.example", "password": "the cook's own password" }),
    )
    .await;
    assert_eq!(login.status, StatusCode::OK);

    let late = invite("late@bistro.example").await;
    let late_token = late.body["invite_url"]
        .as_str()
        .and_then(|url| url.split("#invite=").nth(1))
        .expect("token")
        .to_owned();
    execute(
        &fixture.database,
        "UPDATE invites SET expires_at = 1 WHERE used_at IS NULL",
    )
    .await
    .expect("expire");
    let expired = accept(&late_token, "a late password here").await;
    assert_eq!(
        (expired.status, code(&expired)),
        (StatusCode::GONE, "invite_expired")
    );
    let bogus = accept(&URL_SAFE_NO_PAD.encode([0u8; 32]), "a late password here").await;
    assert_eq!(bogus.status, StatusCode::NOT_FOUND);

    let staff = send(&fixture, Method::GET, "/api/v1/inbox/staff", &owner, None).await;
    let cook_entry = staff.body["staff"]
        .as_array()
        .expect("staff")
        .iter()
        .find(|member| member["email"] == "cook@bistro.example")
        .expect("the cook is listed")
        .clone();
    assert_eq!(cook_entry["has_key"], true);
    assert_eq!(cook_entry["totp_enabled"], false);
}

async fn owner_only_routes_refuse_staff_and_revocation_locks_out(database: TestDatabase) {
    let fixture = fixture(database).await;
    let waiter = login(&fixture, STAFF).await;
    for (method, path, body) in [
        (Method::GET, "/api/v1/inbox/staff", None),
        (Method::GET, "/api/v1/inbox/audit", None),
        (
            Method::POST,
            "/api/v1/inbox/invites",
            Some(json!({ "email": "x@y.example", "role": "staff", "wrapped": [] })),
        ),
        (Method::DELETE, "/api/v1/inbox/staff/whoever", None),
        (
            Method::PUT,
            "/api/v1/inbox/staff/whoever/keys",
            Some(json!({ "wrapped": [] })),
        ),
        (Method::GET, "/api/v1/inbox/snippet", None),
        (Method::GET, "/api/v1/inbox/consent-stats", None),
    ] {
        let answer = send(&fixture, method.clone(), path, &waiter, body).await;
        assert_eq!(
            (answer.status, code(&answer)),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{method} {path}"
        );
    }

    let owner = login(&fixture, OWNER).await;
    let staff = send(&fixture, Method::GET, "/api/v1/inbox/staff", &owner, None).await;
    let members = staff.body["staff"].as_array().expect("staff");
    let id = |email: &str| {
        members
            .iter()
            .find(|member| member["email"] == email)
            .and_then(|member| member["id"].as_str())
            .expect("listed")
            .to_owned()
    };
    let (owner_id, waiter_id) = (id(OWNER), id(STAFF));
    let own = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/staff/{owner_id}"),
        &owner,
        None,
    )
    .await;
    assert_eq!(
        (own.status, code(&own)),
        (StatusCode::BAD_REQUEST, "cannot_revoke_self")
    );
    let clinic_owner = login(&fixture, CLINIC_OWNER).await;
    let foreign = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/staff/{waiter_id}"),
        &clinic_owner,
        None,
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    let booked = book(&fixture, "bistro-du-coin", 2).await;
    let booking = booked.body["id"].as_str().expect("id").to_owned();
    let revoked = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/staff/{waiter_id}"),
        &owner,
        None,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    for path in [
        "/api/v1/inbox/keys".to_owned(),
        format!("/api/v1/inbox/bookings/{booking}"),
    ] {
        let answer = send(&fixture, Method::GET, &path, &waiter, None).await;
        assert_eq!(
            (answer.status, code(&answer)),
            (StatusCode::UNAUTHORIZED, "not_logged_in"),
            "{path}"
        );
    }
    let again = try_login(&fixture, json!({ "email": STAFF, "password": PASSWORD })).await;
    assert_eq!(
        (again.status, code(&again)),
        (StatusCode::UNAUTHORIZED, "login_failed")
    );
    let staff = send(&fixture, Method::GET, "/api/v1/inbox/staff", &owner, None).await;
    let entry = staff.body["staff"]
        .as_array()
        .expect("staff")
        .iter()
        .find(|member| member["email"] == STAFF)
        .expect("still listed")
        .clone();
    assert_eq!(entry["revoked"], true);
    assert_eq!(entry["has_key"], false, "the copies are deleted");
}

async fn every_action_is_audited_without_booking_content(database: TestDatabase) {
    let fixture = fixture(database).await;
    let booked = book(&fixture, "bistro-du-coin", 2).await;
    let id = booked.body["id"].as_str().expect("id").to_owned();
    let envelope_prefix = {
        let stored = fixture
            .storage
            .inbox_booking(&BusinessId::new("bistro-du-coin"), &id)
            .await
            .expect("read")
            .expect("there");
        URL_SAFE_NO_PAD.encode(&stored.envelope[..24])
    };
    let _ = try_login(
        &fixture,
        json!({ "email": OWNER, "password": "wrong wrong wrong" }),
    )
    .await;
    let owner = login(&fixture, OWNER).await;
    let waiter = login(&fixture, STAFF).await;
    let from = local_date(0, "Europe/Paris");
    let to = local_date(7, "Europe/Paris");
    send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings?from={from}&to={to}"),
        &waiter,
        None,
    )
    .await;
    send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings/{id}"),
        &waiter,
        None,
    )
    .await;
    send(
        &fixture,
        Method::PUT,
        &format!("/api/v1/inbox/bookings/{id}/attendance"),
        &waiter,
        Some(json!({ "attendance": "arrived" })),
    )
    .await;
    send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/exports",
        &waiter,
        Some(json!({ "format": "csv", "count": 1 })),
    )
    .await;
    let kid = kid_of(&fixture, "bistro-du-coin");
    send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/keys",
        &waiter,
        Some(
            json!({ "keys": [{ "kid": kid, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(5)) }] }),
        ),
    )
    .await;
    let setup = send(
        &fixture,
        Method::POST,
        "/api/v1/auth/totp/setup",
        &waiter,
        None,
    )
    .await;
    let secret =
        totp::from_base32(setup.body["secret_base32"].as_str().expect("secret")).expect("b32");
    let code_now = totp::code(&secret, jiff::Timestamp::now().as_second()).expect("code");
    send(
        &fixture,
        Method::POST,
        "/api/v1/auth/totp/enable",
        &waiter,
        Some(json!({ "code": code_now })),
    )
    .await;
    send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/bookings/{id}"),
        &waiter,
        None,
    )
    .await;
    let invite = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/invites",
        &owner,
        Some(json!({ "email": "cook@bistro.example", "role": "staff", "wrapped": [] })),
    )
    .await;
    let token = invite.body["invite_url"]
        .as_str()
        .and_then(|url| url.split("#invite=").nth(1))
        .expect("token")
        .to_owned();
    let accepted = call(
        &fixture.state,
        request(
            Method::POST,
            "/api/v1/auth/accept-invite",
            None,
            Csrf::Missing,
            Some(&json!({ "token": token, "password": "the cook's password" })),
        ),
    )
    .await;
    let cook_id = accepted.body["staff"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/staff/{cook_id}"),
        &owner,
        None,
    )
    .await;
    send(&fixture, Method::POST, "/api/v1/auth/logout", &waiter, None).await;
    let other = login(&fixture, OWNER).await;
    send(
        &fixture,
        Method::POST,
        "/api/v1/auth/logout-everywhere",
        &other,
        None,
    )
    .await;
    let owner = login(&fixture, OWNER).await;

    let mut actions = audit_actions(&fixture, &owner).await;
    actions.reverse();
    assert_eq!(
        actions,
        [
            "login_failed",
            "login",
            "login",
            "listed",
            "opened",
            "attendance_changed",
            "exported",
            "key_rewrapped",
            "totp_enabled",
            "erased",
            "invited",
            "invite_accepted",
            "revoked",
            "logout",
            "login",
            "logout_everywhere",
            "login",
        ]
    );
    let log = send(&fixture, Method::GET, "/api/v1/inbox/audit", &owner, None).await;
    let entries = log.body["entries"].as_array().expect("entries");
    let status_changed = entries
        .iter()
        .find(|entry| entry["action"] == "attendance_changed")
        .expect("entry");
    assert_eq!(status_changed["detail"], "none -> arrived");
    assert_eq!(status_changed["booking_id"], id.as_str());
    assert_eq!(status_changed["staff_email"], STAFF);
    assert_eq!(status_changed["session"].as_str().map(str::len), Some(8));
    let listed = entries
        .iter()
        .find(|entry| entry["action"] == "listed")
        .expect("entry");
    assert_eq!(listed["detail"], format!("{from}..{to}: 1 bookings"));

    let csv = send(
        &fixture,
        Method::GET,
        "/api/v1/inbox/audit?format=csv",
        &owner,
        None,
    )
    .await;
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .expect("ASCII")
            .starts_with("text/csv")
    );
    assert_eq!(csv.text.lines().count(), entries.len() + 1);

    // No booking content, no password, no token, in any answer or row.
    for text in [&log.text, &csv.text] {
        for secret in [
            CANARY,
            PASSWORD,
            "wrong wrong wrong",
            envelope_prefix.as_str(),
            owner.cookie.as_str(),
            owner.csrf.as_str(),
            token.as_str(),
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    fixture.storage.close().await;
    if let Some(path) = &fixture.database.sqlite_path {
        let mut file = std::fs::read(path).expect("db file");
        file.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
        for secret in [CANARY, PASSWORD, owner.cookie.as_str(), token.as_str()] {
            assert!(
                !file
                    .windows(secret.len())
                    .any(|window| window == secret.as_bytes()),
                "{secret} in the database file"
            );
        }
    }
}

async fn audit_rows_cannot_be_changed_or_deleted(database: TestDatabase) {
    let fixture = fixture(database).await;
    let _owner = login(&fixture, OWNER).await;
    assert_eq!(fixture.database.count("audit").await, 1);
    assert!(
        execute(&fixture.database, "UPDATE audit SET detail = 'forged'")
            .await
            .is_err()
    );
    assert!(
        execute(&fixture.database, "DELETE FROM audit")
            .await
            .is_err()
    );
    assert_eq!(fixture.database.count("audit").await, 1);
}

/// The owner's script tag: this server's address, every active kid pinned, and
/// the integrity of the `embed.js` being served once the widget is built.
async fn the_owner_gets_the_script_tag_to_paste(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let answer = send(&fixture, Method::GET, "/api/v1/inbox/snippet", &owner, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let kid = kid_of(&fixture, "bistro-du-coin");
    let next = fixture.next.kid().as_str();
    assert_eq!(
        answer.body["kids"],
        json!([kid, next]),
        "the active and the pending key are pinned"
    );
    let html = answer.body["html"].as_str().expect("html");
    assert!(
        html.starts_with("<script src=\"http://127.0.0.1:8080/widget/embed.js\""),
        "{html}"
    );
    assert!(
        html.contains(&format!("data-keys=\"{kid},{next}\"")),
        "{html}"
    );
    assert!(html.contains("data-business=\"bistro-du-coin\""), "{html}");
    match answer.body["integrity"].as_str() {
        Some(integrity) => {
            assert!(integrity.starts_with("sha384-"), "{integrity}");
            assert!(
                html.contains(&format!("integrity=\"{integrity}\"")),
                "{html}"
            );
        }
        None => assert!(
            !html.contains("integrity"),
            "no widget built, no hash: {html}"
        ),
    }
}

/// The owner's consent statistics: this week last, each week of the range
/// present, counts of this business's records only, and a bounded range.
async fn the_owner_sees_consent_choices_counted_per_week(database: TestDatabase) {
    // The records, the server's answer and this test's idea of this week in one week.
    tokio::time::sleep(sealbook_testkit::wait_clear_of_the_week_turn(
        std::time::Duration::from_secs(60),
    ))
    .await;
    let fixture = fixture(database).await;
    // Weeks back in Paris's calendar, not in hours: across a change of clocks
    // 168 hours back may fall an hour short of last week's Monday.
    let here = jiff::Zoned::now().in_tz("Europe/Paris").expect("zone");
    let weeks_back = |weeks: i64| {
        here.checked_sub(jiff::Span::new().weeks(weeks))
            .expect("date")
            .timestamp()
            .as_second()
    };
    let now = here.timestamp().as_second();
    let all = ["analytics", "marketing"].map(str::to_owned).to_vec();
    for (business, at, action, granted, refused) in [
        ("bistro-du-coin", now, "accept_all", all.clone(), vec![]),
        ("bistro-du-coin", now, "gpc", vec![], all.clone()),
        (
            "bistro-du-coin",
            weeks_back(1),
            "reject_all",
            vec![],
            all.clone(),
        ),
        // Before the weeks asked for, and another business's.
        (
            "bistro-du-coin",
            weeks_back(3),
            "accept_all",
            all.clone(),
            vec![],
        ),
        ("praxis-am-see", now, "accept_all", all.clone(), vec![]),
    ] {
        fixture
            .storage
            .record_consent(&sealbook_server::storage::ConsentRecord {
                business: BusinessId::new(business),
                consent_id: format!("{at:0>21}{}", action.len()),
                recorded_at: at,
                notice_version: "v1".to_owned(),
                language: "fr".to_owned(),
                granted,
                refused,
                services: vec![],
                action: action.to_owned(),
                notice_hash: [1; 32],
            })
            .await
            .expect("recorded");
    }
    let owner = login(&fixture, OWNER).await;
    let answer = send(
        &fixture,
        Method::GET,
        "/api/v1/inbox/consent-stats?weeks=2",
        &owner,
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let weeks = answer.body["weeks"].as_array().expect("weeks");
    assert_eq!(weeks.len(), 2);
    let today = local_date(0, "Europe/Paris");
    let monday = today
        .checked_sub(jiff::Span::new().days(today.weekday().to_monday_zero_offset()))
        .expect("date");
    assert_eq!(weeks[1]["from"], monday.to_string());
    let iso = monday.iso_week_date();
    assert_eq!(
        weeks[1]["week"],
        format!("{:04}-W{:02}", iso.year(), iso.week())
    );
    assert_eq!(weeks[0]["choices"], 1);
    assert_eq!(weeks[1]["choices"], 2);
    assert_eq!(
        weeks[1]["categories"],
        json!([
            {"category": "analytics", "shown": 2, "accepted": 1, "refused": 1, "customised": 0, "gpc_refused": 1},
            {"category": "marketing", "shown": 2, "accepted": 1, "refused": 1, "customised": 0, "gpc_refused": 1},
        ])
    );
    let answer = send(
        &fixture,
        Method::GET,
        "/api/v1/inbox/consent-stats",
        &owner,
        None,
    )
    .await;
    assert_eq!(answer.body["weeks"].as_array().map(Vec::len), Some(12));
    for query in ["weeks=0", "weeks=54", "weeks=many", "from=2026-01-01"] {
        let answer = send(
            &fixture,
            Method::GET,
            &format!("/api/v1/inbox/consent-stats?{query}"),
            &owner,
            None,
        )
        .await;
        assert_eq!(
            (answer.status, code(&answer)),
            (StatusCode::BAD_REQUEST, "invalid_query"),
            "{query}"
        );
    }
}

/// A rotation: the owner adds their copy of the pending key, shares it with a
/// member under a grant code, and the member re-wraps it as their own; the
/// server refuses a share that would overwrite a member's own copy, shares
/// with other businesses' members or revoked ones, and keys of other businesses.
async fn the_owner_shares_a_new_key_with_members(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let old = kid_of(&fixture, "bistro-du-coin");
    let next = fixture.next.kid().as_str().to_owned();
    let keys = send(&fixture, Method::GET, "/api/v1/inbox/keys", &owner, None).await;
    assert_eq!(
        keys.body["configured"],
        json!([{ "kid": old, "status": "active" }, { "kid": next, "status": "pending" }])
    );
    assert_eq!(keys.body["keys"][0]["shared"], false);

    // All copies or none: every copy is checked before any is stored, so one bad
    // copy leaves the good one unstored and the existing copy as it was (the
    // storage itself writes them in one transaction).
    let half = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/keys",
        &owner,
        Some(json!({ "keys": [
            { "kid": old, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(10)) },
            { "kid": next, "wrapped": URL_SAFE_NO_PAD.encode(b"not a key") },
        ] })),
    )
    .await;
    assert_eq!(code(&half), "invalid_wrapped_key");
    let unchanged = send(&fixture, Method::GET, "/api/v1/inbox/keys", &owner, None).await;
    assert_eq!(unchanged.body["keys"], keys.body["keys"]);

    let own = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/keys",
        &owner,
        Some(json!({ "keys": [{ "kid": next, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(9)) }] })),
    )
    .await;
    assert_eq!(own.status, StatusCode::NO_CONTENT, "{}", own.body);

    let waiter_id = fixture
        .storage
        .staff_by_email(STAFF)
        .await
        .expect("read")
        .expect("member")
        .id;
    let share = |member: String, kid: String, fill: u8| {
        let owner = owner.clone();
        let fixture = &fixture;
        async move {
            send(
                fixture,
                Method::PUT,
                &format!("/api/v1/inbox/staff/{member}/keys"),
                &owner,
                Some(json!({ "wrapped": [{ "kid": kid, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(fill)) }] })),
            )
            .await
        }
    };
    let shared = share(waiter_id.as_str().to_owned(), next.clone(), 10).await;
    assert_eq!(shared.status, StatusCode::NO_CONTENT, "{}", shared.body);
    let again = share(waiter_id.as_str().to_owned(), next.clone(), 11).await;
    assert_eq!(
        again.status,
        StatusCode::NO_CONTENT,
        "a share not yet taken up is replaced (its code may be lost)"
    );

    let staff = send(&fixture, Method::GET, "/api/v1/inbox/staff", &owner, None).await;
    let entry = staff.body["staff"]
        .as_array()
        .expect("staff")
        .iter()
        .find(|entry| entry["email"] == STAFF)
        .expect("the waiter")
        .clone();
    assert_eq!(entry["kids"], json!([old]));
    assert_eq!(entry["shared_kids"], json!([next]));

    let waiter = login(&fixture, STAFF).await;
    let keys = send(&fixture, Method::GET, "/api/v1/inbox/keys", &waiter, None).await;
    let held: Vec<(String, bool, String)> = keys.body["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|key| {
            (
                key["kid"].as_str().expect("kid").to_owned(),
                key["shared"].as_bool().expect("shared"),
                key["wrapped"].as_str().expect("wrapped").to_owned(),
            )
        })
        .collect();
    let mut expected = vec![
        (old.clone(), false, URL_SAFE_NO_PAD.encode(wrapped_blob(7))),
        (next.clone(), true, URL_SAFE_NO_PAD.encode(wrapped_blob(11))),
    ];
    expected.sort();
    assert_eq!(held, expected);

    // The member takes it up under their own passphrase: no longer shared, and
    // the owner can no longer overwrite it.
    let taken = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/keys",
        &waiter,
        Some(json!({ "keys": [{ "kid": next, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(12)) }] })),
    )
    .await;
    assert_eq!(taken.status, StatusCode::NO_CONTENT);
    let keys = send(&fixture, Method::GET, "/api/v1/inbox/keys", &waiter, None).await;
    assert!(
        keys.body["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .all(|key| key["shared"] == false),
        "{}",
        keys.body
    );
    let overwrite = share(waiter_id.as_str().to_owned(), next.clone(), 13).await;
    assert_eq!(
        (overwrite.status, code(&overwrite)),
        (StatusCode::CONFLICT, "key_already_held")
    );

    let foreign_key = share(
        waiter_id.as_str().to_owned(),
        kid_of(&fixture, "praxis-am-see"),
        14,
    )
    .await;
    assert_eq!(code(&foreign_key), "invalid_wrapped_key");
    let clinic_owner = fixture
        .storage
        .staff_by_email(CLINIC_OWNER)
        .await
        .expect("read")
        .expect("clinic owner")
        .id;
    let foreign_member = share(clinic_owner.into_string(), next.clone(), 15).await;
    assert_eq!(
        (foreign_member.status, code(&foreign_member)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let revoked = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/staff/{}", waiter_id),
        &owner,
        None,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let to_revoked = share(waiter_id.as_str().to_owned(), next.clone(), 16).await;
    assert_eq!(code(&to_revoked), "not_found");

    let actions = audit_actions(&fixture, &owner).await;
    assert_eq!(
        actions
            .iter()
            .filter(|action| *action == "key_shared")
            .count(),
        2,
        "{actions:?}"
    );
}

/// The owner sees the invites still open and withdraws one: its link stops
/// working at once. Staff cannot list or withdraw; another business's owner
/// cannot reach this business's invites.
async fn the_owner_withdraws_an_open_invite(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let kid = kid_of(&fixture, "bistro-du-coin");
    let mut tokens = Vec::new();
    for email in ["cook@bistro.example", "host@bistro.example"] {
        let body = json!({ "email": email, "role": "staff", "wrapped": [{ "kid": kid, "wrapped": URL_SAFE_NO_PAD.encode(wrapped_blob(3)) }] });
        let created = send(
            &fixture,
            Method::POST,
            "/api/v1/inbox/invites",
            &owner,
            Some(body),
        )
        .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let url = created.body["invite_url"].as_str().expect("url");
        tokens.push(url.split_once("#invite=").expect("a token").1.to_owned());
    }
    let listed = send(&fixture, Method::GET, "/api/v1/inbox/invites", &owner, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let invites = listed.body["invites"].as_array().expect("invites").clone();
    let emails: Vec<&str> = invites.iter().filter_map(|i| i["email"].as_str()).collect();
    assert_eq!(emails, ["cook@bistro.example", "host@bistro.example"]);
    assert!(
        !listed.text.contains(&tokens[0]) && !listed.text.contains(&tokens[1]),
        "the list names invites without their tokens"
    );
    let cook = invites[0]["id"].as_str().expect("id").to_owned();

    let waiter = login(&fixture, STAFF).await;
    for (method, path) in [
        (Method::GET, "/api/v1/inbox/invites".to_owned()),
        (Method::DELETE, format!("/api/v1/inbox/invites/{cook}")),
    ] {
        let refused = send(&fixture, method, &path, &waiter, None).await;
        assert_eq!(
            (refused.status, code(&refused)),
            (StatusCode::FORBIDDEN, "forbidden")
        );
    }
    let clinic = login(&fixture, CLINIC_OWNER).await;
    let foreign = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/invites/{cook}"),
        &clinic,
        None,
    )
    .await;
    assert_eq!(
        (foreign.status, code(&foreign)),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let clinic_list = send(
        &fixture,
        Method::GET,
        "/api/v1/inbox/invites",
        &clinic,
        None,
    )
    .await;
    assert_eq!(clinic_list.body["invites"], json!([]));

    let withdrawn = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/invites/{cook}"),
        &owner,
        None,
    )
    .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::NO_CONTENT,
        "{}",
        withdrawn.body
    );
    let again = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/invites/{cook}"),
        &owner,
        None,
    )
    .await;
    assert_eq!(code(&again), "not_found");
    let not_an_id = send(
        &fixture,
        Method::DELETE,
        "/api/v1/inbox/invites/x",
        &owner,
        None,
    )
    .await;
    assert_eq!(code(&not_an_id), "not_found");

    let accept = |token: String| {
        let body = json!({ "token": token, "password": "a long new password" });
        let fixture = &fixture;
        async move {
            call(
                &fixture.state,
                request(
                    Method::POST,
                    "/api/v1/auth/accept-invite",
                    None,
                    Csrf::Missing,
                    Some(&body),
                ),
            )
            .await
        }
    };
    let refused = accept(tokens[0].clone()).await;
    assert_eq!(
        (refused.status, code(&refused)),
        (StatusCode::NOT_FOUND, "not_found"),
        "a withdrawn link no longer works"
    );
    let joined = accept(tokens[1].clone()).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    let listed = send(&fixture, Method::GET, "/api/v1/inbox/invites", &owner, None).await;
    assert_eq!(
        listed.body["invites"],
        json!([]),
        "used invites are not open"
    );
    let actions = audit_actions(&fixture, &owner).await;
    assert!(
        actions.iter().any(|a| a == "invite_withdrawn"),
        "{actions:?}"
    );
}

/// A member locked out (password forgotten, authenticator lost) gets back in
/// with the owner's one-time link: a new password, two-step login off, every old
/// session ended. Links are owner-only, one per member, single-use and expire.
async fn a_locked_out_member_gets_back_in_with_the_owners_reset_link(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let waiter_session = login(&fixture, STAFF).await;
    let member = |email: &'static str| {
        let storage = fixture.storage.clone();
        async move {
            storage
                .staff_by_email(email)
                .await
                .expect("read")
                .expect("member")
                .id
        }
    };
    let waiter = member(STAFF).await;
    // Two-step login on: the reset is also the way back from a lost authenticator.
    let sealed = TotpKey::generate()
        .expect("randomness")
        .seal(&waiter, &[7; 20])
        .expect("sealed");
    fixture
        .storage
        .set_totp_pending(&waiter, &sealed)
        .await
        .expect("totp");
    assert!(
        fixture
            .storage
            .enable_totp(&waiter, &sealed, 1)
            .await
            .expect("totp")
    );

    let issue = |session: Session, id: String| {
        let fixture = &fixture;
        async move {
            send(
                fixture,
                Method::POST,
                &format!("/api/v1/inbox/staff/{id}/reset"),
                &session,
                None,
            )
            .await
        }
    };
    let by_staff = issue(waiter_session.clone(), member(OWNER).await.into_string()).await;
    assert_eq!(
        (by_staff.status, code(&by_staff)),
        (StatusCode::FORBIDDEN, "forbidden")
    );
    let clinic = login(&fixture, CLINIC_OWNER).await;
    let foreign = issue(clinic, waiter.as_str().to_owned()).await;
    assert_eq!(code(&foreign), "not_found");
    let own = issue(owner.clone(), member(OWNER).await.into_string()).await;
    assert_eq!(
        (own.status, code(&own)),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let token_of = |answer: &Answer| {
        let url = answer.body["reset_url"].as_str().expect("a link");
        assert!(
            url.starts_with("http://127.0.0.1:8080/inbox/#reset="),
            "{url}"
        );
        url.split_once("#reset=").expect("a token").1.to_owned()
    };
    let first = issue(owner.clone(), waiter.as_str().to_owned()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let replaced = token_of(&first);
    let second = issue(owner.clone(), waiter.as_str().to_owned()).await;
    let token = token_of(&second);

    let use_reset = |token: String, password: &'static str| {
        let body = json!({ "token": token, "password": password });
        let fixture = &fixture;
        async move {
            call(
                &fixture.state,
                request(
                    Method::POST,
                    "/api/v1/auth/reset",
                    None,
                    Csrf::Missing,
                    Some(&body),
                ),
            )
            .await
        }
    };
    let old_link = use_reset(replaced, "a brand new password").await;
    assert_eq!(
        (old_link.status, code(&old_link)),
        (StatusCode::NOT_FOUND, "not_found"),
        "a newer link replaces the older one"
    );
    let weak = use_reset(token.clone(), "short").await;
    assert_eq!(code(&weak), "weak_password");
    let used = use_reset(token.clone(), "a brand new password").await;
    assert_eq!(used.status, StatusCode::OK, "{}", used.body);
    assert_eq!(used.body["staff"]["email"], STAFF);
    let again = use_reset(token, "another new password").await;
    assert_eq!(code(&again), "not_found", "one use");

    let ended = send(
        &fixture,
        Method::GET,
        "/api/v1/inbox/keys",
        &waiter_session,
        None,
    )
    .await;
    assert_eq!(
        ended.status,
        StatusCode::UNAUTHORIZED,
        "the old session ended"
    );
    let old_password = try_login(&fixture, json!({ "email": STAFF, "password": PASSWORD })).await;
    assert_eq!(old_password.status, StatusCode::UNAUTHORIZED);
    let new_password = try_login(
        &fixture,
        json!({ "email": STAFF, "password": "a brand new password" }),
    )
    .await;
    assert_eq!(
        new_password.status,
        StatusCode::OK,
        "no second factor asked: it is off until set up again: {}",
        new_password.body
    );

    // Expired, and revoked members' links, open nothing.
    let expired_token = "A".repeat(43);
    fixture
        .storage
        .create_reset(&NewReset {
            token_hash: Sha256::digest(expired_token.as_bytes()).into(),
            staff_id: waiter.clone(),
            created_by: member(OWNER).await,
            expires_at: 1_000,
        })
        .await
        .expect("reset");
    let expired = use_reset(expired_token, "a brand new password").await;
    assert_eq!(
        (expired.status, code(&expired)),
        (StatusCode::GONE, "reset_expired")
    );
    let last = token_of(&issue(owner.clone(), waiter.as_str().to_owned()).await);
    let revoked = send(
        &fixture,
        Method::DELETE,
        &format!("/api/v1/inbox/staff/{}", waiter),
        &owner,
        None,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let after_revocation = use_reset(last, "a brand new password").await;
    assert_eq!(code(&after_revocation), "not_found");

    let actions = audit_actions(&fixture, &owner).await;
    for action in ["login_reset_issued", "login_reset"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

/// A new password needs the current one; it ends every other session and the
/// old password no longer logs in.
async fn a_member_changes_their_password(database: TestDatabase) {
    let fixture = fixture(database).await;
    let here = login(&fixture, STAFF).await;
    let elsewhere = login(&fixture, STAFF).await;
    let change = |current: &str, new: &str| json!({ "current": current, "new": new });
    let path = "/api/v1/auth/password";

    let wrong = send(
        &fixture,
        Method::POST,
        path,
        &here,
        Some(change("guess guess guess", "a brand new password")),
    )
    .await;
    assert_eq!(
        (wrong.status, code(&wrong)),
        (StatusCode::BAD_REQUEST, "wrong_password")
    );
    let short = send(
        &fixture,
        Method::POST,
        path,
        &here,
        Some(change(PASSWORD, "too short")),
    )
    .await;
    assert_eq!(
        (short.status, code(&short)),
        (StatusCode::BAD_REQUEST, "weak_password")
    );
    let changed = send(
        &fixture,
        Method::POST,
        path,
        &here,
        Some(change(PASSWORD, "a brand new password")),
    )
    .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.body);

    // This session goes on; the other one has ended.
    let still = send(&fixture, Method::GET, "/api/v1/auth/session", &here, None).await;
    assert_eq!(still.status, StatusCode::OK);
    let ended = send(
        &fixture,
        Method::GET,
        "/api/v1/auth/session",
        &elsewhere,
        None,
    )
    .await;
    assert_eq!(ended.status, StatusCode::UNAUTHORIZED);
    let old = try_login(&fixture, json!({ "email": STAFF, "password": PASSWORD })).await;
    assert_eq!(code(&old), "login_failed");
    let new = try_login(
        &fixture,
        json!({ "email": STAFF, "password": "a brand new password" }),
    )
    .await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.body);

    let owner = login(&fixture, OWNER).await;
    let actions = audit_actions(&fixture, &owner).await;
    for action in ["password_change_failed", "password_changed"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

/// TOTP secrets an older version stored in clear are sealed when the server
/// starts, each for its own account, and only once.
async fn secrets_kept_in_clear_are_sealed_at_start(database: TestDatabase) {
    let fixture = fixture(database).await;
    let member = fixture
        .storage
        .staff_by_email(STAFF)
        .await
        .expect("read")
        .expect("member");
    let plain = [9u8; 20];
    let mut connection = fixture.database.connect().await;
    sqlx::query("UPDATE staff SET totp_secret = $1 WHERE id = $2")
        .bind(plain.to_vec())
        .bind(member.id.as_str())
        .execute(&mut connection)
        .await
        .expect("an old row");
    let key = TotpKey::generate().expect("randomness");
    assert_eq!(
        fixture
            .storage
            .seal_plain_totp_secrets(&key)
            .await
            .expect("sealed"),
        1
    );
    assert_eq!(
        fixture
            .storage
            .seal_plain_totp_secrets(&key)
            .await
            .expect("again"),
        0,
        "a sealed secret is left alone"
    );
    let stored = fixture
        .storage
        .staff_by_email(STAFF)
        .await
        .expect("read")
        .expect("member")
        .totp_secret
        .expect("still on");
    assert!(TotpKey::is_sealed(&stored));
    assert_eq!(key.open(&member.id, &stored), Some(plain.to_vec()));
    // At the next start, only the key that sealed them is accepted.
    assert!(
        fixture
            .storage
            .totp_key_opens_stored_secrets(&key)
            .await
            .expect("checked")
    );
    let another = TotpKey::generate().expect("randomness");
    assert!(
        !fixture
            .storage
            .totp_key_opens_stored_secrets(&another)
            .await
            .expect("checked")
    );
}

/// A revocation and a key write never leave copies behind for the revoked
/// account: storage refuses to write for it, and writes nothing then, not even
/// the audit entry.
async fn no_copy_is_stored_for_a_revoked_account(database: TestDatabase) {
    let fixture = fixture(database).await;
    let member = fixture
        .storage
        .staff_by_email(STAFF)
        .await
        .expect("read")
        .expect("member");
    fixture
        .storage
        .revoke_staff(&member.id)
        .await
        .expect("revoked");
    let audit_before = fixture.database.count("audit").await;
    let copy = WrappedKey {
        kid: kid_of(&fixture, "bistro-du-coin"),
        blob: wrapped_blob(3),
    };
    let entry = NewAuditEntry {
        business: Some(BusinessId::new("bistro-du-coin")),
        at: 1_795_000_000,
        staff: Some(member.id.clone()),
        session: None,
        action: "key_rewrapped",
        booking_id: None,
        detail: String::new(),
    };
    let stored = fixture
        .storage
        .put_wrapped_keys(&member.id, std::slice::from_ref(&copy), &entry)
        .await
        .expect("no database error");
    assert!(!stored, "nothing stored for a revoked account");
    let shared = fixture
        .storage
        .share_wrapped_keys(&member.id, std::slice::from_ref(&copy), &entry)
        .await
        .expect("no database error");
    assert_eq!(shared, ShareOutcome::NoAccount);
    assert!(
        fixture
            .storage
            .wrapped_keys(&member.id)
            .await
            .expect("read")
            .is_empty()
    );
    assert_eq!(fixture.database.count("audit").await, audit_before);
}

/// The bistro's stored schedule with `edit` applied, as a `PUT` body.
async fn schedule_change(
    fixture: &Fixture,
    owner: &Session,
    confirmed: &[&str],
    edit: impl FnOnce(&mut Value),
) -> Value {
    let current = send(fixture, Method::GET, "/api/v1/inbox/schedule", owner, None).await;
    assert_eq!(current.status, StatusCode::OK, "{}", current.body);
    let mut settings = current.body["settings"].clone();
    edit(&mut settings);
    json!({
        "revision": current.body["revision"],
        "settings": settings,
        "confirmed": confirmed,
    })
}

fn problems(answer: &Answer) -> Vec<(String, String)> {
    answer.body["error"]["fields"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|problem| {
            (
                problem["field"].as_str().expect("field").to_owned(),
                problem["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

async fn schedule_changes_are_checked_shown_and_never_lose_a_booking(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let waiter = login(&fixture, STAFF).await;
    // Three parties in one slot, in this order: 4 + 3 + 1 of the 8 covers.
    // Bookings made in the same second count as made together, so each waits
    // for the next second: the order below is the order they were made in.
    let mut ids = Vec::new();
    for party in [4, 3, 1] {
        let second = jiff::Timestamp::now().as_second();
        while jiff::Timestamp::now().as_second() == second {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let answer = book(&fixture, "bistro-du-coin", party).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
        ids.push(answer.body["id"].as_str().expect("id").to_owned());
    }
    let view = send(
        &fixture,
        Method::GET,
        "/api/v1/inbox/schedule",
        &waiter,
        None,
    )
    .await;
    assert_eq!(view.status, StatusCode::OK, "every member reads it");
    assert_eq!(
        (view.body["revision"].as_i64(), view.body["kind"].as_str()),
        (Some(0), Some("restaurant"))
    );
    assert_eq!(view.body["settings"]["seating"]["covers"], 8);

    // Only the owner changes it.
    let fewer =
        |covers: u32| move |settings: &mut Value| settings["seating"]["covers"] = json!(covers);
    let body = schedule_change(&fixture, &owner, &[], fewer(6)).await;
    let refused = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/schedule",
        &waiter,
        Some(body.clone()),
    )
    .await;
    assert_eq!(
        (refused.status, code(&refused)),
        (StatusCode::FORBIDDEN, "forbidden")
    );

    // Every problem is named by its field, and nothing is stored.
    let yesterday = local_date(-1, "Europe/Paris").to_string();
    let broken = schedule_change(&fixture, &owner, &[], |settings| {
        settings["hours"]["tue"] = json!(["12:00-15:00", "14:00-16:00"]);
        settings["seating"] = json!({ "covers": 0, "max_party_size": 6, "turn_minutes": 1500 });
        settings["closures"] = json!([{ "from": yesterday, "to": yesterday }]);
    })
    .await;
    let invalid = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/schedule",
        &owner,
        Some(broken.clone()),
    )
    .await;
    assert_eq!(
        (invalid.status, code(&invalid)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_schedule")
    );
    assert_eq!(
        problems(&invalid),
        [
            ("hours.tue[1]".to_owned(), "overlapping_hours".to_owned()),
            ("closures[0].to".to_owned(), "in_the_past".to_owned()),
            ("seating.covers".to_owned(), "must_be_positive".to_owned()),
            (
                "seating.max_party_size".to_owned(),
                "party_size_out_of_range".to_owned()
            ),
            (
                "seating.turn_minutes".to_owned(),
                "longer_than_a_day".to_owned()
            ),
        ]
    );
    let previewed = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/schedule/preview",
        &owner,
        Some(broken),
    )
    .await;
    assert_eq!(
        (previewed.status, code(&previewed)),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_schedule")
    );
    assert_eq!(problems(&previewed), problems(&invalid));

    // Six covers: the party of 3, booked second, no longer fits; it is shown
    // sealed (the inbox opens it), and the change waits for it to be confirmed.
    let body = schedule_change(&fixture, &owner, &[], fewer(6)).await;
    let preview = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/schedule/preview",
        &owner,
        Some(body.clone()),
    )
    .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let affected: Vec<&str> = preview.body["affected"]
        .as_array()
        .expect("affected")
        .iter()
        .map(|booking| booking["id"].as_str().expect("id"))
        .collect();
    assert_eq!(affected, [ids[1].as_str()]);
    assert!(
        preview.body["affected"][0]["envelope"]
            .as_str()
            .is_some_and(|e| !e.is_empty())
    );
    assert!(!preview.text.contains(CANARY), "sealed, never in the clear");
    let unconfirmed = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/schedule",
        &owner,
        Some(body),
    )
    .await;
    assert_eq!(
        (unconfirmed.status, code(&unconfirmed)),
        (StatusCode::CONFLICT, "unconfirmed_bookings")
    );
    let body = schedule_change(&fixture, &owner, &[&ids[1]], fewer(6)).await;
    let saved = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/schedule",
        &owner,
        Some(body.clone()),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["revision"], 1);
    assert_eq!(saved.body["needs_attention"], json!([ids[1]]));
    // Live at once in this process: two more seats are one too many now.
    let live = fixture
        .state
        .business("bistro-du-coin")
        .expect("configured");
    assert!(matches!(
        &live.profile.offer,
        sealbook_server::profile::Offer::Restaurant(restaurant) if restaurant.covers == 6
    ));
    // A change made from the old revision is refused.
    let stale = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/schedule",
        &owner,
        Some(body),
    )
    .await;
    assert_eq!(
        (stale.status, code(&stale)),
        (StatusCode::CONFLICT, "schedule_changed")
    );

    // Every booking is kept; the one that no longer fits is marked.
    let day = local_date(2, "Europe/Paris").to_string();
    let list = send(
        &fixture,
        Method::GET,
        &format!("/api/v1/inbox/bookings?from={day}&to={day}"),
        &waiter,
        None,
    )
    .await;
    let marks: Vec<(String, bool, String)> = list.body["bookings"]
        .as_array()
        .expect("bookings")
        .iter()
        .map(|booking| {
            (
                booking["id"].as_str().expect("id").to_owned(),
                booking["needs_attention"].as_bool().expect("mark"),
                booking["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect();
    assert_eq!(marks.len(), 3);
    for (id, marked, status) in &marks {
        assert_eq!(*marked, *id == ids[1], "{marks:?}");
        assert_eq!(status, "confirmed");
    }

    // A closure over that day hits all three; staff clear a mark once they called.
    let closed = schedule_change(&fixture, &owner, &[], |settings| {
        settings["closures"] =
            json!([{ "from": day, "to": day, "note": { "fr": "Fermeture exceptionnelle" } }]);
    })
    .await;
    let preview = send(
        &fixture,
        Method::POST,
        "/api/v1/inbox/schedule/preview",
        &owner,
        Some(closed),
    )
    .await;
    assert_eq!(preview.body["affected"].as_array().map(Vec::len), Some(3));
    let path = format!("/api/v1/inbox/bookings/{}/attention", ids[1]);
    let cleared = send(&fixture, Method::DELETE, &path, &waiter, None).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    let again = send(&fixture, Method::DELETE, &path, &waiter, None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let actions = audit_actions(&fixture, &owner).await;
    for action in [
        "schedule_previewed",
        "schedule_changed",
        "attention_cleared",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }

    // A clinic's practitioner: an absence needs an end, a service must exist.
    let clinic = login(&fixture, CLINIC_OWNER).await;
    let broken = schedule_change(&fixture, &clinic, &[], |settings| {
        settings["practitioners"][0]["services"] = json!(["physio-30", "massage"]);
        settings["practitioners"][0]["absences"] = json!([{ "from": day }]);
    })
    .await;
    let invalid = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/schedule",
        &clinic,
        Some(broken),
    )
    .await;
    assert_eq!(
        problems(&invalid),
        [
            (
                "practitioners[0].services[1]".to_owned(),
                "unknown_service".to_owned()
            ),
            (
                "practitioners[0].absences[0].to".to_owned(),
                "missing_end".to_owned()
            ),
        ]
    );
    let view = send(
        &fixture,
        Method::GET,
        "/api/v1/inbox/schedule",
        &clinic,
        None,
    )
    .await;
    assert_eq!(view.body["revision"], 0, "nothing stored");
}

async fn each_member_chooses_their_own_notices(database: TestDatabase) {
    let fixture = fixture(database).await;
    let owner = login(&fixture, OWNER).await;
    let waiter = login(&fixture, STAFF).await;
    let none = json!({ "new": false, "changed": false, "cancelled": false, "erased": false, "late_cancelled": false });
    let read = send(
        &fixture,
        Method::GET,
        "/api/v1/inbox/notices",
        &waiter,
        None,
    )
    .await;
    assert_eq!(
        (read.status, &read.body),
        (StatusCode::OK, &none),
        "off until chosen"
    );
    let chosen = json!({ "new": false, "changed": true, "cancelled": true, "erased": false, "late_cancelled": true });
    let put = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/notices",
        &waiter,
        Some(chosen.clone()),
    )
    .await;
    assert_eq!((put.status, &put.body), (StatusCode::OK, &chosen));
    let read = send(
        &fixture,
        Method::GET,
        "/api/v1/inbox/notices",
        &waiter,
        None,
    )
    .await;
    assert_eq!(read.body, chosen);
    let others = send(&fixture, Method::GET, "/api/v1/inbox/notices", &owner, None).await;
    assert_eq!(others.body, none, "one member's choice is theirs alone");
    let unknown = send(
        &fixture,
        Method::PUT,
        "/api/v1/inbox/notices",
        &waiter,
        Some(json!({ "new": true, "changed": false, "cancelled": false, "erased": false, "late_cancelled": false, "moved": true })),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    let anonymous = call(
        &fixture.state,
        request(
            Method::GET,
            "/api/v1/inbox/notices",
            None,
            Csrf::Missing,
            None,
        ),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

on_both_backends!(
    each_member_chooses_their_own_notices,
    secrets_kept_in_clear_are_sealed_at_start,
    no_copy_is_stored_for_a_revoked_account,
    a_locked_out_member_gets_back_in_with_the_owners_reset_link,
    the_owner_withdraws_an_open_invite,
    the_owner_shares_a_new_key_with_members,
    a_member_changes_their_password,
    the_owner_gets_the_script_tag_to_paste,
    the_owner_sees_consent_choices_counted_per_week,
    login_gives_a_session_and_logout_ends_it,
    wrong_password_and_unknown_email_get_the_same_answer,
    a_second_factor_is_required_once_enabled,
    logins_are_rate_limited_per_client_and_per_email,
    password_routes_share_the_clients_login_allowance,
    over_https_the_session_cookie_is_host_prefixed,
    sessions_expire_and_logout_everywhere_ends_them_all,
    every_state_changing_route_needs_csrf_and_our_origin,
    a_business_never_reaches_another_business_bookings,
    staff_change_status_and_erase,
    keys_are_the_callers_own_wrapped_copies,
    invites_are_one_time_and_expire,
    an_invitation_does_not_tell_who_works_elsewhere,
    owner_only_routes_refuse_staff_and_revocation_locks_out,
    every_action_is_audited_without_booking_content,
    audit_rows_cannot_be_changed_or_deleted,
    schedule_changes_are_checked_shown_and_never_lose_a_booking,
);
