//! SIGTERM drains: a booking whose upload is still arriving when the server is
//! told to stop is finished and acknowledged; then the server exits cleanly.

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_testkit::vector_public_key;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

mod common;

use common::{free_port, restaurant_config, start_server, wait_until_listening};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_booking_in_flight_then_exits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pem = vector_public_key(0);
    let port = free_port();
    let config = dir.path().join("sealbook.toml");
    std::fs::write(
        &config,
        restaurant_config(port, "sqlite://sealbook.db", 10).toml(),
    )
    .expect("config");
    let mut server = start_server(&config, &dir.path().join("server.log"));
    wait_until_listening(port).await;

    let recipient = Recipient::from_spki_pem(&pem).expect("key");
    let envelope = seal(
        std::slice::from_ref(&recipient),
        &SealParams {
            business: "bistro",
            iat: 1,
        },
        b"{\"n\":1}",
        &mut getrandom::SysRng,
    )
    .expect("seal");
    let start = common::start_at(2, 12);
    let body = serde_json::json!({ "envelope": URL_SAFE_NO_PAD.encode(envelope), "start": start.to_string(), "party_size": 2 })
        .to_string();
    let (first_half, second_half) = body.split_at(body.len() / 2);

    // Headers and half the body arrive; then the server is told to stop.
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    stream
        .write_all(
            format!(
                "POST /api/v1/businesses/bistro/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{first_half}",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .expect("send the first half");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let term = tokio::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .await
        .expect("kill runs");
    assert!(term.success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err(),
        "a stopping server takes no new connections"
    );
    stream
        .write_all(second_half.as_bytes())
        .await
        .expect("send the rest");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("the answer comes")
        .expect("read");
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.starts_with("HTTP/1.1 201"),
        "the booking in flight is finished: {response}"
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean exit: {status}");
}
