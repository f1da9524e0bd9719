//! Hostile HTTP input, table-driven: every case must get a typed 4xx JSON error
//! with a stable code from docs/API.md (never a 5xx, never a panic, never a file
//! from outside the served folders). Driven in-process with `oneshot`.

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use sealbook_server::auth::password;
use sealbook_server::ids::{BusinessId, StaffId};
use sealbook_server::storage::{NewStaff, Role};
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig};
use serde_json::{Value, json};
use tower::ServiceExt as _;

mod support;

/// A file beside the served folders that no request may read.
const SECRET: &str = "secret = \"Canary-hostile-4b1d\"\n";
const MANAGE_PAGE: &str = "<!doctype html><title>manage</title>";
const INBOX_PAGE: &str = "<!doctype html><title>inbox</title>";
/// The body limit of docs/API.md.
const LIMIT: usize = 64 * 1024;

const API_DOC: &str = include_str!("../../../docs/API.md");

/// The codes of docs/API.md's "Error codes" table: an answer's code must be one.
fn documented_codes() -> Vec<&'static str> {
    let table = API_DOC
        .split_once("## Error codes")
        .and_then(|(_, rest)| rest.split("\n## ").next())
        .expect("docs/API.md has an error code table");
    let codes: Vec<&str> = table
        .lines()
        .filter_map(|line| line.strip_prefix("| `")?.split_once('`'))
        .map(|(code, _)| code)
        .collect();
    assert!(codes.len() > 40, "the table was found: {codes:?}");
    codes
}

/// One restaurant, a widget folder, a demo page and a secret file beside them.
async fn state(database: &support::TestDatabase) -> AppState {
    let base = database.dir();
    std::fs::create_dir_all(base.join("dist/manage")).expect("dist");
    std::fs::create_dir_all(base.join("dist/inbox")).expect("dist");
    std::fs::create_dir_all(base.join("www/demo")).expect("www");
    std::fs::write(base.join("dist/widget.js"), "export {}").expect("widget");
    std::fs::write(base.join("dist/manage/index.html"), MANAGE_PAGE).expect("manage page");
    std::fs::write(base.join("dist/inbox/index.html"), INBOX_PAGE).expect("inbox page");
    std::fs::write(base.join("www/demo/restaurant.html"), "<p>demo</p>").expect("demo");
    std::fs::write(base.join("secret.toml"), SECRET).expect("secret");
    std::fs::write(base.join("www/secret.toml"), SECRET).expect("secret");

    let config = ServerConfig::new(&database.url)
        .extend("widget_dir = \"dist\"\nwww_dir = \"www\"")
        .business(Business::bistro_du_coin().extend(
            r#"
            [consent]
            version = "v1"
            privacy_policy = "https://bistro.test/privacy"
            [[consent.categories]]
            id = "analytics"
            description = { en = "Audience measurement" }
            "#,
        ))
        .toml();
    let config = Config::from_toml(&config, base).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    storage
        .create_staff(
            &NewStaff {
                id: StaffId::new("hostile-owner"),
                business: BusinessId::new("bistro-du-coin"),
                email: OWNER.to_owned(),
                role: Role::Owner,
                password_hash: password::hash(OWNER_PASSWORD).expect("hash"),
                created_at: 1_795_000_000,
            },
            &[],
        )
        .await
        .expect("owner");
    AppState::new(config, storage)
}

const OWNER: &str = "owner@bistro.example";
const OWNER_PASSWORD: &str = "the owner's hostile password";

