//! Slots and capacity from public metadata: DST, turns, practitioners, limits.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use sealbook_server::availability::{
    BlockHold, Held, Occupancy, Refusal, Wish, hold, hold_block, misfits, slots_on,
};
use sealbook_server::config::Config;
use sealbook_server::profile::Profile;

fn profile(business_toml: &str) -> Profile {
    let toml = format!(
        "[[business]]\nid = \"b\"\nname = \"B\"\ntimezone = \"Europe/Paris\"\n{business_toml}"
    );
    let config = Config::from_toml(&toml, std::path::Path::new(".")).expect("config");
    config.businesses[0].profile.clone()
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("timestamp")
}

const NOW: &str = "2027-03-01T00:00:00Z";

fn night_owl() -> Profile {
    // Open through the small hours every Sunday, so both DST changes fall inside.
    profile(
        "kind = \"restaurant\"\ncovers = 8\nmax_party_size = 8\nturn_minutes = 30\nslot_interval_minutes = 30\nhorizon_days = 365\n\
         hours = { sun = [\"01:00-04:00\", \"19:00-22:00\"] }",
    )
}

fn party(size: u32) -> Wish<'static> {
    Wish {
        party_size: size,
        service: None,
        practitioner: None,
    }
}

fn starts(slots: &[sealbook_server::availability::Slot]) -> Vec<String> {
    slots
        .iter()
        .map(|slot| {
            format!(
                "{} {:02}:{:02}",
                slot.start,
                slot.local.hour(),
                slot.local.minute()
            )
        })
        .collect()
}

#[test]
fn spring_forward_skips_the_missing_hour() {
    // 2027-03-28 in Paris: 02:00 CET jumps to 03:00 CEST.
    let slots = slots_on(&night_owl(), date(2027, 3, 28), &party(2), at(NOW), &[]).expect("slots");
    let night: Vec<String> = starts(&slots).into_iter().take(4).collect();
    assert_eq!(
        night,
        [
            "2027-03-28T00:00:00Z 01:00",
            "2027-03-28T00:30:00Z 01:30",
            "2027-03-28T01:00:00Z 03:00",
            "2027-03-28T01:30:00Z 03:30"
        ]
    );
    // The evening is in summer time: 19:00 local is 17:00 UTC, a week earlier 18:00 UTC.
    assert!(starts(&slots).contains(&"2027-03-28T17:00:00Z 19:00".to_owned()));
    let before = slots_on(&night_owl(), date(2027, 3, 21), &party(2), at(NOW), &[]).expect("slots");
    assert!(starts(&before).contains(&"2027-03-21T18:00:00Z 19:00".to_owned()));
}

#[test]
fn fall_back_offers_the_repeated_hour_twice() {
    // 2027-10-31 in Paris: 03:00 CEST falls back to 02:00 CET.
    let slots = slots_on(&night_owl(), date(2027, 10, 31), &party(2), at(NOW), &[]).expect("slots");
    let night: Vec<String> = starts(&slots).into_iter().take(8).collect();
    assert_eq!(
        night,
        [
            "2027-10-30T23:00:00Z 01:00",
            "2027-10-30T23:30:00Z 01:30",
            "2027-10-31T00:00:00Z 02:00",
            "2027-10-31T00:30:00Z 02:30",
            "2027-10-31T01:00:00Z 02:00",
            "2027-10-31T01:30:00Z 02:30",
            "2027-10-31T02:00:00Z 03:00",
            "2027-10-31T02:30:00Z 03:30",
        ]
    );
    assert!(
        starts(&slots).contains(&"2027-10-31T18:00:00Z 19:00".to_owned()),
        "winter time in the evening"
    );
    // Both instances of 02:30 are bookable starts; a time between slots is not.
    let profile = night_owl();
    for start in ["2027-10-31T00:30:00Z", "2027-10-31T01:30:00Z"] {
        assert!(
            hold(&profile, &party(2), at(start), at(NOW), &[]).is_ok(),
            "{start}"
        );
    }
    assert_eq!(
        hold(
            &profile,
            &party(2),
            at("2027-10-31T01:10:00Z"),
            at(NOW),
            &[]
        ),
        Err(Refusal::OutsideOpeningHours)
    );
}

