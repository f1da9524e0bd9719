//! The outbox of staff notices, on both backends: a notice is written in the
//! transaction of its change and rolled back with it; each change writes its
//! kind, to the business's address (new bookings) and to the members who chose
//! that kind, never to a revoked member; senders claim rows with a lease, two
//! never hold the same row, and a lease that ran out is claimed again.

mod support;

use std::collections::BTreeSet;

use sealbook_server::Storage;
use sealbook_server::availability::Refusal;
use sealbook_server::ids::{BookingId, BusinessId, StaffId};
use sealbook_server::storage::{
    Attendance, BookError, Cancel, NewBooking, NewStaff, Notice, NoticeKind, NoticeRouting, Rebook,
    Role, StatusError,
};
use sqlx::Connection as _;
use support::TestDatabase;

const BUSINESS_ADDRESS: &str = "Patronne <patronne@bistro.test>";

fn bistro() -> BusinessId {
    BusinessId::new("bistro")
}

fn booking(index: u8) -> NewBooking {
    NewBooking {
        id: BookingId::generate().expect("randomness"),
        business: bistro(),
        starts_at: 1_900_000_000 + i64::from(index) * 900,
        ends_at: 1_900_005_400 + i64::from(index) * 900,
        party_size: u32::from(index % 6) + 1,
        service: None,
        practitioner: None,
        envelope: vec![index; 64],
        envelope_hash: [index; 32],
        visitor_copy: Some(vec![index ^ 0xff; 64]),
        token_hash: Some([index ^ 0x55; 32]),
        created_at: 1_800_000_000,
        contact_card: None,
    }
}

async fn routed(database: &TestDatabase) -> Storage {
    let storage = Storage::open(&database.url).await.expect("storage");
    storage.route_notices(NoticeRouting {
        business_addresses: [(bistro(), BUSINESS_ADDRESS.to_owned())].into(),
    });
    storage
}

async fn member(storage: &Storage, email: &str, kinds: &[NoticeKind]) -> StaffId {
    let id = StaffId::generate().expect("randomness");
    storage
        .create_staff(
            &NewStaff {
                id: id.clone(),
                business: bistro(),
                email: email.to_owned(),
                role: Role::Staff,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
                created_at: 1_800_000_000,
            },
            &[],
        )
        .await
        .expect("member");
    storage
        .set_notice_preferences(&id, kinds)
        .await
        .expect("preferences");
    assert_eq!(
        storage.notice_preferences(&id).await.expect("read"),
        kinds.to_vec()
    );
    id
}

/// Every outbox row as (kind, recipient), in the order written.
async fn outbox(database: &TestDatabase) -> Vec<(String, String)> {
    let mut connection = database.connect().await;
    sqlx::query_as("SELECT kind, recipient FROM outbox ORDER BY id")
        .fetch_all(&mut connection)
        .await
        .expect("read")
}

fn rows(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(kind, to)| ((*kind).to_owned(), (*to).to_owned()))
        .collect()
}

