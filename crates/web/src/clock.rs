//! The browser's clock and its `Intl` date formatting, through `js_sys` (a date
//! crate would cost the wasm more than the whole calendar).

use js_sys::{Date, Object, Reflect};
use wasm_bindgen::JsValue;

use crate::calendar::Day;
use crate::i18n::Lang;

/// Now, in whole Unix seconds (the envelope's `iat`).
#[inline]
pub fn now_unix_seconds() -> u64 {
    // Date::now() is a non-negative integer number of ms well below 2^53.
    (Date::now() / 1000.0).floor() as u64
}

/// An `Intl.DateTimeFormat` options object.
#[inline]
fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object.into()
}

/// Today in `timezone` (the business's), or in the browser's when the zone is unknown.
#[inline]
pub fn today_in(timezone: &str) -> Day {
    let now = Date::new_0();
    // `en-CA` writes dates as YYYY-MM-DD.
    let text: String = now
        .to_locale_date_string("en-CA", &options(&[("timeZone", timezone)]))
        .into();
    // Without Intl time zones: the UTC date, a day off at most around midnight.
    Day::parse(&text).unwrap_or_else(|| Day::from_ordinal((Date::now() / 86_400_000.0) as i32))
}

/// How much of a date to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// "jeudi 26 novembre 2026"
    Full,
    /// "novembre 2026"
    Month,
    /// "lun." (a weekday's short name)
    Weekday,
}

/// A calendar date in the visitor's language.
#[inline]
pub fn format_day(lang: Lang, day: Day, style: DateStyle) -> String {
    let date = Date::new(&JsValue::from_f64(day.utc_ms()));
    let pairs: &[(&str, &str)] = match style {
        DateStyle::Full => &[("timeZone", "UTC"), ("dateStyle", "full")],
        DateStyle::Month => &[("timeZone", "UTC"), ("month", "long"), ("year", "numeric")],
        DateStyle::Weekday => &[("timeZone", "UTC"), ("weekday", "short")],
    };
    date.to_locale_date_string(lang.code(), &options(pairs))
        .into()
}

/// An RFC 3339 instant as a date and time in the visitor's language, in the
/// business's time zone.
#[inline]
pub fn format_instant(lang: Lang, instant: &str, timezone: &str) -> String {
    let date = Date::new(&JsValue::from_str(instant));
    if !date.get_time().is_finite() {
        return instant.to_owned();
    }
    date.to_locale_string(
        lang.code(),
        &options(&[
            ("timeZone", timezone),
            ("dateStyle", "full"),
            ("timeStyle", "short"),
        ]),
    )
    .into()
}
