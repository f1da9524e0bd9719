//! `/courier/…`: what the business's courier asks the server, authorised by a
//! courier token (`Authorization: Bearer …`); `/cancel`: what a message's
//! cancel link does, authorised by the cancel token; `/inbox/courier-tokens`:
//! the owner's tokens.

use serde::{Deserialize, Serialize};

/// `POST /courier/claim`: lease due jobs, waiting up to `wait_seconds` for one.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// How long to wait for a due job, 0–30 seconds (default 25).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_seconds: Option<u32>,
    /// At most this many jobs, 1–50 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// How long the jobs are the courier's, 10–600 seconds (default 120);
    /// a job not acknowledged by then goes back to the queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_seconds: Option<u32>,
}

/// The jobs leased, possibly none.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Claimed {
    /// The lease these jobs are held under, for `release`.
    pub lease: String,
    /// RFC 3339: when the lease ends.
    pub lease_until: String,
    pub jobs: Vec<MessageJob>,
    /// The business, as its messages name it.
    pub business: CourierBusiness,
}

/// What the messages of one business say about it: public facts only.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourierBusiness {
    pub id: String,
    pub name: String,
    /// IANA time zone the times are shown in.
    pub timezone: String,
    /// The public phone number, if the business gives one.
    pub phone: Option<String>,
    /// The street address visitors come to, if the business gives one.
    pub address: Option<String>,
    /// `restaurant` or `clinic`.
    pub kind: String,
    /// Online cancel closes this many minutes before the start.
    pub cancel_until_minutes: u32,
    /// Service ids to their names, per language (clinics).
    pub services: Vec<CourierService>,
    /// Practitioner ids to their names (clinics).
    pub practitioners: Vec<CourierPractitioner>,
    /// The business's own message texts as its configuration writes them:
    /// language code to the `messages` section's keys (`Hello`, `People`) to
    /// the text that replaces the translation file's. The courier checks each
    /// again as the server did.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub texts: std::collections::BTreeMap<String, std::collections::BTreeMap<String, OwnMessage>>,
}

/// A business's own text for one key of the courier's messages.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OwnMessage {
    /// One text (`"Dear guest,"`).
    Plain(String),
    /// A count's text: each CLDR plural form the language needs (`one`,
    /// `few`, `many`, `other`) to its text, with `{n}`.
    Plural(std::collections::BTreeMap<String, String>),
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourierService {
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, String>))]
    pub name: crate::api::localized::Localized,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourierPractitioner {
    pub id: String,
    pub name: String,
}

/// One message to send.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageJob {
    /// Acknowledge with this id.
    pub id: i64,
    /// `confirmation`, `reminder`, `changed`, `cancelled`, or for the waitlist
    /// `waitlisted` and `offer`.
    pub purpose: String,
    /// The booking as it is now (public metadata).
    pub booking: JobBooking,
    /// base64url of the contact-card envelope, sealed to the courier key.
    pub card: String,
}

/// A booking's public metadata, as the server holds it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobBooking {
    pub id: String,
    /// `confirmed` or `cancelled`; on the waitlist, `waiting`, `offered`
    /// (seats held until `hold_until`) or `lapsed`.
    pub status: String,
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    pub party_size: u32,
    pub service: Option<String>,
    pub practitioner: Option<String>,
    /// RFC 3339, UTC: until when an `offer`'s seats are held for the visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<String>,
}

/// `POST /courier/jobs/{id}/release`: give a job back, to be tried again later.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    /// The lease the job was claimed under.
    pub lease: String,
    /// Try again in this many seconds, 0–86 400.
    pub retry_in_seconds: u32,
}

/// `GET /cancel` and `POST /cancel`: the booking a cancel link reaches, as
/// much as it may know: no visitor copy, no way to change it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelLinkBooking {
    pub business: String,
    pub business_name: String,
    /// RFC 3339, UTC.
    pub start: String,
    pub timezone: String,
    /// `confirmed` or `cancelled`; on the waitlist, `waiting`, `offered`
    /// (take it up with `POST /offer` before `hold_until`) or `lapsed`.
    pub status: String,
    /// RFC 3339, UTC: while `offered`, until when the seats are held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<String>,
}

/// `POST /inbox/courier-tokens`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCourierToken {
    /// Where this courier runs, e.g. "back-office PC" (1–80 characters).
    pub label: String,
}

/// A new token: shown once, stored only as its hash.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCourierToken {
    pub id: String,
    pub token: String,
}

/// A courier token as the owner sees it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourierTokenInfo {
    pub id: String,
    pub label: String,
    /// RFC 3339.
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}
