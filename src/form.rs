//! The booking form's fields as typed, their validation, and the plaintext that
//! gets sealed. Pure code: no DOM, no clock, so it is tested natively.

use serde::Serialize;

use crate::i18n::{Lang, Text};

/// The longest name accepted (also the input's `maxlength`).
pub const NAME_MAX: usize = 200;
/// The longest phone number accepted.
pub const PHONE_MAX: usize = 40;
/// The longest e-mail address accepted (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;
/// The smallest and largest party.
pub const PARTY_MIN: u8 = 1;
pub const PARTY_MAX: u8 = 20;

/// How the visitor wants to be contacted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContactKind {
    #[default]
    Phone,
    Email,
}

impl ContactKind {
    /// The `<option value>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
        }
    }

    /// From an `<option value>`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "phone" => Some(Self::Phone),
            "email" => Some(Self::Email),
            _ => None,
        }
    }
}

/// The form's text inputs (everything except the contact kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    Contact,
    Party,
    Date,
    Time,
}

impl Field {
    /// The input's `id` (and `name`), which tests target.
    pub fn id(self) -> &'static str {
        match self {
            Self::Name => "sb-name",
            Self::Contact => "sb-contact",
            Self::Party => "sb-party",
            Self::Date => "sb-date",
            Self::Time => "sb-time",
        }
    }

    /// The CSS selector of the input.
    pub fn selector(self) -> &'static str {
        match self {
            Self::Name => "#sb-name",
            Self::Contact => "#sb-contact",
            Self::Party => "#sb-party",
            Self::Date => "#sb-date",
            Self::Time => "#sb-time",
        }
    }

    /// The `id` of the element that explains why this field is asked.
    pub fn hint_id(self) -> &'static str {
        match self {
            Self::Name => "sb-name-hint",
            Self::Contact => "sb-contact-hint",
            Self::Party => "sb-party-hint",
            Self::Date => "sb-date-hint",
            Self::Time => "sb-time-hint",
        }
    }

    /// The `id` of the element that holds this field's error message.
    pub fn error_id(self) -> &'static str {
        match self {
            Self::Name => "sb-name-error",
            Self::Contact => "sb-contact-error",
            Self::Party => "sb-party-error",
            Self::Date => "sb-date-error",
            Self::Time => "sb-time-error",
        }
    }
}

/// A field that did not validate, and the message to show next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub text: Text,
}

/// What the visitor has typed so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub name: String,
    pub contact_kind: ContactKind,
    pub contact: String,
    pub party: String,
    pub date: String,
    pub time: String,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            name: String::new(),
            contact_kind: ContactKind::default(),
            contact: String::new(),
            party: "2".to_owned(),
            date: String::new(),
            time: String::new(),
        }
    }
}

/// A local wall-clock date and time as entered (no time zone yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalDateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
}

/// The one contact the visitor gave; serialises as `{"phone":…}` or `{"email":…}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Contact {
    Phone(String),
    Email(String),
}

/// A validated booking, before the start time is placed in a time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    pub name: String,
    pub contact: Contact,
    pub party_size: u8,
    pub local_start: LocalDateTime,
}

/// The sealed plaintext: `{"v":1,"name":…,"contact":…,"party_size":…,"start":…,"lang":…}`.
#[derive(Serialize)]
struct Plaintext<'a> {
    v: u8,
    name: &'a str,
    contact: &'a Contact,
    party_size: u8,
    start: &'a str,
    lang: &'a str,
}

impl Booking {
    /// The JSON that goes inside the envelope; `start_utc` is RFC 3339 in UTC.
    pub fn plaintext_json(&self, start_utc: &str, lang: Lang) -> Vec<u8> {
        serde_json::to_vec(&Plaintext {
            v: 1,
            name: &self.name,
            contact: &self.contact,
            party_size: self.party_size,
            start: start_utc,
            lang: lang.code(),
        })
        .expect("a struct of strings and integers always serialises")
    }
}

