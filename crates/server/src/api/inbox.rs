//! `/inbox/bookings`, `/inbox/counts`, `/inbox/exports`, `/inbox/consents`:
//! what staff do with their business's bookings. Every query goes through the member's own
//! business, so another business's booking is `404 not_found` like a missing
//! one. Each action leaves an audit entry without booking content.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::civil::Date;
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::inbox::{
    AttendanceChange, BookingList, ConsentList, ConsentView, CountsReport, DayCounts, ExportReport,
    StaffBooking, StatusChange,
};
use serde::Deserialize;

use crate::auth::session::StaffSession;
use crate::config::Business;
use crate::extract::{JsonBody, PathParam};
use crate::profile::Offer;
use crate::storage::{Attendance, StatusError, StoredBooking};
use crate::{AppError, AppState};

/// The longest range one list may cover.
const MAX_DAYS: i32 = 62;

/// The member's business, with the schedule this process serves now.
pub(super) fn business_of(
    state: &AppState,
    session: &StaffSession,
) -> Result<Arc<Business>, AppError> {
    // An account whose business left the configuration reaches nothing.
    state
        .business(session.staff.business.as_str())
        .ok_or(AppError::NotFound)
}

fn local(business: &Business, seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(
        |_| seconds.to_string(),
        |time| {
            time.to_zoned(business.profile.timezone.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        },
    )
}

/// A stored booking as the inbox shows it.
pub(super) fn staff_booking(
    business: &Business,
    stored: &StoredBooking,
    needs_attention: bool,
) -> StaffBooking {
    StaffBooking {
        id: stored.id.to_string(),
        start: local(business, stored.starts_at),
        end: local(business, stored.ends_at),
        party_size: matches!(business.profile.offer, Offer::Restaurant(_))
            .then_some(stored.party_size),
        service: stored.service.clone(),
        practitioner: stored.practitioner.clone(),
        status: stored.status.clone(),
        attendance: stored.attendance,
        block: stored.block,
        created_at: jiff::Timestamp::from_second(stored.created_at)
            .map_or_else(|_| stored.created_at.to_string(), |time| time.to_string()),
        envelope: URL_SAFE_NO_PAD.encode(&stored.envelope),
        needs_attention,
    }
}

/// One stored booking as the inbox shows it, with its mark read on its own.
pub(super) async fn shown(
    state: &AppState,
    business: &Business,
    stored: &StoredBooking,
) -> Result<StaffBooking, AppError> {
    let marked = state
        .storage
        .is_marked(&business.id, stored.id.as_str())
        .await?;
    Ok(staff_booking(business, stored, marked))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// The first local day (`YYYY-MM-DD`, the business's time zone).
    #[param(value_type = String, format = Date)]
    from: Date,
    /// The last local day, inclusive, at most 62 days after `from`.
    #[param(value_type = String, format = Date)]
    to: Date,
    /// Only bookings with this status.
    #[param(pattern = "^(confirmed|cancelled|waiting|offered|lapsed)$")]
    status: Option<String>,
    /// Only bookings with this attendance mark.
    #[param(pattern = "^(arrived|no_show|late_cancelled)$")]
    attendance: Option<String>,
}

/// The first and last local day of a listing or a count (inclusive), as the
/// unix seconds `[start of from, start of the day after to)`.
fn window(business: &Business, from: Date, to: Date) -> Result<(i64, i64), AppError> {
    let days = (to - from).get_days();
    if !(0..MAX_DAYS).contains(&days) {
        return Err(AppError::InvalidQuery(format!(
            "`to` must be on or after `from`, at most {MAX_DAYS} days"
        )));
    }
    let edge = |date: Date| {
        date.to_zoned(business.profile.timezone.clone())
            .map(|zoned| zoned.timestamp().as_second())
            .map_err(|_| AppError::InvalidQuery("a date is out of range".to_owned()))
    };
    let end = to
        .tomorrow()
        .map_err(|_| AppError::InvalidQuery("`to` is out of range".to_owned()))?;
    Ok((edge(from)?, edge(end)?))
}

/// `GET /inbox/bookings`.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/bookings",
    tag = "inbox",
    security(("session" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "The business's bookings in the range, by start", body = BookingList),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
    ),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    session: StaffSession,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<BookingList>, AppError> {
    let Query(query) = query.map_err(|rejection| AppError::InvalidQuery(rejection.body_text()))?;
    if let Some(status) = &query.status
        && !["confirmed", "cancelled", "waiting", "offered", "lapsed"].contains(&status.as_str())
    {
        return Err(AppError::InvalidQuery(
            "`status` must be confirmed, cancelled, waiting, offered or lapsed".to_owned(),
        ));
    }
    let attendance = match &query.attendance {
        None => None,
        Some(text) => Some(Attendance::parse(text).ok_or_else(|| {
            AppError::InvalidQuery(
                "`attendance` must be arrived, no_show or late_cancelled".to_owned(),
            )
        })?),
    };
    let business = business_of(&state, &session)?;
    let window = window(&business, query.from, query.to)?;
    let marked = state.storage.needing_attention(&business.id).await?;
    let bookings: Vec<StaffBooking> = state
        .storage
        .inbox_bookings(&business.id, window)
        .await?
        .iter()
        .filter(|booking| {
            query
                .status
                .as_deref()
                .is_none_or(|status| booking.status == status)
                && attendance.is_none_or(|mark| booking.attendance == Some(mark))
        })
        .map(|booking| staff_booking(&business, booking, marked.contains(&booking.id)))
        .collect();
    let filter = [("status", &query.status), ("attendance", &query.attendance)]
        .into_iter()
        .filter_map(|(name, value)| Some(format!(" {name}={}", value.as_deref()?)))
        .collect::<String>();
    session
        .audit(
            &state,
            "listed",
            None,
            format!(
                "{}..{}{filter}: {} bookings",
                query.from,
                query.to,
                bookings.len()
            ),
        )
        .await?;
    Ok(Json(BookingList { bookings }))
}

pub(super) async fn find(
    state: &AppState,
    session: &StaffSession,
    id: &str,
) -> Result<StoredBooking, AppError> {
    state
        .storage
        .inbox_booking(&session.staff.business, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// `GET /inbox/bookings/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/bookings/{id}",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The booking id")),
    responses(
        (status = 200, description = "The booking", body = StaffBooking),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 404, description = "`not_found` (also for another business's booking)", body = ErrorBody),
    ),
)]
pub(crate) async fn open(
    State(state): State<AppState>,
    session: StaffSession,
    PathParam(id): PathParam,
) -> Result<Json<StaffBooking>, AppError> {
    let business = business_of(&state, &session)?;
    let booking = find(&state, &session, &id).await?;
    session
        .audit(&state, "opened", Some(&id), String::new())
        .await?;
    Ok(Json(shown(&state, &business, &booking).await?))
}

