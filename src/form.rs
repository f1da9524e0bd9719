//! The visitor's details as typed, their validation against the business's field
//! profile, and the JSON that is sealed and uploaded. Pure code: no DOM, no clock,
//! so it is tested natively. JSON is written by hand: serde derive would cost the
//! wasm more than these few objects are worth.

use sealbook_web::i18n::Lang;
use sealbook_web::profile::{Channel, FieldId, Kind, Profile};
use sealbook_web::visitor_texts::Text;

/// The longest name accepted (also the input's `maxlength`).
pub const NAME_MAX: usize = 200;
/// The longest phone number accepted.
pub const PHONE_MAX: usize = 40;
/// The longest e-mail address accepted (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;
/// The longest note or reason accepted.
pub const TEXT_MAX: usize = 1000;

/// How the visitor wants to be contacted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContactKind {
    #[default]
    Phone,
    Email,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::Email => "email",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "phone" => Some(Self::Phone),
            "email" => Some(Self::Email),
            _ => None,
        }
    }
}

/// The inputs of the details step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Name,
    Contact,
    Note,
    Reason,
    Consent,
    /// The confirmation-and-reminders box (required on the waitlist).
    Messages,
}

impl Input {
    pub fn of(field: FieldId) -> Self {
        match field {
            FieldId::Name => Self::Name,
            FieldId::Contact => Self::Contact,
            FieldId::Note => Self::Note,
            FieldId::Reason => Self::Reason,
        }
    }

    /// The input's `id`, which tests target.
    pub fn id(self) -> &'static str {
        match self {
            Self::Name => "sb-name",
            Self::Contact => "sb-contact",
            Self::Note => "sb-note",
            Self::Reason => "sb-reason",
            Self::Consent => "sb-consent",
            Self::Messages => "sb-messages",
        }
    }

    /// The `id` of the element explaining why the field is asked.
    pub fn hint_id(self) -> &'static str {
        match self {
            Self::Name => "sb-name-hint",
            Self::Contact => "sb-contact-hint",
            Self::Note => "sb-note-hint",
            Self::Reason => "sb-reason-hint",
            Self::Consent => "sb-consent-hint",
            Self::Messages => "sb-messages-hint",
        }
    }

    /// The `id` of the element holding the field's error.
    pub fn error_id(self) -> &'static str {
        match self {
            Self::Name => "sb-name-error",
            Self::Contact => "sb-contact-error",
            Self::Note => "sb-note-error",
            Self::Reason => "sb-reason-error",
            Self::Consent => "sb-consent-error",
            Self::Messages => "sb-messages-error",
        }
    }
}

/// An input that did not validate, and the message to show next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub input: Input,
    pub text: Text,
}

/// What the visitor has typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Details {
    pub name: String,
    pub contact_kind: ContactKind,
    pub contact: String,
    pub note: String,
    pub reason: String,
    /// The explicit consent to process health data; never pre-ticked.
    pub health_consent: bool,
    /// The marketing opt-ins by `Channel::index`; never pre-ticked.
    pub marketing: [bool; 2],
    /// A confirmation and reminders to the contact above; never pre-ticked.
    pub messages: bool,
}

impl Details {
    pub fn get(&self, input: Input) -> &str {
        match input {
            Input::Name => &self.name,
            Input::Contact => &self.contact,
            Input::Note => &self.note,
            Input::Reason => &self.reason,
            Input::Consent | Input::Messages => "",
        }
    }

    pub fn slot(&mut self, input: Input) -> Option<&mut String> {
        Some(match input {
            Input::Name => &mut self.name,
            Input::Contact => &mut self.contact,
            Input::Note => &mut self.note,
            Input::Reason => &mut self.reason,
            Input::Consent | Input::Messages => return None,
        })
    }

    /// The channel a confirmation and reminders would go by: the contact's
    /// kind, when the profile asks for a contact and the business's courier
    /// sends by that channel.
    pub fn offered_channel(&self, profile: &Profile) -> Option<Channel> {
        let channel = match self.contact_kind {
            ContactKind::Phone => Channel::Sms,
            ContactKind::Email => Channel::Email,
        };
        (profile.field(FieldId::Contact).is_some() && profile.messages.contains(&channel))
            .then_some(channel)
    }

