//! `GET /inbox/consent-stats`: the owner sees how visitors answer the site's
//! cookie notice, per ISO week of the business's time zone and per category.
//! The database counts the records; nothing here reads one on its own, and the
//! answer holds counts only.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sealbook_wire::api::consent_stats::{CategoryCounts, ConsentStats, ConsentWeek};
use sealbook_wire::api::error::ErrorBody;
use serde::Deserialize;

use super::inbox::business_of;
use crate::auth::session::Owner;
use crate::config::Business;
use crate::consent::CATEGORIES;
use crate::storage::ConsentTally;
use crate::{AppError, AppState};

/// Weeks shown when the query names none: a quarter.
const DEFAULT_WEEKS: u8 = 12;

/// The most weeks one answer covers: a year, well within the records'
/// default retention of 395 days.
const MAX_WEEKS: u8 = 53;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct StatsQuery {
    /// How many weeks, the current one last (default 12, at most 53).
    #[param(minimum = 1, maximum = 53)]
    weeks: Option<u8>,
}

#[utoipa::path(
    get,
    path = "/api/v1/inbox/consent-stats",
    tag = "inbox",
    security(("session" = [])),
    params(StatsQuery),
    responses(
        (status = 200, description = "Counts per ISO week, oldest first, the current week last", body = ConsentStats),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: owner only", body = ErrorBody),
    ),
)]
pub(crate) async fn stats(
    State(state): State<AppState>,
    Owner(session): Owner,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Json<ConsentStats>, AppError> {
    let Query(query) = query.map_err(|rejection| AppError::InvalidQuery(rejection.body_text()))?;
    let weeks = query.weeks.unwrap_or(DEFAULT_WEEKS);
    if !(1..=MAX_WEEKS).contains(&weeks) {
        return Err(AppError::InvalidQuery(format!(
            "`weeks` must be from 1 to {MAX_WEEKS}"
        )));
    }
    let business = business_of(&state, &session)?;
    let timezone = &business.profile.timezone;
    let today = jiff::Timestamp::now().to_zoned(timezone.clone()).date();
    let starts = mondays(today, weeks)?;
    let edges = edges(&starts, timezone)?;
    let tallies = state.storage.consent_tallies(&business.id, &edges).await?;
    Ok(Json(ConsentStats {
        weeks: weekly(&starts, &notice_categories(&business), &tallies),
    }))
}

/// The Mondays of the `weeks` weeks up to the one of `today`, and the Monday after.
fn mondays(today: Date, weeks: u8) -> Result<Vec<Date>, AppError> {
    let out_of_range = || AppError::InvalidQuery("the weeks are out of range".to_owned());
    let this_monday = today
        .checked_sub(jiff::Span::new().days(today.weekday().to_monday_zero_offset()))
        .map_err(|_| out_of_range())?;
    let first = this_monday
        .checked_sub(jiff::Span::new().weeks(i64::from(weeks) - 1))
        .map_err(|_| out_of_range())?;
    (0..=i64::from(weeks))
        .map(|week| {
            first
                .checked_add(jiff::Span::new().weeks(week))
                .map_err(|_| out_of_range())
        })
        .collect()
}

/// Each Monday's first instant in `timezone`, as unix seconds: a week that
/// gains or loses an hour to daylight saving time keeps its own length.
fn edges(mondays: &[Date], timezone: &TimeZone) -> Result<Vec<i64>, AppError> {
    mondays
        .iter()
        .map(|monday| {
            monday
                .to_zoned(timezone.clone())
                .map(|zoned| zoned.timestamp().as_second())
                .map_err(|_| AppError::InvalidQuery("the weeks are out of range".to_owned()))
        })
        .collect()
}

/// The notice's optional categories, in its order.
fn notice_categories(business: &Business) -> Vec<String> {
    business
        .consent
        .iter()
        .flat_map(|notice| &notice.categories)
        .map(|category| category.id.clone())
        .filter(|id| id != "necessary")
        .collect()
}

/// The weeks between `mondays` with what their tallies say, category by category.
fn weekly(mondays: &[Date], categories: &[String], tallies: &[ConsentTally]) -> Vec<ConsentWeek> {
    let mut weeks: Vec<ConsentWeek> = mondays
        .iter()
        .take(mondays.len().saturating_sub(1))
        .map(|monday| {
            let iso = monday.iso_week_date();
            ConsentWeek {
                week: format!("{:04}-W{:02}", iso.year(), iso.week()),
                from: monday.to_string(),
                choices: 0,
                categories: categories
                    .iter()
                    .map(|category| CategoryCounts {
                        category: category.clone(),
                        ..CategoryCounts::default()
                    })
                    .collect(),
            }
        })
        .collect();
    for tally in tallies {
        let Some(week) = weeks.get_mut(tally.period) else {
            continue;
        };
        let count = u32::try_from(tally.count).unwrap_or(u32::MAX);
        week.choices = week.choices.saturating_add(count);
        let customised = matches!(tally.action.as_str(), "custom" | "withdraw");
        let answers = tally
            .granted
            .iter()
            .map(|category| (category, true))
            .chain(tally.refused.iter().map(|category| (category, false)));
        for (category, accepted) in answers {
            let counts = counts_of(&mut week.categories, category);
            counts.shown = counts.shown.saturating_add(count);
            if accepted {
                counts.accepted = counts.accepted.saturating_add(count);
            } else {
                counts.refused = counts.refused.saturating_add(count);
                if tally.action == "gpc" {
                    counts.gpc_refused = counts.gpc_refused.saturating_add(count);
                }
            }
            if customised {
                counts.customised = counts.customised.saturating_add(count);
            }
        }
    }
    weeks
}

/// The counts of `category`, added after the notice's own (in the order of
/// DESIGN §6's categories) when only an older record names it.
fn counts_of<'a>(
    categories: &'a mut Vec<CategoryCounts>,
    category: &str,
) -> &'a mut CategoryCounts {
    let index = match categories
        .iter()
        .position(|counts| counts.category == category)
    {
        Some(index) => index,
        None => {
            let rank = |id: &str| CATEGORIES.iter().position(|known| *known == id);
            let at = categories
                .iter()
                .position(|counts| rank(&counts.category) > rank(category))
                .unwrap_or(categories.len());
            categories.insert(
                at,
                CategoryCounts {
                    category: category.to_owned(),
                    ..CategoryCounts::default()
                },
            );
            at
        }
    };
    &mut categories[index]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(
        period: usize,
        action: &str,
        granted: &[&str],
        refused: &[&str],
        count: u64,
    ) -> ConsentTally {
        let owned = |list: &[&str]| list.iter().map(|id| (*id).to_owned()).collect();
        ConsentTally {
            period,
            action: action.to_owned(),
            granted: owned(granted),
            refused: owned(refused),
            count,
        }
    }

    #[test]
    fn weeks_run_monday_to_monday_and_are_named_by_their_iso_week() {
        // A Thursday: 2026-12-03.
        let today = Date::new(2026, 12, 3).expect("date");
        let three = mondays(today, 3).expect("in range");
        let shown: Vec<String> = three.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            ["2026-11-16", "2026-11-23", "2026-11-30", "2026-12-07"]
        );
        let weeks = weekly(&three, &[], &[]);
        let names: Vec<&str> = weeks.iter().map(|week| week.week.as_str()).collect();
        assert_eq!(names, ["2026-W47", "2026-W48", "2026-W49"]);
        // The ISO year of a week in the first days of January is the one its Thursday is in.
        let january = mondays(Date::new(2027, 1, 1).expect("date"), 1).expect("in range");
        assert_eq!(weekly(&january, &[], &[])[0].week, "2026-W53");
    }

    #[test]
    fn a_week_of_daylight_saving_change_keeps_its_real_length() {
        let paris = TimeZone::get("Europe/Paris").expect("zone");
        let after = mondays(Date::new(2026, 3, 30).expect("date"), 1).expect("in range");
        let edges = edges(&after, &paris).expect("in range");
        // 2026-03-29 is the change to summer time, in the week before: this one is whole.
        assert_eq!(edges[1] - edges[0], 7 * 24 * 3600);
        let before = mondays(Date::new(2026, 3, 29).expect("date"), 1).expect("in range");
        let edges = super::edges(&before, &paris).expect("in range");
        assert_eq!(edges[1] - edges[0], 7 * 24 * 3600 - 3600);
    }

    #[test]
    fn each_answer_counts_for_its_week_and_category() {
        let two = mondays(Date::new(2026, 12, 3).expect("date"), 2).expect("in range");
        let categories = ["analytics".to_owned(), "marketing".to_owned()];
        let tallies = [
            tally(0, "accept_all", &["analytics", "marketing"], &[], 3),
            tally(1, "reject_all", &[], &["analytics", "marketing"], 2),
            tally(1, "custom", &["analytics"], &["marketing"], 1),
            tally(1, "gpc", &["analytics"], &["marketing"], 4),
            tally(1, "withdraw", &[], &["analytics", "marketing"], 1),
            // A category the notice no longer has, from an older record.
            tally(
                1,
                "custom",
                &["preferences"],
                &["analytics", "marketing"],
                1,
            ),
            // Outside the weeks asked for: ignored.
            tally(2, "accept_all", &["analytics"], &[], 9),
        ];
        let weeks = weekly(&two, &categories, &tallies);
        assert_eq!(weeks.len(), 2);
        assert_eq!(weeks[0].choices, 3);
        let counts = |week: usize, category: &str| {
            let counts = weeks[week]
                .categories
                .iter()
                .find(|counts| counts.category == category)
                .expect("listed");
            (
                counts.shown,
                counts.accepted,
                counts.refused,
                counts.customised,
                counts.gpc_refused,
            )
        };
        assert_eq!(counts(0, "analytics"), (3, 3, 0, 0, 0));
        assert_eq!(counts(0, "marketing"), (3, 3, 0, 0, 0));
        assert_eq!(weeks[1].choices, 9);
        assert_eq!(counts(1, "analytics"), (9, 5, 4, 3, 0));
        assert_eq!(counts(1, "marketing"), (9, 0, 9, 3, 4));
        assert_eq!(counts(1, "preferences"), (1, 1, 0, 1, 0));
        let order: Vec<&str> = weeks[1]
            .categories
            .iter()
            .map(|counts| counts.category.as_str())
            .collect();
        assert_eq!(order, ["preferences", "analytics", "marketing"]);
    }
}
