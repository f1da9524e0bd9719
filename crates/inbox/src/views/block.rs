//! "Block time": capacity held with no guest behind it — a private event, a
//! broken oven — for some covers or all of them (a practitioner's time at a
//! clinic), over a slot or a whole service. Its label is for staff only, so it
//! is sealed here to the business's keys like a booking; the server sees the
//! times and the covers held.

use sealbook_web::clock::now_unix_seconds;
use sealbook_web::profile::{Kind, Profile};
use sealbook_web::seal::{Seal, seal};
use sealbook_wire::api::auth::StaffView;
use sealbook_wire::api::inbox::BlockRequest;
use sealbook_wire::plaintext::{Block, Booking, Source, V1};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::{use_calls, use_profile};
use crate::i18n::{Lang, Text, t};
use crate::keyring::Keyring;
use crate::timing;
use crate::ui::{ErrorBox, api_error_text, focus, let_the_page_paint, loading_page};
use crate::views::new_booking::{recipients, start_at};

#[derive(Properties, PartialEq)]
pub struct BlockProps {
    pub lang: Lang,
    pub api: Api,
    pub staff: StaffView,
    pub keyring: Keyring,
    /// The stored block's id: the app opens it.
    pub on_created: Callback<AttrValue>,
    pub on_cancel: Callback<()>,
    pub on_logged_out: Callback<ApiError>,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Form {
    date: String,
    from: String,
    to: String,
    /// Empty: all the covers.
    covers: String,
    practitioner: String,
    label: String,
    squeeze_in: bool,
}

/// Where the server's refusal of a block is shown.
fn block_error(lang: Lang, error: &ApiError) -> String {
    match error.code() {
        "slot_full" => t(lang, Text::BlockOverBookings).to_owned(),
        "invalid_block" | "start_in_past" => t(lang, Text::BlockTimes).to_owned(),
        "invalid_party_size" => t(lang, Text::BlockCovers).to_owned(),
        _ => api_error_text(lang, error).to_owned(),
    }
}

#[function_component(BlockPage)]
pub fn block_page(props: &BlockProps) -> Html {
    let lang = props.lang;
    let business = props.staff.business.clone();
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    let form = use_state(|| Form {
        date: timing::today().iso(),
        ..Form::default()
    });
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    // A clinic's form starts with its first practitioner.
    let profile = use_profile(
        &calls,
        lang,
        &business,
        {
            let form = form.clone();
            Callback::from(move |found: Profile| {
                if let Some(first) = found.practitioners.first() {
                    let mut next = (*form).clone();
                    next.practitioner = first.id.clone();
                    form.set(next);
                }
            })
        },
        "sb-heading",
    );
    let Some(profile_now) = (*profile).clone() else {
        return loading_page(lang, Text::BlockTime);
    };

    let input = |change: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                let mut next = (*form).clone();
                change(&mut next, input.value());
                form.set(next);
            }
        })
    };
    let changed = |change: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |event: Event| {
            let value = event
                .target_dyn_into::<HtmlSelectElement>()
                .map(|select| select.value())
                .or_else(|| {
                    event
                        .target_dyn_into::<HtmlInputElement>()
                        .map(|input| input.value())
                })
                .unwrap_or_default();
            let mut next = (*form).clone();
            change(&mut next, value);
            form.set(next);
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
    let onsubmit = {
        let (calls, form, error, busy, profile) = (
            calls.clone(),
            form.clone(),
            error.clone(),
            busy.clone(),
            profile_now.clone(),
        );
        let (keyring, on_created, business) = (
            props.keyring.clone(),
            props.on_created.clone(),
            business.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let current = (*form).clone();
            let times = (
                start_at(&profile.timezone, &current.date, &current.from),
                start_at(&profile.timezone, &current.date, &current.to),
            );
            let (Some(start), Some(end)) = times else {
                error.set(Some(t(lang, Text::BlockTimes).to_owned()));
                focus("sb-block-from");
                return;
            };
            let covers = match current.covers.trim() {
                "" => None,
                text => match text.parse::<u32>() {
                    Ok(covers) => Some(covers),
                    Err(_) => {
                        error.set(Some(t(lang, Text::BlockCovers).to_owned()));
                        focus("sb-block-from");
                        return;
                    }
                },
            };
            error.set(None);
            busy.set(true);
            let (error, busy, profile, keyring, on_created, business) = (
                error.clone(),
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
                let clinic = profile.kind == Kind::Clinic;
                let plaintext = Booking {
                    version: Some(V1),
                    kind: Some(if clinic {
                        sealbook_wire::plaintext::Kind::Clinic
                    } else {
                        sealbook_wire::plaintext::Kind::Restaurant
                    }),
                    source: Source::Staff,
                    block: Some(Block {
                        label: current.label.trim().to_owned(),
                        ..Block::default()
                    }),
                    party_size: covers,
                    practitioner: clinic.then(|| current.practitioner.clone()),
                    start: Some(start.clone()),
                    ..Booking::default()
                };
                let sealed = plaintext.to_plaintext();
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
                let request = BlockRequest {
                    envelope,
                    start,
                    end,
                    covers: if clinic { None } else { covers },
                    practitioner: clinic.then_some(current.practitioner),
                    squeeze_in: current.squeeze_in,
                };
                let answer = calls.api().create_block(&request).await;
                busy.set(false);
                match answer {
                    Ok(stored) => on_created.emit(stored.id.into()),
                    Err(failure) if failure.is_logged_out() => return Err(failure),
                    Err(failure) => {
                        error.set(Some(block_error(lang, &failure)));
                        focus("sb-block-from");
                    }
                }
                Ok(())
            });
        })
    };
    let cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_| on_cancel.emit(()))
    };
    let described = error.as_ref().map(|_| "sb-block-error");
    let invalid = error.as_ref().map(|_| "true");

    html! {
        <section aria-labelledby="sb-heading">
            <p><button id="sb-back" class="sb-link" type="button" onclick={cancel.clone()}>{ "← " }{ t(lang, Text::Back) }</button></p>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::BlockTime) }</h1>
            <p class="sb-muted">{ t(lang, Text::BlockExplain) }</p>
            <ErrorBox message={calls.error()} />
            <form id="sb-block-form" {onsubmit} novalidate=true>
                <p class="sb-field">
                    <label for="sb-block-date">{ t(lang, Text::Date) }</label>
                    <input id="sb-block-date" class="sb-input sb-narrow" type="date" value={form.date.clone()}
                        onchange={changed(|form, value| form.date = value)} />
                </p>
                <p class="sb-field">
                    <label for="sb-block-from">{ t(lang, Text::BlockFrom) }</label>
                    <input id="sb-block-from" class="sb-input sb-narrow" type="time" value={form.from.clone()}
                        oninput={input(|form, value| form.from = value)}
                        aria-invalid={invalid} aria-describedby={described} />
                    if let Some(text) = &*error {
                        <span class="sb-error-text" id="sb-block-error">{ text.clone() }</span>
                    }
                </p>
                <p class="sb-field">
                    <label for="sb-block-to">{ t(lang, Text::BlockTo) }</label>
                    <input id="sb-block-to" class="sb-input sb-narrow" type="time" value={form.to.clone()}
                        oninput={input(|form, value| form.to = value)} />
                </p>
                if profile_now.kind == Kind::Clinic {
                    <p class="sb-field">
                        <label for="sb-block-practitioner">{ t(lang, Text::Practitioner) }</label>
                        <select id="sb-block-practitioner" class="sb-input" onchange={changed(|form, value| form.practitioner = value)}>
                            { for profile_now.practitioners.iter().map(|who| html! {
                                <option value={who.id.clone()} selected={form.practitioner == who.id}>{ who.name.clone() }</option>
                            }) }
                        </select>
                    </p>
                } else {
                    <p class="sb-field">
                        <label for="sb-block-covers">{ t(lang, Text::BlockCoversLabel) }</label>
                        <input id="sb-block-covers" class="sb-input sb-narrow" type="number" min="1" value={form.covers.clone()}
                            oninput={input(|form, value| form.covers = value)} />
                    </p>
                }
                <p class="sb-field">
                    <label for="sb-block-label">{ t(lang, Text::BlockLabelField) }</label>
                    <input id="sb-block-label" class="sb-input" type="text" autocomplete="off" value={form.label.clone()}
                        oninput={input(|form, value| form.label = value)} />
                </p>
                if props.staff.may_squeeze_in() {
                    <p class="sb-field">
                        <input id="sb-block-squeeze" type="checkbox" checked={form.squeeze_in} onchange={on_squeeze} />
                        { " " }<label for="sb-block-squeeze">{ t(lang, Text::BlockSqueeze) }</label>
                    </p>
                }
                <p class="sb-actions">
                    <button id="sb-block-save" class="sb-submit" type="submit" disabled={*busy}>
                        { if *busy { t(lang, Text::Working) } else { t(lang, Text::BlockTime) } }</button>
                    <button class="sb-secondary" type="button" onclick={cancel}>{ t(lang, Text::Cancel) }</button>
                </p>
            </form>
        </section>
    }
}