impl Draft {
    /// Every field's problem, in form order (the first one gets the focus), or the booking.
    pub fn validate(&self) -> Result<Booking, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = note(
            &mut errors,
            Field::Name,
            Text::ErrNameRequired,
            valid_name(&self.name),
        );
        let contact = match self.contact_kind {
            ContactKind::Phone => note(
                &mut errors,
                Field::Contact,
                Text::ErrPhoneInvalid,
                valid_phone(&self.contact).map(Contact::Phone),
            ),
            ContactKind::Email => note(
                &mut errors,
                Field::Contact,
                Text::ErrEmailInvalid,
                valid_email(&self.contact).map(Contact::Email),
            ),
        };
        let party_size = note(
            &mut errors,
            Field::Party,
            Text::ErrPartyRange,
            valid_party(&self.party),
        );
        let date = note(
            &mut errors,
            Field::Date,
            Text::ErrDateInvalid,
            parse_date(&self.date),
        );
        let time = note(
            &mut errors,
            Field::Time,
            Text::ErrTimeInvalid,
            parse_time(&self.time),
        );
        match (name, contact, party_size, date, time) {
            (Some(name), Some(contact), Some(party_size), Some(date), Some(time)) => Ok(Booking {
                name,
                contact,
                party_size,
                local_start: LocalDateTime {
                    year: date.0,
                    month: date.1,
                    day: date.2,
                    hour: time.0,
                    minute: time.1,
                },
            }),
            _ => Err(errors),
        }
    }
}

/// Passes `result` through, recording `text` for `field` when it is `None`.
fn note<T>(errors: &mut Vec<FieldError>, field: Field, text: Text, result: Option<T>) -> Option<T> {
    if result.is_none() {
        errors.push(FieldError { field, text });
    }
    result
}

fn valid_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    (!name.is_empty() && name.chars().count() <= NAME_MAX).then(|| name.to_owned())
}

fn valid_phone(raw: &str) -> Option<String> {
    let phone = raw.trim();
    let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (phone.len() <= PHONE_MAX && digits >= 6 && phone.chars().all(allowed))
        .then(|| phone.to_owned())
}

/// A deliberately loose check: one `@`, something before it, a dotted domain after it.
fn valid_email(raw: &str) -> Option<String> {
    let email = raw.trim();
    let (local, domain) = email.split_once('@')?;
    let ok = email.len() <= EMAIL_MAX
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace);
    ok.then(|| email.to_owned())
}

fn valid_party(raw: &str) -> Option<u8> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|n| (PARTY_MIN..=PARTY_MAX).contains(n))
}

/// `YYYY-MM-DD`, as `<input type=date>` reports it, checked against the calendar.
fn parse_date(raw: &str) -> Option<(u16, u8, u8)> {
    let mut parts = raw.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (year, month, day) = (number(y)?, number(m)?, number(d)?);
    let year = u16::try_from(year)
        .ok()
        .filter(|y| (2000..=9999).contains(y))?;
    let month = u8::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
    let day = u8::try_from(day).ok()?;
    (day >= 1 && day <= days_in_month(year, month)).then_some((year, month, day))
}

/// `HH:MM` (or `HH:MM:SS`, which browsers send when seconds are shown).
fn parse_time(raw: &str) -> Option<(u8, u8)> {
    let mut parts = raw.split(':');
    let (h, m) = (parts.next()?, parts.next()?);
    let seconds = parts.next();
    if parts.next().is_some() || h.len() != 2 || m.len() != 2 {
        return None;
    }
    if let Some(s) = seconds {
        let whole = s.split('.').next()?;
        if whole.len() != 2 || number(whole)? > 59 {
            return None;
        }
    }
    let hour = u8::try_from(number(h)?).ok().filter(|h| *h < 24)?;
    let minute = u8::try_from(number(m)?).ok().filter(|m| *m < 60)?;
    Some((hour, minute))
}

