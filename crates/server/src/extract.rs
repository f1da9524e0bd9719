//! A JSON body extractor and a path extractor whose every rejection is a typed
//! [`AppError`].

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::AppError;

/// The largest request body any endpoint accepts.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// Like `axum::Json`, but rejections are [`AppError`]s with stable codes, and the
/// serde message never echoes the body (it could hold an envelope).
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge(MAX_BODY_BYTES)
                } else {
                    AppError::BadRequest("the body could not be read".to_owned())
                }
            })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|error| {
                // Category, line and column only: serde's full message can quote input.
                AppError::BadRequest(format!(
                    "{:?} error at line {} column {}",
                    error.classify(),
                    error.line(),
                    error.column()
                ))
            })
    }
}

/// Like `axum::extract::Path<String>` for a route's one parameter, but a
/// rejection (a percent-escape that is not UTF-8, such as `%FF`) is the typed
/// `404 not_found`: no business, booking or file has such a name. axum's own
/// rejection is a plain-text 400 without a code.
pub(crate) struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_| AppError::NotFound)
    }
}

/// [`PathParam`] for a route with several parameters, read in order into `T`
/// (a tuple of `String`s); a rejection is the same typed `404 not_found`.
pub(crate) struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_| AppError::NotFound)
    }
}
