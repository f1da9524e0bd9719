//! A business's booking profile: what it offers, when, and which fields it asks
//! for. Everything here is public (served to the widget); nothing names a visitor.

use std::collections::BTreeMap;

use jiff::civil::{Date, Time, Weekday};
use serde::Serialize;

// The form's fields, the opt-ins and their texts are configured here and
// served as they are, so they are defined with the API bodies.
pub use sealbook_wire::api::profile::{Channel, Field, FieldId, Localized, MarketingOptIn};

/// Opening hours: periods of local time, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: Time,
    /// Exclusive; `None` means until midnight.
    #[serde(serialize_with = "serialize_end")]
    pub end: Option<Time>,
}

fn serialize_end<S: serde::Serializer>(
    end: &Option<Time>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match end {
        Some(time) => time.serialize(serializer),
        None => serializer.serialize_str("24:00"),
    }
}

impl Period {
    /// Parses `"19:00-22:30"` (`24:00` allowed as an end).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (start, end) = text
            .split_once('-')
            .ok_or_else(|| format!("`{text}` is not HH:MM-HH:MM"))?;
        let start =
            parse_time(start.trim())?.ok_or_else(|| format!("`{text}` cannot start at 24:00"))?;
        let end = parse_time(end.trim())?;
        if end.is_some_and(|end| end <= start) {
            return Err(format!("`{text}` ends before it starts"));
        }
        Ok(Self { start, end })
    }

    /// Minutes since midnight of the end.
    pub fn end_minutes(&self) -> i32 {
        self.end.map_or(24 * 60, minutes)
    }
}

/// Minutes since midnight.
pub fn minutes(time: Time) -> i32 {
    i32::from(time.hour()) * 60 + i32::from(time.minute())
}

/// `HH:MM`; `24:00` is `None` (end of day).
fn parse_time(text: &str) -> Result<Option<Time>, String> {
    if text == "24:00" {
        return Ok(None);
    }
    let (hour, minute) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not HH:MM"))?;
    let hour: i8 = hour.parse().map_err(|_| format!("`{text}` is not HH:MM"))?;
    let minute: i8 = minute
        .parse()
        .map_err(|_| format!("`{text}` is not HH:MM"))?;
    Time::new(hour, minute, 0, 0)
        .map(Some)
        .map_err(|_| format!("`{text}` is not a time of day"))
}

/// The weekly pattern plus closures and exceptional days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schedule {
    pub weekly: BTreeMap<WeekdayKey, Vec<Period>>,
    pub closures: Vec<ClosedDays>,
    pub exceptions: BTreeMap<Date, Vec<Period>>,
}

/// Closed from one date to another, both included, with why for visitors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedDays {
    pub from: Date,
    pub to: Date,
    pub note: Option<Localized>,
}

/// A weekday usable as a map key, ordered Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WeekdayKey(pub i8);

impl WeekdayKey {
    pub fn of(weekday: Weekday) -> Self {
        Self(weekday.to_monday_one_offset())
    }

    pub fn parse(name: &str) -> Option<Self> {
        let index = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .position(|day| *day == name)?;
        i8::try_from(index + 1).ok().map(Self)
    }
}

impl Schedule {
    /// The closure `date` falls in, if any (the first listed, if several).
    pub fn closure_on(&self, date: Date) -> Option<&ClosedDays> {
        self.closures
            .iter()
            .find(|closed| closed.from <= date && date <= closed.to)
    }

    /// The opening periods on `date`, in local time.
    pub fn periods_on(&self, date: Date) -> &[Period] {
        if self.closure_on(date).is_some() {
            return &[];
        }
        if let Some(periods) = self.exceptions.get(&date) {
            return periods;
        }
        self.weekly
            .get(&WeekdayKey::of(date.weekday()))
            .map_or(&[], Vec::as_slice)
    }
}

/// What restaurants and clinics differ in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    Restaurant(Restaurant),
    Clinic(Clinic),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restaurant {
    /// Seats available at any one time.
    pub covers: u32,
    pub max_party_size: u32,
    /// How long a booking holds its covers.
    pub turn_minutes: u32,
    pub large_party_message: Option<Localized>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clinic {
    pub services: Vec<Service>,
    pub practitioners: Vec<Practitioner>,
}

impl Clinic {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|service| service.id == id)
    }

    pub fn practitioner(&self, id: &str) -> Option<&Practitioner> {
        self.practitioners
            .iter()
            .find(|practitioner| practitioner.id == id)
    }
}

/// A clinic's service as configured; the widget is served its
/// [`sealbook_wire::api::profile::Service`], without the buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub id: String,
    /// The name in each language, keyed by language tag.
    pub name: Localized,
    pub duration_minutes: u32,
    /// Time the practitioner needs after the appointment (not shown as bookable).
    pub buffer_minutes: u32,
}

/// A practitioner as configured; the widget is served their
/// [`sealbook_wire::api::profile::Practitioner`], without the schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practitioner {
    pub id: String,
    pub name: String,
    pub services: Vec<String>,
    /// Their own weekly hours, within which their appointments must fit.
    pub schedule: Schedule,
    /// Away from the first date to the second, both included.
    pub absences: Vec<(Date, Date)>,
}

impl Practitioner {
    /// Their opening periods on `date`: none while they are away.
    pub fn periods_on(&self, date: Date) -> &[Period] {
        if self
            .absences
            .iter()
            .any(|&(from, to)| from <= date && date <= to)
        {
            return &[];
        }
        self.schedule.periods_on(date)
    }
}