fn number(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> Draft {
        Draft {
            name: "  Camille Dupont ".to_owned(),
            contact_kind: ContactKind::Phone,
            contact: "+33 6 12 34 56 78".to_owned(),
            party: "4".to_owned(),
            date: "2026-12-04".to_owned(),
            time: "19:30".to_owned(),
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<Field> {
        errors.iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_filled_form_validates() {
        let booking = filled().validate().expect("valid");
        assert_eq!(booking.name, "Camille Dupont");
        assert_eq!(
            booking.contact,
            Contact::Phone("+33 6 12 34 56 78".to_owned())
        );
        assert_eq!(booking.party_size, 4);
        assert_eq!(
            booking.local_start,
            LocalDateTime {
                year: 2026,
                month: 12,
                day: 4,
                hour: 19,
                minute: 30
            }
        );
    }

    #[test]
    fn an_empty_form_reports_every_field_in_order() {
        let draft = Draft {
            party: String::new(),
            ..Draft::default()
        };
        let errors = draft.validate().expect_err("empty");
        assert_eq!(
            fields(&errors),
            [
                Field::Name,
                Field::Contact,
                Field::Party,
                Field::Date,
                Field::Time
            ]
        );
        assert_eq!(errors[1].text, Text::ErrPhoneInvalid);
    }

    #[test]
    fn email_contact_is_checked_as_email() {
        let mut draft = filled();
        draft.contact_kind = ContactKind::Email;
        assert_eq!(
            draft.validate().expect_err("a phone is no e-mail")[0].text,
            Text::ErrEmailInvalid
        );
        draft.contact = " camille@example.fr ".to_owned();
        assert_eq!(
            draft.validate().expect("valid").contact,
            Contact::Email("camille@example.fr".to_owned())
        );
        for bad in [
            "@example.fr",
            "a@b",
            "a@.fr",
            "a@fr.",
            "a b@c.fr",
            "a@b@c.fr",
        ] {
            assert_eq!(valid_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn phone_numbers_need_digits_and_plain_characters() {
        assert!(valid_phone("030 1234567").is_some());
        assert!(valid_phone("(555) 010-9999").is_some());
        assert_eq!(valid_phone("12345"), None);
        assert_eq!(valid_phone("call me maybe 123456"), None);
        assert_eq!(valid_phone(&"1".repeat(PHONE_MAX + 1)), None);
    }

    #[test]
    fn party_size_is_between_1_and_20() {
        assert_eq!(valid_party("1"), Some(1));
        assert_eq!(valid_party("20"), Some(20));
        for bad in ["0", "21", "-1", "2.5", "", "many", "300"] {
            assert_eq!(valid_party(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_follow_the_calendar() {
        assert_eq!(parse_date("2028-02-29"), Some((2028, 2, 29)));
        assert_eq!(parse_date("2000-02-29"), Some((2000, 2, 29)));
        for bad in [
            "2027-02-29",
            "2100-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "1999-12-31",
            "+2026-01-01",
            "2026-01-01-01",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_are_24_hour() {
        assert_eq!(parse_time("00:00"), Some((0, 0)));
        assert_eq!(parse_time("23:59"), Some((23, 59)));
        assert_eq!(parse_time("18:30:00"), Some((18, 30)));
        assert_eq!(parse_time("18:30:00.000"), Some((18, 30)));
        for bad in ["24:00", "12:60", "7:30", "07:3", "07:30:61", "", "noon"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn plaintext_has_the_documented_shape() {
        let booking = filled().validate().expect("valid");
        let json = booking.plaintext_json("2026-12-04T18:30:00Z", Lang::Fr);
        assert_eq!(
            String::from_utf8(json).expect("utf-8"),
            r#"{"v":1,"name":"Camille Dupont","contact":{"phone":"+33 6 12 34 56 78"},"party_size":4,"start":"2026-12-04T18:30:00Z","lang":"fr"}"#
        );
        let email = Booking {
            contact: Contact::Email("c@example.fr".to_owned()),
            ..booking
        };
        let json = String::from_utf8(email.plaintext_json("x", Lang::En)).expect("utf-8");
        assert!(
            json.contains(r#""contact":{"email":"c@example.fr"}"#),
            "{json}"
        );
    }
}
