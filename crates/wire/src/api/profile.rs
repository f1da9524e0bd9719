//! `GET /businesses/{id}/profile`: what the widget needs to render the flow.
//! The form fields, opt-ins and texts are also how a business configures
//! them, so the server reads its configuration into these same types.

use serde::{Deserialize, Serialize};

pub use super::localized::Localized;
use super::notice::ConsentNotice;

/// What the widget needs to render the booking flow.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicProfile {
    pub id: String,
    pub name: String,
    /// `restaurant` or `clinic`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(restaurant|clinic)$"))]
    pub kind: String,
    pub timezone: String,
    pub slot_interval_minutes: u32,
    pub min_lead_minutes: u32,
    pub horizon_days: u32,
    pub max_party_size: Option<u32>,
    /// How long a party has its table: the visitor's calendar entry lasts this long.
    pub turn_minutes: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, String>>))]
    pub large_party_message: Option<Localized>,
    pub services: Vec<Service>,
    pub practitioners: Vec<Practitioner>,
    pub fields: Vec<Field>,
    /// The site's cookie notice, if the widget is its consent manager.
    pub consent: Option<ConsentNotice>,
    /// The marketing opt-in boxes the booking step shows, unticked, in this
    /// order; empty: none. The answers are sealed with the booking.
    pub marketing: Vec<MarketingOptIn>,
    /// Online change and cancel close this many hours before the start (0:
    /// at the start); after that the business is reached by phone.
    #[serde(default)]
    pub cancel_until_hours: u32,
    /// The business's public phone number, if it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The channels the business's courier sends a confirmation and
    /// reminders by, when the visitor asks (an unticked box); empty: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Channel>,
    /// Whether a visitor may join the waitlist of a full slot (with a
    /// contact card, so the courier can offer freed seats).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub waitlist: bool,
    /// The tables in which the business replaces some of the texts the banner,
    /// widget or manage page show, as `lang/section` (`en/banner`,
    /// `es/visitor`): each fetches its own even in English
    /// (`GET …/texts/{lang}/{section}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub own_texts: Vec<String>,
}

// A clinic's service as the widget shows it; the server's configured service
// also holds the practitioner's buffer after it, which is not served.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    pub id: String,
    /// The name in each language, keyed by language tag.
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub name: Localized,
    pub duration_minutes: u32,
}

// A practitioner as the widget shows them; their weekly hours stay on the server.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Practitioner {
    pub id: String,
    pub name: String,
    pub services: Vec<String>,
}

/// The fields a booking form may ask for.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldId {
    Name,
    Contact,
    Note,
    Reason,
}

/// One field of the form, with why it is asked and how long it is kept.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: FieldId,
    pub required: bool,
    /// May hold health data: the widget asks for explicit consent when it is filled.
    #[serde(default)]
    pub health: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, String>))]
    pub purpose: Localized,
    pub retention_days: u32,
}

/// A channel a business may send marketing by, with the visitor's opt-in.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
}

/// One marketing opt-in the booking step offers: an unticked box whose answer
/// is sealed with the booking, never seen by the server.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarketingOptIn {
    pub channel: Channel,
    /// What the visitor will receive, in each language; the widget's generic
    /// wording if absent.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, String>>))]
    pub text: Option<Localized>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_with_a_misspelt_key_is_refused() {
        // The configuration is read into this type: a typo must not pass silently.
        let typo = r#"{"id": "note", "required": false, "helth": true,
                       "purpose": {"en": "Allergies"}, "retention_days": 30}"#;
        assert!(serde_json::from_str::<Field>(typo).is_err());
        let field: Field = serde_json::from_str(&typo.replace("helth", "health"))
            .expect("the corrected field reads");
        assert!(field.health);
    }
}
