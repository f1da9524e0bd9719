//! Changing the time: the free slots of a day, then the booking re-sealed to the
//! business's active keys — each checked against the pins the widget used, which
//! the visitor copy carries (`seal::verified_recipients`, as in the widget) — and
//! a new visitor copy under the same secret, sent with `PUT /api/v1/bookings/{id}`.

use js_sys::{Date, JSON, Object, Reflect};
use sealbook_envelope::KeyId;
use sealbook_web::error::{ErrorCode, Failure};
use sealbook_web::profile::{Kind, Slot};
use sealbook_web::public_api as api;
use sealbook_web::seal::{self, Seal};
use wasm_bindgen::JsValue;

use crate::copy::VisitorCopy;
use crate::link;
use crate::net;

/// What the server holds for the slot, and how to reach it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub api: String,
    pub id: String,
    pub token: String,
    pub business: String,
    pub kind: Kind,
    pub party: u32,
    pub service: String,
    pub practitioner: String,
}

/// Why a change did not happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeError {
    /// The visitor copy has no pins (made before they were added): nothing to
    /// check the keys against, so nothing is sealed.
    NoPins,
    Failed(Failure),
}

impl From<Failure> for ChangeError {
    fn from(failure: Failure) -> Self {
        Self::Failed(failure)
    }
}

impl From<ErrorCode> for ChangeError {
    fn from(code: ErrorCode) -> Self {
        Self::Failed(Failure::Known(code))
    }
}

/// The date of `instant` in `timezone`, `YYYY-MM-DD`.
pub fn local_day(instant: &str, timezone: &str) -> String {
    let options = Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(
        &options,
        &JsValue::from_str("timeZone"),
        &JsValue::from_str(timezone),
    );
    Date::new(&JsValue::from_str(instant))
        .to_locale_date_string("en-CA", &options)
        .into()
}

/// The free slots of `day` (`YYYY-MM-DD` in the business's time zone).
pub async fn slots(target: &Target, day: &str) -> Result<Vec<Slot>, Failure> {
    let mut url = api::endpoint(&target.api, &target.business, "availability");
    url.push_str(&format!("?from={day}&to={day}"));
    match target.kind {
        Kind::Restaurant => url.push_str(&format!("&party={}", target.party)),
        Kind::Clinic => {
            url.push_str("&service=");
            url.push_str(&api::path_segment(&target.service));
            if !target.practitioner.is_empty() && target.practitioner != "any" {
                url.push_str("&practitioner=");
                url.push_str(&api::path_segment(&target.practitioner));
            }
        }
    }
    let answer = net::call("GET", &url, None, None).await?;
    let availability =
        api::availability(&answer).ok_or(Failure::Known(ErrorCode::UnexpectedResponse))?;
    Ok(availability
        .days
        .into_iter()
        .flat_map(|d| d.slots)
        .collect())
}

/// Re-seals the booking with `start` and sends it; the server checks capacity.
/// Members of the plaintext this page does not know are sealed again as they were.
pub async fn change(target: &Target, copy: &VisitorCopy, start: &str) -> Result<(), ChangeError> {
    let pins: Vec<KeyId> = copy.pins().iter().filter_map(|p| KeyId::parse(p)).collect();
    if pins.is_empty() {
        return Err(ChangeError::NoPins);
    }
    let keys = api::fetch_keys(&target.api, &target.business).await?;
    let recipients = seal::verified_recipients(&keys, &target.business, &pins)
        .map_err(|_| ErrorCode::KeyNotPinned)?;
    // The secret is read again from the link: the page keeps only the token.
    let window = web_sys::window().ok_or(ErrorCode::Network)?;
    let location = window.location();
    let (_, secret) = link::parse(
        &location.pathname().unwrap_or_default(),
        &location.hash().unwrap_or_default(),
    )
    .ok_or(ErrorCode::BookingNotFound)?;

    let (booking, visitor) = copy
        .with_start(start)
        .and_then(|moved| moved.plaintexts())
        .ok_or(ErrorCode::SealFailed)?;
    let iat = (Date::now() / 1000.0).floor() as u64;
    let business = &target.business;
    let envelope = seal::seal(Seal::Booking(&recipients), business, iat, &booking)
        .await
        .map_err(Failure::from)?;
    let visitor_copy = seal::seal(Seal::VisitorCopy(&secret), business, iat, &visitor)
        .await
        .map_err(Failure::from)?;
    let (party_size, service, practitioner) = match target.kind {
        Kind::Restaurant => (JsValue::from(target.party), None, None),
        Kind::Clinic => (
            JsValue::NULL,
            Some(target.service.as_str()),
            Some(target.practitioner.as_str()),
        ),
    };
    // docs/API.md's booking body, in its order; the manage token stays as it
    // is: a change never carries its hash.
    let text = |value: Option<&str>| value.map_or(JsValue::NULL, JsValue::from);
    let body = Object::new();
    for (key, value) in [
        ("envelope", JsValue::from(envelope)),
        ("start", JsValue::from(start)),
        ("party_size", party_size),
        ("service", text(service)),
        ("practitioner", text(practitioner)),
        ("visitor_copy", JsValue::from(visitor_copy)),
        ("manage_token_hash", JsValue::NULL),
    ] {
        Reflect::set(&body, &key.into(), &value).map_err(|_| ErrorCode::SealFailed)?;
    }
    let body: String = JSON::stringify(&body)
        .map_err(|_| ErrorCode::SealFailed)?
        .into();
    let url = net::booking_url(&target.api, &target.id, None);
    net::call("PUT", &url, Some(&target.token), Some(&body)).await?;
    Ok(())
}
