//! The public API as visitors' pages call it (docs/API.md, "Public, for the
//! widget" and "The visitor's manage link"): the widget and the manage page read
//! a business's keys, profile and free slots through it.
//!
//! Requests carry no credentials and go only to the configured API origin.
//! Answers are mapped to [`Failure`]s by their stable error code; an unknown code
//! gets a generic message (the server's English text is for developers, not
//! visitors).
//!
//! Answers are parsed with the browser's `JSON.parse` and read with `Reflect`:
//! serde deserialisation would add tens of kilobytes to the widget's wasm.

use js_sys::{Array, JSON, Reflect};
use sealbook_texts::{Scope, Section};
use wasm_bindgen::{JsCast, JsValue};

use crate::calendar::Day;
use crate::error::{ErrorCode, Failure, failure_from};
use crate::fetch::{self, Reach, Request};
use crate::i18n::Lang;
use crate::profile::{
    Availability, Channel, DayAvailability, FieldId, FieldSpec, Kind, Localized, OptIn,
    Practitioner, Profile, Service, Slot,
};

/// `GET …/keys`: `{"business":…,"keys":[{"kid":…,"spki":…,"status":…}]}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySet {
    pub business: String,
    pub keys: Vec<ServedKey>,
    /// The courier's keys, which a contact card is sealed to.
    pub courier: Vec<ServedKey>,
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
    #[inline]
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }
}