fn bistro() -> Profile {
    profile(
        "kind = \"restaurant\"\ncovers = 8\nmax_party_size = 6\nturn_minutes = 90\nmin_lead_minutes = 120\nhorizon_days = 30\n\
         hours = { fri = [\"19:00-22:30\"] }\nclosures = [\"2027-03-12\"]",
    )
}

fn booked(start: &str, minutes: i64, party_size: u32, practitioner: Option<&str>) -> Occupancy {
    let start = at(start).as_second();
    Occupancy {
        starts_at: start,
        ends_at: start + minutes * 60,
        party_size,
        practitioner: practitioner.map(str::to_owned),
    }
}

#[test]
fn a_turn_holds_its_covers_and_frees_them_after() {
    let profile = bistro();
    // Friday 2027-03-05, Paris winter time: 19:00 local = 18:00 UTC.
    let existing = [booked("2027-03-05T18:00:00Z", 90, 4, None)];
    assert_eq!(
        hold(
            &profile,
            &party(5),
            at("2027-03-05T18:30:00Z"),
            at(NOW),
            &existing
        ),
        Err(Refusal::SlotFull)
    );
    assert!(
        hold(
            &profile,
            &party(4),
            at("2027-03-05T18:30:00Z"),
            at(NOW),
            &existing
        )
        .is_ok()
    );
    assert!(
        hold(
            &profile,
            &party(5),
            at("2027-03-05T19:30:00Z"),
            at(NOW),
            &existing
        )
        .is_ok(),
        "the turn has ended"
    );
    // A later booking inside the window counts too: 19:45 local (18:45Z) for 4 overlaps 19:00+90.
    let later = [booked("2027-03-05T18:45:00Z", 90, 4, None)];
    assert_eq!(
        hold(
            &profile,
            &party(5),
            at("2027-03-05T18:00:00Z"),
            at(NOW),
            &later
        ),
        Err(Refusal::SlotFull)
    );

    let slots = slots_on(&profile, date(2027, 3, 5), &party(5), at(NOW), &existing).expect("slots");
    assert!(slots.iter().all(|slot| slot.remaining >= 5));
    assert!(
        !slots
            .iter()
            .any(|slot| slot.start == at("2027-03-05T18:30:00Z"))
    );
    assert_eq!(
        slots.last().map(|slot| slot.local.to_string()),
        Some("21:00:00".to_owned()),
        "last seating = close − turn"
    );
}

#[test]
fn the_rules_of_the_house_are_typed_refusals() {
    let profile = bistro();
    let now = at("2027-03-05T17:00:00Z");
    assert_eq!(
        hold(&profile, &party(2), at("2027-03-05T16:00:00Z"), now, &[]),
        Err(Refusal::StartInPast)
    );
    assert_eq!(
        hold(&profile, &party(2), at("2027-03-05T18:00:00Z"), now, &[]),
        Err(Refusal::TooSoon)
    );
    assert_eq!(
        hold(&profile, &party(2), at("2027-04-30T18:00:00Z"), now, &[]),
        Err(Refusal::TooFar)
    );
    assert_eq!(
        hold(&profile, &party(7), at("2027-03-05T19:30:00Z"), now, &[]),
        Err(Refusal::PartyTooLarge)
    );
    assert_eq!(
        hold(&profile, &party(0), at("2027-03-05T19:30:00Z"), now, &[]),
        Err(Refusal::InvalidPartySize)
    );
    assert_eq!(
        hold(&profile, &party(2), at("2027-03-12T19:00:00Z"), now, &[]),
        Err(Refusal::OutsideOpeningHours),
        "closed day"
    );
    assert_eq!(
        hold(&profile, &party(2), at("2027-03-06T19:00:00Z"), now, &[]),
        Err(Refusal::OutsideOpeningHours),
        "Saturday"
    );
    let service = Wish {
        party_size: 1,
        service: Some("x"),
        practitioner: None,
    };
    assert_eq!(
        hold(&profile, &service, at("2027-03-05T19:30:00Z"), now, &[]),
        Err(Refusal::UnknownService)
    );
    assert!(
        slots_on(&profile, Date::constant(2027, 3, 12), &party(2), now, &[])
            .expect("slots")
            .is_empty()
    );
}

