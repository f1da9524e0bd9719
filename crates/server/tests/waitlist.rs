//! The waitlist in storage, on a real SQLite file and PostgreSQL: three
//! visitors wait for a full slot; a cancellation offers it to the first, who
//! lets the hold lapse; the next pass offers it to the second, whose offer
//! holds the seats against a normal booking and is taken up into a confirmed
//! booking with its confirmation and reminders; the first's link is too late,
//! and once the pass let the hold go, the first's card is gone.

use std::collections::HashMap;

use sealbook_server::Storage;
use sealbook_server::availability::{Occupancy, Refusal};
use sealbook_server::ids::{BookingId, BusinessId};
use sealbook_server::storage::{
    BookError, Booked, CourierPlan, Fit, NewBooking, NewContactCard, SlotAllowance, TakeUpError,
    Waiting,
};
use sha2::{Digest, Sha256};

mod support;
use support::TestDatabase;

const BISTRO: &str = "bistro-du-coin";
/// The covers of the one slot these tests fill.
const COVERS: u32 = 4;
const HOLD: i64 = 900;

/// A row of `party_size` at `start`, for two hours, with a card if `card`.
fn row(tag: u8, start: i64, party_size: u32, now: i64, card: bool) -> NewBooking {
    let envelope = vec![tag; 16];
    NewBooking {
        id: BookingId::generate().expect("an id"),
        business: BusinessId::new(BISTRO),
        starts_at: start,
        ends_at: start + 7_200,
        party_size,
        service: None,
        practitioner: None,
        envelope_hash: Sha256::digest(&envelope).into(),
        envelope,
        visitor_copy: None,
        token_hash: None,
        created_at: now,
        contact_card: card.then(|| NewContactCard {
            envelope: vec![tag, 0xcc],
            cancel_hash: cancel_hash(tag),
        }),
    }
}

fn cancel_hash(tag: u8) -> [u8; 32] {
    Sha256::digest([b'c', tag]).into()
}

/// Seats taken among `competing`.
fn taken(competing: &[Occupancy]) -> u32 {
    competing.iter().map(|held| held.party_size).sum()
}

async fn book(storage: &Storage, booking: NewBooking) -> Result<(), BookError> {
    let window = (booking.starts_at, booking.ends_at);
    storage
        .book(
            &booking.business.clone(),
            None,
            window,
            booking.fingerprints(),
            |competing| {
                if taken(competing) + booking.party_size > COVERS {
                    Err(Refusal::SlotFull)
                } else {
                    Ok(booking)
                }
            },
        )
        .await
        .map(drop)
}

async fn join(storage: &Storage, booking: NewBooking) -> Result<String, BookError> {
    let window = (booking.starts_at, booking.ends_at);
    storage
        .join_waitlist(
            &booking.business.clone(),
            (window, (None, SlotAllowance::Unlimited)),
            booking.fingerprints(),
            |competing| {
                if taken(competing) + booking.party_size > COVERS {
                    Ok(booking)
                } else {
                    // Room enough: the visitor books instead.
                    Err(Refusal::InvalidPartySize)
                }
            },
        )
        .await
        .map(|booked| match booked {
            Booked::Created(booking) => booking.id.to_string(),
            Booked::Replayed(booking) => booking.id.to_string(),
        })
}

async fn pass(storage: &Storage, now: i64) -> Vec<String> {
    storage
        .offer_freed(
            &BusinessId::new(BISTRO),
            now,
            HOLD,
            |waiting: &Waiting| Some((waiting.starts_at, waiting.ends_at)),
            |waiting: &Waiting, competing: &[Occupancy]| {
                let party = u32::try_from(waiting.party_size).unwrap_or(u32::MAX);
                (taken(competing) + party <= COVERS).then_some(Fit {
                    ends_at: waiting.ends_at,
                    practitioner: None,
                })
            },
        )
        .await
        .expect("a pass")
}

async fn status(storage: &Storage, id: &str) -> String {
    storage
        .bookings(&Default::default())
        .await
        .expect("bookings")
        .into_iter()
        .find(|booking| booking.id.as_str() == id)
        .map(|booking| booking.status)
        .unwrap_or_default()
}