/// The owner's session: the cookie's value and the CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn sign_in(state: &AppState) -> Session {
    let body = json!({ "email": OWNER, "password": OWNER_PASSWORD }).to_string();
    let request = Request::post("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("request");
    let response = app(state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ASCII")
        .strip_prefix("sealbook_session=")
        .and_then(|rest| rest.split(';').next())
        .expect("the session cookie")
        .to_owned();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    Session {
        cookie,
        csrf: body["csrf"].as_str().expect("csrf").to_owned(),
    }
}

/// What a case must get back.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// This status with this documented code.
    Error(StatusCode, &'static str),
    /// The one static manage page (the id in its path is only read by the page).
    ManagePage,
}

struct Case {
    name: &'static str,
    request: Request<Body>,
    expect: Expect,
}

const BOOKINGS: &str = "/api/v1/businesses/bistro-du-coin/bookings";
const AVAILABILITY: &str = "/api/v1/businesses/bistro-du-coin/availability";
const CONSENTS: &str = "/api/v1/businesses/bistro-du-coin/consents";
/// base64url of 32 zero bytes: a well-formed manage token that matches nothing.
const TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

fn body_request(
    method: Method,
    uri: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.body(Body::from(body)).expect("request")
}

fn post(body: impl Into<Vec<u8>>) -> Request<Body> {
    body_request(
        Method::POST,
        BOOKINGS,
        Some("application/json"),
        body.into(),
    )
}

fn get(uri: &str) -> Request<Body> {
    body_request(Method::GET, uri, None, Vec::new())
}

/// A body that is well-formed JSON for the endpoint up to its one hostile field.
fn booking(party_size: &str) -> Vec<u8> {
    format!(r#"{{"envelope":"U0JLAQ","start":"2030-01-01T12:00:00Z","party_size":{party_size}}}"#)
        .into_bytes()
}

fn cases() -> Vec<Case> {
    use Expect::{Error, ManagePage};
    let bad = Error(StatusCode::BAD_REQUEST, "bad_request");
    let media = Error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let not_found = Error(StatusCode::NOT_FOUND, "not_found");
    let query = Error(StatusCode::BAD_REQUEST, "invalid_query");
    let unknown_business = Error(StatusCode::NOT_FOUND, "unknown_business");
    let no_booking = Error(StatusCode::NOT_FOUND, "booking_not_found");
    let valid = json!({ "envelope": "U0JLAQ", "start": "2030-01-01T12:00:00Z" }).to_string();
    let long = "a".repeat(10_000);
    let case = |name, request, expect| Case {
        name,
        request,
        expect,
    };
    vec![
        // Content type.
        case(
            "wrong content type",
            body_request(
                Method::POST,
                BOOKINGS,
                Some("text/plain"),
                valid.clone().into(),
            ),
            media,
        ),
        case(
            "form content type",
            body_request(
                Method::POST,
                BOOKINGS,
                Some("application/x-www-form-urlencoded"),
                b"envelope=x".to_vec(),
            ),
            media,
        ),
        case(
            "json-like content type",
            body_request(
                Method::POST,
                BOOKINGS,
                Some("application/jsonp"),
                valid.clone().into(),
            ),
            media,
        ),
        case(
            "missing content type",
            body_request(Method::POST, BOOKINGS, None, valid.clone().into()),
            media,
        ),
        case(
            "non-ASCII content type",
            {
                let mut request = body_request(Method::POST, BOOKINGS, None, valid.clone().into());
                request.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_bytes(b"application/json\xff").expect("opaque header bytes"),
                );
                request
            },
            media,
        ),
        case(
            "missing content type on a change",
            body_request(
                Method::PUT,
                "/api/v1/bookings/7KQ2-M9XD-4T8R-B1ZC",
                None,
                valid.clone().into(),
            ),
            media,
        ),
        // Bodies that are not JSON for the endpoint.
        case(
            "invalid UTF-8 body",
            post(b"{\"envelope\":\"\xff\xfe\",\"start\":\"x\"}".to_vec()),
            bad,
        ),
        case(
            "invalid UTF-8 outside strings",
            post(b"\xef\xbb\xbf\xff{}".to_vec()),
            bad,
        ),
        case("empty body", post(Vec::new()), bad),
        case("party_size 1e30", post(booking("1e30")), bad),
        case(
            "party_size past u64",
            post(booking("18446744073709551616")),
            bad,
        ),
        case("party_size past u32", post(booking("4294967296")), bad),
        case("party_size negative", post(booking("-1")), bad),
        case("party_size as a string", post(booking("\"4\"")), bad),
        case(
            "party_size with 400 digits",
            post(booking(&"9".repeat(400))),
            bad,
        ),
        case("10 000 nested arrays", post("[".repeat(10_000)), bad),
        case(
            "10 000 nested objects",
            post(r#"{"a":"#.repeat(10_000)),
            bad,
        ),
        case(
            "nesting inside a known field",
            post(format!(r#"{{"envelope":{}"#, "[".repeat(10_000))),
            bad,
        ),
        case(
            "unknown field",
            post(r#"{"envelope":"U0JLAQ","start":"2030-01-01T12:00:00Z","admin":true}"#),
            bad,
        ),
        case(
            "duplicate key",
            post(r#"{"envelope":"U0JLAQ","envelope":"U0JLAQ","start":"2030-01-01T12:00:00Z"}"#),
            bad,
        ),
        case(
            "missing required field",
            post(r#"{"start":"2030-01-01T12:00:00Z"}"#),
            bad,
        ),
        case(
            "truncated JSON",
            post(&valid.as_bytes()[..valid.len() / 2]),
            bad,
        ),
        case("trailing garbage", post(format!("{valid}}}")), bad),
        case("JSON null", post("null"), bad),
        case("JSON array", post("[]"), bad),
        case("JSON string", post("\"booking\""), bad),
        case("NUL bytes", post(vec![0u8; 64]), bad),
        case(
            "lone surrogate escape",
            post(r#"{"envelope":"\udc00","start":"x"}"#),
            bad,
        ),
        case(
            "body one byte over the limit",
            post(vec![b' '; LIMIT + 1]),
            Error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ),
        case(
            "body of 1 MiB",
            post(vec![b'['; 1024 * 1024]),
            Error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ),
        case(
            "null body on a change",
            body_request(
                Method::PUT,
                "/api/v1/bookings/7KQ2-M9XD-4T8R-B1ZC",
                Some("application/json"),
                b"null".to_vec(),
            ),
            bad,
        ),
        // Unknown business.
        case(
            "unknown business: booking",
            body_request(
                Method::POST,
                "/api/v1/businesses/nowhere/bookings",
                Some("application/json"),
                valid.clone().into(),
            ),
            unknown_business,
        ),
        case(
            "unknown business: keys",
            get("/api/v1/businesses/nowhere/keys"),
            unknown_business,
        ),
        case(
            "unknown business: profile",
            get("/api/v1/businesses/nowhere/profile"),
            unknown_business,
        ),
        case(
            "unknown business: availability",
            get("/api/v1/businesses/nowhere/availability?from=2030-01-01&to=2030-01-02"),
            unknown_business,
        ),
        // Path traversal on the static files.
        case("widget ../", get("/widget/../secret.toml"), not_found),
        case("widget ../../", get("/widget/../../secret.toml"), not_found),
        case(
            "widget encoded ../",
            get("/widget/..%2fsecret.toml"),
            not_found,
        ),
        case(
            "widget encoded backslash",
            get("/widget/..%5csecret.toml"),
            not_found,
        ),
        case("widget absolute", get("/widget//etc/passwd"), not_found),
        case(
            "widget encoded absolute",
            get("/widget/%2fetc%2fpasswd"),
            not_found,
        ),
        case("demo ../", get("/demo/../secret.toml"), not_found),
        case(
            "demo encoded ../../",
            get("/demo/..%2f..%2fsecret.toml"),
            not_found,
        ),
        case(
            "demo encoded ../ to a demo-like name",
            get("/demo/..%2fsecret.html"),
            not_found,
        ),
        case(
            "demo Cargo.toml",
            get("/demo/..%2f..%2fCargo.toml"),
            not_found,
        ),
        case("demo NUL", get("/demo/restaurant%00.html"), not_found),
        case("manage ..", get("/manage/.."), ManagePage),
        case(
            "manage encoded ../",
            get("/manage/..%2f..%2fsecret.toml"),
            ManagePage,
        ),
        case(
            "api ../",
            get("/api/v1/businesses/../../secret.toml"),
            not_found,
        ),
        case(
            "booking page encoded ../",
            get("/book/..%2f..%2fsecret.toml"),
            unknown_business,
        ),
        case("booking page ..", get("/book/.."), unknown_business),
        case(
            "booking page non-ASCII",
            get("/book/caf%C3%A9"),
            unknown_business,
        ),
        // Overlong path segments.
        case(
            "overlong business id",
            get(&format!("/api/v1/businesses/{long}/profile")),
            unknown_business,
        ),
        case(
            "overlong booking id",
            get(&format!("/api/v1/bookings/{long}")),
            no_booking,
        ),
        case(
            "overlong demo file",
            get(&format!("/demo/{long}.html")),
            not_found,
        ),
        case(
            "overlong manage id",
            get(&format!("/manage/{long}")),
            ManagePage,
        ),
        case(
            "overlong unknown route",
            get(&format!("/{long}")),
            not_found,
        ),
        // Availability queries.
        case(
            "availability: from after to",
            get(&format!("{AVAILABILITY}?from=2030-01-10&to=2030-01-01")),
            query,
        ),
        case(
            "availability: 31 February",
            get(&format!("{AVAILABILITY}?from=2030-02-31&to=2030-03-01")),
            query,
        ),
        case(
            "availability: not a date",
            get(&format!("{AVAILABILITY}?from=tomorrow&to=2030-01-01")),
            query,
        ),
        case(
            "availability: date-time",
            get(&format!(
                "{AVAILABILITY}?from=2030-01-01T00:00:00Z&to=2030-01-01"
            )),
            query,
        ),
        case(
            "availability: year 10000",
            get(&format!("{AVAILABILITY}?from=10000-01-01&to=10000-01-02")),
            query,
        ),
        case(
            "availability: range too long",
            get(&format!("{AVAILABILITY}?from=2030-01-01&to=2031-01-01")),
            query,
        ),
        case(
            "availability: missing to",
            get(&format!("{AVAILABILITY}?from=2030-01-01")),
            query,
        ),
        case("availability: no query", get(AVAILABILITY), query),
        case(
            "availability: party=-1",
            get(&format!(
                "{AVAILABILITY}?from=2030-01-01&to=2030-01-01&party=-1"
            )),
            query,
        ),
        case(
            "availability: party past u32",
            get(&format!(
                "{AVAILABILITY}?from=2030-01-01&to=2030-01-01&party=4294967296"
            )),
            query,
        ),
        case(
            "availability: party=1e3",
            get(&format!(
                "{AVAILABILITY}?from=2030-01-01&to=2030-01-01&party=1e3"
            )),
            query,
        ),
        case(
            "availability: party=0",
            get(&format!(
                "{AVAILABILITY}?from=2030-01-01&to=2030-01-01&party=0"
            )),
            Error(StatusCode::BAD_REQUEST, "invalid_party_size"),
        ),
        case(
            "availability: duplicate from",
            get(&format!(
                "{AVAILABILITY}?from=2030-01-01&from=2030-01-02&to=2030-01-03"
            )),
            query,
        ),
        case(
            "availability: unknown parameter",
            get(&format!(
                "{AVAILABILITY}?from=2030-01-01&to=2030-01-01&debug=1"
            )),
            query,
        ),
        case(
            "availability: invalid UTF-8",
            get(&format!("{AVAILABILITY}?from=%FF&to=2030-01-01")),
            query,
        ),
        case(
            "availability: broken escape",
            get(&format!("{AVAILABILITY}?from=%&to=%zz")),
            query,
        ),
        // Non-ASCII in ids.
        case(
            "non-ASCII business id",
            get("/api/v1/businesses/caf%C3%A9/profile"),
            unknown_business,
        ),
        case(
            "non-ASCII business id on a booking",
            body_request(
                Method::POST,
                "/api/v1/businesses/%E2%9C%93/bookings",
                Some("application/json"),
                valid.clone().into(),
            ),
            unknown_business,
        ),
        case(
            "non-ASCII booking id",
            get("/api/v1/bookings/%C3%A9t%C3%A9"),
            no_booking,
        ),
        case(
            "non-ASCII booking id on cancel",
            body_request(
                Method::POST,
                "/api/v1/bookings/%F0%9F%92%A5/cancel",
                None,
                Vec::new(),
            ),
            no_booking,
        ),
        case(
            "non-ASCII manage token",
            {
                let mut request = get("/api/v1/bookings/7KQ2-M9XD-4T8R-B1ZC");
                request.headers_mut().insert(
                    header::AUTHORIZATION,
                    HeaderValue::from_bytes(b"Bearer \xc3\xa9t\xc3\xa9")
                        .expect("opaque header bytes"),
                );
                request
            },
            no_booking,
        ),
        case(
            "invalid UTF-8 business id",
            get("/api/v1/businesses/%FF/profile"),
            not_found,
        ),
        case(
            "invalid UTF-8 business id on a booking",
            body_request(
                Method::POST,
                "/api/v1/businesses/%C3/bookings",
                Some("application/json"),
                valid.clone().into(),
            ),
            not_found,
        ),
        case(
            "invalid UTF-8 booking id",
            get("/api/v1/bookings/%FF%FE"),
            not_found,
        ),
        case(
            "invalid UTF-8 widget file",
            get("/widget/%FF.js"),
            not_found,
        ),
        case("invalid UTF-8 manage id", get("/manage/%FF"), ManagePage),
        case(
            "non-ASCII demo file",
            get("/demo/caf%C3%A9.html"),
            not_found,
        ),
        case(
            "non-ASCII widget file",
            get("/widget/caf%C3%A9.js"),
            not_found,
        ),
    ]
}

/// Consent records: each part of the body checked, every refusal typed.
fn consent_cases() -> Vec<Case> {
    let bad = Expect::Error(StatusCode::BAD_REQUEST, "bad_request");
    let good = json!({ "consent_id": "AAAAAAAAAAAAAAAAAAAAAA", "notice_version": "v1", "language": "en",
                       "granted": [], "refused": ["analytics"], "action": "reject_all",
                       "notice_hash": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    let with = |key: &str, value: Value| {
        let mut body = good.clone();
        body[key] = value;
        body_request(
            Method::POST,
            CONSENTS,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
    };
    let case = |name, request, expect| Case {
        name,
        request,
        expect,
    };
    vec![
        case("consent: a short id", with("consent_id", json!("abc")), bad),
        case(
            "consent: an id that is not base64url",
            with("consent_id", json!("!!!!!!!!!!!!!!!!!!!!!!")),
            bad,
        ),
        case(
            "consent: a hash of the wrong length",
            with("notice_hash", json!("AAAA")),
            bad,
        ),
        case(
            "consent: an unknown language",
            with("language", json!("xx")),
            bad,
        ),
        case(
            "consent: an unknown action",
            with("action", json!("maybe")),
            bad,
        ),
        case(
            "consent: a category twice",
            with("granted", json!(["analytics"])),
            bad,
        ),
        case(
            "consent: a number for a list",
            with("granted", json!(7)),
            bad,
        ),
        case(
            "consent: an older notice",
            with("notice_version", json!("v0")),
            Expect::Error(StatusCode::CONFLICT, "notice_changed"),
        ),
        case(
            "consent: an unknown field",
            with("ip", json!("203.0.113.1")),
            bad,
        ),
        case(
            "consent: wrong content type",
            body_request(
                Method::POST,
                CONSENTS,
                Some("text/plain"),
                good.to_string().into_bytes(),
            ),
            Expect::Error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ),
        case(
            "consent: a huge list",
            with("granted", json!(vec!["analytics"; 20_000])),
            Expect::Error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ),
    ]
}

/// The staff inbox and its sign-in: bodies, session and CSRF, each refusal typed.
fn inbox_cases(session: &Session) -> Vec<Case> {
    let bad = Expect::Error(StatusCode::BAD_REQUEST, "bad_request");
    let as_owner = |method: Method, uri: &str, content_type: Option<&str>, body: Vec<u8>| {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(
                header::COOKIE,
                format!("sealbook_session={}", session.cookie),
            )
            .header("x-sealbook-csrf", &session.csrf);
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        request.body(Body::from(body)).expect("request")
    };
    let json = |method: Method, uri: &str, body: &str| {
        as_owner(
            method,
            uri,
            Some("application/json"),
            body.as_bytes().to_vec(),
        )
    };
    let keys = |body: &str| json(Method::PUT, "/api/v1/inbox/keys", body);
    let export = |body: &str| json(Method::POST, "/api/v1/inbox/exports", body);
    let login = |body: Vec<u8>| {
        Request::post("/api/v1/auth/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("request")
    };
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let case = |name, request, expect| Case {
        name,
        request,
        expect,
    };
    vec![
        case(
            "inbox: keys as plain text",
            as_owner(
                Method::PUT,
                "/api/v1/inbox/keys",
                Some("text/plain"),
                br#"{"keys":[]}"#.to_vec(),
            ),
            Expect::Error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
        ),
        case(
            "inbox: keys that are not UTF-8",
            as_owner(
                Method::PUT,
                "/api/v1/inbox/keys",
                Some("application/json"),
                b"{\"keys\":[{\"kid\":\"\xff\xfe\",\"wrapped\":\"\"}]}".to_vec(),
            ),
            bad,
        ),
        case(
            "inbox: keys 10 000 deep",
            keys(&format!(r#"{{"keys":{deep}}}"#)),
            bad,
        ),
        case(
            "inbox: keys given twice",
            keys(r#"{"keys":[],"keys":[]}"#),
            bad,
        ),
        case(
            "inbox: a key id that is not the business's",
            keys(r#"{"keys":[{"kid":"sha256:AAAA","wrapped":"MAA"}]}"#),
            Expect::Error(StatusCode::BAD_REQUEST, "invalid_wrapped_key"),
        ),
        case(
            "inbox: keys over 64 KiB",
            keys(&format!(
                r#"{{"keys":[{{"kid":"{}","wrapped":""}}]}}"#,
                "k".repeat(LIMIT)
            )),
            Expect::Error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ),
        case(
            "inbox: an export count past 64 bits",
            export(r#"{"format":"csv","count":1e30}"#),
            bad,
        ),
        case(
            "inbox: an export with an unknown field",
            export(r#"{"format":"csv","count":1,"bookings":["all"]}"#),
            bad,
        ),
        case(
            "inbox: an export without the CSRF token",
            Request::post("/api/v1/inbox/exports")
                .header(
                    header::COOKIE,
                    format!("sealbook_session={}", session.cookie),
                )
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"format":"csv","count":1}"#))
                .expect("request"),
            Expect::Error(StatusCode::FORBIDDEN, "csrf_failed"),
        ),
        case(
            "inbox: a forged session cookie",
            Request::get("/api/v1/inbox/keys")
                .header(header::COOKIE, format!("sealbook_session={TOKEN}"))
                .body(Body::empty())
                .expect("request"),
            Expect::Error(StatusCode::UNAUTHORIZED, "not_logged_in"),
        ),
        case(
            "inbox: a status for a booking id that is not UTF-8",
            json(
                Method::POST,
                "/api/v1/inbox/bookings/%FF%FE/status",
                r#"{"status":"cancelled"}"#,
            ),
            Expect::Error(StatusCode::NOT_FOUND, "not_found"),
        ),
        case(
            "inbox: an unknown status",
            json(
                Method::POST,
                "/api/v1/inbox/bookings/7KQ2-M9XD-4T8R-B1ZC/status",
                r#"{"status":"vip"}"#,
            ),
            bad,
        ),
        case(
            "inbox: a listing over 62 days",
            as_owner(
                Method::GET,
                "/api/v1/inbox/bookings?from=2030-01-01&to=2030-12-31",
                None,
                Vec::new(),
            ),
            Expect::Error(StatusCode::BAD_REQUEST, "invalid_query"),
        ),
        case(
            "inbox: a listing from a day that is no date",
            as_owner(
                Method::GET,
                "/api/v1/inbox/bookings?from=2030-02-30&to=2030-03-01",
                None,
                Vec::new(),
            ),
            Expect::Error(StatusCode::BAD_REQUEST, "invalid_query"),
        ),
        case(
            "login: not UTF-8",
            login(b"{\"email\":\"\xff\",\"password\":\"x\"}".to_vec()),
            bad,
        ),
        case(
            "login: 10 000 deep",
            login(format!(r#"{{"email":{deep}}}"#).into_bytes()),
            bad,
        ),
        case(
            "login: a number for the password",
            login(br#"{"email":"owner@bistro.example","password":12345678901234567890}"#.to_vec()),
            bad,
        ),
        case(
            "login: from another site",
            Request::post("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ORIGIN, "https://evil.example")
                .header(header::HOST, "127.0.0.1:8080")
                .body(Body::from(
                    json!({ "email": OWNER, "password": OWNER_PASSWORD }).to_string(),
                ))
                .expect("request"),
            Expect::Error(StatusCode::FORBIDDEN, "csrf_failed"),
        ),
        case(
            "accept invite: a token that is not base64url",
            Request::post("/api/v1/auth/accept-invite")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    r#"{"token":"../../etc/passwd","password":"a long enough password"}"#,
                ))
                .expect("request"),
            Expect::Error(StatusCode::NOT_FOUND, "not_found"),
        ),
    ]
}

/// Names no file system takes, ids that are not UTF-8 outside the API, methods a
/// route does not take.
fn edge_cases() -> Vec<Case> {
    let not_found = Expect::Error(StatusCode::NOT_FOUND, "not_found");
    vec![
        Case {
            name: "overlong widget file",
            request: get(&format!("/widget/{}.js", "a".repeat(10_000))),
            expect: not_found,
        },
        Case {
            name: "invalid UTF-8 demo file",
            request: get("/demo/%FF.html"),
            expect: not_found,
        },
        // The built pages exist only at their own addresses, with their policy.
        Case {
            name: "the manage page as a plain widget file",
            request: get("/widget/manage/index.html"),
            expect: not_found,
        },
        Case {
            name: "the manage page as a widget folder",
            request: get("/widget/manage/"),
            expect: not_found,
        },
        Case {
            name: "the inbox as a plain widget file, in capitals",
            request: get("/widget/inbox/INDEX.HTML"),
            expect: not_found,
        },
        Case {
            name: "invalid UTF-8 booking page",
            request: get("/book/%FF"),
            expect: not_found,
        },
        Case {
            name: "method not allowed",
            request: body_request(Method::DELETE, BOOKINGS, None, Vec::new()),
            expect: Expect::Error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        },
        Case {
            name: "method not allowed on a page",
            request: body_request(Method::POST, "/book/bistro-du-coin", None, Vec::new()),
            expect: Expect::Error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        },
        Case {
            name: "method not allowed on a manage route",
            request: body_request(
                Method::PATCH,
                "/api/v1/bookings/7KQ2-M9XD-4T8R-B1ZC",
                None,
                Vec::new(),
            ),
            expect: Expect::Error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        },
    ]
}

async fn run(state: &AppState, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app(state.clone())
        .oneshot(request)
        .await
        .expect("infallible");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, body)
}

/// Runs every case; returns one line per failure.
async fn failures(state: &AppState, cases: Vec<Case>) -> Vec<String> {
    let mut failures = Vec::new();
    for Case {
        name,
        request,
        expect,
    } in cases
    {
        let (status, body) = run(state, request).await;
        let text = String::from_utf8_lossy(&body);
        let shown: String = text.chars().take(200).collect();
        if text.contains("Canary-hostile") {
            failures.push(format!("{name}: served the secret file"));
            continue;
        }
        match expect {
            Expect::ManagePage => {
                if status != StatusCode::OK || text != MANAGE_PAGE {
                    failures.push(format!(
                        "{name}: {status} {shown}, expected the manage page"
                    ));
                }
            }
            Expect::Error(expected_status, expected_code) => {
                let code = serde_json::from_slice::<Value>(&body)
                    .ok()
                    .and_then(|body| body["error"]["code"].as_str().map(str::to_owned));
                let documented = code
                    .as_deref()
                    .is_some_and(|code| documented_codes().contains(&code));
                if status != expected_status
                    || code.as_deref() != Some(expected_code)
                    || !documented
                {
                    failures.push(format!(
                        "{name}: {status} {shown}, expected {expected_status} {expected_code}"
                    ));
                }
            }
        }
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_typed_client_errors() {
    let database = support::sqlite().await;
    let state = state(&database).await;
    let session = sign_in(&state).await;
    let failures = failures(
        &state,
        cases()
            .into_iter()
            .chain(edge_cases())
            .chain(consent_cases())
            .chain(inbox_cases(&session))
            .collect(),
    )
    .await;
    assert!(
        failures.is_empty(),
        "{} hostile case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The pages Trunk built into the widget folder, asked for under `/widget/` in
/// every spelling a browser would open as that page (percent-encoded letters, dot
/// or slash, other case, the folder itself): each is refused, or else carries the
/// page's policy, which nothing may frame. The pages and assets are there, so a
/// 404 means refused, not missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_pages_are_never_served_without_their_policy() {
    let database = support::sqlite().await;
    let state = state(&database).await;
    let mut failures = Vec::new();
    for app in ["inbox", "manage"] {
        let head = &app[..1];
        let tail = &app[1..];
        for path in [
            format!("/widget/{app}/index.html"),
            format!("/widget/{app}/index.htm%6C"),
            format!("/widget/{app}/index.htm%6c"),
            format!("/widget/{app}/%69ndex.html"),
            format!("/widget/{app}/index%2ehtml"),
            format!("/widget/{app}/index%2Ehtm%4C"),
            format!("/widget/{app}/INDEX.HTML"),
            format!("/widget/{app}%2findex.html"),
            format!("/widget/{app}%2Findex.htm%6C"),
            format!("/widget/%{:02X}{tail}/index.html", head.as_bytes()[0]),
            format!("/widget//{app}/index.htm%6C"),
            format!("/widget/{app}/./index.htm%6C"),
            format!("/widget/{app}/x/../index.htm%6C"),
            format!("/widget/{app}/"),
            format!("/widget/{app}"),
            format!("/widget/{app}%2f"),
            format!("/widget/{app}/index.html%3F.js"),
            format!("/widget/{app}/index.htm%6C?.js"),
        ] {
            let response = app_response(&state, &path).await;
            let status = response.status();
            let policy = response
                .headers()
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let body = response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes();
            let code = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|body| body["error"]["code"].as_str().map(str::to_owned));
            let refused = status == StatusCode::NOT_FOUND && code.as_deref() == Some("not_found");
            let with_policy = status == StatusCode::OK
                && policy.starts_with("default-src 'none'")
                && policy.contains("frame-ancestors 'none'");
            if !refused && !with_policy {
                failures.push(format!("{path}: {status}, policy {policy:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} built page path(s) served without the page's policy:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The same files are there: at their own addresses, with their policy.
    for (path, page) in [
        ("/inbox/", INBOX_PAGE),
        ("/manage/7KQ2-M9XD-4T8R-B1ZC", MANAGE_PAGE),
    ] {
        let response = app_response(&state, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ASCII")
            .to_owned();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        assert_eq!(body, page.as_bytes(), "{path}");
    }
    let (status, body) = run(&state, get("/widget/widget.js")).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, b"export {}".as_slice())
    );
}

async fn app_response(state: &AppState, path: &str) -> axum::response::Response {
    app(state.clone())
        .oneshot(get(path))
        .await
        .expect("infallible")
}

/// Everything the server sends on `stream` until it closes the connection, or
/// `None` if it is still open after `wait`.
async fn read_until_closed(
    stream: &mut tokio::net::TcpStream,
    wait: std::time::Duration,
) -> Option<String> {
    use tokio::io::AsyncReadExt as _;
    let mut received = Vec::new();
    tokio::time::timeout(wait, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => received.extend_from_slice(&buffer[..read]),
            }
        }
    })
    .await
    .ok()?;
    Some(String::from_utf8_lossy(&received).into_owned())
}

/// A client that trickles its headers is disconnected, one that stalls in
/// its body gets `408 request_timeout`; a prompt client is served as ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_cannot_hold_a_connection() {
    use tokio::io::AsyncWriteExt as _;
    let database = support::sqlite().await;
    let state = state(&database).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let timeouts = sealbook_server::Timeouts {
        headers: std::time::Duration::from_secs(1),
        request: std::time::Duration::from_secs(2),
    };
    let server = tokio::spawn(sealbook_server::serve_with(
        listener,
        state,
        async move {
            let _ = stopped.await;
        },
        timeouts,
    ));
    // Ten times the timeouts: long enough on a loaded machine, and a server
    // without them keeps the connection open far longer.
    let patience = std::time::Duration::from_secs(20);

    let mut trickle = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    trickle
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .expect("write");
    let answer = read_until_closed(&mut trickle, patience)
        .await
        .expect("the server closes a connection whose headers never end");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );

    let mut stall = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stall
        .write_all(
            b"POST /api/v1/businesses/bistro-du-coin/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"envelope\"",
        )
        .await
        .expect("write");
    let answer = read_until_closed(&mut stall, patience)
        .await
        .expect("the server answers a stalled body and closes");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"request_timeout\""), "{answer}");

    let mut prompt = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    prompt
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let answer = read_until_closed(&mut prompt, patience)
        .await
        .expect("answered");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    stop.send(()).expect("the server is running");
    server.await.expect("no panic").expect("a clean shutdown");
}
