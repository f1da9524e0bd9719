//! Slots and capacity, computed from public metadata only. Pure functions: the
//! storage layer supplies the bookings, these decide. Local times are turned into
//! instants in the business's time zone, so DST changes are handled where they
//! happen: a local time that does not exist is no slot, one that exists twice is
//! two slots.

use jiff::civil::{Date, Time};
use jiff::tz::AmbiguousOffset;
use jiff::{SignedDuration, Timestamp};

use crate::profile::{Offer, Period, Practitioner, Profile, Restaurant, Service, minutes};

/// A confirmed booking as far as capacity is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occupancy {
    pub starts_at: i64,
    pub ends_at: i64,
    pub party_size: u32,
    pub practitioner: Option<String>,
}

/// What the visitor asks for.
#[derive(Debug, Clone, Copy)]
pub struct Wish<'a> {
    pub party_size: u32,
    pub service: Option<&'a str>,
    /// `None` or `Some("any")`: whoever is free.
    pub practitioner: Option<&'a str>,
}

/// Why a booking cannot be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    StartInPast,
    TooSoon,
    TooFar,
    PartyTooLarge,
    InvalidPartySize,
    UnknownService,
    UnknownPractitioner,
    OutsideOpeningHours,
    SlotFull,
    /// The waitlist is for full slots; this one can be booked.
    SlotOpen,
}

/// A bookable start time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub start: Timestamp,
    pub local: Time,
    /// Free covers (restaurant) or free practitioners (clinic).
    pub remaining: u32,
}

/// What a held booking occupies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub ends_at: Timestamp,
    pub practitioner: Option<String>,
}

/// The checked shape of a wish: which rules apply.
enum Kind<'a> {
    Restaurant(&'a Restaurant, u32),
    Clinic(&'a Service, Vec<&'a Practitioner>),
}

fn kind<'a>(profile: &'a Profile, wish: &Wish<'_>) -> Result<Kind<'a>, Refusal> {
    match &profile.offer {
        Offer::Restaurant(restaurant) => {
            if wish.party_size == 0 {
                return Err(Refusal::InvalidPartySize);
            }
            if wish.party_size > restaurant.max_party_size {
                return Err(Refusal::PartyTooLarge);
            }
            if wish.service.is_some() || wish.practitioner.is_some() {
                return Err(Refusal::UnknownService);
            }
            Ok(Kind::Restaurant(restaurant, wish.party_size))
        }
        Offer::Clinic(clinic) => {
            let service = wish
                .service
                .and_then(|id| clinic.service(id))
                .ok_or(Refusal::UnknownService)?;
            if wish.party_size != 1 {
                return Err(Refusal::InvalidPartySize);
            }
            let offering =
                |practitioner: &&Practitioner| practitioner.services.contains(&service.id);
            let candidates: Vec<&Practitioner> = match wish.practitioner {
                None | Some("any") => clinic.practitioners.iter().filter(offering).collect(),
                Some(id) => {
                    vec![
                        clinic
                            .practitioner(id)
                            .filter(|practitioner| offering(practitioner))
                            .ok_or(Refusal::UnknownPractitioner)?,
                    ]
                }
            };
            Ok(Kind::Clinic(service, candidates))
        }
    }
}

impl Kind<'_> {
    /// How long a booking occupies its capacity.
    fn tail_minutes(&self) -> u32 {
        match self {
            Kind::Restaurant(restaurant, _) => restaurant.turn_minutes,
            Kind::Clinic(service, _) => service.duration_minutes + service.buffer_minutes,
        }
    }
}

/// The instants of local `time` on `date`: none in a DST gap, two in a fold.
fn instants(profile: &Profile, date: Date, time: Time) -> Vec<Timestamp> {
    let datetime = date.to_datetime(time);
    let ambiguous = profile.timezone.to_ambiguous_timestamp(datetime);
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { offset } => {
            offset.to_timestamp(datetime).ok().into_iter().collect()
        }
        AmbiguousOffset::Gap { .. } => Vec::new(),
        AmbiguousOffset::Fold { before, after } => [before, after]
            .into_iter()
            .filter_map(|offset| offset.to_timestamp(datetime).ok())
            .collect(),
    }
}

