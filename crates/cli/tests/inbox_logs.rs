//! A real `sealbook serve` at debug level: staff sign in (and fail to), list,
//! open, mark and erase bookings; its log never holds an e-mail address, a
//! password, a session or CSRF token, an invite token or a booking id.

use std::time::Duration;

use sealbook_server::Storage;
use sealbook_server::auth::password;
use sealbook_server::ids::{BookingId, BusinessId, StaffId};
use sealbook_server::storage::{NewBooking, NewStaff, Role};
use sealbook_testkit::{Business, KillOnDrop, ServerConfig};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

mod common;

const EMAIL: &str = "canary-owner@bistro.example";
const UNKNOWN: &str = "canary-nobody@bistro.example";
const PASSWORD: &str = "canary password 4f1c";
const WRONG: &str = "canary wrong 77ab";

/// One HTTP/1.1 request; the status line and headers, and the body.
async fn http(port: u16, method: &str, path: &str, headers: &str, body: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("in time")
        .expect("read");
    let text = String::from_utf8(response).expect("UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("a response");
    (head.to_owned(), body.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_actions_leave_no_secret_in_the_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("sealbook.db").display());
    let storage = Storage::open(&database).await.expect("storage");
    let business = BusinessId::new("bistro");
    storage
        .create_staff(
            &NewStaff {
                id: StaffId::generate().expect("randomness"),
                business: business.clone(),
                email: EMAIL.to_owned(),
                role: Role::Owner,
                password_hash: password::hash(PASSWORD).expect("hash"),
                created_at: 1,
            },
            &[],
        )
        .await
        .expect("owner");
    let booking = BookingId::generate().expect("randomness");
    let start = jiff::Timestamp::now().as_second() / 3600 * 3600 + 86_400;
    storage
        .book(&business, None, (start, start + 5400), [9; 32], |_| {
            Ok(NewBooking {
                id: booking.clone(),
                business: business.clone(),
                starts_at: start,
                ends_at: start + 5400,
                party_size: 2,
                service: None,
                practitioner: None,
                envelope: vec![1, 2, 3],
                envelope_hash: [9; 32],
                visitor_copy: None,
                token_hash: None,
                created_at: 1,
                contact_card: None,
            })
        })
        .await
        .expect("booked");
    storage.close().await;

    let port = common::free_port();
    let config = dir.path().join("sealbook.toml");
    std::fs::write(
        &config,
        ServerConfig::new(&database)
            .listen(port)
            .business(Business::bistro().extend(r#"hours = { mon = ["00:00-24:00"] }"#))
            .toml(),
    )
    .expect("config");
    let log = dir.path().join("server.log");
    let server = {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_sealbook"));
        command
            .args(["serve", "--config"])
            .arg(&config)
            .env("RUST_LOG", "debug")
            .stdout(std::fs::File::create(&log).expect("log"))
            .stderr(
                std::fs::OpenOptions::new()
                    .append(true)
                    .open(&log)
                    .expect("log"),
            );
        KillOnDrop::spawn(&mut command).expect("serve")
    };
    common::wait_until_listening(port).await;

    for (email, password) in [(UNKNOWN, PASSWORD), (EMAIL, WRONG)] {
        let body = serde_json::json!({ "email": email, "password": password }).to_string();
        let (head, _) = http(port, "POST", "/api/v1/auth/login", "", &body).await;
        assert!(head.starts_with("HTTP/1.1 401"), "{head}");
    }
    let body = serde_json::json!({ "email": EMAIL, "password": PASSWORD }).to_string();
    let (head, answer) = http(port, "POST", "/api/v1/auth/login", "", &body).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let cookie = head
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: sealbook_session="))
        .and_then(|rest| rest.split(';').next())
        .expect("cookie")
        .to_owned();
    let csrf = serde_json::from_str::<serde_json::Value>(&answer).expect("JSON")["csrf"]
        .as_str()
        .expect("csrf")
        .to_owned();
    let headers = format!("Cookie: sealbook_session={cookie}\r\nX-Sealbook-CSRF: {csrf}\r\n");
    let day = jiff::Timestamp::from_second(start)
        .expect("time")
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let id = booking.as_str();
    for (method, path, body) in [
        (
            "GET",
            format!("/api/v1/inbox/bookings?from={day}&to={day}"),
            String::new(),
        ),
        ("GET", format!("/api/v1/inbox/bookings/{id}"), String::new()),
        (
            "PUT",
            format!("/api/v1/inbox/bookings/{id}/attendance"),
            r#"{"attendance":"arrived"}"#.to_owned(),
        ),
        (
            "POST",
            "/api/v1/inbox/invites".to_owned(),
            r#"{"email":"canary-cook@bistro.example","role":"staff","wrapped":[]}"#.to_owned(),
        ),
        (
            "DELETE",
            format!("/api/v1/inbox/bookings/{id}"),
            String::new(),
        ),
        ("POST", "/api/v1/auth/logout".to_owned(), String::new()),
    ] {
        let (head, answer) = http(port, method, &path, &headers, &body).await;
        assert!(
            head.starts_with("HTTP/1.1 2"),
            "{method} {path}: {head}\n{answer}"
        );
    }
    drop(server);

    let text = std::fs::read_to_string(&log).expect("log");
    assert!(text.contains("staff signed in"), "the log is there: {text}");
    for secret in ["canary", PASSWORD, WRONG, &cookie, &csrf, id] {
        assert!(
            !text.to_lowercase().contains(&secret.to_lowercase()),
            "{secret:?} in the log:\n{text}"
        );
    }
}
