//! "New booking": a phone call or a walk-in, entered by a staff member. The
//! form asks what the widget asks (party size or service, a free slot from the
//! availability API, then the fields the business's profile declares) and seals
//! the booking here, in the member's browser, to the business's active keys,
//! with `"source": "staff"` inside. The server sees only what it sees of a
//! visitor's booking: the time, the party or service, the ciphertext.

use sealbook_envelope::KeyId;
use sealbook_web::calendar::Day;
use sealbook_web::clock::{now_unix_seconds, zoned_ms};
use sealbook_web::profile::{FieldId, Kind, Profile};
use sealbook_web::public_api::fetch_keys;
use sealbook_web::seal::{Seal, seal, verified_recipients};
use sealbook_web::visitor_texts;
use sealbook_wire::api::auth::StaffView;
use sealbook_wire::api::inbox::StaffBookingRequest;
use sealbook_wire::plaintext::{Booking, Contact, Source, V1};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::{use_calls, use_free_slots, use_profile};
use crate::i18n::{Lang, Text, t};
use crate::keyring::Keyring;
use crate::slots::{ANY, SlotQuery, listed_choice, slot_options, visitor_text};
use crate::timing;
use crate::ui::{api_error_text, focus, let_the_page_paint, loading_page};

#[derive(Properties, PartialEq)]
pub struct NewBookingProps {
    pub lang: Lang,
    pub api: Api,
    pub staff: StaffView,
    pub keyring: Keyring,
    /// The stored booking's id: the app opens it.
    pub on_created: Callback<AttrValue>,
    pub on_cancel: Callback<()>,
    pub on_logged_out: Callback<ApiError>,
}

/// What was typed and chosen.
#[derive(Clone, Debug, Default, PartialEq)]
struct Form {
    party: String,
    service: String,
    practitioner: String,
    date: String,
    slot: String,
    /// Squeezing in: a time of day typed in place of a free slot.
    time: String,
    squeeze_in: bool,
    name: String,
    phone: String,
    email: String,
    note: String,
    reason: String,
}

/// The fields that can carry an error beside them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spot {
    Party,
    Slot,
    Name,
    Contact,
}

impl Spot {
    fn error_id(self) -> &'static str {
        match self {
            Self::Party => "sb-new-party-error",
            Self::Slot => "sb-new-slot-error",
            Self::Name => "sb-new-name-error",
            Self::Contact => "sb-new-contact-error",
        }
    }

    fn field_id(self) -> &'static str {
        match self {
            Self::Party => "sb-new-party",
            Self::Slot => "sb-new-slot",
            Self::Name => "sb-new-name",
            Self::Contact => "sb-new-phone",
        }
    }
}

/// Where a refusal of the server belongs, and what it says.
pub(crate) fn placed(lang: Lang, error: &ApiError) -> (Option<Spot>, String) {
    let code = error.code();
    let spot = match code {
        "slot_full"
        | "too_soon"
        | "too_far"
        | "start_in_past"
        | "outside_opening_hours"
        | "invalid_start"
        | "squeeze_in_forbidden"
        | "unknown_service"
        | "unknown_practitioner" => Some(Spot::Slot),
        "invalid_party_size" | "party_too_large" => Some(Spot::Party),
        _ => None,
    };
    let text = match code {
        "squeeze_in_forbidden" => t(lang, Text::SqueezeInForbidden),
        _ => visitor_text(lang, code).unwrap_or_else(|| api_error_text(lang, error)),
    };
    (spot, text.to_owned())
}

/// `date` at `time` (`HH:MM`) in the business's time zone, as RFC 3339 UTC.
pub(crate) fn start_at(timezone: &str, date: &str, time: &str) -> Option<String> {
    let date = Day::parse(date)?;
    let (hour, minute) = time.split_once(':')?;
    let (hour, minute): (u32, u32) = (hour.parse().ok()?, minute.parse().ok()?);
    if hour > 23 || minute > 59 {
        return None;
    }
    let at = zoned_ms(timezone, date, hour * 60 + minute)?;
    let iso: String = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at))
        .to_iso_string()
        .into();
    // Whole minutes: `…T18:30:00.000Z` is written `…T18:30:00Z`.
    Some(iso.replace(".000Z", "Z"))
}