/// Candidate starts on `date` for periods that must hold `tail` minutes.
fn grid(profile: &Profile, periods: &[Period], date: Date, tail: u32) -> Vec<(Timestamp, Time)> {
    let step = i32::try_from(profile.slot_interval_minutes.max(5)).unwrap_or(15);
    let tail = i32::try_from(tail).unwrap_or(i32::MAX);
    let mut slots = Vec::new();
    for period in periods {
        let mut at = minutes(period.start);
        while at.saturating_add(tail) <= period.end_minutes() && at < 24 * 60 {
            let time = Time::new(
                i8::try_from(at / 60).unwrap_or(0),
                i8::try_from(at % 60).unwrap_or(0),
                0,
                0,
            )
            .expect("minutes below 24 hours make a time of day");
            slots.extend(
                instants(profile, date, time)
                    .into_iter()
                    .map(|start| (start, time)),
            );
            at += step;
        }
    }
    slots.sort();
    slots.dedup();
    slots
}

fn fits_schedule(
    profile: &Profile,
    practitioner: &Practitioner,
    start: Timestamp,
    tail: u32,
) -> bool {
    let local = start.to_zoned(profile.timezone.clone()).datetime();
    within(practitioner.periods_on(local.date()), local.time(), tail)
}

/// Whether `tail` minutes from local `time` lie inside one of `periods`.
fn within(periods: &[Period], time: Time, tail: u32) -> bool {
    let begin = minutes(time);
    let end = begin + i32::try_from(tail).unwrap_or(i32::MAX);
    periods
        .iter()
        .any(|period| minutes(period.start) <= begin && end <= period.end_minutes())
}

fn overlaps(occupancy: &Occupancy, start: i64, end: i64) -> bool {
    occupancy.starts_at < end && occupancy.ends_at > start
}

/// Free covers over `[start, start + turn)`.
fn free_covers(restaurant: &Restaurant, start: Timestamp, bookings: &[Occupancy]) -> u32 {
    let begin = start.as_second();
    let end = begin + i64::from(restaurant.turn_minutes) * 60;
    restaurant
        .covers
        .saturating_sub(peak_covers(begin, end, bookings))
}

/// The most covers held at once over `[begin, end)`: the occupancy peaks at the
/// start or where another booking begins inside the window.
fn peak_covers(begin: i64, end: i64, bookings: &[Occupancy]) -> u32 {
    let probes = std::iter::once(begin).chain(
        bookings
            .iter()
            .map(|b| b.starts_at)
            .filter(|&at| begin < at && at < end),
    );
    probes
        .map(|at| {
            bookings
                .iter()
                .filter(|b| b.starts_at <= at && at < b.ends_at)
                .map(|b| b.party_size)
                .sum::<u32>()
        })
        .max()
        .unwrap_or(0)
}

/// The covers a day's bookings hold, as a step function: each time the
/// count changes and the count from then on, in time order. A day's slots
/// each ask for their peak in a few binary searches instead of rescanning the
/// day's bookings once per booking that starts within the turn.
struct CoversHeld(Vec<(i64, u32)>);

impl CoversHeld {
    fn over(bookings: &[Occupancy]) -> Self {
        let mut changes: Vec<(i64, i64)> = bookings
            .iter()
            .flat_map(|booking| {
                let party = i64::from(booking.party_size);
                [(booking.starts_at, party), (booking.ends_at, -party)]
            })
            .collect();
        changes.sort_unstable_by_key(|&(at, _)| at);
        let mut steps: Vec<(i64, u32)> = Vec::with_capacity(changes.len());
        let mut held = 0_i64;
        for (at, change) in changes {
            held += change;
            let count = u32::try_from(held.max(0)).unwrap_or(u32::MAX);
            match steps.last_mut() {
                Some(last) if last.0 == at => last.1 = count,
                _ => steps.push((at, count)),
            }
        }
        Self(steps)
    }