async fn each_change_writes_its_notice_with_the_change_and_only_then(database: TestDatabase) {
    let storage = routed(&database).await;
    member(
        &storage,
        "all@bistro.test",
        &[
            NoticeKind::New,
            NoticeKind::Changed,
            NoticeKind::Cancelled,
            NoticeKind::Erased,
        ],
    )
    .await;
    member(&storage, "cancels@bistro.test", &[NoticeKind::Cancelled]).await;
    member(&storage, "nothing@bistro.test", &[]).await;
    let revoked = member(&storage, "revoked@bistro.test", &NoticeKind::ALL).await;
    storage.revoke_staff(&revoked).await.expect("revoked");

    // A refused booking and a replayed envelope write nothing.
    let refused = storage
        .book(&bistro(), None, (0, 1), [1; 32], |_| Err(Refusal::SlotFull))
        .await;
    assert!(matches!(refused, Err(BookError::Refused(_))), "{refused:?}");
    assert!(outbox(&database).await.is_empty());

    let first = booking(1);
    storage
        .book(&bistro(), None, (0, 1), [1; 32], |_| Ok(first.clone()))
        .await
        .expect("booked");
    let replayed = storage
        .book(&bistro(), None, (0, 1), [1; 32], |_| Ok(booking(1)))
        .await;
    assert!(matches!(replayed, Err(BookError::Replayed)), "{replayed:?}");
    assert_eq!(
        outbox(&database).await,
        rows(&[("new", BUSINESS_ADDRESS), ("new", "all@bistro.test")])
    );

    // The visitor changes, cancels (twice: the second changes nothing), and a
    // second booking is erased by the visitor, a third by staff, a fourth
    // cancelled by staff.
    let token = first.token_hash.expect("a token");
    let mut moved = booking(2);
    moved.id = first.id.clone();
    moved.envelope_hash = [2; 32];
    // No cancellation deadline in these tests: every start is after `late_from`.
    let late_from = 0;
    let changed = storage
        .rebook(
            &bistro(),
            (first.id.as_str(), &token),
            late_from,
            (0, 1),
            |_, _| Ok(moved.clone()),
        )
        .await
        .expect("changed");
    assert!(matches!(changed, Rebook::Changed(_)), "{changed:?}");
    for attempt in ["cancelled", "again"] {
        let cancel = storage
            .cancel(first.id.as_str(), &token, late_from)
            .await
            .expect(attempt);
        assert!(matches!(cancel, Some(Cancel::Cancelled(_))), "{attempt}");
    }
    let mut created = Vec::new();
    for index in [3, 4, 5] {
        let row = booking(index);
        storage
            .book(&bistro(), None, (0, 1), [index; 32], |_| Ok(row.clone()))
            .await
            .expect("booked");
        created.push(row);
    }
    let before = outbox(&database).await.len();
    storage
        .erase(
            created[0].id.as_str(),
            &created[0].token_hash.expect("a token"),
        )
        .await
        .expect("erased")
        .expect("found");
    storage
        .erase_for_business(&bistro(), created[1].id.as_str())
        .await
        .expect("erased")
        .expect("found");
    storage
        .cancel_for_business(&bistro(), created[2].id.as_str(), late_from)
        .await
        .expect("cancelled");
    assert!(matches!(
        storage
            .cancel_for_business(&bistro(), created[2].id.as_str(), late_from)
            .await,
        Err(StatusError::Cancelled)
    ));
    storage
        .set_attendance(&bistro(), created[2].id.as_str(), Some(Attendance::Arrived))
        .await
        .expect_err("a cancelled booking stays cancelled");
    let written = outbox(&database).await;
    assert_eq!(
        written[2..5],
        rows(&[
            ("changed", "all@bistro.test"),
            ("cancelled", "all@bistro.test"),
            ("cancelled", "cancels@bistro.test"),
        ])
    );
    assert_eq!(
        written[before..],
        rows(&[
            ("erased", "all@bistro.test"),
            ("erased", "all@bistro.test"),
            ("cancelled", "all@bistro.test"),
            ("cancelled", "cancels@bistro.test"),
        ])
    );
    assert!(
        written
            .iter()
            .all(|(_, to)| !to.contains("revoked") && !to.contains("nothing")),
        "{written:?}"
    );

    // The facts are the booking's public metadata as changed, nothing more.
    let mut connection = database.connect().await;
    let changed: (i64, i64, Option<String>) =
        sqlx::query_as("SELECT starts_at, party_size, service FROM outbox WHERE kind = 'changed'")
            .fetch_one(&mut connection)
            .await
            .expect("read");
    assert_eq!(
        changed,
        (moved.starts_at, i64::from(moved.party_size), None)
    );

    // Another part's change joins its own transaction: rolled back, no notice.
    let late = Notice {
        business: bistro(),
        kind: NoticeKind::LateCancelled,
        starts_at: 1_900_000_000,
        party_size: 2,
        service: None,
        practitioner: None,
    };
    let total = outbox(&database).await.len();
    let mut transaction = connection.begin().await.expect("begin");
    assert_eq!(
        storage
            .enqueue_notice(&mut transaction, &late, 1_800_000_000)
            .await
            .expect("written"),
        0,
        "nobody chose late cancellations yet"
    );
    transaction.rollback().await.expect("rolled back");
    member(&storage, "late@bistro.test", &[NoticeKind::LateCancelled]).await;
    let mut transaction = connection.begin().await.expect("begin");
    assert_eq!(
        storage
            .enqueue_notice(&mut transaction, &late, 1_800_000_000)
            .await
            .expect("written"),
        1
    );
    transaction.rollback().await.expect("rolled back");
    assert_eq!(outbox(&database).await.len(), total, "rolled back with it");
    let mut transaction = connection.begin().await.expect("begin");
    storage
        .enqueue_notice(&mut transaction, &late, 1_800_000_000)
        .await
        .expect("written");
    transaction.commit().await.expect("committed");
    assert_eq!(
        outbox(&database).await.last(),
        Some(&("late_cancelled".to_owned(), "late@bistro.test".to_owned()))
    );
    storage.close().await;
}

async fn nothing_is_written_while_no_one_sends_notices(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    member(&storage, "all@bistro.test", &NoticeKind::ALL).await;
    let row = booking(1);
    storage
        .book(&bistro(), None, (0, 1), [1; 32], |_| Ok(row.clone()))
        .await
        .expect("booked");
    assert!(outbox(&database).await.is_empty());
    storage.close().await;
}

