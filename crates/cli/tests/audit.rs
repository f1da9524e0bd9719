//! `sealbook audit verify` as an operator runs it: exit 0 and the count of
//! every chain when the links hold; exit 3 and the first broken link's entry
//! once a database owner has dropped the triggers and edited an entry; exit 1
//! when the database cannot be read. (What the walk finds, on both backends,
//! is `crates/server/tests/audit_chain.rs`.)

use std::process::{Command, Output};

use sealbook_server::Storage;
use sealbook_server::ids::BusinessId;
use sealbook_server::storage::NewAuditEntry;
use sqlx::Connection as _;

fn sealbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(args)
        .output()
        .expect("sealbook runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_reports_counts_then_the_first_broken_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sealbook.db");
    let database = format!("sqlite://{}", path.display());
    let storage = Storage::open(&database).await.expect("storage");
    for (index, business) in [
        Some("bistro"),
        Some("bistro"),
        None,
        Some("praxis"),
        Some("bistro"),
    ]
    .into_iter()
    .enumerate()
    {
        storage
            .audit(&NewAuditEntry {
                business: business.map(BusinessId::new),
                at: 1_800_000_000 + i64::try_from(index).expect("small"),
                staff: None,
                session: None,
                action: "login_failed",
                booking_id: None,
                detail: String::new(),
            })
            .await
            .expect("audited");
    }
    storage.close().await;

    let all = sealbook(&["audit", "verify", "--db", &database]);
    assert_eq!(all.status.code(), Some(0), "{all:?}");
    let text = stdout(&all);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with("(no business): OK, 1 entries, head "),
        "{text}"
    );
    assert!(
        lines[1].starts_with("bistro: OK, 3 entries, head "),
        "{text}"
    );
    assert!(
        lines[2].starts_with("praxis: OK, 1 entries, head "),
        "{text}"
    );
    assert_eq!(lines[3], "OK: 3 chains, 5 entries");
    let one = sealbook(&["audit", "verify", "--db", &database, "--business", "bistro"]);
    assert_eq!(one.status.code(), Some(0), "{one:?}");
    assert_eq!(stdout(&one).lines().count(), 2, "{}", stdout(&one));
    assert_eq!(stdout(&one).lines().nth(1), Some("OK: 1 chains, 3 entries"));

    // A database owner drops the triggers and rewrites the second bistro entry.
    let mut connection = sqlx::AnyConnection::connect(&format!("{database}?mode=rw"))
        .await
        .expect("connect");
    let (edited, after): (String, String) = {
        let ids: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM audit WHERE business = 'bistro' ORDER BY seq")
                .fetch_all(&mut connection)
                .await
                .expect("ids");
        (ids[1].0.clone(), ids[2].0.clone())
    };
    for statement in [
        "DROP TRIGGER audit_no_update".to_owned(),
        format!("UPDATE audit SET action = 'login' WHERE id = '{edited}'"),
    ] {
        sqlx::query(&statement)
            .execute(&mut connection)
            .await
            .expect("tampered");
    }
    connection.close().await.expect("closed");

    let tampered = sealbook(&["audit", "verify", "--db", &database]);
    assert_eq!(tampered.status.code(), Some(3), "{tampered:?}");
    let text = stdout(&tampered);
    assert!(
        text.contains(&format!("bistro: BROKEN at entry {after}: ")) && text.contains(&edited),
        "{text}"
    );
    assert!(text.contains("praxis: OK, 1 entries"), "{text}");
    assert!(text.ends_with("BROKEN: 1 of 3 chains\n"), "{text}");
    let other = sealbook(&["audit", "verify", "--db", &database, "--business", "praxis"]);
    assert_eq!(
        other.status.code(),
        Some(0),
        "only the chain asked for: {other:?}"
    );

    let unreadable = sealbook(&["audit", "verify", "--db", "mysql://nowhere/sealbook"]);
    assert_eq!(unreadable.status.code(), Some(1), "{unreadable:?}");
    assert!(
        String::from_utf8_lossy(&unreadable.stderr).contains("cannot open"),
        "{unreadable:?}"
    );
}
