//! A practice's part of the Schedule screen: its services (names in the
//! visitors' languages, duration, time after) and its practitioners (name, the
//! services they offer, their own weekly hours or the practice's, absences).
//! Each can be added and removed; an id is typed once, when the entry is new,
//! because bookings keep it. Removing a service takes it off every
//! practitioner, so the change never names a service that is gone; the
//! bookings that needed it are listed by the check like any other misfit.

use std::collections::BTreeMap;
use std::rc::Rc;

use sealbook_wire::api::localized::Localized;
use sealbook_wire::api::schedule::{
    Absence, PractitionerSettings, ScheduleSettings, ServiceSettings,
};
use yew::prelude::*;

use crate::i18n::{Lang, OTHER_VISITOR_LANGUAGES, Text, in_language, t};
use crate::ui::focus;

use super::schedule_form::{Form, WeekOf, input_id, number};

/// The languages the inbox edits a service's name in: its own. A name in
/// another visitor language (`sealbook.toml`, `sealbook business import`) is
/// kept as it is.
const INBOX_LANGUAGES: [&str; 3] = ["fr", "de", "en"];

/// A new service's duration until the owner types one.
const NEW_SERVICE_MINUTES: u32 = 30;

/// The services and practitioners sections; `saved` is the schedule as
/// stored, which tells the entries already booked against (their ids are
/// fixed) from new ones.
pub fn sections(form: &Form<'_>, settings: &ScheduleSettings, saved: &ScheduleSettings) -> Html {
    let lang = form.lang;
    let add_service = (form.change_list)(Rc::new(|settings: &mut ScheduleSettings| {
        settings.services.push(ServiceSettings {
            id: String::new(),
            name: Localized(BTreeMap::new()),
            duration_minutes: NEW_SERVICE_MINUTES,
            buffer_minutes: 0,
        });
        focus(&input_id(&format!(
            "services[{}].id",
            settings.services.len() - 1
        )));
    }));
    let add_practitioner = (form.change_list)(Rc::new(|settings: &mut ScheduleSettings| {
        let first_service = settings.services.first().map(|service| service.id.clone());
        settings.practitioners.push(PractitionerSettings {
            id: String::new(),
            name: String::new(),
            services: first_service.into_iter().collect(),
            hours: None,
            absences: Vec::new(),
        });
        focus(&input_id(&format!(
            "practitioners[{}].id",
            settings.practitioners.len() - 1
        )));
    }));
    html! {
        <>
            <h2>{ t(lang, Text::Services) }</h2>
            { for settings.services.iter().enumerate().map(|(index, service)| {
                let is_new = !saved.services.iter().any(|kept| kept.id == service.id)
                    || settings.services.iter().filter(|other| other.id == service.id).count() > 1;
                service_entry(form, index, service, is_new)
            }) }
            <button id="sb-add-service" class="sb-secondary" type="button" onclick={add_service}>
                { t(lang, Text::AddService) }</button>
            <h2>{ t(lang, Text::Practitioners) }</h2>
            { for settings.practitioners.iter().enumerate().map(|(index, practitioner)| {
                let is_new = !saved.practitioners.iter().any(|kept| kept.id == practitioner.id)
                    || settings.practitioners.iter().filter(|other| other.id == practitioner.id).count() > 1;
                practitioner_entry(form, settings, index, practitioner, is_new)
            }) }
            <button id="sb-add-practitioner" class="sb-secondary" type="button" onclick={add_practitioner}>
                { t(lang, Text::AddPractitioner) }</button>
        </>
    }
}

/// A service's name in `lang`, else in any language it has.
fn name_in(service: &ServiceSettings, lang: Lang) -> Option<String> {
    let names = &service.name.0;
    names
        .get(lang.code())
        .or_else(|| names.values().next())
        .cloned()
}

/// The id input of a new entry (or of one whose id is taken twice), or the
/// id as text once bookings may hold it.
fn id_field(
    form: &Form<'_>,
    field: &str,
    id: &str,
    is_new: bool,
    set: Callback<InputEvent>,
) -> Html {
    if is_new {
        (form.input)(
            input_id(field),
            t(form.lang, Text::EntryId).to_owned(),
            "text",
            id.to_owned(),
            set,
        )
    } else {
        html! { <p class="sb-muted">{ format!("{} {id}", t(form.lang, Text::EntryIdKept)) }</p> }
    }
}

