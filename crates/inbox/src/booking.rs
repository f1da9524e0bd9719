//! A listed booking and what this device could read of it. The server's part
//! (time, party or service, status) shows at once; the sealed part (name,
//! contact, notes) appears when this device has opened it.

use sealbook_export as export;
use sealbook_wire::api::inbox::{Attendance, StaffBooking};
use sealbook_wire::plaintext::{Booking, Source};

use crate::i18n::{Lang, Text, t};
use crate::keyring::ReadError;

/// What the device knows of a booking's sealed part.
#[derive(Clone, Debug, PartialEq)]
pub enum Sealed {
    /// Not opened yet (the list opens bookings one after the other).
    Pending,
    Opened(Box<Booking>),
    Failed(ReadError),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub stored: StaffBooking,
    pub sealed: Sealed,
}

impl Row {
    pub fn new(stored: StaffBooking) -> Self {
        Self {
            stored,
            sealed: Sealed::Pending,
        }
    }

    fn booking(&self) -> Option<&Booking> {
        match &self.sealed {
            Sealed::Opened(booking) => Some(booking),
            _ => None,
        }
    }

    /// The guest's name; for a block, its label.
    pub fn name(&self) -> String {
        self.booking()
            .map(|booking| match &booking.block {
                Some(block) => block.label.clone(),
                None => booking.display_name().to_owned(),
            })
            .unwrap_or_default()
    }

    /// The phone number and the e-mail address, whichever the visitor gave.
    pub fn contact(&self) -> String {
        self.booking()
            .map(|booking| booking.contact_lines().collect::<Vec<_>>().join(" · "))
            .unwrap_or_default()
    }

    /// The note (restaurants) or the reason for the visit (clinics).
    pub fn notes(&self) -> String {
        self.booking()
            .map(|booking| booking.notes().collect::<Vec<_>>().join(" · "))
            .unwrap_or_default()
    }

    pub fn consent_id(&self) -> Option<String> {
        self.booking()?.consent_id.clone()
    }

    /// "4 people" for a table, the service for an appointment; a block says
    /// so first (from the server's metadata: before it is opened, too).
    pub fn what(&self, lang: Lang) -> String {
        let what = match (&self.stored.service, self.stored.party_size) {
            (Some(service), _) => service.clone(),
            (None, Some(size)) => format!("{size} {}", t(lang, Text::People)),
            (None, None) => self.stored.practitioner.clone().unwrap_or_default(),
        };
        if self.stored.block {
            format!("{} · {what}", t(lang, Text::Block))
        } else {
            what
        }
    }

    /// `HH:MM` of the start, in the business's time (the API gives its offset).
    pub fn time(&self) -> &str {
        self.stored.start.get(11..16).unwrap_or_default()
    }

    /// The time, with the day in front when a week is shown.
    pub fn when(&self, week: bool) -> String {
        if week {
            format!("{} {}", self.day(), self.time())
        } else {
            self.time().to_owned()
        }
    }

    /// `YYYY-MM-DD` of the start, in the business's time.
    pub fn day(&self) -> &str {
        self.stored.start.get(..10).unwrap_or_default()
    }

    /// The labelled fields of the sealed part, in a fixed order, for the detail view.
    pub fn details(&self, lang: Lang) -> Vec<(&'static str, String)> {
        let Some(booking) = self.booking() else {
            return Vec::new();
        };
        let yes_no = |answer: Option<bool>| {
            answer.map(|yes| t(lang, if yes { Text::Yes } else { Text::No }))
        };
        let mut out = Vec::new();
        let mut push = |label: Text, value: Option<&str>| {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                out.push((t(lang, label), value.to_owned()));
            }
        };
        let source = match booking.source {
            Source::Staff => Text::EnteredByStaff,
            Source::Visitor => Text::EnteredByVisitor,
        };
        push(Text::EnteredBy, Some(t(lang, source)));
        if let Some(block) = &booking.block {
            push(Text::Block, Some(block.label.as_str()));
        }
        push(Text::Name, Some(booking.display_name()));
        push(Text::Contact, Some(self.contact().as_str()));
        push(Text::Notes, booking.note.as_deref());
        push(Text::Reason, booking.reason.as_deref());
        push(Text::HealthConsent, yes_no(booking.health_consent));
        push(Text::MarketingEmail, yes_no(booking.marketing_email()));
        push(Text::MarketingSms, yes_no(booking.marketing_sms()));
        push(Text::Language, booking.lang.as_deref());
        out
    }

    /// The export row: the same shape the CLI exports (`sealbook bookings open`).
    pub fn export(&self, business: &str) -> export::Row {
        export::Row {
            id: self.stored.id.clone(),
            business: business.to_owned(),
            start: self.stored.start.clone(),
            end: self.stored.end.clone(),
            party_size: self.stored.party_size,
            service: self.stored.service.clone(),
            practitioner: self.stored.practitioner.clone(),
            status: self.stored.status.clone(),
            attendance: self.stored.attendance,
            received: self.stored.created_at.clone(),
            booking: self.booking().cloned(),
        }
    }
}

