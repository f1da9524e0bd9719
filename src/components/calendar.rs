//! The date step: a month grid following the WAI-ARIA date picker grid pattern.
//! One day has `tabindex=0` (the cursor); the app's key handler moves it with
//! the arrow keys (a day, a week), Home / End (the week's ends), Page Up / Page
//! Down (a month; with Shift, a year), and chooses with Enter or Space. Days
//! without free times are `aria-disabled`.

use sealbook_web::calendar::Day;
use sealbook_web::clock::{self, DateStyle};
use sealbook_web::profile::DayAvailability;
use sealbook_web::visitor_texts::Text;
use yew::prelude::*;

use super::markup::Out;
use super::{Ctx, failure_notice};
use crate::state::{Action, Loadable};

/// 1970-01-05, a Monday: the first column's weekday.
const A_MONDAY: i32 = 4;

/// What a key pressed on a day does, if anything.
pub fn key_action(key: &str, shift: bool, cursor: Day) -> Option<Action> {
    let week_start = -i32::from(cursor.weekday());
    let target = match key {
        "ArrowLeft" => cursor.add_days(-1),
        "ArrowRight" => cursor.add_days(1),
        "ArrowUp" => cursor.add_days(-7),
        "ArrowDown" => cursor.add_days(7),
        "Home" => cursor.add_days(week_start),
        "End" => cursor.add_days(week_start + 6),
        "PageUp" => cursor.add_months(if shift { -12 } else { -1 }),
        "PageDown" => cursor.add_months(if shift { 12 } else { 1 }),
        "Enter" | " " => return Some(Action::PickDate(cursor)),
        _ => return None,
    };
    Some(Action::MoveCursor(target))
}

pub fn date_step(ctx: &Ctx<'_>) -> Vec<Html> {
    let (lang, state) = (ctx.lang, ctx.state);
    let (month, cursor, today, last) = (state.month, state.cursor, state.today, state.last_day());
    let loading = matches!(state.availability, Loadable::Loading);
    let mut out = Out::default();
    let month_button = |out: &mut Out, act: &str, text: Text, arrow: &str, disabled: bool| {
        out.raw("<button type=\"button\" class=\"sb-secondary sb-month-nav\" id=\"sb-")
            .raw(act)
            .raw("\" data-a=\"")
            .raw(act)
            .raw("\" aria-label=\"")
            .raw(ctx.t(text))
            .raw(if disabled { "\" disabled>" } else { "\">" })
            .raw(arrow)
            .raw("</button>");
    };
    out.raw("<div class=\"sb-cal-head\">");
    month_button(
        &mut out,
        "pm",
        Text::PrevMonth,
        "‹",
        month <= today.first_of_month(),
    );
    out.raw("<p class=\"sb-month\" id=\"sb-month\">")
        .text(&clock::format_day(lang, month, DateStyle::Month))
        .raw("</p>");
    month_button(
        &mut out,
        "nm",
        Text::NextMonth,
        "›",
        month >= last.first_of_month(),
    );
    out.raw("</div><p class=\"sb-hint\" id=\"sb-cal-hint\">")
        .raw(ctx.t(Text::CalendarHint))
        .raw("</p><table class=\"sb-cal\" role=\"grid\" aria-labelledby=\"sb-month\" aria-describedby=\"sb-cal-hint\"");
    if loading {
        out.raw(" aria-busy=\"true\"");
    }
    out.raw("><thead><tr>");
    for i in 0..7 {
        let day = Day::from_ordinal(A_MONDAY + i);
        out.raw("<th scope=\"col\">")
            .text(&clock::format_day(lang, day, DateStyle::Weekday))
            .raw("</th>");
    }
    out.raw("</tr></thead><tbody>");
    for week in month.month_weeks() {
        out.raw("<tr>");
        for day in week {
            if day.month != month.month {
                out.raw("<td></td>");
                continue;
            }
            let status =
                (day >= today && day <= last && !loading).then(|| match state.slots_on(day) {
                    Some(slots) if !slots.is_empty() => Text::DayFree,
                    _ if !state.full_on(day).is_empty() => Text::DayWaitlist,
                    Some(_) => Text::DayFull,
                    None => Text::DayClosed,
                });
            let free = matches!(status, Some(Text::DayFree | Text::DayWaitlist));
            out.raw("<td role=\"gridcell\" data-a=\"day\" data-v=\"")
                .raw(&day.iso())
                .raw(if free {
                    "\" class=\"sb-day sb-free\""
                } else {
                    "\" class=\"sb-day sb-off\" aria-disabled=\"true\""
                })
                .raw(if day == cursor {
                    " tabindex=\"0\""
                } else {
                    " tabindex=\"-1\""
                });
            if state.date == Some(day) {
                out.raw(" aria-selected=\"true\"");
            }
            out.raw("><span aria-hidden=\"true\">")
                .raw(&day.day.to_string())
                .raw("</span><span class=\"sb-sr\">")
                .text(&clock::format_day(lang, day, DateStyle::Full));
            if let Some(status) = status {
                out.raw(", ").raw(ctx.t(status));
            }
            if let Some(note) = state.note_on(day) {
                out.raw(NOTE_SEPARATOR).text(note.get(lang));
            }
            out.raw("</span></td>");
        }
        out.raw("</tr>");
    }
    out.raw("</tbody></table>");
    match &state.availability {
        Loadable::Failed(failure) => failure_notice(&mut out, lang, failure),
        Loadable::Loaded(availability) => closure_notes(&mut out, ctx, &availability.days),
        Loadable::Loading => {}
    }
    ctx.nav(&mut out, None);
    vec![out.html()]
}

