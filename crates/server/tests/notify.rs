//! New-booking notices over a real SMTP conversation (aiosmtpd, from PyPI, writing
//! to a Maildir): the business learns when and how many, nothing that names the
//! visitor; a mail server that is down when the booking arrives still gets the
//! notice once it is back.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig, vector_public_key};
use serde_json::json;
use tower::ServiceExt as _;

mod support;

const CANARY: &str = "Canary-notice-5e2a-Moreau";

/// The Python with aiosmtpd (`cargo xtask test` sets it, and then requires it).
fn smtp_python() -> Option<String> {
    let python = std::env::var("SEALBOOK_TEST_SMTP_PYTHON")
        .ok()
        .filter(|path| !path.is_empty());
    if python.is_none() {
        assert!(
            std::env::var_os("SEALBOOK_REQUIRE_POSTGRES").is_none(),
            "SEALBOOK_TEST_SMTP_PYTHON is not set under cargo xtask test"
        );
        eprintln!("skipped: no aiosmtpd (run `cargo xtask test`)");
    }
    python
}

fn start_smtp_server(python: &str, port: u16, maildir: &Path) -> Child {
    Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd")
}

/// The first message delivered to `maildir`, waiting at most `limit`.
async fn first_message(maildir: &Path, limit: Duration) -> Option<String> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(entry) = std::fs::read_dir(maildir.join("new"))
            .ok()
            .and_then(|mut entries| entries.next())
        {
            return std::fs::read_to_string(entry.ok()?.path()).ok();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_booking_is_notified_without_personal_data_even_after_a_mail_outage() {
    let Some(python) = smtp_python() else {
        return;
    };
    let database = support::sqlite().await;
    let base = database.dir();
    let maildir = base.join("maildir");
    let smtp_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("port")
        .port();
    let config = ServerConfig::new(&database.url)
        .extend(&format!(
            r#"
            [smtp]
            host = "127.0.0.1"
            port = {smtp_port}
            security = "none"
            from = "Sealbook <bookings@book.test>"
            "#
        ))
        .business(Business::bistro_du_coin().extend(
            r#"
            notify = "Patronne <patronne@bistro.test>"
            language = "fr"
            "#,
        ))
        .toml();
    let config = Config::from_toml(&config, base).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    let state = AppState::new(config, storage);

    // The booking arrives while the mail server is down.
    let recipient = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");
    let plaintext = json!({ "v": 1, "kind": "restaurant", "name": CANARY, "contact": { "phone": "+33 6 55 44 33 22" }, "party_size": 4, "lang": "fr" });
    let envelope = URL_SAFE_NO_PAD.encode(
        seal(
            std::slice::from_ref(&recipient),
            &SealParams {
                business: "bistro-du-coin",
                iat: 1,
            },
            plaintext.to_string().as_bytes(),
            &mut getrandom::SysRng,
        )
        .expect("seal"),
    );
    // The first Friday at least two days ahead, 19:30 in Paris: past the lead
    // time whenever the test runs (a fixed date went into the past).
    let paris = jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb");
    let mut friday = jiff::Timestamp::now()
        .to_zoned(paris.clone())
        .date()
        .checked_add(jiff::Span::new().days(2))
        .expect("date");
    while friday.weekday() != jiff::civil::Weekday::Friday {
        friday = friday.tomorrow().expect("date");
    }
    let start = friday
        .at(19, 30, 0, 0)
        .to_zoned(paris)
        .expect("19:30 exists")
        .timestamp()
        .to_string();
    let response = app(state.clone())
        .oneshot(
            Request::post("/api/v1/businesses/bistro-du-coin/bookings")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({ "envelope": envelope, "start": start, "party_size": 4 }).to_string(),
                ))
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(
        first_message(&maildir, Duration::from_millis(1500))
            .await
            .is_none(),
        "no mail server yet"
    );

    let mut smtp_server = start_smtp_server(&python, smtp_port, &maildir);
    let message = first_message(&maildir, Duration::from_secs(30)).await;
    smtp_server.kill().expect("stop aiosmtpd");
    smtp_server.wait().expect("reaped");
    let message = message.expect("the notice arrives once the mail server is back");

    assert!(message.contains("patronne@bistro.test"), "{message}");
    assert!(message.contains("Subject: Nouvelle"), "{message}");
    let body = message
        .split_once("\n\n")
        .map_or("", |(_, body)| body)
        .replace("=\n", "");
    let day = format!("vendredi {} d", friday.day());
    for expected in [day.as_str(), "19:30", "4 personnes"] {
        assert!(body.contains(expected), "{expected} in {body}");
    }
    for secret in [CANARY, "+33 6 55 44 33 22", &envelope[..40]] {
        assert!(!message.contains(secret), "{secret} in the notice");
    }
}
