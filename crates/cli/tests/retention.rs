//! `sealbook serve` runs the retention sweeper: a booking whose retention ended
//! while the server was down is gone right after start.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sealbook_server::Storage;
use sealbook_server::ids::{BookingId, BusinessId};
use sealbook_server::storage::{BookingFilter, NewBooking};
use sealbook_testkit::{Business, KillOnDrop, ServerConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_sweeps_expired_bookings_at_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("sealbook.db").display());
    let storage = Storage::open(&database).await.expect("storage");
    let business = BusinessId::new("bistro");
    let now = jiff::Timestamp::now().as_second();
    for (index, ended_days_ago) in [(1u8, 45i64), (2, 5)] {
        let row = NewBooking {
            id: BookingId::generate().expect("randomness"),
            business: business.clone(),
            starts_at: now - ended_days_ago * 86_400 - 5_400,
            ends_at: now - ended_days_ago * 86_400,
            party_size: 2,
            service: None,
            practitioner: None,
            envelope: vec![index; 1040],
            envelope_hash: [index; 32],
            visitor_copy: None,
            token_hash: None,
            created_at: now,
            contact_card: None,
        };
        storage
            .book(&business, None, (0, 1), [index; 32], |_| Ok(row))
            .await
            .expect("stored");
    }
    storage.close().await;

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let config = dir.path().join("sealbook.toml");
    std::fs::write(
        &config,
        ServerConfig::new(&database)
            .listen(port)
            .business(Business::bistro().set("covers", 10))
            .toml(),
    )
    .expect("config");
    let mut server = KillOnDrop::spawn(
        Command::new(env!("CARGO_BIN_EXE_sealbook"))
            .arg("serve")
            .arg("--config")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .expect("start sealbook serve");

    let storage = Storage::open(&database).await.expect("storage");
    let deadline = Instant::now() + Duration::from_secs(30);
    let remaining = loop {
        let remaining = storage
            .bookings(&BookingFilter::default())
            .await
            .expect("list")
            .len();
        if remaining < 2 || Instant::now() > deadline {
            break remaining;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    server.kill().expect("stop");
    server.wait().expect("reaped");
    assert_eq!(
        remaining, 1,
        "the booking past its 30-day retention went, the recent one stayed"
    );
}
