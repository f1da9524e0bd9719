//! Bookings of many businesses at once, from two processes on one database
//! (`storage/group_commit.rs`): each business's capacity stays exact, no
//! booking fails, and a business whose lock another transaction holds holds
//! up no other. These hold for any way of sharing commits between bookings;
//! a batch that held several businesses' locks and waited for one more could
//! deadlock with another process's, and one that waited in line behind a
//! business held elsewhere would hold up every business behind it.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use sealbook_server::Storage;
use sealbook_server::availability::Refusal;
use sealbook_server::ids::{BookingId, BusinessId};
use sealbook_server::storage::{BookError, Booked, BookingFilter, NewBooking};
use sha2::{Digest as _, Sha256};
use sqlx::Connection as _;
use support::TestDatabase;

/// Seats at the one time every booking asks for.
const SEATS: usize = 5;
/// Attempts per business and process: more than the seats, so some are refused.
const ATTEMPTS: usize = 8;
const STARTS_AT: i64 = 1_900_000_000;
const ENDS_AT: i64 = STARTS_AT + 5_400;
/// However slow the machine, nothing here may take longer.
const PATIENCE: Duration = Duration::from_secs(60);

fn business(index: usize) -> BusinessId {
    BusinessId::new(format!("lane-test-{index:02}"))
}

fn booking(business: &BusinessId) -> NewBooking {
    let id = BookingId::generate().expect("randomness");
    NewBooking {
        envelope_hash: Sha256::digest(id.as_str()).into(),
        id,
        business: business.clone(),
        starts_at: STARTS_AT,
        ends_at: ENDS_AT,
        party_size: 1,
        service: None,
        practitioner: None,
        envelope: vec![0x5b; 512],
        visitor_copy: None,
        token_hash: None,
        created_at: 1_800_000_000,
        contact_card: None,
    }
}

/// One booking at the shared time, refused once the business's seats are taken.
async fn book_one(storage: &Storage, business: &BusinessId) -> Result<Booked, BookError> {
    let row = booking(business);
    let hash = row.envelope_hash;
    storage
        .book(business, None, (STARTS_AT, ENDS_AT), hash, |competing| {
            if competing.len() < SEATS {
                Ok(row)
            } else {
                Err(Refusal::SlotFull)
            }
        })
        .await
}

/// Two processes book twelve businesses at once, in opposite orders: each
/// business gets exactly its seats, and every other attempt is told the slot
/// is full (a deadlock between two batches would fail some with an error).
async fn many_businesses_from_two_processes_book_exactly_their_seats(database: TestDatabase) {
    const BUSINESSES: usize = 12;
    let processes = [
        Storage::open(&database.url).await.expect("first process"),
        Storage::open(&database.url).await.expect("second process"),
    ];
    let mut tasks = Vec::new();
    for attempt in 0..ATTEMPTS {
        for index in 0..BUSINESSES {
            for (process, storage) in processes.iter().enumerate() {
                let index = if process == 0 {
                    index
                } else {
                    BUSINESSES - 1 - index
                };
                let storage = storage.clone();
                tasks.push(tokio::spawn(async move {
                    let business = business(index);
                    (index, attempt, book_one(&storage, &business).await)
                }));
            }
        }
    }
    let mut booked = BTreeMap::<usize, usize>::new();
    let mut full = BTreeMap::<usize, usize>::new();
    for task in tasks {
        let (index, attempt, outcome) = tokio::time::timeout(PATIENCE, task)
            .await
            .expect("every booking is answered in time")
            .expect("task");
        match outcome {
            Ok(Booked::Created(_)) => *booked.entry(index).or_default() += 1,
            Err(BookError::Refused(Refusal::SlotFull)) => *full.entry(index).or_default() += 1,
            other => panic!("business {index}, attempt {attempt}: {other:?}"),
        }
    }
    for index in 0..BUSINESSES {
        assert_eq!(booked.get(&index), Some(&SEATS), "business {index}");
        assert_eq!(
            full.get(&index),
            Some(&(2 * ATTEMPTS - SEATS)),
            "business {index}"
        );
        let stored = processes[0]
            .bookings(&BookingFilter {
                business: Some(business(index)),
                starts_from: None,
            })
            .await
            .expect("listed");
        assert_eq!(stored.len(), SEATS, "business {index}");
    }
}

on_both_backends!(many_businesses_from_two_processes_book_exactly_their_seats);

/// PostgreSQL's lock on one business's capacity, as the server derives it.
fn advisory_key(business: &BusinessId) -> i64 {
    let digest = Sha256::digest(business.as_str().as_bytes());
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// The advisory locks in this test's database (the server's other tests run
/// beside it, each in a database of its own): how many are held, and how
/// many transactions wait for one.
#[derive(Debug, PartialEq, Eq)]
struct AdvisoryLocks {
    held: i64,
    waiting: i64,
}

async fn advisory_locks(connection: &mut sqlx::AnyConnection) -> AdvisoryLocks {
    let (held, waiting) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE granted), count(*) FILTER (WHERE NOT granted)
           FROM pg_locks WHERE locktype = 'advisory'
           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    )
    .fetch_one(connection)
    .await
    .expect("pg_locks");
    AdvisoryLocks { held, waiting }
}

