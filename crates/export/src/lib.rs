//! Opened bookings as files for other programs: CSV for spreadsheets, iCalendar
//! for calendars, a printable HTML day sheet for the front desk. Every value
//! comes from a visitor, so each format escapes it for what will read it. The
//! CLI (`sealbook bookings open --format csv|ics`) and the staff inbox (in the
//! browser) build their files here, from the same [`Row`]s: what the server
//! stores of a booking, and the opened plaintext; the day sheet takes the cells
//! as the inbox words them, in the staff member's language.

mod day_sheet;

pub use day_sheet::{DaySheet, day_sheet};

use icalendar::{Calendar, Component as _, Event, EventStatus};
use sealbook_wire::api::inbox::Attendance;
use sealbook_wire::plaintext::Booking;
use serde::Serialize;

/// One opened booking: the server's metadata and the sealed part. As JSON
/// (`sealbook bookings open --format json`) it is `{id, business, start, end,
/// party_size, service, practitioner, status, attendance, received, booking}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub id: String,
    pub business: String,
    /// RFC 3339: UTC from the CLI, the business's offset from the inbox.
    pub start: String,
    pub end: String,
    pub party_size: Option<u32>,
    pub service: Option<String>,
    pub practitioner: Option<String>,
    pub status: String,
    /// `arrived`, `no_show` or `late_cancelled`, kept apart from `status`.
    pub attendance: Option<Attendance>,
    /// When the server took the booking, RFC 3339.
    pub received: String,
    /// `None` when the plaintext is not a booking this version reads: its
    /// cells stay empty.
    pub booking: Option<Booking>,
}

/// The CSV columns, in order.
const COLUMNS: [&str; 19] = [
    "reference",
    "business",
    "start_utc",
    "end_utc",
    "party_size",
    "service",
    "practitioner",
    "status",
    "attendance",
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

/// The sealed part's members a file shows, each absent when the booking has
/// none (or could not be read).
#[derive(Default)]
struct Sealed<'a> {
    name: Option<&'a str>,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    note: Option<&'a str>,
    reason: Option<&'a str>,
    health_consent: Option<bool>,
    marketing_email: Option<bool>,
    marketing_sms: Option<bool>,
    consent_id: Option<&'a str>,
}

impl<'a> Sealed<'a> {
    fn of(row: &'a Row) -> Self {
        let Some(booking) = &row.booking else {
            return Self::default();
        };
        let contact = booking.contact.as_ref();
        Self {
            name: booking.name.as_deref(),
            phone: contact.and_then(|c| c.phone.as_deref()),
            email: contact.and_then(|c| c.email.as_deref()),
            note: booking.note.as_deref(),
            reason: booking.reason.as_deref(),
            health_consent: booking.health_consent,
            marketing_email: booking.marketing_email(),
            marketing_sms: booking.marketing_sms(),
            consent_id: booking.consent_id.as_deref(),
        }
    }
}

/// One row per booking. Cells a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, tab or carriage return) get a leading `'`.
pub fn csv(rows: &[Row]) -> Result<Vec<u8>, ExportError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for row in rows {
        let sealed = Sealed::of(row);
        let text = |value: Option<&str>| value.unwrap_or_default().to_owned();
        let shown = |value: Option<String>| value.unwrap_or_default();
        let cells = [
            row.id.clone(),
            row.business.clone(),
            row.start.clone(),
            row.end.clone(),
            shown(row.party_size.map(|size| size.to_string())),
            text(row.service.as_deref()),
            text(row.practitioner.as_deref()),
            row.status.clone(),
            text(row.attendance.map(Attendance::as_str)),
            text(sealed.name),
            text(sealed.phone),
            text(sealed.email),
            text(sealed.note),
            text(sealed.reason),
            shown(sealed.health_consent.map(|yes| yes.to_string())),
            shown(sealed.marketing_email.map(|yes| yes.to_string())),
            shown(sealed.marketing_sms.map(|yes| yes.to_string())),
            text(sealed.consent_id),
            row.received.clone(),
        ];
        writer.write_record(cells.map(|cell| defuse_formula(&cell)))?;
    }
    Ok(writer.into_inner()?)
}