fn service_entry(form: &Form<'_>, index: usize, service: &ServiceSettings, is_new: bool) -> Html {
    let lang = form.lang;
    let field = format!("services[{index}]");
    // Practitioners already ticked for the new service follow its id as typed.
    let set_id = (form.edit)(Rc::new(
        move |settings: &mut ScheduleSettings, value: String| {
            let Some(service) = settings.services.get_mut(index) else {
                return;
            };
            let (before, after) = (service.id.clone(), value.trim().to_owned());
            service.id.clone_from(&after);
            for practitioner in &mut settings.practitioners {
                for offered in &mut practitioner.services {
                    if *offered == before {
                        offered.clone_from(&after);
                    }
                }
            }
        },
    ));
    // The French name's input carries the field's id: "a name is required"
    // is shown, and focused, there.
    let name_input = |code: &'static str, label: String| {
        let id = if code == "fr" {
            input_id(&format!("{field}.name"))
        } else {
            input_id(&format!("{field}.name.{code}"))
        };
        let set = (form.edit)(Rc::new(
            move |settings: &mut ScheduleSettings, value: String| {
                if let Some(service) = settings.services.get_mut(index) {
                    if value.trim().is_empty() {
                        service.name.0.remove(code);
                    } else {
                        service.name.0.insert(code.to_owned(), value);
                    }
                }
            },
        ));
        let value = service.name.0.get(code).cloned().unwrap_or_default();
        (form.input)(id, label, "text", value, set)
    };
    let names = INBOX_LANGUAGES.iter().map(|code| {
        let label = match *code {
            "fr" => Text::NameFr,
            "de" => Text::NameDe,
            _ => Text::NameEn,
        };
        name_input(code, t(lang, label).to_owned())
    });
    let other_names = OTHER_VISITOR_LANGUAGES
        .iter()
        .map(|(code, language)| name_input(code, in_language(lang, Text::NameIn, *language)));
    // Open when one of them is written, so nothing given is hidden.
    let others_given = OTHER_VISITOR_LANGUAGES
        .iter()
        .any(|(code, _)| service.name.0.contains_key(*code));
    let duration = (form.edit)(Rc::new(
        move |settings: &mut ScheduleSettings, value: String| {
            if let Some(service) = settings.services.get_mut(index) {
                service.duration_minutes = number(&value);
            }
        },
    ));
    let buffer = (form.edit)(Rc::new(
        move |settings: &mut ScheduleSettings, value: String| {
            if let Some(service) = settings.services.get_mut(index) {
                service.buffer_minutes = number(&value);
            }
        },
    ));
    let removed_id = service.id.clone();
    let remove = (form.change_list)(Rc::new(move |settings: &mut ScheduleSettings| {
        if index < settings.services.len() {
            settings.services.remove(index);
        }
        for practitioner in &mut settings.practitioners {
            practitioner
                .services
                .retain(|offered| *offered != removed_id);
        }
    }));
    let title = name_in(service, lang)
        .unwrap_or_else(|| format!("{} {}", t(lang, Text::Services), index + 1));
    html! {
        <fieldset class="sb-group" key={format!("service-{index}")}>
            <legend>{ title }</legend>
            { id_field(form, &format!("{field}.id"), &service.id, is_new, set_id) }
            { for names }
            <details class="sb-languages" open={others_given}>
                <summary>{ t(lang, Text::OtherLanguages) }</summary>
                { for other_names }
            </details>
            { (form.input)(input_id(&format!("{field}.duration_minutes")), t(lang, Text::DurationMinutes).to_owned(), "number", service.duration_minutes.to_string(), duration) }
            { (form.input)(input_id(&format!("{field}.buffer_minutes")), t(lang, Text::BufferMinutes).to_owned(), "number", service.buffer_minutes.to_string(), buffer) }
            <button class="sb-secondary sb-danger" type="button" onclick={remove}>{ t(lang, Text::Remove) }</button>
        </fieldset>
    }
}

fn practitioner_entry(
    form: &Form<'_>,
    settings: &ScheduleSettings,
    index: usize,
    practitioner: &PractitionerSettings,
    is_new: bool,
) -> Html {
    let lang = form.lang;
    let field = format!("practitioners[{index}]");
    let set_id = (form.edit)(Rc::new(
        move |settings: &mut ScheduleSettings, value: String| {
            if let Some(practitioner) = settings.practitioners.get_mut(index) {
                practitioner.id = value.trim().to_owned();
            }
        },
    ));
    let set_name = (form.edit)(Rc::new(
        move |settings: &mut ScheduleSettings, value: String| {
            if let Some(practitioner) = settings.practitioners.get_mut(index) {
                practitioner.name = value;
            }
        },
    ));
    let remove = (form.change_list)(Rc::new(move |settings: &mut ScheduleSettings| {
        if index < settings.practitioners.len() {
            settings.practitioners.remove(index);
        }
    }));
    let title = if practitioner.name.trim().is_empty() {
        format!("{} {}", t(lang, Text::Practitioners), index + 1)
    } else {
        practitioner.name.clone()
    };
    html! {
        <fieldset class="sb-group" key={format!("practitioner-{index}")}>
            <legend>{ title }</legend>
            { id_field(form, &format!("{field}.id"), &practitioner.id, is_new, set_id) }
            { (form.input)(input_id(&format!("{field}.name")), t(lang, Text::Name).to_owned(), "text", practitioner.name.clone(), set_name) }
            { offered_services(form, settings, index, practitioner) }
            { own_hours(form, index, practitioner) }
            { absences(form, index, practitioner) }
            <button class="sb-secondary sb-danger" type="button" onclick={remove}>{ t(lang, Text::RemovePractitioner) }</button>
        </fieldset>
    }
}