/// The key check before sealing. The server names the business's active keys,
/// but a server that could add a key of its own would read every booking sealed
/// to it. So a staff member's browser seals only to keys it holds unlocked: each
/// active key served must hash to its kid (as the widget checks) and that kid
/// must be one of this device's unlocked keys, whose kids were checked against
/// the private keys themselves when they were unlocked. The keys this device
/// holds are the pins; a rotation's new key that the member does not hold yet
/// stops the booking (the owner shares it first) rather than being trusted.
pub(crate) async fn recipients(
    business: &str,
    keyring: &Keyring,
) -> Result<Vec<sealbook_envelope::Recipient>, Text> {
    let set = fetch_keys("", business).await.map_err(|_| Text::Network)?;
    let pins: Vec<KeyId> = keyring.parts().iter().map(|(kid, _)| kid.clone()).collect();
    verified_recipients(&set, business, &pins).map_err(|_| Text::KeysNotHeld)
}

/// The plaintext to seal: the widget's shape, marked as entered by staff.
fn plaintext(profile: &Profile, form: &Form, start: &str, lang: Lang) -> Booking {
    let filled = |text: &str| Some(text.trim().to_owned()).filter(|text| !text.is_empty());
    let has = |id: FieldId| profile.field(id).is_some();
    let contact = (has(FieldId::Contact)
        && (filled(&form.phone).is_some() || filled(&form.email).is_some()))
    .then(|| Contact {
        phone: filled(&form.phone),
        email: filled(&form.email),
        ..Contact::default()
    });
    let (kind, party_size, service, practitioner) = match profile.kind {
        Kind::Restaurant => (
            sealbook_wire::plaintext::Kind::Restaurant,
            form.party.trim().parse().ok(),
            None,
            None,
        ),
        Kind::Clinic => (
            sealbook_wire::plaintext::Kind::Clinic,
            None,
            Some(form.service.clone()),
            Some(form.practitioner.clone()),
        ),
    };
    Booking {
        version: Some(V1),
        kind: Some(kind),
        source: Source::Staff,
        name: has(FieldId::Name).then(|| filled(&form.name)).flatten(),
        contact,
        party_size,
        service,
        practitioner,
        start: Some(start.to_owned()),
        note: has(FieldId::Note).then(|| filled(&form.note)).flatten(),
        reason: has(FieldId::Reason).then(|| filled(&form.reason)).flatten(),
        lang: Some(lang.code().to_owned()),
        ..Booking::default()
    }
}

