//! The booking plaintext: the JSON sealed inside a booking envelope, and inside
//! the visitor's copy with the pins added (docs/ENVELOPE.md §7.3, "Booking plaintext").
//!
//! The widget writes it by hand (`src/form.rs`, for its size budget) and a test
//! there reads every shape it can write through [`Booking`]; everything that
//! opens a booking (the staff inbox, the CLI, the exports, the manage page)
//! reads it through these types.
//!
//! **Version.** `"v": 1` marks version 1, the only one. A plaintext without `v`
//! (sealed before the marker, like the frozen envelope vectors) is read as
//! version 1 and written back without it; any other `v` is refused, because a
//! later version may change what a member means. Adding a member does not make
//! a new version: readers keep members they do not know in `extra` and write
//! them back, so re-sealing (the manage page moving a booking) loses nothing a
//! newer writer added.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The one version a reader of this crate knows: `"v": 1`.
pub const VERSION: u32 = 1;

/// The plaintext of a booking envelope. Every member may be absent (a `null`
/// reads as absent): the widget writes only what the business's profile
/// declares, and older plaintexts have fewer members.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    /// `"v"`: `Some` when the plaintext carries the marker (the widget always
    /// writes it), `None` when it was sealed without one.
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<V1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    /// Who entered the booking; absent means the visitor, which is all the
    /// widget writes (it never writes this member).
    #[serde(default, skip_serializing_if = "Source::is_visitor")]
    pub source: Source,
    /// A block (private event, broken oven): capacity staff hold with no
    /// visitor behind it. Only staff write it, with `source` staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<Block>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Restaurants: the number of guests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_size: Option<u32>,
    /// Clinics: the service's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// Clinics: the practitioner's id, or `any`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practitioner: Option<String>,
    /// The slot's start, RFC 3339 (the widget writes the server's UTC form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Restaurants: the visitor's note (may hold health data, e.g. allergies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Clinics: the reason for the visit (health data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The explicit consent to process the health data given; the widget
    /// writes it (`true`) only when a health field was filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_consent: Option<bool>,
    /// The answers to the marketing opt-ins; absent when none was offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketing: Option<Marketing>,
    /// The host page's consent record in force when the booking was sealed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_id: Option<String>,
    /// The visitor's language code (`en`, `fr`, `de`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Members this version does not know, kept to be written back.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Booking {
    /// Reads an opened plaintext. Fails on anything that is not a JSON object
    /// of this version's shape (a known member of the wrong type, another `v`).
    pub fn from_plaintext(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The plaintext to seal: compact JSON, known members in the widget's order,
    /// then the kept unknown ones.
    pub fn to_plaintext(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a booking is string-keyed JSON: it always serialises")
    }

    /// The name to show; empty when the profile asks for none.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// The phone number and the e-mail address, whichever were given, phone first.
    pub fn contact_lines(&self) -> impl Iterator<Item = &str> {
        let contact = self.contact.as_ref();
        [
            contact.and_then(|c| c.phone.as_deref()),
            contact.and_then(|c| c.email.as_deref()),
        ]
        .into_iter()
        .flatten()
    }

    /// The note (restaurants) and the reason for the visit (clinics), whichever
    /// were given.
    pub fn notes(&self) -> impl Iterator<Item = &str> {
        [self.note.as_deref(), self.reason.as_deref()]
            .into_iter()
            .flatten()
    }

    /// The answer to the e-mail opt-in; `None` when the box was not offered.
    pub fn marketing_email(&self) -> Option<bool> {
        self.marketing.as_ref()?.email
    }

    /// The answer to the SMS opt-in; `None` when the box was not offered.
    pub fn marketing_sms(&self) -> Option<bool> {
        self.marketing.as_ref()?.sms
    }
}

/// The version marker `"v": 1`. It holds no value because version 1 is the
/// only one: reading any other `v` fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct V1;

impl Serialize for V1 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(VERSION)
    }
}

impl<'de> Deserialize<'de> for V1 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match u32::deserialize(deserializer)? {
            VERSION => Ok(Self),
            other => Err(D::Error::custom(format_args!(
                "booking plaintext version {other} is not supported (this reader knows {VERSION})"
            ))),
        }
    }
}

/// The business's profile the booking was made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A table: `party_size`, and `note`.
    Restaurant,
    /// An appointment: `service` and `practitioner`, and `reason`.
    Clinic,
}

/// Who entered the booking.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The visitor, in the widget.
    #[default]
    Visitor,
    /// A staff member, on the visitor's behalf.
    Staff,
}

impl Source {
    /// The default, left out when written.
    pub fn is_visitor(&self) -> bool {
        *self == Self::Visitor
    }
}

/// What a block is for, for staff only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// "Private event", "Oven broken"…
    #[serde(default)]
    pub label: String,
    /// Members this version does not know, kept to be written back.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// How to reach the visitor: the widget writes one of the two.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Channels this version does not know, kept to be written back.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to each marketing opt-in offered (`false`: offered, not ticked);
/// a channel not offered is absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marketing {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms: Option<bool>,
    /// Channels this version does not know, kept to be written back.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The visitor copy's plaintext: the booking's members plus `"pins"`, the key
/// ids the widget checked the business's keys against, so that the manage page
/// checks the keys it re-seals a change to in the same way. The booking
/// envelope carries no pins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitorCopy {
    #[serde(flatten)]
    pub booking: Booking,
    /// Empty in copies made before the pins were added: nothing to check keys
    /// against, so such a booking cannot be re-sealed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<String>,
}

impl VisitorCopy {
    /// Reads an opened visitor copy (as [`Booking::from_plaintext`]).
    pub fn from_plaintext(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The visitor copy's plaintext to seal: the booking's, then the pins.
    pub fn to_plaintext(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a visitor copy is string-keyed JSON: it always serialises")
    }
}