/// One checkbox per service; the group holds the "offers none" problem.
fn offered_services(
    form: &Form<'_>,
    settings: &ScheduleSettings,
    index: usize,
    practitioner: &PractitionerSettings,
) -> Html {
    let lang = form.lang;
    let group = input_id(&format!("practitioners[{index}].services"));
    let problem = (form.problem_of)(&group);
    let described = format!("{group}-problem");
    html! {
        <fieldset class="sb-group" id={group.clone()} tabindex="-1"
            aria-describedby={problem.map(|_| described.clone())}>
            <legend>{ t(lang, Text::ServicesOffered) }</legend>
            { for settings.services.iter().enumerate().map(|(position, service)| {
                let id = format!("{group}-{position}");
                let offered_id = service.id.clone();
                let checked = practitioner.services.contains(&service.id);
                let toggle = (form.change_list)(Rc::new(move |settings: &mut ScheduleSettings| {
                    if let Some(practitioner) = settings.practitioners.get_mut(index) {
                        if let Some(at) = practitioner.services.iter().position(|offered| *offered == offered_id) {
                            practitioner.services.remove(at);
                        } else {
                            practitioner.services.push(offered_id.clone());
                        }
                    }
                }));
                let name = name_in(service, lang).unwrap_or_else(|| service.id.clone());
                html! {
                    <p class="sb-check" key={position}>
                        <input id={id.clone()} type="checkbox" {checked} onclick={toggle} />
                        <label for={id}>{ name }</label>
                    </p>
                }
            }) }
            if let Some(problem) = problem {
                <span id={described} class="sb-error-text">{ problem }</span>
            }
        </fieldset>
    }
}

/// "Own hours" ticked: a week of their own, starting from the practice's;
/// unticked, they work the practice's hours.
fn own_hours(form: &Form<'_>, index: usize, practitioner: &PractitionerSettings) -> Html {
    let lang = form.lang;
    let id = input_id(&format!("practitioners[{index}].own_hours"));
    let toggle = (form.change_list)(Rc::new(move |settings: &mut ScheduleSettings| {
        let practice = settings.hours.clone();
        if let Some(practitioner) = settings.practitioners.get_mut(index) {
            practitioner.hours = match practitioner.hours {
                Some(_) => None,
                None => Some(practice),
            };
        }
    }));
    let week = practitioner.hours.as_ref().map(|hours| {
        let week_of: WeekOf = Rc::new(move |settings: &mut ScheduleSettings| {
            settings
                .practitioners
                .get_mut(index)
                .and_then(|practitioner| practitioner.hours.as_mut())
        });
        form.week(&format!("practitioners[{index}].hours"), hours, &week_of)
    });
    html! {
        <>
            <p class="sb-check">
                <input id={id.clone()} type="checkbox" checked={week.is_some()} onclick={toggle} />
                <label for={id}>{ t(lang, Text::OwnHours) }</label>
            </p>
            if let Some(week) = week {
                <p class="sb-muted">{ t(lang, Text::HoursHint) }</p>
                { week }
            }
        </>
    }
}

fn absences(form: &Form<'_>, index: usize, practitioner: &PractitionerSettings) -> Html {
    let lang = form.lang;
    let add = (form.change_list)(Rc::new(move |settings: &mut ScheduleSettings| {
        if let Some(practitioner) = settings.practitioners.get_mut(index) {
            let today = crate::timing::today().iso();
            practitioner.absences.push(Absence {
                from: today.clone(),
                to: Some(today),
            });
        }
    }));
    html! {
        <>
            <h3>{ t(lang, Text::Absences) }</h3>
            { for practitioner.absences.iter().enumerate().map(|(position, absence)| {
                let from = (form.edit)(Rc::new(move |settings: &mut ScheduleSettings, value: String| {
                    if let Some(absence) = settings.practitioners.get_mut(index).and_then(|p| p.absences.get_mut(position)) {
                        absence.from = value;
                    }
                }));
                let to = (form.edit)(Rc::new(move |settings: &mut ScheduleSettings, value: String| {
                    if let Some(absence) = settings.practitioners.get_mut(index).and_then(|p| p.absences.get_mut(position)) {
                        absence.to = (!value.is_empty()).then_some(value);
                    }
                }));
                let remove = (form.change_list)(Rc::new(move |settings: &mut ScheduleSettings| {
                    if let Some(practitioner) = settings.practitioners.get_mut(index)
                        && position < practitioner.absences.len()
                    {
                        practitioner.absences.remove(position);
                    }
                }));
                let field = format!("practitioners[{index}].absences[{position}]");
                html! {
                    <div class="sb-nav" key={position}>
                        { (form.input)(input_id(&format!("{field}.from")), t(lang, Text::FromDate).to_owned(), "date", absence.from.clone(), from) }
                        { (form.input)(input_id(&format!("{field}.to")), t(lang, Text::ToDate).to_owned(), "date", absence.to.clone().unwrap_or_default(), to) }
                        <button class="sb-secondary sb-danger" type="button" onclick={remove}>{ t(lang, Text::Remove) }</button>
                    </div>
                }
            }) }
            <button class="sb-secondary" type="button" onclick={add}>{ t(lang, Text::AddAbsence) }</button>
        </>
    }
}
