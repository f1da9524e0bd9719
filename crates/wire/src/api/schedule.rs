//! A business's schedule as it is stored and edited: opening hours, closures,
//! exceptional days, slot rules, and what it offers (covers and turn time for a
//! restaurant, services and practitioners for a clinic). The names and shapes
//! are those of `sealbook.toml`, which seeds a new business with them; after
//! that the database holds them and every server process reads them from there.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::localized::Localized;

/// Everything about when and what can be booked at one business.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScheduleSettings {
    /// Weekly hours by weekday (`mon` … `sun`): `["12:00-14:00", "19:00-22:30"]`.
    #[serde(default)]
    pub hours: BTreeMap<String, Vec<String>>,
    /// Whole days closed, each a range of dates with an optional public note.
    #[serde(default)]
    pub closures: Vec<Closure>,
    /// Days with other hours than usual (empty hours: closed).
    #[serde(default)]
    pub exceptions: Vec<ExceptionalDay>,
    /// Minutes between two start times; divides a day.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1440))]
    pub slot_interval_minutes: u32,
    /// The least notice a booking needs, up to ten years.
    #[cfg_attr(feature = "openapi", schema(maximum = 5_256_000))]
    pub min_lead_minutes: u32,
    /// How many days ahead bookings are taken, up to ten years.
    #[cfg_attr(feature = "openapi", schema(maximum = 3650))]
    pub horizon_days: u32,
    /// A restaurant's seating; absent for a clinic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seating: Option<Seating>,
    /// A clinic's services; empty for a restaurant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceSettings>,
    /// A clinic's practitioners; empty for a restaurant.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub practitioners: Vec<PractitionerSettings>,
}

/// Closed from one date to another, both included.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Closure {
    /// `YYYY-MM-DD`, the first day closed.
    pub from: String,
    /// `YYYY-MM-DD`, the last day closed.
    pub to: String,
    /// Why, for visitors, in their languages ("Congés annuels").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, String>>))]
    pub note: Option<Localized>,
}

/// A practitioner away from one date to another, both included.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Absence {
    /// `YYYY-MM-DD`, the first day away.
    pub from: String,
    /// `YYYY-MM-DD`, the last day away; an absence without an end is refused
    /// (`missing_end`), so it can be pointed out beside the field.
    #[serde(default)]
    pub to: Option<String>,
}

/// One day with its own hours.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExceptionalDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub hours: Vec<String>,
}

/// A restaurant's tables.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Seating {
    /// Seats available at any one time.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100_000))]
    pub covers: u32,
    /// The largest party taken online; at most `covers`.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100_000))]
    pub max_party_size: u32,
    /// How long a booking holds its covers, up to a day.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1440))]
    pub turn_minutes: u32,
    /// Shown to a party larger than `max_party_size`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, String>>))]
    pub large_party_message: Option<Localized>,
}

/// A clinic's service.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub name: Localized,
    /// Up to a day.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1440))]
    pub duration_minutes: u32,
    /// Time the practitioner needs after the appointment, up to a day.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 1440))]
    pub buffer_minutes: u32,
}

/// A clinic's practitioner.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PractitionerSettings {
    pub id: String,
    pub name: String,
    /// The ids of the services they offer.
    pub services: Vec<String>,
    /// Their own weekly hours; the business's hours if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<BTreeMap<String, Vec<String>>>,
    /// Days they are away (holidays, training): no appointment with them then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absences: Vec<Absence>,
}

/// One problem with submitted settings, named by the field it is in
/// (`hours.tue[1]`, `closures[0].to`, `practitioners[2].absences[0].to`) and a
/// stable code (`overlapping_hours`, `in_the_past`, `missing_end`, …; docs/API.md).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
}

/// `GET /inbox/schedule`: the business's schedule as it is stored now.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleView {
    /// Send it back with a change: a change made from an older revision is refused.
    pub revision: i64,
    /// `restaurant` or `clinic` (set in `sealbook.toml`).
    pub kind: String,
    /// IANA time zone of every date and time in the settings.
    pub timezone: String,
    pub settings: ScheduleSettings,
}

/// A change to the schedule, to check (`POST /inbox/schedule/preview`) or to
/// store (`PUT /inbox/schedule`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScheduleChange {
    /// The revision the change was made from.
    pub revision: i64,
    pub settings: ScheduleSettings,
    /// The bookings the member was shown as no longer fitting (from the
    /// preview) and accepts to call: storing refuses a change that would leave
    /// any other booking without hours or room.
    #[serde(default)]
    pub confirmed: Vec<String>,
}

/// What a change would do, before it is stored.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchedulePreview {
    /// The upcoming bookings it has no hours or room for, sealed as in the
    /// list, for the inbox to open on the member's device so they can call.
    pub affected: Vec<super::inbox::StaffBooking>,
}

/// A stored change.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleSaved {
    pub revision: i64,
    /// The bookings now marked as needing attention.
    pub needs_attention: Vec<String>,
}
