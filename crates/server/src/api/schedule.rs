//! `/inbox/schedule`: the business's schedule, read by every member and
//! changed by the owner or a manager. A change is checked field by field, then shown with
//! the upcoming bookings it no longer has hours or room for (the inbox opens
//! them on the member's device, contact and all, so they can call); stored, it
//! marks exactly those bookings as needing attention and keeps them, and every
//! server process serves the new schedule within a second.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::schedule::{ScheduleChange, SchedulePreview, ScheduleSaved, ScheduleView};

use super::inbox::{business_of, staff_booking};
use crate::auth::session::StaffSession;
use crate::businesses::misfits;
use crate::config::Business;
use crate::extract::{JsonBody, PathParam};
use crate::schedule::{Change, Kind, check};
use crate::storage::{Role, ScheduleAuthor, ScheduleError};
use crate::{AppError, AppState};

/// The owner and the managers the owner named change the schedule; staff read it.
fn may_change_the_schedule(session: &StaffSession) -> Result<(), AppError> {
    match session.staff.role {
        Role::Owner | Role::Manager => Ok(()),
        Role::Staff => Err(AppError::Forbidden),
    }
}

fn kind_name(business: &Business) -> &'static str {
    match Kind::of(&business.profile.offer) {
        Kind::Restaurant => "restaurant",
        Kind::Clinic => "clinic",
    }
}

/// `GET /inbox/schedule`.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/schedule",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "The schedule and its revision", body = ScheduleView),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
    ),
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Json<ScheduleView>, AppError> {
    let business = business_of(&state, &session)?;
    let stored = state.storage.schedule(&business.id).await?;
    let (revision, settings) = match stored {
        Some(stored) => (stored.revision, stored.settings),
        None => (0, business.schedule.clone()),
    };
    Ok(Json(ScheduleView {
        revision,
        kind: kind_name(&business).to_owned(),
        timezone: business
            .profile
            .timezone
            .iana_name()
            .unwrap_or("UTC")
            .to_owned(),
        settings,
    }))
}

/// The business with `change`'s settings; `invalid_schedule` with every
/// problem in them. A new closure or absence is judged against the stored
/// schedule, so failing to read it fails the request rather than judging
/// against the wrong one.
async fn checked(
    state: &AppState,
    business: &Business,
    change: &ScheduleChange,
) -> Result<Business, AppError> {
    let previous = state
        .storage
        .schedule(&business.id)
        .await?
        .map(|stored| stored.settings);
    let today = jiff::Timestamp::now()
        .to_zoned(business.profile.timezone.clone())
        .date();
    let change_context = Change {
        previous: Some(previous.as_ref().unwrap_or(&business.schedule)),
        today,
    };
    let resolved = check(
        Kind::of(&business.profile.offer),
        &change.settings,
        Some(change_context),
    )
    .map_err(AppError::InvalidSchedule)?;
    Ok(business.with_resolved(&change.settings, resolved))
}

/// `POST /inbox/schedule/preview`.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/schedule/preview",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = ScheduleChange, content_type = "application/json"),
    responses(
        (status = 200, description = "The upcoming bookings the change has no hours or room for", body = SchedulePreview),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden` (owner or manager only) or `csrf_failed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_schedule`, with every problem in `error.fields`", body = ErrorBody),
    ),
)]
pub(crate) async fn preview(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(change): JsonBody<ScheduleChange>,
) -> Result<Json<SchedulePreview>, AppError> {
    may_change_the_schedule(&session)?;
    let business = business_of(&state, &session)?;
    let changed = checked(&state, &business, &change).await?;
    let now = jiff::Timestamp::now().as_second();
    let upcoming = state.storage.upcoming_confirmed(&business.id, now).await?;
    // The bookings read for the check are the ones shown: no second read of each.
    let misfit_ids = misfits(&changed, &upcoming);
    let marked = state.storage.needing_attention(&business.id).await?;
    let mut affected: Vec<_> = upcoming
        .iter()
        .filter(|booking| misfit_ids.contains(&booking.id))
        .map(|booking| staff_booking(&business, booking, marked.contains(&booking.id)))
        .collect();
    affected.sort_by(|a, b| a.start.cmp(&b.start));
    session
        .audit(
            &state,
            "schedule_previewed",
            None,
            format!("{} booking(s) affected", affected.len()),
        )
        .await?;
    Ok(Json(SchedulePreview { affected }))
}

/// `PUT /inbox/schedule`.
#[utoipa::path(
    put,
    path = "/api/v1/inbox/schedule",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = ScheduleChange, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored; live on every server within a second; the bookings it no longer fits are marked", body = ScheduleSaved),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden` (owner or manager only) or `csrf_failed`", body = ErrorBody),
        (status = 409, description = "`schedule_changed` (made from an older revision) or `unconfirmed_bookings` (a booking not in `confirmed` would no longer fit)", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid_schedule`, with every problem in `error.fields`", body = ErrorBody),
    ),
)]
pub(crate) async fn put(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(change): JsonBody<ScheduleChange>,
) -> Result<Json<ScheduleSaved>, AppError> {
    may_change_the_schedule(&session)?;
    let business = business_of(&state, &session)?;
    let changed = checked(&state, &business, &change).await?;
    let confirmed: BTreeSet<&str> = change.confirmed.iter().map(String::as_str).collect();
    let audit = session.audit_entry("schedule_changed", None, String::new());
    let replaced = state
        .storage
        .replace_schedule(
            &business.id,
            &change.settings,
            Some(change.revision),
            ScheduleAuthor::Member(&audit),
            |upcoming| {
                let misfits = misfits(&changed, upcoming);
                let unconfirmed: Vec<_> = misfits
                    .iter()
                    .filter(|id| !confirmed.contains(id.as_str()))
                    .cloned()
                    .collect();
                if unconfirmed.is_empty() {
                    Ok(misfits)
                } else {
                    Err(ScheduleError::Unconfirmed(unconfirmed))
                }
            },
        )
        .await?;
    // This process takes it up at once; the others on their next look.
    state.businesses.refresh(&state.storage).await?;
    // More covers or longer hours may fit someone on the waitlist.
    state.offers.wake();
    tracing::info!(business = %business.id, revision = replaced.revision, "schedule changed");
    Ok(Json(ScheduleSaved {
        revision: replaced.revision,
        needs_attention: replaced
            .needs_attention
            .into_iter()
            .map(|id| id.into_string())
            .collect(),
    }))
}

/// `DELETE /inbox/bookings/{id}/attention`.
#[utoipa::path(
    delete,
    path = "/api/v1/inbox/bookings/{id}/attention",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The booking id")),
    responses(
        (status = 204, description = "The mark is cleared (the visitor was called)"),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 404, description = "`not_found`: no such booking, or it has no mark", body = ErrorBody),
    ),
)]
pub(crate) async fn clear_attention(
    State(state): State<AppState>,
    session: StaffSession,
    PathParam(id): PathParam,
) -> Result<StatusCode, AppError> {
    let audit = session.audit_entry("attention_cleared", Some(&id), String::new());
    let cleared = state
        .storage
        .clear_attention(&session.staff.business, &id, &audit)
        .await?;
    if cleared {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}
