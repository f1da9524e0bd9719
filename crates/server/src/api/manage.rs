//! The visitor's manage link: read, change, cancel, erase — authorised by the
//! token derived from the secret in the link's fragment. A wrong token and an
//! unknown booking are the same 404, so ids cannot be probed. Change and cancel
//! close at the business's cancellation deadline (`cancellation_closed`, with
//! the deadline and the business's phone); erasure never does.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::ManageToken;
use sealbook_wire::api::bookings::BookingRequest;
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::manage::ManagedBooking;

use super::bookings::{check, timestamp, wish_of};
use crate::availability::{competing_window, hold};
use crate::config::Business;
use crate::extract::{JsonBody, PathParam};
use crate::storage::{Cancel, Rebook, StoredBooking};
use crate::{AppError, AppState};

/// The answer to a change or cancel of `booking` after `business`'s deadline.
fn closed(business: &Business, booking: &StoredBooking) -> AppError {
    AppError::CancellationClosed {
        deadline: timestamp(business.profile.cancellation.deadline(booking.starts_at)),
        phone: business.phone.clone(),
    }
}

/// At this moment, bookings starting at or before the returned unix second
/// are inside `business`'s cancellation deadline.
fn late_from(business: &Business) -> i64 {
    business
        .profile
        .cancellation
        .late_from(jiff::Timestamp::now().as_second())
}

/// `SHA-256(token)` from `Authorization: Bearer <token>`.
fn token_hash(headers: &HeaderMap) -> Result<[u8; 32], AppError> {
    super::bearer(headers)
        .and_then(ManageToken::from_base64url)
        .map(|token| token.hash().0)
        .ok_or(AppError::BookingNotFound)
}

impl From<StoredBooking> for ManagedBooking {
    fn from(booking: StoredBooking) -> Self {
        Self {
            id: booking.id.to_string(),
            business: booking.business.into_string(),
            start: timestamp(booking.starts_at),
            party_size: booking.party_size,
            service: booking.service,
            practitioner: booking.practitioner,
            status: booking.status,
            visitor_copy: booking
                .visitor_copy
                .map(|bytes| URL_SAFE_NO_PAD.encode(bytes)),
            hold_until: booking.hold_until.map(timestamp),
        }
    }
}

pub(super) async fn managed(
    state: &AppState,
    id: &str,
    token_hash: &[u8; 32],
) -> Result<StoredBooking, AppError> {
    state
        .storage
        .managed_booking(id, token_hash)
        .await?
        .ok_or(AppError::BookingNotFound)
}

