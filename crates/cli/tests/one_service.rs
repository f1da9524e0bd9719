//! Three `sealbook serve` processes on one PostgreSQL database are one service:
//! each rate limit is held across them (a client gets the configured allowance,
//! not three times it), and under load spread over them, with one process
//! SIGKILLed and restarted in the middle, no acknowledged booking is lost and
//! no seat is sold twice. The limits outlive the killed process.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_testkit::vector_public_key;

mod common;
#[path = "../../server/tests/support/mod.rs"]
mod support;

use common::{free_port, restaurant_config, start_server, wait_until_listening};

const SEATS: usize = 70;
const LOAD: usize = 120;
/// The test client of the limit checks (behind the trusted proxy).
const CLIENT: &str = "203.0.113.7";

/// One request from `client` (as the proxy's `X-Forwarded-For`), its answer
/// as JSON; `None` if the connection failed or broke before a full answer.
async fn send(port: u16, client: &str, head: &str, body: &str) -> Option<(u16, serde_json::Value)> {
    let (method, path) = head.split_once(' ')?;
    let headers = format!("X-Forwarded-For: {client}\r\nContent-Type: application/json\r\n");
    let (status, body) = common::send(port, method, path, &headers, body).await?;
    Some((status, serde_json::from_str(&body).unwrap_or_default()))
}

