//! The JSON API the widget talks to.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Envelope, Kind};
use serde::{Deserialize, Serialize};

use crate::config::{Business, KeyStatus};
use crate::extract::{JsonBody, MAX_BODY_BYTES};
use crate::ids::BookingId;
use crate::storage::NewBooking;
use crate::{AppError, AppState};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/businesses/{business}/keys", get(keys))
        .route("/businesses/{business}/bookings", post(create_booking))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

fn business<'a>(state: &'a AppState, id: &str) -> Result<&'a Business, AppError> {
    state.config.business(id).ok_or(AppError::UnknownBusiness)
}

#[derive(Serialize)]
struct KeySet {
    business: String,
    keys: Vec<PublicKey>,
}

#[derive(Serialize)]
struct PublicKey {
    kid: String,
    /// base64url of the SubjectPublicKeyInfo DER.
    spki: String,
    status: KeyStatus,
}

/// `GET /businesses/{id}/keys`: the public key set the widget checks against its pins.
async fn keys(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<KeySet>, AppError> {
    let business = business(&state, &id)?;
    let keys = business
        .keys
        .iter()
        .filter(|key| key.status != KeyStatus::Compromised)
        .map(|key| PublicKey {
            kid: key.kid.to_string(),
            spki: URL_SAFE_NO_PAD.encode(&key.spki_der),
            status: key.status,
        })
        .collect();
    Ok(Json(KeySet {
        business: business.id.0.clone(),
        keys,
    }))
}

/// The upload: the envelope plus the public metadata needed to hold the slot.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewBookingRequest {
    /// base64url of the envelope.
    envelope: String,
    /// RFC 3339 start time.
    start: String,
    party_size: u32,
}

#[derive(Serialize)]
struct Created {
    id: String,
}

/// `POST /businesses/{id}/bookings`.
async fn create_booking(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<NewBookingRequest>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let business = business(&state, &id)?;
    let envelope_bytes = URL_SAFE_NO_PAD
        .decode(&request.envelope)
        .map_err(|_| AppError::MalformedEnvelope)?;
    let envelope = Envelope::parse(&envelope_bytes).map_err(|_| AppError::MalformedEnvelope)?;
    let header = envelope.header();
    if header.kind != Kind::Booking {
        return Err(AppError::MalformedEnvelope);
    }
    if header.business != business.id.0 {
        return Err(AppError::BusinessMismatch);
    }
    if !header
        .kids()
        .all(|kid| business.active_kids().any(|active| active == kid))
    {
        return Err(AppError::UnknownKey);
    }
    let start: jiff::Timestamp = request.start.parse().map_err(|_| AppError::InvalidStart)?;
    let now = jiff::Timestamp::now();
    if start <= now {
        return Err(AppError::StartInPast);
    }
    if !(1..=business.max_party_size).contains(&request.party_size) {
        return Err(AppError::InvalidPartySize(business.max_party_size));
    }

    let booking_id = BookingId::generate().map_err(|error| AppError::Internal(Box::new(error)))?;
    state
        .storage
        .insert_booking(&NewBooking {
            id: &booking_id,
            business: &business.id,
            starts_at: start.as_second(),
            party_size: request.party_size,
            envelope: &envelope_bytes,
            created_at: now.as_second(),
        })
        .await?;
    tracing::info!(business = %business.id, "booking stored");
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: booking_id.to_string(),
        }),
    ))
}