#[function_component(NewBooking)]
pub fn new_booking(props: &NewBookingProps) -> Html {
    let lang = props.lang;
    let business = props.staff.business.clone();
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    let form = use_state(|| Form {
        party: "2".to_owned(),
        practitioner: ANY.to_owned(),
        date: timing::today().iso(),
        ..Form::default()
    });
    let errors = use_state(Vec::<(Spot, String)>::new);
    let busy = use_state(|| false);

    // A clinic's form starts with its first service.
    let profile = use_profile(
        &calls,
        lang,
        &business,
        {
            let form = form.clone();
            Callback::from(move |found: Profile| {
                if let Some(first) = found.services.first() {
                    let mut next = (*form).clone();
                    next.service = first.id.clone();
                    form.set(next);
                }
            })
        },
        "sb-heading",
    );
    // The free slots follow the day and the party or service.
    let slots = use_free_slots(
        lang,
        &business,
        (*profile).as_ref(),
        SlotQuery {
            date: &form.date,
            party: &form.party,
            service: &form.service,
            practitioner: &form.practitioner,
        },
    );

    let Some(profile_now) = (*profile).clone() else {
        return loading_page(lang, Text::NewBooking);
    };

    let set = |change: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |value: String| {
            let mut next = (*form).clone();
            change(&mut next, value);
            form.set(next);
        })
    };
    let text_input = |change: fn(&mut Form, String)| {
        set(change).reform(|event: InputEvent| {
            event
                .target_dyn_into::<HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default()
        })
    };
    let area_input = |change: fn(&mut Form, String)| {
        set(change).reform(|event: InputEvent| {
            event
                .target_dyn_into::<HtmlTextAreaElement>()
                .map(|area| area.value())
                .unwrap_or_default()
        })
    };
    let select_input = |change: fn(&mut Form, String)| {
        set(change).reform(|event: Event| {
            event
                .target_dyn_into::<HtmlSelectElement>()
                .map(|select| select.value())
                .unwrap_or_default()
        })
    };
    let on_squeeze = {
        let form = form.clone();
        Callback::from(move |event: Event| {
            let mut next = (*form).clone();
            next.squeeze_in = event
                .target_dyn_into::<HtmlInputElement>()
                .is_some_and(|input| input.checked());
            form.set(next);
        })
    };
    let error_at = |spot: Spot| {
        errors
            .iter()
            .find(|(at, _)| *at == spot)
            .map(|(_, text)| text.clone())
    };
    let described = |spot: Spot| error_at(spot).map(|_| spot.error_id());
    let invalid = |spot: Spot| error_at(spot).map(|_| "true");
    let error_line = |spot: Spot| match error_at(spot) {
        Some(text) => html! { <span class="sb-error-text" id={spot.error_id()}>{ text }</span> },
        None => html! {},
    };

    let onsubmit = {
        let (calls, form, errors, busy, profile) = (
            calls.clone(),
            form.clone(),
            errors.clone(),
            busy.clone(),
            profile_now.clone(),
        );
        let (keyring, on_created, business, slots) = (
            props.keyring.clone(),
            props.on_created.clone(),
            business.clone(),
            slots.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let current = (*form).clone();
            let mut found = Vec::new();
            let start = if current.squeeze_in {
                start_at(&profile.timezone, &current.date, &current.time)
            } else {
                listed_choice(&slots, &current.slot)
            };
            if profile.kind == Kind::Restaurant
                && !current
                    .party
                    .trim()
                    .parse::<u32>()
                    .is_ok_and(|party| party > 0)
            {
                found.push((
                    Spot::Party,
                    visitor_texts::t(lang, visitor_texts::Text::ErrInvalidPartySize).to_owned(),
                ));
            }
            if start.is_none() {
                found.push((Spot::Slot, t(lang, Text::ChooseTime).to_owned()));
            }
            if profile
                .field(FieldId::Name)
                .is_some_and(|spec| spec.required)
                && current.name.trim().is_empty()
            {
                found.push((Spot::Name, t(lang, Text::NameRequired).to_owned()));
            }
            if profile
                .field(FieldId::Contact)
                .is_some_and(|spec| spec.required)
                && current.phone.trim().is_empty()
                && current.email.trim().is_empty()
            {
                found.push((Spot::Contact, t(lang, Text::ContactRequired).to_owned()));
            }
            if let Some((spot, _)) = found.first() {
                focus(spot.field_id());
                errors.set(found);
                return;
            }
            let Some(start) = start else { return };
            errors.set(Vec::new());
            busy.set(true);
            let (errors, busy, profile, keyring, on_created, business) = (
                errors.clone(),
                busy.clone(),
                profile.clone(),
                keyring.clone(),
                on_created.clone(),
                business.clone(),
            );
            calls.spawn(async move |calls| {
                let_the_page_paint().await;
                let recipients = match recipients(&business, &keyring).await {
                    Ok(recipients) => recipients,
                    Err(text) => {
                        busy.set(false);
                        calls.show(t(lang, text));
                        return Ok(());
                    }
                };
                let booking = plaintext(&profile, &current, &start, lang);
                let sealed = booking.to_plaintext();
                let sealing = seal(
                    Seal::Booking(&recipients),
                    &business,
                    now_unix_seconds(),
                    &sealed,
                );
                let Ok(envelope) = sealing.await else {
                    busy.set(false);
                    calls.show(t(lang, Text::BrowserCannot));
                    return Ok(());
                };
                let (party_size, service, practitioner) = match profile.kind {
                    Kind::Restaurant => (booking.party_size, None, None),
                    Kind::Clinic => (Some(1), booking.service, booking.practitioner),
                };
                let request = StaffBookingRequest {
                    envelope,
                    start,
                    party_size,
                    service,
                    practitioner,
                    squeeze_in: current.squeeze_in,
                };
                let answer = calls.api().create_booking(&request).await;
                busy.set(false);
                match answer {
                    Ok(stored) => on_created.emit(stored.id.into()),
                    Err(failure) if failure.is_logged_out() => return Err(failure),
                    Err(failure) => match placed(lang, &failure) {
                        (Some(spot), text) => {
                            errors.set(vec![(spot, text)]);
                            focus(spot.field_id());
                        }
                        (None, text) => calls.show(text),
                    },
                }
                Ok(())
            });
        })
    };
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_| on_cancel.emit(()))
    };

    let vt = |key: visitor_texts::Text| visitor_texts::t(lang, key);
    let slot_field = if form.squeeze_in {
        html! {
            <p class="sb-field">
                <label for="sb-new-slot">{ t(lang, Text::SqueezeTime) }</label>
                <input id="sb-new-slot" class="sb-input sb-narrow" type="time" value={form.time.clone()}
                    oninput={text_input(|form, value| form.time = value)}
                    aria-invalid={invalid(Spot::Slot)} aria-describedby={described(Spot::Slot)} />
                { error_line(Spot::Slot) }
            </p>
        }
    } else {
        html! {
            <p class="sb-field">
                <label for="sb-new-slot">{ t(lang, Text::Time) }</label>
                <select id="sb-new-slot" class="sb-input sb-narrow" onchange={select_input(|form, value| form.slot = value)}
                    aria-invalid={invalid(Spot::Slot)} aria-describedby={described(Spot::Slot)}>
                    { slot_options(lang, &slots, &form.slot) }
                </select>
                { error_line(Spot::Slot) }
            </p>
        }
    };
    let what = match profile_now.kind {
        Kind::Restaurant => html! {
            <p class="sb-field">
                <label for="sb-new-party">{ vt(visitor_texts::Text::PartyLabel) }</label>
                <input id="sb-new-party" class="sb-input sb-narrow" type="number" min="1"
                    value={form.party.clone()} oninput={text_input(|form, value| form.party = value)}
                    aria-invalid={invalid(Spot::Party)} aria-describedby={described(Spot::Party)} />
                { error_line(Spot::Party) }
            </p>
        },
        Kind::Clinic => html! {
            <>
                <p class="sb-field">
                    <label for="sb-new-service">{ vt(visitor_texts::Text::ServiceLabel) }</label>
                    <select id="sb-new-service" class="sb-input" onchange={select_input(|form, value| {
                        form.service = value;
                        form.practitioner = ANY.to_owned();
                    })}>
                        { for profile_now.services.iter().map(|service| html! {
                            <option value={service.id.clone()} selected={form.service == service.id}>
                                { service.name.get(lang).to_owned() }</option>
                        }) }
                    </select>
                </p>
                <p class="sb-field">
                    <label for="sb-new-practitioner">{ vt(visitor_texts::Text::PractitionerLabel) }</label>
                    <select id="sb-new-practitioner" class="sb-input" onchange={select_input(|form, value| form.practitioner = value)}>
                        <option value={ANY} selected={form.practitioner == ANY}>{ vt(visitor_texts::Text::AnyPractitioner) }</option>
                        { for profile_now.practitioners_for(&form.service).map(|practitioner| html! {
                            <option value={practitioner.id.clone()} selected={form.practitioner == practitioner.id}>
                                { practitioner.name.clone() }</option>
                        }) }
                    </select>
                </p>
            </>
        },
    };
    let has = |id: FieldId| profile_now.field(id).is_some();

    html! {
        <section aria-labelledby="sb-heading">
            <p><button id="sb-back" class="sb-link" type="button" onclick={cancel.clone()}>{ "← " }{ t(lang, Text::Back) }</button></p>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::NewBooking) }</h1>
            <p class="sb-muted">{ t(lang, Text::NewBookingExplain) }</p>
            <crate::ui::ErrorBox message={calls.error()} />
            <form id="sb-new-form" {onsubmit} novalidate=true>
                { what }
                <p class="sb-field">
                    <label for="sb-new-date">{ t(lang, Text::Date) }</label>
                    <input id="sb-new-date" class="sb-input sb-narrow" type="date" value={form.date.clone()}
                        onchange={select_input_date(&form)} />
                </p>
                if props.staff.may_squeeze_in() {
                    <p class="sb-field">
                        <input id="sb-new-squeeze" type="checkbox" checked={form.squeeze_in} onchange={on_squeeze} />
                        { " " }<label for="sb-new-squeeze">{ t(lang, Text::SqueezeIn) }</label>
                    </p>
                }
                { slot_field }
                if has(FieldId::Name) {
                    <p class="sb-field">
                        <label for="sb-new-name">{ t(lang, Text::Name) }</label>
                        <input id="sb-new-name" class="sb-input" type="text" autocomplete="off" value={form.name.clone()}
                            oninput={text_input(|form, value| form.name = value)}
                            aria-invalid={invalid(Spot::Name)} aria-describedby={described(Spot::Name)} />
                        { error_line(Spot::Name) }
                    </p>
                }
                if has(FieldId::Contact) {
                    <p class="sb-field">
                        <label for="sb-new-phone">{ vt(visitor_texts::Text::PhoneLabel) }</label>
                        <input id="sb-new-phone" class="sb-input" type="tel" autocomplete="off" value={form.phone.clone()}
                            oninput={text_input(|form, value| form.phone = value)}
                            aria-invalid={invalid(Spot::Contact)} aria-describedby={described(Spot::Contact)} />
                        { error_line(Spot::Contact) }
                    </p>
                    <p class="sb-field">
                        <label for="sb-new-email">{ vt(visitor_texts::Text::EmailLabel) }</label>
                        <input id="sb-new-email" class="sb-input" type="email" autocomplete="off" value={form.email.clone()}
                            oninput={text_input(|form, value| form.email = value)} />
                    </p>
                }
                if has(FieldId::Note) {
                    <p class="sb-field">
                        <label for="sb-new-note">{ vt(visitor_texts::Text::NoteLabel) }</label>
                        <textarea id="sb-new-note" class="sb-input" value={form.note.clone()}
                            oninput={area_input(|form, value| form.note = value)} />
                    </p>
                }
                if has(FieldId::Reason) {
                    <p class="sb-field">
                        <label for="sb-new-reason">{ vt(visitor_texts::Text::ReasonLabel) }</label>
                        <textarea id="sb-new-reason" class="sb-input" value={form.reason.clone()}
                            oninput={area_input(|form, value| form.reason = value)} />
                    </p>
                }
                <p class="sb-actions">
                    <button id="sb-new-save" class="sb-submit" type="submit" disabled={*busy}>
                        { if *busy { t(lang, Text::Working) } else { t(lang, Text::SaveBooking) } }</button>
                    <button class="sb-secondary" type="button" onclick={cancel}>{ t(lang, Text::Cancel) }</button>
                </p>
            </form>
        </section>
    }
}