/// `GET /bookings/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/bookings/{id}",
    tag = "manage",
    params(("id" = String, Path, description = "The booking id")),
    security(("manage_token" = [])),
    responses(
        (status = 200, description = "The booking", body = ManagedBooking),
        (status = 404, description = "`booking_not_found` (also for a missing or wrong token) or `not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn read(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    headers: HeaderMap,
) -> Result<Json<ManagedBooking>, AppError> {
    let token_hash = token_hash(&headers)?;
    Ok(Json(managed(&state, &id, &token_hash).await?.into()))
}

/// `POST /bookings/{id}/cancel`: frees the capacity, until the business's
/// cancellation deadline. An attendance mark staff set stays.
#[utoipa::path(
    post,
    path = "/api/v1/bookings/{id}/cancel",
    tag = "manage",
    params(("id" = String, Path, description = "The booking id")),
    security(("manage_token" = [])),
    responses(
        (status = 200, description = "The cancelled booking (also when it was cancelled already)", body = ManagedBooking),
        (status = 404, description = "`booking_not_found` (also for a missing or wrong token) or `not_found`", body = ErrorBody),
        (status = 422, description = "`cancellation_closed`, with `deadline` and `phone`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    headers: HeaderMap,
) -> Result<Json<ManagedBooking>, AppError> {
    let token_hash = token_hash(&headers)?;
    let current = managed(&state, &id, &token_hash).await?;
    let business = super::business(&state, current.business.as_str())?;
    let cancelled = cancel_as_visitor(&state, &business, &id, &token_hash).await?;
    tracing::info!("booking cancelled by the visitor");
    Ok(Json(cancelled.into()))
}

/// The visitor's cancel of booking `id` (whose manage token hashes to
/// `token_hash`), by the manage link or a message's cancel link: until the
/// business's deadline, then `cancellation_closed`.
pub(super) async fn cancel_as_visitor(
    state: &AppState,
    business: &Business,
    id: &str,
    token_hash: &[u8; 32],
) -> Result<StoredBooking, AppError> {
    match state
        .storage
        .cancel(id, token_hash, late_from(business))
        .await?
    {
        None => Err(AppError::BookingNotFound),
        Some(Cancel::Closed(booking)) => Err(closed(business, &booking)),
        Some(Cancel::Cancelled(booking)) => {
            state.notifier.wake();
            state.offers.wake();
            Ok(booking)
        }
    }
}

/// `DELETE /bookings/{id}`: erases the booking and all its metadata at once,
/// whenever the visitor asks (a right the cancellation deadline does not limit).
#[utoipa::path(
    delete,
    path = "/api/v1/bookings/{id}",
    tag = "manage",
    params(("id" = String, Path, description = "The booking id")),
    security(("manage_token" = [])),
    responses(
        (status = 204, description = "Erased"),
        (status = 404, description = "`booking_not_found` (also for a missing or wrong token) or `not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn erase(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    let token_hash = token_hash(&headers)?;
    let Some(flush) = state.storage.erase(&id, &token_hash).await? else {
        return Err(AppError::BookingNotFound);
    };
    state.notifier.wake();
    state.offers.wake();
    state.metrics.record_erasure(flush);
    tracing::info!("booking erased by the visitor");
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /bookings/{id}`: a new time, with a re-sealed envelope and visitor copy.
#[utoipa::path(
    put,
    path = "/api/v1/bookings/{id}",
    tag = "manage",
    params(("id" = String, Path, description = "The booking id")),
    security(("manage_token" = [])),
    request_body(content = BookingRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The changed booking", body = ManagedBooking),
        (status = 400, description = "`bad_request`, `malformed_envelope`, `business_mismatch`, `unknown_key`, `invalid_start`, `invalid_party_size`, `unknown_service` or `unknown_practitioner`", body = ErrorBody),
        (status = 404, description = "`booking_not_found` (also for a missing or wrong token) or `not_found`", body = ErrorBody),
        (status = 409, description = "`slot_full`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`start_in_past`, `too_soon`, `too_far`, `outside_opening_hours`, `party_too_large`, or `cancellation_closed` (with `deadline` and `phone`)", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn change(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    headers: HeaderMap,
    JsonBody(request): JsonBody<BookingRequest>,
) -> Result<Json<ManagedBooking>, AppError> {
    let token_hash = token_hash(&headers)?;
    let current = managed(&state, &id, &token_hash).await?;
    let business = super::business(&state, current.business.as_str())?;
    // Said before the body is checked: no new time helps after the deadline.
    if current.status == "confirmed" && current.starts_at <= late_from(&business) {
        return Err(closed(&business, &current));
    }
    if request.manage_token_hash.is_some() {
        return Err(AppError::BadRequest(
            "the manage token cannot change".to_owned(),
        ));
    }
    let checked = check(&request, &business)?;
    if checked.visitor_copy.is_none() {
        return Err(AppError::BadRequest(
            "a change carries a re-sealed visitor_copy".to_owned(),
        ));
    }
    let wish = wish_of(&request);
    let window = competing_window(&business.profile, &wish, checked.start)?;
    let now = jiff::Timestamp::now();
    let changed = state
        .storage
        .rebook(
            &business.id,
            (&id, &token_hash),
            late_from(&business),
            window,
            |current, competing| {
                let held = hold(&business.profile, &wish, checked.start, now, competing)?;
                Ok(checked.into_booking(
                    &request,
                    held,
                    current.id.clone(),
                    current.business.clone(),
                    Some(token_hash),
                    current.created_at,
                ))
            },
        )
        .await?;
    match changed {
        Rebook::Changed(_) => {}
        Rebook::NotFound => return Err(AppError::BookingNotFound),
        Rebook::Closed(current) => return Err(closed(&business, &current)),
    }
    state.notifier.wake();
    state.offers.wake();
    tracing::info!("booking changed by the visitor");
    Ok(Json(managed(&state, &id, &token_hash).await?.into()))
}
