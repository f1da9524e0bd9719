//! The booking as an iCalendar file (RFC 5545): one VEVENT with a display
//! alarm two hours before, times in UTC, lines ending in CRLF and folded at 75
//! octets. Built in the browser, by the widget at its confirmation step and by
//! the manage page from the decrypted booking; nothing about it is sent
//! anywhere. Both use the booking id as the UID, so a calendar that gets the
//! file from both keeps one event.

use crate::calendar::{Day, push_padded};

/// An instant, as seconds since 1970-01-01T00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Instant(i64);

impl Instant {
    /// `YYYY-MM-DDTHH:MM:SSZ` (what the API sends; fractions and offsets are refused).
    #[inline]
    fn parse(text: &str) -> Option<Self> {
        let day = Day::parse(text.get(0..10)?)?;
        let rest = text.as_bytes().get(10..)?;
        if rest.len() != 10
            || rest[0] != b'T'
            || rest[3] != b':'
            || rest[6] != b':'
            || rest[9] != b'Z'
        {
            return None;
        }
        // Two digits by hand: `str::parse` would cost the widget its code.
        let two = |at: usize| -> Option<i64> {
            let (tens, ones) = (rest[at], rest[at + 1]);
            (tens.is_ascii_digit() && ones.is_ascii_digit())
                .then(|| i64::from(tens - b'0') * 10 + i64::from(ones - b'0'))
        };
        let (hour, minute, second) = (two(1)?, two(4)?, two(7)?);
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        Some(Self(
            i64::from(day.ordinal()) * 86_400 + hour * 3_600 + minute * 60 + second,
        ))
    }

    /// `YYYYMMDDTHHMMSSZ`, RFC 5545's UTC form, after `out`.
    #[inline]
    fn push_basic(self, out: &mut String) {
        let day = Day::from_ordinal(i32::try_from(self.0.div_euclid(86_400)).unwrap_or_default());
        let of_day = u32::try_from(self.0.rem_euclid(86_400)).unwrap_or_default();
        push_padded(out, day.year.unsigned_abs(), 4);
        push_padded(out, day.month.into(), 2);
        push_padded(out, day.day.into(), 2);
        out.push('T');
        push_padded(out, of_day / 3_600, 2);
        push_padded(out, of_day / 60 % 60, 2);
        push_padded(out, of_day % 60, 2);
        out.push('Z');
    }
}

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
    /// Now, in Unix seconds, for DTSTAMP.
    pub stamp: u64,
}

/// The `.ics` text, or `None` when the start does not parse.
#[inline]
pub fn calendar(event: &Event<'_>) -> Option<String> {
    let start = Instant::parse(event.start)?;
    let end = Instant(start.0 + i64::from(event.duration_minutes.max(1)) * 60);
    let stamp = Instant(i64::try_from(event.stamp).unwrap_or_default());
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Sealbook//Booking//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
    ] {
        fold_into(&mut out, line);
    }
    let mut uid = escape(event.id);
    uid.push_str("@sealbook");
    property(&mut out, "UID:", &uid);
    for (name, instant) in [("DTSTAMP:", stamp), ("DTSTART:", start), ("DTEND:", end)] {
        let mut value = String::new();
        instant.push_basic(&mut value);
        property(&mut out, name, &value);
    }
    let summary = escape(event.summary);
    property(&mut out, "SUMMARY:", &summary);
    property(&mut out, "DESCRIPTION:", &escape(event.description));
    // The calendar reminds the visitor itself, two hours before: no server and
    // no courier involved.
    fold_into(&mut out, "BEGIN:VALARM");
    fold_into(&mut out, "ACTION:DISPLAY");
    property(&mut out, "DESCRIPTION:", &summary);
    for line in [
        "TRIGGER:-PT120M",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ] {
        fold_into(&mut out, line);
    }
    Some(out)
}

/// `name` (with its colon) and `value`, folded, after `out`.
#[inline]
fn property(out: &mut String, name: &str, value: &str) {
    let mut line = String::with_capacity(name.len() + value.len());
    line.push_str(name);
    line.push_str(value);
    fold_into(out, &line);
}

/// RFC 5545 §3.3.11 TEXT escaping.
#[inline]
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// RFC 5545 §3.1: lines of at most 75 octets, continued after CRLF and a space,
/// never splitting a UTF-8 character.
#[inline]
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
            // 2026-11-26T05:00:07Z
            stamp: 1_795_669_207,
        }
    }

    #[test]
    fn times_are_utc_and_the_end_crosses_midnight() {
        let ics = calendar(&event("Bistro")).expect("ics");
        assert!(ics.contains("\r\nDTSTART:20261231T233000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nDTEND:20270101T010000Z\r\n"), "{ics}");
        assert!(ics.contains("\r\nUID:7KQ2-M9XD-4T8R-B1ZC@sealbook\r\n"));
        assert!(ics.contains("\r\nDTSTAMP:20261126T050007Z\r\n"), "{ics}");
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
