//! "Move" on a booking's detail view: another day and a free time from the
//! availability API (an owner or a manager may also squeeze it in at a time
//! that is full), and, at a clinic, another practitioner. Only the public
//! metadata changes; what is sealed stays as it is.

use sealbook_web::profile::Kind;
use sealbook_wire::api::auth::StaffView;
use sealbook_wire::api::inbox::{MoveRequest, StaffBooking};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::ApiError;
use crate::hooks::{Calls, use_free_slots, use_profile};
use crate::i18n::{Lang, Text, t};
use crate::slots::{ANY, SlotQuery, listed_choice, slot_options};
use crate::ui::focus;
use crate::views::new_booking::{Spot, placed, start_at};

#[derive(Properties, PartialEq)]
pub struct MoveProps {
    pub lang: Lang,
    pub staff: StaffView,
    pub booking: StaffBooking,
    /// The detail view's requests and error box.
    pub calls: CallsProp,
    pub on_moved: Callback<StaffBooking>,
    pub on_cancel: Callback<()>,
}

/// [`Calls`] as a property: compared by nothing (a view's calls do not change).
#[derive(Clone, Debug)]
pub struct CallsProp(pub Calls);

impl PartialEq for CallsProp {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[function_component(MoveForm)]
pub fn move_form(props: &MoveProps) -> Html {
    let lang = props.lang;
    let calls = props.calls.0.clone();
    let business = props.staff.business.clone();
    let booking = props.booking.clone();
    let profile = use_profile(&calls, lang, &business, Callback::noop(), "sb-move-date");
    let date = use_state(|| booking.start.get(..10).unwrap_or_default().to_owned());
    let practitioner = use_state(|| {
        booking
            .practitioner
            .clone()
            .unwrap_or_else(|| ANY.to_owned())
    });
    let slot = use_state(String::new);
    let time = use_state(String::new);
    let squeeze_in = use_state(|| false);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);

    let party = booking.party_size.unwrap_or(1).to_string();
    let slots = use_free_slots(
        lang,
        &business,
        (*profile).as_ref(),
        SlotQuery {
            date: &date,
            party: &party,
            service: booking.service.as_deref().unwrap_or_default(),
            practitioner: &practitioner,
        },
    );

