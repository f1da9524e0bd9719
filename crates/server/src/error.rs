//! One error type for the whole service: each variant is one HTTP status and one
//! stable machine-readable code that the widget translates for the visitor.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sealbook_wire::api::error::{ErrorBody, ErrorDetail};

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the request body is not valid JSON for this endpoint: {0}")]
    BadRequest(String),
    #[error("the request body must be application/json")]
    UnsupportedMediaType,
    #[error("the request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("no business with this id")]
    UnknownBusiness,
    #[error("the envelope is not a valid Sealbook v1 booking envelope")]
    MalformedEnvelope,
    #[error("the envelope is sealed for another business")]
    BusinessMismatch,
    #[error("the envelope is sealed to a key that is not an active key of this business")]
    UnknownKey,
    #[error("this business sends no messages to visitors, so it takes no contact card")]
    NoCourier,
    #[error("the courier token is not valid, or was revoked")]
    CourierTokenInvalid,
    #[error("no such message job for this business")]
    MessageJobNotFound,
    #[error("this message job was already acknowledged")]
    AlreadyAcknowledged,
    #[error("the start time is not a valid RFC 3339 time")]
    InvalidStart,
    #[error("the start time is in the past")]
    StartInPast,
    #[error("the party size must be at least 1 (and 1 for an appointment)")]
    InvalidPartySize,
    #[error("this party is larger than the business takes online")]
    PartyTooLarge,
    #[error("the start is inside the minimum lead time")]
    TooSoon,
    #[error("the start is beyond the booking horizon")]
    TooFar,
    #[error("no bookable slot starts at that time")]
    OutsideOpeningHours,
    #[error("no such service")]
    UnknownService,
    #[error("no such practitioner for this service")]
    UnknownPractitioner,
    #[error("no capacity left at that time")]
    SlotFull,
    #[error("this slot has room: book it instead of waiting for it")]
    SlotOpen,
    #[error("this business keeps no waitlist")]
    NoWaitlist,
    #[error("the seats were held for you until the offer's time, which has passed")]
    OfferLapsed,
    #[error("the idempotency key was used with a different request")]
    IdempotencyConflict,
    #[error("this envelope was already uploaded")]
    Replayed,
    #[error("no such booking, or the manage link is not valid")]
    BookingNotFound,
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    #[error("too many requests; try again in {} seconds", .0.as_secs())]
    RateLimited(std::time::Duration),
    #[error("the database does not answer")]
    NotReady,
    #[error("the request took too long to arrive or to answer; try again")]
    RequestTimeout,
    #[error(
        "the retention sweeper's last pass failed, or none succeeded for three intervals (see the log)"
    )]
    SweeperFailing,
    #[error("not found")]
    NotFound,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("the consent notice has changed since it was shown; ask again")]
    NoticeChanged,
    #[error("Sign in first.")]
    NotLoggedIn,
    #[error("Your session has ended; sign in again.")]
    SessionExpired,
    #[error(
        "This request did not come from the inbox (missing or wrong CSRF token, or another origin)."
    )]
    CsrfFailed,
    #[error("Wrong e-mail or password.")]
    LoginFailed,
    #[error("Enter the code from your authenticator app.")]
    TotpRequired,
    #[error("The authenticator code is wrong or was already used.")]
    TotpFailed,
    #[error("The authenticator code does not match; try the next one.")]
    TotpNotConfirmed,
    #[error("Two-step login is already on for this account.")]
    TotpAlreadyEnabled,
    #[error("The current password is wrong.")]
    WrongPassword,
    #[error("Only the owner of the business may do this.")]
    Forbidden,
    #[error("This invite has expired; ask for a new one.")]
    InviteExpired,
    #[error("This reset link has expired; ask the owner for a new one.")]
    ResetExpired,
    #[error("The password must have at least 12 characters.")]
    WeakPassword,
    #[error("This e-mail address already has an account.")]
    EmailTaken,
    #[error("The owner cannot revoke their own account.")]
    CannotRevokeSelf,
    #[error(
        "The wrapped key is not an encrypted PKCS#8 key of this business (or is larger than 8 KiB)."
    )]
    InvalidWrappedKey,
    #[error("A cancelled booking cannot be marked or confirmed again.")]
    BookingCancelled,
    #[error("This member already holds that key under their own passphrase.")]
    KeyAlreadyHeld,
    #[error("Only the owner or a manager may squeeze a booking in past capacity.")]
    SqueezeInForbidden,
    #[error("a block must end after it starts, at most 24 hours later")]
    InvalidBlock,
    #[error("The schedule has problems; each is named by its field.")]
    InvalidSchedule(Vec<sealbook_wire::api::schedule::FieldProblem>),
    #[error("The schedule was changed by someone else since you opened it; reload it.")]
    ScheduleChanged,
    #[error("Bookings you were not shown would no longer fit; check the change again.")]
    UnconfirmedBookings,
    #[error(
        "online change and cancel closed at {deadline} (the business's cancellation deadline); call the business"
    )]
    CancellationClosed {
        /// RFC 3339, UTC.
        deadline: String,
        phone: Option<String>,
    },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A wait in whole seconds for `Retry-After`, rounded up (a client that waits
/// exactly that long is let in) and at least 1.
pub(crate) fn whole_seconds(wait: std::time::Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl AppError {
    /// `429 rate_limited` for a client let in again after `wait`, which
    /// `Retry-After` says in whole seconds, rounded up.
    pub(crate) fn rate_limited(wait: std::time::Duration) -> Self {
        Self::RateLimited(std::time::Duration::from_secs(whole_seconds(wait)))
    }

    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::InvalidSchedule(_) => "invalid_schedule",
            Self::ScheduleChanged => "schedule_changed",
            Self::UnconfirmedBookings => "unconfirmed_bookings",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnknownBusiness => "unknown_business",
            Self::MalformedEnvelope => "malformed_envelope",
            Self::BusinessMismatch => "business_mismatch",
            Self::UnknownKey => "unknown_key",
            Self::NoCourier => "no_courier",
            Self::CourierTokenInvalid => "courier_token_invalid",
            Self::MessageJobNotFound => "message_job_not_found",
            Self::AlreadyAcknowledged => "already_acknowledged",
            Self::InvalidStart => "invalid_start",
            Self::StartInPast => "start_in_past",
            Self::InvalidPartySize => "invalid_party_size",
            Self::PartyTooLarge => "party_too_large",
            Self::TooSoon => "too_soon",
            Self::TooFar => "too_far",
            Self::OutsideOpeningHours => "outside_opening_hours",
            Self::UnknownService => "unknown_service",
            Self::UnknownPractitioner => "unknown_practitioner",
            Self::SlotFull => "slot_full",
            Self::SlotOpen => "slot_open",
            Self::NoWaitlist => "no_waitlist",
            Self::OfferLapsed => "offer_lapsed",
            Self::IdempotencyConflict => "idempotency_conflict",
            Self::Replayed => "replayed",
            Self::BookingNotFound => "booking_not_found",
            Self::InvalidQuery(_) => "invalid_query",
            Self::RateLimited(_) => "rate_limited",
            Self::NotReady => "not_ready",
            Self::RequestTimeout => "request_timeout",
            Self::SweeperFailing => "sweeper_failing",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::NoticeChanged => "notice_changed",
            Self::NotLoggedIn => "not_logged_in",
            Self::SessionExpired => "session_expired",
            Self::CsrfFailed => "csrf_failed",
            Self::LoginFailed => "login_failed",
            Self::TotpRequired => "totp_required",
            Self::TotpFailed | Self::TotpNotConfirmed => "totp_failed",
            Self::TotpAlreadyEnabled => "totp_enabled",
            Self::WrongPassword => "wrong_password",
            Self::Forbidden => "forbidden",
            Self::InviteExpired => "invite_expired",
            Self::ResetExpired => "reset_expired",
            Self::WeakPassword => "weak_password",
            Self::EmailTaken => "email_taken",
            Self::CannotRevokeSelf => "cannot_revoke_self",
            Self::InvalidWrappedKey => "invalid_wrapped_key",
            Self::BookingCancelled => "booking_cancelled",
            Self::KeyAlreadyHeld => "key_already_held",
            Self::CancellationClosed { .. } => "cancellation_closed",
            Self::SqueezeInForbidden => "squeeze_in_forbidden",
            Self::InvalidBlock => "invalid_block",
            Self::Internal(_) => "internal",
        }
    }

    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_)
            | Self::MalformedEnvelope
            | Self::BusinessMismatch
            | Self::UnknownKey
            | Self::NoCourier
            | Self::InvalidStart
            | Self::InvalidPartySize
            | Self::UnknownService
            | Self::UnknownPractitioner
            | Self::InvalidQuery(_)
            | Self::InvalidBlock => StatusCode::BAD_REQUEST,
            Self::StartInPast
            | Self::TooSoon
            | Self::TooFar
            | Self::OutsideOpeningHours
            | Self::PartyTooLarge
            | Self::CancellationClosed { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::SlotFull | Self::SlotOpen | Self::IdempotencyConflict | Self::Replayed => {
                StatusCode::CONFLICT
            }
            Self::NoWaitlist => StatusCode::BAD_REQUEST,
            Self::OfferLapsed => StatusCode::GONE,
            Self::BookingNotFound | Self::MessageJobNotFound => StatusCode::NOT_FOUND,
            Self::CourierTokenInvalid => StatusCode::UNAUTHORIZED,
            Self::AlreadyAcknowledged => StatusCode::CONFLICT,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::NotReady | Self::SweeperFailing => StatusCode::SERVICE_UNAVAILABLE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnknownBusiness | Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::NoticeChanged => StatusCode::CONFLICT,
            Self::NotLoggedIn | Self::SessionExpired | Self::LoginFailed => {
                StatusCode::UNAUTHORIZED
            }
            Self::TotpRequired | Self::TotpFailed => StatusCode::UNAUTHORIZED,
            Self::CsrfFailed | Self::Forbidden | Self::SqueezeInForbidden => StatusCode::FORBIDDEN,
            Self::TotpNotConfirmed
            | Self::WrongPassword
            | Self::WeakPassword
            | Self::CannotRevokeSelf
            | Self::InvalidWrappedKey => StatusCode::BAD_REQUEST,
            Self::InviteExpired | Self::ResetExpired => StatusCode::GONE,
            Self::EmailTaken
            | Self::BookingCancelled
            | Self::TotpAlreadyEnabled
            | Self::KeyAlreadyHeld => StatusCode::CONFLICT,
            Self::InvalidSchedule(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::ScheduleChanged | Self::UnconfirmedBookings => StatusCode::CONFLICT,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<crate::availability::Refusal> for AppError {
    fn from(refusal: crate::availability::Refusal) -> Self {
        use crate::availability::Refusal;
        match refusal {
            Refusal::StartInPast => Self::StartInPast,
            Refusal::TooSoon => Self::TooSoon,
            Refusal::TooFar => Self::TooFar,
            Refusal::PartyTooLarge => Self::PartyTooLarge,
            Refusal::InvalidPartySize => Self::InvalidPartySize,
            Refusal::UnknownService => Self::UnknownService,
            Refusal::UnknownPractitioner => Self::UnknownPractitioner,
            Refusal::OutsideOpeningHours => Self::OutsideOpeningHours,
            Refusal::SlotFull => Self::SlotFull,
            Refusal::SlotOpen => Self::SlotOpen,
        }
    }
}

impl From<crate::storage::BookError> for AppError {
    fn from(error: crate::storage::BookError) -> Self {
        use crate::storage::BookError;
        match error {
            BookError::Refused(refusal) => refusal.into(),
            BookError::IdempotencyConflict => Self::IdempotencyConflict,
            BookError::Replayed => Self::Replayed,
            BookError::CancelTokenTaken => Self::BadRequest(
                "cancel_token_hash is another booking's: make a new cancel token".to_owned(),
            ),
            error @ BookError::CardNotNamed => Self::Internal(Box::new(error)),
            BookError::RateLimited(wait) => Self::rate_limited(wait),
            BookError::Database(error) => error.into(),
        }
    }
}

impl From<crate::storage::AccountError> for AppError {
    fn from(error: crate::storage::AccountError) -> Self {
        use crate::storage::AccountError;
        match error {
            AccountError::EmailTaken | AccountError::OwnerExists => Self::EmailTaken,
            AccountError::Database(error) => error.into(),
        }
    }
}

impl From<crate::storage::ScheduleError> for AppError {
    fn from(error: crate::storage::ScheduleError) -> Self {
        use crate::storage::ScheduleError;
        match error {
            ScheduleError::Stale(_) => Self::ScheduleChanged,
            ScheduleError::Unconfirmed(_) => Self::UnconfirmedBookings,
            ScheduleError::Unreadable { .. } => Self::Internal(Box::new(error)),
            ScheduleError::Database(error) => error.into(),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(Box::new(error))
    }
}

/// The code of the error a response carries, for the metrics.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorCode(pub(crate) &'static str);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(source) = &self {
            // The source is a storage or I/O error: it never carries request content.
            tracing::error!(error = %source, "request failed");
        }
        let retry_after = match &self {
            Self::RateLimited(wait) => HeaderValue::from_str(&wait.as_secs().to_string()).ok(),
            _ => None,
        };
        let fields = match &self {
            Self::InvalidSchedule(problems) => problems.clone(),
            _ => Vec::new(),
        };
        let (deadline, phone) = match &self {
            Self::CancellationClosed { deadline, phone } => (Some(deadline.clone()), phone.clone()),
            _ => (None, None),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
                fields,
                deadline,
                phone,
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        response.extensions_mut().insert(ErrorCode(self.code()));
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        response
    }
}
