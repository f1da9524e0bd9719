//! The owner's view of how visitors answer the site's cookie notice: per ISO
//! week and per category, how often it was shown, accepted, refused, chosen
//! category by category, and refused by Global Privacy Control. A bar chart per
//! category, each week's bar reachable by Tab and read out with its figures,
//! then the same figures as a table. Counts from the server only: nothing here
//! names anyone.

use sealbook_wire::api::consent_stats::{CategoryCounts, ConsentWeek};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::use_calls;
use crate::i18n::{Lang, Text, t};
use crate::ui::ErrorBox;

/// The ranges offered, in weeks (the server takes at most 53).
const RANGES: [u8; 4] = [4, 12, 26, 52];

/// The chart's drawing height, in SVG units, and one bar's width.
const BAR_HEIGHT: u32 = 120;
const BAR_WIDTH: u32 = 24;

#[derive(Properties, PartialEq)]
pub struct ConsentStatsProps {
    pub lang: Lang,
    pub api: Api,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(ConsentStatsPage)]
pub fn consent_stats_page(props: &ConsentStatsProps) -> Html {
    let lang = props.lang;
    let weeks_shown = use_state(|| 12_u8);
    let weeks = use_state(|| None::<Vec<ConsentWeek>>);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    {
        let (calls, weeks) = (calls.clone(), weeks.clone());
        use_effect_with(*weeks_shown, move |count| {
            let count = *count;
            weeks.set(None);
            calls.spawn(async move |calls| {
                weeks.set(Some(calls.api().consent_stats(count).await?));
                Ok(())
            });
        });
    }
    let on_range = {
        let weeks_shown = weeks_shown.clone();
        Callback::from(move |event: Event| {
            if let Some(count) = event
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|select| select.value().parse().ok())
            {
                weeks_shown.set(count);
            }
        })
    };
    html! {
        <section aria-labelledby="sb-heading" id="sb-consent-stats">
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::ConsentStats) }</h1>
            <p class="sb-muted">{ t(lang, Text::ConsentStatsIntro) }</p>
            <div class="sb-nav">
                <label for="sb-consent-weeks">{ t(lang, Text::ConsentWeeks) }</label>
                <select id="sb-consent-weeks" class="sb-input sb-narrow" onchange={on_range}>
                    { for RANGES.iter().map(|count| html! {
                        <option value={count.to_string()} selected={*count == *weeks_shown}>{ count }</option>
                    }) }
                </select>
            </div>
            <ErrorBox message={calls.error()} />
            if let Some(list) = &*weeks {
                { figures(lang, list) }
            } else if calls.error().is_none() {
                <p class="sb-muted">{ t(lang, Text::Loading) }</p>
            }
        </section>
    }
}

/// The charts, then the table, or a note when no choice was recorded.
fn figures(lang: Lang, weeks: &[ConsentWeek]) -> Html {
    if weeks.iter().all(|week| week.choices == 0) {
        return html! { <p id="sb-consent-none">{ t(lang, Text::ConsentStatsNone) }</p> };
    }
    let categories: Vec<&str> = weeks
        .last()
        .map(|week| {
            week.categories
                .iter()
                .map(|c| c.category.as_str())
                .collect()
        })
        .unwrap_or_default();
    // One scale for every chart, so that their bars compare.
    let most = weeks
        .iter()
        .flat_map(|week| &week.categories)
        .map(|counts| counts.shown)
        .max()
        .unwrap_or(0)
        .max(1);
    html! {
        <>
            <p class="sb-legend" aria-hidden="true">
                <svg width="14" height="14" viewBox="0 0 14 14" focusable="false"><rect class="sb-bar-accepted" width="14" height="14" /></svg>
                { " " }{ t(lang, Text::ConsentAccepted) }{ "   " }
                <svg width="14" height="14" viewBox="0 0 14 14" focusable="false"><rect class="sb-bar-refused" width="14" height="14" /></svg>
                { " " }{ t(lang, Text::ConsentRefused) }
            </p>
            <p class="sb-muted">{ t(lang, Text::ConsentChartHint) }</p>
            { for categories.iter().map(|category| chart(lang, weeks, category, most)) }
            { table(lang, weeks) }
        </>
    }
}