/// Between a closure's dates and its note: a dash reads the same in every
/// language, where a colon takes a space before it in French only.
const NOTE_SEPARATOR: &str = " — ";

/// Why the business is closed, under the month: one line per run of days
/// with the same note ("24 décembre – 2 janvier — Congés annuels").
fn closure_notes(out: &mut Out, ctx: &Ctx<'_>, days: &[DayAvailability]) {
    let mut runs: Vec<(Day, Day, &str)> = Vec::new();
    for day in days {
        let Some(note) = day.note.as_ref().map(|note| note.get(ctx.lang)) else {
            continue;
        };
        match runs.last_mut() {
            Some(run) if run.2 == note && run.1.add_days(1) == day.date => run.1 = day.date,
            _ => runs.push((day.date, day.date, note)),
        }
    }
    for (from, to, note) in runs {
        out.raw("<p class=\"sb-hint sb-closure\">")
            .text(&clock::format_day(ctx.lang, from, DateStyle::DayMonth));
        if to != from {
            out.raw(" – ")
                .text(&clock::format_day(ctx.lang, to, DateStyle::DayMonth));
        }
        out.raw(NOTE_SEPARATOR).text(note).raw("</p>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).expect("date")
    }

    #[test]
    fn keys_follow_the_date_picker_grid_pattern() {
        // 2026-11-26 is a Thursday.
        let cursor = day("2026-11-26");
        let moved = |key, shift| match key_action(key, shift, cursor) {
            Some(Action::MoveCursor(day)) => Some(day),
            _ => None,
        };
        assert_eq!(moved("ArrowLeft", false), Some(day("2026-11-25")));
        assert_eq!(moved("ArrowRight", false), Some(day("2026-11-27")));
        assert_eq!(moved("ArrowUp", false), Some(day("2026-11-19")));
        assert_eq!(moved("ArrowDown", false), Some(day("2026-12-03")));
        assert_eq!(moved("Home", false), Some(day("2026-11-23")), "Monday");
        assert_eq!(moved("End", false), Some(day("2026-11-29")), "Sunday");
        assert_eq!(moved("PageDown", false), Some(day("2026-12-26")));
        assert_eq!(moved("PageUp", true), Some(day("2025-11-26")));
        for choose in ["Enter", " "] {
            assert_eq!(
                key_action(choose, false, cursor),
                Some(Action::PickDate(cursor))
            );
        }
        assert_eq!(
            key_action("Tab", false, cursor),
            None,
            "Tab leaves the grid"
        );
    }
}
