//! `POST /inbox/bookings`: bookings staff enter themselves (a phone call, a
//! walk-in). The browser seals them; the server holds capacity through the
//! same atomic path as a visitor's booking and records who entered them.
//! `POST /inbox/bookings/{id}/move`: another time, checked the same way.
//! `POST /inbox/blocks`: capacity held with no visitor behind it (a private
//! event, a broken oven), its staff-only label sealed like a booking; erased
//! like a booking (`DELETE /inbox/bookings/{id}`).
//! Past capacity only an owner or a manager may squeeze in, and it is audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use sealbook_wire::api::bookings::BookingRequest;
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::inbox::{BlockRequest, MoveRequest, StaffBooking, StaffBookingRequest};

use super::bookings::{check, timestamp, wish_of};
use super::inbox::{business_of, find, shown, staff_booking};
use crate::auth::session::StaffSession;
use crate::availability::{Hold, Occupancy, Refusal, Wish, competing_window, hold, hold_block};
use crate::config::Business;
use crate::extract::{JsonBody, PathParam};
use crate::ids::BookingId;
use crate::storage::{MoveOutcome, Moved, NewBooking, Role};
use crate::{AppError, AppState};

/// `POST /inbox/bookings`.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/bookings",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = StaffBookingRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored; capacity held like a visitor's booking (or past it, squeezed in)", body = StaffBooking),
        (status = 400, description = "`bad_request`, `malformed_envelope`, `business_mismatch`, `unknown_key`, `invalid_start`, `invalid_party_size`, `unknown_service` or `unknown_practitioner`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`, or `squeeze_in_forbidden`: only the owner or a manager may squeeze in", body = ErrorBody),
        (status = 404, description = "`not_found`: the member's business is no longer configured", body = ErrorBody),
        (status = 409, description = "`slot_full` or `replayed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`start_in_past`, `too_soon`, `too_far`, `outside_opening_hours` or `party_too_large`", body = ErrorBody),
    ),
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(request): JsonBody<StaffBookingRequest>,
) -> Result<(StatusCode, Json<StaffBooking>), AppError> {
    to_the_end(store(state, session, request)).await
}

/// Runs `work` in a task of its own, as a visitor's booking is stored: it runs
/// to the end even if the client hangs up, never leaving a group-committed
/// transaction half-way.
async fn to_the_end<T: Send + 'static>(
    work: impl Future<Output = Result<T, AppError>> + Send + 'static,
) -> Result<T, AppError> {
    tokio::spawn(work)
        .await
        .map_err(|error| AppError::Internal(Box::new(error)))?
}

async fn store(
    state: AppState,
    session: StaffSession,
    request: StaffBookingRequest,
) -> Result<(StatusCode, Json<StaffBooking>), AppError> {
    may_squeeze_in(&session, request.squeeze_in)?;
    let business = business_of(&state, &session)?;
    let upload = staff_upload(
        request.envelope,
        request.start,
        (request.party_size, request.service, request.practitioner),
    );
    let checked = check(&upload, &business)?;
    let wish = wish_of(&upload);
    let window = competing_window(&business.profile, &wish, checked.start)?;
    let now = jiff::Timestamp::now();
    let booking_id = BookingId::generate().map_err(|error| AppError::Internal(Box::new(error)))?;
    let booking = state
        .storage
        .book_by_staff(
            &business.id,
            window,
            (checked.envelope_hash, false),
            |competing| {
                let (held, squeezed) = hold_or_squeeze(
                    &business,
                    &wish,
                    (checked.start, now),
                    competing,
                    request.squeeze_in,
                )?;
                let audit = session.audit_entry(
                    "staff_booked",
                    Some(booking_id.as_str()),
                    format!("entered by staff{}", squeezed_note(squeezed)),
                );
                let booking = checked.into_booking(
                    &upload,
                    held,
                    booking_id,
                    business.id.clone(),
                    None,
                    now.as_second(),
                );
                Ok((booking, audit))
            },
        )
        .await?;
    state.notifier.wake();
    state.offers.wake();
    tracing::info!(business = %business.id, "booking entered by staff");
    created(&state, &session, &business, booking.id.as_str()).await
}

/// What staff enter goes through the visitor's checks of the envelope, its
/// keys and the start, as an upload without the visitor's copy.
fn staff_upload(
    envelope: String,
    start: String,
    (party_size, service, practitioner): (Option<u32>, Option<String>, Option<String>),
) -> BookingRequest {
    BookingRequest {
        envelope,
        start,
        party_size,
        service,
        practitioner,
        visitor_copy: None,
        manage_token_hash: None,
        contact_card: None,
        cancel_token_hash: None,
    }
}

