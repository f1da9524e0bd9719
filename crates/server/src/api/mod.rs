//! The JSON API (docs/API.md).

pub(crate) mod availability;
pub(crate) mod bookings;
pub(crate) mod consents;
pub(crate) mod keys;
pub(crate) mod manage;
pub(crate) mod profile;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::config::Business;
use crate::extract::MAX_BODY_BYTES;
use crate::{AppError, AppState};

/// Routes for the embedding sites (CORS-restricted to their origins).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/businesses/{business}/keys", get(keys::keys))
        .route("/businesses/{business}/profile", get(profile::profile))
        .route(
            "/businesses/{business}/availability",
            get(availability::availability),
        )
        .route("/businesses/{business}/bookings", post(bookings::create))
        .route("/businesses/{business}/consents", post(consents::record))
        .route(
            "/bookings/{id}",
            get(manage::read).put(manage::change).delete(manage::erase),
        )
        .route("/bookings/{id}/cancel", post(manage::cancel))
        .route("/openapi.json", get(crate::openapi::document))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .method_not_allowed_fallback(crate::assets::method_not_allowed)
}

fn business<'a>(state: &'a AppState, id: &str) -> Result<&'a Business, AppError> {
    state.config.business(id).ok_or(AppError::UnknownBusiness)
}