    /// The most covers held at once over `[begin, end)` (as [`peak_covers`]).
    fn peak(&self, begin: i64, end: i64) -> u32 {
        let from = self.0.partition_point(|&(at, _)| at <= begin);
        let to = self.0.partition_point(|&(at, _)| at < end);
        let at_begin = from.checked_sub(1).map_or(0, |index| self.0[index].1);
        self.0
            .get(from..to)
            .into_iter()
            .flatten()
            .map(|&(_, count)| count)
            .fold(at_begin, u32::max)
    }
}

fn free_practitioners<'a>(
    profile: &Profile,
    candidates: &[&'a Practitioner],
    start: Timestamp,
    tail: u32,
    bookings: &[Occupancy],
) -> Vec<&'a Practitioner> {
    let (begin, end) = (start.as_second(), start.as_second() + i64::from(tail) * 60);
    candidates
        .iter()
        .copied()
        .filter(|practitioner| fits_schedule(profile, practitioner, start, tail))
        .filter(|practitioner| {
            !bookings.iter().any(|b| {
                b.practitioner.as_deref() == Some(&practitioner.id) && overlaps(b, begin, end)
            })
        })
        .collect()
}

/// The first moment bookable now, and the last local date bookable.
fn window(profile: &Profile, now: Timestamp) -> (Timestamp, Date) {
    let earliest = now + SignedDuration::from_mins(i64::from(profile.min_lead_minutes));
    let today = now.to_zoned(profile.timezone.clone()).date();
    let last = today
        .checked_add(jiff::Span::new().days(i64::from(profile.horizon_days)))
        .unwrap_or(today);
    (earliest, last)
}

/// Bookable slots on one local date. `bookings` must include every confirmed
/// booking overlapping that date (and the turn after it).
pub fn slots_on(
    profile: &Profile,
    date: Date,
    wish: &Wish<'_>,
    now: Timestamp,
    bookings: &[Occupancy],
) -> Result<Vec<Slot>, Refusal> {
    let mut slots = every_slot_on(profile, date, wish, now, bookings)?;
    slots.retain(|slot| slot.remaining > 0);
    Ok(slots)
}

/// Every slot still to come on one local date, those that cannot take the
/// wish (the waitlist's full slots) with `remaining` 0.
pub fn every_slot_on(
    profile: &Profile,
    date: Date,
    wish: &Wish<'_>,
    now: Timestamp,
    bookings: &[Occupancy],
) -> Result<Vec<Slot>, Refusal> {
    let kind = kind(profile, wish)?;
    let (earliest, last) = window(profile, now);
    if date > last {
        return Ok(Vec::new());
    }
    let tail = kind.tail_minutes();
    let grid: Vec<(Timestamp, Time)> = grid(profile, profile.schedule.periods_on(date), date, tail)
        .into_iter()
        .filter(|(start, _)| *start >= earliest)
        .collect();
    let (Some((first, _)), Some((last_start, _))) = (grid.first(), grid.last()) else {
        return Ok(Vec::new());
    };
    // Only this day's bookings compete: a month's query scans each booking once
    // per day, not once per slot of the month.
    let (begin, end) = (
        first.as_second(),
        last_start.as_second() + i64::from(tail) * 60,
    );
    let bookings: Vec<Occupancy> = bookings
        .iter()
        .filter(|booking| overlaps(booking, begin, end))
        .cloned()
        .collect();
    let bookings = bookings.as_slice();
    let held = matches!(kind, Kind::Restaurant(..)).then(|| CoversHeld::over(bookings));
    Ok(grid
        .into_iter()
        .map(|(start, local)| {
            let remaining = match &kind {
                Kind::Restaurant(restaurant, party) => {
                    let begin = start.as_second();
                    let end = begin + i64::from(restaurant.turn_minutes) * 60;
                    let peak = held.as_ref().map_or(0, |held| held.peak(begin, end));
                    Some(restaurant.covers.saturating_sub(peak))
                        .filter(|free| free >= party)
                        .unwrap_or(0)
                }
                Kind::Clinic(_, candidates) => {
                    let free = free_practitioners(profile, candidates, start, tail, bookings).len();
                    u32::try_from(free).unwrap_or(u32::MAX)
                }
            };
            Slot {
                start,
                local,
                remaining,
            }
        })
        .collect())
}

