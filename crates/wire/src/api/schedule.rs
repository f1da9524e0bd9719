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
    /// Whole days closed (`YYYY-MM-DD`).
    #[serde(default)]
    pub closures: Vec<String>,
    /// Days with other hours than usual (empty hours: closed).
    #[serde(default)]
    pub exceptions: Vec<ExceptionalDay>,
    pub slot_interval_minutes: u32,
    pub min_lead_minutes: u32,
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
    pub covers: u32,
    pub max_party_size: u32,
    /// How long a booking holds its covers.
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
    pub duration_minutes: u32,
    /// Time the practitioner needs after the appointment.
    #[serde(default)]
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
}
