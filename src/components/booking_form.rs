//! The booking form: name, one contact, party size, date and time.

use yew::prelude::*;

use super::contact_kind_select::ContactKindSelect;
use super::failure_notice::FailureNotice;
use super::progress::Progress;
use super::text_field::TextField;
use crate::form::{ContactKind, Field, NAME_MAX, PARTY_MAX, PARTY_MIN};
use crate::i18n::{Lang, Text, t};
use crate::state::{Action, FormState, Step};

#[derive(Properties, PartialEq)]
pub struct BookingFormProps {
    pub lang: Lang,
    pub state: UseReducerHandle<FormState>,
    pub onsubmit: Callback<()>,
    pub form_ref: NodeRef,
    pub error_ref: NodeRef,
    /// Today in the visitor's time zone (the date input's `min`).
    pub today: AttrValue,
}

#[function_component(BookingForm)]
pub fn booking_form(props: &BookingFormProps) -> Html {
    let lang = props.lang;
    let state = &props.state;
    let busy = state.step.is_busy();
    let draft = &state.draft;
    let error = |field| state.error_for(field).map(|e| t(lang, e.text));
    let onedit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(field, value)| dispatcher.dispatch(Action::Edit(field, value)))
    };
    let oncontactkind = {
        let dispatcher = state.dispatcher();
        Callback::from(move |kind| dispatcher.dispatch(Action::SetContactKind(kind)))
    };
    let onsubmit = props
        .onsubmit
        .reform(|event: SubmitEvent| event.prevent_default());
    let (contact_label, contact_type, contact_autocomplete, contact_inputmode) =
        match draft.contact_kind {
            ContactKind::Phone => (Text::PhoneLabel, "tel", "tel", "tel"),
            ContactKind::Email => (Text::EmailLabel, "email", "email", "email"),
        };

    html! {
        <form
            class="sb-form"
            novalidate=true
            ref={props.form_ref.clone()}
            {onsubmit}
        >
            if !state.errors.is_empty() {
                <p class="sb-summary" role="alert">{ t(lang, Text::FixFields) }</p>
            }
            <TextField
                field={Field::Name}
                label={t(lang, Text::NameLabel)}
                hint={t(lang, Text::NameHint)}
                kind="text"
                value={draft.name.clone()}
                error={error(Field::Name)}
                autocomplete="name"
                maxlength={NAME_MAX.to_string()}
                readonly={busy}
                onedit={onedit.clone()}
            />
            <ContactKindSelect
                {lang}
                value={draft.contact_kind}
                disabled={busy}
                onchange={oncontactkind}
            />
            <TextField
                field={Field::Contact}
                label={t(lang, contact_label)}
                hint={t(lang, Text::ContactHint)}
                kind={contact_type}
                value={draft.contact.clone()}
                error={error(Field::Contact)}
                autocomplete={contact_autocomplete}
                inputmode={contact_inputmode}
                readonly={busy}
                onedit={onedit.clone()}
            />
            <TextField
                field={Field::Party}
                label={t(lang, Text::PartyLabel)}
                kind="number"
                value={draft.party.clone()}
                error={error(Field::Party)}
                inputmode="numeric"
                min={PARTY_MIN.to_string()}
                max={PARTY_MAX.to_string()}
                readonly={busy}
                onedit={onedit.clone()}
            />
            <div class="sb-row">
                <TextField
                    field={Field::Date}
                    label={t(lang, Text::DateLabel)}
                    kind="date"
                    value={draft.date.clone()}
                    error={error(Field::Date)}
                    min={props.today.clone()}
                    readonly={busy}
                    onedit={onedit.clone()}
                />
                <TextField
                    field={Field::Time}
                    label={t(lang, Text::TimeLabel)}
                    kind="time"
                    value={draft.time.clone()}
                    error={error(Field::Time)}
                    readonly={busy}
                    {onedit}
                />
            </div>
            if let Step::Failed(failure) = &state.step {
                <FailureNotice {lang} failure={failure.clone()} node_ref={props.error_ref.clone()} />
            }
            <button class="sb-submit" id="sb-submit" type="submit" disabled={busy}>
                { t(lang, Text::Submit) }
            </button>
            <Progress {lang} step={state.step.clone()} />
        </form>
    }
}