/// The window of bookings that can compete with a booking starting at `start`.
pub fn competing_window(
    profile: &Profile,
    wish: &Wish<'_>,
    start: Timestamp,
) -> Result<(i64, i64), Refusal> {
    let tail = kind(profile, wish)?.tail_minutes();
    Ok((start.as_second(), start.as_second() + i64::from(tail) * 60))
}

/// Decides whether a booking at `start` can be held, given the competing
/// bookings (those overlapping [`competing_window`]).
pub fn hold(
    profile: &Profile,
    wish: &Wish<'_>,
    start: Timestamp,
    now: Timestamp,
    bookings: &[Occupancy],
) -> Result<Hold, Refusal> {
    let kind = kind(profile, wish)?;
    if start <= now {
        return Err(Refusal::StartInPast);
    }
    let (earliest, last) = window(profile, now);
    if start < earliest {
        return Err(Refusal::TooSoon);
    }
    let date = start.to_zoned(profile.timezone.clone()).date();
    if date > last {
        return Err(Refusal::TooFar);
    }
    let tail = kind.tail_minutes();
    if !grid(profile, profile.schedule.periods_on(date), date, tail)
        .iter()
        .any(|(slot, _)| *slot == start)
    {
        return Err(Refusal::OutsideOpeningHours);
    }
    let ends_at = start + SignedDuration::from_mins(i64::from(tail));
    match &kind {
        Kind::Restaurant(restaurant, party) => {
            if free_covers(restaurant, start, bookings) < *party {
                return Err(Refusal::SlotFull);
            }
            Ok(Hold {
                ends_at,
                practitioner: None,
            })
        }
        Kind::Clinic(_, candidates) => {
            let free = free_practitioners(profile, candidates, start, tail, bookings);
            let chosen = free.first().ok_or(Refusal::SlotFull)?;
            Ok(Hold {
                ends_at,
                practitioner: Some(chosen.id.clone()),
            })
        }
    }
}

/// What a block holds: covers (restaurant) or one practitioner (clinic).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockHold {
    pub party_size: u32,
    pub practitioner: Option<String>,
}

/// Decides whether a block over `[start, end)` can be held, given the
/// competing bookings (those overlapping the block): at a restaurant `covers`
/// of the covers (all of them when `None`) must be free over the whole block;
/// at a clinic the named practitioner must have no booking in it. Opening
/// hours do not apply: blocking a closed time holds nothing anyone could book.
pub fn hold_block(
    profile: &Profile,
    (start, end): (Timestamp, Timestamp),
    now: Timestamp,
    covers: Option<u32>,
    practitioner: Option<&str>,
    bookings: &[Occupancy],
) -> Result<BlockHold, Refusal> {
    if end <= now {
        return Err(Refusal::StartInPast);
    }
    let (begin, finish) = (start.as_second(), end.as_second());
    match &profile.offer {
        Offer::Restaurant(restaurant) => {
            if practitioner.is_some() {
                return Err(Refusal::UnknownPractitioner);
            }
            let covers = covers.unwrap_or(restaurant.covers);
            if covers == 0 || covers > restaurant.covers {
                return Err(Refusal::InvalidPartySize);
            }
            let peak = peak_covers(begin, finish, bookings);
            if restaurant.covers.saturating_sub(peak) < covers {
                return Err(Refusal::SlotFull);
            }
            Ok(BlockHold {
                party_size: covers,
                practitioner: None,
            })
        }
        Offer::Clinic(clinic) => {
            let practitioner = practitioner
                .and_then(|id| clinic.practitioner(id))
                .ok_or(Refusal::UnknownPractitioner)?;
            if covers.is_some_and(|covers| covers != 1) {
                return Err(Refusal::InvalidPartySize);
            }
            if bookings.iter().any(|b| {
                b.practitioner.as_deref() == Some(&practitioner.id) && overlaps(b, begin, finish)
            }) {
                return Err(Refusal::SlotFull);
            }
            Ok(BlockHold {
                party_size: 1,
                practitioner: Some(practitioner.id.clone()),
            })
        }
    }
}

