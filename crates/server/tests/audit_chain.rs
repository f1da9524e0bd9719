//! The audit log's hash chains, on both backends: they verify after many
//! entries from concurrent writers, after retention sweeps and after an
//! upgrade from a database without chains; and when a database owner drops the
//! append-only triggers and edits, deletes or reorders an entry, verification
//! names the first broken link.

use jiff::Timestamp;
use sealbook_server::ids::BusinessId;
use sealbook_server::storage::{AUDIT_GENESIS, ChainReport, NewAuditEntry};
use sealbook_server::{AppState, Config, Storage, sweeper};
use sqlx::Connection as _;

mod support;
use support::TestDatabase;

const DAY: i64 = 86_400;
const T0: i64 = 1_800_000_000;

fn bistro() -> BusinessId {
    BusinessId::new("bistro")
}

fn entry(business: Option<&BusinessId>, at: i64, detail: String) -> NewAuditEntry {
    NewAuditEntry {
        business: business.cloned(),
        at,
        staff: None,
        session: Some("abcdefgh".to_owned()),
        action: "opened",
        booking_id: Some("booking".to_owned()),
        detail,
    }
}

/// Appends `count` entries of `business`, one a day from `T0`.
async fn daily(storage: &Storage, business: Option<&BusinessId>, count: i64) {
    for day in 0..count {
        storage
            .audit(&entry(business, T0 + day * DAY, format!("day {day}")))
            .await
            .expect("audited");
    }
}

/// The ids of `business`'s entries (None: those without one), oldest first.
async fn ids(database: &TestDatabase, business: Option<&str>) -> Vec<String> {
    let mut connection = database.connect().await;
    sqlx::query_as::<_, (String,)>(
        "SELECT id FROM audit WHERE COALESCE(business, '') = $1 ORDER BY seq",
    )
    .bind(business.unwrap_or_default())
    .fetch_all(&mut connection)
    .await
    .expect("ids")
    .into_iter()
    .map(|(id,)| id)
    .collect()
}

