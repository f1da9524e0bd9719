//! The real `sealbook courier` against a real `sealbook serve`: bookings with a
//! contact card get their confirmation by e-mail through a real SMTP server
//! (aiosmtpd on loopback) and by SMS through a loopback HTTP endpoint standing
//! in for the provider, each in the visitor's language; the reminder arrives at
//! its offset; the cancel link in the message cancels the booking, and after it
//! nothing more is sent and the card is gone. The visitor's address appears in
//! no server file, log or answer, and in no courier log.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{courier_key_file, free_port, send, start_server, wait_until_listening};
use sealbook_envelope::{
    ManageSecret, Recipient, SealParams, seal, seal_contact_card, seal_visitor_copy,
};
use sealbook_server::Storage;
use sealbook_server::ids::BusinessId;
use sealbook_testkit::{
    Business, KillOnDrop, ServerConfig, around_the_clock, contact_card_vector, courier_key,
    mail_body, smtp_python, smtp_server, vector,
};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::mpsc;

const CANARY_EMAIL: &str = "canary-5e1d.visitor@example.org";
const CANARY_PHONE: &str = "+33 6 98 76 54 32";
const CANARY_PHONE_DIGITS: &str = "33698765432";

/// A loopback HTTP endpoint standing in for an SMS provider: it answers 200 to
/// every request and hands each request's head and body to the test.
async fn sms_provider(port: u16) -> mpsc::UnboundedReceiver<(String, Value)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind the SMS endpoint");
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let sender = sender.clone();
            tokio::spawn(async move {
                let mut bytes = Vec::new();
                let mut buffer = [0u8; 4096];
                // Bounded: one request, at most 64 KiB, within 10 seconds.
                let read = tokio::time::timeout(Duration::from_secs(10), async {
                    loop {
                        let n = stream.read(&mut buffer).await.ok()?;
                        if n == 0 {
                            return None;
                        }
                        bytes.extend_from_slice(&buffer[..n]);
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        if let Some((head, body)) = text.split_once("\r\n\r\n") {
                            let length = head
                                .lines()
                                .find_map(|line| {
                                    let (name, value) = line.split_once(':')?;
                                    name.eq_ignore_ascii_case("content-length")
                                        .then(|| value.trim().parse::<usize>().ok())
                                        .flatten()
                                })
                                .unwrap_or(0);
                            if body.len() >= length {
                                return Some((head.to_owned(), body[..length].to_owned()));
                            }
                        }
                        if bytes.len() > 64 * 1024 {
                            return None;
                        }
                    }
                })
                .await
                .ok()
                .flatten();
                if let Some((head, body)) = read {
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                    let _ = sender.send((head, serde_json::from_str(&body).unwrap_or(Value::Null)));
                }
            });
        }
    });
    receiver
}

