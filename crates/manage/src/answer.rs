//! The API's answers this page reads (docs/API.md; `sealbook_wire` defines them
//! for the server), taken from the parsed JSON member by member, as the widget
//! does, rather than through serde: a JSON deserialiser was a fifth of this
//! page's wasm. A member of the wrong type reads as absent, and a required one
//! absent fails the whole answer.

use sealbook_web::public_api::{number, string};
use wasm_bindgen::JsValue;

/// `GET /api/v1/bookings/{id}`: the public metadata and the sealed visitor copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Managed {
    pub business: String,
    /// RFC 3339 (the time the booking holds now, also after a staff move).
    pub start: String,
    pub party_size: u32,
    pub service: Option<String>,
    pub practitioner: Option<String>,
    /// `confirmed` or `cancelled`; on the waitlist, `waiting`, `offered` or `lapsed`.
    pub status: String,
    /// base64url; absent for a booking that has none (staff-entered).
    pub visitor_copy: Option<String>,
    /// RFC 3339: while `offered`, until when the seats are held.
    pub hold_until: Option<String>,
}

impl Managed {
    pub fn read(answer: &JsValue) -> Option<Self> {
        Some(Self {
            business: string(answer, "business")?,
            start: string(answer, "start")?,
            party_size: number(answer, "party_size")?,
            service: string(answer, "service"),
            practitioner: string(answer, "practitioner"),
            status: string(answer, "status")?,
            visitor_copy: string(answer, "visitor_copy"),
            hold_until: string(answer, "hold_until"),
        })
    }
}

/// `GET /api/v1/cancel` (and `POST /cancel`, `POST /offer`): what a cancel link
/// may show, all public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelLinkBooking {
    /// The business's id, whose texts the page shows.
    pub business: String,
    pub business_name: String,
    /// RFC 3339, UTC.
    pub start: String,
    pub timezone: String,
    /// `confirmed` or `cancelled`; on the waitlist, `waiting`, `offered` or `lapsed`.
    pub status: String,
    /// RFC 3339, UTC: while `offered`, until when the seats are held.
    pub hold_until: Option<String>,
}

impl CancelLinkBooking {
    pub fn read(answer: &JsValue) -> Option<Self> {
        Some(Self {
            business: string(answer, "business")?,
            business_name: string(answer, "business_name")?,
            start: string(answer, "start")?,
            timezone: string(answer, "timezone")?,
            status: string(answer, "status")?,
            hold_until: string(answer, "hold_until"),
        })
    }
}

/// From a business's public profile: the cancellation deadline in hours
/// before the start, and the phone number, if it gives one.
pub fn policy(profile: &JsValue) -> Option<(u32, Option<String>)> {
    Some((
        number(profile, "cancel_until_hours")?,
        string(profile, "phone"),
    ))
}
