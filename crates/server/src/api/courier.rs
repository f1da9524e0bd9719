//! The business's courier and what its messages lead to.
//!
//! - `/courier/…`: a courier, authorised by a courier token the owner made,
//!   leases its business's due message jobs (waiting for one up to a bound),
//!   acknowledges each once sent, or gives it back to be tried later.
//! - `/cancel`: a message's cancel link, authorised by the cancel token from
//!   the visitor's contact card: it shows when the booking is and cancels it,
//!   and can do nothing else (no visitor copy, no change, no erasure).
//! - `/inbox/courier-tokens`: the owner makes, lists and revokes tokens, each
//!   recorded in the audit log.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::CancelToken;
use sealbook_wire::api::courier::{
    CancelLinkBooking, ClaimRequest, Claimed, CourierBusiness, CourierPractitioner, CourierService,
    CourierTokenInfo, IssuedCourierToken, JobBooking, MessageJob, NewCourierToken, ReleaseRequest,
};
use sealbook_wire::api::error::ErrorBody;
use sha2::{Digest, Sha256};

use super::bookings::timestamp;
use crate::auth::session::{Owner, now};
use crate::config::Business;
use crate::extract::{JsonBody, PathParam};
use crate::profile::Offer;
use crate::storage::{AckError, ClaimedMessage, StoredBooking};
use crate::{AppError, AppState};

/// How often a waiting claim looks for due jobs again: new jobs may be
/// written by another server process, which this one is not told about.
const POLL_EVERY: Duration = Duration::from_millis(250);

/// The business whose courier presents this request's token.
async fn courier_business(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<std::sync::Arc<Business>, AppError> {
    let hash: [u8; 32] = super::bearer(headers)
        .filter(|token| !token.is_empty() && token.len() <= 128)
        .map(|token| Sha256::digest(token.as_bytes()).into())
        .ok_or(AppError::CourierTokenInvalid)?;
    let business = state
        .storage
        .courier_business(&hash, now())
        .await?
        .ok_or(AppError::CourierTokenInvalid)?;
    let business = super::business(state, business.as_str())?;
    if business.courier.is_none() {
        // The configuration no longer gives the business a courier.
        return Err(AppError::NoCourier);
    }
    Ok(business)
}

fn describe(business: &Business) -> CourierBusiness {
    let (kind, services, practitioners) = match &business.profile.offer {
        Offer::Restaurant(_) => ("restaurant", Vec::new(), Vec::new()),
        Offer::Clinic(clinic) => (
            "clinic",
            clinic
                .services
                .iter()
                .map(|service| CourierService {
                    id: service.id.clone(),
                    name: service.name.clone(),
                })
                .collect(),
            clinic
                .practitioners
                .iter()
                .map(|practitioner| CourierPractitioner {
                    id: practitioner.id.clone(),
                    name: practitioner.name.clone(),
                })
                .collect(),
        ),
    };
    CourierBusiness {
        id: business.id.to_string(),
        name: business.name.clone(),
        timezone: business
            .profile
            .timezone
            .iana_name()
            .unwrap_or("UTC")
            .to_owned(),
        phone: business.phone.clone(),
        address: business.address.clone(),
        kind: kind.to_owned(),
        cancel_until_minutes: business.profile.cancellation.until_hours * 60,
        services,
        practitioners,
        texts: business.texts.messages().clone(),
    }
}

impl From<ClaimedMessage> for MessageJob {
    fn from(message: ClaimedMessage) -> Self {
        Self {
            id: message.id,
            purpose: message.purpose,
            booking: JobBooking {
                id: message.booking_id,
                status: message.status,
                start: timestamp(message.starts_at),
                end: timestamp(message.ends_at),
                party_size: u32::try_from(message.party_size).unwrap_or(0),
                service: message.service,
                practitioner: message.practitioner,
                hold_until: message.hold_until.map(timestamp),
            },
            card: URL_SAFE_NO_PAD.encode(message.card),
        }
    }
}

fn within(
    value: Option<u32>,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
    name: &str,
) -> Result<u32, AppError> {
    let value = value.unwrap_or(default);
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(AppError::BadRequest(format!(
            "{name} must be from {} to {}",
            range.start(),
            range.end()
        )))
    }
}

