//! The widget's own calls to the public API (docs/API.md): the free slots of the
//! visible month and the booking upload. Keys and profile, which the manage page
//! reads too, come from [`sealbook_web::public_api`].

use sealbook_web::error::{ErrorCode, Failure};
use sealbook_web::profile::{Availability, Kind};
use sealbook_web::public_api::{self, endpoint, path_segment, send, string};

use crate::form::ANY;
use crate::state::AvailabilityKey;

/// Free slots for the days of `key`.
pub async fn fetch_availability(
    api: &str,
    business: &str,
    kind: Kind,
    key: &AvailabilityKey,
) -> Result<Availability, Failure> {
    let mut url = endpoint(api, business, "availability");
    for (name, value) in [("?from=", key.from.iso()), ("&to=", key.to.iso())] {
        url.push_str(name);
        url.push_str(&value);
    }
    match kind {
        Kind::Restaurant => {
            url.push_str("&party=");
            url.push_str(&key.party.to_string());
        }
        Kind::Clinic => {
            url.push_str("&service=");
            url.push_str(&path_segment(&key.service));
            if key.practitioner != ANY {
                url.push_str("&practitioner=");
                url.push_str(&path_segment(&key.practitioner));
            }
        }
    }
    let body = public_api::get(&url).await?;
    public_api::availability(&body).ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

/// What the server answered to a booking: its reference, and for a clinic the
/// practitioner it was given (the one chosen, or whoever was free for "any").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    pub reference: String,
    pub practitioner: Option<String>,
}

/// Uploads a sealed booking to `bookings`, or to a full slot's `waitlist`. A
/// network failure is retried once with the same idempotency key, so it cannot
/// book twice (the waitlist refuses the same envelope twice).
pub async fn post_booking(
    api: &str,
    (business, collection): (&str, &str),
    json: &str,
    idempotency_key: &str,
) -> Result<Accepted, Failure> {
    let url = endpoint(api, business, collection);
    let headers = [("Idempotency-Key", idempotency_key)];
    let mut answer = send("POST", &url, &headers, Some(json)).await;
    if answer == Err(Failure::Known(ErrorCode::Network)) {
        answer = send("POST", &url, &headers, Some(json)).await;
    }
    let (status, body) = answer?;
    if !(200..300).contains(&status) {
        return Err(public_api::failure(status, body.as_ref()));
    }
    let field = |name: &str| body.as_ref().and_then(|answer| string(answer, name));
    Ok(Accepted {
        reference: reference(field("id"))?,
        practitioner: field("practitioner"),
    })
}

/// The reference from a 201 answer's `id`.
fn reference(id: Option<String>) -> Result<String, Failure> {
    id.filter(|id| !id.trim().is_empty())
        .ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_must_be_present() {
        assert_eq!(
            reference(Some("7KQ2-M9XD".to_owned())),
            Ok("7KQ2-M9XD".to_owned())
        );
        for missing in [None, Some(String::new()), Some("  ".to_owned())] {
            assert_eq!(
                reference(missing),
                Err(ErrorCode::UnexpectedResponse.into())
            );
        }
    }
}