/// Waits until `holds` answers true, failing with `never` after [`PATIENCE`].
async fn eventually(never: &str, mut holds: impl AsyncFnMut() -> bool) {
    let started = std::time::Instant::now();
    while !holds().await {
        assert!(started.elapsed() < PATIENCE, "{never}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Takes `held`'s lock in `holding` (another transaction, as another process
/// would), then starts a booking for `held` and returns once it is seen
/// waiting for that lock.
async fn booking_behind_held_lock(
    storage: &Storage,
    held: &BusinessId,
    holding: &mut sqlx::AnyConnection,
) -> tokio::task::JoinHandle<Result<Booked, BookError>> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)::text")
        .bind(advisory_key(held))
        .execute(&mut *holding)
        .await
        .expect("locked");
    let waiting = tokio::spawn({
        let storage = storage.clone();
        let held = held.clone();
        async move { book_one(&storage, &held).await }
    });
    eventually(
        "the booking never waited for its business's lock",
        async || advisory_locks(holding).await.waiting == 1,
    )
    .await;
    waiting
}

/// While another transaction holds one business's lock (another process
/// replacing its schedule, say), forty other businesses book; its own booking
/// waits, and goes through once the lock is let go.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_business_held_elsewhere_holds_up_no_other() {
    const OTHERS: usize = 40;
    let Some(database) = support::postgres().await else {
        return;
    };
    let storage = Storage::open(&database.url).await.expect("storage");
    let held = BusinessId::new("held-elsewhere");
    let mut holder = database.connect().await;
    let mut holding = holder.begin().await.expect("begin");
    // The booking is known to wait for that lock, not merely not to have
    // reached it yet, before the others start.
    let waiting = booking_behind_held_lock(&storage, &held, &mut holding).await;
    let others: Vec<_> = (0..OTHERS)
        .map(|index| {
            let storage = storage.clone();
            tokio::spawn(async move { book_one(&storage, &business(index)).await })
        })
        .collect();
    for (index, task) in others.into_iter().enumerate() {
        let outcome = tokio::time::timeout(PATIENCE, task)
            .await
            .unwrap_or_else(|_| panic!("business {index} waited for a lock it does not need"))
            .expect("task");
        assert!(
            matches!(outcome, Ok(Booked::Created(_))),
            "business {index}: {outcome:?}"
        );
    }
    assert!(
        !waiting.is_finished(),
        "a booking went past its business's lock"
    );
    assert_eq!(
        advisory_locks(&mut holding).await.waiting,
        1,
        "the booking still waits for its business's lock"
    );

    holding.commit().await.expect("let go");
    let outcome = tokio::time::timeout(PATIENCE, waiting)
        .await
        .expect("the booking goes through once the lock is free")
        .expect("task");
    assert!(matches!(outcome, Ok(Booked::Created(_))), "{outcome:?}");
}

/// Ends every other session on this test's database, as a restart of
/// PostgreSQL would, and waits until they are gone.
async fn end_other_sessions(connection: &mut sqlx::AnyConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity
           -- In a CASE, because the planner picks the order in which AND tests
           -- its terms: no other test's database may lose a session.
           WHERE CASE WHEN datname = current_database() AND pid <> pg_backend_pid()
                      THEN pg_terminate_backend(pid, 10000) ELSE false END",
    )
    .fetch_one(connection)
    .await
    .expect("sessions ended")
}

/// After the database ends every session (as a restart of PostgreSQL
/// would), the next booking goes through: its batch begins on a connection
/// that works, not on one that died while it waited in the pool.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_booking_after_the_database_ended_every_session_goes_through() {
    let Some(database) = support::postgres().await else {
        return;
    };
    let storage = Storage::open(&database.url).await.expect("storage");
    let business = business(0);
    let outcome = book_one(&storage, &business).await;
    assert!(matches!(outcome, Ok(Booked::Created(_))), "{outcome:?}");

    let mut admin = database.connect().await;
    assert!(
        end_other_sessions(&mut admin).await >= 1,
        "the storage's connections were ended"
    );
    let outcome = book_one(&storage, &business).await;
    assert!(
        matches!(outcome, Ok(Booked::Created(_))),
        "a booking after the database ended every connection: {outcome:?}"
    );
}

/// A booking whose request is dropped while its batch waits for the
/// business's lock leaves no transaction behind: once the lock is let go, the
/// abandoned transaction is rolled back, rather than its connection going
/// back to the pool holding the lock for good, and the business books again.
/// (sqlx rolls back only a BEGIN that has returned: a lock sent with BEGIN in
/// one round trip would need its connection closed here.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_booking_dropped_while_it_waits_for_its_lock_leaves_no_lock_behind() {
    let Some(database) = support::postgres().await else {
        return;
    };
    let storage = Storage::open(&database.url).await.expect("storage");
    let held = BusinessId::new("held-then-dropped");
    let mut holder = database.connect().await;
    let mut holding = holder.begin().await.expect("begin");
    let waiting = booking_behind_held_lock(&storage, &held, &mut holding).await;
    waiting.abort();
    assert!(
        waiting.await.expect_err("dropped").is_cancelled(),
        "the booking was dropped while it waited"
    );
    holding.commit().await.expect("let go");

    let mut watcher = database.connect().await;
    eventually(
        "the dropped booking's transaction still holds the business's lock",
        async || {
            advisory_locks(&mut watcher).await
                == AdvisoryLocks {
                    held: 0,
                    waiting: 0,
                }
        },
    )
    .await;
    let outcome = tokio::time::timeout(PATIENCE, book_one(&storage, &held))
        .await
        .expect("the business books again");
    assert!(matches!(outcome, Ok(Booked::Created(_))), "{outcome:?}");
}