/// `POST /courier/claim`.
#[utoipa::path(
    post,
    path = "/api/v1/courier/claim",
    tag = "courier",
    security(("courier_token" = [])),
    request_body(content = ClaimRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The jobs leased (possibly none, after waiting)", body = Claimed),
        (status = 400, description = "`bad_request` or `no_courier`", body = ErrorBody),
        (status = 401, description = "`courier_token_invalid`: missing, unknown or revoked", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<ClaimRequest>,
) -> Result<Json<Claimed>, AppError> {
    let business = courier_business(&state, &headers).await?;
    let wait = within(request.wait_seconds, 25, 0..=30, "wait_seconds")?;
    let limit = within(request.limit, 20, 1..=50, "limit")?;
    let lease_seconds = within(request.lease_seconds, 120, 10..=600, "lease_seconds")?;
    let lease =
        crate::ids::random_base64url(16).map_err(|error| AppError::Internal(Box::new(error)))?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(u64::from(wait));
    let (jobs, leased_at) = loop {
        let at = now();
        let jobs = state
            .storage
            .claim_messages(&business.id, &lease, at, i64::from(lease_seconds), limit)
            .await?;
        if !jobs.is_empty() || tokio::time::Instant::now() + POLL_EVERY > deadline {
            break (jobs, at);
        }
        tokio::time::sleep(POLL_EVERY).await;
    };
    if !jobs.is_empty() {
        tracing::info!(business = %business.id, jobs = jobs.len(), "message jobs leased");
    }
    Ok(Json(Claimed {
        lease,
        lease_until: timestamp(leased_at + i64::from(lease_seconds)),
        jobs: jobs.into_iter().map(MessageJob::from).collect(),
        business: describe(&business),
    }))
}

fn job_id(text: &str) -> Result<i64, AppError> {
    text.parse().map_err(|_| AppError::MessageJobNotFound)
}

/// `POST /courier/jobs/{id}/ack`.
#[utoipa::path(
    post,
    path = "/api/v1/courier/jobs/{id}/ack",
    tag = "courier",
    security(("courier_token" = [])),
    params(("id" = i64, Path, description = "The job id")),
    responses(
        (status = 204, description = "Marked sent"),
        (status = 401, description = "`courier_token_invalid`", body = ErrorBody),
        (status = 404, description = "`message_job_not_found` (also another business's job)", body = ErrorBody),
        (status = 409, description = "`already_acknowledged`", body = ErrorBody),
    ),
)]
pub(crate) async fn acknowledge(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam,
) -> Result<StatusCode, AppError> {
    let business = courier_business(&state, &headers).await?;
    match state
        .storage
        .acknowledge_message(&business.id, job_id(&id)?, now())
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(AckError::NotFound) => Err(AppError::MessageJobNotFound),
        Err(AckError::AlreadyAcknowledged) => Err(AppError::AlreadyAcknowledged),
        Err(AckError::Database(error)) => Err(error.into()),
    }
}