/// The status's name in `lang`.
pub fn status_text(lang: Lang, status: &str) -> &'static str {
    t(
        lang,
        match status {
            "cancelled" => Text::Cancelled,
            "waiting" => Text::Waiting,
            "offered" => Text::Offered,
            "lapsed" => Text::Lapsed,
            _ => Text::Confirmed,
        },
    )
}

/// The attendance mark's name in `lang`; empty without a mark.
pub fn attendance_text(lang: Lang, attendance: Option<Attendance>) -> &'static str {
    match attendance {
        None => "",
        Some(Attendance::Arrived) => t(lang, Text::Arrived),
        Some(Attendance::NoShow) => t(lang, Text::NoShow),
        Some(Attendance::LateCancelled) => t(lang, Text::LateCancelled),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn row(booking: serde_json::Value) -> Row {
        Row {
            stored: StaffBooking {
                id: "7KQ2".to_owned(),
                start: "2026-12-04T19:30:00+01:00".to_owned(),
                end: "2026-12-04T21:00:00+01:00".to_owned(),
                party_size: Some(4),
                service: None,
                practitioner: None,
                status: "confirmed".to_owned(),
                attendance: None,
                block: false,
                created_at: "2026-11-26T10:00:00Z".to_owned(),
                envelope: String::new(),
                needs_attention: false,
            },
            sealed: Sealed::Opened(serde_json::from_value(booking).expect("a booking")),
        }
    }

    #[test]
    fn the_row_reads_the_sealed_fields() {
        let row = row(json!({
            "name": "Camille", "contact": { "phone": "+33 6 12", "email": "c@example.org" },
            "note": "window", "marketing": { "email": true, "sms": false }, "consent_id": "abc"
        }));
        assert_eq!(row.name(), "Camille");
        assert_eq!(row.contact(), "+33 6 12 · c@example.org");
        assert_eq!(row.notes(), "window");
        assert_eq!(row.time(), "19:30");
        assert_eq!(row.day(), "2026-12-04");
        assert_eq!(row.what(Lang::Fr), "4 pers.");
        assert_eq!(row.consent_id().as_deref(), Some("abc"));
        let details = row.details(Lang::En);
        assert!(details.contains(&("Marketing by e-mail", "yes".to_owned())));
        assert!(details.contains(&("Marketing by SMS", "no".to_owned())));
        assert!(details.contains(&("Entered by", "The guest, online".to_owned())));
        let exported = row.export("bistro").booking.expect("opened");
        assert_eq!(exported.name.as_deref(), Some("Camille"));
    }

    #[test]
    fn a_booking_entered_by_staff_says_so() {
        let row = row(json!({ "v": 1, "source": "staff", "name": "Camille" }));
        let details = row.details(Lang::Fr);
        assert!(details.contains(&("Saisie par", "L’équipe".to_owned())));
    }

    #[test]
    fn a_block_shows_as_a_block_with_its_label() {
        let mut row =
            row(json!({ "v": 1, "source": "staff", "block": { "label": "Oven broken" } }));
        row.stored.block = true;
        assert_eq!(row.what(Lang::En), "Block · 4 people");
        assert_eq!(row.name(), "Oven broken");
        assert!(
            row.details(Lang::En)
                .contains(&("Block", "Oven broken".to_owned()))
        );
        row.sealed = Sealed::Pending;
        assert_eq!(row.what(Lang::De), "Sperre · 4 Pers.");
    }

    #[test]
    fn an_unopened_row_shows_nothing_sealed() {
        let mut row = row(json!({}));
        row.sealed = Sealed::Pending;
        assert_eq!(row.name(), "");
        assert!(row.details(Lang::En).is_empty());
        assert_eq!(row.export("b").booking, None);
    }
}
