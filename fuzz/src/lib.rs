//! What the fuzz targets share: the test-vector keys, and one in-process server
//! (SQLite in a temporary folder) built once per fuzzing process.

use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::BodyExt as _;
use sealbook_envelope::{Identity, ManageSecret, Recipient, SealParams, seal, seal_visitor_copy};
use sealbook_server::auth::password;
use sealbook_server::ids::{BusinessId, StaffId};
use sealbook_server::storage::{NewStaff, Role};
use sealbook_server::{AppState, Config, Storage, app};
use serde_json::{Value, json};
use tower::ServiceExt as _;

const VECTORS: &str = include_str!("../../tests/vectors/v1.json");
const VISITOR_VECTORS: &str = include_str!("../../tests/vectors/v1-visitor.json");

/// The business the server targets book with.
pub const BUSINESS: &str = "bistro-du-coin";
/// Its owner's login, signed in at start-up for the inbox target.
pub const OWNER: &str = "owner@bistro.example";
const OWNER_PASSWORD: &str = "the owner's fuzzing password";
/// The staff id of a member, so the owner's share route reaches the checks of
/// the copies it is given (sharing with oneself is refused before them).
pub const MEMBER_ID: &str = "fuzz-member";
/// The server's own host, so that the session's same-origin check passes.
const HOST: &str = "127.0.0.1:8080";

fn vector(index: usize) -> Value {
    let vectors: Value = serde_json::from_str(VECTORS).expect("the vectors are JSON");
    vectors[index].clone()
}

fn pem(index: usize, field: &str) -> String {
    vector(index)[field]
        .as_str()
        .expect("the vector has this PEM")
        .to_owned()
}

/// The private key of the first test vector (3072-bit), parsed once.
pub fn identity() -> &'static Identity {
    static IDENTITY: OnceLock<Identity> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        Identity::from_pkcs8_pem(&pem(0, "private_key_pem")).expect("the vector key parses")
    })
}

/// The manage secret of the visitor-copy test vector.
pub fn visitor_secret() -> &'static ManageSecret {
    static SECRET: OnceLock<ManageSecret> = OnceLock::new();
    SECRET.get_or_init(|| {
        let vectors: Value =
            serde_json::from_str(VISITOR_VECTORS).expect("the visitor vectors are JSON");
        let text = vectors[0]["manage_secret"]
            .as_str()
            .expect("the vector has a secret");
        ManageSecret::from_base64url(text).expect("the vector secret decodes")
    })
}

/// The signed-in owner's session cookie value and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

/// One server process for the whole fuzzing run. Inputs change its state (a
/// status set, an invite made, failed logins counted against the owner's
/// address), so a crash found late may need the inputs before it to reproduce:
/// run the target over the whole corpus, not only the crashing input.
pub struct Server {
    runtime: tokio::runtime::Runtime,
    app: Router,
    /// A booking made at start-up, which the change target re-books.
    pub booking_id: String,
    /// Its manage token (base64url), for `Authorization: Bearer`.
    pub token: String,
    session: Session,
    _dir: tempfile::TempDir,
}

/// The server, built on first use.
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(Server::start)
}

impl Server {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let config = format!(
            r#"
            database = "sqlite://{db}"
            widget_dir = "dist"
            www_dir = "www"

            [[business]]
            id = "{BUSINESS}"
            name = "Bistro du Coin"
            keys = [{{ pem = """{pem}""" }}]
            kind = "restaurant"
            timezone = "Europe/Paris"
            covers = 8
            max_party_size = 6
            turn_minutes = 90
            hours = {{ mon = ["00:00-24:00"], tue = ["00:00-24:00"], wed = ["00:00-24:00"], thu = ["00:00-24:00"], fri = ["00:00-24:00"], sat = ["00:00-24:00"], sun = ["00:00-24:00"] }}

            [business.consent]
            version = "2026-11"
            privacy_policy = "https://bistro.example/privacy"
            [[business.consent.categories]]
            id = "necessary"
            description = {{ en = "Keeps your cookie choice." }}
            [[business.consent.categories]]
            id = "analytics"
            description = {{ en = "Counts visits." }}
            [[business.consent.categories]]
            id = "marketing"
            description = {{ en = "Measures our adverts." }}
            "#,
            db = dir.path().join("fuzz.db").display(),
            pem = pem(0, "public_key_pem"),
        );
        let config = Config::from_toml(&config, dir.path()).expect("the fuzz configuration");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let storage = runtime
            .block_on(Storage::open(&config.database))
            .expect("the SQLite storage opens");
        for (id, email, role) in [
            ("fuzz-owner", OWNER, Role::Owner),
            (MEMBER_ID, "member@bistro.example", Role::Staff),
        ] {
            runtime
                .block_on(storage.create_staff(
                    &NewStaff {
                        id: StaffId::new(id),
                        business: BusinessId::new(BUSINESS),
                        email: email.to_owned(),
                        role,
                        password_hash: password::hash(OWNER_PASSWORD).expect("hash"),
                        created_at: 1_790_000_000,
                    },
                    &[],
                ))
                .expect("the staff accounts");
        }
        let app = app(AppState::new(config, storage));
        let mut server = Self {
            runtime,
            app,
            booking_id: String::new(),
            token: String::new(),
            session: Session {
                cookie: String::new(),
                csrf: String::new(),
            },
            _dir: dir,
        };
        let secret = ManageSecret::generate(&mut getrandom::SysRng).expect("randomness");
        let body = booking_body(&slot(3), Some(&secret));
        let (status, response) = server.call(
            Request::post(format!("/api/v1/businesses/{BUSINESS}/bookings"))
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .expect("a request"),
        );
        assert_eq!(status, StatusCode::CREATED, "{response:?}");
        let response: Value = serde_json::from_slice(&response).expect("a JSON answer");
        server.booking_id = response["id"].as_str().expect("an id").to_owned();
        server.token = secret.token().to_base64url();

