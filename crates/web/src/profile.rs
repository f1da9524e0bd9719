//! What the business offers, as `GET …/profile` and `GET …/availability` describe
//! it (docs/API.md). Plain data: the parsing from the browser's `JSON.parse` lives
//! in `public_api.rs`.

use crate::calendar::Day;
use crate::i18n::Lang;
use crate::visitor_texts::{Plural, Text, count, t};
use sealbook_texts::Section;

/// A restaurant table's length in the calendar when a profile predates
/// `turn_minutes`.
const RESTAURANT_MINUTES: u32 = 120;

/// A clinic appointment's length in the calendar when its service is unknown.
const APPOINTMENT_MINUTES: u32 = 30;

/// A text in the visitor's languages, in `Lang::ALL` order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Localized(pub [String; Lang::ALL.len()]);

impl Localized {
    /// The text in `lang`, else in English, else in any language given.
    #[inline]
    pub fn get(&self, lang: Lang) -> &str {
        let own = &self.0[lang as usize];
        if !own.is_empty() {
            return own;
        }
        self.0
            .iter()
            .find(|t| !t.is_empty())
            .map_or("", String::as_str)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Restaurant,
    Clinic,
}

impl Kind {
    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Restaurant => "restaurant",
            Self::Clinic => "clinic",
        }
    }
}

/// The fields a profile may declare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldId {
    Name,
    Contact,
    Note,
    Reason,
}

impl FieldId {
    #[inline]
    pub fn parse(id: &str) -> Option<Self> {
        Some(match id {
            "name" => Self::Name,
            "contact" => Self::Contact,
            "note" => Self::Note,
            "reason" => Self::Reason,
            _ => return None,
        })
    }

    /// The key in the plaintext, and the suffix of the input's id (`sb-name`, …).
    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Contact => "contact",
            Self::Note => "note",
            Self::Reason => "reason",
        }
    }
}

/// A channel the business may send news and offers by, if the visitor opts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    #[inline]
    pub fn parse(channel: &str) -> Option<Self> {
        match channel {
            "email" => Some(Self::Email),
            "sms" => Some(Self::Sms),
            _ => None,
        }
    }

    /// The key in the plaintext's `marketing` object.
    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    /// The checkbox's `id`, which tests target.
    #[inline]
    pub fn id(self) -> &'static str {
        match self {
            Self::Email => "sb-marketing-email",
            Self::Sms => "sb-marketing-sms",
        }
    }

    /// The `id` of the business's text about what the channel sends.
    #[inline]
    pub fn hint_id(self) -> &'static str {
        match self {
            Self::Email => "sb-marketing-email-hint",
            Self::Sms => "sb-marketing-sms-hint",
        }
    }

    #[inline]
    pub fn from_id(id: &str) -> Option<Self> {
        [Self::Email, Self::Sms].into_iter().find(|c| c.id() == id)
    }

    /// The position of the visitor's answer in `Details::marketing`.
    #[inline]
    pub fn index(self) -> usize {
        match self {
            Self::Email => 0,
            Self::Sms => 1,
        }
    }
}

/// A marketing opt-in box the business offers, with what the channel sends
/// (empty when the business wrote nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptIn {
    pub channel: Channel,
    pub text: Localized,
}

/// One declared field: whether it is required, why it is asked, how long it is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub id: FieldId,
    pub required: bool,
    /// May hold health data: explicit consent is asked when it is filled.
    pub health: bool,
    pub purpose: Localized,
    pub retention_days: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub id: String,
    pub name: Localized,
    pub duration_minutes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Practitioner {
    pub id: String,
    pub name: String,
    pub services: Vec<String>,
}

/// `GET …/profile`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// The business's display name.
    pub name: String,
    pub kind: Kind,
    pub timezone: String,
    pub horizon_days: u32,
    /// Restaurants: the largest party bookable online.
    pub max_party_size: u8,
    /// Restaurants: how long a table is held (0 when the profile does not say).
    pub turn_minutes: u32,
    pub large_party_message: Option<Localized>,
    pub services: Vec<Service>,
    pub practitioners: Vec<Practitioner>,
    pub fields: Vec<FieldSpec>,
    /// The marketing opt-ins offered, in the order shown.
    pub marketing: Vec<OptIn>,
    /// Online change and cancel close this many hours before the start (0: at
    /// the start).
    pub cancel_until_hours: u32,
    /// The channels the business's courier sends a confirmation and reminders
    /// by, on request; empty: none.
    pub messages: Vec<Channel>,
    /// The tables in which the business replaces some texts, as `lang/section`:
    /// fetched even in English.
    pub own_texts: Vec<String>,
}