/// `201 Created` with the booking or block as the inbox shows it (a new one
/// carries no mark).
async fn created(
    state: &AppState,
    session: &StaffSession,
    business: &Business,
    id: &str,
) -> Result<(StatusCode, Json<StaffBooking>), AppError> {
    let stored = find(state, session, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(staff_booking(business, &stored, false)),
    ))
}

/// Only the owner or a manager may squeeze in past capacity.
fn may_squeeze_in(session: &StaffSession, squeeze_in: bool) -> Result<(), AppError> {
    if squeeze_in && session.staff.role < Role::Manager {
        return Err(AppError::SqueezeInForbidden);
    }
    Ok(())
}

fn squeezed_note(squeezed: bool) -> &'static str {
    if squeezed {
        ", squeezed in past capacity"
    } else {
        ""
    }
}

/// [`hold`], or with `squeeze_in` the same decision as if the slot were empty
/// when it is full: only capacity gives way, every other rule still applies.
/// Also says whether it was squeezed in.
fn hold_or_squeeze(
    business: &Business,
    wish: &Wish<'_>,
    (start, now): (jiff::Timestamp, jiff::Timestamp),
    competing: &[Occupancy],
    squeeze_in: bool,
) -> Result<(Hold, bool), Refusal> {
    match hold(&business.profile, wish, start, now, competing) {
        Ok(held) => Ok((held, false)),
        Err(Refusal::SlotFull) if squeeze_in => {
            Ok((hold(&business.profile, wish, start, now, &[])?, true))
        }
        Err(refusal) => Err(refusal),
    }
}

/// `POST /inbox/bookings/{id}/move`.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/bookings/{id}/move",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The booking id")),
    request_body(content = MoveRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Moved: the booking at its new time; its sealed part and the visitor's copy are unchanged", body = StaffBooking),
        (status = 400, description = "`bad_request`, `invalid_start`, `unknown_service` or `unknown_practitioner`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`, or `squeeze_in_forbidden`: only the owner or a manager may squeeze in", body = ErrorBody),
        (status = 404, description = "`not_found` (also for another business's booking)", body = ErrorBody),
        (status = 409, description = "`slot_full`, or `booking_cancelled`: a cancelled booking is not moved", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`start_in_past`, `too_soon`, `too_far` or `outside_opening_hours`", body = ErrorBody),
    ),
)]
pub(crate) async fn move_booking(
    State(state): State<AppState>,
    session: StaffSession,
    PathParam(id): PathParam,
    JsonBody(request): JsonBody<MoveRequest>,
) -> Result<Json<StaffBooking>, AppError> {
    may_squeeze_in(&session, request.squeeze_in)?;
    let business = business_of(&state, &session)?;
    let start: jiff::Timestamp = request.start.parse().map_err(|_| AppError::InvalidStart)?;
    let now = jiff::Timestamp::now();
    // The wish as it will be: the booking's own party, service and
    // practitioner unless the request names others.
    let wish_for = |current: &crate::storage::StoredBooking| {
        let clinic = current.service.is_some();
        (
            current.party_size,
            request.service.clone().or_else(|| current.service.clone()),
            request
                .practitioner
                .clone()
                .or_else(|| current.practitioner.clone())
                .filter(|_| clinic),
        )
    };
    let outcome = state
        .storage
        .move_booking(
            &business.id,
            &id,
            |current| {
                let (party_size, service, practitioner) = wish_for(current);
                let wish = Wish {
                    party_size,
                    service: service.as_deref(),
                    practitioner: practitioner.as_deref(),
                };
                competing_window(&business.profile, &wish, start)
            },
            |current, competing| {
                let (party_size, service, practitioner) = wish_for(current);
                let wish = Wish {
                    party_size,
                    service: service.as_deref(),
                    practitioner: practitioner.as_deref(),
                };
                let (held, squeezed) = hold_or_squeeze(
                    &business,
                    &wish,
                    (start, now),
                    competing,
                    request.squeeze_in,
                )?;
                let mut detail = format!(
                    "moved {} -> {}",
                    timestamp(current.starts_at),
                    timestamp(start.as_second())
                );
                if held.practitioner != current.practitioner {
                    detail.push_str(&format!(
                        ", practitioner {} -> {}",
                        current.practitioner.as_deref().unwrap_or("-"),
                        held.practitioner.as_deref().unwrap_or("-")
                    ));
                }
                if service != current.service {
                    detail.push_str(&format!(
                        ", service {} -> {}",
                        current.service.as_deref().unwrap_or("-"),
                        service.as_deref().unwrap_or("-")
                    ));
                }
                detail.push_str(squeezed_note(squeezed));
                let moved = Moved {
                    starts_at: start.as_second(),
                    ends_at: held.ends_at.as_second(),
                    service: service.clone(),
                    practitioner: held.practitioner,
                };
                Ok((moved, session.audit_entry("moved", Some(&id), detail)))
            },
        )
        .await?;
    match outcome {
        MoveOutcome::Moved(_) => {
            state.notifier.wake();
            state.offers.wake();
            tracing::info!(business = %business.id, "booking moved by staff");
            let stored = find(&state, &session, &id).await?;
            Ok(Json(shown(&state, &business, &stored).await?))
        }
        MoveOutcome::NotFound => Err(AppError::NotFound),
        MoveOutcome::Cancelled => Err(AppError::BookingCancelled),
    }
}

