//! `/bookings/{id}`: the visitor's manage link, authorised by the token from it.

use serde::{Deserialize, Serialize};

/// A booking as its visitor sees it through the manage link.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManagedBooking {
    pub id: String,
    pub business: String,
    pub start: String,
    pub party_size: u32,
    pub service: Option<String>,
    pub practitioner: Option<String>,
    /// `confirmed` or `cancelled`; on the waitlist, `waiting`, `offered` or `lapsed`.
    pub status: String,
    /// base64url of the visitor-copy envelope.
    pub visitor_copy: Option<String>,
    /// RFC 3339, UTC: while `offered`, until when the seats are held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<String>,
}
