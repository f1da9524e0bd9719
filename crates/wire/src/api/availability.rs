//! `GET /businesses/{id}/availability`: bookable slots per local day.

use serde::{Deserialize, Serialize};

use super::localized::Localized;

/// Bookable slots per local day, in the business's time zone.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Availability {
    /// IANA time zone name.
    pub timezone: String,
    pub days: Vec<Day>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Day {
    // `YYYY-MM-DD`, the business's local day.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    pub open: bool,
    /// Why the business is closed that day, for visitors ("Congés annuels"),
    /// when the closure has a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, String>>))]
    pub note: Option<Localized>,
    pub slots: Vec<SlotView>,
    /// Slots that are full (`remaining` 0), when the business keeps a
    /// waitlist: the visitor may join it for one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub full: Vec<SlotView>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotView {
    /// RFC 3339 UTC start.
    pub start: String,
    /// Local wall-clock time, `HH:MM`.
    pub local: String,
    /// Covers (restaurants) or practitioners (clinics) still free.
    pub remaining: u32,
}