/// The name of a booking's mark in the audit log.
fn mark_name(mark: Option<Attendance>) -> &'static str {
    mark.map_or("none", Attendance::as_str)
}

/// `POST /inbox/bookings/{id}/status`: staff cancel; inside the cancellation
/// deadline the cancel is recorded as late.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/bookings/{id}/status",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The booking id")),
    request_body(content = StatusChange, content_type = "application/json"),
    responses(
        (status = 200, description = "The cancelled booking, its capacity freed; `attendance` is `late_cancelled` when cancelled inside the deadline (a mark it had stays)", body = StaffBooking),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 404, description = "`not_found` (also for another business's booking)", body = ErrorBody),
        (status = 409, description = "`booking_cancelled`: a cancelled booking stays cancelled", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn set_status(
    State(state): State<AppState>,
    session: StaffSession,
    PathParam(id): PathParam,
    JsonBody(request): JsonBody<StatusChange>,
) -> Result<Json<StaffBooking>, AppError> {
    let business = business_of(&state, &session)?;
    if request.status != "cancelled" {
        return Err(AppError::BadRequest(
            "status must be cancelled (attendance has its own route)".to_owned(),
        ));
    }
    let late_from = business
        .profile
        .cancellation
        .late_from(jiff::Timestamp::now().as_second());
    let cancel = state
        .storage
        .cancel_for_business(&business.id, &id, late_from)
        .await
        .map_err(status_error)?;
    state.notifier.wake();
    state.offers.wake();
    let late = if cancel.late { " (late)" } else { "" };
    session
        .audit(
            &state,
            "status_changed",
            Some(&id),
            format!("confirmed -> cancelled{late}"),
        )
        .await?;
    Ok(Json(shown(&state, &business, &cancel.booking).await?))
}

fn status_error(error: StatusError) -> AppError {
    match error {
        StatusError::NotFound => AppError::NotFound,
        StatusError::Cancelled => AppError::BookingCancelled,
        StatusError::Database(error) => error.into(),
    }
}

/// `PUT /inbox/bookings/{id}/attendance`.
#[utoipa::path(
    put,
    path = "/api/v1/inbox/bookings/{id}/attendance",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The booking id")),
    request_body(content = AttendanceChange, content_type = "application/json"),
    responses(
        (status = 200, description = "The booking with its new mark", body = StaffBooking),
        (status = 400, description = "`bad_request` (also for `late_cancelled`, which only a cancel sets)", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 404, description = "`not_found` (also for another business's booking)", body = ErrorBody),
        (status = 409, description = "`booking_cancelled`: a cancelled booking is not marked, and `late_cancelled` stays", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn set_attendance(
    State(state): State<AppState>,
    session: StaffSession,
    PathParam(id): PathParam,
    JsonBody(request): JsonBody<AttendanceChange>,
) -> Result<Json<StaffBooking>, AppError> {
    let business = business_of(&state, &session)?;
    if request.attendance == Some(Attendance::LateCancelled) {
        return Err(AppError::BadRequest(
            "attendance must be arrived, no_show or null".to_owned(),
        ));
    }
    let before = find(&state, &session, &id).await?;
    let after = state
        .storage
        .set_attendance(&business.id, &id, request.attendance)
        .await
        .map_err(status_error)?;
    session
        .audit(
            &state,
            "attendance_changed",
            Some(&id),
            format!(
                "{} -> {}",
                mark_name(before.attendance),
                mark_name(after.attendance)
            ),
        )
        .await?;
    Ok(Json(shown(&state, &business, &after).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct CountsQuery {
    /// The first local day (`YYYY-MM-DD`, the business's time zone).
    #[param(value_type = String, format = Date)]
    from: Date,
    /// The last local day, inclusive, at most 62 days after `from`.
    #[param(value_type = String, format = Date)]
    to: Date,
}

/// `GET /inbox/counts`: per-day totals of the member's business.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/counts",
    tag = "inbox",
    security(("session" = [])),
    params(CountsQuery),
    responses(
        (status = 200, description = "One entry per local day of the range, in order: totals only", body = CountsReport),
        (status = 400, description = "`invalid_query`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
    ),
)]
pub(crate) async fn counts(
    State(state): State<AppState>,
    session: StaffSession,
    query: Result<Query<CountsQuery>, QueryRejection>,
) -> Result<Json<CountsReport>, AppError> {
    let Query(query) = query.map_err(|rejection| AppError::InvalidQuery(rejection.body_text()))?;
    let business = business_of(&state, &session)?;
    let window = window(&business, query.from, query.to)?;
    let timezone = &business.profile.timezone;
    let mut days: Vec<DayCounts> = query
        .from
        .series(jiff::Span::new().days(1))
        .take_while(|date| *date <= query.to)
        .map(|date| DayCounts {
            date: date.to_string(),
            ..DayCounts::default()
        })
        .collect();
    for tally in state.storage.tallies(&business.id, window).await? {
        let Ok(start) = jiff::Timestamp::from_second(tally.starts_at) else {
            continue;
        };
        let day = start.to_zoned(timezone.clone()).date();
        let Some(counts) = usize::try_from((day - query.from).get_days())
            .ok()
            .and_then(|index| days.get_mut(index))
        else {
            continue;
        };
        match tally.status.as_str() {
            "cancelled" => counts.cancelled += 1,
            "confirmed" => {
                counts.bookings += 1;
                counts.covers += u32::try_from(tally.party_size).unwrap_or(0);
            }
            // A place on the waitlist is not a booking (yet).
            _ => {}
        }
        match tally.attendance.as_deref().and_then(Attendance::parse) {
            Some(Attendance::Arrived) => counts.arrived += 1,
            Some(Attendance::NoShow) => counts.no_show += 1,
            Some(Attendance::LateCancelled) => counts.late_cancelled += 1,
            None => {}
        }
    }
    Ok(Json(CountsReport { days }))
}

/// `DELETE /inbox/bookings/{id}`.
#[utoipa::path(
    delete,
    path = "/api/v1/inbox/bookings/{id}",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The booking id")),
    responses(
        (status = 204, description = "Erased: ciphertext and metadata, at once"),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 404, description = "`not_found` (also for another business's booking)", body = ErrorBody),
    ),
)]
pub(crate) async fn erase(
    State(state): State<AppState>,
    session: StaffSession,
    PathParam(id): PathParam,
) -> Result<StatusCode, AppError> {
    let Some(flush) = state
        .storage
        .erase_for_business(&session.staff.business, &id)
        .await?
    else {
        return Err(AppError::NotFound);
    };
    state.metrics.record_erasure(flush);
    state.notifier.wake();
    state.offers.wake();
    session
        .audit(&state, "erased", Some(&id), String::new())
        .await?;
    tracing::info!("booking erased by staff");
    Ok(StatusCode::NO_CONTENT)
}

/// More bookings than one export can hold (a listing covers at most 62 days): a
/// larger count is a client's mistake, not something to write into the audit log.
const MAX_EXPORT_COUNT: u32 = 1_000_000;

/// `POST /inbox/exports`: the inbox built an export in the browser.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/exports",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = ExportReport, content_type = "application/json"),
    responses(
        (status = 204, description = "Recorded in the audit log"),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn exported(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(report): JsonBody<ExportReport>,
) -> Result<StatusCode, AppError> {
    if !["csv", "ics", "html"].contains(&report.format.as_str()) {
        return Err(AppError::BadRequest(
            "format must be csv, ics or html".to_owned(),
        ));
    }
    if report.count > MAX_EXPORT_COUNT {
        return Err(AppError::BadRequest(format!(
            "count must be at most {MAX_EXPORT_COUNT}"
        )));
    }
    session
        .audit(
            &state,
            "exported",
            None,
            format!("{} {} bookings", report.format, report.count),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /inbox/consents/{consent_id}`: the proof of an opt-in a booking names.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/consents/{consent_id}",
    tag = "inbox",
    security(("session" = [])),
    params(("consent_id" = String, Path, description = "The consent id sealed in the booking")),
    responses(
        (status = 200, description = "The business's records with this consent id, oldest first", body = ConsentList),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
    ),
)]
pub(crate) async fn consents(
    State(state): State<AppState>,
    session: StaffSession,
    PathParam(consent_id): PathParam,
) -> Result<Json<ConsentList>, AppError> {
    let records = state
        .storage
        .consents_with_id(&session.staff.business, &consent_id)
        .await?
        .into_iter()
        .map(|record| ConsentView {
            business: record.business.into_string(),
            consent_id: record.consent_id,
            recorded_at: jiff::Timestamp::from_second(record.recorded_at)
                .map_or_else(|_| record.recorded_at.to_string(), |time| time.to_string()),
            notice_version: record.notice_version,
            language: record.language,
            granted: record.granted,
            refused: record.refused,
            services: record.services,
            action: record.action,
            notice_hash: URL_SAFE_NO_PAD.encode(record.notice_hash),
        })
        .collect();
    Ok(Json(ConsentList { records }))
}