fn booking(recipient: &Recipient, start: jiff::Timestamp, index: usize) -> String {
    let envelope = seal(
        std::slice::from_ref(recipient),
        &SealParams {
            business: "bistro",
            iat: 1,
        },
        format!("{{\"n\":{index}}}").as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    serde_json::json!({ "envelope": URL_SAFE_NO_PAD.encode(envelope), "start": start.to_string(), "party_size": 1 })
        .to_string()
}

/// What each answer was: `created`, an error code, or `<no answer>`.
fn outcome(answer: Option<&(u16, serde_json::Value)>) -> String {
    match answer {
        Some((201, _)) => "created".to_owned(),
        Some((status, json)) => json["error"]["code"]
            .as_str()
            .map_or_else(|| format!("<{status}>"), str::to_owned),
        None => "<no answer>".to_owned(),
    }
}

fn tally(outcomes: impl IntoIterator<Item = String>) -> BTreeMap<String, usize> {
    let mut tally = BTreeMap::new();
    for outcome in outcomes {
        *tally.entry(outcome).or_default() += 1;
    }
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_processes_on_one_postgresql_database_are_one_service() {
    let Some(database) = support::postgres().await else {
        return;
    };
    let config = restaurant_config(0, &database.url, SEATS).extend(
        "[limits]\nbookings_per_minute = 8\nbookings_per_slot = 3\nmanage_per_minute = 6\n\
         logins_per_minute = 4\ntrust_forwarded_for = true\n",
    );
    assert!(
        config.toml().contains("trust_forwarded_for"),
        "the limits were set"
    );
    let ports = [free_port(), free_port(), free_port()];
    let config_of = |index: usize| {
        let path = database.dir().join(format!("server-{index}.toml"));
        std::fs::write(&path, config.clone().listen(ports[index]).toml()).expect("config");
        path
    };
    let log = database.dir().join("server.log");
    let mut servers = Vec::new();
    for (index, port) in ports.iter().enumerate() {
        servers.push(start_server(&config_of(index), &log));
        // One after the other: the first migrates the empty database and makes
        // the TOTP key file the others then read.
        wait_until_listening(*port).await;
    }
    let recipient = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");

    // One client, its requests spread over the three processes in turn.
    // Six bookings at one time: its share of that time is 3 in all. The time
    // is fixed once: worked out again, it would move on at midnight.
    let shared_time = common::start_at(2, 12);
    let mut answers = Vec::new();
    for index in 0..6 {
        let body = booking(&recipient, shared_time, index);
        let path = "POST /api/v1/businesses/bistro/bookings";
        answers.push(send(ports[index % 3], CLIENT, path, &body).await);
    }
    assert_eq!(
        tally(answers.iter().map(|answer| outcome(answer.as_ref()))),
        BTreeMap::from([("created".to_owned(), 3), ("rate_limited".to_owned(), 3)]),
        "{answers:?}"
    );
    // Six more at other times: 8 a minute in all, of which 6 are spent.
    let mut answers = Vec::new();
    for index in 0..6 {
        let body = booking(
            &recipient,
            common::start_at(2, 13 + index as i64),
            100 + index,
        );
        let path = "POST /api/v1/businesses/bistro/bookings";
        answers.push(send(ports[index % 3], CLIENT, path, &body).await);
    }
    assert_eq!(
        tally(answers.iter().map(|answer| outcome(answer.as_ref()))),
        BTreeMap::from([("created".to_owned(), 2), ("rate_limited".to_owned(), 4)]),
        "{answers:?}"
    );
    // Guessing manage links: 6 a minute in all.
    let mut answers = Vec::new();
    for index in 0..12 {
        let head = "GET /api/v1/bookings/0000-0000-0000-0000";
        answers.push(send(ports[index % 3], CLIENT, head, "").await);
    }
    let guesses = tally(answers.iter().map(|answer| outcome(answer.as_ref())));
    assert_eq!(guesses.get("rate_limited"), Some(&6), "{guesses:?}");
    assert_eq!(guesses.values().sum::<usize>(), 12, "{guesses:?}");
    // Signing in: 4 a minute in all, whatever address is tried.
    let mut answers = Vec::new();
    for index in 0..12 {
        let body = format!(
            r#"{{"email":"nobody-{index}@bistro.example","password":"not a password at all"}}"#
        );
        answers.push(send(ports[index % 3], CLIENT, "POST /api/v1/auth/login", &body).await);
    }
    assert_eq!(
        tally(answers.iter().map(|answer| outcome(answer.as_ref()))),
        BTreeMap::from([
            ("login_failed".to_owned(), 4),
            ("rate_limited".to_owned(), 8)
        ]),
        "{answers:?}"
    );

    // Load from many clients over the three processes; one is SIGKILLed a
    // third of the way in and started again.
    let start = common::start_at(3, 12);
    let mut acknowledged = BTreeSet::new();
    let mut outcomes = Vec::new();
    for round in 0..3 {
        let tasks: Vec<_> = (0..LOAD / 3)
            .map(|index| {
                let index = round * LOAD / 3 + index;
                let body = booking(&recipient, start, 1000 + index);
                let port = ports[index % 3];
                let client = format!("198.51.100.{}", index % 250 + 1);
                tokio::spawn(async move {
                    send(
                        port,
                        &client,
                        "POST /api/v1/businesses/bistro/bookings",
                        &body,
                    )
                    .await
                })
            })
            .collect();
        if round == 1 {
            // While this round's requests are in flight.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let status = tokio::process::Command::new("kill")
                .args(["-KILL", &servers[1].id().to_string()])
                .status()
                .await
                .expect("kill runs");
            assert!(status.success());
        }
        for task in tasks {
            let answer = task.await.expect("request task");
            if let Some((201, json)) = &answer {
                acknowledged.insert(json["id"].as_str().expect("an id").to_owned());
            }
            outcomes.push(outcome(answer.as_ref()));
        }
        if round == 1 {
            servers[1].wait().expect("reaped");
            servers[1] = start_server(&config_of(1), &log);
            wait_until_listening(ports[1]).await;
        }
    }
    let outcomes = tally(outcomes);
    eprintln!(
        "{LOAD} bookings for {SEATS} seats over three processes, one killed and restarted: \
         {outcomes:?}, {} acknowledged",
        acknowledged.len()
    );
    let mut connection = database.connect().await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM bookings WHERE starts_at = $1")
        .bind(start.as_second())
        .fetch_all(&mut connection)
        .await
        .expect("read");
    let stored: BTreeSet<String> = stored.into_iter().collect();
    assert!(
        acknowledged.is_subset(&stored),
        "an acknowledged booking was lost: {outcomes:?}"
    );
    assert_eq!(stored.len(), SEATS, "every seat sold once: {outcomes:?}");
    assert!(
        outcomes.get("slot_full").copied().unwrap_or(0) > 0,
        "{outcomes:?}"
    );

    // The restarted process holds the client to the share it took before.
    let body = booking(&recipient, shared_time, 9999);
    let again = send(
        ports[1],
        CLIENT,
        "POST /api/v1/businesses/bistro/bookings",
        &body,
    )
    .await;
    assert_eq!(outcome(again.as_ref()), "rate_limited", "{again:?}");

    for mut server in servers {
        server.kill().expect("stop");
        server.wait().expect("reaped");
    }
}
