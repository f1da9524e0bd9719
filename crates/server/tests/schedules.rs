//! Schedules live in the database: seeded once from `sealbook.toml`, replaced
//! with a revision one higher each time (a change from a stale copy refused,
//! every change in the audit log), and taken up by a running process within a
//! second, without a restart — on SQLite and on PostgreSQL.

use std::time::{Duration, Instant};

use sealbook_server::Storage;
use sealbook_server::businesses::Businesses;
use sealbook_server::config::Config;
use sealbook_server::ids::BusinessId;
use sealbook_server::profile::Offer;
use sealbook_server::schedule::Closure;
use sealbook_server::storage::{ScheduleAuthor, ScheduleError};
use sealbook_testkit::{Business, ServerConfig};

mod support;

use support::TestDatabase;

const BISTRO: &str = "bistro-du-coin";

async fn open(database: &TestDatabase) -> (Config, Storage) {
    let config = ServerConfig::new(&database.url)
        .business(Business::bistro_du_coin())
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    (config, storage)
}

fn covers(businesses: &Businesses) -> u32 {
    match &businesses.get(BISTRO).expect("configured").profile.offer {
        Offer::Restaurant(restaurant) => restaurant.covers,
        Offer::Clinic(_) => unreachable!("the bistro is a restaurant"),
    }
}

async fn seeded_once_then_replaced_by_revision(database: TestDatabase) {
    let (config, storage) = open(&database).await;
    let id = BusinessId::new(BISTRO);
    let from_file = config.businesses[0].schedule.clone();
    assert!(storage.seed_schedule(&id, &from_file).await.expect("seed"));

    let mut changed = from_file.clone();
    changed.seating.as_mut().expect("a restaurant").covers = 7;
    changed.closures.push(Closure {
        from: "2031-01-01".to_owned(),
        to: "2031-01-07".to_owned(),
        note: None,
    });
    // Seeding again (every server start does) keeps what is stored.
    assert!(!storage.seed_schedule(&id, &changed).await.expect("seed"));
    let stored = storage.schedule(&id).await.expect("read").expect("stored");
    assert_eq!((stored.revision, &stored.settings), (1, &from_file));
    assert_eq!(stored.updated_by, "sealbook.toml");

    let revision = storage
        .replace_schedule(&id, &changed, Some(1), ScheduleAuthor::Import, |_| {
            Ok(Vec::new())
        })
        .await
        .expect("replace")
        .revision;
    assert_eq!(revision, 2);
    let stored = storage.schedule(&id).await.expect("read").expect("stored");
    assert_eq!((stored.revision, &stored.settings), (2, &changed));
    assert_eq!(stored.updated_by, "import");
    // A change made from revision 1 would undo the one just made: refused.
    let stale = storage
        .replace_schedule(&id, &from_file, Some(1), ScheduleAuthor::Import, |_| {
            Ok(Vec::new())
        })
        .await;
    assert!(matches!(stale, Err(ScheduleError::Stale(1))), "{stale:?}");
    assert_eq!(
        storage
            .schedule(&id)
            .await
            .expect("read")
            .expect("stored")
            .settings,
        changed
    );
    // Who changed what and when is in the business's audit log.
    let log = storage.audit_log(&id, 10).await.expect("audit");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].action, "schedule_changed");
    assert_eq!(
        log[0].detail,
        "revision 2 by import; 0 booking(s) need attention"
    );
}

async fn a_running_process_takes_up_a_change_within_a_second(database: TestDatabase) {
    let (config, storage) = open(&database).await;
    let id = BusinessId::new(BISTRO);
    let businesses = Businesses::new(&config);
    businesses.load(&storage).await.expect("load");
    assert_eq!(covers(&businesses), 8);
    let watcher = businesses.watch(storage.clone());

    let mut fewer = config.businesses[0].schedule.clone();
    fewer.seating.as_mut().expect("a restaurant").covers = 6;
    storage
        .replace_schedule(
            &id,
            &fewer,
            None,
            ScheduleAuthor::Import,
            |_| Ok(Vec::new()),
        )
        .await
        .expect("replace");
    let changed_at = Instant::now();
    while covers(&businesses) != 6 {
        assert!(
            changed_at.elapsed() < Duration::from_secs(1),
            "the change was not live within a second"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Settings this business cannot take (a clinic's, written behind the
    // server's back) are not served: the business keeps the schedule it had.
    let mut connection = database.connect().await;
    sqlx::query("UPDATE schedules SET revision = 9, settings = $1 WHERE business = $2")
        .bind(r#"{"slot_interval_minutes":15,"min_lead_minutes":0,"horizon_days":30}"#)
        .bind(BISTRO)
        .execute(&mut connection)
        .await
        .expect("hand edit");
    assert_eq!(businesses.refresh(&storage).await.expect("refresh"), 1);
    assert_eq!(covers(&businesses), 6);
    watcher.abort();
}

on_both_backends!(
    seeded_once_then_replaced_by_revision,
    a_running_process_takes_up_a_change_within_a_second
);