/// A new day empties the chosen slot: it belonged to the old day.
fn select_input_date(form: &UseStateHandle<Form>) -> Callback<Event> {
    let form = form.clone();
    Callback::from(move |event: Event| {
        let Some(input) = event.target_dyn_into::<HtmlInputElement>() else {
            return;
        };
        let mut next = (*form).clone();
        next.date = input.value();
        next.slot = String::new();
        form.set(next);
    })
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn a_typed_time_is_the_business_local_time() {
        assert_eq!(
            start_at("Europe/Paris", "2026-12-07", "19:30").as_deref(),
            Some("2026-12-07T18:30:00Z")
        );
        assert_eq!(
            start_at("Europe/Paris", "2026-07-07", "19:30").as_deref(),
            Some("2026-07-07T17:30:00Z")
        );
        assert_eq!(start_at("Europe/Paris", "2026-12-07", ""), None);
        assert_eq!(start_at("Nowhere/City", "2026-12-07", "19:30"), None);
        // Around the changes of 2027 in Paris: 02:30 does not exist on 28 March
        // (an hour on), and happens twice on 31 October (the first one).
        assert_eq!(
            start_at("Europe/Paris", "2027-03-28", "02:30").as_deref(),
            Some("2027-03-28T01:30:00Z")
        );
        assert_eq!(
            start_at("Europe/Paris", "2027-03-28", "03:30").as_deref(),
            Some("2027-03-28T01:30:00Z")
        );
        assert_eq!(
            start_at("Europe/Paris", "2027-10-31", "02:30").as_deref(),
            Some("2027-10-31T00:30:00Z")
        );
        assert_eq!(
            start_at("America/New_York", "2026-12-07", "00:00").as_deref(),
            Some("2026-12-07T05:00:00Z")
        );
    }
}
