//! What the tests that run real `sealbook serve` processes share.

#![allow(dead_code, unreachable_pub)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const VECTORS: &str = include_str!("../../../../tests/vectors/v1.json");

/// The first test vector's public key (PEM), which the test restaurants use.
pub fn vector_public_key() -> String {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors");
    vectors[0]["public_key_pem"]
        .as_str()
        .expect("pem")
        .to_owned()
}

/// A `sealbook.toml` for a server on loopback `port` and `database`, with one
/// restaurant, `bistro`, open around the clock every day, `covers` seats and
/// the first test vector's key. The per-client limits are lifted so that one
/// test client may send every request.
pub fn restaurant_config(port: u16, database: &str, covers: usize) -> String {
    let hours = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(|day| format!("{day} = [\"00:00-24:00\"]"))
        .join(", ");
    format!(
        "listen = \"127.0.0.1:{port}\"\ndatabase = \"{database}\"\n\
         [limits]\nbookings_per_minute = 1000000\nbookings_per_slot = 10000\n\
         [[business]]\nid = \"bistro\"\nname = \"Bistro\"\nkind = \"restaurant\"\ntimezone = \"UTC\"\n\
         covers = {covers}\nmax_party_size = 8\nhorizon_days = 365\nhours = {{ {hours} }}\n\
         keys = [{{ pem = \"\"\"{pem}\"\"\" }}]\n",
        pem = vector_public_key(),
    )
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("port")
        .port()
}

pub fn start_server(config: &std::path::Path, log: &std::path::Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .arg("serve")
        .arg("--config")
        .arg(config)
        .stdout(Stdio::from(log.try_clone().expect("log")))
        .stderr(Stdio::from(log))
        .spawn()
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

/// One HTTP/1.1 POST; `None` if the connection failed or broke before a full answer.
pub async fn post(
    port: u16,
    business: &str,
    key: &str,
    body: &str,
) -> Option<(u16, serde_json::Value)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    let request = format!(
        "POST /api/v1/businesses/{business}/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Idempotency-Key: {key}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
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
    let (_, json) = text.split_once("\r\n\r\n")?;
    Some((status, serde_json::from_str(json).ok()?))
}
