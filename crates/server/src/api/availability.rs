//! `GET /businesses/{id}/availability`: bookable slots per local day.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use jiff::civil::Date;
use sealbook_wire::api::availability::{Availability, Day, SlotView};
use sealbook_wire::api::error::ErrorBody;
use serde::Deserialize;

use crate::availability::{Wish, every_slot_on};
use crate::extract::PathParam;
use crate::profile::Offer;
use crate::{AppError, AppState};

/// The longest range one request may ask for.
const MAX_DAYS: i32 = 62;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AvailabilityQuery {
    /// The first local day (`YYYY-MM-DD`).
    #[param(value_type = String, format = Date)]
    from: Date,
    /// The last local day, on or after `from` and fewer than 62 days after it.
    #[param(value_type = String, format = Date)]
    to: Date,
    /// The party size (restaurants; default 2).
    party: Option<u32>,
    /// The service id (clinics).
    service: Option<String>,
    /// The practitioner id (clinics).
    practitioner: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/businesses/{business}/availability",
    tag = "widget",
    params(("business" = String, Path, description = "The business id"), AvailabilityQuery),
    responses(
        (status = 200, description = "Slots per day", body = Availability),
        (status = 400, description = "`invalid_query`, `unknown_service`, `unknown_practitioner` or `invalid_party_size`", body = ErrorBody),
        (status = 404, description = "`unknown_business` or `not_found`", body = ErrorBody),
        (status = 422, description = "`party_too_large`", body = ErrorBody),
    ),
)]
pub(crate) async fn availability(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    query: Result<Query<AvailabilityQuery>, QueryRejection>,
) -> Result<Json<Availability>, AppError> {
    let business = super::business(&state, &id)?;
    let Query(query) = query.map_err(|rejection| AppError::InvalidQuery(rejection.body_text()))?;
    let days = (query.to - query.from).get_days();
    if !(0..MAX_DAYS).contains(&days) {
        return Err(AppError::InvalidQuery(format!(
            "`to` must be on or after `from`, at most {MAX_DAYS} days"
        )));
    }
    let profile = &business.profile;
    let wish = Wish {
        party_size: match profile.offer {
            Offer::Restaurant(_) => query.party.unwrap_or(2),
            Offer::Clinic(_) => 1,
        },
        service: query.service.as_deref(),
        practitioner: query.practitioner.as_deref(),
    };
    // Bookings from the day before (a late turn reaching past midnight) to the day after.
    let edge = |date: Date| {
        date.to_zoned(profile.timezone.clone())
            .map(|zoned| zoned.timestamp().as_second())
            .unwrap_or(0)
    };
    let window = (edge(query.from) - 86_400, edge(query.to) + 2 * 86_400);
    let bookings = state
        .storage
        .occupancy_between(&business.id, window)
        .await?;
    let now = jiff::Timestamp::now();
    let waitlist = business.waitlist_hold_seconds().is_some();

    let mut result = Vec::new();
    let mut date = query.from;
    while date <= query.to {
        let (slots, full): (Vec<_>, Vec<_>) = every_slot_on(profile, date, &wish, now, &bookings)?
            .into_iter()
            .partition(|slot| slot.remaining > 0);
        let view = |slot: crate::availability::Slot| SlotView {
            start: slot.start.to_string(),
            local: format!("{:02}:{:02}", slot.local.hour(), slot.local.minute()),
            remaining: slot.remaining,
        };
        result.push(Day {
            date: date.to_string(),
            open: !profile.schedule.periods_on(date).is_empty() && !slots.is_empty(),
            note: profile
                .schedule
                .closure_on(date)
                .and_then(|closed| closed.note.clone()),
            slots: slots.into_iter().map(view).collect(),
            full: if waitlist {
                full.into_iter().map(view).collect()
            } else {
                Vec::new()
            },
        });
        date = date
            .tomorrow()
            .map_err(|error| AppError::InvalidQuery(error.to_string()))?;
    }
    Ok(Json(Availability {
        timezone: profile.timezone.iana_name().unwrap_or("UTC").to_owned(),
        days: result,
    }))
}