/// The messages in `maildir/new`, as text.
fn mails(maildir: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(maildir.join("new"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .collect();
    found.sort();
    found
}

/// Waits (bounded) until `maildir` holds a message that `wanted` accepts.
async fn mail_matching(maildir: &Path, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(45);
    loop {
        if let Some(found) = mails(maildir).into_iter().find(|mail| wanted(mail)) {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "no such message arrived: {:#?}",
            mails(maildir)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

struct Booked {
    id: String,
    secret: ManageSecret,
}

/// Uploads a booking at `start` as the widget does, with a card for `address`.
async fn book(
    port: u16,
    start: jiff::Timestamp,
    channel: &str,
    address: &str,
    lang: &str,
) -> Booked {
    let booking_key =
        Recipient::from_spki_pem(vector(0)["public_key_pem"].as_str().expect("pem")).expect("key");
    let courier = Recipient::from_spki_pem(
        contact_card_vector(0)["public_key_pem"]
            .as_str()
            .expect("pem"),
    )
    .expect("key");
    let secret = ManageSecret::generate(&mut getrandom::SysRng).expect("secret");
    let params = SealParams {
        business: "bistro",
        iat: jiff::Timestamp::now().as_second().unsigned_abs(),
    };
    let plaintext = json!({ "v": 1, "kind": "restaurant", "name": "Canary Visitor", "party_size": 2, "start": start.to_string(), "lang": lang }).to_string();
    let envelope = seal(
        std::slice::from_ref(&booking_key),
        &params,
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    let copy = seal_visitor_copy(
        &secret,
        &params,
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    let cancel = secret.cancel_token();
    let card = json!({ "v": 1, "channel": channel, "address": address, "lang": lang, "cancel": cancel.to_base64url() }).to_string();
    let card = seal_contact_card(
        std::slice::from_ref(&courier),
        &params,
        card.as_bytes(),
        &mut getrandom::SysRng,
    )
    .expect("seal");
    let body = json!({
        "envelope": URL_SAFE_NO_PAD.encode(envelope),
        "start": start.to_string(),
        "party_size": 2,
        "visitor_copy": URL_SAFE_NO_PAD.encode(copy),
        "manage_token_hash": secret.token().hash().to_base64url(),
        "contact_card": URL_SAFE_NO_PAD.encode(card),
        "cancel_token_hash": cancel.hash().to_base64url(),
    })
    .to_string();
    let (status, answer) = send(
        port,
        "POST",
        "/api/v1/businesses/bistro/bookings",
        "Content-Type: application/json\r\n",
        &body,
    )
    .await
    .expect("an answer");
    assert_eq!(status, 201, "{answer}");
    let answer: Value = serde_json::from_str(&answer).expect("JSON");
    Booked {
        id: answer["id"].as_str().expect("id").to_owned(),
        secret,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_courier_sends_confirmations_and_reminders_that_the_server_never_reads() {
    let Some(python) = smtp_python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("sealbook.db").display());
    let (port, smtp_port, sms_port) = (free_port(), free_port(), free_port());
    let maildir = dir.path().join("maildir");
    let _smtp = smtp_server(&python, smtp_port, &maildir).expect("start aiosmtpd");
    let mut texts = sms_provider(sms_port).await;

    // A booking on the next quarter hour at least 3 minutes away; its reminder
    // is due 20 seconds from now (tests may set offsets in seconds).
    let now = jiff::Timestamp::now().as_second();
    let start = jiff::Timestamp::from_second((now + 180) / 900 * 900 + 900).expect("time");
    let reminder_due = now + 20;
    let offset = start.as_second() - reminder_due;
    let config = dir.path().join("sealbook.toml");
    std::fs::write(
        &config,
        ServerConfig::new(&database)
            .listen(port)
            .business(
                Business::bistro()
                    .set("hours", around_the_clock())
                    .set("min_lead_minutes", 0)
                    // Any quarter hour's turn ends by midnight, whenever the test runs.
                    .set("turn_minutes", 15)
                    .set("address", "12 rue des Lilas, Paris")
                    .set("courier.keys", vec![courier_key(0)])
                    .set("courier.channels", vec!["email", "sms"])
                    .set("courier.reminders", vec![format!("{offset}s")])
                    .set("courier.grace", "10m"),
            )
            .toml(),
    )
    .expect("config");
    let server_log = dir.path().join("server.log");
    let _server = start_server(&config, &server_log);
    wait_until_listening(port).await;

    // The owner's token for the courier (stored as its hash, as the inbox does).
    let token = "sbc_test-courier-token-7f2c";
    let storage = Storage::open(&database).await.expect("storage");
    storage
        .create_courier_token(
            &BusinessId::new("bistro"),
            "courier-1",
            "back office",
            &Sha256::digest(token).into(),
            now,
        )
        .await
        .expect("token");
    let (key_file, passphrase_file) = courier_key_file(dir.path());
    std::fs::write(dir.path().join("courier.token"), token).expect("token file");
    std::fs::write(dir.path().join("sms.token"), "provider-secret").expect("sms token file");
    let courier_config = dir.path().join("courier.toml");
    std::fs::write(
        &courier_config,
        format!(
            r#"server = "http://127.0.0.1:{port}"
token_file = "courier.token"
key_files = ["{key}"]
passphrase_file = "{passphrase}"
[smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "Bistro <bistro@example.test>"
[sms]
webhook = "http://127.0.0.1:{sms_port}/send"
token_file = "sms.token"
sender = "Bistro"
"#,
            key = key_file.display(),
            passphrase = passphrase_file.display(),
        ),
    )
    .expect("courier config");
    let courier_log = dir.path().join("courier.log");
    let log = std::fs::File::create(&courier_log).expect("log");
    let mut courier = KillOnDrop::spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_sealbook"))
            .args(["courier", "--config"])
            .arg(&courier_config)
            .stdout(std::process::Stdio::from(log.try_clone().expect("log")))
            .stderr(std::process::Stdio::from(log)),
    )
    .expect("start the courier");

    let by_mail = book(port, start, "email", CANARY_EMAIL, "fr").await;
    let by_text = book(port, start, "sms", "+33698765432", "de").await;

    // The confirmation, by e-mail, in French, with a cancel link.
    let confirmation = mail_matching(&maildir, |mail| {
        mail.contains(CANARY_EMAIL) && mail_body(mail).contains("est confirmée")
    })
    .await;
    let body = mail_body(&confirmation);
    assert!(
        body.contains("Votre réservation chez Bistro est confirmée"),
        "{body}"
    );
    assert!(body.contains("12 rue des Lilas, Paris"), "{body}");
    let cancel = by_mail.secret.cancel_token().to_base64url();
    let link = format!("http://127.0.0.1:{port}/manage/cancel?lang=fr#{cancel}");
    assert!(body.contains(&link), "{body}");
    assert!(
        !body.contains(&by_mail.secret.to_base64url()),
        "the manage secret is not in the message"
    );

    // The SMS, in German, to the provider's webhook with its token.
    let (head, text) = tokio::time::timeout(Duration::from_secs(45), texts.recv())
        .await
        .expect("an SMS within 45 s")
        .expect("the endpoint runs");
    assert!(
        head.to_ascii_lowercase()
            .contains("authorization: bearer provider-secret"),
        "{head}"
    );
    assert_eq!(text["to"], "+33698765432");
    assert_eq!(text["sender"], "Bistro");
    assert!(
        text["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Ihre Reservierung bei Bistro ist bestätigt")),
        "{text}"
    );
    assert!(text["text"].as_str().is_some_and(|t| t.contains(&format!(
        "/manage/cancel?lang=de#{}",
        by_text.secret.cancel_token().to_base64url()
    ))));

    // The reminder, at its offset.
    let reminder = mail_matching(&maildir, |mail| {
        mail.contains(CANARY_EMAIL) && mail_body(mail).contains("Rappel")
    })
    .await;
    assert!(
        jiff::Timestamp::now().as_second() >= reminder_due,
        "not before its time"
    );
    assert!(mail_body(&reminder).contains(&link));

    // The cancel link cancels, and reads nothing.
    let bearer = format!("Authorization: Bearer {cancel}\r\n");
    let (status, read) = send(
        port,
        "GET",
        &format!("/api/v1/bookings/{}", by_mail.id),
        &bearer,
        "",
    )
    .await
    .expect("answer");
    assert_eq!(status, 404, "the cancel token reads no booking: {read}");
    let (status, cancelled) = send(port, "POST", "/api/v1/cancel", &bearer, "")
        .await
        .expect("answer");
    assert_eq!(status, 200, "{cancelled}");
    assert!(cancelled.contains("\"cancelled\""), "{cancelled}");
    let mut connection = {
        use sqlx::Connection as _;
        sqlx::AnyConnection::connect(&format!("{database}?mode=ro"))
            .await
            .expect("connect")
    };
    let (cards,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM contact_cards WHERE booking_id = $1")
            .bind(&by_mail.id)
            .fetch_one(&mut connection)
            .await
            .expect("count");
    assert_eq!(cards, 0, "the card went with the cancel");
    let (pending,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM message_jobs WHERE booking_id = $1 AND done_at IS NULL",
    )
    .bind(&by_mail.id)
    .fetch_one(&mut connection)
    .await
    .expect("count");
    assert_eq!(pending, 0, "nothing more to send about it");

    // Stopped cleanly; no address anywhere the server writes, nor in the courier's log.
    courier.kill().expect("stop the courier");
    courier.wait().expect("reaped");
    drop(connection);
    storage.close().await;
    let courier_text = std::fs::read_to_string(&courier_log).expect("courier log");
    assert!(courier_text.contains("sent"), "{courier_text}");
    for file in std::fs::read_dir(dir.path()).expect("dir").flatten() {
        let name = file.file_name().to_string_lossy().into_owned();
        if name.starts_with("sealbook.db") || name == "server.log" || name == "courier.log" {
            let bytes = std::fs::read(file.path()).expect("read");
            let text = String::from_utf8_lossy(&bytes);
            for canary in [
                CANARY_EMAIL,
                "canary-5e1d",
                CANARY_PHONE,
                CANARY_PHONE_DIGITS,
            ] {
                assert!(!text.contains(canary), "{canary} in {name}");
            }
        }
    }
}

/// `sealbook courier --config config`, appending to `log`.
fn start_courier(config: &Path, log: &Path) -> KillOnDrop {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log");
    KillOnDrop::spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_sealbook"))
            .args(["courier", "--config"])
            .arg(config)
            .stdout(std::process::Stdio::from(log.try_clone().expect("log")))
            .stderr(std::process::Stdio::from(log)),
    )
    .expect("start the courier")
}

/// How many messages the maildir holds per `Message-ID`.
fn delivered(maildir: &Path) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for mail in mails(maildir) {
        if let Some(id) = mail.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("message-id")
                .then(|| value.trim().to_owned())
        }) {
            *counts.entry(id).or_insert(0) += 1;
        }
    }
    counts
}

/// A thousand jobs. Two couriers share the queue without sending any job twice; then one courier,
/// killed at random moments (SIGKILL, between any two steps) and restarted,
/// still delivers every message. A job can go out twice only when the kill
/// falls between its send and its acknowledgement, so never more duplicates
/// than kills; the run prints how many there were (docs/COURIER.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_couriers_deliver_every_message_and_two_never_share_a_job() {
    const SHARED: usize = 150;
    const UNDER_KILLS: usize = 850;
    let Some(python) = smtp_python() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let database = format!("sqlite://{}", dir.path().join("sealbook.db").display());
    let (port, smtp_port) = (free_port(), free_port());
    let maildir = dir.path().join("maildir");
    let _smtp = smtp_server(&python, smtp_port, &maildir).expect("start aiosmtpd");
    let config = dir.path().join("sealbook.toml");
    std::fs::write(
        &config,
        ServerConfig::new(&database)
            .listen(port)
            .set("limits.bookings_per_minute", 1_000_000)
            .set("limits.bookings_per_slot", 10_000)
            .business(
                Business::bistro()
                    .set("covers", 100_000)
                    .set("hours", around_the_clock())
                    .set("horizon_days", 365)
                    .set("courier.keys", vec![courier_key(0)])
                    .set("courier.reminders", Vec::<String>::new()),
            )
            .toml(),
    )
    .expect("config");
    let _server = start_server(&config, &dir.path().join("server.log"));
    wait_until_listening(port).await;
    let storage = Storage::open(&database).await.expect("storage");
    let token = "sbc_kill-test-token";
    let now = jiff::Timestamp::now().as_second();
    storage
        .create_courier_token(
            &BusinessId::new("bistro"),
            "c",
            "kill test",
            &Sha256::digest(token).into(),
            now,
        )
        .await
        .expect("token");
    let (key_file, passphrase_file) = courier_key_file(dir.path());
    std::fs::write(dir.path().join("courier.token"), token).expect("token file");
    let courier_config = dir.path().join("courier.toml");
    std::fs::write(
        &courier_config,
        format!(
            "server = \"http://127.0.0.1:{port}\"\ntoken_file = \"courier.token\"\nkey_files = [\"{}\"]\n\
             passphrase_file = \"{}\"\nlease_seconds = 10\n[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\n\
             security = \"none\"\nfrom = \"Bistro <bistro@example.test>\"\n",
            key_file.display(),
            passphrase_file.display()
        ),
    )
    .expect("courier config");
    let log = dir.path().join("courier.log");
    let book_many = |from: usize, count: usize| async move {
        for index in from..from + count {
            // From the day after tomorrow: tomorrow's first hours fall inside
            // the lead time when the test runs late in the (UTC) evening.
            let start = common::start_at(
                2 + i64::try_from(index / 20).expect("small"),
                i64::try_from(index % 20).expect("small"),
            );
            book(
                port,
                start,
                "email",
                &format!("visitor{index}@example.org"),
                "en",
            )
            .await;
        }
    };
    let wait_for = |expected: usize| {
        let maildir = maildir.clone();
        async move {
            let deadline = Instant::now() + Duration::from_secs(240);
            loop {
                let distinct = delivered(&maildir).len();
                if distinct >= expected {
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "{distinct} of {expected} delivered"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };

    // Two couriers, normal operation: every message once.
    book_many(0, SHARED).await;
    let first = start_courier(&courier_config, &log);
    let second = start_courier(&courier_config, &log);
    wait_for(SHARED).await;
    drop((first, second));
    let shared = delivered(&maildir);
    assert_eq!(shared.len(), SHARED);
    assert!(
        shared.values().all(|&copies| copies == 1),
        "two couriers sent one job twice: {shared:?}"
    );

    // One courier, killed at random moments and restarted.
    book_many(SHARED, UNDER_KILLS).await;
    let mut kills = 0usize;
    let mut seed = u64::try_from(now).unwrap_or(7) | 1;
    let mut courier = start_courier(&courier_config, &log);
    for _ in 0..20 {
        // xorshift: a new pause each time, 150–750 ms.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        tokio::time::sleep(Duration::from_millis(150 + seed % 600)).await;
        courier.kill().expect("kill");
        courier.wait().expect("reaped");
        kills += 1;
        courier = start_courier(&courier_config, &log);
    }
    wait_for(SHARED + UNDER_KILLS).await;
    drop(courier);
    let all = delivered(&maildir);
    let duplicates: usize = all.values().map(|&copies| copies - 1).sum();
    eprintln!(
        "courier: {} jobs delivered under {kills} random kills (SIGKILL), {duplicates} sent twice",
        SHARED + UNDER_KILLS
    );
    assert_eq!(all.len(), SHARED + UNDER_KILLS, "every message delivered");
    assert!(
        duplicates <= kills,
        "{duplicates} duplicates for {kills} kills"
    );
    let mut connection = {
        use sqlx::Connection as _;
        sqlx::AnyConnection::connect(&format!("{database}?mode=ro"))
            .await
            .expect("connect")
    };
    let (pending,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM message_jobs WHERE done_at IS NULL")
            .fetch_one(&mut connection)
            .await
            .expect("count");
    assert_eq!(pending, 0, "every job acknowledged");
}
