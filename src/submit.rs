//! One submission: fetch the key set, verify it against the pins, make the manage
//! secret, seal the booking and the visitor's copy, upload. Each completed stage is
//! reported to the reducer; the first failure ends the run.
//!
//! The manage secret lives only in this function and in the link it returns: the
//! widget stores it nowhere.

use std::rc::Rc;

use js_sys::{Function, Reflect};
use sealbook_envelope::{KeyId, ManageSecret, Recipient, base64url};
use sealbook_web::clock;
use sealbook_web::error::{ErrorCode, Failure};
use sealbook_web::i18n::Lang;
use sealbook_web::profile::{Channel, Profile, Slot};
use sealbook_web::public_api;
use sealbook_web::seal::{self, Seal};
use wasm_bindgen::{JsCast, JsValue};

use crate::api;
use crate::form::{self, Choice, Details, Sealed};
use crate::options::Options;
use crate::state::{Action, Confirmed};

/// Everything a submission needs, copied out of the state.
#[derive(Clone, Debug)]
pub struct Submission {
    pub options: Rc<Options>,
    pub profile: Rc<Profile>,
    pub choice: Choice,
    pub details: Details,
    pub slot: Slot,
    /// The slot is full: the upload joins its waitlist.
    pub waiting: bool,
}

/// Runs the submission and reports every stage through `dispatch`.
pub async fn run(submission: Submission, dispatch: impl Fn(Action)) {
    let last = match stages(&submission, &dispatch).await {
        Ok(confirmed) => Action::Accepted(confirmed),
        Err(failure) => Action::Fail(failure),
    };
    dispatch(last);
}

async fn stages(s: &Submission, dispatch: &impl Fn(Action)) -> Result<Confirmed, Failure> {
    let options = &s.options;
    let key_set = public_api::fetch_keys(&options.api, &options.business).await?;
    // Any refusal here ends the run before anything is sealed or sent.
    let recipients = seal::verified_recipients(&key_set, &options.business, &options.pins)
        .map_err(|_| ErrorCode::KeyNotPinned)?;
    // A card goes only to courier keys the script tag pins, checked as the
    // booking keys are, and before anything is sealed.
    let courier = s
        .details
        .messages_channel(&s.profile)
        .map(|channel| {
            seal::verified_courier_recipients(&key_set, &options.business, &options.courier_pins)
                .map(|recipients| (channel, recipients))
                .map_err(|_| ErrorCode::KeyNotPinned)
        })
        .transpose()?;
    dispatch(Action::KeysVerified);

    let start = &s.slot.start;
    let consent = consent_id();
    let plaintext = form::plaintext(
        &s.profile,
        &s.choice,
        &s.details,
        start,
        options.lang,
        consent.as_deref(),
    );
    let secret = ManageSecret::generate(&mut getrandom::SysRng)
        .map_err(|_| Failure::Known(ErrorCode::SealFailed))?;
    let iat = clock::now_unix_seconds();
    let business = &options.business;
    let envelope = seal::seal(Seal::Booking(&recipients), business, iat, &plaintext).await?;
    let visitor_plaintext = with_pins(&plaintext, &options.pins);
    let visitor_copy = seal::seal(
        Seal::VisitorCopy(&secret),
        business,
        iat,
        &visitor_plaintext,
    )
    .await?;
    drop(visitor_plaintext);
    drop(plaintext);
    let card = match courier {
        Some((channel, recipients)) => Some(
            contact_card(
                channel,
                &recipients,
                &s.details.contact,
                options.lang,
                &secret,
                (business, iat),
            )
            .await?,
        ),
        None => None,
    };
    let sealed = Sealed {
        envelope,
        visitor_copy,
        manage_token_hash: secret.token().hash().to_base64url(),
        card,
    };
    dispatch(Action::Sealed);

    let body = form::upload_body(s.profile.kind, &s.choice, start, &sealed);
    // Random per submit attempt; reused by the automatic retry inside `post_booking`.
    let mut key = [0u8; 16];
    getrandom::fill(&mut key).map_err(|_| Failure::Known(ErrorCode::SealFailed))?;
    let accepted = api::post_booking(
        &options.api,
        (
            &options.business,
            if s.waiting { "waitlist" } else { "bookings" },
        ),
        &body,
        &base64url::encode(&key),
    )
    .await?;
    let mut manage_link = options.api.clone();
    manage_link.push_str("/manage/");
    manage_link.push_str(&accepted.reference);
    manage_link.push('#');
    manage_link.push_str(&secret.to_base64url());
    Ok(Confirmed {
        reference: accepted.reference,
        start: start.clone(),
        manage_link,
        practitioner: accepted.practitioner,
        waiting: s.waiting,
    })
}

