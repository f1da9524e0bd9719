//! Staff notices survive the process that wrote them and go out once: a
//! `sealbook serve` killed (SIGKILL) before it could send a booking's notice
//! sends it after its restart, exactly once; three processes on one PostgreSQL
//! database, competing for many notices written while the mail server was
//! down, deliver each exactly once between them. Delivery
//! is counted by `Message-ID` at a real SMTP server on loopback (aiosmtpd).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_testkit::{
    Business, ServerConfig, around_the_clock, smtp_python, smtp_server, vector_public_key,
};

mod common;
#[path = "../../server/tests/support/mod.rs"]
mod support;

use common::{free_port, start_server, wait_until_listening};
use support::TestDatabase;

const CANARY: &str = "Canary-outbox-7c1d-Lefebvre";

/// A server on `port` and `database` whose restaurant's notices go to
/// `desk@bistro.test`, over plain SMTP to loopback `smtp_port`.
fn config(port: u16, database: &str, smtp_port: u16) -> ServerConfig {
    ServerConfig::new(database)
        .listen(port)
        .set("limits.bookings_per_minute", 1_000_000)
        .set("limits.bookings_per_slot", 10_000)
        .extend(&format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\nsecurity = \"none\"\n\
             from = \"Sealbook <bookings@book.test>\"\n"
        ))
        .business(
            Business::bistro()
                .set("covers", 500)
                .set("max_party_size", 8)
                .set("horizon_days", 365)
                .set("hours", around_the_clock())
                .set("notify", "desk@bistro.test"),
        )
}

fn booking(recipient: &Recipient, start: jiff::Timestamp, index: usize) -> String {
    let plaintext = format!("{{\"name\":\"{CANARY}\",\"n\":{index}}}");
    let envelope = seal(
        std::slice::from_ref(recipient),
        &SealParams {
            business: "bistro",
            iat: 1,
        },
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    serde_json::json!({ "envelope": URL_SAFE_NO_PAD.encode(envelope), "start": start.to_string(), "party_size": 2 })
        .to_string()
}

/// One count from the database, through a connection of the test's own.
async fn count(database: &TestDatabase, sql: &str) -> i64 {
    let mut connection = database.connect().await;
    let (count,): (i64,) = sqlx::query_as(sql)
        .fetch_one(&mut connection)
        .await
        .expect("count");
    count
}

/// Waits (at most `limit`) until `sql` counts `expected`.
async fn wait_for(database: &TestDatabase, sql: &str, expected: i64, limit: Duration) {
    let deadline = Instant::now() + limit;
    loop {
        let now = count(database, sql).await;
        if now >= expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{sql}: {now}, not {expected}, after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many messages `maildir` holds with each `Message-ID`.
fn delivered(maildir: &Path) -> BTreeMap<String, usize> {
    let mut ids = BTreeMap::new();
    for entry in std::fs::read_dir(maildir.join("new")).into_iter().flatten() {
        let message = std::fs::read_to_string(entry.expect("entry").path()).expect("message");
        assert!(!message.contains(CANARY), "the canary in {message}");
        let id = message
            .lines()
            .find_map(|line| line.strip_prefix("Message-ID: "))
            .expect("a Message-ID")
            .to_owned();
        *ids.entry(id).or_default() += 1;
    }
    ids
}

const SENT: &str = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_written_before_a_crash_is_sent_once_after_the_restart() {
    let Some(python) = smtp_python() else {
        return;
    };
    let database = support::sqlite().await;
    let (port, smtp_port) = (free_port(), free_port());
    let config_path = database.dir().join("sealbook.toml");
    std::fs::write(&config_path, config(port, &database.url, smtp_port).toml()).expect("config");
    let log = database.dir().join("server.log");
    let mut server = start_server(&config_path, &log);
    wait_until_listening(port).await;

    // The booking is made while the mail server is down; the server tries,
    // fails, and is killed before the mail server is back.
    let recipient = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");
    let body = booking(&recipient, common::start_at(2, 12), 0);
    let (status, _) = common::post(port, "bistro", "crash-0", &body)
        .await
        .expect("an answer");
    assert_eq!(status, 201);
    wait_for(
        &database,
        "SELECT COUNT(*) FROM outbox WHERE attempts > 0 AND lease_owner IS NULL",
        1,
        Duration::from_secs(30),
    )
    .await;
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    assert_eq!(count(&database, SENT).await, 0);

    let maildir = database.dir().join("maildir");
    let _smtp = smtp_server(&python, smtp_port, &maildir).expect("start aiosmtpd");
    let mut server = start_server(&config_path, &log);
    wait_until_listening(port).await;
    // Had the kill caught a lease held, the restarted process (SQLite has
    // only the one) releases it at start.
    wait_for(&database, SENT, 1, Duration::from_secs(30)).await;
    let ids = delivered(&maildir);
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert!(ids.values().all(|copies| *copies == 1), "{ids:?}");
    assert_eq!(count(&database, "SELECT COUNT(*) FROM outbox").await, 1);
    server.kill().expect("stop");
    server.wait().expect("reaped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_processes_deliver_each_notice_exactly_once() {
    const BOOKINGS: usize = 60;
    let Some(python) = smtp_python() else {
        return;
    };
    let Some(database) = support::postgres().await else {
        return;
    };
    let smtp_port = free_port();
    let ports = [free_port(), free_port(), free_port()];
    let mut servers = Vec::new();
    for (index, port) in ports.iter().enumerate() {
        let path = database.dir().join(format!("server-{index}.toml"));
        std::fs::write(&path, config(*port, &database.url, smtp_port).toml()).expect("config");
        let log = database.dir().join(format!("server-{index}.log"));
        servers.push(start_server(&path, &log));
        // One after the other: the first migrates the empty database and makes
        // the TOTP key file the others then read.
        wait_until_listening(*port).await;
    }

    let recipient = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");
    let tasks: Vec<_> = (0..BOOKINGS)
        .map(|index| {
            let body = booking(&recipient, common::start_at(2, 12), index);
            let port = ports[index % 3];
            tokio::spawn(async move {
                common::post(port, "bistro", &format!("many-{index}"), &body).await
            })
        })
        .collect();
    for task in tasks {
        let (status, json) = task.await.expect("task").expect("an answer");
        assert_eq!(status, 201, "{json}");
    }
    // The mail server comes up once every notice is written, so that the
    // three senders compete for all of them at once.
    let maildir = database.dir().join("maildir");
    let _smtp = smtp_server(&python, smtp_port, &maildir).expect("start aiosmtpd");
    let expected = i64::try_from(BOOKINGS).expect("small");
    wait_for(&database, SENT, expected, Duration::from_secs(60)).await;
    let ids = delivered(&maildir);
    assert_eq!(ids.len(), BOOKINGS, "{ids:?}");
    assert!(
        ids.values().all(|copies| *copies == 1),
        "a notice was delivered twice: {ids:?}"
    );
    let by_process: Vec<usize> = (0..3)
        .map(|index| {
            std::fs::read_to_string(database.dir().join(format!("server-{index}.log")))
                .unwrap_or_default()
                .matches("notice sent")
                .count()
        })
        .collect();
    eprintln!("{BOOKINGS} notices sent by the three processes: {by_process:?}");
    assert_eq!(by_process.iter().sum::<usize>(), BOOKINGS);
    for mut server in servers {
        server.kill().expect("stop");
        server.wait().expect("reaped");
    }
}
