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
    /// "26 novembre"
    DayMonth,
}

/// A calendar date in the visitor's language.
#[inline]
pub fn format_day(lang: Lang, day: Day, style: DateStyle) -> String {
    let date = Date::new(&JsValue::from_f64(day.utc_ms()));
    let pairs: &[(&str, &str)] = match style {
        DateStyle::Full => &[("timeZone", "UTC"), ("dateStyle", "full")],
        DateStyle::Month => &[("timeZone", "UTC"), ("month", "long"), ("year", "numeric")],
        DateStyle::Weekday => &[("timeZone", "UTC"), ("weekday", "short")],
        DateStyle::DayMonth => &[("timeZone", "UTC"), ("day", "numeric"), ("month", "long")],
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

/// The instant (ms since the epoch) of local `date` at `minutes` past midnight
/// in `timezone`, found with `Intl` (no time-zone database in the wasm); `None`
/// for a zone `Intl` does not know. A wall time that a DST change skips comes
/// out an hour later; one that happens twice, as its first occurrence.
#[inline]
pub fn zoned_ms(timezone: &str, date: Day, minutes: u32) -> Option<f64> {
    const DAY_MS: f64 = 86_400_000.0;
    let format = zone_format(timezone)?;
    let wall = date.utc_ms() + f64::from(minutes) * 60_000.0;
    let offset = |at: f64| wall_ms(&format, at).map(|seen| seen - at);
    // The offsets a day before and a day after: a DST change lies between
    // them, if any (no zone changes twice in two days).
    let before = offset(wall - DAY_MS)?;
    let after = offset(wall + DAY_MS)?;
    let fits = |at: f64| offset(at).is_some_and(|found| wall - found == at);
    let earliest = [wall - before, wall - after]
        .into_iter()
        .filter(|&at| fits(at))
        .reduce(f64::min);
    // None fits: the wall time is in a gap, and is read with the offset from
    // before it, as the time it would be had the clock not jumped.
    Some(earliest.unwrap_or(wall - before))
}

/// `Intl.DateTimeFormat("en-CA", {timeZone, …}).format`: writes an instant as
/// `YYYY-MM-DD, HH:MM:SS` on the zone's wall clock.
#[inline]
fn zone_format(timezone: &str) -> Option<js_sys::Function> {
    use wasm_bindgen::JsCast as _;
    let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok()?;
    let constructor: js_sys::Function = Reflect::get(&intl, &JsValue::from_str("DateTimeFormat"))
        .ok()?
        .dyn_into()
        .ok()?;
    let options = options(&[
        ("timeZone", timezone),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
    ]);
    let arguments = js_sys::Array::of2(&JsValue::from_str("en-CA"), &options);
    // An unknown zone is a RangeError, caught here rather than thrown through wasm.
    let format = Reflect::construct(&constructor, &arguments).ok()?;
    Reflect::get(&format, &JsValue::from_str("format"))
        .ok()?
        .dyn_into()
        .ok()
}

/// The zone's wall-clock reading of instant `at`, as ms since the epoch as if
/// that reading were UTC.
#[inline]
fn wall_ms(format: &js_sys::Function, at: f64) -> Option<f64> {
    let text = format
        .call1(&JsValue::NULL, &Date::new(&JsValue::from_f64(at)))
        .ok()?
        .as_string()?;
    let numbers: Vec<u32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .filter_map(|part| part.parse().ok())
        .collect();
    let [year, month, day, hour, minute, second] = numbers[..] else {
        return None;
    };
    let mut iso = String::with_capacity(10);
    crate::calendar::push_padded(&mut iso, year, 4);
    iso.push('-');
    crate::calendar::push_padded(&mut iso, month, 2);
    iso.push('-');
    crate::calendar::push_padded(&mut iso, day, 2);
    let seconds = hour * 3600 + minute * 60 + second;
    Some(Day::parse(&iso)?.utc_ms() + f64::from(seconds) * 1000.0)
}