/// The business's key set.
#[inline]
pub async fn fetch_keys(api: &str, business: &str) -> Result<KeySet, Failure> {
    let body = get(&endpoint(api, business, "keys")).await?;
    key_set(&body).ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

/// The business's profile.
#[inline]
pub async fn fetch_profile(api: &str, business: &str) -> Result<Profile, Failure> {
    let body = get(&endpoint(api, business, "profile")).await?;
    profile(&body).ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

/// Where the texts of `section` in `lang` are served: the business's (the
/// translation file's with its own laid over them), or without a business the
/// translation file's alone.
#[inline]
pub fn texts_url(api: &str, business: Option<&str>, lang: Lang, section: Section) -> String {
    let mut resource = String::from("texts/");
    resource.push_str(lang.code());
    resource.push('/');
    resource.push_str(section.name());
    match business {
        Some(business) => endpoint(api, business, &resource),
        None => {
            let mut url = String::from(api);
            url.push_str("/api/v1/");
            url.push_str(&resource);
            url
        }
    }
}

/// Installs the texts `url` serves (see [`texts_url`]) as `section` in `lang`
/// for `scope` (one booking form's, or the page's), for the page's lifetime.
/// Without them, that section reads English.
#[inline]
pub async fn install_texts(
    url: &str,
    lang: Lang,
    section: Section,
    scope: Scope,
) -> Result<(), Failure> {
    let body = get(url).await?;
    let unexpected = Failure::Known(ErrorCode::UnexpectedResponse);
    let shape = string(&body, "shape")
        .and_then(|hex| u64::from_str_radix(&hex, 16).ok())
        .ok_or(unexpected.clone())?;
    let texts = list(&body, "texts", |text| text.as_string());
    sealbook_texts::install(section, lang, scope, shape, texts).map_err(|_| unexpected)
}

/// `{api}/api/v1/businesses/{business}/{resource}`.
#[inline]
pub fn endpoint(api: &str, business: &str, resource: &str) -> String {
    let mut url = String::from(api);
    url.push_str("/api/v1/businesses/");
    url.push_str(&path_segment(business));
    url.push('/');
    url.push_str(resource);
    url
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
#[inline]
pub fn path_segment(raw: &str) -> String {
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

/// The failure an error answer (`status`, its body parsed as JSON) stands for.
#[inline]
pub fn failure(status: u16, body: Option<&JsValue>) -> Failure {
    failure_from(status, body.and_then(error_code))
}

/// `object[key]`, if `object` is an object and the member is neither undefined nor null.
#[inline]
pub fn member(object: &JsValue, key: &str) -> Option<JsValue> {
    if !object.is_object() {
        return None;
    }
    Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// `object[key]` if it is a string.
#[inline]
pub fn string(object: &JsValue, key: &str) -> Option<String> {
    member(object, key)?.as_string()
}

/// `object[key]` if it is a non-negative whole number.
#[inline]
pub fn number(object: &JsValue, key: &str) -> Option<u32> {
    let n = member(object, key)?.as_f64()?;
    (n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0).then_some(n as u32)
}

#[inline]
fn flag(object: &JsValue, key: &str) -> bool {
    member(object, key)
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// `object[key]` as an array of items read by `item`; items that do not read are dropped.
#[inline]
fn list<T>(object: &JsValue, key: &str, item: impl FnMut(JsValue) -> Option<T>) -> Vec<T> {
    member(object, key)
        .and_then(|v| v.dyn_into::<Array>().ok())
        .map(|array| array.iter().filter_map(item).collect())
        .unwrap_or_default()
}

#[inline]
fn localized(object: &JsValue, key: &str) -> Option<Localized> {
    let texts = member(object, key)?;
    Some(Localized(
        Lang::ALL.map(|lang| string(&texts, lang.code()).unwrap_or_default()),
    ))
}

#[inline]
fn key_set(value: &JsValue) -> Option<KeySet> {
    Some(KeySet {
        business: string(value, "business")?,
        keys: list(value, "keys", served_key),
        courier: list(value, "courier", served_key),
    })
}

#[inline]
fn served_key(key: JsValue) -> Option<ServedKey> {
    Some(ServedKey {
        kid: string(&key, "kid")?,
        spki: string(&key, "spki")?,
        status: string(&key, "status")?,
    })
}

/// A `GET …/profile` answer, as parsed by `JSON.parse`.
#[inline]
pub fn profile(value: &JsValue) -> Option<Profile> {
    let kind = match string(value, "kind")?.as_str() {
        "restaurant" => Kind::Restaurant,
        "clinic" => Kind::Clinic,
        _ => return None,
    };
    Some(Profile {
        name: string(value, "name").unwrap_or_default(),
        kind,
        timezone: string(value, "timezone")?,
        horizon_days: number(value, "horizon_days").unwrap_or(60),
        max_party_size: number(value, "max_party_size")
            .map_or(1, |n| u8::try_from(n.clamp(1, 99)).unwrap_or(1)),
        turn_minutes: number(value, "turn_minutes").unwrap_or(0),
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
        messages: list(value, "messages", |m| Channel::parse(&m.as_string()?)),
        marketing: list(value, "marketing", |m| {
            Some(OptIn {
                channel: Channel::parse(&string(&m, "channel")?)?,
                text: localized(&m, "text").unwrap_or_default(),
            })
        }),
        cancel_until_hours: number(value, "cancel_until_hours").unwrap_or(0),
        own_texts: list(value, "own_texts", |entry| entry.as_string()),
    })
}

/// A `GET …/availability` answer, as parsed by `JSON.parse`.
#[inline]
fn slot(value: JsValue) -> Option<Slot> {
    Some(Slot {
        start: string(&value, "start")?,
        local: string(&value, "local")?,
    })
}

pub fn availability(value: &JsValue) -> Option<Availability> {
    Some(Availability {
        days: list(value, "days", |d| {
            Some(DayAvailability {
                date: Day::parse(&string(&d, "date")?)?,
                open: flag(&d, "open"),
                note: localized(&d, "note"),
                slots: list(&d, "slots", slot),
                full: list(&d, "full", slot),
            })
        }),
    })
}

/// The `code` of an error answer: `{"error":{"code":…,"message":…}}`.
#[inline]
fn error_code(value: &JsValue) -> Option<String> {
    string(&member(value, "error")?, "code")
}

/// A GET that must answer 200 with JSON.
#[inline]
pub async fn get(url: &str) -> Result<JsValue, Failure> {
    let (status, body) = send("GET", url, &[], None).await?;
    if status != 200 {
        return Err(failure(status, body.as_ref()));
    }
    body.ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

/// One request: the status and the body parsed as JSON (`None` if it is not JSON).
/// `Network` when there is no HTTP answer at all.
#[inline]
pub fn send<'a>(
    method: &'a str,
    url: &'a str,
    headers: &'a [(&'a str, &'a str)],
    json: Option<&'a str>,
) -> impl Future<Output = Result<(u16, Option<JsValue>), Failure>> + 'a {
    let request = Request {
        method,
        url,
        reach: Reach::CrossOrigin,
        headers,
        json,
    };
    fetch::fetch(request, |status, body| (status, JSON::parse(&body).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            texts_url(
                "https://api.example",
                Some("bistro"),
                Lang::Pl,
                Section::Visitor
            ),
            "https://api.example/api/v1/businesses/bistro/texts/pl/visitor"
        );
        assert_eq!(
            texts_url("", None, Lang::Es, Section::Manage),
            "/api/v1/texts/es/manage"
        );
    }
}
