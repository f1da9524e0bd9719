//! New-booking notices over a real SMTP conversation (aiosmtpd, from PyPI, writing
//! to a Maildir): the business learns when and how many, nothing that names the
//! visitor; a mail server that is down when the booking arrives still gets the
//! notice once it is back.

use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Recipient, SealParams, seal};
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig, smtp_python, smtp_server, vector_public_key};
use serde_json::json;
use tower::ServiceExt as _;

mod support;

const CANARY: &str = "Canary-notice-5e2a-Moreau";

/// The first message delivered to `maildir`, waiting at most `limit`.
async fn first_message(maildir: &Path, limit: Duration) -> Option<String> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(entry) = std::fs::read_dir(maildir.join("new"))
            .ok()
            .and_then(|mut entries| entries.next())
        {
            return std::fs::read_to_string(entry.ok()?.path()).ok();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// A configuration on `database` that mails through plain SMTP on loopback
/// `smtp_port`, with `business`.
fn mailing(database: &support::TestDatabase, smtp_port: u16, business: Business) -> Config {
    let config = ServerConfig::new(&database.url)
        .extend(&format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\nsecurity = \"none\"\n\
             from = \"Sealbook <bookings@book.test>\"\n"
        ))
        .business(business)
        .toml();
    Config::from_toml(&config, database.dir()).expect("config")
}

/// A loopback port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("port")
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_booking_is_notified_without_personal_data_even_after_a_mail_outage() {
    let Some(python) = smtp_python() else {
        return;
    };
    let database = support::sqlite().await;
    let maildir = database.dir().join("maildir");
    let smtp_port = free_port();
    let mut config = mailing(
        &database,
        smtp_port,
        Business::bistro_du_coin().extend(
            r#"
            notify = "Patronne <patronne@bistro.test>"
            language = "fr"
            "#,
        ),
    );
    config.metrics_token = Some("prometheus-secret".to_owned());
    let storage = Storage::open(&config.database).await.expect("storage");
    let state = AppState::new(config, storage);

    // The booking arrives while the mail server is down.
    let recipient = Recipient::from_spki_pem(&vector_public_key(0)).expect("key");
    let plaintext = json!({ "v": 1, "kind": "restaurant", "name": CANARY, "contact": { "phone": "+33 6 55 44 33 22" }, "party_size": 4, "lang": "fr" });
    let envelope = URL_SAFE_NO_PAD.encode(
        seal(
            std::slice::from_ref(&recipient),
            &SealParams {
                business: "bistro-du-coin",
                iat: 1,
            },
            plaintext.to_string().as_bytes(),
            &mut getrandom::SysRng,
        )
        .expect("seal"),
    );
    // The first Friday at least two days ahead, 19:30 in Paris: past the lead
    // time whenever the test runs (a fixed date went into the past).
    let paris = jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tzdb");
    let mut friday = jiff::Timestamp::now()
        .to_zoned(paris.clone())
        .date()
        .checked_add(jiff::Span::new().days(2))
        .expect("date");
    while friday.weekday() != jiff::civil::Weekday::Friday {
        friday = friday.tomorrow().expect("date");
    }
    let start = friday
        .at(19, 30, 0, 0)
        .to_zoned(paris)
        .expect("19:30 exists")
        .timestamp()
        .to_string();
    let response = app(state.clone())
        .oneshot(
            Request::post("/api/v1/businesses/bistro-du-coin/bookings")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({ "envelope": envelope, "start": start, "party_size": 4 }).to_string(),
                ))
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(
        first_message(&maildir, Duration::from_millis(1500))
            .await
            .is_none(),
        "no mail server yet"
    );
    let metrics = app(state.clone())
        .oneshot(
            Request::get("/metrics")
                .header(header::AUTHORIZATION, "Bearer prometheus-secret")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    let metrics = axum::body::to_bytes(metrics.into_body(), 1 << 20)
        .await
        .expect("body");
    let metrics = String::from_utf8_lossy(&metrics);
    assert!(
        metrics
            .lines()
            .any(|line| line == "sealbook_outbox_depth 1"),
        "the notice waits in the outbox: {metrics}"
    );

    let mut mail_server = smtp_server(&python, smtp_port, &maildir).expect("start aiosmtpd");
    let message = first_message(&maildir, Duration::from_secs(30)).await;
    mail_server.kill().expect("stop aiosmtpd");
    mail_server.wait().expect("reaped");
    let message = message.expect("the notice arrives once the mail server is back");

    assert!(message.contains("patronne@bistro.test"), "{message}");
    assert!(message.contains("Subject: Nouvelle"), "{message}");
    let body = message
        .split_once("\n\n")
        .map_or("", |(_, body)| body)
        .replace("=\n", "");
    let day = format!("vendredi {} d", friday.day());
    for expected in [day.as_str(), "19:30", "4 personnes"] {
        assert!(body.contains(expected), "{expected} in {body}");
    }
    for secret in [CANARY, "+33 6 55 44 33 22", &envelope[..40]] {
        assert!(!message.contains(secret), "{secret} in the notice");
    }
}

