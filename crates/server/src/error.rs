//! One error type for the whole service: each variant is one HTTP status and one
//! stable machine-readable code that the widget translates for the visitor.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

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
    #[error("the start time is not a valid RFC 3339 time")]
    InvalidStart,
    #[error("the start time is in the past")]
    StartInPast,
    #[error("the party size must be between 1 and {0}")]
    InvalidPartySize(u32),
    #[error("not found")]
    NotFound,
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    /// The stable code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnknownBusiness => "unknown_business",
            Self::MalformedEnvelope => "malformed_envelope",
            Self::BusinessMismatch => "business_mismatch",
            Self::UnknownKey => "unknown_key",
            Self::InvalidStart => "invalid_start",
            Self::StartInPast => "start_in_past",
            Self::InvalidPartySize(_) => "invalid_party_size",
            Self::NotFound => "not_found",
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
            | Self::InvalidStart
            | Self::InvalidPartySize(_) => StatusCode::BAD_REQUEST,
            Self::StartInPast => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnknownBusiness | Self::NotFound => StatusCode::NOT_FOUND,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(Box::new(error))
    }
}

#[derive(Serialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize)]
struct ErrorDetail {
    code: &'static str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(source) = &self {
            // The source is a storage or I/O error: it never carries request content.
            tracing::error!(error = %source, "request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
            },
        };
        (self.status(), Json(body)).into_response()
    }
}
