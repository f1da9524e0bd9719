//! `sealbook business import`: a schedule changed in `sealbook.toml` is shown
//! setting by setting, applied only once confirmed, and then served by every
//! running server process on that database within a second, without a restart
//! — on SQLite and on PostgreSQL.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sealbook_testkit::ServerConfig;

mod common;
#[path = "../../server/tests/support/mod.rs"]
mod support;

use common::{free_port, restaurant_config, start_server, wait_until_listening};

/// `sealbook business import` with `answer` typed at its question.
fn import(config: &std::path::Path, extra: &[&str], answer: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["business", "import", "--config"])
        .arg(config)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(answer.as_bytes())
        .expect("answer");
    child.wait_with_output().expect("finishes")
}

/// Whether `day` is open at the bistro, as the server on `port` says now.
async fn open_on(port: u16, day: &str) -> bool {
    let (status, body) = common::send(
        port,
        "GET",
        &format!("/api/v1/businesses/bistro/availability?from={day}&to={day}"),
        "",
        "",
    )
    .await
    .expect("an answer");
    assert_eq!(status, 200, "{body}");
    let availability: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    availability["days"][0]["open"]
        .as_bool()
        .expect("a day with `open`")
}

async fn an_imported_closure_is_live_on_every_process(database: support::TestDatabase) {
    let ports = [free_port(), free_port()];
    let day = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 5))
        .expect("a day")
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let config_of = |port: u16| -> ServerConfig { restaurant_config(port, &database.url, 8) };
    let files: Vec<_> = ports
        .iter()
        .enumerate()
        .map(|(index, port)| {
            let path = database.dir().join(format!("server-{index}.toml"));
            std::fs::write(&path, config_of(*port).toml()).expect("config");
            path
        })
        .collect();
    let mut servers = Vec::new();
    for (file, port) in files.iter().zip(ports) {
        servers.push(start_server(file, &database.dir().join("server.log")));
        wait_until_listening(port).await;
    }
    for port in ports {
        assert!(open_on(port, &day).await, "open before the closure");
    }

    // The owner closes that day in the file of the first server.
    let text = std::fs::read_to_string(&files[0]).expect("config");
    let text = text.replacen(
        "[[business]]\n",
        &format!("[[business]]\nclosures = [\"{day}\"]\n"),
        1,
    );
    std::fs::write(&files[0], text).expect("config");

    // Asked, and told no: the difference is shown, nothing changes.
    let declined = import(&files[0], &[], "n\n");
    assert!(declined.status.success(), "{declined:?}");
    let said = String::from_utf8_lossy(&declined.stdout);
    assert!(
        said.contains(&format!(
            "  ~ closures: [] → [{{\"from\":\"{day}\",\"to\":\"{day}\"}}]"
        )),
        "{said}"
    );
    assert!(said.contains("bistro: nothing changed"), "{said}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    for port in ports {
        assert!(
            open_on(port, &day).await,
            "still open after a declined import"
        );
    }

    // Told yes: both servers close the day within a second, with no restart.
    let applied = import(&files[0], &[], "y\n");
    assert!(applied.status.success(), "{applied:?}");
    let said = String::from_utf8_lossy(&applied.stdout);
    assert!(said.contains("bistro: revision 2 stored"), "{said}");
    let imported_at = Instant::now();
    for port in ports {
        while open_on(port, &day).await {
            assert!(
                imported_at.elapsed() < Duration::from_secs(1),
                "the closure was not live on :{port} within a second"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // Importing the same file again has nothing to do.
    let again = import(&files[0], &["--yes"], "");
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(said.contains("nothing to do"), "{said}");

    // A restart with the other, older file does not undo the change: the
    // database holds the schedule, the file only seeds a new business.
    drop(servers);
    let _server = start_server(&files[1], &database.dir().join("server.log"));
    wait_until_listening(ports[1]).await;
    assert!(!open_on(ports[1], &day).await, "closed after a restart");
}

on_both_backends!(an_imported_closure_is_live_on_every_process);
