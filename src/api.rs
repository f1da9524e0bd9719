//! The two calls the widget makes to the Sealbook API, with `fetch`.
//!
//! Requests carry no credentials (`credentials: "omit"`) and go only to the
//! configured API origin. Answers are mapped to [`Failure`]s by their stable error
//! code; the server's own message is kept only as a fallback for unknown codes.
//!
//! Answers are parsed with the browser's `JSON.parse`: serde deserialisation would
//! add tens of kilobytes to the wasm for three small objects.

use js_sys::{Array, JSON, Reflect};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCredentials, RequestInit, RequestMode, Response};

use crate::error::{ErrorCode, Failure};

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
    /// `active`, `retired`, `compromised`, …; only `active` keys are sealed to.
    pub status: String,
}

impl ServedKey {
    pub const ACTIVE: &'static str = "active";

    pub fn is_active(&self) -> bool {
        self.status == Self::ACTIVE
    }
}

/// `POST …/bookings`: the envelope and only the metadata needed to hold the slot.
#[derive(Debug, Serialize)]
pub struct UploadBody<'a> {
    /// base64url (no padding) of the envelope bytes.
    pub envelope: &'a str,
    /// RFC 3339 in UTC.
    pub start: &'a str,
    pub party_size: u8,
}

/// The `error` member of an error answer: `{"error":{"code":…,"message":…}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ErrorDetail {
    code: String,
    message: String,
}

/// The business's key set.
pub async fn fetch_keys(api: &str, business: &str) -> Result<KeySet, Failure> {
    let (status, body) = send("GET", &endpoint(api, business, "keys"), None).await?;
    if status != 200 {
        return Err(failure_from(status, body.as_ref().and_then(error_detail)));
    }
    body.as_ref()
        .and_then(key_set)
        .ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

/// Uploads a sealed booking; the booking's reference on success.
pub async fn post_booking(
    api: &str,
    business: &str,
    body: &UploadBody<'_>,
) -> Result<String, Failure> {
    let json = serde_json::to_string(body).expect("strings and integers always serialise");
    let (status, answer) = send("POST", &endpoint(api, business, "bookings"), Some(&json)).await?;
    if status != 201 {
        return Err(failure_from(status, answer.as_ref().and_then(error_detail)));
    }
    reference(answer.as_ref().and_then(|a| string(a, "id")))
}

/// `{api}/api/v1/businesses/{business}/{resource}`.
fn endpoint(api: &str, business: &str, resource: &str) -> String {
    format!(
        "{api}/api/v1/businesses/{}/{resource}",
        path_segment(business)
    )
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
    if let Some(ErrorDetail { code, message }) = detail {
        return match ErrorCode::from_server(&code) {
            Some(code) => Failure::Known(code),
            None => Failure::Other { code, message },
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

fn key_set(value: &JsValue) -> Option<KeySet> {
    let keys = Reflect::get(value, &JsValue::from_str("keys"))
        .ok()?
        .dyn_into::<Array>()
        .ok()?
        .iter()
        .map(|key| {
            Some(ServedKey {
                kid: string(&key, "kid")?,
                spki: string(&key, "spki")?,
                status: string(&key, "status")?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(KeySet {
        business: string(value, "business")?,
        keys,
    })
}

fn error_detail(value: &JsValue) -> Option<ErrorDetail> {
    let error = Reflect::get(value, &JsValue::from_str("error")).ok()?;
    Some(ErrorDetail {
        code: string(&error, "code")?,
        message: string(&error, "message").unwrap_or_default(),
    })
}

/// `object[key]` if `object` is an object and the member is a string.
fn string(object: &JsValue, key: &str) -> Option<String> {
    if !object.is_object() {
        return None;
    }
    Reflect::get(object, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

/// One request: the status and the body parsed as JSON (`None` if it is not JSON).
/// `Network` when there is no HTTP answer at all.
async fn send(
    method: &str,
    url: &str,
    json: Option<&str>,
) -> Result<(u16, Option<JsValue>), Failure> {
    let network = |_: JsValue| Failure::Known(ErrorCode::Network);
    let init = RequestInit::new();
    init.set_method(method);
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    if let Some(json) = json {
        let headers = Headers::new().map_err(network)?;
        headers
            .set("Content-Type", "application/json")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(code: &str, message: &str) -> Option<ErrorDetail> {
        Some(ErrorDetail {
            code: code.to_owned(),
            message: message.to_owned(),
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
            reference(Some("bk_7Hq2".to_owned())),
            Ok("bk_7Hq2".to_owned())
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
        // The code wins over the status.
        assert_eq!(
            failure_from(500, detail("rate_limited", "slow down")),
            ErrorCode::RateLimited.into()
        );
    }

    #[test]
    fn unknown_codes_keep_the_server_message_as_fallback() {
        assert_eq!(
            failure_from(409, detail("slot_full", "No table left at 19:30.")),
            Failure::Other {
                code: "slot_full".to_owned(),
                message: "No table left at 19:30.".to_owned()
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

    #[test]
    fn upload_body_has_only_the_public_metadata() {
        let body = UploadBody {
            envelope: "U0JLAQ",
            start: "2026-12-04T18:30:00Z",
            party_size: 4,
        };
        assert_eq!(
            serde_json::to_string(&body).expect("json"),
            r#"{"envelope":"U0JLAQ","start":"2026-12-04T18:30:00Z","party_size":4}"#
        );
    }
}
