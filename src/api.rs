//! The calls the widget makes to the Sealbook API (docs/API.md), with `fetch`.
//!
//! Requests carry no credentials (`credentials: "omit"`) and go only to the
//! configured API origin. Answers are mapped to [`Failure`]s by their stable error
//! code; an unknown code gets a generic message (the server's English text is for
//! developers, not visitors).
//!
//! Answers are parsed with the browser's `JSON.parse` and read with `Reflect`:
//! serde deserialisation would add tens of kilobytes to the wasm.

use js_sys::{Array, JSON, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCredentials, RequestInit, RequestMode, Response};

use crate::calendar::Day;
use crate::error::{ErrorCode, Failure};
use crate::form::ANY;
use crate::profile::{
    Availability, Channel, DayAvailability, FieldId, FieldSpec, Kind, Localized, OptIn,
    Practitioner, Profile, Service, Slot,
};
use crate::state::AvailabilityKey;

/// `GET …/keys`: `{"business":…,"keys":[{"kid":…,"spki":…,"status":…}]}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySet {
    pub business: String,
    pub keys: Vec<ServedKey>,
}

/// One key of the set as served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServedKey {
    /// The kid the server claims for this key.
    pub kid: String,
    /// base64url (no padding) of the SubjectPublicKeyInfo DER.
    pub spki: String,
    /// `active`, `retired`, …; only `active` keys are sealed to.
    pub status: String,
}

impl ServedKey {
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }
}

/// The `code` of an error answer: `{"error":{"code":…,"message":…}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ErrorDetail {
    code: String,
}

