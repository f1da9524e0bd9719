//! The browser's clock and time zone, through `js_sys::Date`.

use js_sys::Date;
use wasm_bindgen::JsValue;

use crate::form::LocalDateTime;

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> f64 {
    Date::now()
}

/// Now, in whole Unix seconds (the envelope's `iat`).
pub fn now_unix_seconds() -> u64 {
    // Date::now() is a non-negative integer number of ms well below 2^53.
    (Date::now() / 1000.0).floor() as u64
}

/// A start instant: the wall-clock time the visitor entered, placed in the browser's
/// time zone.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// Milliseconds since the Unix epoch.
    pub epoch_ms: f64,
    /// RFC 3339 in UTC with whole seconds, e.g. `2026-12-04T18:30:00Z`.
    pub utc: String,
}

/// Interprets `local` in the browser's time zone (a time skipped by a DST change moves
/// forward, as `Date` does).
pub fn local_start(local: &LocalDateTime) -> Option<Start> {
    let date = Date::new_with_year_month_day_hr_min(
        local.year.into(),
        i32::from(local.month) - 1,
        local.day.into(),
        local.hour.into(),
        local.minute.into(),
    );
    let epoch_ms = date.get_time();
    if !epoch_ms.is_finite() {
        // toISOString would throw on an invalid date.
        return None;
    }
    let iso = String::from(date.to_iso_string());
    Some(Start {
        epoch_ms,
        utc: whole_seconds(&iso)?,
    })
}

/// Today in the browser's time zone as `YYYY-MM-DD` (the date input's `min`).
pub fn today_local() -> String {
    let today = Date::new(&JsValue::from_f64(Date::now()));
    format!(
        "{:04}-{:02}-{:02}",
        today.get_full_year(),
        today.get_month() + 1,
        today.get_date()
    )
}

/// `2026-12-04T18:30:00.000Z` → `2026-12-04T18:30:00Z`.
fn whole_seconds(iso: &str) -> Option<String> {
    let (seconds, fraction) = iso.strip_suffix('Z')?.split_once('.')?;
    (seconds.len() == 19 && fraction.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{seconds}Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_strings_lose_their_milliseconds() {
        assert_eq!(
            whole_seconds("2026-12-04T18:30:00.000Z").as_deref(),
            Some("2026-12-04T18:30:00Z")
        );
        // Years past 9999 are written with a sign and are not RFC 3339.
        assert_eq!(whole_seconds("+010000-01-01T00:00:00.000Z"), None);
        assert_eq!(whole_seconds("2026-12-04T18:30:00Z"), None);
        assert_eq!(whole_seconds("garbage"), None);
    }
}
