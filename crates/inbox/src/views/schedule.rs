//! The owner's schedule: weekly hours, closures (with a note for visitors),
//! exceptional days, booking rules, and the tables (restaurant) or services and
//! practitioners' absences (clinic). A change is checked by the server first:
//! each problem is shown beside its field, and the bookings the change no
//! longer fits are opened on this device, name and contact, so the owner can
//! call them before saving; saved, they stay booked and are marked.

use std::collections::BTreeMap;
use std::rc::Rc;

use sealbook_wire::api::localized::Localized;
use sealbook_wire::api::schedule::{
    Closure, ExceptionalDay, FieldProblem, ScheduleChange, ScheduleSettings, ScheduleView,
};
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::booking::Row;
use crate::hooks::use_calls;
use crate::i18n::{Lang, OTHER_VISITOR_LANGUAGES, Text, in_language, t};
use crate::keyring::Keyring;
use crate::ui::{ErrorBox, focus, value_of};

use super::clinic_schedule;
use super::schedule_form::{
    ChangeList, Form, SetField, WeekOf, input_id, number, periods_of, periods_text, problem_text,
};

/// Where the change stands.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Editing,
    /// Checked: the bookings it no longer fits, opened here where they can be.
    Checked(Vec<Row>),
    Saved,
}

#[derive(Properties, PartialEq)]
pub struct ScheduleProps {
    pub lang: Lang,
    pub api: Api,
    pub keyring: Keyring,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(SchedulePage)]
