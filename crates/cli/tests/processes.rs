//! Several `sealbook serve` processes on one database behave as one service:
//! 200 concurrent requests for the last 8 seats, spread over two real server
//! processes, book exactly 8 — on SQLite (one file) and on PostgreSQL (one
//! database), where nothing but the database is shared.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_testkit::vector_public_key;

mod common;
#[path = "../../server/tests/support/mod.rs"]
mod support;

use common::{free_port, post, restaurant_config, start_server, wait_until_listening};

const REQUESTS: usize = 200;
const SEATS: usize = 8;

async fn two_processes_share_eight_seats(database: support::TestDatabase) {
    let pem = vector_public_key(0);
    let ports = [free_port(), free_port()];
    let mut servers = Vec::new();
    for (index, port) in ports.iter().enumerate() {
        let config = database.dir().join(format!("server-{index}.toml"));
        std::fs::write(
            &config,
            restaurant_config(*port, &database.url, SEATS).toml(),
        )
        .expect("config");
        servers.push(start_server(&config, &database.dir().join("server.log")));
        // One after the other: both would otherwise migrate an empty database at once.
        wait_until_listening(*port).await;
    }

    let recipient = Recipient::from_spki_pem(&pem).expect("key");
    let start = common::start_at(2, 12);
    let tasks: Vec<_> = (0..REQUESTS)
        .map(|index| {
            let envelope = seal(
                std::slice::from_ref(&recipient),
                &SealParams {
                    business: "bistro",
                    iat: 1,
                },
                format!("{{\"n\":{index}}}").as_bytes(),
                &mut getrandom::SysRng,
            )
            .expect("seal");
            let body = serde_json::json!({ "envelope": URL_SAFE_NO_PAD.encode(envelope), "start": start.to_string(), "party_size": 1 })
                .to_string();
            let port = ports[index % 2];
            tokio::spawn(async move { post(port, "bistro", &format!("race-{index}"), &body).await })
        })
        .collect();
    let mut outcomes = BTreeMap::<String, usize>::new();
    for task in tasks {
        let outcome = match task.await.expect("request task") {
            Some((201, _)) => "created".to_owned(),
            Some((_, json)) => json["error"]["code"]
                .as_str()
                .unwrap_or("<no code>")
                .to_owned(),
            None => "<no answer>".to_owned(),
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    for mut server in servers {
        server.kill().expect("stop");
        server.wait().expect("reaped");
    }
    assert_eq!(outcomes.get("created"), Some(&SEATS), "{outcomes:?}");
    assert_eq!(
        outcomes.get("slot_full"),
        Some(&(REQUESTS - SEATS)),
        "{outcomes:?}"
    );
    assert_eq!(database.count("bookings").await, 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_server_processes_on_one_sqlite_file_book_exactly_the_free_seats() {
    two_processes_share_eight_seats(support::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_server_processes_on_one_postgresql_database_book_exactly_the_free_seats() {
    if let Some(database) = support::postgres().await {
        two_processes_share_eight_seats(database).await;
    }
}