/// The longest any retention (a field's, a consent notice's, the audit log's)
/// may be: ten years, more than a booking form should ever promise. Bounding it
/// keeps every cutoff the sweeper computes far inside the range of a timestamp.
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// How long before the start a visitor may still change or cancel online
/// (`cancel_until_hours`; 0: until the start). Staff may cancel at any time; a
/// cancel inside the deadline is recorded as late. Erasure is never refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CancellationPolicy {
    pub until_hours: u32,
}

impl CancellationPolicy {
    fn seconds(self) -> i64 {
        i64::from(self.until_hours) * 3600
    }

    /// The moment (unix seconds) from which a booking starting at `starts_at`
    /// can no longer be changed or cancelled online.
    pub fn deadline(self, starts_at: i64) -> i64 {
        starts_at - self.seconds()
    }

    /// At `now`, every booking starting at or before this (unix seconds) is
    /// inside its deadline: a cancel of it is late.
    pub fn late_from(self, now: i64) -> i64 {
        now + self.seconds()
    }

    /// Whether a visitor may still change or cancel a booking starting at
    /// `starts_at` online at `now`.
    pub fn open_at(self, starts_at: i64, now: i64) -> bool {
        starts_at > self.late_from(now)
    }
}

/// Everything about booking at one business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub timezone: jiff::tz::TimeZone,
    pub schedule: Schedule,
    pub slot_interval_minutes: u32,
    pub min_lead_minutes: u32,
    pub horizon_days: u32,
    pub offer: Offer,
    pub fields: Vec<Field>,
    /// The opt-in boxes, in the order shown; empty: none.
    pub marketing: Vec<MarketingOptIn>,
    pub cancellation: CancellationPolicy,
}

impl Profile {
    /// Days a booking is kept after its appointment: the longest retention the
    /// visitor was shown for any field (one envelope holds them all, so the
    /// envelope goes when the longest-kept field goes, never later).
    pub fn retention_days(&self) -> u32 {
        self.fields
            .iter()
            .map(|field| field.retention_days)
            .max()
            .unwrap_or(30)
    }

    /// The default fields of DESIGN §3 / issue: minimal, each with a purpose.
    pub fn default_fields(kind: &Offer) -> Vec<Field> {
        let text = |fr: &str, de: &str, en: &str| {
            Localized(BTreeMap::from([
                ("fr".to_owned(), fr.to_owned()),
                ("de".to_owned(), de.to_owned()),
                ("en".to_owned(), en.to_owned()),
            ]))
        };
        let name = Field {
            id: FieldId::Name,
            required: true,
            health: false,
            purpose: text(
                "Pour vous accueillir sous votre nom.",
                "Damit wir Sie mit Namen empfangen können.",
                "So we can greet you by name.",
            ),
            retention_days: 30,
        };
        let contact = Field {
            id: FieldId::Contact,
            required: true,
            health: false,
            purpose: text(
                "Uniquement pour vous joindre au sujet de cette réservation.",
                "Nur für Rückfragen zu diesem Termin.",
                "Only to reach you about this booking.",
            ),
            retention_days: 30,
        };
        let extra = match kind {
            Offer::Restaurant(_) => Field {
                id: FieldId::Note,
                required: false,
                health: true,
                purpose: text(
                    "Allergies ou demandes particulières, pour que la cuisine s'organise.",
                    "Allergien oder besondere Wünsche, damit die Küche planen kann.",
                    "Allergies or special requests, so the kitchen can prepare.",
                ),
                retention_days: 30,
            },
            Offer::Clinic(_) => Field {
                id: FieldId::Reason,
                required: false,
                health: true,
                purpose: text(
                    "Le motif de la visite, pour préparer votre rendez-vous.",
                    "Der Grund Ihres Besuchs, damit wir den Termin vorbereiten können.",
                    "The reason for your visit, so we can prepare your appointment.",
                ),
                retention_days: 90,
            },
        };
        vec![name, contact, extra]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_and_refuse_nonsense() {
        let period = Period::parse("19:00-22:30").expect("valid");
        assert_eq!(
            (minutes(period.start), period.end_minutes()),
            (19 * 60, 22 * 60 + 30)
        );
        assert_eq!(
            Period::parse("18:00-24:00").expect("valid").end_minutes(),
            24 * 60
        );
        for bad in [
            "19:00",
            "22:00-19:00",
            "25:00-26:00",
            "12:00-12:00",
            "a-b",
            "24:00-24:00",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn closures_and_exceptions_override_the_week() {
        let tuesday = Date::new(2026, 12, 1).expect("date");
        let mut schedule = Schedule::default();
        schedule.weekly.insert(
            WeekdayKey::of(Weekday::Tuesday),
            vec![Period::parse("12:00-14:00").expect("valid")],
        );
        assert_eq!(schedule.periods_on(tuesday).len(), 1);
        assert!(
            schedule
                .periods_on(Date::new(2026, 12, 2).expect("date"))
                .is_empty()
        );
        schedule.exceptions.insert(
            tuesday,
            vec![Period::parse("18:00-20:00").expect("valid"); 2],
        );
        assert_eq!(schedule.periods_on(tuesday).len(), 2);
        schedule.closures.push(ClosedDays {
            from: tuesday,
            to: tuesday,
            note: None,
        });
        assert!(schedule.periods_on(tuesday).is_empty());
    }

    #[test]
    fn the_deadline_is_the_hours_before_the_start() {
        let start = 1_800_000_000;
        let policy = CancellationPolicy { until_hours: 24 };
        assert_eq!(policy.deadline(start), start - 86_400);
        assert!(policy.open_at(start, start - 86_401));
        assert!(
            !policy.open_at(start, start - 86_400),
            "the deadline itself is late"
        );
        let until_start = CancellationPolicy::default();
        assert!(until_start.open_at(start, start - 1));
        assert!(!until_start.open_at(start, start));
        assert_eq!(until_start.late_from(start), start);
    }
}
