//! The waitlist of a full slot: `POST /businesses/{id}/waitlist` joins it with
//! a sealed booking and a contact card (the courier writes when seats free
//! up); `POST /offer` takes up the seats an offer holds, authorised by the
//! cancel token of the visitor's messages.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use sealbook_wire::api::bookings::{BookingRequest, Created};
use sealbook_wire::api::courier::CancelLinkBooking;
use sealbook_wire::api::error::ErrorBody;

use super::bookings::{admit, created, timestamp};
use crate::availability::{Hold, Refusal, hold};
use crate::extract::{JsonBody, PathParam};
use crate::limits::ClientKey;
use crate::storage::{Booked, TakeUpError};
use crate::{AppError, AppState};

#[utoipa::path(
    post,
    path = "/api/v1/businesses/{business}/waitlist",
    tag = "widget",
    params(
        ("business" = String, Path, description = "The business id"),
        ("Idempotency-Key" = Option<String>, Header, description = "1–128 visible ASCII characters; a retry with the same key and request gets the first answer"),
    ),
    request_body(content = BookingRequest, content_type = "application/json", description = "A booking request for a full slot, with its contact card (required)"),
    responses(
        (status = 201, description = "On the waitlist; the courier confirms it and writes when seats free up", body = Created),
        (status = 200, description = "A retry of a stored request (same `Idempotency-Key`)", body = Created),
        (status = 400, description = "`bad_request` (no contact card), `no_waitlist`, `malformed_envelope`, `business_mismatch`, `unknown_key`, `no_courier`, `invalid_start`, `invalid_party_size`, `unknown_service` or `unknown_practitioner`", body = ErrorBody),
        (status = 404, description = "`unknown_business` or `not_found`", body = ErrorBody),
        (status = 409, description = "`slot_open`: the slot has room, book it; `idempotency_conflict` or `replayed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`start_in_past`, `too_soon`, `too_far`, `outside_opening_hours` or `party_too_large`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn join(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    headers: HeaderMap,
    client: Option<Extension<ClientKey>>,
    JsonBody(request): JsonBody<BookingRequest>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    // As for a booking: the write runs to its end even if the client hangs up.
    tokio::spawn(store(
        state,
        id,
        (headers, client.map(|Extension(key)| key)),
        request,
    ))
    .await
    .map_err(|error| AppError::Internal(Box::new(error)))?
}

async fn store(
    state: AppState,
    id: String,
    (headers, client): (HeaderMap, Option<ClientKey>),
    request: BookingRequest,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let business = super::business(&state, &id)?;
    if business.waitlist_hold_seconds().is_none() {
        return Err(AppError::NoWaitlist);
    }
    let admitted = admit(&state, &business, (&headers, client), &request, true)?;
    let ends_at =
        jiff::Timestamp::from_second(admitted.window.1).map_err(|_| AppError::InvalidStart)?;
    // The practitioner the visitor asked for; whoever is free is chosen at the offer.
    let practitioner = admitted
        .wish
        .practitioner
        .filter(|asked| *asked != "any")
        .map(str::to_owned);
    let waiting = state
        .storage
        .join_waitlist(
            &business.id,
            (admitted.window, (admitted.idempotency, admitted.allowance)),
            admitted.checked.fingerprints(),
            |competing| match hold(
                &business.profile,
                &admitted.wish,
                admitted.checked.start,
                admitted.now,
                competing,
            ) {
                Ok(_) => Err(Refusal::SlotOpen),
                Err(Refusal::SlotFull) => Ok(admitted.checked.into_booking(
                    &request,
                    Hold {
                        ends_at,
                        practitioner,
                    },
                    admitted.booking_id,
                    business.id.clone(),
                    admitted.token_hash,
                    admitted.now.as_second(),
                )),
                Err(other) => Err(other),
            },
        )
        .await?;
    match waiting {
        Booked::Created(place) => {
            tracing::info!(business = %business.id, "waitlist joined");
            Ok((
                StatusCode::CREATED,
                Json(Created {
                    id: place.id.to_string(),
                    start: timestamp(place.starts_at),
                    practitioner: None,
                }),
            ))
        }
        Booked::Replayed(place) => Ok((StatusCode::OK, Json(created(&place)))),
    }
}

/// `POST /offer`: the seats an offer holds become the visitor's booking.
#[utoipa::path(
    post,
    path = "/api/v1/offer",
    tag = "manage",
    // Without a token the answer is the same 404 as with a wrong one: no oracle.
    security((), ("cancel_token" = [])),
    responses(
        (status = 200, description = "Booked: `status` is `confirmed` (also for a retry)", body = CancelLinkBooking),
        (status = 404, description = "`booking_not_found` (also for a missing or wrong token)", body = ErrorBody),
        (status = 409, description = "`slot_full`: no seats are offered yet; or `booking_cancelled`", body = ErrorBody),
        (status = 410, description = "`offer_lapsed`: the hold ended", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn take_up(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<CancelLinkBooking>, AppError> {
    let (booking, manage_hash) = super::courier::cancel_link_booking(&state, &headers).await?;
    let business = super::business(&state, booking.business.as_str())?;
    let cancel_hash = super::courier::cancel_hash(&headers)?;
    let now = jiff::Timestamp::now().as_second();
    match state
        .storage
        .take_up_offer(&business.id, &cancel_hash, now)
        .await
    {
        Ok(_) => {}
        Err(TakeUpError::Lapsed) => return Err(AppError::OfferLapsed),
        Err(TakeUpError::NoOffer) => {
            return Err(match booking.status.as_str() {
                "waiting" => AppError::SlotFull,
                "cancelled" => AppError::BookingCancelled,
                _ => AppError::BookingNotFound,
            });
        }
        Err(TakeUpError::Database(error)) => return Err(error.into()),
    }
    state.notifier.wake();
    tracing::info!("waitlist offer taken up");
    let booking = super::manage::managed(&state, booking.id.as_str(), &manage_hash).await?;
    Ok(Json(super::courier::cancel_link_view(&business, booking)))
}