/// Runs `statements` as a hostile database owner would: with the append-only
/// triggers out of the way first.
async fn as_database_owner(database: &TestDatabase, statements: &[String]) {
    let mut connection = database.connect().await;
    let disable: &[&str] = if database.sqlite_path.is_some() {
        &[
            "DROP TRIGGER IF EXISTS audit_no_update",
            "DROP TRIGGER IF EXISTS audit_no_delete",
            "DROP TRIGGER IF EXISTS audit_linked",
        ]
    } else {
        &["ALTER TABLE audit DISABLE TRIGGER USER"]
    };
    for statement in disable
        .iter()
        .copied()
        .chain(statements.iter().map(String::as_str))
    {
        sqlx::query(statement)
            .execute(&mut connection)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
}

/// An application-level statement (triggers in place); whether it succeeded.
async fn try_execute(database: &TestDatabase, statement: &str) -> bool {
    let mut connection = database.connect().await;
    sqlx::query(statement)
        .execute(&mut connection)
        .await
        .is_ok()
}

async fn verify(storage: &Storage, business: Option<&BusinessId>) -> Vec<ChainReport> {
    storage.verify_audit(business).await.expect("verify")
}

fn assert_all_hold(reports: &[ChainReport]) {
    for report in reports {
        assert_eq!(report.broken, None, "{report:?}");
    }
}

/// The one report of `storage`'s bistro chain.
async fn bistro_chain(storage: &Storage) -> ChainReport {
    let mut reports = verify(storage, Some(&bistro())).await;
    assert_eq!(reports.len(), 1, "{reports:?}");
    reports.remove(0)
}

async fn the_chains_hold_after_many_entries_and_concurrent_writers(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    let praxis = BusinessId::new("praxis");
    daily(&storage, Some(&bistro()), 10).await;
    daily(&storage, Some(&praxis), 7).await;
    daily(&storage, None, 5).await;
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let storage = storage.clone();
            tokio::spawn(async move {
                for index in 0..20 {
                    let business = (writer % 4 != 3).then(bistro);
                    storage
                        .audit(&entry(
                            business.as_ref(),
                            T0 + index,
                            format!("writer {writer} entry {index}"),
                        ))
                        .await
                        .expect("audited");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer");
    }

    let reports = verify(&storage, None).await;
    assert_all_hold(&reports);
    let counts: Vec<(Option<&str>, u64)> = reports
        .iter()
        .map(|report| {
            (
                report.business.as_ref().map(|business| business.as_str()),
                report.entries,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            (None, 5 + 2 * 20),
            (Some("bistro"), 10 + 6 * 20),
            (Some("praxis"), 7)
        ]
    );
    assert!(reports.iter().all(|report| report.anchor == AUDIT_GENESIS));
    assert_eq!(database.count("audit").await, 5 + 40 + 130 + 7);
    // No fork: within a chain, no two entries link to the same predecessor.
    let mut connection = database.connect().await;
    let (forks,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT 1 AS fork FROM audit GROUP BY COALESCE(business, ''), prev_hash
                               HAVING COUNT(*) > 1) AS forks",
    )
    .fetch_one(&mut connection)
    .await
    .expect("forks");
    assert_eq!(forks, 0);
    assert_eq!(bistro_chain(&storage).await.entries, 130);
}

async fn an_edited_entry_is_detected(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    daily(&storage, Some(&bistro()), 10).await;
    daily(&storage, None, 3).await;
    let ids = ids(&database, Some("bistro")).await;
    assert_eq!(
        bistro_chain(&storage).await.broken,
        None,
        "holds before tampering"
    );

    as_database_owner(
        &database,
        &[format!(
            "UPDATE audit SET detail = 'nothing to see' WHERE id = '{}'",
            ids[4]
        )],
    )
    .await;
    let report = bistro_chain(&storage).await;
    let broken = report.broken.expect("the edit is found");
    assert_eq!(
        broken.entry_id.as_deref(),
        Some(ids[5].as_str()),
        "the link after the edited entry breaks: {}",
        broken.reason
    );
    assert!(broken.reason.contains(&ids[4]), "{}", broken.reason);
    assert_eq!(report.entries, 5, "the walk stops at the break");
    let unattributed = verify(&storage, None).await;
    assert_eq!(unattributed[0].business, None);
    assert_eq!(unattributed[0].broken, None, "other chains still hold");

    // The newest entry has no successor: the head catches its edit.
    as_database_owner(
        &database,
        &[
            format!("UPDATE audit SET at = at + 1 WHERE id = '{}'", ids[9]),
            format!("UPDATE audit SET detail = 'day 4' WHERE id = '{}'", ids[4]),
        ],
    )
    .await;
    let broken = bistro_chain(&storage).await.broken.expect("found");
    assert_eq!(broken.entry_id, None, "{}", broken.reason);
    assert!(broken.reason.contains("head"), "{}", broken.reason);
}

async fn a_deleted_entry_is_detected(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    let (praxis, clinic) = (BusinessId::new("praxis"), BusinessId::new("clinic"));
    for business in [bistro(), praxis.clone(), clinic.clone()] {
        daily(&storage, Some(&business), 10).await;
    }
    assert_all_hold(&verify(&storage, None).await);
    let (middle, oldest, newest) = (
        ids(&database, Some("bistro")).await,
        ids(&database, Some("praxis")).await,
        ids(&database, Some("clinic")).await,
    );
    as_database_owner(
        &database,
        &[
            format!("DELETE FROM audit WHERE id = '{}'", middle[4]),
            format!("DELETE FROM audit WHERE id = '{}'", oldest[0]),
            format!("DELETE FROM audit WHERE id = '{}'", newest[9]),
        ],
    )
    .await;

    let broken = bistro_chain(&storage).await.broken.expect("found");
    assert_eq!(broken.entry_id.as_deref(), Some(middle[5].as_str()));
    assert!(broken.reason.contains(&middle[3]), "{}", broken.reason);

    // The oldest, without moving the anchor as a retention sweep does.
    let broken = verify(&storage, Some(&praxis)).await.remove(0).broken;
    let broken = broken.expect("found");
    assert_eq!(broken.entry_id.as_deref(), Some(oldest[1].as_str()));
    assert!(broken.reason.contains("anchor"), "{}", broken.reason);

    // The newest: the chain's head still names it.
    let broken = verify(&storage, Some(&clinic)).await.remove(0).broken;
    let broken = broken.expect("found");
    assert_eq!(broken.entry_id, None, "{}", broken.reason);
    assert!(broken.reason.contains(&newest[8]), "{}", broken.reason);
}

async fn a_reordered_entry_is_detected(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    daily(&storage, Some(&bistro()), 10).await;
    let ids = ids(&database, Some("bistro")).await;
    let mut connection = database.connect().await;
    let seq = async |connection: &mut sqlx::AnyConnection, id: &str| -> i64 {
        let (seq,): (i64,) = sqlx::query_as("SELECT seq FROM audit WHERE id = $1")
            .bind(id)
            .fetch_one(connection)
            .await
            .expect("seq");
        seq
    };
    let (fourth, seventh) = (
        seq(&mut connection, &ids[3]).await,
        seq(&mut connection, &ids[6]).await,
    );
    drop(connection);
    // Swap the places of the fourth and the seventh entry, contents untouched.
    as_database_owner(
        &database,
        &[
            format!("UPDATE audit SET seq = -1 WHERE id = '{}'", ids[3]),
            format!("UPDATE audit SET seq = {fourth} WHERE id = '{}'", ids[6]),
            format!("UPDATE audit SET seq = {seventh} WHERE id = '{}'", ids[3]),
        ],
    )
    .await;
    let broken = bistro_chain(&storage).await.broken.expect("found");
    assert_eq!(
        broken.entry_id.as_deref(),
        Some(ids[6].as_str()),
        "the entry moved up no longer links to the one now before it: {}",
        broken.reason
    );
    assert!(broken.reason.contains(&ids[2]), "{}", broken.reason);
}

async fn retention_deletes_from_the_old_end_and_the_chain_still_holds(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    daily(&storage, Some(&bistro()), 10).await;
    daily(&storage, None, 4).await;
    let before = ids(&database, Some("bistro")).await;

    let swept = storage.sweep_audit(T0 + 5 * DAY).await.expect("sweep");
    assert_eq!(swept.deleted, 5 + 4);
    assert!(swept.broken.is_empty());
    assert_eq!(ids(&database, Some("bistro")).await, before[5..]);
    let reports = verify(&storage, None).await;
    assert_all_hold(&reports);
    assert_eq!((reports[1].entries, reports[1].swept), (5, 5));
    assert_ne!(reports[1].anchor, AUDIT_GENESIS, "the anchor moved");
    assert_eq!((reports[0].entries, reports[0].swept), (0, 4));
    assert!(
        !try_execute(&database, "DELETE FROM audit").await,
        "outside the sweep, the triggers refuse every delete again"
    );
    assert_eq!(database.count("audit").await, 5);

    // Appends after a sweep, to a chain swept empty too.
    daily(&storage, Some(&bistro()), 2).await;
    daily(&storage, None, 2).await;
    assert_all_hold(&verify(&storage, None).await);
    assert_eq!(
        storage.sweep_audit(T0 + DAY).await.expect("sweep").deleted,
        1,
        "from the oldest end only: bistro's new entry of day 0 comes after kept ones and stays"
    );
    assert_all_hold(&verify(&storage, None).await);

    // Everything, then more.
    storage.sweep_audit(i64::MAX).await.expect("sweep");
    assert_eq!(database.count("audit").await, 0);
    let report = bistro_chain(&storage).await;
    assert_eq!((report.entries, report.swept, report.broken), (0, 12, None));
    daily(&storage, Some(&bistro()), 3).await;
    assert_eq!(bistro_chain(&storage).await.entries, 3);
    assert_all_hold(&verify(&storage, None).await);
    // A sweep does not launder tampering: a chain broken in its due part stays whole.
    let due = ids(&database, Some("bistro")).await;
    as_database_owner(
        &database,
        &[format!("DELETE FROM audit WHERE id = '{}'", due[1])],
    )
    .await;
    let swept = storage.sweep_audit(T0 + 5 * DAY).await.expect("sweep");
    assert_eq!(swept.deleted, 0);
    assert_eq!(swept.broken, ["bistro"]);
    assert_eq!(database.count("audit").await, 2);
    assert!(bistro_chain(&storage).await.broken.is_some());
}

async fn the_sweeper_applies_audit_retention_days(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    daily(&storage, Some(&bistro()), 40).await;
    let config = Config::from_toml("audit_retention_days = 30", database.dir()).expect("config");
    let state = AppState::new(config, storage.clone());
    let now = Timestamp::from_second(T0 + 39 * DAY).expect("in range");
    sweeper::sweep_once(&state, now).await.expect("sweep");
    let report = bistro_chain(&storage).await;
    assert_eq!((report.entries, report.swept, report.broken), (31, 9, None));
}

/// A database made before the chains (up to migration 0007) with entries:
/// opening it links them, and they verify.
async fn entries_from_before_the_chains_are_linked_when_the_database_opens(database: TestDatabase) {
    let folder = if database.sqlite_path.is_some() {
        "sqlite"
    } else {
        "postgres"
    };
    let old = tempfile::tempdir().expect("temp dir");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    for file in std::fs::read_dir(&source).expect("migrations") {
        let path = file.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name.as_str() < "0008" {
            std::fs::copy(&path, old.path().join(&name)).expect("copy");
        }
    }
    sqlx::any::install_default_drivers();
    let url = if database.sqlite_path.is_some() {
        format!("{}?mode=rwc", database.url)
    } else {
        database.url.clone()
    };
    let mut connection = sqlx::AnyConnection::connect(&url).await.expect("connect");
    sqlx::migrate::Migrator::new(old.path())
        .await
        .expect("migrator")
        .run(&mut connection)
        .await
        .expect("migrated to 0007");
    for (index, business) in [
        Some("bistro"),
        None,
        Some("bistro"),
        Some("praxis"),
        None,
        Some("bistro"),
    ]
    .into_iter()
    .enumerate()
    {
        sqlx::query(
            "INSERT INTO audit (id, business, at, staff_id, session, action, booking_id, detail)
             VALUES ($1, $2, $3, NULL, NULL, 'login', NULL, '')",
        )
        .bind(format!("legacy-{index}"))
        .bind(business)
        .bind(T0 + i64::try_from(index).expect("small"))
        .execute(&mut connection)
        .await
        .expect("legacy entry");
    }
    connection.close().await.expect("closed");

    let storage = Storage::open(&database.url).await.expect("upgraded");
    let reports = verify(&storage, None).await;
    assert_all_hold(&reports);
    let counts: Vec<u64> = reports.iter().map(|report| report.entries).collect();
    assert_eq!(counts, [2, 3, 1]);
    daily(&storage, Some(&bistro()), 2).await;
    assert_eq!(bistro_chain(&storage).await.entries, 5);
    // Opening again links nothing twice, and a link can be set only once.
    let again = Storage::open(&database.url).await.expect("reopened");
    assert_all_hold(&verify(&again, None).await);
    assert!(!try_execute(&database, "UPDATE audit SET prev_hash = NULL").await);
    assert!(
        !try_execute(
            &database,
            "UPDATE audit SET prev_hash = (SELECT head FROM audit_chains WHERE chain = 'praxis')"
        )
        .await
    );
    assert!(
        !try_execute(
            &database,
            "INSERT INTO audit (id, business, at, action, detail) VALUES ('unlinked', 'bistro', 1, 'login', '')"
        )
        .await,
        "a new entry must carry its link"
    );
}

on_both_backends!(
    the_chains_hold_after_many_entries_and_concurrent_writers,
    an_edited_entry_is_detected,
    a_deleted_entry_is_detected,
    a_reordered_entry_is_detected,
    retention_deletes_from_the_old_end_and_the_chain_still_holds,
    the_sweeper_applies_audit_retention_days,
    entries_from_before_the_chains_are_linked_when_the_database_opens,
);