/// One category's chart: a bar per week, accepted below refused, its figures
/// in words for whoever Tabs to it.
fn chart(lang: Lang, weeks: &[ConsentWeek], category: &str, most: u32) -> Html {
    let heading = format!("sb-chart-{category}");
    let height = |count: u32| count * BAR_HEIGHT / most;
    html! {
        <section class="sb-chart" aria-labelledby={heading.clone()}>
            <h2 id={heading.clone()}>{ category_name(lang, category) }</h2>
            <ul class="sb-bars" aria-labelledby={heading}>
                { for weeks.iter().map(|week| {
                    let counts = counts_of(week, category);
                    let (accepted, refused) = (height(counts.accepted), height(counts.refused));
                    html! {
                        <li tabindex="0" class="sb-bar" data-week={week.week.clone()}>
                            <svg width={BAR_WIDTH.to_string()} height={BAR_HEIGHT.to_string()}
                                viewBox={format!("0 0 {BAR_WIDTH} {BAR_HEIGHT}")} aria-hidden="true" focusable="false">
                                <rect class="sb-bar-accepted" x="0" y={(BAR_HEIGHT - accepted).to_string()}
                                    width={BAR_WIDTH.to_string()} height={accepted.to_string()} />
                                <rect class="sb-bar-refused" x="0" y={(BAR_HEIGHT - accepted - refused).to_string()}
                                    width={BAR_WIDTH.to_string()} height={refused.to_string()} />
                            </svg>
                            <span aria-hidden="true" class="sb-bar-label">{ short_week(&week.week) }</span>
                            <span class="sb-visually-hidden">{ spoken(lang, week, &counts) }</span>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// The same figures, a row per week and category.
fn table(lang: Lang, weeks: &[ConsentWeek]) -> Html {
    let columns = [
        Text::ConsentShown,
        Text::ConsentAccepted,
        Text::ConsentRefused,
        Text::ConsentCustomised,
        Text::ConsentGpc,
    ];
    html! {
        <section aria-labelledby="sb-consent-table-heading">
            <h2 id="sb-consent-table-heading">{ t(lang, Text::ConsentTable) }</h2>
            <table class="sb-table" id="sb-consent-table">
                <thead><tr>
                    <th scope="col">{ t(lang, Text::ConsentWeek) }</th>
                    <th scope="col">{ t(lang, Text::ConsentCategory) }</th>
                    { for columns.iter().map(|column| html! { <th scope="col">{ t(lang, *column) }</th> }) }
                </tr></thead>
                <tbody>
                    { for weeks.iter().flat_map(|week| week.categories.iter().map(move |counts| html! {
                        <tr data-week={week.week.clone()} data-category={counts.category.clone()}>
                            <th scope="row">{ format!("{} ({})", week.week, week.from) }</th>
                            <td>{ category_name(lang, &counts.category) }</td>
                            <td>{ counts.shown }</td>
                            <td>{ counts.accepted }</td>
                            <td>{ counts.refused }</td>
                            <td>{ counts.customised }</td>
                            <td>{ gpc(counts) }</td>
                        </tr>
                    })) }
                </tbody>
            </table>
        </section>
    }
}

/// A week's counts of `category`, zero when none of its records named it.
fn counts_of(week: &ConsentWeek, category: &str) -> CategoryCounts {
    week.categories
        .iter()
        .find(|counts| counts.category == category)
        .cloned()
        .unwrap_or_default()
}

/// GPC refusals and their share of the refusals: `1 (25 %)`.
fn gpc(counts: &CategoryCounts) -> String {
    match counts
        .gpc_refused
        .checked_mul(100)
        .and_then(|hundreds| hundreds.checked_div(counts.refused))
    {
        Some(share) => format!("{} ({share} %)", counts.gpc_refused),
        None => counts.gpc_refused.to_string(),
    }
}

/// `W49` for `2026-W49`: the chart's axis label.
fn short_week(week: &str) -> &str {
    week.split_once('-').map_or(week, |(_, short)| short)
}

/// What a screen reader says on a bar.
fn spoken(lang: Lang, week: &ConsentWeek, counts: &CategoryCounts) -> String {
    format!(
        "{} ({}) — {}: {}, {}: {}, {}: {}, {}: {}, {}: {}",
        week.week,
        week.from,
        t(lang, Text::ConsentShown),
        counts.shown,
        t(lang, Text::ConsentAccepted),
        counts.accepted,
        t(lang, Text::ConsentRefused),
        counts.refused,
        t(lang, Text::ConsentCustomised),
        counts.customised,
        t(lang, Text::ConsentGpc),
        gpc(counts),
    )
}

fn category_name(lang: Lang, category: &str) -> String {
    match category {
        "preferences" => t(lang, Text::CategoryPreferences).to_owned(),
        "analytics" => t(lang, Text::CategoryAnalytics).to_owned(),
        "marketing" => t(lang, Text::CategoryMarketing).to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gpc_share_is_of_the_refusals() {
        let counts = |refused, gpc_refused| CategoryCounts {
            refused,
            gpc_refused,
            ..CategoryCounts::default()
        };
        assert_eq!(gpc(&counts(4, 1)), "1 (25 %)");
        assert_eq!(gpc(&counts(0, 0)), "0");
        assert_eq!(short_week("2026-W49"), "W49");
    }
}
