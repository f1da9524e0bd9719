//! `sealbook db backup` on a live SQLite database: a real server takes
//! bookings from four clients without pause while the backup runs. The backup
//! passes SQLite's integrity check, holds every booking acknowledged before it
//! started and none that was never acknowledged, opens with `sealbook bookings
//! open`, does not carry an erased booking's ciphertext, and is readable by
//! its owner only. It never overwrites a file, and for PostgreSQL it points to
//! pg_dump instead.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{ManageSecret, Recipient, SealParams, seal, seal_visitor_copy};
use sealbook_testkit::vector_public_key;
use sqlx::Connection as _;

mod common;
#[path = "../../server/tests/support/mod.rs"]
mod support;

use common::{
    free_port, post, restaurant_config, send, start_server, vector_key_file, wait_until_listening,
};

const WRITERS: usize = 4;
/// Bookings acknowledged before the backup starts, so that it has work to do.
const BEFORE_BACKUP: usize = 300;

/// A booking request body for `bistro` at `start`, and its envelope.
fn booking(recipient: &Recipient, start: &str, plaintext: &str) -> (serde_json::Value, Vec<u8>) {
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
    let body = serde_json::json!({
        "envelope": URL_SAFE_NO_PAD.encode(&envelope), "start": start, "party_size": 2,
    });
    (body, envelope)
}

