//! Opened bookings as files for other programs: CSV for spreadsheets, iCalendar
//! for calendars. Every value comes from a visitor, so both formats escape it
//! for what will read it.

use icalendar::{Calendar, Component as _, Event, EventStatus};
use serde_json::Value;

/// The CSV columns, in order.
const COLUMNS: [&str; 15] = [
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
    "received_utc",
];

/// One row per booking. Cells a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or carriage return) get a leading `'`.
pub(crate) fn csv(rows: &[Value]) -> anyhow::Result<Vec<u8>> {
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
pub(crate) fn ics(rows: &[Value]) -> String {
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
            ("Phone", &booking["contact"]["phone"]),
            ("E-mail", &booking["contact"]["email"]),
            ("Note", &booking["note"]),
            ("Reason", &booking["reason"]),
            ("With", &row["practitioner"]),
        ]
        .into_iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(label, value)| format!("{label}: {}", cell(value)))
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

/// `2026-12-04T18:30:00Z` → `20261204T183000Z` (RFC 5545, UTC).
fn basic_utc(rfc3339: &str) -> String {
    rfc3339.replace(['-', ':'], "")
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