impl Profile {
    /// Whether the business replaces some texts of `section` in `lang`.
    #[inline]
    pub fn has_own_texts(&self, lang: Lang, section: Section) -> bool {
        self.own_texts
            .iter()
            .any(|entry| entry.split_once('/') == Some((lang.code(), section.name())))
    }

    #[inline]
    pub fn field(&self, id: FieldId) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.id == id)
    }

    #[inline]
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    #[inline]
    pub fn practitioner(&self, id: &str) -> Option<&Practitioner> {
        self.practitioners.iter().find(|p| p.id == id)
    }

    /// The practitioners who offer `service`.
    #[inline]
    pub fn practitioners_for<'a>(
        &'a self,
        service: &'a str,
    ) -> impl Iterator<Item = &'a Practitioner> {
        self.practitioners
            .iter()
            .filter(move |p| p.services.iter().any(|s| s == service))
    }

    /// What a booking is for, in `lang`, as the confirmation, the manage page
    /// and the calendar entry word it: the party or the service, the
    /// practitioner, and how long it lasts.
    #[inline]
    pub fn booked(&self, lang: Lang, party: u32, service: &str, practitioner: &str) -> Booked {
        match self.kind {
            Kind::Restaurant => Booked {
                what: count(lang, party, Plural::People),
                with: None,
                minutes: match self.turn_minutes {
                    0 => RESTAURANT_MINUTES,
                    minutes => minutes,
                },
            },
            Kind::Clinic => {
                let found = self.service(service);
                Booked {
                    what: found.map_or_else(|| service.to_owned(), |s| s.name.get(lang).to_owned()),
                    with: Some(self.practitioner(practitioner).map_or_else(
                        || t(lang, Text::AnyPractitioner).to_owned(),
                        |p| p.name.clone(),
                    )),
                    minutes: found.map_or(APPOINTMENT_MINUTES, |s| s.duration_minutes),
                }
            }
        }
    }
}

/// What a booking is for, in words (see [`Profile::booked`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booked {
    /// "2 people", or the service's name.
    pub what: String,
    /// Clinics: the practitioner, or "any practitioner".
    pub with: Option<String>,
    pub minutes: u32,
}

impl Booked {
    /// One line: "Check-up — Dr Weber".
    #[inline]
    pub fn line(&self) -> String {
        let mut line = self.what.clone();
        if let Some(with) = &self.with {
            line.push_str(" — ");
            line.push_str(with);
        }
        line
    }
}

/// A bookable start time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// RFC 3339 in UTC, as the server sent it.
    pub start: String,
    /// Wall-clock time in the business's time zone (`19:00`).
    pub local: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayAvailability {
    pub date: Day,
    pub open: bool,
    /// Why the business is closed that day, when its closure says.
    pub note: Option<Localized>,
    pub slots: Vec<Slot>,
    /// Full slots whose waitlist the visitor may join (when the business keeps one).
    pub full: Vec<Slot>,
}

/// `GET …/availability` for the visible month.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Availability {
    pub days: Vec<DayAvailability>,
}

impl Availability {
    #[inline]
    pub fn day(&self, date: Day) -> Option<&DayAvailability> {
        self.days.iter().find(|d| d.date == date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localized_texts_fall_back_to_any_language() {
        let mut only_fr = Localized::default();
        only_fr.0[Lang::Fr as usize] = "Bonjour".to_owned();
        assert_eq!(only_fr.get(Lang::De), "Bonjour");
        let mut all = only_fr.clone();
        all.0[Lang::En as usize] = "Hi".to_owned();
        all.0[Lang::De as usize] = "Hallo".to_owned();
        assert_eq!(all.get(Lang::De), "Hallo");
        assert_eq!(all.get(Lang::Pl), "Hi");
        assert_eq!(Localized::default().get(Lang::En), "");
    }

    #[test]
    fn field_ids_round_trip() {
        for id in [
            FieldId::Name,
            FieldId::Contact,
            FieldId::Note,
            FieldId::Reason,
        ] {
            assert_eq!(FieldId::parse(id.as_str()), Some(id));
        }
        assert_eq!(FieldId::parse("birthday"), None);
    }

    #[test]
    fn channels_round_trip() {
        for channel in [Channel::Email, Channel::Sms] {
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
            assert_eq!(Channel::from_id(channel.id()), Some(channel));
        }
        assert_eq!(Channel::parse("fax"), None);
        assert_eq!(Channel::from_id("sb-consent"), None);
    }
}
