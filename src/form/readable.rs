//! Every plaintext [`plaintext`] can write reads as `sealbook_wire::plaintext::Booking`,
//! the type the inbox, the CLI, the exports and the manage page open bookings
//! with, knows every member of it and holds what the visitor typed. A shape the
//! readers cannot read fails here, not in a staff member's inbox. (Native tests
//! only: the widget's own build does not link `sealbook-wire`.)

use proptest::prelude::*;
use sealbook_wire::plaintext::{self as wire, Booking, V1};
use serde_json::Value;

use super::tests::{clinic, restaurant};
use super::{ANY, Choice, ContactKind, Details, Input, is_consent_id, plaintext};
use sealbook_web::i18n::Lang;
use sealbook_web::profile::{Channel, FieldId, Kind, Localized, OptIn, Profile};

const START: &str = "2026-12-04T18:30:00Z";
const CONSENT_ID: &str = "kP3x_9Qz-LmN0aBcDeFgHi";

/// Reads what the widget wrote, and checks that the type neither drops nor
/// adds a member.
fn read(bytes: &[u8]) -> Booking {
    let text = String::from_utf8_lossy(bytes);
    let booking = Booking::from_plaintext(bytes).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(
        booking.extra.is_empty(),
        "a member the type does not know: {text}"
    );
    let contact = booking.contact.as_ref();
    assert!(contact.is_none_or(|c| c.extra.is_empty()), "{text}");
    let marketing = booking.marketing.as_ref();
    assert!(marketing.is_none_or(|m| m.extra.is_empty()), "{text}");
    let written: Value = serde_json::from_slice(bytes).expect("JSON");
    assert_eq!(
        serde_json::to_value(&booking).expect("a value"),
        written,
        "read and written again: {text}"
    );
    booking
}

/// `text` as the widget seals an optional field: trimmed, and absent when blank.
fn sealed(declared: bool, text: &str) -> Option<String> {
    let text = text.trim();
    (declared && !text.is_empty()).then(|| text.to_owned())
}

/// What the plaintext must say about what the visitor chose and typed.
fn check(
    booking: &Booking,
    profile: &Profile,
    choice: &Choice,
    details: &Details,
    consent_id: Option<&str>,
    lang: Lang,
) {
    let declared = |id| profile.field(id).is_some();
    assert_eq!(booking.version, Some(V1));
    assert_eq!(booking.source, wire::Source::Visitor);
    assert_eq!(
        booking.kind,
        Some(match profile.kind {
            Kind::Restaurant => wire::Kind::Restaurant,
            Kind::Clinic => wire::Kind::Clinic,
        })
    );
    assert_eq!(booking.start.as_deref(), Some(START));
    assert_eq!(booking.lang.as_deref(), Some(lang.code()));
    assert_eq!(
        booking.name,
        declared(FieldId::Name).then(|| details.name.trim().to_owned())
    );
    let contact = sealed(declared(FieldId::Contact), &details.contact);
    let (phone, email) = match details.contact_kind {
        ContactKind::Phone => (contact, None),
        ContactKind::Email => (None, contact),
    };
    assert_eq!(
        booking.contact.as_ref().and_then(|c| c.phone.clone()),
        phone
    );
    assert_eq!(
        booking.contact.as_ref().and_then(|c| c.email.clone()),
        email
    );
    match profile.kind {
        Kind::Restaurant => {
            assert_eq!(booking.party_size, Some(u32::from(choice.party)));
            assert_eq!((&booking.service, &booking.practitioner), (&None, &None));
        }
        Kind::Clinic => {
            assert_eq!(booking.party_size, None);
            assert_eq!(booking.service.as_deref(), Some(choice.service.as_str()));
            assert_eq!(
                booking.practitioner.as_deref(),
                Some(choice.practitioner.as_str())
            );
        }
    }
    assert_eq!(booking.note, sealed(declared(FieldId::Note), &details.note));
    assert_eq!(
        booking.reason,
        sealed(declared(FieldId::Reason), &details.reason)
    );
    assert_eq!(
        booking.health_consent,
        (details.needs_consent(profile) && details.health_consent).then_some(true)
    );
    let answer = |channel: Channel| {
        profile
            .marketing
            .iter()
            .any(|optin| optin.channel == channel)
            .then(|| details.marketing[channel.index()])
    };
    assert_eq!(booking.marketing.is_some(), !profile.marketing.is_empty());
    assert_eq!(booking.marketing_email(), answer(Channel::Email));
    assert_eq!(booking.marketing_sms(), answer(Channel::Sms));
    assert_eq!(
        booking.consent_id.as_deref(),
        consent_id.filter(|id| is_consent_id(id))
    );
}