    /// The channel of the messages the visitor asked for, if they did.
    pub fn messages_channel(&self, profile: &Profile) -> Option<Channel> {
        self.messages
            .then(|| self.offered_channel(profile))
            .flatten()
    }

    /// `true` when a health field holds something, so consent must be asked.
    pub fn needs_consent(&self, profile: &Profile) -> bool {
        profile
            .fields
            .iter()
            .any(|f| f.health && !self.get(Input::of(f.id)).trim().is_empty())
    }

    /// Every declared field's problem, in form order.
    pub fn validate(&self, profile: &Profile) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for field in &profile.fields {
            let input = Input::of(field.id);
            let value = self.get(input).trim();
            let error = match field.id {
                FieldId::Name if value.is_empty() && field.required => Some(Text::ErrNameRequired),
                FieldId::Name if value.chars().count() > NAME_MAX => Some(Text::ErrNameRequired),
                FieldId::Contact if value.is_empty() && !field.required => None,
                FieldId::Contact => match self.contact_kind {
                    ContactKind::Phone => valid_phone(value)
                        .is_none()
                        .then_some(Text::ErrPhoneInvalid),
                    ContactKind::Email => valid_email(value)
                        .is_none()
                        .then_some(Text::ErrEmailInvalid),
                },
                FieldId::Note | FieldId::Reason if value.is_empty() && field.required => {
                    Some(Text::ErrRequired)
                }
                FieldId::Note | FieldId::Reason if value.chars().count() > TEXT_MAX => {
                    Some(Text::ErrTooLong)
                }
                _ => None,
            };
            if let Some(text) = error {
                errors.push(FieldError { input, text });
            }
        }
        if let Some(channel) = self.messages_channel(profile) {
            let contact = self.contact.trim();
            let fits = if contact.is_empty() {
                Some(Text::ErrRequired)
            } else {
                match channel {
                    Channel::Sms => sealbook_wire::contact_card::international_phone(contact)
                        .is_none()
                        .then_some(Text::ErrPhoneInternational),
                    Channel::Email => None,
                }
            };
            if let Some(text) = fits
                && !errors.iter().any(|e| e.input == Input::Contact)
            {
                errors.push(FieldError {
                    input: Input::Contact,
                    text,
                });
            }
        }
        if self.needs_consent(profile) && !self.health_consent {
            errors.push(FieldError {
                input: Input::Consent,
                text: Text::ErrConsent,
            });
        }
        errors
    }
}

/// What the visitor chose before the details: party size, or service and practitioner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub party: u8,
    pub service: String,
    /// A practitioner id, or `any`.
    pub practitioner: String,
}

impl Default for Choice {
    fn default() -> Self {
        Self {
            party: 2,
            service: String::new(),
            practitioner: ANY.to_owned(),
        }
    }
}

/// The practitioner choice "whoever is free".
pub const ANY: &str = "any";

/// The sealed plaintext (docs/ENVELOPE.md §7.3; readers: `sealbook_wire::plaintext::Booking`):
/// `{"v":1,"kind",…,"lang"}` with only the declared fields (an optional one only when filled),
/// the answer to every marketing opt-in offered, and the host page's consent record id, if any.
pub fn plaintext(
    profile: &Profile,
    choice: &Choice,
    details: &Details,
    start: &str,
    lang: Lang,
    consent_id: Option<&str>,
) -> Vec<u8> {
    let mut json = Json::new();
    json.number("v", 1);
    json.string("kind", profile.kind.as_str());
    let declared = |id| profile.field(id).is_some();
    if declared(FieldId::Name) {
        json.string("name", details.name.trim());
    }
    if declared(FieldId::Contact) && !details.contact.trim().is_empty() {
        let mut contact = Json::new();
        contact.string(details.contact_kind.as_str(), details.contact.trim());
        json.raw("contact", &contact.finish());
    }
    match profile.kind {
        Kind::Restaurant => json.number("party_size", choice.party.into()),
        Kind::Clinic => {
            json.string("service", &choice.service);
            json.string("practitioner", &choice.practitioner);
        }
    }
    json.string("start", start);
    for id in [FieldId::Note, FieldId::Reason] {
        let value = details.get(Input::of(id)).trim();
        if declared(id) && !value.is_empty() {
            json.string(id.as_str(), value);
        }
    }
    if details.needs_consent(profile) && details.health_consent {
        json.raw("health_consent", "true");
    }
    if !profile.marketing.is_empty() {
        let mut marketing = Json::new();
        for optin in &profile.marketing {
            let ticked = details.marketing[optin.channel.index()];
            marketing.raw(
                optin.channel.as_str(),
                if ticked { "true" } else { "false" },
            );
        }
        json.raw("marketing", &marketing.finish());
    }
    if let Some(id) = consent_id.filter(|id| is_consent_id(id)) {
        json.string("consent_id", id);
    }
    json.string("lang", lang.code());
    json.finish().into_bytes()
}

