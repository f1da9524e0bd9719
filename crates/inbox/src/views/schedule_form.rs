//! What the sections of the Schedule screen share: how an input writes into
//! the draft settings, how a problem the server names by field finds the input
//! that holds it, and the weekly hours inputs (the business's and a
//! practitioner's own).

use std::collections::BTreeMap;
use std::rc::Rc;

use sealbook_wire::api::schedule::ScheduleSettings;
use yew::prelude::*;

use crate::i18n::{Lang, Text, t};

pub const WEEKDAYS: [(&str, Text); 7] = [
    ("mon", Text::Monday),
    ("tue", Text::Tuesday),
    ("wed", Text::Wednesday),
    ("thu", Text::Thursday),
    ("fri", Text::Friday),
    ("sat", Text::Saturday),
    ("sun", Text::Sunday),
];

/// Writes an input's text into the draft.
pub type SetField = Rc<dyn Fn(&mut ScheduleSettings, String)>;
/// Adds or removes an entry of the draft, or flips a choice.
pub type ChangeList = Rc<dyn Fn(&mut ScheduleSettings)>;
/// Reaches one week of hours in the draft (the business's, a practitioner's).
pub type WeekOf = Rc<dyn Fn(&mut ScheduleSettings) -> Option<&mut BTreeMap<String, Vec<String>>>>;

/// The page's editing tools, lent to each section while it is drawn.
pub struct Form<'a> {
    pub lang: Lang,
    /// An `oninput` that writes the input's text into the draft.
    pub edit: &'a dyn Fn(SetField) -> Callback<InputEvent>,
    /// An `onclick` that changes the draft's lists or choices.
    pub change_list: &'a dyn Fn(ChangeList) -> Callback<MouseEvent>,
    /// A labelled input (id, label, type, value, oninput) with its problem below it.
    pub input: &'a dyn Fn(String, String, &'static str, String, Callback<InputEvent>) -> Html,
    /// The problem the server found in the field an element id holds.
    pub problem_of: &'a dyn Fn(&str) -> Option<&'static str>,
}

impl Form<'_> {
    /// One text input per weekday for the week `field` names (`hours`,
    /// `practitioners[0].hours`), as "12:00-14:00, 19:00-22:30"; an empty day is closed.
    pub fn week(
        &self,
        field: &str,
        hours: &BTreeMap<String, Vec<String>>,
        week_of: &WeekOf,
    ) -> Html {
        WEEKDAYS
            .iter()
            .map(|(day, text)| {
                let day_key = (*day).to_owned();
                let week_of = Rc::clone(week_of);
                let value = periods_text(hours.get(*day).map_or(&[][..], Vec::as_slice));
                let oninput = (self.edit)(Rc::new(
                    move |settings: &mut ScheduleSettings, value: String| {
                        let Some(week) = week_of(settings) else {
                            return;
                        };
                        let periods = periods_of(&value);
                        if periods.is_empty() {
                            week.remove(&day_key);
                        } else {
                            week.insert(day_key.clone(), periods);
                        }
                    },
                ));
                (self.input)(
                    input_id(&format!("{field}.{day}")),
                    t(self.lang, *text).to_owned(),
                    "text",
                    value,
                    oninput,
                )
            })
            .collect()
    }
}

/// The text for a problem code (docs/API.md, "Schedule").
pub fn problem_text(lang: Lang, code: &str) -> &'static str {
    t(
        lang,
        match code {
            "required" | "not_for_this_kind" => Text::ProblemRequired,
            "not_a_weekday" | "invalid_hours" => Text::ProblemHours,
            "inverted_hours" | "inverted_dates" => Text::ProblemInverted,
            "overlapping_hours" => Text::ProblemOverlap,
            "invalid_date" => Text::ProblemDate,
            "in_the_past" => Text::ProblemPast,
            "missing_end" => Text::ProblemNoEnd,
            "duplicate" => Text::ProblemDuplicate,
            "must_divide_a_day" => Text::ProblemInterval,
            "must_be_positive" => Text::ProblemPositive,
            "longer_than_a_day" => Text::ProblemDay,
            "too_large" => Text::ProblemTooLarge,
            "party_size_out_of_range" => Text::ProblemParty,
            "unknown_service" => Text::ProblemService,
            "invalid_id" => Text::ProblemId,
            "too_long" => Text::ProblemTooLong,
            _ => Text::ProblemOther,
        },
    )
}

/// The DOM id of the input that holds `field` (a problem's field path): a
/// period's problem (`hours.tue[1]`, `practitioners[0].hours.tue[1]`,
/// `exceptions[2].hours[1]`) belongs to its day's input, and a practitioner's
/// service (`practitioners[0].services[1]`) to their group of services.
pub fn input_id(field: &str) -> String {
    let field = match field.rsplit_once('[') {
        Some((head, index)) if index.ends_with(']') && holds_a_list(head) => head,
        _ => field,
    };
    format!(
        "sb-s-{}",
        field
            .replace("].", "-")
            .replace(['[', '.'], "-")
            .replace(']', "")
    )
}

/// `…hours` (an exceptional day's), `…hours.tue` (a weekday's), or
/// `…services` (a practitioner's, shown as one group of checkboxes).
fn holds_a_list(field: &str) -> bool {
    let is_hours = |path: &str| path == "hours" || path.ends_with(".hours");
    is_hours(field)
        || field.ends_with("].services")
        || field.rsplit_once('.').is_some_and(|(path, day)| {
            is_hours(path) && WEEKDAYS.iter().any(|(name, _)| *name == day)
        })
}

pub fn periods_text(periods: &[String]) -> String {
    periods.join(", ")
}

pub fn periods_of(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|period| !period.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn number(text: &str) -> u32 {
    text.trim().parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::input_id;

    #[test]
    fn a_problem_points_at_the_input_that_holds_its_field() {
        for (field, id) in [
            ("hours.tue[1]", "sb-s-hours-tue"),
            ("hours.tue", "sb-s-hours-tue"),
            ("closures[0].from", "sb-s-closures-0-from"),
            ("exceptions[2].hours[1]", "sb-s-exceptions-2-hours"),
            (
                "practitioners[0].absences[1].to",
                "sb-s-practitioners-0-absences-1-to",
            ),
            (
                "practitioners[1].hours.wed[0]",
                "sb-s-practitioners-1-hours-wed",
            ),
            ("practitioners[1].services", "sb-s-practitioners-1-services"),
            (
                "practitioners[1].services[2]",
                "sb-s-practitioners-1-services",
            ),
            ("services[2].name", "sb-s-services-2-name"),
            ("services[2].id", "sb-s-services-2-id"),
            ("seating.covers", "sb-s-seating-covers"),
            ("slot_interval_minutes", "sb-s-slot_interval_minutes"),
        ] {
            assert_eq!(input_id(field), id, "{field}");
        }
    }
}
