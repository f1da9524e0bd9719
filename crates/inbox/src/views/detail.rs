//! One booking, opened on this device: every field it carries, its status
//! (confirmed, cancelled) and its attendance mark (arrived, no-show, cancelled
//! late) side by side, erasure after a confirmation, and the consent record its
//! consent id points to.

use sealbook_wire::api::auth::StaffView;
use sealbook_wire::api::inbox::{Attendance, ConsentView, StaffBooking};
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::booking::{Row, Sealed, attendance_text, status_text};
use crate::hooks::{unless_logged_out, use_calls};
use crate::i18n::{Lang, Text, t};
use crate::keyring::{Keyring, ReadError};
use crate::timing;
use crate::ui::{ErrorBox, api_error_text, focus};
use crate::views::move_booking::{CallsProp, MoveForm};

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
    pub staff: StaffView,
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
    let moving = use_state(|| false);
    let moved = use_state(|| false);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);

    {
        let (calls, state, consent) = (calls.clone(), state.clone(), consent.clone());
        let keyring = props.keyring.clone();
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            calls.spawn(async move |calls| {
                let stored = match calls.api().booking(&id).await {
                    Ok(stored) => stored,
                    Err(failure) => {
                        state.set(State::Failed(unless_logged_out(failure)?));
                        return Ok(());
                    }
                };
                let mut row = Row::new(stored);
                let envelope = row.stored.envelope.clone();
                row.sealed = match timing::measured("sealbook:open", keyring.read(&envelope)).await
                {
                    Ok(booking) => Sealed::Opened(Box::new(booking)),
                    Err(error) => Sealed::Failed(error),
                };
                let consent_id = row.consent_id();
                state.set(State::Ready(row));
                focus("sb-heading");
                if let Some(consent_id) = consent_id
                    && let Ok(records) = calls.api().consent_records(&consent_id).await
                {
                    consent.set(Some(records));
                }
                Ok(())
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

    // A status or a mark changed: the server's answer replaces what is shown.
    let change = |action: Action| {
        let (calls, state, busy, row) = (calls.clone(), state.clone(), busy.clone(), row.clone());
        Callback::from(move |_| {
            busy.set(true);
            let (state, busy, row) = (state.clone(), busy.clone(), row.clone());
            calls.spawn(async move |calls| {
                let answer = action.send(calls.api(), &row.stored.id).await;
                busy.set(false);
                let answer = answer?;
                let mut updated = row;
                updated.stored.status = answer.status;
                updated.stored.attendance = answer.attendance;
                updated.stored.needs_attention = answer.needs_attention;
                state.set(State::Ready(updated));
                calls.clear();
                // The button pressed may be gone: the facts, now updated, come next.
                focus("sb-facts");
                Ok(())
            });
        })
    };
    let erase = {
        let (calls, state, busy) = (calls.clone(), state.clone(), busy.clone());
        let id = row.stored.id.clone();
        Callback::from(move |_| {
            busy.set(true);
            let (state, busy, id) = (state.clone(), busy.clone(), id.clone());
            calls.spawn(async move |calls| {
                let answer = calls.api().erase(&id).await;
                busy.set(false);
                answer?;
                state.set(State::Erased);
                focus("sb-heading");
                Ok(())
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
    let start_move = {
        let (moving, moved) = (moving.clone(), moved.clone());
        Callback::from(move |_| {
            moved.set(false);
            moving.set(true);
        })
    };
    let stop_move = {
        let moving = moving.clone();
        Callback::from(move |()| {
            moving.set(false);
            focus("sb-move");
        })
    };
    let on_moved = {
        let (state, moving, moved, row, calls) = (
            state.clone(),
            moving.clone(),
            moved.clone(),
            row.clone(),
            calls.clone(),
        );
        Callback::from(move |stored: StaffBooking| {
            let mut updated = row.clone();
            // What is sealed did not change; the time (and practitioner) did.
            updated.stored = StaffBooking {
                envelope: updated.stored.envelope.clone(),
                ..stored
            };
            state.set(State::Ready(updated));
            moving.set(false);
            moved.set(true);
            calls.clear();
            focus("sb-moved");
        })
    };

    let status = row.stored.status.as_str();
    let attendance = row.stored.attendance;
    let confirmed = status == "confirmed";
    let staff_mark = matches!(attendance, Some(Attendance::Arrived | Attendance::NoShow));
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
    if attendance.is_some() {
        facts.push((
            t(lang, Text::Attendance),
            attendance_text(lang, attendance).to_owned(),
        ));
    }
    if row.stored.needs_attention {
        facts.push((
            t(lang, Text::NeedsAttention),
            t(lang, Text::NeedsAttentionWhy).to_owned(),
        ));
    }
    facts.extend(row.details(lang));
    facts.push((t(lang, Text::Reference), row.stored.id.clone()));
    facts.push((t(lang, Text::Received), row.stored.created_at.clone()));

    html! {
        <section aria-labelledby="sb-heading">
            <p><button id="sb-back" class="sb-link" type="button" onclick={back}>{ "← " }{ t(lang, Text::Back) }</button></p>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::BookingHeading) }{ " " }{ row.name() }</h1>
            <p class="sb-muted">{ sealed_note }</p>
            <ErrorBox message={calls.error()} />
            <dl class="sb-facts" id="sb-facts" tabindex="-1">
                { for facts.into_iter().map(|(label, value)| html! {
                    <div class="sb-row"><dt>{ label }</dt><dd>{ value }</dd></div>
                }) }
            </dl>
            <div class="sb-actions">
                if confirmed && attendance != Some(Attendance::Arrived) {
                    <button id="sb-arrived" class="sb-secondary" type="button" disabled={*busy}
                        onclick={change(Action::Mark(Some(Attendance::Arrived)))}>{ t(lang, Text::MarkArrived) }</button>
                }
                if confirmed && attendance != Some(Attendance::NoShow) {
                    <button id="sb-no-show" class="sb-secondary" type="button" disabled={*busy}
                        onclick={change(Action::Mark(Some(Attendance::NoShow)))}>{ t(lang, Text::MarkNoShow) }</button>
                }
                if staff_mark {
                    <button id="sb-clear-mark" class="sb-secondary" type="button" disabled={*busy}
                        onclick={change(Action::Mark(None))}>{ t(lang, Text::ClearMark) }</button>
                }
                if row.stored.needs_attention {
                    <button id="sb-clear-attention" class="sb-secondary" type="button" disabled={*busy}
                        onclick={change(Action::ClearAttention)}>{ t(lang, Text::ClearAttention) }</button>
                }
                if confirmed {
                    <button id="sb-move" class="sb-secondary" type="button" disabled={*busy || *moving}
                        onclick={start_move}>{ t(lang, Text::MoveBooking) }</button>
                }
                if confirmed {
                    <button id="sb-cancel" class="sb-secondary sb-danger" type="button" disabled={*busy}
                        onclick={change(Action::Cancel)}>{ t(lang, Text::CancelBooking) }</button>
                }
                <button id="sb-erase" class="sb-secondary sb-danger" type="button" disabled={*busy}
                    onclick={ask}>{ t(lang, Text::Erase) }</button>
            </div>
            if *moving {
                <MoveForm {lang} staff={props.staff.clone()} booking={row.stored.clone()}
                    calls={CallsProp(calls.clone())} {on_moved} on_cancel={stop_move} />
            }
            if *moved {
                <p class="sb-result" id="sb-moved" tabindex="-1" role="status">{ t(lang, Text::BookingMoved) }</p>
            }
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

/// What a button asks of the server.
#[derive(Clone, Copy)]
enum Action {
    Cancel,
    Mark(Option<Attendance>),
    /// The visitor was called about a schedule change.
    ClearAttention,
}

impl Action {
    async fn send(self, api: &Api, id: &str) -> Result<StaffBooking, ApiError> {
        match self {
            Self::Cancel => api.cancel(id).await,
            Self::Mark(mark) => api.set_attendance(id, mark).await,
            Self::ClearAttention => {
                api.clear_attention(id).await?;
                api.booking(id).await
            }
        }
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
                        if !record.services.is_empty() {
                            { "; " }{ t(lang, Text::ServicesAllowed) }{ ": " }{ record.services.join(", ") }
                        }
                        { " (" }{ record.notice_version.clone() }{ ", " }{ record.language.clone() }{ ")" }
                    </li>
                }) }
            </ul>
        },
    }
}