/// The business's key set.
pub async fn fetch_keys(api: &str, business: &str) -> Result<KeySet, Failure> {
    let body = get(&endpoint(api, business, "keys")).await?;
    key_set(&body).ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

/// The business's profile.
pub async fn fetch_profile(api: &str, business: &str) -> Result<Profile, Failure> {
    let body = get(&endpoint(api, business, "profile")).await?;
    profile(&body).ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

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
    let body = get(&url).await?;
    availability(&body).ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

/// Uploads a sealed booking; the booking's reference on success. A network failure
/// is retried once with the same idempotency key, so it cannot book twice.
pub async fn post_booking(
    api: &str,
    business: &str,
    json: &str,
    idempotency_key: &str,
) -> Result<String, Failure> {
    let url = endpoint(api, business, "bookings");
    let mut answer = send("POST", &url, Some((json, idempotency_key))).await;
    if answer == Err(Failure::Known(ErrorCode::Network)) {
        answer = send("POST", &url, Some((json, idempotency_key))).await;
    }
    let (status, body) = answer?;
    if !(200..300).contains(&status) {
        return Err(failure_from(status, body.as_ref().and_then(error_detail)));
    }
    reference(body.as_ref().and_then(|a| string(a, "id")))
}

/// `{api}/api/v1/businesses/{business}/{resource}`.
fn endpoint(api: &str, business: &str, resource: &str) -> String {
    let mut url = String::from(api);
    url.push_str("/api/v1/businesses/");
    url.push_str(&path_segment(business));
    url.push('/');
    url.push_str(resource);
    url
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn path_segment(raw: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
    out
}

/// The reference from a 201 answer's `id`.
fn reference(id: Option<String>) -> Result<String, Failure> {
    id.filter(|id| !id.trim().is_empty())
        .ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

/// Maps an error answer to a failure: by its stable code when it has the documented
/// shape, else by the HTTP status (proxies and load balancers answer in their own words).
fn failure_from(status: u16, detail: Option<ErrorDetail>) -> Failure {
    if let Some(ErrorDetail { code }) = detail {
        return match ErrorCode::from_server(&code) {
            Some(code) => Failure::Known(code),
            None => Failure::Other { code },
        };
    }
    Failure::Known(match status {
        413 => ErrorCode::PayloadTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::Internal,
        _ => ErrorCode::UnexpectedResponse,
    })
}

fn member(object: &JsValue, key: &str) -> Option<JsValue> {
    if !object.is_object() {
        return None;
    }
    Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// `object[key]` if it is a string.
fn string(object: &JsValue, key: &str) -> Option<String> {
    member(object, key)?.as_string()
}

/// `object[key]` if it is a non-negative whole number.
fn number(object: &JsValue, key: &str) -> Option<u32> {
    let n = member(object, key)?.as_f64()?;
    (n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0).then_some(n as u32)
}

fn flag(object: &JsValue, key: &str) -> bool {
    member(object, key)
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// `object[key]` as an array of items read by `item`; items that do not read are dropped.
fn list<T>(object: &JsValue, key: &str, item: impl FnMut(JsValue) -> Option<T>) -> Vec<T> {
    member(object, key)
        .and_then(|v| v.dyn_into::<Array>().ok())
        .map(|array| array.iter().filter_map(item).collect())
        .unwrap_or_default()
}

fn localized(object: &JsValue, key: &str) -> Option<Localized> {
    let texts = member(object, key)?;
    Some(Localized(
        ["en", "fr", "de"].map(|lang| string(&texts, lang).unwrap_or_default()),
    ))
}

fn key_set(value: &JsValue) -> Option<KeySet> {
    Some(KeySet {
        business: string(value, "business")?,
        keys: list(value, "keys", |key| {
            Some(ServedKey {
                kid: string(&key, "kid")?,
                spki: string(&key, "spki")?,
                status: string(&key, "status")?,
            })
        }),
    })
}

fn profile(value: &JsValue) -> Option<Profile> {
    let kind = match string(value, "kind")?.as_str() {
        "restaurant" => Kind::Restaurant,
        "clinic" => Kind::Clinic,
        _ => return None,
    };
    Some(Profile {
        kind,
        timezone: string(value, "timezone")?,
        horizon_days: number(value, "horizon_days").unwrap_or(60),
        max_party_size: number(value, "max_party_size")
            .map_or(1, |n| u8::try_from(n.clamp(1, 99)).unwrap_or(1)),
        large_party_message: localized(value, "large_party_message"),
        services: list(value, "services", |s| {
            Some(Service {
                id: string(&s, "id")?,
                name: localized(&s, "name")?,
                duration_minutes: number(&s, "duration_minutes").unwrap_or(0),
            })
        }),
        practitioners: list(value, "practitioners", |p| {
            Some(Practitioner {
                id: string(&p, "id")?,
                name: string(&p, "name")?,
                services: list(&p, "services", |s| s.as_string()),
            })
        }),
        fields: list(value, "fields", |f| {
            Some(FieldSpec {
                id: FieldId::parse(&string(&f, "id")?)?,
                required: flag(&f, "required"),
                health: flag(&f, "health"),
                purpose: localized(&f, "purpose").unwrap_or_default(),
                retention_days: number(&f, "retention_days").unwrap_or(0),
            })
        }),
        marketing: list(value, "marketing", |m| {
            Some(OptIn {
                channel: Channel::parse(&string(&m, "channel")?)?,
                text: localized(&m, "text").unwrap_or_default(),
            })
        }),
    })
}

fn availability(value: &JsValue) -> Option<Availability> {
    Some(Availability {
        days: list(value, "days", |d| {
            Some(DayAvailability {
                date: Day::parse(&string(&d, "date")?)?,
                open: flag(&d, "open"),
                slots: list(&d, "slots", |s| {
                    Some(Slot {
                        start: string(&s, "start")?,
                        local: string(&s, "local")?,
                    })
                }),
            })
        }),
    })
}

fn error_detail(value: &JsValue) -> Option<ErrorDetail> {
    let error = member(value, "error")?;
    Some(ErrorDetail {
        code: string(&error, "code")?,
    })
}

/// A GET that must answer 200 with JSON.
async fn get(url: &str) -> Result<JsValue, Failure> {
    let (status, body) = send("GET", url, None).await?;
    if status != 200 {
        return Err(failure_from(status, body.as_ref().and_then(error_detail)));
    }
    body.ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

/// One request: the status and the body parsed as JSON (`None` if it is not JSON).
/// `Network` when there is no HTTP answer at all. `body` is the JSON and its
/// idempotency key.
async fn send(
    method: &str,
    url: &str,
    body: Option<(&str, &str)>,
) -> Result<(u16, Option<JsValue>), Failure> {
    let network = |_: JsValue| Failure::Known(ErrorCode::Network);
    let init = RequestInit::new();
    init.set_method(method);
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    if let Some((json, idempotency_key)) = body {
        let headers = Headers::new().map_err(network)?;
        headers
            .set("Content-Type", "application/json")
            .map_err(network)?;
        headers
            .set("Idempotency-Key", idempotency_key)
            .map_err(network)?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(json));
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(network)?;
    let window = web_sys::window().ok_or(Failure::Known(ErrorCode::Network))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let status = response.status();
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    Ok((status, JSON::parse(&text).ok()))
}

/// What the manage page (`crates/manage`) reuses. Wrappers, so that the widget's
/// own build, without the `reuse` feature, compiles exactly the code it had.
#[cfg(feature = "reuse")]
pub mod reuse {
    use wasm_bindgen::JsValue;

    use crate::error::Failure;
    use crate::profile::Profile;

    /// `{api}/api/v1/businesses/{business}/{resource}`.
    pub fn endpoint(api: &str, business: &str, resource: &str) -> String {
        super::endpoint(api, business, resource)
    }

    /// `raw` percent-encoded as one path segment.
    pub fn path_segment(raw: &str) -> String {
        super::path_segment(raw)
    }

    /// A `GET …/profile` answer, as parsed by `JSON.parse`.
    pub fn profile(value: &JsValue) -> Option<Profile> {
        super::profile(value)
    }

    /// A `GET …/availability` answer, as parsed by `JSON.parse`.
    pub fn availability(value: &JsValue) -> Option<crate::profile::Availability> {
        super::availability(value)
    }

    /// The failure an error answer (`status`, its body parsed as JSON) stands for.
    pub fn failure(status: u16, body: &JsValue) -> Failure {
        super::failure_from(status, super::error_detail(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(code: &str, _message: &str) -> Option<ErrorDetail> {
        Some(ErrorDetail {
            code: code.to_owned(),
        })
    }

    #[test]
    fn endpoints_follow_the_api_layout() {
        assert_eq!(
            endpoint("https://api.example", "bistro-du-coin", "keys"),
            "https://api.example/api/v1/businesses/bistro-du-coin/keys"
        );
        assert_eq!(
            endpoint("", "a/b c", "bookings"),
            "/api/v1/businesses/a%2Fb%20c/bookings"
        );
        assert_eq!(path_segment("café~_."), "caf%C3%A9~_.");
    }

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

    #[test]
    fn documented_error_codes_are_recognised() {
        assert_eq!(
            failure_from(422, detail("start_in_past", "start is in the past")),
            ErrorCode::StartInPast.into()
        );
        assert_eq!(
            failure_from(409, detail("slot_full", "full")),
            ErrorCode::SlotFull.into()
        );
        // The code wins over the status.
        assert_eq!(
            failure_from(500, detail("rate_limited", "slow down")),
            ErrorCode::RateLimited.into()
        );
    }

    #[test]
    fn unknown_codes_are_kept_for_the_generic_message() {
        assert_eq!(
            failure_from(409, detail("table_on_fire", "No table left.")),
            Failure::Other {
                code: "table_on_fire".to_owned(),
            }
        );
    }

    #[test]
    fn answers_without_the_error_shape_map_by_status() {
        assert_eq!(failure_from(413, None), ErrorCode::PayloadTooLarge.into());
        assert_eq!(
            failure_from(415, None),
            ErrorCode::UnsupportedMediaType.into()
        );
        assert_eq!(failure_from(502, None), ErrorCode::Internal.into());
        assert_eq!(failure_from(429, None), ErrorCode::RateLimited.into());
        assert_eq!(
            failure_from(404, None),
            ErrorCode::UnexpectedResponse.into()
        );
    }
}
