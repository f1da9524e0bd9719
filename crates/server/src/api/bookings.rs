//! `POST /businesses/{id}/bookings`: hold capacity and store a sealed booking.

use axum::Extension;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Envelope, Kind};
use sealbook_wire::api::bookings::{BookingRequest, Created};
use sealbook_wire::api::error::ErrorBody;
use sha2::{Digest, Sha256};

use crate::availability::{Hold, Wish, competing_window, hold};
use crate::config::Business;
use crate::extract::{JsonBody, PathParam};
use crate::ids::{BookingId, BusinessId};
use crate::limits::ClientKey;
use crate::storage::{
    Booked, Fingerprints, Idempotency, MinuteTake, NewBooking, NewContactCard, SlotAllowance,
    StoredBooking,
};
use crate::{AppError, AppState};

/// The answer to a retry: the booking the first request stored.
pub(super) fn created(booking: &StoredBooking) -> Created {
    Created {
        id: booking.id.to_string(),
        start: timestamp(booking.starts_at),
        practitioner: booking.practitioner.clone(),
    }
}

/// A request checked against the envelope format and the business.
pub(super) struct Checked {
    pub envelope: Vec<u8>,
    pub envelope_hash: [u8; 32],
    pub visitor_copy: Option<Vec<u8>>,
    pub contact_card: Option<NewContactCard>,
    pub start: jiff::Timestamp,
}

impl Checked {
    /// What no other booking may share, named before the booking is decided.
    pub(super) fn fingerprints(&self) -> Fingerprints {
        Fingerprints::of(self.envelope_hash, self.contact_card.as_ref())
    }

    /// The row to write once capacity is held.
    pub(super) fn into_booking(
        self,
        request: &BookingRequest,
        held: Hold,
        id: BookingId,
        business: BusinessId,
        token_hash: Option<[u8; 32]>,
        created_at: i64,
    ) -> NewBooking {
        NewBooking {
            id,
            business,
            starts_at: self.start.as_second(),
            ends_at: held.ends_at.as_second(),
            party_size: wish_of(request).party_size,
            service: request.service.clone(),
            practitioner: held.practitioner,
            envelope: self.envelope,
            envelope_hash: self.envelope_hash,
            visitor_copy: self.visitor_copy,
            token_hash,
            created_at,
            contact_card: self.contact_card,
        }
    }
}

/// What the request asks to hold.
pub(super) fn wish_of(request: &BookingRequest) -> Wish<'_> {
    Wish {
        party_size: request.party_size.unwrap_or(1),
        service: request.service.as_deref(),
        practitioner: request.practitioner.as_deref(),
    }
}

/// Envelope structure, business, keys, visitor copy and start time.
pub(super) fn check(request: &BookingRequest, business: &Business) -> Result<Checked, AppError> {
    let envelope = URL_SAFE_NO_PAD
        .decode(&request.envelope)
        .map_err(|_| AppError::MalformedEnvelope)?;
    let parsed = Envelope::parse(&envelope).map_err(|_| AppError::MalformedEnvelope)?;
    let header = parsed.header();
    if header.kind != Kind::Booking {
        return Err(AppError::MalformedEnvelope);
    }
    if header.business != business.id.as_str() {
        return Err(AppError::BusinessMismatch);
    }
    if !header
        .kids()
        .all(|kid| business.active_kids().any(|active| active == kid))
    {
        return Err(AppError::UnknownKey);
    }
    let visitor_copy = request
        .visitor_copy
        .as_deref()
        .map(|text| {
            let bytes = URL_SAFE_NO_PAD
                .decode(text)
                .map_err(|_| AppError::MalformedEnvelope)?;
            let copy = Envelope::parse(&bytes).map_err(|_| AppError::MalformedEnvelope)?;
            if copy.header().kind != Kind::VisitorCopy {
                return Err(AppError::MalformedEnvelope);
            }
            if copy.header().business != business.id.as_str() {
                return Err(AppError::BusinessMismatch);
            }
            Ok(bytes)
        })
        .transpose()?;
    let contact_card = contact_card(request, business)?;
    if contact_card.is_some() && visitor_copy.is_none() {
        return Err(AppError::BadRequest(
            "a contact card comes with the visitor copy whose link it can cancel".to_owned(),
        ));
    }
    let start: jiff::Timestamp = request.start.parse().map_err(|_| AppError::InvalidStart)?;
    Ok(Checked {
        envelope_hash: Sha256::digest(&envelope).into(),
        envelope,
        visitor_copy,
        contact_card,
        start,
    })
}

