//! Opened bookings as files for other programs: CSV for spreadsheets, iCalendar
//! for calendars. Every value comes from a visitor, so both formats escape it
//! for what will read it. The CLI (`sealbook bookings open --format csv|ics`) and
//! the staff inbox (in the browser) build their files here, from the same rows:
//! `{id, business, start, end, party_size, service, practitioner, status,
//! received, booking}`, where `booking` is the opened plaintext.

use icalendar::{Calendar, Component as _, Event, EventStatus};
use serde_json::Value;

/// The CSV columns, in order.
const COLUMNS: [&str; 18] = [
    "reference",
    "business",
    "start_utc",
    "end_utc",
    "party_size",
    "service",
    "practitioner",
    "status",
    "name",
    "phone",
    "email",
    "note",
    "reason",
    "health_consent",
    // The marketing opt-ins: `true`/`false` where the business offered the box,
    // empty where it did not; the consent record that proves the page's choice.
    "marketing_email",
    "marketing_sms",
    "consent_id",
    "received_utc",
];

/// Why the CSV could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the CSV export: {0}")]
pub struct ExportError(#[from] csv::Error);

impl From<csv::IntoInnerError<csv::Writer<Vec<u8>>>> for ExportError {
    fn from(error: csv::IntoInnerError<csv::Writer<Vec<u8>>>) -> Self {
        Self(error.into_error().into())
    }
}

/// One row per booking. Cells a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or carriage return) get a leading `'`.
pub fn csv(rows: &[Value]) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for row in rows {
        let booking = &row["booking"];
        let cells = [
            &row["id"],
            &row["business"],
            &row["start"],
            &row["end"],
            &row["party_size"],
            &row["service"],
            &row["practitioner"],
            &row["status"],
            &booking["name"],
            &booking["contact"]["phone"],
            &booking["contact"]["email"],
            &booking["note"],
            &booking["reason"],
            &booking["health_consent"],
            &booking["marketing"]["email"],
            &booking["marketing"]["sms"],
            &booking["consent_id"],
            &row["received"],
        ];
        writer.write_record(cells.map(|value| defuse_formula(&cell(value))))?;
    }
    Ok(writer.into_inner()?)
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn defuse_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One event per booking, in UTC, with the booking's reference as its UID.
pub fn ics(rows: &[Value]) -> String {
    let mut calendar = Calendar::new();
    calendar.name("Sealbook");
    for row in rows {
        let booking = &row["booking"];
        let name = cell(&booking["name"]);
        let what = if row["service"].is_null() {
            format!("{} × {}", cell(&row["party_size"]), name)
        } else {
            format!("{} — {}", cell(&row["service"]), name)
        };
        let details: Vec<String> = [
            ("Phone", booking["contact"]["phone"].clone()),
            ("E-mail", booking["contact"]["email"].clone()),
            ("Note", booking["note"].clone()),
            ("Reason", booking["reason"].clone()),
            ("With", row["practitioner"].clone()),
            (
                "Marketing by e-mail",
                yes_no(&booking["marketing"]["email"]),
            ),
            ("Marketing by SMS", yes_no(&booking["marketing"]["sms"])),
            ("Consent id", booking["consent_id"].clone()),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(label, value)| format!("{label}: {}", cell(&value)))
        .collect();
        let status = if row["status"] == "cancelled" {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        };
        calendar.push(
            Event::new()
                .uid(&format!("{}@sealbook", cell(&row["id"])))
                .summary(&what)
                .description(&details.join("\n"))
                .add_property("DTSTART", basic_utc(&cell(&row["start"])))
                .add_property("DTEND", basic_utc(&cell(&row["end"])))
                .status(status)
                .done(),
        );
    }
    calendar.done().to_string()
}

/// An opt-in's answer in words; null when the box was not offered.
fn yes_no(value: &Value) -> Value {
    match value {
        Value::Bool(true) => Value::from("yes"),
        Value::Bool(false) => Value::from("no"),
        _ => Value::Null,
    }
}

/// `2026-12-04T19:30:00+01:00` → `20261204T183000Z` (RFC 5545, UTC). The CLI's
/// rows are in UTC already, the inbox's carry the business's offset.
fn basic_utc(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| rfc3339.replace(['-', ':'], ""),
        |time| {
            time.with_timezone(&chrono::Utc)
                .format("%Y%m%dT%H%M%SZ")
                .to_string()
        },
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{csv, ics};

    fn rows() -> Vec<serde_json::Value> {
        vec![json!({
            "id": "7KQ2-M9XD-4T8R-B1ZC", "business": "bistro-du-coin",
            "start": "2026-12-04T18:30:00Z", "end": "2026-12-04T20:00:00Z",
            "party_size": 4, "service": null, "practitioner": null, "status": "confirmed",
            "received": "2026-11-26T10:00:00Z",
            "booking": { "name": "=HYPERLINK(\"http://evil\")", "contact": { "phone": "+33 6 12" },
                         "note": "Allergie: noix, arachides;\nterrasse" }
        })]
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        let text = String::from_utf8(csv(&rows()).expect("csv")).expect("UTF-8");
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .is_some_and(|header| header.starts_with("reference,"))
        );
        assert!(text.contains("'=HYPERLINK"), "{text}");
        assert!(text.contains("'+33 6 12"), "{text}");
        assert!(
            text.contains("\"Allergie: noix, arachides;\nterrasse\""),
            "{text}"
        );
    }

    fn with_optins() -> Vec<serde_json::Value> {
        let mut rows = rows();
        rows[0]["booking"]["marketing"] = json!({ "email": true, "sms": false });
        rows[0]["booking"]["consent_id"] = json!("kP3x_9Qz-LmN0aBcDeFgHi");
        rows
    }

    #[test]
    fn csv_shows_the_optins_and_the_consent_id() {
        let text = String::from_utf8(csv(&with_optins()).expect("csv")).expect("UTF-8");
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().expect("header").clone();
        let record = reader.records().next().expect("row").expect("record");
        let value = |name: &str| {
            let at = headers.iter().position(|h| h == name).expect(name);
            record[at].to_owned()
        };
        assert_eq!(value("marketing_email"), "true");
        assert_eq!(value("marketing_sms"), "false");
        assert_eq!(value("consent_id"), "kP3x_9Qz-LmN0aBcDeFgHi");

        // No box offered, no consent layer: empty cells, not `false`.
        let text = String::from_utf8(csv(&rows()).expect("csv")).expect("UTF-8");
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let record = reader.records().next().expect("row").expect("record");
        let at = |name: &str| headers.iter().position(|h| h == name).expect(name);
        for name in ["marketing_email", "marketing_sms", "consent_id"] {
            assert_eq!(&record[at(name)], "", "{name}");
        }
    }

    #[test]
    fn ics_shows_the_optins_and_the_consent_id() {
        // Long lines are folded (RFC 5545 §3.1): unfold before looking.
        let text = ics(&with_optins()).replace("\r\n ", "");
        assert!(text.contains("Marketing by e-mail: yes"), "{text}");
        assert!(text.contains("Marketing by SMS: no"), "{text}");
        assert!(text.contains("kP3x_9Qz-LmN0aBcDeFgHi"), "{text}");
        let plain = ics(&rows());
        assert!(!plain.contains("Marketing"), "{plain}");
        assert!(!plain.contains("Consent"), "{plain}");
    }

    #[test]
    fn ics_times_with_an_offset_are_written_in_utc() {
        let mut rows = rows();
        rows[0]["start"] = json!("2026-12-04T19:30:00+01:00");
        rows[0]["end"] = json!("2026-12-04T21:00:00+01:00");
        let text = ics(&rows);
        assert!(text.contains("DTSTART:20261204T183000Z\r\n"), "{text}");
        assert!(text.contains("DTEND:20261204T200000Z\r\n"), "{text}");
    }

    #[test]
    fn ics_has_one_escaped_event_per_booking() {
        let text = ics(&rows());
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 1);
        assert!(
            text.contains("UID:7KQ2-M9XD-4T8R-B1ZC@sealbook\r\n"),
            "{text}"
        );
        assert!(text.contains("DTSTART:20261204T183000Z\r\n"), "{text}");
        assert!(text.contains("DTEND:20261204T200000Z\r\n"), "{text}");
        assert!(text.contains("STATUS:CONFIRMED\r\n"), "{text}");
        // Commas, semicolons and newlines are escaped as RFC 5545 says.
        assert!(text.contains("noix\\, arachides\\;\\nterrasse"), "{text}");
    }
}
