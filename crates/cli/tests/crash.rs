//! Crash safety: bookings are sent in a loop, the server is killed with SIGKILL
//! in the middle, restarted, and every request is then retried with its
//! Idempotency-Key. A booking acknowledged before the crash must still be there
//! (durable commits) and no booking may exist that no request was acknowledged
//! for (no phantoms): the set of rows equals the set of acknowledged ids. On
//! SQLite (durable WAL commits) and on PostgreSQL.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_testkit::vector_public_key;

mod common;
#[path = "../../server/tests/support/mod.rs"]
mod support;

use common::{free_port, post, restaurant_config, start_server, wait_until_listening};
const REQUESTS: usize = 400;

async fn sigkill_loses_no_acknowledged_booking_and_leaves_no_phantom(
    database: support::TestDatabase,
) {
    let pem = vector_public_key(0);
    let port = free_port();
    let config = database.dir().join("sealbook.toml");
    std::fs::write(
        &config,
        restaurant_config(port, &database.url, 100_000).toml(),
    )
    .expect("config");
    let log = database.dir().join("server.log");

    let recipient = Recipient::from_spki_pem(&pem).expect("key");
    let start = common::start_at(2, 12);
    let bodies: Vec<(String, String)> = (0..REQUESTS)
        .map(|index| {
            let envelope = seal(
                std::slice::from_ref(&recipient),
                &SealParams { business: "bistro", iat: 1 },
                format!("{{\"n\":{index}}}").as_bytes(),
                &mut getrandom::SysRng,
            )
            .expect("seal");
            let body = serde_json::json!({ "envelope": URL_SAFE_NO_PAD.encode(envelope), "start": start.to_string(), "party_size": 2 });
            (format!("crash-test-{index}"), body.to_string())
        })
        .collect();

    let server = start_server(&config, &log);
    wait_until_listening(port).await;
    // The killer watches the acknowledgements and sends SIGKILL a third of the
    // way through, while four requests are in flight.
    let acknowledged_count = Arc::new(AtomicUsize::new(0));
    let kill_after = REQUESTS / 3;
    let killer = {
        let count = Arc::clone(&acknowledged_count);
        let pid = server.id().to_string();
        tokio::spawn(async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
            while count.load(Ordering::SeqCst) < kill_after {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "only {} bookings acknowledged in 120 s: is the server up? (see its log)",
                    count.load(Ordering::SeqCst)
                );
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            let status = tokio::process::Command::new("kill")
                .args(["-KILL", &pid])
                .status()
                .await;
            assert!(
                status.is_ok_and(|status| status.success()),
                "SIGKILL delivered"
            );
        })
    };
    let mut acknowledged = BTreeSet::new();
    let mut unanswered = Vec::new();
    for batch in bodies.chunks(4) {
        let in_flight: Vec<_> = batch
            .iter()
            .map(|(key, body)| {
                let (key, body, count) =
                    (key.clone(), body.clone(), Arc::clone(&acknowledged_count));
                tokio::spawn(async move {
                    let answer = post(port, "bistro", &key, &body).await;
                    if matches!(answer, Some((201, _))) {
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    (key, body, answer)
                })
            })
            .collect();
        for task in in_flight {
            let (key, body, answer) = task.await.expect("request task");
            match answer {
                Some((201, json)) => {
                    acknowledged.insert(json["id"].as_str().expect("id").to_owned());
                }
                _ => unanswered.push((key, body)),
            }
        }
    }
    killer.await.expect("killer");
    let mut server = server;
    server.wait().expect("reaped");
    assert!(
        acknowledged.len() >= kill_after - 4,
        "load ran before the kill: {}",
        acknowledged.len()
    );
    assert!(!unanswered.is_empty(), "the kill interrupted the load");

    let mut server = start_server(&config, &log);
    wait_until_listening(port).await;
    let mut retried_existing = 0;
    for (key, body) in &unanswered {
        let (status, json) = post(port, "bistro", key, body)
            .await
            .expect("the restarted server answers");
        assert!(
            status == 201 || status == 200,
            "retry of {key}: {status} {json}"
        );
        retried_existing += usize::from(status == 200);
        assert!(
            acknowledged.insert(json["id"].as_str().expect("id").to_owned()),
            "one booking per request"
        );
    }
    server.kill().expect("stop");
    server.wait().expect("reaped");

    let mut connection = database.connect().await;
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM bookings")
        .fetch_all(&mut connection)
        .await
        .expect("ids");
    let stored: BTreeSet<String> = rows.into_iter().map(|(id,)| id).collect();
    eprintln!(
        "{} requests: {} acknowledged before the kill, {} retried afterwards ({} had been committed in flight)",
        REQUESTS,
        REQUESTS - unanswered.len(),
        unanswered.len(),
        retried_existing
    );
    assert_eq!(
        stored, acknowledged,
        "rows in the database = acknowledged bookings, no more, no less"
    );
    assert_eq!(stored.len(), REQUESTS);
}

on_both_backends!(sigkill_loses_no_acknowledged_booking_and_leaves_no_phantom);