fn practice() -> Profile {
    profile(
        r#"kind = "clinic"
slot_interval_minutes = 15
horizon_days = 60
hours = { mon = ["08:00-12:00"] }
[[business.services]]
id = "physio-30"
name = { de = "Krankengymnastik", en = "Physiotherapy", fr = "Kinésithérapie" }
duration_minutes = 30
buffer_minutes = 15
[[business.services]]
id = "lymph-45"
name = { de = "Lymphdrainage", en = "Lymphatic drainage", fr = "Drainage lymphatique" }
duration_minutes = 45
[[business.practitioners]]
id = "anna"
name = "Anna Keller"
services = ["physio-30", "lymph-45"]
[[business.practitioners]]
id = "jonas"
name = "Jonas Brandt"
services = ["physio-30"]
hours = { mon = ["10:00-12:00"] }
"#,
    )
}

#[test]
fn any_practitioner_means_whoever_is_free_within_their_own_hours() {
    let profile = practice();
    let physio = |who: Option<&'static str>| Wish {
        party_size: 1,
        service: Some("physio-30"),
        practitioner: who,
    };
    // Monday 2027-03-08 10:00 local = 09:00Z: both work.
    let ten = at("2027-03-08T09:00:00Z");
    assert_eq!(
        hold(&profile, &physio(Some("any")), ten, at(NOW), &[])
            .expect("free")
            .practitioner
            .as_deref(),
        Some("anna")
    );
    let anna_busy = [booked("2027-03-08T09:00:00Z", 45, 1, Some("anna"))];
    assert_eq!(
        hold(&profile, &physio(None), ten, at(NOW), &anna_busy)
            .expect("free")
            .practitioner
            .as_deref(),
        Some("jonas")
    );
    let both_busy = [
        anna_busy[0].clone(),
        booked("2027-03-08T09:00:00Z", 45, 1, Some("jonas")),
    ];
    assert_eq!(
        hold(&profile, &physio(None), ten, at(NOW), &both_busy),
        Err(Refusal::SlotFull)
    );
    // 08:00 local: only Anna works then.
    let eight = at("2027-03-08T07:00:00Z");
    assert_eq!(
        hold(&profile, &physio(Some("jonas")), eight, at(NOW), &[]),
        Err(Refusal::SlotFull)
    );
    // The buffer counts: Anna's 09:00 appointment holds her until 09:45 local.
    let nine = [booked("2027-03-08T08:00:00Z", 45, 1, Some("anna"))];
    assert_eq!(
        hold(
            &profile,
            &physio(Some("anna")),
            at("2027-03-08T08:30:00Z"),
            at(NOW),
            &nine
        ),
        Err(Refusal::SlotFull)
    );
    assert!(
        hold(
            &profile,
            &physio(Some("anna")),
            at("2027-03-08T08:45:00Z"),
            at(NOW),
            &nine
        )
        .is_ok()
    );
    // Jonas does not offer lymphatic drainage.
    let lymph = Wish {
        party_size: 1,
        service: Some("lymph-45"),
        practitioner: Some("jonas"),
    };
    assert_eq!(
        hold(&profile, &lymph, ten, at(NOW), &[]),
        Err(Refusal::UnknownPractitioner)
    );

    let slots = slots_on(&profile, date(2027, 3, 8), &physio(None), at(NOW), &[]).expect("slots");
    let remaining = |utc: &str| {
        slots
            .iter()
            .find(|slot| slot.start == at(utc))
            .map(|slot| slot.remaining)
    };
    assert_eq!(
        remaining("2027-03-08T07:00:00Z"),
        Some(1),
        "08:00: Anna only"
    );
    assert_eq!(remaining("2027-03-08T09:00:00Z"), Some(2), "10:00: both");
    assert_eq!(
        slots.last().map(|slot| slot.local.to_string()),
        Some("11:15:00".to_owned()),
        "30 + 15 minutes before noon"
    );
}

