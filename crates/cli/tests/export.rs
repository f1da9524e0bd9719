//! `sealbook bookings open --format csv|ics`: hundreds of real envelopes opened
//! in parallel with the business's encrypted key, written as files other
//! programs read, with nothing lost and no cell a spreadsheet would execute.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;

use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_server::Storage;
use sealbook_server::ids::{BookingId, BusinessId};
use sealbook_server::storage::{Attendance, NewBooking};

const BOOKINGS: usize = 250;
const PASSPHRASE: &str = "export test passphrase";

/// Replay detection only needs the hashes to differ.
fn unique_hash(index: usize) -> [u8; 32] {
    let mut hash = [0u8; 32];
    hash[..8].copy_from_slice(&u64::try_from(index).expect("small").to_be_bytes());
    hash
}

/// A folder with a key pair (encrypted private key) and a SQLite database holding
/// `count` sealed restaurant bookings, a quarter of an hour apart, every third
/// marked no-show; returns the folder, the database URL and the ids.
async fn seed(count: usize) -> (tempfile::TempDir, String, BTreeSet<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let passphrase = dir.path().join("passphrase");
    std::fs::write(&passphrase, PASSPHRASE).expect("passphrase");
    let keygen = Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["keygen", "--business", "bistro", "--out"])
        .arg(dir.path().join("keys"))
        .arg("--passphrase-file")
        .arg(&passphrase)
        .output()
        .expect("keygen runs");
    assert!(keygen.status.success(), "{keygen:?}");
    let pem = std::fs::read_to_string(dir.path().join("keys/bistro.pub.pem")).expect("public key");
    let recipient = Recipient::from_spki_pem(&pem).expect("key");

    let database = format!("sqlite://{}", dir.path().join("sealbook.db").display());
    let storage = Storage::open(&database).await.expect("storage");
    let business = BusinessId::new("bistro");
    let first = jiff::Timestamp::now().as_second() / 3600 * 3600 + 86_400;
    let mut ids = BTreeSet::new();
    for index in 0..count {
        let mut plaintext = serde_json::json!({
            "v": 1, "kind": "restaurant", "name": format!("Guest {index}"),
            "contact": { "phone": format!("+33 6 00 00 {index:04}") },
            "party_size": 2, "note": "=1+1, ; \"quoted\"\nnext line", "lang": "fr",
        });
        // Every other guest saw the opt-in boxes; a fifth of those ticked e-mail.
        if index.is_multiple_of(2) {
            plaintext["marketing"] =
                serde_json::json!({ "email": index.is_multiple_of(10), "sms": false });
            plaintext["consent_id"] = serde_json::json!(format!("consent-{index:014}"));
        }
        let envelope = seal(
            std::slice::from_ref(&recipient),
            &SealParams {
                business: "bistro",
                iat: 1,
            },
            plaintext.to_string().as_bytes(),
            &mut getrandom::SysRng,
        )
        .expect("seal");
        let id = BookingId::generate().expect("randomness");
        ids.insert(id.as_str().to_owned());
        let starts_at = first + i64::try_from(index).expect("small") * 900;
        let row = NewBooking {
            id,
            business: business.clone(),
            starts_at,
            ends_at: starts_at + 5_400,
            party_size: 2,
            service: None,
            practitioner: None,
            envelope_hash: unique_hash(index),
            envelope,
            visitor_copy: None,
            token_hash: None,
            created_at: starts_at - 86_400,
            contact_card: None,
        };
        let (hash, id) = (row.envelope_hash, row.id.clone());
        storage
            .book(&business, None, (0, 1), hash, |_| Ok(row))
            .await
            .expect("stored");
        if index.is_multiple_of(3) {
            storage
                .set_attendance(&business, id.as_str(), Some(Attendance::NoShow))
                .await
                .expect("marked");
        }
    }
    storage.close().await;
    (dir, database, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_bookings_export_to_csv_and_ics() {
    let (dir, database, ids) = seed(BOOKINGS).await;
    let passphrase = dir.path().join("passphrase");

    let open = |format: &str, out: Option<&std::path::Path>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sealbook"));
        command
            .args(["bookings", "open", "--format", format, "--key"])
            .arg(dir.path().join("keys/bistro.key.pem"))
            .arg("--passphrase-file")
            .arg(&passphrase)
            .args(["--db", &database]);
        if let Some(out) = out {
            command.arg("--out").arg(out);
        }
        let output = command.output().expect("bookings open runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    };

    let csv_path = dir.path().join("bookings.csv");
    open("csv", Some(&csv_path));
    let mode = std::fs::metadata(&csv_path)
        .expect("written")
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o777,
        0o600,
        "only the owner reads decrypted bookings"
    );
    let mut reader = csv::Reader::from_path(&csv_path).expect("CSV");
    let headers = reader.headers().expect("header").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|header| header == name)
            .expect("column")
    };
    let (reference, name, note) = (column("reference"), column("name"), column("note"));
    let (status, attendance) = (column("status"), column("attendance"));
    let (email, sms, consent) = (
        column("marketing_email"),
        column("marketing_sms"),
        column("consent_id"),
    );
    let mut seen = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut optins = (0, 0, 0);
    for record in reader.records() {
        let record = record.expect("record");
        seen.insert(record[reference].to_owned());
        names.insert(record[name].to_owned());
        let index: usize = record[name]
            .trim_start_matches("Guest ")
            .parse()
            .expect("index");
        let offered = index.is_multiple_of(2);
        assert_eq!(
            (&record[email], &record[sms]),
            match (offered, index.is_multiple_of(10)) {
                (false, _) => ("", ""),
                (true, ticked) => (if ticked { "true" } else { "false" }, "false"),
            },
            "guest {index}"
        );
        assert_eq!(record[consent].is_empty(), !offered, "guest {index}");
        assert_eq!(
            (&record[status], &record[attendance]),
            (
                "confirmed",
                if index.is_multiple_of(3) {
                    "no_show"
                } else {
                    ""
                }
            ),
            "guest {index}: the mark in its own column"
        );
        optins.0 += usize::from(&record[email] == "true");
        optins.1 += usize::from(&record[email] == "false");
        optins.2 += usize::from(&record[sms] == "true");
        assert_eq!(
            &record[note], "'=1+1, ; \"quoted\"\nnext line",
            "a formula is defused, the rest survives"
        );
    }
    assert_eq!(
        optins,
        (BOOKINGS / 10, BOOKINGS / 2 - BOOKINGS / 10, 0),
        "every opt-in as sealed"
    );
    assert_eq!(seen, ids, "every booking, once");
    assert_eq!(names.len(), BOOKINGS);

    let ics = String::from_utf8(open("ics", None)).expect("UTF-8");
    assert_eq!(ics.matches("BEGIN:VEVENT\r\n").count(), BOOKINGS);
    assert_eq!(
        ics.matches("X-SEALBOOK-ATTENDANCE:no_show\r\n").count(),
        BOOKINGS.div_ceil(3)
    );
    for id in &ids {
        assert!(ics.contains(&format!("UID:{id}@sealbook\r\n")), "{id}");
    }
}

