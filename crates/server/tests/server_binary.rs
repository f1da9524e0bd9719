//! The `sealbook-server` binary: the server alone, for the server host. It
//! serves, stops cleanly on SIGTERM, and says what is wrong with a bad
//! configuration. (That it links no opening code is checked on its symbols by
//! `cargo xtask test`.)

use std::process::Stdio;
use std::time::{Duration, Instant};

use sealbook_testkit::{Business, ServerConfig};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

fn config(port: u16) -> String {
    ServerConfig::new("sqlite://sealbook.db")
        .listen(port)
        .business(Business::bistro().extend(r#"hours = { mon = ["12:00-14:00"] }"#))
        .toml()
}

async fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
        .ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    Some(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_binary_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("port")
        .port();
    let config_path = dir.path().join("sealbook.toml");
    std::fs::write(&config_path, config(port)).expect("config");
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_sealbook-server"))
        .arg("--config")
        .arg(&config_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let ready = loop {
        if let Some(answer) = get(port, "/readyz").await {
            break answer;
        }
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    let profile = get(port, "/api/v1/businesses/bistro/profile")
        .await
        .expect("answered");
    assert!(profile.starts_with("HTTP/1.1 200"), "{profile}");

    let term = tokio::process::Command::new("kill")
        .args(["-TERM", &server.id().expect("running").to_string()])
        .status()
        .await
        .expect("kill runs");
    assert!(term.success());
    let status = tokio::time::timeout(Duration::from_secs(30), server.wait())
        .await
        .expect("stops")
        .expect("status");
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_configuration_is_named_and_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config_path = dir.path().join("sealbook.toml");
    std::fs::write(&config_path, "listen = \"not an address\"\n").expect("config");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_sealbook-server"))
        .arg("--config")
        .arg(&config_path)
        .output()
        .await
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("sealbook.toml"), "{stderr}");

    let usage = tokio::process::Command::new(env!("CARGO_BIN_EXE_sealbook-server"))
        .arg("--no-such-flag")
        .output()
        .await
        .expect("runs");
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("usage: sealbook-server"));
}