#[test]
fn a_block_holds_covers_or_a_practitioners_time_over_its_whole_span() {
    let (start, end) = (at("2027-03-05T18:00:00Z"), at("2027-03-05T21:00:00Z"));
    let now = at(NOW);
    // Three covers taken from 19:30 UTC for 90 minutes: the peak inside the block.
    let dinner = [booked("2027-03-05T19:30:00Z", 90, 3, None)];
    assert_eq!(
        hold_block(&bistro(), (start, end), now, Some(5), None, &dinner),
        Ok(BlockHold {
            party_size: 5,
            practitioner: None
        })
    );
    assert_eq!(
        hold_block(&bistro(), (start, end), now, Some(6), None, &dinner),
        Err(Refusal::SlotFull)
    );
    assert_eq!(
        hold_block(&bistro(), (start, end), now, None, None, &[]),
        Ok(BlockHold {
            party_size: 8,
            practitioner: None
        }),
        "no covers named: all of them"
    );
    assert_eq!(
        hold_block(&bistro(), (start, end), now, None, None, &dinner),
        Err(Refusal::SlotFull)
    );
    for covers in [0, 9] {
        assert_eq!(
            hold_block(&bistro(), (start, end), now, Some(covers), None, &[]),
            Err(Refusal::InvalidPartySize)
        );
    }
    assert_eq!(
        hold_block(&bistro(), (start, end), now, None, Some("anna"), &[]),
        Err(Refusal::UnknownPractitioner)
    );
    assert_eq!(
        hold_block(&bistro(), (start, end), end, None, None, &[]),
        Err(Refusal::StartInPast),
        "a block that is over holds nothing"
    );

    // A clinic blocks one practitioner's time; another's bookings do not matter.
    let (morning, noon) = (at("2027-03-08T08:00:00Z"), at("2027-03-08T11:00:00Z"));
    let jonas_busy = [booked("2027-03-08T09:00:00Z", 45, 1, Some("jonas"))];
    assert_eq!(
        hold_block(
            &practice(),
            (morning, noon),
            now,
            None,
            Some("anna"),
            &jonas_busy
        ),
        Ok(BlockHold {
            party_size: 1,
            practitioner: Some("anna".to_owned())
        })
    );
    assert_eq!(
        hold_block(
            &practice(),
            (morning, noon),
            now,
            None,
            Some("jonas"),
            &jonas_busy
        ),
        Err(Refusal::SlotFull)
    );
    for who in [None, Some("nobody")] {
        assert_eq!(
            hold_block(&practice(), (morning, noon), now, None, who, &[]),
            Err(Refusal::UnknownPractitioner)
        );
    }
}

#[test]
fn a_block_is_never_a_booking_to_call_yet_still_holds_its_covers() {
    let friday = |time: &str| at(&format!("2027-03-19T{time}:00+01:00")).as_second();
    let held = |start: i64, party_size: u32, block: bool| Held {
        starts_at: start,
        ends_at: start + 90 * 60,
        party_size,
        service: None,
        practitioner: None,
        block,
    };
    // In the order made: a block of three covers, a party of two, a party of three.
    let bookings = [
        held(friday("19:00"), 3, true),
        held(friday("19:30"), 2, false),
        held(friday("20:00"), 3, false),
    ];
    assert!(
        misfits(&bistro(), &bookings).is_empty(),
        "eight covers hold all"
    );
    // Six covers: the block keeps its three, so the party of three, made
    // last, no longer fits (without the block it would).
    let six = profile(
        "kind = \"restaurant\"\ncovers = 6\nmax_party_size = 6\nturn_minutes = 90\nhours = { fri = [\"19:00-22:30\"] }",
    );
    assert_eq!(misfits(&six, &bookings), [2]);
    // The day closed: both parties are to be called, never the block.
    let closed = profile(
        "kind = \"restaurant\"\ncovers = 8\nmax_party_size = 6\nturn_minutes = 90\nhours = { fri = [\"19:00-22:30\"] }\nclosures = [\"2027-03-19\"]",
    );
    assert_eq!(misfits(&closed, &bookings), [1, 2]);
}