/// A booking already held, as a schedule change sees it.
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    pub starts_at: i64,
    pub ends_at: i64,
    pub party_size: u32,
    pub service: Option<&'a str>,
    pub practitioner: Option<&'a str>,
    /// Capacity staff hold with no visitor behind it: there is nobody to call.
    pub block: bool,
}

/// Which of `held` — confirmed bookings in the order they were made — a
/// business with `profile` no longer has hours or room for: the day is closed,
/// the hours no longer cover the booking, the practitioner is away, gone or no
/// longer offers the service, or fewer covers leave no room once the bookings
/// made before it are seated. Lead time and horizon do not apply: these were
/// booked when they did. A block is never one (nobody stands behind it), and
/// it goes on holding its capacity against the bookings made after it.
/// Returns their indexes.
pub fn misfits(profile: &Profile, held: &[Held<'_>]) -> Vec<usize> {
    let mut kept: Vec<Occupancy> = Vec::with_capacity(held.len());
    let mut misfits = Vec::new();
    for (index, booking) in held.iter().enumerate() {
        if booking.block {
            kept.push(Occupancy {
                starts_at: booking.starts_at,
                ends_at: booking.ends_at,
                party_size: booking.party_size,
                practitioner: booking.practitioner.map(str::to_owned),
            });
            continue;
        }
        let Ok(start) = Timestamp::from_second(booking.starts_at) else {
            misfits.push(index);
            continue;
        };
        let local = start.to_zoned(profile.timezone.clone()).datetime();
        let minutes_held =
            u32::try_from((booking.ends_at - booking.starts_at).max(0) / 60).unwrap_or(u32::MAX);
        let fits = match &profile.offer {
            Offer::Restaurant(restaurant) => {
                within(
                    profile.schedule.periods_on(local.date()),
                    local.time(),
                    minutes_held,
                ) && peak_covers(booking.starts_at, booking.ends_at, &kept)
                    .saturating_add(booking.party_size)
                    <= restaurant.covers
            }
            Offer::Clinic(clinic) => {
                let offered = booking
                    .service
                    .and_then(|id| clinic.service(id))
                    .zip(booking.practitioner.and_then(|id| clinic.practitioner(id)))
                    .filter(|(service, practitioner)| practitioner.services.contains(&service.id));
                offered.is_some_and(|(_, practitioner)| {
                    within(
                        practitioner.periods_on(local.date()),
                        local.time(),
                        minutes_held,
                    ) && !kept.iter().any(|other| {
                        other.practitioner.as_deref() == Some(&practitioner.id)
                            && overlaps(other, booking.starts_at, booking.ends_at)
                    })
                })
            }
        };
        if fits {
            kept.push(Occupancy {
                starts_at: booking.starts_at,
                ends_at: booking.ends_at,
                party_size: booking.party_size,
                practitioner: booking.practitioner.map(str::to_owned),
            });
        } else {
            misfits.push(index);
        }
    }
    misfits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator: the same bookings on every run.
    fn next(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *state >> 33
    }

    #[test]
    fn the_step_function_finds_the_same_peak_as_the_scan() {
        let mut state = 7;
        for round in 0..200 {
            let bookings: Vec<Occupancy> = (0..round % 40)
                .map(|_| {
                    // Quarter-hour starts over a day, turns of 15 to 180 minutes.
                    let starts_at = i64::try_from(next(&mut state) % 96).unwrap_or(0) * 900;
                    let minutes = 15 * (1 + i64::try_from(next(&mut state) % 12).unwrap_or(0));
                    Occupancy {
                        starts_at,
                        ends_at: starts_at + minutes * 60,
                        party_size: u32::try_from(1 + next(&mut state) % 8).unwrap_or(1),
                        practitioner: None,
                    }
                })
                .collect();
            let held = CoversHeld::over(&bookings);
            for slot in 0..100 {
                let begin = slot * 900 - 3600;
                for turn in [900, 5400, 7200] {
                    assert_eq!(
                        held.peak(begin, begin + turn),
                        peak_covers(begin, begin + turn, &bookings),
                        "round {round}, [{begin}, {}) over {bookings:?}",
                        begin + turn
                    );
                }
            }
        }
    }
}