async fn three_visitors_wait_and_the_seats_go_to_each_in_turn(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    storage.plan_couriers(HashMap::from([(
        BusinessId::new(BISTRO),
        CourierPlan {
            reminders: vec![86_400, 7_200],
            grace_seconds: 900,
        },
    )]));
    let now = jiff::Timestamp::now().as_second();
    let start = now + 3 * 86_400;

    // Full: two tables of two.
    book(&storage, row(1, start, 2, now, false))
        .await
        .expect("first table");
    let second_table = row(2, start, 2, now, false);
    let second_table_id = second_table.id.to_string();
    book(&storage, second_table).await.expect("second table");
    assert!(matches!(
        book(&storage, row(3, start, 2, now, false)).await,
        Err(BookError::Refused(Refusal::SlotFull))
    ));

    // Three wait, in order; a visitor without a card cannot.
    let first = join(&storage, row(11, start, 2, now, true))
        .await
        .expect("first waits");
    let second = join(&storage, row(12, start, 2, now + 1, true))
        .await
        .expect("second waits");
    let third = join(&storage, row(13, start, 2, now + 2, true))
        .await
        .expect("third waits");
    assert!(join(&storage, row(14, start, 2, now, false)).await.is_err());
    assert_eq!(status(&storage, &first).await, "waiting");
    assert!(pass(&storage, now).await.is_empty(), "nothing freed yet");

    // A table cancels: the first in line is offered it, and only the first.
    sqlx_cancel(&database, &second_table_id).await;
    assert_eq!(pass(&storage, now + 10).await, std::slice::from_ref(&first));
    assert_eq!(status(&storage, &first).await, "offered");
    assert_eq!(status(&storage, &second).await, "waiting");
    // The held seats are not for anyone else.
    assert!(matches!(
        book(&storage, row(4, start, 2, now + 20, false)).await,
        Err(BookError::Refused(Refusal::SlotFull))
    ));
    assert!(pass(&storage, now + 30).await.is_empty(), "the hold stands");

    // The hold ends: too late to take it up, even before a pass lets it go;
    // the pass then offers the seats to the second.
    let later = now + 10 + HOLD;
    assert!(matches!(
        storage
            .take_up_offer(&BusinessId::new(BISTRO), &cancel_hash(11), later)
            .await,
        Err(TakeUpError::Lapsed)
    ));
    assert_eq!(pass(&storage, later).await, std::slice::from_ref(&second));
    assert_eq!(status(&storage, &first).await, "lapsed");
    assert!(
        matches!(
            storage
                .take_up_offer(&BusinessId::new(BISTRO), &cancel_hash(11), later)
                .await,
            Err(TakeUpError::Lapsed)
        ),
        "the link still says why"
    );
    assert!(matches!(
        storage
            .take_up_offer(&BusinessId::new(BISTRO), &cancel_hash(13), later)
            .await,
        Err(TakeUpError::NoOffer)
    ));

    // The second takes it up in time: a confirmed booking.
    let taken_up = storage
        .take_up_offer(&BusinessId::new(BISTRO), &cancel_hash(12), later + 60)
        .await
        .expect("taken up");
    assert_eq!(taken_up, second);
    assert_eq!(status(&storage, &second).await, "confirmed");
    assert_eq!(status(&storage, &third).await, "waiting");
    assert!(pass(&storage, later + 120).await.is_empty(), "full again");
    assert_eq!(
        jobs(&database, &second).await,
        ["confirmation", "reminder", "reminder"],
        "what was not sent about waiting or the offer is moot: a confirmation and two reminders"
    );
    assert!(
        jobs(&database, &first).await.is_empty(),
        "nothing more to say"
    );
    assert_eq!(jobs(&database, &third).await, ["waitlisted"]);
    assert!(
        !has_card(&database, &first).await,
        "the lapsed card's contact is gone"
    );
    assert!(has_card(&database, &third).await, "the third still waits");
    storage.close().await;
}

/// A cancellation as the visitor's link makes it, in plain SQL.
async fn sqlx_cancel(database: &TestDatabase, id: &str) {
    let mut connection = database.connect().await;
    sqlx::query("UPDATE bookings SET status = 'cancelled' WHERE id = $1")
        .bind(id)
        .execute(&mut connection)
        .await
        .expect("cancelled");
}

/// The purposes of `id`'s message jobs, sorted (sent ones included).
async fn jobs(database: &TestDatabase, id: &str) -> Vec<String> {
    let mut connection = database.connect().await;
    let mut purposes: Vec<String> =
        sqlx::query_scalar("SELECT purpose FROM message_jobs WHERE booking_id = $1")
            .bind(id)
            .fetch_all(&mut connection)
            .await
            .expect("jobs");
    purposes.sort();
    purposes
}

/// Whether `id` has a card with a sealed contact in it.
async fn has_card(database: &TestDatabase, id: &str) -> bool {
    let mut connection = database.connect().await;
    let found: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT envelope FROM contact_cards WHERE booking_id = $1")
            .bind(id)
            .fetch_optional(&mut connection)
            .await
            .expect("cards");
    found.is_some_and(|envelope| !envelope.is_empty())
}

/// A card's cancel token is looked up with the envelope before anything is
/// decided: a token another card holds is refused, on the way to a booking
/// and to the waitlist alike, and a card its caller did not name up front is
/// never written. Each refusal leaves the database as it was.
async fn cards_are_checked_before_anything_is_written(database: TestDatabase) {
    let storage = Storage::open(&database.url).await.expect("storage");
    let now = jiff::Timestamp::now().as_second();
    let start = now + 3 * 86_400;
    book(&storage, row(1, start, 2, now, true))
        .await
        .expect("a booking with a card");
    let stored = || async {
        (
            database.count("bookings").await,
            database.count("contact_cards").await,
        )
    };
    let before = stored().await;

    // Another envelope, the same cancel token (row 1's): refused, both ways.
    let mut reused = row(2, start, 2, now, true);
    reused.contact_card = row(1, start, 2, now, true).contact_card;
    assert!(matches!(
        book(&storage, reused.clone()).await,
        Err(BookError::CancelTokenTaken)
    ));
    book(&storage, row(3, start, 2, now, false))
        .await
        .expect("the slot is full now");
    assert!(matches!(
        join(&storage, reused).await,
        Err(BookError::CancelTokenTaken)
    ));
    let before = (before.0 + 1, before.1);
    assert_eq!(stored().await, before, "the refusals wrote nothing");

    // A card named by its envelope alone.
    let unnamed = row(4, start + 86_400, 2, now, true);
    let window = (unnamed.starts_at, unnamed.ends_at);
    let envelope_hash = unnamed.envelope_hash;
    let answer = storage
        .book(
            &BusinessId::new(BISTRO),
            None,
            window,
            envelope_hash,
            |_| Ok(unnamed),
        )
        .await;
    assert!(matches!(answer, Err(BookError::CardNotNamed)), "{answer:?}");
    assert_eq!(stored().await, before, "an unnamed card wrote nothing");
}

on_both_backends!(
    three_visitors_wait_and_the_seats_go_to_each_in_turn,
    cards_are_checked_before_anything_is_written,
);
