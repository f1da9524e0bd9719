//! One booking, opened on this device: every field it carries, its status
//! (confirmed, arrived, no-show, cancelled), erasure after a confirmation, and
//! the consent record its consent id points to.

use sealbook_wire::api::inbox::ConsentView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::booking::{Row, Sealed, status_text};
use crate::i18n::{Lang, Text, t};
use crate::keyring::{Keyring, ReadError};
use crate::timing;
use crate::ui::{ErrorBox, api_error_text, focus};

#[derive(Clone, Debug, PartialEq)]
enum State {
    Loading,
    Ready(Row),
    Erased,
    Failed(ApiError),
}

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub lang: Lang,
    pub api: Api,
    pub keyring: Keyring,
    pub id: AttrValue,
    pub on_back: Callback<()>,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(Detail)]
pub fn detail(props: &DetailProps) -> Html {
    let lang = props.lang;
    let state = use_state(|| State::Loading);
    let consent = use_state(|| None::<Vec<ConsentView>>);
    let confirming = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| None::<AttrValue>);

    {
        let (state, consent) = (state.clone(), consent.clone());
        let (api, keyring, on_logged_out) = (
            props.api.clone(),
            props.keyring.clone(),
            props.on_logged_out.clone(),
        );
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            spawn_local(async move {
                let stored = match api.booking(&id).await {
                    Ok(stored) => stored,
                    Err(error) if error.is_logged_out() => return on_logged_out.emit(error),
                    Err(error) => return state.set(State::Failed(error)),
                };
                let mut row = Row::new(stored);
                let envelope = row.stored.envelope.clone();
                row.sealed = match timing::measured("sealbook:open", keyring.read(&envelope)).await
                {
                    Ok(booking) => Sealed::Opened(booking),
                    Err(error) => Sealed::Failed(error),
                };
                let consent_id = row.consent_id();
                state.set(State::Ready(row));
                focus("sb-heading");
                if let Some(consent_id) = consent_id
                    && let Ok(records) = api.consent_records(&consent_id).await
                {
                    consent.set(Some(records));
                }
            });
        });
    }

    let back = {
        let on_back = props.on_back.clone();
        Callback::from(move |_| on_back.emit(()))
    };
    let row = match &*state {
        State::Loading => return html! { <p class="sb-muted">{ t(lang, Text::Loading) }</p> },
        State::Failed(failure) => {
            return html! {
                <section>
                    <ErrorBox message={Some(AttrValue::from(api_error_text(lang, failure)))} />
                    <button class="sb-secondary" type="button" onclick={back}>{ t(lang, Text::Back) }</button>
                </section>
            };
        }
        State::Erased => {
            return html! {
                <section>
                    <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::Erased) }</h1>
                    <button id="sb-back" class="sb-secondary" type="button" onclick={back}>{ t(lang, Text::Back) }</button>
                </section>
            };
        }
        State::Ready(row) => row.clone(),
    };

    let set_status = |status: &'static str| {
        let (api, state, busy, error) = (
            props.api.clone(),
            state.clone(),
            busy.clone(),
            error.clone(),
        );
        let (row, on_logged_out) = (row.clone(), props.on_logged_out.clone());
        Callback::from(move |_| {
            busy.set(true);
            let (api, state, busy, error, row, on_logged_out) = (
                api.clone(),
                state.clone(),
                busy.clone(),
                error.clone(),
                row.clone(),
                on_logged_out.clone(),
            );
            spawn_local(async move {
                match api.set_status(&row.stored.id, status).await {
                    Ok(stored) => {
                        let mut updated = row;
                        updated.stored.status = stored.status;
                        state.set(State::Ready(updated));
                        error.set(None);
                    }
                    Err(failure) if failure.is_logged_out() => on_logged_out.emit(failure),
                    Err(failure) => error.set(Some(api_error_text(lang, &failure).into())),
                }
                busy.set(false);
            });
        })
    };
    let erase = {
        let (api, state, busy, error) = (
            props.api.clone(),
            state.clone(),
            busy.clone(),
            error.clone(),
        );
        let (id, on_logged_out) = (row.stored.id.clone(), props.on_logged_out.clone());
        Callback::from(move |_| {
            busy.set(true);
            let (api, state, busy, error, id, on_logged_out) = (
                api.clone(),
                state.clone(),
                busy.clone(),
                error.clone(),
                id.clone(),
                on_logged_out.clone(),
            );
            spawn_local(async move {
                match api.erase(&id).await {
                    Ok(()) => {
                        state.set(State::Erased);
                        focus("sb-heading");
                    }
                    Err(failure) if failure.is_logged_out() => on_logged_out.emit(failure),
                    Err(failure) => error.set(Some(api_error_text(lang, &failure).into())),
                }
                busy.set(false);
            });
        })
    };
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_| {
            confirming.set(true);
            focus("sb-erase-question");
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(false))
    };

    let status = row.stored.status.as_str();
    let sealed_note = match &row.sealed {
        Sealed::Opened(_) => t(lang, Text::Decrypted),
        Sealed::Failed(ReadError::NoKey) => t(lang, Text::NotForYourKeys),
        Sealed::Failed(ReadError::Damaged) => t(lang, Text::Damaged),
        Sealed::Pending => t(lang, Text::Loading),
    };
    let mut facts = vec![
        (t(lang, Text::Time), format!("{} {}", row.day(), row.time())),
        (t(lang, Text::What), row.what(lang)),
    ];
    if let Some(practitioner) = &row.stored.practitioner {
        facts.push((t(lang, Text::Practitioner), practitioner.clone()));
    }
    facts.push((t(lang, Text::Status), status_text(lang, status).to_owned()));
    facts.extend(row.details(lang));
    facts.push((t(lang, Text::Reference), row.stored.id.clone()));
    facts.push((t(lang, Text::Received), row.stored.created_at.clone()));

    html! {
        <section aria-labelledby="sb-heading">
            <p><button id="sb-back" class="sb-link" type="button" onclick={back}>{ "← " }{ t(lang, Text::Back) }</button></p>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::BookingHeading) }{ " " }{ row.name() }</h1>
            <p class="sb-muted">{ sealed_note }</p>
            <ErrorBox message={(*error).clone()} />
            <dl class="sb-facts" id="sb-facts">
                { for facts.into_iter().map(|(label, value)| html! {
                    <div class="sb-row"><dt>{ label }</dt><dd>{ value }</dd></div>
                }) }
            </dl>
            <div class="sb-actions">
                if status != "arrived" {
                    <button id="sb-arrived" class="sb-secondary" type="button" disabled={*busy}
                        onclick={set_status("arrived")}>{ t(lang, Text::MarkArrived) }</button>
                }
                if status != "no_show" {
                    <button id="sb-no-show" class="sb-secondary" type="button" disabled={*busy}
                        onclick={set_status("no_show")}>{ t(lang, Text::MarkNoShow) }</button>
                }
                if status != "confirmed" && status != "cancelled" {
                    <button id="sb-confirmed" class="sb-secondary" type="button" disabled={*busy}
                        onclick={set_status("confirmed")}>{ t(lang, Text::MarkConfirmed) }</button>
                }
                if status != "cancelled" {
                    <button id="sb-cancel" class="sb-secondary sb-danger" type="button" disabled={*busy}
                        onclick={set_status("cancelled")}>{ t(lang, Text::CancelBooking) }</button>
                }
                <button id="sb-erase" class="sb-secondary sb-danger" type="button" disabled={*busy}
                    onclick={ask}>{ t(lang, Text::Erase) }</button>
            </div>
            if *confirming {
                <div class="sb-confirm" role="group" aria-labelledby="sb-erase-question">
                    <p id="sb-erase-question" tabindex="-1">{ t(lang, Text::EraseQuestion) }</p>
                    <div class="sb-actions">
                        <button id="sb-erase-yes" class="sb-submit sb-danger" type="button" disabled={*busy}
                            onclick={erase}>{ t(lang, Text::EraseYes) }</button>
                        <button id="sb-erase-no" class="sb-secondary" type="button" onclick={keep}>{ t(lang, Text::Keep) }</button>
                    </div>
                </div>
            }
            if let Some(consent_id) = row.consent_id() {
                <section aria-labelledby="sb-consent-heading" id="sb-consent">
                    <h2 id="sb-consent-heading">{ t(lang, Text::ConsentHeading) }</h2>
                    <p class="sb-muted"><code>{ consent_id }</code></p>
                    { view_consent(lang, consent.as_deref()) }
                </section>
            }
        </section>
    }
}

fn view_consent(lang: Lang, records: Option<&[ConsentView]>) -> Html {
    match records {
        None => html! { <p class="sb-muted">{ t(lang, Text::Loading) }</p> },
        Some([]) => html! { <p class="sb-muted">{ t(lang, Text::ConsentNone) }</p> },
        Some(records) => html! {
            <ul class="sb-consent-records">
                { for records.iter().map(|record| html! {
                    <li>
                        { record.recorded_at.clone() }{ " — " }
                        { t(lang, Text::Action) }{ ": " }{ record.action.clone() }{ "; " }
                        { t(lang, Text::Granted) }{ ": " }{ record.granted.join(", ") }{ "; " }
                        { t(lang, Text::Refused) }{ ": " }{ record.refused.join(", ") }
                        { " (" }{ record.notice_version.clone() }{ ", " }{ record.language.clone() }{ ")" }
                    </li>
                }) }
            </ul>
        },
    }
}
