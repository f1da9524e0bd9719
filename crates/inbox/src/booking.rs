//! A listed booking and what this device could read of it. The server's part
//! (time, party or service, status) shows at once; the sealed part (name,
//! contact, notes) appears when this device has opened it.

use sealbook_wire::api::inbox::StaffBooking;
use serde_json::Value;

use crate::i18n::{Lang, Text, t};
use crate::keyring::ReadError;

/// What the device knows of a booking's sealed part.
#[derive(Clone, Debug, PartialEq)]
pub enum Sealed {
    /// Not opened yet (the list opens bookings one after the other).
    Pending,
    Opened(Value),
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

    fn field(&self, pointer: &str) -> Option<&Value> {
        match &self.sealed {
            Sealed::Opened(booking) => booking.pointer(pointer).filter(|value| !value.is_null()),
            _ => None,
        }
    }

    fn text(&self, pointer: &str) -> Option<String> {
        self.field(pointer).map(|value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    }

    pub fn name(&self) -> String {
        self.text("/name").unwrap_or_default()
    }

    /// The phone number and the e-mail address, whichever the visitor gave.
    pub fn contact(&self) -> String {
        [self.text("/contact/phone"), self.text("/contact/email")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// The note (restaurants) or the reason for the visit (clinics).
    pub fn notes(&self) -> String {
        [self.text("/note"), self.text("/reason")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ")
    }

    pub fn consent_id(&self) -> Option<String> {
        self.text("/consent_id")
    }

    /// "4 people" for a table, the service for an appointment.
    pub fn what(&self, lang: Lang) -> String {
        match (&self.stored.service, self.stored.party_size) {
            (Some(service), _) => service.clone(),
            (None, Some(size)) => format!("{size} {}", t(lang, Text::People)),
            (None, None) => String::new(),
        }
    }

    /// `HH:MM` of the start, in the business's time (the API gives its offset).
    pub fn time(&self) -> &str {
        self.stored.start.get(11..16).unwrap_or_default()
    }

    /// `YYYY-MM-DD` of the start, in the business's time.
    pub fn day(&self) -> &str {
        self.stored.start.get(..10).unwrap_or_default()
    }

    /// The labelled fields of the sealed part, in a fixed order, for the detail view.
    pub fn details(&self, lang: Lang) -> Vec<(&'static str, String)> {
        let yes_no = |value: &Value| match value {
            Value::Bool(true) => Some(t(lang, Text::Yes).to_owned()),
            Value::Bool(false) => Some(t(lang, Text::No).to_owned()),
            _ => None,
        };
        let mut out = Vec::new();
        let mut push = |label: Text, value: Option<String>| {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                out.push((t(lang, label), value));
            }
        };
        push(Text::Name, Some(self.name()));
        push(Text::Contact, Some(self.contact()));
        push(Text::Notes, self.text("/note"));
        push(Text::Reason, self.text("/reason"));
        push(
            Text::HealthConsent,
            self.field("/health_consent").and_then(yes_no),
        );
        push(
            Text::MarketingEmail,
            self.field("/marketing/email").and_then(yes_no),
        );
        push(
            Text::MarketingSms,
            self.field("/marketing/sms").and_then(yes_no),
        );
        push(Text::Language, self.text("/lang"));
        out
    }

    /// The export row: the same shape the CLI exports (`sealbook bookings open`).
    pub fn export(&self, business: &str) -> Value {
        let booking = match &self.sealed {
            Sealed::Opened(value) => value.clone(),
            _ => Value::Null,
        };
        serde_json::json!({
            "id": self.stored.id,
            "business": business,
            "start": self.stored.start,
            "end": self.stored.end,
            "party_size": self.stored.party_size,
            "service": self.stored.service,
            "practitioner": self.stored.practitioner,
            "status": self.stored.status,
            "received": self.stored.created_at,
            "booking": booking,
        })
    }
}

/// The status's name in `lang`.
pub fn status_text(lang: Lang, status: &str) -> &'static str {
    t(
        lang,
        match status {
            "arrived" => Text::Arrived,
            "no_show" => Text::NoShow,
            "cancelled" => Text::Cancelled,
            _ => Text::Confirmed,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(booking: Value) -> Row {
        Row {
            stored: StaffBooking {
                id: "7KQ2".to_owned(),
                start: "2026-12-04T19:30:00+01:00".to_owned(),
                end: "2026-12-04T21:00:00+01:00".to_owned(),
                party_size: Some(4),
                service: None,
                practitioner: None,
                status: "confirmed".to_owned(),
                created_at: "2026-11-26T10:00:00Z".to_owned(),
                envelope: String::new(),
            },
            sealed: Sealed::Opened(booking),
        }
    }

    #[test]
    fn the_row_reads_the_sealed_fields() {
        let row = row(serde_json::json!({
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
        assert_eq!(row.export("bistro")["booking"]["name"], "Camille");
    }

    #[test]
    fn an_unopened_row_shows_nothing_sealed() {
        let mut row = row(Value::Null);
        row.sealed = Sealed::Pending;
        assert_eq!(row.name(), "");
        assert!(row.details(Lang::En).is_empty());
        assert_eq!(row.export("b")["booking"], Value::Null);
    }
}