/// The longest block: a whole day.
const MAX_BLOCK_SECONDS: i64 = 24 * 3600;

/// `POST /inbox/blocks`.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/blocks",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = BlockRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Held: listed with the bookings as a block; removed with `DELETE /inbox/bookings/{id}`", body = StaffBooking),
        (status = 400, description = "`bad_request`, `malformed_envelope`, `business_mismatch`, `unknown_key`, `invalid_start`, `invalid_block`, `invalid_party_size` or `unknown_practitioner`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`, or `squeeze_in_forbidden`: only the owner or a manager may block over bookings", body = ErrorBody),
        (status = 404, description = "`not_found`: the member's business is no longer configured", body = ErrorBody),
        (status = 409, description = "`slot_full`: bookings already use that capacity; or `replayed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`start_in_past`: the block is over", body = ErrorBody),
    ),
)]
pub(crate) async fn block(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(request): JsonBody<BlockRequest>,
) -> Result<(StatusCode, Json<StaffBooking>), AppError> {
    to_the_end(store_block(state, session, request)).await
}

async fn store_block(
    state: AppState,
    session: StaffSession,
    request: BlockRequest,
) -> Result<(StatusCode, Json<StaffBooking>), AppError> {
    may_squeeze_in(&session, request.squeeze_in)?;
    let business = business_of(&state, &session)?;
    let upload = staff_upload(
        request.envelope,
        request.start,
        (request.covers, None, request.practitioner),
    );
    let checked = check(&upload, &business)?;
    let end: jiff::Timestamp = request.end.parse().map_err(|_| AppError::InvalidBlock)?;
    let (start, finish) = (checked.start.as_second(), end.as_second());
    if finish <= start || finish - start > MAX_BLOCK_SECONDS {
        return Err(AppError::InvalidBlock);
    }
    let now = jiff::Timestamp::now();
    let block_id = BookingId::generate().map_err(|error| AppError::Internal(Box::new(error)))?;
    let stored_id = block_id.clone();
    let decide = |competing: &[Occupancy]| {
        let rules = |competing: &[Occupancy]| {
            hold_block(
                &business.profile,
                (checked.start, end),
                now,
                request.covers,
                upload.practitioner.as_deref(),
                competing,
            )
        };
        let (held, squeezed) = match rules(competing) {
            Ok(held) => (held, false),
            Err(Refusal::SlotFull) if request.squeeze_in => (rules(&[])?, true),
            Err(refusal) => return Err(refusal),
        };
        let what = match &held.practitioner {
            Some(practitioner) => format!("practitioner {practitioner}"),
            None => format!("{} covers", held.party_size),
        };
        let audit = session.audit_entry(
            "blocked",
            Some(block_id.as_str()),
            format!(
                "{what}, {} -> {}{}",
                timestamp(start),
                timestamp(finish),
                squeezed_note(squeezed)
            ),
        );
        let booking = NewBooking {
            id: block_id,
            business: business.id.clone(),
            starts_at: start,
            ends_at: finish,
            party_size: held.party_size,
            service: None,
            practitioner: held.practitioner,
            envelope: checked.envelope,
            envelope_hash: checked.envelope_hash,
            visitor_copy: None,
            token_hash: None,
            created_at: now.as_second(),
            contact_card: None,
        };
        Ok((booking, audit))
    };
    state
        .storage
        .book_by_staff(
            &business.id,
            (start, finish),
            (checked.envelope_hash, true),
            decide,
        )
        .await?;
    tracing::info!(business = %business.id, "capacity blocked by staff");
    created(&state, &session, &business, stored_id.as_str()).await
}
