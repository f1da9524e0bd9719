//! The totals of the days the list shows: bookings and covers, cancellations
//! (late ones apart), arrivals and no-shows, per day and, for a week, the
//! week's. Aggregates from the server only: nothing here names anyone, and
//! nothing needs opening.

use sealbook_wire::api::inbox::DayCounts;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::{unless_logged_out, use_calls};
use crate::i18n::{Lang, Text, t};
use crate::range::Range;
use crate::ui::api_error_text;

#[derive(Properties, PartialEq)]
pub struct CountsProps {
    pub lang: Lang,
    pub api: Api,
    pub range: Range,
    pub on_logged_out: Callback<ApiError>,
}

#[derive(Clone, Debug, PartialEq)]
enum State {
    Loading,
    Ready(Vec<DayCounts>),
    Failed(ApiError),
}

/// One total of a day.
type Total = fn(&DayCounts) -> u32;

/// The columns after the day, in order: their heading and their value.
const COLUMNS: [(Text, Total); 6] = [
    (Text::CountsBookings, |day| day.bookings),
    (Text::CountsCovers, |day| day.covers),
    (Text::CountsCancelled, |day| day.cancelled),
    (Text::CountsLate, |day| day.late_cancelled),
    (Text::CountsArrived, |day| day.arrived),
    (Text::CountsNoShow, |day| day.no_show),
];

#[function_component(Counts)]
pub fn counts(props: &CountsProps) -> Html {
    let lang = props.lang;
    let state = use_state(|| State::Loading);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    {
        let (calls, state) = (calls.clone(), state.clone());
        use_effect_with(props.range, move |range| {
            let (from, to) = (range.from.iso(), range.to().iso());
            state.set(State::Loading);
            calls.spawn(async move |calls| {
                state.set(match calls.api().counts(&from, &to).await {
                    Ok(days) => State::Ready(days),
                    Err(failure) => State::Failed(unless_logged_out(failure)?),
                });
                Ok(())
            });
        });
    }
    let body = match &*state {
        State::Loading => html! { <p class="sb-muted">{ t(lang, Text::Loading) }</p> },
        State::Failed(failure) => {
            html! { <p class="sb-error-text">{ api_error_text(lang, failure) }</p> }
        }
        State::Ready(days) => {
            let row = |label: String, day: &DayCounts, id: Option<String>| {
                html! {
                    <tr id={id} data-date={day.date.clone()}>
                        <th scope="row">{ label }</th>
                        { for COLUMNS.iter().map(|(_, value)| html! { <td>{ value(day) }</td> }) }
                    </tr>
                }
            };
            let mut week = DayCounts::default();
            for day in days {
                week.add(day);
            }
            html! {
                <table class="sb-table" id="sb-counts-table" aria-labelledby="sb-counts-heading">
                    <thead><tr>
                        <th scope="col">{ t(lang, Text::CountsDate) }</th>
                        { for COLUMNS.iter().map(|(heading, _)| html! { <th scope="col">{ t(lang, *heading) }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for days.iter().map(|day| row(day.date.clone(), day, None)) }
                    </tbody>
                    if props.range.week {
                        <tfoot>
                            { row(t(lang, Text::WeekTotal).to_owned(), &week, Some("sb-counts-week".to_owned())) }
                        </tfoot>
                    }
                </table>
            }
        }
    };
    html! {
        <section aria-labelledby="sb-counts-heading" id="sb-counts">
            <h2 id="sb-counts-heading">{ t(lang, Text::Counts) }</h2>
            { body }
        </section>
    }
}