/// Whether `needle` occurs anywhere in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_is_consistent_opens_and_leaves_erased_bookings_out() {
    let database = support::sqlite().await;
    let dir = database.dir().to_owned();
    let port = free_port();
    let config = dir.join("sealbook.toml");
    std::fs::write(
        &config,
        restaurant_config(port, &database.url, 100_000).toml(),
    )
    .expect("config");
    let mut server = start_server(&config, &dir.join("server.log"));
    wait_until_listening(port).await;

    let recipient = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");
    let start = common::start_at(2, 12).to_string();

    // A booking the visitor erases before the backup: neither its envelope nor
    // its visitor copy may be in the backup's bytes.
    let secret = ManageSecret::generate(&mut getrandom::SysRng).expect("secret");
    let (mut body, erased_envelope) = booking(&recipient, &start, "{\"n\":\"erased\"}");
    let erased_copy = seal_visitor_copy(
        &secret,
        &SealParams {
            business: "bistro",
            iat: 1,
        },
        b"{\"n\":\"erased\"}",
        &mut getrandom::SysRng,
    )
    .expect("seal");
    body["visitor_copy"] = URL_SAFE_NO_PAD.encode(&erased_copy).into();
    body["manage_token_hash"] = secret.token().hash().to_base64url().into();
    let (status, created) = post(port, "bistro", "erased", &body.to_string())
        .await
        .expect("answer");
    assert_eq!(status, 201, "{created}");
    let erased_id = created["id"].as_str().expect("id").to_owned();
    let (status, _) = send(
        port,
        "DELETE",
        &format!("/api/v1/bookings/{erased_id}"),
        &format!(
            "Authorization: Bearer {}\r\n",
            secret.token().to_base64url()
        ),
        "",
    )
    .await
    .expect("answer");
    assert_eq!(status, 204, "erased");

    // A booking that stays: its envelope must be in the backup's bytes, which
    // shows the scan would find the erased one if it were there.
    let (body, kept_envelope) = booking(&recipient, &start, "{\"n\":\"kept\"}");
    let (status, created) = post(port, "bistro", "kept", &body.to_string())
        .await
        .expect("answer");
    assert_eq!(status, 201, "{created}");
    let acknowledged = Arc::new(Mutex::new(BTreeSet::from([created["id"]
        .as_str()
        .expect("id")
        .to_owned()])));

    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (acknowledged, stop, recipient, start) = (
                Arc::clone(&acknowledged),
                Arc::clone(&stop),
                recipient.clone(),
                start.clone(),
            );
            tokio::spawn(async move {
                let mut sent = 0usize;
                while !stop.load(Ordering::SeqCst) {
                    let (body, _) = booking(&recipient, &start, &format!("{{\"n\":{sent}}}"));
                    let answer = post(
                        port,
                        "bistro",
                        &format!("load-{writer}-{sent}"),
                        &body.to_string(),
                    )
                    .await;
                    if let Some((201, json)) = answer {
                        let id = json["id"].as_str().expect("id").to_owned();
                        acknowledged.lock().expect("ids").insert(id);
                    }
                    sent += 1;
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while acknowledged.lock().expect("ids").len() < BEFORE_BACKUP {
        assert!(
            Instant::now() < deadline,
            "the server is not taking bookings (see its log)"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let backup = dir.join("backups/sealbook-backup.db");
    std::fs::create_dir(dir.join("backups")).expect("backup folder");
    let before: BTreeSet<String> = acknowledged.lock().expect("ids").clone();
    let started = Instant::now();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["db", "backup", "--db", &database.url, "--out"])
        .arg(&backup)
        .output()
        .await
        .expect("sealbook db backup runs");
    let took = started.elapsed();
    let during = acknowledged.lock().expect("ids").len() - before.len();
    // Keep writing a little after the backup: the source goes on changing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.expect("writer");
    }
    server.kill().expect("stop");
    server.wait().expect("reaped");
    let acknowledged = acknowledged.lock().expect("ids").clone();

    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let bytes = std::fs::read(&backup).expect("the backup exists");
    assert_eq!(
        std::fs::metadata(&backup)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o777,
        0o600,
        "the backup is readable by its owner only"
    );
    eprintln!(
        "backup of a live database in {took:?} ({during} bookings acknowledged meanwhile): {stdout}"
    );

    // The bytes first, before anything opens the file and could change it.
    assert!(
        contains(&bytes, &kept_envelope[kept_envelope.len() - 64..]),
        "the scan finds a kept booking's ciphertext"
    );
    for (what, sealed) in [
        ("envelope", &erased_envelope),
        ("visitor copy", &erased_copy),
    ] {
        assert!(
            !contains(&bytes, &sealed[sealed.len() - 64..]),
            "the erased booking's {what} is not in the backup"
        );
    }

    // The backup as SQLite and the storage layer see it.
    let mut connection =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=ro", backup.display()))
            .await
            .expect("the backup opens");
    let (integrity,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM bookings")
        .fetch_all(&mut connection)
        .await
        .expect("ids");
    connection.close().await.expect("closed");
    let in_backup: BTreeSet<String> = rows.into_iter().map(|(id,)| id).collect();
    assert!(
        stdout.contains(&format!(
            ": {} bytes, {} bookings, integrity ok",
            bytes.len(),
            in_backup.len()
        )),
        "{stdout}"
    );
    assert!(
        before.is_subset(&in_backup),
        "every booking acknowledged before the backup started is in it"
    );
    assert!(
        in_backup.is_subset(&acknowledged),
        "no booking in the backup was never acknowledged: {:?}",
        in_backup.difference(&acknowledged).collect::<Vec<_>>()
    );
    assert!(!in_backup.contains(&erased_id));
    assert!(
        acknowledged.len() > in_backup.len(),
        "the server went on taking bookings after the backup"
    );

    // The business opens the backup like the live database.
    let (key, passphrase) = vector_key_file(&dir);
    let opened = Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["bookings", "open", "--format", "json", "--key"])
        .arg(&key)
        .arg("--passphrase-file")
        .arg(&passphrase)
        .arg("--db")
        .arg(format!("sqlite://{}", backup.display()))
        .output()
        .expect("bookings open runs");
    assert!(opened.status.success(), "{opened:?}");
    assert!(opened.stderr.is_empty(), "every booking opens: {opened:?}");
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&opened.stdout).expect("a JSON array");
    let opened_ids: BTreeSet<String> = rows
        .iter()
        .map(|row| row["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(opened_ids, in_backup);
    assert!(rows.iter().any(|row| row["booking"]["n"] == "kept"));

    // Never over an existing file, which stays as it was, and nothing is left
    // behind. (The folder is compared before and after rather than to a fixed
    // list: opening the backup above, like any SQLite database in WAL mode, may
    // leave its -wal and -shm files beside it, depending on how quickly the
    // driver's threads finish closing before the process exits.)
    let listing = || -> BTreeSet<String> {
        std::fs::read_dir(dir.join("backups"))
            .expect("folder")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    };
    let (folder_before, backup_before) = (listing(), std::fs::read(&backup).expect("backup"));
    let again = Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["db", "backup", "--db", &database.url, "--out"])
        .arg(&backup)
        .output()
        .expect("sealbook db backup runs");
    assert!(!again.status.success(), "{again:?}");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("a backup never overwrites a file"),
        "{again:?}"
    );
    assert_eq!(listing(), folder_before, "no partial file is left");
    assert!(
        !folder_before.iter().any(|name| name.ends_with(".partial")),
        "{folder_before:?}"
    );
    assert_eq!(
        std::fs::read(&backup).expect("backup"),
        backup_before,
        "the existing backup is untouched"
    );
}

#[test]
fn a_postgresql_backup_is_pointed_to_pg_dump() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("dump");
    let output = Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args([
            "db",
            "backup",
            "--db",
            "postgres://book:s3cret@127.0.0.1:1/sealbook",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("sealbook db backup runs");
    assert!(!output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "pg_dump --format=custom --file={} --dbname='postgres://book@127.0.0.1:1/sealbook'",
            out.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cret"), "{stderr}");
    assert!(!out.exists(), "nothing written");
}
