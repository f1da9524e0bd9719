//! A PostgreSQL backup that restores: a real server takes bookings, `pg_dump`
//! dumps the database while the server runs, and `scripts/restore-check.sh`
//! restores the dump into a new database with `pg_restore` and opens every
//! booking there; `sealbook bookings open` on the restored database then shows
//! exactly the acknowledged bookings. With a wrong passphrase the script fails
//! and drops what it restored. Runs when `SEALBOOK_TEST_POSTGRES` names a
//! server (`cargo xtask test`), like the other PostgreSQL tests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_testkit::vector_public_key;

mod common;
#[path = "../../server/tests/support/mod.rs"]
mod support;

use common::{
    free_port, post, restaurant_config, start_server, vector_key_file, wait_until_listening,
};

const BOOKINGS: usize = 12;

/// PostgreSQL's client programs, found like `cargo xtask test` finds the
/// server's (Debian's packages): the newest version's folder that has them.
fn pg_client_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| {
            ["pg_dump", "pg_restore", "psql"]
                .iter()
                .all(|tool| bin.join(tool).exists())
        })
        .collect();
    versions.sort();
    versions.pop()
}

fn restore_check(bin: &Path, args: &[&str]) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/restore-check.sh");
    Command::new("bash")
        .arg(script)
        .args(args)
        .env("SEALBOOK", env!("CARGO_BIN_EXE_sealbook"))
        .env("PG_BIN", bin)
        .output()
        .expect("the restore script runs")
}

async fn database_exists(server: &str, name: &str) -> bool {
    use sqlx::Connection as _;
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .expect("connect to PostgreSQL");
    let (exists,): (bool,) =
        sqlx::query_as("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&mut admin)
            .await
            .expect("pg_database");
    exists
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pg_dump_of_a_live_server_restores_and_its_bookings_open() {
    let Some(database) = support::postgres().await else {
        return;
    };
    let Some(bin) = pg_client_bin() else {
        assert!(
            std::env::var_os("SEALBOOK_REQUIRE_POSTGRES").is_none(),
            "pg_dump and pg_restore are missing but PostgreSQL tests are required"
        );
        eprintln!("skipped: no pg_dump and pg_restore under /usr/lib/postgresql");
        return;
    };
    let server_url = std::env::var("SEALBOOK_TEST_POSTGRES").expect("set, as support found");
    let dir = database.dir().to_owned();
    let port = free_port();
    let config = dir.join("sealbook.toml");
    std::fs::write(&config, restaurant_config(port, &database.url, 1000).toml()).expect("config");
    let mut server = start_server(&config, &dir.join("server.log"));
    wait_until_listening(port).await;

    let recipient = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");
    let start = common::start_at(2, 12);
    let mut acknowledged = BTreeSet::new();
    for index in 0..BOOKINGS {
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
        let body = serde_json::json!({ "envelope": URL_SAFE_NO_PAD.encode(envelope), "start": start.to_string(), "party_size": 2 });
        let (status, json) = post(
            port,
            "bistro",
            &format!("restore-{index}"),
            &body.to_string(),
        )
        .await
        .expect("answer");
        assert_eq!(status, 201, "{json}");
        acknowledged.insert(json["id"].as_str().expect("id").to_owned());
    }

    // As the operator backs up: the server keeps running.
    let dump = dir.join("sealbook.dump");
    let dumped = Command::new(bin.join("pg_dump"))
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .args(["--dbname", &database.url])
        .output()
        .expect("pg_dump runs");
    assert!(dumped.status.success(), "{dumped:?}");
    server.kill().expect("stop");
    server.wait().expect("reaped");

    let (key, passphrase) = vector_key_file(&dir);
    let (key, passphrase) = (
        key.to_str().expect("UTF-8"),
        passphrase.to_str().expect("UTF-8"),
    );
    let dump = dump.to_str().expect("UTF-8");
    let restored = format!(
        "{}_restored",
        database.url.rsplit('/').next().expect("database name")
    );
    let checked = restore_check(
        &bin,
        &[
            "--dump",
            dump,
            "--server",
            &server_url,
            "--key",
            key,
            "--passphrase-file",
            passphrase,
            "--database",
            &restored,
            "--keep",
        ],
    );
    let stdout = String::from_utf8_lossy(&checked.stdout);
    assert!(checked.status.success(), "{checked:?}");
    assert!(
        stdout.contains(&format!(
            "passed: {BOOKINGS} bookings restored into {restored} and all {BOOKINGS} opened"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("\"n\""), "no booking content is printed");

    // The restored database, opened as the business would open it.
    let opened = Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["bookings", "open", "--format", "json", "--key", key])
        .args(["--passphrase-file", passphrase])
        .args(["--db", &format!("{server_url}/{restored}")])
        .output()
        .expect("bookings open runs");
    assert!(opened.status.success(), "{opened:?}");
    assert!(opened.stderr.is_empty(), "every booking opens: {opened:?}");
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&opened.stdout).expect("a JSON array");
    let ids: BTreeSet<String> = rows
        .iter()
        .map(|row| row["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(
        ids, acknowledged,
        "the restored bookings are the acknowledged ones"
    );
    let numbers: BTreeSet<u64> = rows
        .iter()
        .map(|row| row["booking"]["n"].as_u64().expect("the sealed number"))
        .collect();
    assert_eq!(numbers, (0..BOOKINGS as u64).collect());

    // A check that cannot open the bookings fails, and cleans up after itself.
    let wrong = dir.join("wrong-passphrase");
    std::fs::write(&wrong, "not the right passphrase").expect("file");
    let failed_name = format!("{restored}_again");
    let failed = restore_check(
        &bin,
        &[
            "--dump",
            dump,
            "--server",
            &server_url,
            "--key",
            key,
            "--passphrase-file",
            wrong.to_str().expect("UTF-8"),
            "--database",
            &failed_name,
        ],
    );
    assert!(!failed.status.success(), "{failed:?}");
    assert!(
        String::from_utf8_lossy(&failed.stderr).contains("FAILED"),
        "{failed:?}"
    );
    assert!(
        !database_exists(&server_url, &failed_name).await,
        "the check drops the database it restored"
    );
}