fn defuse_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One event per booking, in UTC, with the booking's reference as its UID.
pub fn ics(rows: &[Row]) -> String {
    let mut calendar = Calendar::new();
    calendar.name("Sealbook");
    // A place on the waitlist is nobody's appointment: no event.
    for row in rows
        .iter()
        .filter(|row| !matches!(row.status.as_str(), "waiting" | "lapsed"))
    {
        let sealed = Sealed::of(row);
        let name = sealed.name.unwrap_or_default();
        let what = match &row.service {
            None => format!(
                "{} × {name}",
                row.party_size
                    .map(|size| size.to_string())
                    .unwrap_or_default()
            ),
            Some(service) => format!("{service} — {name}"),
        };
        let details: Vec<String> = [
            ("Phone", sealed.phone),
            ("E-mail", sealed.email),
            ("Note", sealed.note),
            ("Reason", sealed.reason),
            ("With", row.practitioner.as_deref()),
            ("Attendance", row.attendance.map(Attendance::as_str)),
            ("Marketing by e-mail", sealed.marketing_email.map(yes_no)),
            ("Marketing by SMS", sealed.marketing_sms.map(yes_no)),
            ("Consent id", sealed.consent_id),
        ]
        .into_iter()
        .filter_map(|(label, value)| Some(format!("{label}: {}", value?)))
        .collect();
        let status = match row.status.as_str() {
            "cancelled" => EventStatus::Cancelled,
            // Seats held for a waitlist offer not yet taken up.
            "offered" => EventStatus::Tentative,
            _ => EventStatus::Confirmed,
        };
        let mut event = Event::new();
        event
            .uid(&format!("{}@sealbook", row.id))
            .summary(&what)
            .description(&details.join("\n"))
            .add_property("DTSTART", basic_utc(&row.start))
            .add_property("DTEND", basic_utc(&row.end))
            .status(status);
        if let Some(mark) = row.attendance {
            // Calendars have no attendance of their own: a property of ours,
            // for programs that read it, beside the description line for people.
            event.add_property("X-SEALBOOK-ATTENDANCE", mark.as_str());
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// An opt-in's answer in words.
fn yes_no(answer: bool) -> &'static str {
    if answer { "yes" } else { "no" }
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
    use sealbook_wire::plaintext::{Booking, Marketing};
    use serde_json::json;

    use super::{Attendance, Row, csv, ics};

    fn rows() -> Vec<Row> {
        let booking = json!({ "name": "=HYPERLINK(\"http://evil\")", "contact": { "phone": "+33 6 12" },
                              "note": "Allergie: noix, arachides;\nterrasse" });
        vec![Row {
            id: "7KQ2-M9XD-4T8R-B1ZC".to_owned(),
            business: "bistro-du-coin".to_owned(),
            start: "2026-12-04T18:30:00Z".to_owned(),
            end: "2026-12-04T20:00:00Z".to_owned(),
            party_size: Some(4),
            service: None,
            practitioner: None,
            status: "confirmed".to_owned(),
            attendance: None,
            received: "2026-11-26T10:00:00Z".to_owned(),
            booking: Some(serde_json::from_value::<Booking>(booking).expect("a booking")),
        }]
    }

    fn booking(rows: &mut [Row]) -> &mut Booking {
        rows[0].booking.as_mut().expect("opened")
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

    fn with_optins() -> Vec<Row> {
        let mut rows = rows();
        booking(&mut rows).marketing = Some(Marketing {
            email: Some(true),
            sms: Some(false),
            ..Marketing::default()
        });
        booking(&mut rows).consent_id = Some("kP3x_9Qz-LmN0aBcDeFgHi".to_owned());
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

    /// The first row's cell under `column` in the CSV of `rows`.
    fn cell(rows: &[Row], column: &str) -> String {
        let text = String::from_utf8(csv(rows).expect("csv")).expect("UTF-8");
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let at = reader
            .headers()
            .expect("header")
            .iter()
            .position(|header| header == column)
            .expect(column);
        let record = reader.records().next().expect("row").expect("record");
        record[at].to_owned()
    }

    #[test]
    fn attendance_is_its_own_column_beside_the_status() {
        let mut rows = rows();
        rows[0].status = "cancelled".to_owned();
        rows[0].attendance = Some(Attendance::NoShow);
        assert_eq!(
            (cell(&rows, "status"), cell(&rows, "attendance")),
            ("cancelled".to_owned(), "no_show".to_owned())
        );
        let calendar = ics(&rows).replace("\r\n ", "");
        assert!(calendar.contains("STATUS:CANCELLED\r\n"), "{calendar}");
        assert!(
            calendar.contains("X-SEALBOOK-ATTENDANCE:no_show\r\n"),
            "{calendar}"
        );
        assert!(calendar.contains("Attendance: no_show"), "{calendar}");

        rows[0].attendance = None;
        assert_eq!(cell(&rows, "attendance"), "", "no mark, an empty cell");
        assert!(!ics(&rows).contains("Attendance"), "no mark, no line");
    }

    #[test]
    fn ics_times_with_an_offset_are_written_in_utc() {
        let mut rows = rows();
        rows[0].start = "2026-12-04T19:30:00+01:00".to_owned();
        rows[0].end = "2026-12-04T21:00:00+01:00".to_owned();
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