/// The CLI at scale, in a terminal so that its progress bar draws:
/// `cargo test --release -p sealbook --test export -- --ignored --nocapture`
/// (docs/BENCHMARKS.md has the figures).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: seals and stores 10 000 bookings first; run it with --release"]
async fn ten_thousand_bookings_export_with_a_progress_bar() {
    const MANY: usize = 10_000;
    let (dir, database, ids) = seed(MANY).await;
    let out = dir.path().join("bookings.csv");
    let command = format!(
        "{} bookings open --format csv --key {} --passphrase-file {} --db {} --out {}",
        env!("CARGO_BIN_EXE_sealbook"),
        dir.path().join("keys/bistro.key.pem").display(),
        dir.path().join("passphrase").display(),
        database,
        out.display(),
    );
    let started = std::time::Instant::now();
    // `script` gives the command a pseudo-terminal, as a person at a shell has.
    let output = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .output()
        .expect("script (util-linux) runs");
    let elapsed = started.elapsed();
    assert!(output.status.success(), "{output:?}");
    let shown = String::from_utf8_lossy(&output.stdout);
    // The bar redraws as bookings open (indicatif limits the rate and clears it at the end).
    let draws = shown.matches(&format!("/{MANY} bookings")).count();
    assert!(draws > 10, "the progress bar drew {draws} times: {shown}");
    let mut reader = csv::Reader::from_path(&out).expect("CSV");
    let exported: BTreeSet<String> = reader
        .records()
        .map(|record| record.expect("record")[0].to_owned())
        .collect();
    assert_eq!(exported, ids, "every booking, once");
    eprintln!(
        "{MANY} bookings opened and written as CSV in {:.1} s (key unlock included)",
        elapsed.as_secs_f64()
    );
}