pub fn schedule_page(props: &ScheduleProps) -> Html {
    let lang = props.lang;
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    let loaded = use_state(|| None::<ScheduleView>);
    let draft = use_state(|| None::<ScheduleSettings>);
    let problems = use_state(Vec::<FieldProblem>::new);
    let step = use_state(|| Step::Editing);
    let busy = use_state(|| false);

    let reload = {
        let (calls, loaded, draft) = (calls.clone(), loaded.clone(), draft.clone());
        Callback::from(move |()| {
            let (loaded, draft) = (loaded.clone(), draft.clone());
            calls.spawn(async move |calls| {
                let view = calls.api().schedule().await?;
                draft.set(Some(view.settings.clone()));
                loaded.set(Some(view));
                Ok(())
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |()| reload.emit(()));
    }

    let (Some(view), Some(settings)) = ((*loaded).clone(), (*draft).clone()) else {
        return html! {
            <section aria-labelledby="sb-heading">
                <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::Schedule) }</h1>
                <ErrorBox message={calls.error()} />
                <p class="sb-muted">{ t(lang, Text::Loading) }</p>
            </section>
        };
    };

    // Every edit goes back to editing: a change is checked as it will be saved.
    let edit = |apply: SetField| {
        let (draft, step, problems) = (draft.clone(), step.clone(), problems.clone());
        Callback::from(move |event: InputEvent| {
            let value = value_of(&event);
            if let Some(mut next) = (*draft).clone() {
                apply(&mut next, value);
                draft.set(Some(next));
                step.set(Step::Editing);
                problems.set(Vec::new());
            }
        })
    };
    let change_list = |apply: ChangeList| {
        let (draft, step) = (draft.clone(), step.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(mut next) = (*draft).clone() {
                apply(&mut next);
                draft.set(Some(next));
                step.set(Step::Editing);
            }
        })
    };
    let problem_of = |id: &str| -> Option<&'static str> {
        problems
            .iter()
            .find(|problem| input_id(&problem.field) == id)
            .map(|problem| problem_text(lang, &problem.code))
    };
    // A labelled input with its problem below it, tied by aria-describedby.
    let input = |id: String,
                 label: String,
                 kind: &'static str,
                 value: String,
                 oninput: Callback<InputEvent>| {
        let problem = problem_of(&id);
        let described = format!("{id}-problem");
        html! {
            <p class="sb-field">
                <label for={id.clone()}>{ label }</label>
                <input id={id.clone()} class="sb-input" type={kind} {value} {oninput}
                    aria-invalid={problem.map(|_| "true")}
                    aria-describedby={problem.map(|_| described.clone())} />
                if let Some(problem) = problem {
                    <span id={described} class="sb-error-text">{ problem }</span>
                }
            </p>
        }
    };

    let on_check = {
        let (calls, view, draft, problems, step, busy) = (
            calls.clone(),
            view.clone(),
            draft.clone(),
            problems.clone(),
            step.clone(),
            busy.clone(),
        );
        let keyring = props.keyring.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(settings) = (*draft).clone() else {
                return;
            };
            let change = ScheduleChange {
                revision: view.revision,
                settings,
                confirmed: Vec::new(),
            };
            let (problems, step, busy, keyring) = (
                problems.clone(),
                step.clone(),
                busy.clone(),
                keyring.clone(),
            );
            busy.set(true);
            calls.clear();
            calls.spawn(async move |calls| {
                let preview = calls.api().preview_schedule(&change).await;
                busy.set(false);
                let preview = match preview? {
                    Ok(preview) => preview,
                    Err(found) => {
                        if let Some(first) = found.first() {
                            focus(&input_id(&first.field));
                        }
                        problems.set(found);
                        calls.show(t(lang, Text::ScheduleProblems));
                        return Ok(());
                    }
                };
                let mut rows = Vec::with_capacity(preview.affected.len());
                for stored in preview.affected {
                    let mut row = Row::new(stored);
                    if let Ok(booking) = keyring.read(&row.stored.envelope).await {
                        row.sealed = crate::booking::Sealed::Opened(Box::new(booking));
                    }
                    rows.push(row);
                }
                step.set(Step::Checked(rows));
                focus("sb-schedule-result");
                Ok(())
            });
        })
    };
    let on_save = {
        let (calls, view, draft, step, busy, reload) = (
            calls.clone(),
            view.clone(),
            draft.clone(),
            step.clone(),
            busy.clone(),
            reload.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (Some(settings), Step::Checked(rows)) = ((*draft).clone(), (*step).clone()) else {
                return;
            };
            let change = ScheduleChange {
                revision: view.revision,
                settings,
                confirmed: rows.iter().map(|row| row.stored.id.clone()).collect(),
            };
            let (step, busy, reload) = (step.clone(), busy.clone(), reload.clone());
            busy.set(true);
            calls.spawn(async move |calls| {
                let saved = calls.api().save_schedule(&change).await;
                busy.set(false);
                match saved {
                    Ok(_) => {
                        step.set(Step::Saved);
                        reload.emit(());
                        focus("sb-schedule-result");
                        Ok(())
                    }
                    Err(failure)
                        if matches!(
                            failure.code(),
                            "schedule_changed" | "unconfirmed_bookings"
                        ) =>
                    {
                        calls.show(t(lang, Text::ScheduleStale));
                        step.set(Step::Editing);
                        reload.emit(());
                        Ok(())
                    }
                    Err(failure) => Err(failure),
                }
            });
        })
    };

    let form = Form {
        lang,
        edit: &edit,
        change_list: &change_list,
        input: &input,
        problem_of: &problem_of,
    };
    let business_week: WeekOf =
        Rc::new(|settings: &mut ScheduleSettings| Some(&mut settings.hours));
    let weekly = form.week("hours", &settings.hours, &business_week);

    let closures = settings.closures.iter().enumerate().map(|(index, closure)| {
        let note = |code: &'static str| {
            closure
                .note
                .as_ref()
                .and_then(|note| note.0.get(code).cloned())
                .unwrap_or_default()
        };
        let set_note = |code: &'static str| {
            edit(Rc::new(move |settings: &mut ScheduleSettings, value: String| {
                if let Some(closure) = settings.closures.get_mut(index) {
                    let note = closure.note.get_or_insert_with(|| Localized(BTreeMap::new()));
                    if value.trim().is_empty() {
                        note.0.remove(code);
                    } else {
                        note.0.insert(code.to_owned(), value);
                    }
                    if note.0.is_empty() {
                        closure.note = None;
                    }
                }
            }))
        };
        let from = edit(Rc::new(move |settings: &mut ScheduleSettings, value: String| {
            if let Some(closure) = settings.closures.get_mut(index) {
                closure.from = value;
            }
        }));
        let to = edit(Rc::new(move |settings: &mut ScheduleSettings, value: String| {
            if let Some(closure) = settings.closures.get_mut(index) {
                closure.to = value;
            }
        }));
        let remove = change_list(Rc::new(move |settings: &mut ScheduleSettings| {
            if index < settings.closures.len() {
                settings.closures.remove(index);
            }
        }));
        let other_notes = OTHER_VISITOR_LANGUAGES.iter().map(|(code, language)| {
            input(
                format!("sb-s-closures-{index}-note-{code}"),
                in_language(lang, Text::NoteIn, *language),
                "text",
                note(code),
                set_note(code),
            )
        });
        // Open when one of them is written, so nothing given is hidden.
        let others_given = OTHER_VISITOR_LANGUAGES
            .iter()
            .any(|(code, _)| !note(code).is_empty());
        html! {
            <fieldset class="sb-group" key={index}>
                <legend>{ format!("{} {}", t(lang, Text::Closures), index + 1) }</legend>
                { input(input_id(&format!("closures[{index}].from")), t(lang, Text::FromDate).to_owned(), "date", closure.from.clone(), from) }
                { input(input_id(&format!("closures[{index}].to")), t(lang, Text::ToDate).to_owned(), "date", closure.to.clone(), to) }
                { input(format!("sb-s-closures-{index}-note-fr"), t(lang, Text::NoteFr).to_owned(), "text", note("fr"), set_note("fr")) }
                { input(format!("sb-s-closures-{index}-note-de"), t(lang, Text::NoteDe).to_owned(), "text", note("de"), set_note("de")) }
                { input(format!("sb-s-closures-{index}-note-en"), t(lang, Text::NoteEn).to_owned(), "text", note("en"), set_note("en")) }
                <details class="sb-languages" open={others_given}>
                    <summary>{ t(lang, Text::OtherLanguages) }</summary>
                    { for other_notes }
                </details>
                <button class="sb-secondary sb-danger" type="button" onclick={remove}>{ t(lang, Text::Remove) }</button>
            </fieldset>
        }
    });
    let today = crate::timing::today().iso();
    let add_closure = {
        let today = today.clone();
        change_list(Rc::new(move |settings: &mut ScheduleSettings| {
            settings.closures.push(Closure {
                from: today.clone(),
                to: today.clone(),
                note: None,
            });
        }))
    };

    let exceptions = settings.exceptions.iter().enumerate().map(|(index, day)| {
        let date = edit(Rc::new(move |settings: &mut ScheduleSettings, value: String| {
            if let Some(day) = settings.exceptions.get_mut(index) {
                day.date = value;
            }
        }));
        let hours = edit(Rc::new(move |settings: &mut ScheduleSettings, value: String| {
            if let Some(day) = settings.exceptions.get_mut(index) {
                day.hours = periods_of(&value);
            }
        }));
        let remove = change_list(Rc::new(move |settings: &mut ScheduleSettings| {
            if index < settings.exceptions.len() {
                settings.exceptions.remove(index);
            }
        }));
        html! {
            <fieldset class="sb-group" key={index}>
                <legend>{ format!("{} {}", t(lang, Text::ExceptionalDays), index + 1) }</legend>
                { input(input_id(&format!("exceptions[{index}].date")), t(lang, Text::Date).to_owned(), "date", day.date.clone(), date) }
                { input(input_id(&format!("exceptions[{index}].hours[0]")), t(lang, Text::Hours).to_owned(), "text", periods_text(&day.hours), hours) }
                <button class="sb-secondary sb-danger" type="button" onclick={remove}>{ t(lang, Text::Remove) }</button>
            </fieldset>
        }
    });
    let add_exception = change_list(Rc::new(move |settings: &mut ScheduleSettings| {
        settings.exceptions.push(ExceptionalDay {
            date: today.clone(),
            hours: Vec::new(),
        });
    }));

    let numeric =
        |field: &'static str, label: Text, value: u32, apply: fn(&mut ScheduleSettings, u32)| {
            let oninput = edit(Rc::new(
                move |settings: &mut ScheduleSettings, value: String| {
                    apply(settings, number(&value));
                },
            ));
            input(
                input_id(field),
                t(lang, label).to_owned(),
                "number",
                value.to_string(),
                oninput,
            )
        };
    let rules = html! {
        <>
            { numeric("slot_interval_minutes", Text::SlotInterval, settings.slot_interval_minutes, |s, v| s.slot_interval_minutes = v) }
            { numeric("min_lead_minutes", Text::LeadMinutes, settings.min_lead_minutes, |s, v| s.min_lead_minutes = v) }
            { numeric("horizon_days", Text::HorizonDays, settings.horizon_days, |s, v| s.horizon_days = v) }
        </>
    };
    let offer = match &settings.seating {
        Some(seating) => html! {
            <fieldset class="sb-group">
                <legend>{ t(lang, Text::Seating) }</legend>
                { numeric("seating.covers", Text::Covers, seating.covers, |s, v| { if let Some(x) = s.seating.as_mut() { x.covers = v; } }) }
                { numeric("seating.max_party_size", Text::MaxParty, seating.max_party_size, |s, v| { if let Some(x) = s.seating.as_mut() { x.max_party_size = v; } }) }
                { numeric("seating.turn_minutes", Text::TurnMinutes, seating.turn_minutes, |s, v| { if let Some(x) = s.seating.as_mut() { x.turn_minutes = v; } }) }
            </fieldset>
        },
        None => clinic_schedule::sections(&form, &settings, &view.settings),
    };

    let result = match &*step {
        Step::Editing => html! {},
        Step::Saved => html! {
            <p id="sb-schedule-result" class="sb-result" tabindex="-1" role="status">{ t(lang, Text::ScheduleSaved) }</p>
        },
        Step::Checked(rows) if rows.is_empty() => html! {
            <div id="sb-schedule-result" class="sb-result" tabindex="-1">
                <p>{ t(lang, Text::NothingAffected) }</p>
                <button id="sb-schedule-save" class="sb-submit" type="button" onclick={on_save.clone()}
                    disabled={*busy}>{ t(lang, Text::SaveSchedule) }</button>
            </div>
        },
        Step::Checked(rows) => html! {
            <div id="sb-schedule-result" class="sb-confirm" tabindex="-1">
                <p>{ t(lang, Text::AffectedBookings) }</p>
                <table class="sb-table" id="sb-affected">
                    <thead><tr>
                        <th scope="col">{ t(lang, Text::Time) }</th>
                        <th scope="col">{ t(lang, Text::What) }</th>
                        <th scope="col">{ t(lang, Text::Name) }</th>
                        <th scope="col">{ t(lang, Text::Contact) }</th>
                    </tr></thead>
                    <tbody>
                        { for rows.iter().map(|row| html! {
                            <tr key={row.stored.id.clone()} data-booking={row.stored.id.clone()}>
                                <td>{ row.when(true) }</td>
                                <td>{ row.what(lang) }</td>
                                <td class="sb-name">{ row.name() }</td>
                                <td>{ row.contact() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                <button id="sb-schedule-save" class="sb-submit" type="button" onclick={on_save.clone()}
                    disabled={*busy}>{ t(lang, Text::SaveAndMark) }</button>
            </div>
        },
    };
    html! {
        <section aria-labelledby="sb-heading">
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::Schedule) }</h1>
            <p class="sb-muted">{ t(lang, Text::ScheduleIntro) }</p>
            <ErrorBox message={calls.error()} />
            <h2>{ t(lang, Text::WeeklyHours) }</h2>
            <p class="sb-muted">{ t(lang, Text::HoursHint) }</p>
            { weekly }
            <h2>{ t(lang, Text::Closures) }</h2>
            { for closures }
            <button id="sb-add-closure" class="sb-secondary" type="button" onclick={add_closure}>{ t(lang, Text::AddClosure) }</button>
            <h2>{ t(lang, Text::ExceptionalDays) }</h2>
            { for exceptions }
            <button id="sb-add-exception" class="sb-secondary" type="button" onclick={add_exception}>{ t(lang, Text::AddExceptionalDay) }</button>
            <h2>{ t(lang, Text::BookingRules) }</h2>
            { rules }
            { offer }
            <div class="sb-actions">
                <button id="sb-schedule-check" class="sb-submit" type="button" onclick={on_check} disabled={*busy}>
                    { t(lang, Text::CheckChanges) }</button>
            </div>
            { result }
        </section>
    }
}
