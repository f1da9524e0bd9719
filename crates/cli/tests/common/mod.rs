//! What the tests that run real `sealbook serve` processes share.

#![allow(dead_code, unreachable_pub)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sealbook_testkit::{Business, KillOnDrop, ServerConfig, around_the_clock, vector};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A `sealbook.toml` for a server on loopback `port` and `database`, with one
/// restaurant, `bistro`, open around the clock every day, `covers` seats and
/// the first test vector's key. The per-client limits are lifted so that one
/// test client may send every request.
pub fn restaurant_config(port: u16, database: &str, covers: usize) -> ServerConfig {
    ServerConfig::new(database)
        .listen(port)
        .set("limits.bookings_per_minute", 1_000_000)
        .set("limits.bookings_per_slot", 10_000)
        .business(
            Business::bistro()
                .set("covers", i64::try_from(covers).expect("a TOML integer"))
                .set("max_party_size", 8)
                .set("horizon_days", 365)
                .set("hours", around_the_clock()),
        )
}

/// `hour`:00 UTC, `days` days from today (UTC): a start the test restaurants
/// (open around the clock, in UTC, 90-minute turns) always take, whatever the
/// time the test runs at (an hour from now on the hour could be 23:00, whose
/// turn ends past midnight).
pub fn start_at(days: i64, hour: i64) -> jiff::Timestamp {
    let today = jiff::Timestamp::now().as_second().div_euclid(86_400);
    jiff::Timestamp::from_second((today + days) * 86_400 + hour * 3_600).expect("a time")
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("port")
        .port()
}

/// `sealbook serve --config config`, its output appended to `log`; killed if
/// the test fails before it stops the server itself.
pub fn start_server(config: &std::path::Path, log: &std::path::Path) -> KillOnDrop {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    KillOnDrop::spawn(
        Command::new(env!("CARGO_BIN_EXE_sealbook"))
            .arg("serve")
            .arg("--config")
            .arg(config)
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log)),
    )
    .expect("start sealbook serve")
}

pub async fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One HTTP/1.1 POST of a booking; `None` if the connection failed or broke
/// before a full answer.
pub async fn post(
    port: u16,
    business: &str,
    key: &str,
    body: &str,
) -> Option<(u16, serde_json::Value)> {
    let (status, json) = send(
        port,
        "POST",
        &format!("/api/v1/businesses/{business}/bookings"),
        &format!("Content-Type: application/json\r\nIdempotency-Key: {key}\r\n"),
        body,
    )
    .await?;
    Some((status, serde_json::from_str(&json).ok()?))
}

/// One HTTP/1.1 request (`headers` as `Name: value\r\n` lines); the status and
/// the body, or `None` if the connection failed or broke before a full answer.
pub async fn send(
    port: u16,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8(response).ok()?;
    let status: u16 = text.get(9..12)?.parse().ok()?;
    let (_, body) = text.split_once("\r\n\r\n")?;
    Some((status, body.to_owned()))
}

/// The passphrase of [`vector_key_file`].
pub const VECTOR_KEY_PASSPHRASE: &str = "test vector passphrase";

/// The first test vector's private key as `sealbook keygen` writes keys
/// (encrypted PKCS#8), in `dir`, for `sealbook bookings open`: its path and
/// the path of a file holding [`VECTOR_KEY_PASSPHRASE`].
pub fn vector_key_file(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    key_file(
        dir,
        vector(0)["private_key_pem"].as_str().expect("pem"),
        "bistro.key.pem",
    )
}

/// The first contact-card vector's private key, the test courier's, written
/// as [`vector_key_file`] writes the booking key.
pub fn courier_key_file(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    key_file(
        dir,
        sealbook_testkit::contact_card_vector(0)["private_key_pem"]
            .as_str()
            .expect("pem"),
        "bistro.courier.key.pem",
    )
}

fn key_file(
    dir: &std::path::Path,
    private_pem: &str,
    name: &str,
) -> (std::path::PathBuf, std::path::PathBuf) {
    use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
    let private = rsa::PrivateKey::from_pkcs8_pem(private_pem).expect("the vector's key");
    let plain = private.to_pkcs8_der().expect("DER");
    let encrypted = sealbook_envelope::keyfile::encrypt_key(
        plain.as_bytes(),
        VECTOR_KEY_PASSPHRASE.as_bytes(),
        [7; 16],
        [9; 16],
    )
    .expect("encrypted");
    let pem =
        pkcs8::der::pem::encode_string("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF, &encrypted)
            .expect("PEM");
    let key = dir.join(name);
    let passphrase = dir.join("passphrase");
    std::fs::write(&key, pem).expect("key file");
    std::fs::write(&passphrase, VECTOR_KEY_PASSPHRASE).expect("passphrase file");
    (key, passphrase)
}
