//! The booking as an iCalendar file (RFC 5545): one VEVENT with a display
//! alarm two hours before, times in UTC, lines
//! ending in CRLF and folded at 75 octets. Built in the browser from the
//! decrypted booking; nothing about it is sent anywhere.

use sealbook_web::calendar::Day;

/// An instant, as minutes since 1970-01-01T00:00Z plus the seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Instant {
    minutes: i64,
    seconds: u8,
}

impl Instant {
    /// `YYYY-MM-DDTHH:MM:SSZ` (what the API sends; fractions and offsets are refused).
    fn parse(text: &str) -> Option<Self> {
        let day = Day::parse(text.get(0..10)?)?;
        let rest = text.get(10..)?;
        let bytes = rest.as_bytes();
        if bytes.len() != 10 || bytes[0] != b'T' || bytes[3] != b':' || bytes[6] != b':' {
            return None;
        }
        if bytes[9] != b'Z' {
            return None;
        }
        let two = |at: usize| -> Option<u8> {
            let part = rest.get(at..at + 2)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (hour, minute, seconds) = (two(1)?, two(4)?, two(7)?);
        if hour > 23 || minute > 59 || seconds > 59 {
            return None;
        }
        Some(Self {
            minutes: i64::from(day.ordinal()) * 1440 + i64::from(hour) * 60 + i64::from(minute),
            seconds,
        })
    }

    fn plus_minutes(self, minutes: u32) -> Self {
        Self {
            minutes: self.minutes + i64::from(minutes),
            ..self
        }
    }

    /// `YYYYMMDDTHHMMSSZ`, RFC 5545's UTC form.
    fn basic(self) -> String {
        let days = self.minutes.div_euclid(1440);
        let of_day = self.minutes.rem_euclid(1440);
        let day = Day::from_ordinal(i32::try_from(days).unwrap_or_default());
        let mut out = day.iso().replace('-', "");
        out.push_str(&format!(
            "T{:02}{:02}{:02}Z",
            of_day / 60,
            of_day % 60,
            self.seconds
        ));
        out
    }
}

/// The event's alarm, before its start.
const ALARM_MINUTES_BEFORE: u32 = 120;

/// What goes into the event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// The booking id (also the event's UID).
    pub id: &'a str,
    /// RFC 3339 UTC start, as the API sent it.
    pub start: &'a str,
    pub duration_minutes: u32,
    pub summary: &'a str,
    pub description: &'a str,
    /// RFC 3339 UTC "now", for DTSTAMP.
    pub stamp: &'a str,
}

/// The `.ics` text, or `None` when a time does not parse.
pub fn calendar(event: &Event<'_>) -> Option<String> {
    let start = Instant::parse(event.start)?;
    let end = start.plus_minutes(event.duration_minutes.max(1));
    let stamp = Instant::parse(event.stamp)?;
    let mut out = String::new();
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Sealbook//Manage page//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@sealbook", escape(event.id)),
        format!("DTSTAMP:{}", stamp.basic()),
        format!("DTSTART:{}", start.basic()),
        format!("DTEND:{}", end.basic()),
        format!("SUMMARY:{}", escape(event.summary)),
        format!("DESCRIPTION:{}", escape(event.description)),
        // The calendar reminds the visitor itself, two hours before: no
        // server and no courier involved.
        "BEGIN:VALARM".to_owned(),
        "ACTION:DISPLAY".to_owned(),
        format!("DESCRIPTION:{}", escape(event.summary)),
        format!("TRIGGER:-PT{ALARM_MINUTES_BEFORE}M"),
        "END:VALARM".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    for line in &lines {
        fold_into(&mut out, line);
    }
    Some(out)
}

/// RFC 5545 §3.3.11 TEXT escaping.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// RFC 5545 §3.1: lines of at most 75 octets, continued after CRLF and a space,
/// never splitting a UTF-8 character.
fn fold_into(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(summary: &'a str) -> Event<'a> {
        Event {
            id: "7KQ2-M9XD-4T8R-B1ZC",
            start: "2026-12-31T23:30:00Z",
            duration_minutes: 90,
            summary,
            description: "2 people",
            stamp: "2026-11-26T05:00:00Z",
        }
    }

    #[test]
    fn times_are_utc_and_the_end_crosses_midnight() {
        let ics = calendar(&event("Bistro")).expect("ics");
        assert!(ics.contains("\r\nDTSTART:20261231T233000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nDTEND:20270101T010000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nUID:7KQ2-M9XD-4T8R-B1ZC@sealbook\r\n"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(
            ics.contains("\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Bistro\r\nTRIGGER:-PT120M\r\nEND:VALARM\r\nEND:VEVENT\r\n"),
            "a reminder two hours before: {ics}"
        );
        assert!(!ics.replace("\r\n", "").contains('\n'), "only CRLF endings");
    }

    #[test]
    fn long_lines_are_folded_at_75_octets_without_splitting_characters() {
        let summary = "Café à Zürich, très long; ".repeat(8);
        let ics = calendar(&event(&summary)).expect("ics");
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("SUMMARY:Café à Zürich\\, très long\\; Café"));
    }

    #[test]
    fn malformed_times_are_refused() {
        for start in [
            "",
            "2026-12-31",
            "2026-12-31T23:30:00+01:00",
            "2026-13-01T00:00:00Z",
        ] {
            let mut bad = event("x");
            bad.start = start;
            assert_eq!(calendar(&bad), None, "{start}");
        }
    }
}