/// The contact card, checked like the booking: its structure, its business,
/// and that it is sealed to the business's active courier keys and no others.
fn contact_card(
    request: &BookingRequest,
    business: &Business,
) -> Result<Option<NewContactCard>, AppError> {
    let (card, hash) = match (&request.contact_card, &request.cancel_token_hash) {
        (None, None) => return Ok(None),
        (Some(card), Some(hash)) => (card, hash),
        _ => {
            return Err(AppError::BadRequest(
                "contact_card and cancel_token_hash come together".to_owned(),
            ));
        }
    };
    let courier = business.courier.as_ref().ok_or(AppError::NoCourier)?;
    let envelope = URL_SAFE_NO_PAD
        .decode(card)
        .map_err(|_| AppError::MalformedEnvelope)?;
    let parsed = Envelope::parse(&envelope).map_err(|_| AppError::MalformedEnvelope)?;
    let header = parsed.header();
    if header.kind != Kind::ContactCard {
        return Err(AppError::MalformedEnvelope);
    }
    if header.business != business.id.as_str() {
        return Err(AppError::BusinessMismatch);
    }
    if !header
        .kids()
        .all(|kid| courier.active_kids().any(|active| active == kid))
    {
        return Err(AppError::UnknownKey);
    }
    let cancel_hash = sealbook_envelope::TokenHash::from_base64url(hash)
        .ok_or_else(|| {
            AppError::BadRequest("cancel_token_hash must be base64url of 32 bytes".to_owned())
        })?
        .0;
    if request
        .manage_token_hash
        .as_deref()
        .is_some_and(|manage| manage == hash)
    {
        return Err(AppError::BadRequest(
            "the cancel token must not be the manage token".to_owned(),
        ));
    }
    Ok(Some(NewContactCard {
        envelope,
        cancel_hash,
    }))
}

/// The manage token's hash, which comes with the visitor copy it opens.
fn manage_token_hash(
    checked: &Checked,
    request: &BookingRequest,
) -> Result<Option<[u8; 32]>, AppError> {
    match (&checked.visitor_copy, request.manage_token_hash.as_deref()) {
        (None, None) => Ok(None),
        (Some(_), Some(hash)) => sealbook_envelope::TokenHash::from_base64url(hash)
            .map(|hash| Some(hash.0))
            .ok_or_else(|| {
                AppError::BadRequest("manage_token_hash must be base64url of 32 bytes".to_owned())
            }),
        _ => Err(AppError::BadRequest(
            "visitor_copy and manage_token_hash come together".to_owned(),
        )),
    }
}

fn idempotency(
    headers: &HeaderMap,
    request: &BookingRequest,
) -> Result<Option<Idempotency>, AppError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .filter(|key| (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            AppError::BadRequest(
                "Idempotency-Key must be 1–128 visible ASCII characters".to_owned(),
            )
        })?;
    let canonical =
        serde_json::to_vec(request).map_err(|error| AppError::Internal(Box::new(error)))?;
    Ok(Some(Idempotency {
        key_hash: Sha256::digest(key.as_bytes()).into(),
        request_hash: Sha256::digest(canonical).into(),
    }))
}

/// An upload that passed its checks: everything its write needs.
pub(super) struct Admitted<'r> {
    pub checked: Checked,
    pub token_hash: Option<[u8; 32]>,
    pub idempotency: Option<Idempotency>,
    /// The client's share of the start time, which the write takes unless
    /// the upload is a retry.
    pub allowance: SlotAllowance,
    pub wish: Wish<'r>,
    pub window: (i64, i64),
    pub now: jiff::Timestamp,
    pub booking_id: BookingId,
}