async fn two_senders_never_hold_the_same_notice_and_a_lapsed_lease_is_claimed_again(
    database: TestDatabase,
) {
    const NOTICES: u8 = 40;
    let storage = routed(&database).await;
    let mut connection = database.connect().await;
    for index in 0..NOTICES {
        let mut transaction = connection.begin().await.expect("begin");
        let notice = Notice::about_new(NoticeKind::New, &booking(index));
        storage
            .enqueue_notice(&mut transaction, &notice, 1_800_000_000)
            .await
            .expect("written");
        transaction.commit().await.expect("committed");
    }
    let now = 1_800_000_100;

    // Two senders, several claims each in flight at once, until none is left.
    let claimers: Vec<_> = ["sender-a", "sender-b", "sender-a", "sender-b"]
        .into_iter()
        .map(|owner| {
            let storage = storage.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                for _ in 0..u32::from(NOTICES) {
                    let claimed = storage
                        .claim_notices(owner, now, 60, 3)
                        .await
                        .expect("claimed");
                    if claimed.is_empty() {
                        break;
                    }
                    mine.extend(claimed.into_iter().map(|notice| notice.id));
                }
                mine
            })
        })
        .collect();
    let mut all = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.expect("claimer"));
    }
    let distinct: BTreeSet<i64> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "a notice was claimed twice");
    assert_eq!(distinct.len(), usize::from(NOTICES), "every notice claimed");

    // While the leases hold, nothing is due; once they lapse (their senders
    // died), each is claimed again, with its attempt counted.
    assert!(
        storage
            .claim_notices("sender-c", now + 59, 60, 100)
            .await
            .expect("claimed")
            .is_empty()
    );
    let first = *distinct.first().expect("one");
    storage.notice_sent(first, now + 1).await.expect("sent");
    let second = *distinct.iter().nth(1).expect("two");
    storage
        .notice_failed(second, "not-its-owner", now + 1)
        .await
        .expect("ignored");
    let again = storage
        .claim_notices("sender-c", now + 60, 60, 100)
        .await
        .expect("claimed");
    assert_eq!(
        again.len(),
        usize::from(NOTICES) - 1,
        "all but the sent one"
    );
    assert!(again.iter().all(|notice| notice.attempts == 2));
    assert!(again.iter().all(|notice| notice.id != first));

    // A failure pushes the next attempt back; a notice given up stays down.
    storage
        .notice_failed(second, "sender-c", now + 100)
        .await
        .expect("failed");
    let third = again[1].id;
    storage
        .notice_given_up(third, "sender-c", now + 60)
        .await
        .expect("given up");
    let due = storage
        .claim_notices("sender-d", now + 99, 60, 100)
        .await
        .expect("claimed");
    assert!(due.is_empty(), "{due:?}");
    let due = storage
        .claim_notices("sender-d", now + 100, 60, 100)
        .await
        .expect("claimed");
    assert_eq!(
        due.iter().map(|notice| notice.id).collect::<Vec<_>>(),
        vec![second]
    );
    let lapsed = storage
        .claim_notices("sender-e", now + 500, 60, 100)
        .await
        .expect("claimed");
    assert_eq!(
        lapsed.len(),
        usize::from(NOTICES) - 2,
        "all but sent and given up"
    );
    assert!(lapsed.iter().all(|notice| notice.id != third));
    assert_eq!(
        storage.outbox_depth().await.expect("depth"),
        u64::from(NOTICES) - 2
    );

    // A process that starts on SQLite (the only one there) takes back the
    // leases of its dead predecessor; on PostgreSQL another may be alive.
    let held = storage
        .claim_notices("sender-f", now + 1_000, 60, 1)
        .await
        .expect("claimed");
    assert_eq!(held.len(), 1);
    let released = storage.release_stale_leases().await.expect("released");
    if database.sqlite_path.is_some() {
        // The lapsed leases of the earlier senders too.
        assert!(released >= 1, "{released}");
        let again = storage
            .claim_notices("sender-g", now + 1_000, 60, 1)
            .await
            .expect("claimed");
        assert_eq!(again[0].id, held[0].id);
    } else {
        assert_eq!(released, 0, "another process may hold it");
    }

    // The sweeper deletes what was sent or given up before its cutoff.
    assert_eq!(storage.sweep_outbox(now + 61, 0).await.expect("swept"), 2);
    assert_eq!(database.count("outbox").await, i64::from(NOTICES) - 2);
    storage.close().await;
}

on_both_backends!(
    each_change_writes_its_notice_with_the_change_and_only_then,
    nothing_is_written_while_no_one_sends_notices,
    two_senders_never_hold_the_same_notice_and_a_lapsed_lease_is_claimed_again,
);