/// `POST /courier/jobs/{id}/release`.
#[utoipa::path(
    post,
    path = "/api/v1/courier/jobs/{id}/release",
    tag = "courier",
    security(("courier_token" = [])),
    params(("id" = i64, Path, description = "The job id")),
    request_body(content = ReleaseRequest, content_type = "application/json"),
    responses(
        (status = 204, description = "Back in the queue, due again after the delay"),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`courier_token_invalid`", body = ErrorBody),
        (status = 404, description = "`message_job_not_found`: no such job under this lease (it lapsed, or was done)", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn release(
    State(state): State<AppState>,
    headers: HeaderMap,
    PathParam(id): PathParam,
    JsonBody(request): JsonBody<ReleaseRequest>,
) -> Result<StatusCode, AppError> {
    let business = courier_business(&state, &headers).await?;
    let delay = within(
        Some(request.retry_in_seconds),
        0,
        0..=86_400,
        "retry_in_seconds",
    )?;
    let released = state
        .storage
        .release_message(
            &business.id,
            job_id(&id)?,
            &request.lease,
            now() + i64::from(delay),
        )
        .await?;
    if released {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::MessageJobNotFound)
    }
}

/// `SHA-256(token)` of the cancel token in `Authorization: Bearer <token>`.
pub(super) fn cancel_hash(headers: &HeaderMap) -> Result<[u8; 32], AppError> {
    super::bearer(headers)
        .and_then(CancelToken::from_base64url)
        .map(|token| token.hash().0)
        .ok_or(AppError::BookingNotFound)
}

/// The booking a cancel link's token reaches, with its manage token's hash:
/// the cancel link acts through the manage link's own path.
pub(super) async fn cancel_link_booking(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(StoredBooking, [u8; 32]), AppError> {
    let (id, manage_hash) = state
        .storage
        .booking_by_cancel_hash(&cancel_hash(headers)?)
        .await?
        .ok_or(AppError::BookingNotFound)?;
    let booking = super::manage::managed(state, &id, &manage_hash).await?;
    Ok((booking, manage_hash))
}

pub(super) fn cancel_link_view(business: &Business, booking: StoredBooking) -> CancelLinkBooking {
    CancelLinkBooking {
        business: business.id.to_string(),
        business_name: business.name.clone(),
        start: timestamp(booking.starts_at),
        timezone: business
            .profile
            .timezone
            .iana_name()
            .unwrap_or("UTC")
            .to_owned(),
        status: booking.status,
        hold_until: booking.hold_until.map(timestamp),
    }
}

/// `GET /cancel`.
#[utoipa::path(
    get,
    path = "/api/v1/cancel",
    tag = "manage",
    // Without a token the answer is the same 404 as with a wrong one: no oracle.
    security((), ("cancel_token" = [])),
    responses(
        (status = 200, description = "When the booking is, and whether it is still confirmed", body = CancelLinkBooking),
        (status = 404, description = "`booking_not_found` (also for a missing or wrong token)", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn read_cancel_link(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<CancelLinkBooking>, AppError> {
    let (booking, _) = cancel_link_booking(&state, &headers).await?;
    let business = super::business(&state, booking.business.as_str())?;
    Ok(Json(cancel_link_view(&business, booking)))
}

/// `POST /cancel`: cancels, until the business's cancellation deadline.
#[utoipa::path(
    post,
    path = "/api/v1/cancel",
    tag = "manage",
    // Without a token the answer is the same 404 as with a wrong one: no oracle.
    security((), ("cancel_token" = [])),
    responses(
        (status = 200, description = "Cancelled (also when it was cancelled already)", body = CancelLinkBooking),
        (status = 404, description = "`booking_not_found` (also for a missing or wrong token)", body = ErrorBody),
        (status = 422, description = "`cancellation_closed`, with `deadline` and `phone`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn cancel_by_link(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<CancelLinkBooking>, AppError> {
    let (current, manage_hash) = cancel_link_booking(&state, &headers).await?;
    let business = super::business(&state, current.business.as_str())?;
    let booking =
        super::manage::cancel_as_visitor(&state, &business, current.id.as_str(), &manage_hash)
            .await?;
    tracing::info!("booking cancelled through a message's cancel link");
    Ok(Json(cancel_link_view(&business, booking)))
}

impl From<crate::storage::CourierToken> for CourierTokenInfo {
    fn from(token: crate::storage::CourierToken) -> Self {
        Self {
            id: token.id,
            label: token.label,
            created_at: timestamp(token.created_at),
            revoked_at: token.revoked_at.map(timestamp),
            last_used_at: token.last_used_at.map(timestamp),
        }
    }
}

/// `GET /inbox/courier-tokens`.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/courier-tokens",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "The business's courier tokens, newest first (never the tokens themselves)", body = Vec<CourierTokenInfo>),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: owner only", body = ErrorBody),
    ),
)]
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    Owner(session): Owner,
) -> Result<Json<Vec<CourierTokenInfo>>, AppError> {
    let tokens = state
        .storage
        .courier_tokens(&session.staff.business)
        .await?;
    Ok(Json(
        tokens.into_iter().map(CourierTokenInfo::from).collect(),
    ))
}

/// `POST /inbox/courier-tokens`.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/courier-tokens",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = NewCourierToken, content_type = "application/json"),
    responses(
        (status = 201, description = "The token, shown this once", body = IssuedCourierToken),
        (status = 400, description = "`bad_request` (a label of 1–80 characters) or `no_courier`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed` or `forbidden`: owner only", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    Owner(session): Owner,
    JsonBody(request): JsonBody<NewCourierToken>,
) -> Result<(StatusCode, Json<IssuedCourierToken>), AppError> {
    let label = request.label.trim();
    if label.is_empty() || label.chars().count() > 80 || label.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            "label must be 1–80 characters, without control characters".to_owned(),
        ));
    }
    let business = super::business(&state, session.staff.business.as_str())?;
    if business.courier.is_none() {
        return Err(AppError::NoCourier);
    }
    let random = |bytes| {
        crate::ids::random_base64url(bytes).map_err(|error| AppError::Internal(Box::new(error)))
    };
    let id = random(12)?;
    // The prefix says what the secret is, should it turn up somewhere it should not.
    let token = format!("sbc_{}", random(32)?);
    let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    state
        .storage
        .create_courier_token(&session.staff.business, &id, label, &hash, now())
        .await?;
    session
        .audit(
            &state,
            "courier_token_created",
            None,
            format!("courier token {id} ({label})"),
        )
        .await?;
    tracing::info!("courier token created");
    Ok((StatusCode::CREATED, Json(IssuedCourierToken { id, token })))
}

/// `DELETE /inbox/courier-tokens/{id}`.
#[utoipa::path(
    delete,
    path = "/api/v1/inbox/courier-tokens/{id}",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked: its courier is refused from its next request"),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed` or `forbidden`: owner only", body = ErrorBody),
        (status = 404, description = "`not_found` (also revoked already, or another business's)", body = ErrorBody),
    ),
)]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    Owner(session): Owner,
    PathParam(id): PathParam,
) -> Result<StatusCode, AppError> {
    if !state
        .storage
        .revoke_courier_token(&session.staff.business, &id, now())
        .await?
    {
        return Err(AppError::NotFound);
    }
    session
        .audit(
            &state,
            "courier_token_revoked",
            None,
            format!("courier token {id}"),
        )
        .await?;
    tracing::info!("courier token revoked");
    Ok(StatusCode::NO_CONTENT)
}