/// Each profile the widget may be given: restaurant and clinic, declaring any
/// set of fields, the free-text ones holding health data or not, offering any
/// marketing boxes in any order. (`required` only changes validation.)
fn profiles() -> Vec<Profile> {
    let offers: [&[Channel]; 5] = [
        &[],
        &[Channel::Email],
        &[Channel::Sms],
        &[Channel::Email, Channel::Sms],
        &[Channel::Sms, Channel::Email],
    ];
    let mut profiles = Vec::new();
    for base in [restaurant(), clinic()] {
        let mut every_field = base.fields.clone();
        let mut other = every_field[2].clone();
        other.id = match base.kind {
            Kind::Restaurant => FieldId::Reason,
            Kind::Clinic => FieldId::Note,
        };
        every_field.push(other);
        for declared in 0..1u8 << every_field.len() {
            for health in [false, true] {
                for offered in offers {
                    let mut profile = base.clone();
                    profile.fields = every_field
                        .iter()
                        .enumerate()
                        .filter(|(at, _)| declared & (1 << at) != 0)
                        .map(|(_, field)| {
                            let mut field = field.clone();
                            field.health &= health;
                            field
                        })
                        .collect();
                    profile.marketing = offered
                        .iter()
                        .map(|&channel| OptIn {
                            channel,
                            text: Localized::default(),
                        })
                        .collect();
                    profiles.push(profile);
                }
            }
        }
    }
    profiles
}

/// Each form the visitor may send: every text input empty, blank or filled,
/// a phone number or an e-mail address, health consent and each opt-in
/// ticked or not.
fn forms() -> Vec<Details> {
    let values = |filled: &str| [String::new(), "  ".to_owned(), filled.to_owned()];
    let mut forms = Vec::new();
    for name in values(" Camille \"Cam\" Dupont ") {
        for contact_kind in [ContactKind::Phone, ContactKind::Email] {
            let filled = match contact_kind {
                ContactKind::Phone => "+33 6 12 34 56 78",
                ContactKind::Email => "c@example.fr",
            };
            for contact in values(filled) {
                for note in values("Allergie: noix,\n\"arachides\"\t\u{1}") {
                    for reason in values("Knie\\schmerzen") {
                        for (health_consent, marketing) in [
                            (false, [false, false]),
                            (true, [true, false]),
                            (true, [false, true]),
                            (false, [true, true]),
                        ] {
                            forms.push(Details {
                                name: name.clone(),
                                contact_kind,
                                contact: contact.clone(),
                                note: note.clone(),
                                reason: reason.clone(),
                                health_consent,
                                marketing,
                                messages: marketing[1],
                            });
                        }
                    }
                }
            }
        }
    }
    forms
}

#[test]
fn every_plaintext_the_widget_writes_reads_as_a_booking() {
    let consent_ids = [None, Some(CONSENT_ID), Some("not-a-consent-id")];
    let langs = [Lang::En, Lang::Fr, Lang::De];
    let (profiles, forms) = (profiles(), forms());
    let mut written = 0usize;
    for (p, profile) in profiles.iter().enumerate() {
        let choice = Choice {
            party: u8::try_from(p % 8 + 1).expect("small"),
            service: "physio-30".to_owned(),
            practitioner: if p % 2 == 0 { ANY } else { "anna" }.to_owned(),
        };
        for (f, details) in forms.iter().enumerate() {
            let consent_id = consent_ids[(p + f) % consent_ids.len()];
            let lang = langs[f % langs.len()];
            let bytes = plaintext(profile, &choice, details, START, lang, consent_id);
            let booking = read(&bytes);
            check(&booking, profile, &choice, details, consent_id, lang);
            written += 1;
        }
    }
    assert_eq!(written, profiles.len() * forms.len());
}

fn contact_kind() -> impl Strategy<Value = ContactKind> {
    prop_oneof![Just(ContactKind::Phone), Just(ContactKind::Email)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the visitor types — quotes, backslashes, control characters,
    /// any script — the hand-written JSON reads back as typed.
    #[test]
    fn any_text_the_visitor_types_reads_back(
        clinic_profile in any::<bool>(),
        name in any::<String>(),
        contact_kind in contact_kind(),
        contact in any::<String>(),
        note in any::<String>(),
        reason in any::<String>(),
        health_consent in any::<bool>(),
        marketing in any::<[bool; 2]>(),
    ) {
        let mut profile = if clinic_profile { clinic() } else { restaurant() };
        profile.marketing = vec![
            OptIn { channel: Channel::Sms, text: Localized::default() },
            OptIn { channel: Channel::Email, text: Localized::default() },
        ];
        let details = Details { name, contact_kind, contact, note, reason, health_consent, marketing, messages: false };
        let choice = Choice { service: "physio-30".to_owned(), ..Choice::default() };
        let bytes = plaintext(&profile, &choice, &details, START, Lang::Fr, Some(CONSENT_ID));
        let booking = read(&bytes);
        check(&booking, &profile, &choice, &details, Some(CONSENT_ID), Lang::Fr);
        prop_assert_eq!(booking.display_name(), details.get(Input::Name).trim());
    }
}