/// A consent record's id as the consent layer makes it: 16 random bytes, base64url
/// without padding. Anything else is not sealed: it could not prove an opt-in.
pub fn is_consent_id(id: &str) -> bool {
    id.len() == 22
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The sealed parts of an upload, base64url.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    pub envelope: String,
    pub visitor_copy: String,
    pub manage_token_hash: String,
    /// The contact card and the hash of its cancel token, when asked for.
    pub card: Option<(String, String)>,
}

/// The contact card's plaintext (docs/ENVELOPE.md §8.1): the channel, the
/// address as the card stores it, the language and the cancel token — nothing
/// else. Written by hand like the booking, for the widget's size.
pub fn card_plaintext(channel: Channel, address: &str, lang: Lang, cancel: &str) -> Vec<u8> {
    let mut json = Json::new();
    json.number("v", 1);
    json.string("channel", channel.as_str());
    json.string("address", address);
    json.string("lang", lang.code());
    json.string("cancel", cancel);
    json.finish().into_bytes()
}

/// `POST …/bookings`: the envelopes and only the public metadata (docs/API.md).
pub fn upload_body(kind: Kind, choice: &Choice, start: &str, sealed: &Sealed) -> String {
    let mut json = Json::new();
    json.string("envelope", &sealed.envelope);
    json.string("start", start);
    match kind {
        Kind::Restaurant => json.number("party_size", choice.party.into()),
        Kind::Clinic => {
            json.string("service", &choice.service);
            json.string("practitioner", &choice.practitioner);
        }
    }
    json.string("visitor_copy", &sealed.visitor_copy);
    json.string("manage_token_hash", &sealed.manage_token_hash);
    if let Some((card, cancel_hash)) = &sealed.card {
        json.string("contact_card", card);
        json.string("cancel_token_hash", cancel_hash);
    }
    json.finish()
}

/// A compact JSON object, written member by member.
struct Json(String);

impl Json {
    fn new() -> Self {
        Self(String::from("{"))
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        quote(&mut self.0, key);
        self.0.push(':');
    }

    fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        quote(&mut self.0, value);
    }

    fn number(&mut self, key: &str, value: u32) {
        self.key(key);
        self.0.push_str(&value.to_string());
    }

    fn raw(&mut self, key: &str, json: &str) {
        self.key(key);
        self.0.push_str(json);
    }

    fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// Appends `text` as a JSON string.