/// What a booking and a place on the waitlist go through before their write:
/// the envelope, business and token checks (and, for the waitlist,
/// `card_required`). The client's per-slot limit is counted by the write, in
/// its transaction, once it has found no earlier answer to the request: a
/// retry gets its first answer and takes nothing more.
pub(super) fn admit<'r>(
    state: &AppState,
    business: &Business,
    (headers, client): (&HeaderMap, Option<ClientKey>),
    request: &'r BookingRequest,
    card_required: bool,
) -> Result<Admitted<'r>, AppError> {
    let checked = check(request, business)?;
    if card_required && checked.contact_card.is_none() {
        return Err(AppError::BadRequest(
            "the waitlist needs a contact card: it is how the visitor hears of freed seats"
                .to_owned(),
        ));
    }
    let token_hash = manage_token_hash(&checked, request)?;
    let idempotency = idempotency(headers, request)?;
    let wish = wish_of(request);
    let window = competing_window(&business.profile, &wish, checked.start)?;
    let now = jiff::Timestamp::now();
    let booking_id = BookingId::generate().map_err(|error| AppError::Internal(Box::new(error)))?;
    let allowance =
        state
            .limits
            .slot_allowance(client, business.id.as_str(), checked.start.as_second());
    Ok(Admitted {
        checked,
        token_hash,
        idempotency,
        allowance,
        wish,
        window,
        now,
        booking_id,
    })
}

#[utoipa::path(
    post,
    path = "/api/v1/businesses/{business}/bookings",
    tag = "widget",
    params(
        ("business" = String, Path, description = "The business id"),
        ("Idempotency-Key" = Option<String>, Header, description = "1–128 visible ASCII characters; a retry with the same key and request gets the first answer"),
    ),
    request_body(content = BookingRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored", body = Created),
        (status = 200, description = "A retry of a stored request (same `Idempotency-Key`)", body = Created),
        (status = 400, description = "`bad_request`, `malformed_envelope`, `business_mismatch`, `unknown_key`, `no_courier`, `invalid_start`, `invalid_party_size`, `unknown_service` or `unknown_practitioner`", body = ErrorBody),
        (status = 404, description = "`unknown_business` or `not_found`", body = ErrorBody),
        (status = 409, description = "`slot_full`, `idempotency_conflict` or `replayed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`start_in_past`, `too_soon`, `too_far`, `outside_opening_hours` or `party_too_large`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn create(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    headers: HeaderMap,
    client: Option<Extension<ClientKey>>,
    per_minute: Option<Extension<MinuteTake>>,
    JsonBody(request): JsonBody<BookingRequest>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    // A task of its own runs to the end even if the client hangs up: a booking
    // is never left half-way inside a shared (group-committed) transaction.
    tokio::spawn(store(
        state,
        id,
        headers,
        (
            client.map(|Extension(key)| key),
            per_minute.map(|Extension(take)| take),
        ),
        request,
    ))
    .await
    .map_err(|error| AppError::Internal(Box::new(error)))?
}

async fn store(
    state: AppState,
    id: String,
    headers: HeaderMap,
    (client, per_minute): (Option<ClientKey>, Option<MinuteTake>),
    request: BookingRequest,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let business = super::business(&state, &id)?;
    let admitted = admit(&state, &business, (&headers, client), &request, false)?;
    let booked = state
        .storage
        .book_for_client(
            &business.id,
            (admitted.idempotency, admitted.allowance, per_minute),
            admitted.window,
            admitted.checked.fingerprints(),
            |competing| {
                let held = hold(
                    &business.profile,
                    &admitted.wish,
                    admitted.checked.start,
                    admitted.now,
                    competing,
                )?;
                Ok(admitted.checked.into_booking(
                    &request,
                    held,
                    admitted.booking_id,
                    business.id.clone(),
                    admitted.token_hash,
                    admitted.now.as_second(),
                ))
            },
        )
        .await?;
    match booked {
        Booked::Created(booking) => {
            tracing::info!(business = %business.id, "booking stored");
            state.notifier.wake();
            Ok((
                StatusCode::CREATED,
                Json(Created {
                    id: booking.id.to_string(),
                    start: timestamp(booking.starts_at),
                    practitioner: booking.practitioner,
                }),
            ))
        }
        Booked::Replayed(booking) => Ok((StatusCode::OK, Json(created(&booking)))),
    }
}

pub(super) fn timestamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map_or_else(|_| seconds.to_string(), |time| time.to_string())
}