/// Every message delivered to `maildir` so far.
fn messages(maildir: &Path) -> Vec<String> {
    std::fs::read_dir(maildir.join("new"))
        .map(|entries| {
            entries
                .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A header's value (the first line of it).
fn header_of<'a>(message: &'a str, name: &str) -> &'a str {
    message
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
        .unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_is_told_to_the_staff_who_chose_it_and_to_no_one_else() {
    use sealbook_server::ids::{BookingId, BusinessId, StaffId};
    use sealbook_server::storage::{
        Cancel, NewBooking, NewStaff, Notice, NoticeKind, Rebook, Role,
    };
    use sqlx::Connection as _;

    let Some(python) = smtp_python() else {
        return;
    };
    let database = support::sqlite().await;
    let maildir = database.dir().join("maildir");
    let smtp_port = free_port();
    let mut mail_server = smtp_server(&python, smtp_port, &maildir).expect("start aiosmtpd");
    let config = mailing(
        &database,
        smtp_port,
        Business::bistro_du_coin().extend("notify = \"patronne@bistro.test\"\n"),
    );
    let storage = Storage::open(&config.database).await.expect("storage");
    let business = BusinessId::new("bistro-du-coin");
    let mut members = Vec::new();
    for email in ["all@bistro.test", "revoked@bistro.test", "none@bistro.test"] {
        let id = StaffId::generate().expect("randomness");
        storage
            .create_staff(
                &NewStaff {
                    id: id.clone(),
                    business: business.clone(),
                    email: email.to_owned(),
                    role: Role::Staff,
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
                    created_at: 1_800_000_000,
                },
                &[],
            )
            .await
            .expect("member");
        let kinds = if email.starts_with("none") {
            Vec::new()
        } else {
            NoticeKind::ALL.to_vec()
        };
        storage
            .set_notice_preferences(&id, &kinds)
            .await
            .expect("chosen");
        members.push(id);
    }
    storage.revoke_staff(&members[1]).await.expect("revoked");
    // Starts the sender, which routes new bookings to the notify address.
    let _state = AppState::new(config, storage.clone());

    // Three bookings whose sealed bytes and token carry the canary; a change,
    // a cancellation by the visitor, an erasure by the visitor and by staff, a
    // cancellation by staff, and a late cancellation from another part's
    // transaction.
    let booking = |index: u8| NewBooking {
        id: BookingId::generate().expect("randomness"),
        business: business.clone(),
        starts_at: 1_900_000_000 + i64::from(index) * 3_600,
        ends_at: 1_900_005_400 + i64::from(index) * 3_600,
        party_size: u32::from(index) + 2,
        service: None,
        practitioner: None,
        envelope: CANARY.as_bytes().to_vec(),
        envelope_hash: [index; 32],
        visitor_copy: Some(CANARY.as_bytes().to_vec()),
        token_hash: Some([index; 32]),
        created_at: 1_800_000_000,
        contact_card: None,
    };
    let rows: Vec<NewBooking> = (1..=3).map(booking).collect();
    for row in &rows {
        storage
            .book(&business, None, (0, 1), row.envelope_hash, |_| {
                Ok(row.clone())
            })
            .await
            .expect("booked");
    }
    let mut moved = booking(7);
    moved.id = rows[0].id.clone();
    // No cancellation deadline here: every start is after `late_from`.
    let late_from = 0;
    let changed = storage
        .rebook(
            &business,
            (rows[0].id.as_str(), &[1; 32]),
            late_from,
            (0, 1),
            |_, _| Ok(moved.clone()),
        )
        .await
        .expect("changed");
    assert!(matches!(changed, Rebook::Changed(_)));
    assert!(matches!(
        storage
            .cancel(rows[0].id.as_str(), &[1; 32], late_from)
            .await
            .expect("cancelled"),
        Some(Cancel::Cancelled(_))
    ));
    storage
        .erase(rows[1].id.as_str(), &[2; 32])
        .await
        .expect("erased")
        .expect("found");
    storage
        .cancel_for_business(&business, rows[2].id.as_str(), late_from)
        .await
        .expect("cancelled");
    storage
        .erase_for_business(&business, rows[2].id.as_str())
        .await
        .expect("erased")
        .expect("found");
    let mut connection = database.connect().await;
    // The notice's recipients are read before it is written: on SQLite the
    // transaction takes the write lock first, as the server's own do, or the
    // sender's writes in between would make its upgrade fail at once.
    let mut transaction = if database.sqlite_path.is_some() {
        connection.begin_with("BEGIN IMMEDIATE").await
    } else {
        connection.begin().await
    }
    .expect("begin");
    storage
        .enqueue_notice(
            &mut transaction,
            &Notice {
                business: business.clone(),
                kind: NoticeKind::LateCancelled,
                starts_at: 1_900_000_000,
                party_size: 2,
                service: None,
                practitioner: None,
            },
            jiff::Timestamp::now().as_second(),
        )
        .await
        .expect("written");
    transaction.commit().await.expect("committed");

    // 3 × 2 new (the address and the member), then one each to the member.
    const EXPECTED: usize = 6 + 6;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (sent,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")
                .fetch_one(&mut connection)
                .await
                .expect("count");
        if usize::try_from(sent).expect("a count") >= EXPECTED {
            break;
        }
        if Instant::now() >= deadline {
            let rows: Vec<(String, i64, Option<i64>)> =
                sqlx::query_as("SELECT kind, attempts, sent_at FROM outbox ORDER BY id")
                    .fetch_all(&mut connection)
                    .await
                    .expect("read");
            panic!("only {sent} notices sent: {rows:#?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let delivered = messages(&maildir);
    mail_server.kill().expect("stop aiosmtpd");
    mail_server.wait().expect("reaped");
    assert_eq!(delivered.len(), EXPECTED, "{delivered:#?}");
    let mut subjects: Vec<(&str, &str)> = delivered
        .iter()
        .map(|message| {
            let subject = header_of(message, "Subject");
            (
                header_of(message, "To"),
                subject.split(':').next().unwrap_or(""),
            )
        })
        .collect();
    subjects.sort_unstable();
    assert_eq!(
        subjects,
        vec![
            ("all@bistro.test", "Booking cancelled"),
            ("all@bistro.test", "Booking cancelled"),
            ("all@bistro.test", "Booking changed"),
            ("all@bistro.test", "Booking erased"),
            ("all@bistro.test", "Booking erased"),
            ("all@bistro.test", "Late cancellation"),
            ("all@bistro.test", "New booking"),
            ("all@bistro.test", "New booking"),
            ("all@bistro.test", "New booking"),
            ("patronne@bistro.test", "New booking"),
            ("patronne@bistro.test", "New booking"),
            ("patronne@bistro.test", "New booking"),
        ]
    );
    let ids: std::collections::BTreeSet<&str> = delivered
        .iter()
        .map(|message| header_of(message, "Message-ID"))
        .collect();
    assert_eq!(ids.len(), EXPECTED, "one Message-ID per notice: {ids:?}");
    assert!(
        ids.iter()
            .all(|id| id.starts_with("<notice.") && id.ends_with("@book.test>"))
    );
    for message in &delivered {
        assert!(!message.contains(CANARY), "the canary in {message}");
        assert!(!message.contains("revoked@"), "{message}");
    }
}