    let Some(profile_now) = (*profile).clone() else {
        return html! { <p class="sb-muted">{ t(lang, Text::Loading) }</p> };
    };
    let on_date = {
        let (date, slot) = (date.clone(), slot.clone());
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                date.set(input.value());
                slot.set(String::new());
            }
        })
    };
    let on_select = |state: UseStateHandle<String>| {
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                state.set(select.value());
            }
        })
    };
    let on_time = {
        let time = time.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                time.set(input.value());
            }
        })
    };
    let on_squeeze = {
        let squeeze_in = squeeze_in.clone();
        Callback::from(move |event: Event| {
            squeeze_in.set(
                event
                    .target_dyn_into::<HtmlInputElement>()
                    .is_some_and(|input| input.checked()),
            );
        })
    };
    let onsubmit = {
        let (error, busy, on_moved) = (error.clone(), busy.clone(), props.on_moved.clone());
        let (date, slot, time, squeeze_in, practitioner) = (
            (*date).clone(),
            listed_choice(&slots, &slot),
            (*time).clone(),
            *squeeze_in,
            (*practitioner).clone(),
        );
        let (timezone, clinic, id) = (
            profile_now.timezone.clone(),
            profile_now.kind == Kind::Clinic,
            booking.id.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let start = if squeeze_in {
                start_at(&timezone, &date, &time)
            } else {
                slot.clone()
            };
            let Some(start) = start else {
                error.set(Some(t(lang, Text::ChooseTime).to_owned()));
                focus("sb-move-slot");
                return;
            };
            error.set(None);
            busy.set(true);
            let request = MoveRequest {
                start,
                service: None,
                practitioner: clinic.then(|| practitioner.clone()),
                squeeze_in,
            };
            let (error, busy, on_moved, id) =
                (error.clone(), busy.clone(), on_moved.clone(), id.clone());
            calls.spawn(async move |calls| {
                let answer = calls.api().move_booking(&id, &request).await;
                busy.set(false);
                match answer {
                    Ok(moved) => on_moved.emit(moved),
                    Err(failure) if failure.is_logged_out() => return Err(failure),
                    Err(failure) => match placed(lang, &failure) {
                        (Some(Spot::Slot), text) => {
                            error.set(Some(text));
                            focus("sb-move-slot");
                        }
                        (_, text) => calls.show(text),
                    },
                }
                Ok::<(), ApiError>(())
            });
        })
    };
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_| on_cancel.emit(()))
    };

    let described = error.as_ref().map(|_| "sb-move-slot-error");
    let invalid = error.as_ref().map(|_| "true");
    let error_line = match &*error {
        Some(text) => {
            html! { <span class="sb-error-text" id="sb-move-slot-error">{ text.clone() }</span> }
        }
        None => html! {},
    };
    let slot_field = if *squeeze_in {
        html! {
            <p class="sb-field">
                <label for="sb-move-slot">{ t(lang, Text::SqueezeTime) }</label>
                <input id="sb-move-slot" class="sb-input sb-narrow" type="time" value={(*time).clone()}
                    oninput={on_time} aria-invalid={invalid} aria-describedby={described} />
                { error_line }
            </p>
        }
    } else {
        html! {
            <p class="sb-field">
                <label for="sb-move-slot">{ t(lang, Text::NewTime) }</label>
                <select id="sb-move-slot" class="sb-input sb-narrow" onchange={on_select(slot.clone())}
                    aria-invalid={invalid} aria-describedby={described}>
                    { slot_options(lang, &slots, &slot) }
                </select>
                { error_line }
            </p>
        }
    };
    let service = booking.service.clone().unwrap_or_default();
    html! {
        <form id="sb-move-form" class="sb-confirm" aria-labelledby="sb-move-title" {onsubmit} novalidate=true>
            <p id="sb-move-title"><strong>{ t(lang, Text::MoveBooking) }</strong></p>
            <p class="sb-field">
                <label for="sb-move-date">{ t(lang, Text::Date) }</label>
                <input id="sb-move-date" class="sb-input sb-narrow" type="date" value={(*date).clone()} onchange={on_date} />
            </p>
            if profile_now.kind == Kind::Clinic {
                <p class="sb-field">
                    <label for="sb-move-practitioner">{ t(lang, Text::Practitioner) }</label>
                    <select id="sb-move-practitioner" class="sb-input" onchange={on_select(practitioner.clone())}>
                        <option value={ANY} selected={*practitioner == ANY}>
                            { sealbook_web::visitor_texts::t(lang, sealbook_web::visitor_texts::Text::AnyPractitioner) }</option>
                        { for profile_now.practitioners_for(&service).map(|who| html! {
                            <option value={who.id.clone()} selected={*practitioner == who.id}>{ who.name.clone() }</option>
                        }) }
                    </select>
                </p>
            }
            if props.staff.may_squeeze_in() {
                <p class="sb-field">
                    <input id="sb-move-squeeze" type="checkbox" checked={*squeeze_in} onchange={on_squeeze} />
                    { " " }<label for="sb-move-squeeze">{ t(lang, Text::SqueezeIn) }</label>
                </p>
            }
            { slot_field }
            <div class="sb-actions">
                <button id="sb-move-save" class="sb-submit" type="submit" disabled={*busy}>
                    { if *busy { t(lang, Text::Working) } else { t(lang, Text::MoveBooking) } }</button>
                <button class="sb-secondary" type="button" onclick={cancel}>{ t(lang, Text::Cancel) }</button>
            </div>
        </form>
    }
}