fn quote(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => {
                let byte = u8::try_from(u32::from(c)).expect("below 0x20");
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn valid_phone(phone: &str) -> Option<&str> {
    // Byte checks, not `str::contains`: the substring searcher costs wasm size.
    let allowed =
        |b: u8| b.is_ascii_digit() || matches!(b, b' ' | b'+' | b'-' | b'(' | b')' | b'.');
    let digits = phone.bytes().filter(u8::is_ascii_digit).count();
    (phone.len() <= PHONE_MAX && digits >= 6 && phone.bytes().all(allowed)).then_some(phone)
}

/// A deliberately loose check: one `@`, something before it, a dotted domain after it.
fn valid_email(email: &str) -> Option<&str> {
    let (local, domain) = email.split_once('@')?;
    let has = |text: &str, byte: u8| text.bytes().any(|b| b == byte);
    let ok = email.len() <= EMAIL_MAX
        && !local.is_empty()
        && !has(domain, b'@')
        && has(domain, b'.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace);
    ok.then_some(email)
}

#[cfg(all(test, not(target_family = "wasm")))]
mod readable;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use sealbook_web::profile::{FieldSpec, Localized, OptIn, Practitioner, Service};

    fn field(id: FieldId, required: bool, health: bool) -> FieldSpec {
        FieldSpec {
            id,
            required,
            health,
            purpose: Localized::default(),
            retention_days: 30,
        }
    }

    pub(crate) fn restaurant() -> Profile {
        Profile {
            name: "Bistro Lumière".to_owned(),
            kind: Kind::Restaurant,
            timezone: "Europe/Paris".to_owned(),
            horizon_days: 60,
            max_party_size: 8,
            turn_minutes: 90,
            large_party_message: None,
            services: Vec::new(),
            practitioners: Vec::new(),
            fields: vec![
                field(FieldId::Name, true, false),
                field(FieldId::Contact, true, false),
                field(FieldId::Note, false, true),
            ],
            marketing: Vec::new(),
            cancel_until_hours: 0,
            messages: Vec::new(),
            own_texts: Vec::new(),
        }
    }

    pub(crate) fn clinic() -> Profile {
        Profile {
            kind: Kind::Clinic,
            max_party_size: 0,
            services: vec![Service {
                id: "physio-30".to_owned(),
                name: Localized::default(),
                duration_minutes: 30,
            }],
            practitioners: vec![Practitioner {
                id: "anna".to_owned(),
                name: "Anna Keller".to_owned(),
                services: vec!["physio-30".to_owned()],
            }],
            fields: vec![
                field(FieldId::Name, true, false),
                field(FieldId::Contact, true, false),
                field(FieldId::Reason, false, true),
            ],
            ..restaurant()
        }
    }

    fn filled() -> Details {
        Details {
            name: " Camille \"Cam\" Dupont ".to_owned(),
            contact: "+33 6 12 34 56 78".to_owned(),
            ..Details::default()
        }
    }

    fn inputs(errors: &[FieldError]) -> Vec<Input> {
        errors.iter().map(|e| e.input).collect()
    }

    #[test]
    fn an_empty_form_reports_the_required_fields_in_order() {
        let errors = Details::default().validate(&restaurant());
        assert_eq!(inputs(&errors), [Input::Name, Input::Contact]);
        assert_eq!(errors[1].text, Text::ErrPhoneInvalid);
        assert!(filled().validate(&restaurant()).is_empty());
    }

    #[test]
    fn a_filled_health_field_needs_explicit_consent() {
        let mut details = filled();
        details.note = "Allergic to peanuts".to_owned();
        assert_eq!(inputs(&details.validate(&restaurant())), [Input::Consent]);
        details.health_consent = true;
        assert!(details.validate(&restaurant()).is_empty());
        details.note = "  ".to_owned();
        details.health_consent = false;
        assert!(!details.needs_consent(&restaurant()));
    }

    #[test]
    fn email_contact_is_checked_as_email() {
        let mut details = filled();
        details.contact_kind = ContactKind::Email;
        assert_eq!(
            details.validate(&restaurant())[0].text,
            Text::ErrEmailInvalid
        );
        details.contact = "camille@example.fr".to_owned();
        assert!(details.validate(&restaurant()).is_empty());
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
        assert_eq!(valid_phone("12345"), None);
        assert_eq!(valid_phone("call me 123456"), None);
    }

    #[test]
    fn restaurant_plaintext_has_only_declared_fields() {
        let mut details = filled();
        details.reason = "not declared".to_owned();
        let choice = Choice {
            party: 4,
            ..Choice::default()
        };
        let json = plaintext(
            &restaurant(),
            &choice,
            &details,
            "2026-12-04T18:30:00Z",
            Lang::Fr,
            None,
        );
        assert_eq!(
            String::from_utf8(json).expect("utf-8"),
            r#"{"v":1,"kind":"restaurant","name":"Camille \"Cam\" Dupont","contact":{"phone":"+33 6 12 34 56 78"},"party_size":4,"start":"2026-12-04T18:30:00Z","lang":"fr"}"#
        );
    }

    #[test]
    fn clinic_plaintext_carries_reason_and_consent() {
        let mut details = filled();
        details.contact_kind = ContactKind::Email;
        details.contact = "c@example.de".to_owned();
        details.reason = "Knie\nschmerzen".to_owned();
        details.health_consent = true;
        let choice = Choice {
            service: "physio-30".to_owned(),
            ..Choice::default()
        };
        let json = plaintext(
            &clinic(),
            &choice,
            &details,
            "2026-12-04T09:00:00Z",
            Lang::De,
            None,
        );
        assert_eq!(
            String::from_utf8(json).expect("utf-8"),
            r#"{"v":1,"kind":"clinic","name":"Camille \"Cam\" Dupont","contact":{"email":"c@example.de"},"service":"physio-30","practitioner":"any","start":"2026-12-04T09:00:00Z","reason":"Knie\nschmerzen","health_consent":true,"lang":"de"}"#
        );
    }

    fn offering(channels: &[Channel]) -> Profile {
        Profile {
            marketing: channels
                .iter()
                .map(|&channel| OptIn {
                    channel,
                    text: Localized::default(),
                })
                .collect(),
            ..restaurant()
        }
    }

    const CONSENT_ID: &str = "kP3x_9Qz-LmN0aBcDeFgHi";

    /// The members of the plaintext after `"start"`.
    fn tail(profile: &Profile, details: &Details, consent_id: Option<&str>) -> String {
        let json = plaintext(
            profile,
            &Choice::default(),
            details,
            "2026-12-04T18:30:00Z",
            Lang::En,
            consent_id,
        );
        let text = String::from_utf8(json).expect("utf-8");
        let at = text.find("\"start\"").expect("start");
        text[at..].to_owned()
    }

    #[test]
    fn unticked_optins_are_sealed_as_refusals() {
        let profile = offering(&[Channel::Email, Channel::Sms]);
        assert_eq!(
            tail(&profile, &filled(), None),
            r#""start":"2026-12-04T18:30:00Z","marketing":{"email":false,"sms":false},"lang":"en"}"#
        );
        // Booking works with every box unticked.
        assert!(filled().validate(&profile).is_empty());
    }

    #[test]
    fn ticked_optins_are_sealed_per_channel_in_the_offered_order() {
        let mut details = filled();
        details.marketing[Channel::Sms.index()] = true;
        assert_eq!(
            tail(&offering(&[Channel::Sms, Channel::Email]), &details, None),
            r#""start":"2026-12-04T18:30:00Z","marketing":{"sms":true,"email":false},"lang":"en"}"#
        );
        details.marketing = [true, true];
        assert_eq!(
            tail(&offering(&[Channel::Email, Channel::Sms]), &details, None),
            r#""start":"2026-12-04T18:30:00Z","marketing":{"email":true,"sms":true},"lang":"en"}"#
        );
    }

    #[test]
    fn only_offered_channels_are_sealed() {
        let mut details = filled();
        details.marketing = [true, true];
        assert_eq!(
            tail(&offering(&[Channel::Email]), &details, None),
            r#""start":"2026-12-04T18:30:00Z","marketing":{"email":true},"lang":"en"}"#
        );
        assert_eq!(
            tail(&offering(&[]), &details, None),
            r#""start":"2026-12-04T18:30:00Z","lang":"en"}"#,
            "no box offered: no marketing member at all"
        );
    }

    #[test]
    fn the_consent_id_is_sealed_when_the_host_page_has_one() {
        let profile = offering(&[Channel::Email]);
        assert_eq!(
            tail(&profile, &filled(), Some(CONSENT_ID)),
            r#""start":"2026-12-04T18:30:00Z","marketing":{"email":false},"consent_id":"kP3x_9Qz-LmN0aBcDeFgHi","lang":"en"}"#
        );
        assert_eq!(
            tail(&restaurant(), &filled(), Some(CONSENT_ID)),
            r#""start":"2026-12-04T18:30:00Z","consent_id":"kP3x_9Qz-LmN0aBcDeFgHi","lang":"en"}"#
        );
        assert_eq!(
            tail(&profile, &filled(), None),
            r#""start":"2026-12-04T18:30:00Z","marketing":{"email":false},"lang":"en"}"#
        );
    }

    #[test]
    fn only_well_formed_consent_ids_are_sealed() {
        assert!(is_consent_id(CONSENT_ID));
        for bad in [
            "",
            "kP3x_9Qz-LmN0aBcDeFgH",
            "kP3x_9Qz-LmN0aBcDeFgHij",
            "kP3x/9Qz+LmN0aBcDeFgHi",
            "kP3x_9Qz-LmN0aBcDeF\"}",
        ] {
            assert!(!is_consent_id(bad), "{bad}");
            assert!(!tail(&restaurant(), &filled(), Some(bad)).contains("consent_id"));
        }
    }

    #[cfg(not(target_family = "wasm"))]
    #[test]
    fn a_card_carries_the_channel_address_language_and_cancel_token_and_reads_as_a_card() {
        let plaintext = card_plaintext(Channel::Email, "a\"b@example.org", Lang::Fr, "Uh2S");
        assert_eq!(
            String::from_utf8(plaintext.clone()).expect("utf-8"),
            r#"{"v":1,"channel":"email","address":"a\"b@example.org","lang":"fr","cancel":"Uh2S"}"#
        );
        let card =
            sealbook_wire::contact_card::ContactCard::from_plaintext(&plaintext).expect("a card");
        assert_eq!(card.address, "a\"b@example.org");
        assert!(card.extra.is_empty(), "nothing but the card's members");
        let sealed = Sealed {
            envelope: "E".to_owned(),
            visitor_copy: "V".to_owned(),
            manage_token_hash: "M".to_owned(),
            card: Some(("C".to_owned(), "H".to_owned())),
        };
        assert!(
            upload_body(
                Kind::Restaurant,
                &Choice::default(),
                "2026-12-04T18:30:00Z",
                &sealed
            )
            .ends_with(r#""manage_token_hash":"M","contact_card":"C","cancel_token_hash":"H"}"#)
        );
    }

    #[test]
    fn the_messages_box_is_offered_for_the_contacts_channel_and_checks_sms_numbers() {
        let mut profile = restaurant();
        let mut details = filled();
        details.contact_kind = ContactKind::Phone;
        details.contact = "06 12 34 56 78".to_owned();
        assert_eq!(
            details.offered_channel(&profile),
            None,
            "no courier, no box"
        );
        profile.messages = vec![Channel::Email];
        assert_eq!(details.offered_channel(&profile), None, "no SMS offered");
        profile.messages = vec![Channel::Email, Channel::Sms];
        assert_eq!(details.offered_channel(&profile), Some(Channel::Sms));
        assert!(
            details.validate(&profile).is_empty(),
            "unticked: a local number books"
        );
        details.messages = true;
        assert_eq!(
            details.validate(&profile),
            [FieldError {
                input: Input::Contact,
                text: Text::ErrPhoneInternational
            }]
        );
        details.contact = "+33 6 12 34 56 78".to_owned();
        assert!(details.validate(&profile).is_empty());
    }

    #[test]
    fn upload_bodies_hold_only_public_metadata() {
        let sealed = Sealed {
            envelope: "U0JLAQ".to_owned(),
            visitor_copy: "U0JLAv".to_owned(),
            manage_token_hash: "aGFzaA".to_owned(),
            card: None,
        };
        let choice = Choice {
            party: 4,
            service: "physio-30".to_owned(),
            practitioner: "anna".to_owned(),
        };
        assert_eq!(
            upload_body(Kind::Restaurant, &choice, "2026-12-04T18:30:00Z", &sealed),
            r#"{"envelope":"U0JLAQ","start":"2026-12-04T18:30:00Z","party_size":4,"visitor_copy":"U0JLAv","manage_token_hash":"aGFzaA"}"#
        );
        assert_eq!(
            upload_body(Kind::Clinic, &choice, "2026-12-04T09:00:00Z", &sealed),
            r#"{"envelope":"U0JLAQ","start":"2026-12-04T09:00:00Z","service":"physio-30","practitioner":"anna","visitor_copy":"U0JLAv","manage_token_hash":"aGFzaA"}"#
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut out = String::new();
        quote(&mut out, "a\u{1}b\\");
        assert_eq!(out, r#""a\u0001b\\""#);
    }
}