/// The contact card for `channel` (the contact as the card stores it, the
/// language, the cancel token), sealed to the verified courier keys, and the
/// hash of its cancel token. A contact that does not suit the channel, which
/// the details step has already refused, seals nothing.
async fn contact_card(
    channel: Channel,
    recipients: &[Recipient],
    contact: &str,
    lang: Lang,
    secret: &ManageSecret,
    (business, iat): (&str, u64),
) -> Result<(String, String), Failure> {
    let address = match channel {
        Channel::Email => contact.trim().to_owned(),
        Channel::Sms => sealbook_wire::contact_card::international_phone(contact)
            .ok_or(Failure::Known(ErrorCode::SealFailed))?,
    };
    let cancel = secret.cancel_token();
    let card = form::card_plaintext(channel, &address, lang, &cancel.to_base64url());
    let sealed = seal::seal(Seal::ContactCard(recipients), business, iat, &card).await?;
    Ok((sealed, cancel.hash().to_base64url()))
}

/// The id of the host page's current consent record, from the consent layer's
/// `window.Sealbook.consent.get()` (`null` before any choice), read as the
/// booking is sealed so that it is the choice in force at that moment. No such
/// API, or no choice: `None`, and the booking is sealed without it.
fn consent_id() -> Option<String> {
    let member = |object: &JsValue, key: &str| Reflect::get(object, &JsValue::from_str(key)).ok();
    let window: JsValue = web_sys::window()?.into();
    let consent = member(&member(&window, "Sealbook")?, "consent")?;
    let get: Function = member(&consent, "get")?.dyn_into().ok()?;
    let choice = get.call0(&consent).ok()?;
    if !choice.is_object() {
        return None;
    }
    member(&choice, "id")?.as_string()
}

/// The visitor copy's plaintext: the booking's plus `"pins":[kid,…]`, the pins
/// the keys were checked against, so that the manage page can check the keys it
/// re-seals a change to in the same way. The booking envelope does not carry them.
fn with_pins(plaintext: &[u8], pins: &[KeyId]) -> Vec<u8> {
    // The plaintext is one JSON object: reopen it before its closing brace. There
    // is at least one pin (every recipient was pinned), and a kid (`sha256:` and
    // base64url) needs no escaping.
    let mut out = plaintext.to_vec();
    out.pop();
    let mut before = ",\"pins\":[\"";
    for pin in pins {
        out.extend_from_slice(before.as_bytes());
        out.extend_from_slice(pin.as_str().as_bytes());
        before = "\",\"";
    }
    out.extend_from_slice(b"\"]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visitor_copy_carries_the_pins() {
        let pins = [
            KeyId::parse("sha256:vOnD0T8K_Rzrrt5yyP7G5KIZiAk-zmsco-C0oRJfUdU").expect("kid"),
            KeyId::parse("sha256:jA3irbt27LQ-l2SgaZzVbkOpd6_NFfyFnZQ5ukHaYFI").expect("kid"),
        ];
        let out = with_pins(br#"{"v":1,"lang":"fr"}"#, &pins);
        let value: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
        assert_eq!(value["lang"], "fr");
        assert_eq!(value["pins"][0], pins[0].as_str());
        assert_eq!(value["pins"][1], pins[1].as_str());
    }

    /// The manage page reads the visitor copy as `VisitorCopy`: the booking as
    /// sealed to the business, and the pins.
    #[cfg(not(target_family = "wasm"))]
    #[test]
    fn the_visitor_copy_reads_as_the_booking_and_its_pins() {
        use sealbook_wire::plaintext::{Booking, VisitorCopy};

        use crate::form::tests::{clinic, restaurant};
        use sealbook_web::i18n::Lang;

        let pin = KeyId::parse("sha256:vOnD0T8K_Rzrrt5yyP7G5KIZiAk-zmsco-C0oRJfUdU").expect("kid");
        let details = Details {
            name: "Camille".to_owned(),
            contact: "+33 6 12 34 56 78".to_owned(),
            reason: "Knie".to_owned(),
            health_consent: true,
            ..Details::default()
        };
        for profile in [restaurant(), clinic()] {
            let booking = form::plaintext(
                &profile,
                &Choice::default(),
                &details,
                "2026-12-04T09:00:00Z",
                Lang::De,
                None,
            );
            let copy =
                VisitorCopy::from_plaintext(&with_pins(&booking, std::slice::from_ref(&pin)))
                    .expect("a visitor copy");
            assert_eq!(copy.pins, [pin.as_str()]);
            assert_eq!(
                copy.booking,
                Booking::from_plaintext(&booking).expect("a booking")
            );
            assert!(copy.booking.extra.is_empty(), "{:?}", copy.booking.extra);
        }
    }
}