        let login = json!({ "email": OWNER, "password": OWNER_PASSWORD });
        let request = Request::post("/api/v1/auth/login")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(login.to_string()))
            .expect("a request");
        let response = server.runtime.block_on(server.app.clone().oneshot(request));
        let response = response.expect("the router is infallible");
        assert_eq!(response.status(), StatusCode::OK, "the owner logs in");
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("an ASCII cookie")
            .strip_prefix("sealbook_session=")
            .and_then(|rest| rest.split(';').next())
            .expect("the session cookie")
            .to_owned();
        let body = server.runtime.block_on(async {
            response
                .into_body()
                .collect()
                .await
                .expect("in-memory bodies do not fail")
                .to_bytes()
        });
        let body: Value = serde_json::from_slice(&body).expect("a JSON answer");
        let csrf = body["csrf"].as_str().expect("a CSRF token").to_owned();
        server.session = Session { cookie, csrf };
        server
    }

    /// A request as the signed-in owner's browser sends it: session cookie,
    /// CSRF token, and a JSON `body`.
    pub fn as_owner(&self, method: Method, path: &str, body: &[u8]) -> Request<Body> {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST)
            .header(
                header::COOKIE,
                format!("sealbook_session={}", self.session.cookie),
            )
            .header("x-sealbook-csrf", &self.session.csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_vec()))
            .expect("a request")
    }

    /// Runs one request; returns the status and the body.
    pub fn call(&self, request: Request<Body>) -> (StatusCode, Vec<u8>) {
        self.runtime.block_on(async {
            let response = self
                .app
                .clone()
                .oneshot(request)
                .await
                .expect("the router is infallible");
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .expect("in-memory bodies do not fail")
                .to_bytes()
                .to_vec();
            (status, body)
        })
    }

    /// Runs one request and checks what every answer must satisfy: never a 5xx,
    /// and every 4xx is the typed JSON error with a code.
    pub fn check(&self, request: Request<Body>) {
        let (status, body) = self.call(request);
        assert!(
            !status.is_server_error(),
            "a server error: {status} {}",
            String::from_utf8_lossy(&body)
        );
        if status.is_client_error() {
            let error: Value = serde_json::from_slice(&body).expect("a 4xx body is JSON");
            assert!(
                error["error"]["code"].is_string(),
                "a 4xx without a code: {error}"
            );
        }
    }
}

/// `days` from now at 12:00 Paris time (a slot of the always-open test business).
pub fn slot(days: i64) -> String {
    let paris = jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb");
    jiff::Timestamp::now()
        .to_zoned(paris.clone())
        .date()
        .checked_add(jiff::Span::new().days(days))
        .expect("a near date")
        .at(12, 0, 0, 0)
        .to_zoned(paris)
        .expect("noon exists")
        .timestamp()
        .to_string()
}

/// A valid booking body, sealed to the vector key, with a visitor copy when a
/// secret is given (the seed the body targets start from).
pub fn booking_body(start: &str, secret: Option<&ManageSecret>) -> Value {
    let recipient =
        Recipient::from_spki_pem(&pem(0, "public_key_pem")).expect("the vector key parses");
    let params = SealParams {
        business: BUSINESS,
        iat: 1_790_000_000,
    };
    let plaintext =
        br#"{"v":1,"name":"Fuzz","contact":{"phone":"+33 6 00 00 00 00"},"party_size":2}"#;
    let envelope = seal(
        std::slice::from_ref(&recipient),
        &params,
        plaintext,
        &mut getrandom::SysRng,
    )
    .expect("seal");
    let mut body = json!({
        "envelope": URL_SAFE_NO_PAD.encode(envelope),
        "start": start,
        "party_size": 2,
    });
    if let Some(secret) = secret {
        let copy = seal_visitor_copy(secret, &params, plaintext, &mut getrandom::SysRng)
            .expect("seal the copy");
        body["visitor_copy"] = json!(URL_SAFE_NO_PAD.encode(copy));
        body["manage_token_hash"] = json!(secret.token().hash().to_base64url());
    }
    body
}
