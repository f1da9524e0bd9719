//! The JSON API (docs/API.md).

pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod availability;
pub(crate) mod bookings;
pub(crate) mod consent_stats;
pub(crate) mod consents;
pub(crate) mod courier;
pub(crate) mod inbox;
pub(crate) mod inbox_keys;
pub(crate) mod keys;
pub(crate) mod manage;
pub(crate) mod notices;
pub(crate) mod profile;
pub(crate) mod schedule;
pub(crate) mod snippet;
pub(crate) mod staff;
pub(crate) mod staff_entries;
pub(crate) mod texts;
pub(crate) mod waitlist;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};

use std::sync::Arc;

use crate::config::Business;
use crate::extract::MAX_BODY_BYTES;
use crate::{AppError, AppState};

/// Routes for the embedding sites (CORS-restricted to their origins).
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/businesses/{business}/keys", get(keys::keys))
        .route("/businesses/{business}/profile", get(profile::profile))
        .route(
            "/businesses/{business}/texts/{lang}/{section}",
            get(texts::texts),
        )
        .route("/texts/{lang}/{section}", get(texts::translation))
        .route(
            "/businesses/{business}/availability",
            get(availability::availability),
        )
        .route("/businesses/{business}/bookings", post(bookings::create))
        .route("/businesses/{business}/waitlist", post(waitlist::join))
        .route("/businesses/{business}/consents", post(consents::record))
        .route(
            "/bookings/{id}",
            get(manage::read).put(manage::change).delete(manage::erase),
        )
        .route("/bookings/{id}/cancel", post(manage::cancel))
        .route(
            "/cancel",
            get(courier::read_cancel_link).post(courier::cancel_by_link),
        )
        .route("/offer", post(waitlist::take_up))
        .route("/courier/claim", post(courier::claim))
        .route("/courier/jobs/{id}/ack", post(courier::acknowledge))
        .route("/courier/jobs/{id}/release", post(courier::release))
        .route("/openapi.json", get(crate::openapi::document))
        .merge(inbox_router())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .method_not_allowed_fallback(crate::assets::method_not_allowed)
}

/// Routes for the staff inbox, on this server's own origin (no CORS): a
/// session cookie, and CSRF on every state-changing request (auth::session).
fn inbox_router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/session", get(auth::current))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/logout-everywhere", post(auth::logout_everywhere))
        .route("/auth/password", post(auth::change_password))
        .route("/auth/totp/setup", post(auth::totp_setup))
        .route("/auth/totp/enable", post(auth::totp_enable))
        .route("/auth/accept-invite", post(auth::accept_invite))
        .route("/auth/reset", post(auth::use_reset))
        .route("/inbox/keys", get(inbox_keys::list).put(inbox_keys::put))
        .route(
            "/inbox/bookings",
            get(inbox::list).post(staff_entries::create),
        )
        .route(
            "/inbox/bookings/{id}",
            get(inbox::open).delete(inbox::erase),
        )
        .route("/inbox/bookings/{id}/status", post(inbox::set_status))
        .route(
            "/inbox/bookings/{id}/move",
            post(staff_entries::move_booking),
        )
        .route("/inbox/blocks", post(staff_entries::block))
        .route(
            "/inbox/bookings/{id}/attention",
            delete(schedule::clear_attention),
        )
        .route("/inbox/schedule", get(schedule::get).put(schedule::put))
        .route("/inbox/schedule/preview", post(schedule::preview))
        .route(
            "/inbox/bookings/{id}/attendance",
            put(inbox::set_attendance),
        )
        .route("/inbox/counts", get(inbox::counts))
        .route("/inbox/exports", post(inbox::exported))
        .route("/inbox/consents/{consent_id}", get(inbox::consents))
        .route("/inbox/consent-stats", get(consent_stats::stats))
        .route("/inbox/staff", get(staff::list))
        .route("/inbox/staff/{id}", delete(staff::revoke))
        .route("/inbox/staff/{id}/keys", put(staff::share_keys))
        .route("/inbox/staff/{id}/role", put(staff::set_role))
        .route("/inbox/staff/{id}/reset", post(staff::reset))
        .route("/inbox/invites", post(staff::invite).get(staff::invites))
        .route("/inbox/invites/{id}", delete(staff::withdraw))
        .route("/inbox/audit", get(audit::log))
        .route("/inbox/notices", get(notices::get).put(notices::put))
        .route("/inbox/snippet", get(snippet::snippet))
        .route(
            "/inbox/courier-tokens",
            get(courier::list_tokens).post(courier::create_token),
        )
        .route("/inbox/courier-tokens/{id}", delete(courier::revoke_token))
}

/// The credential of `Authorization: Bearer <credential>`, if there is one.
fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The business `id` with the schedule this process serves now.
fn business(state: &AppState, id: &str) -> Result<Arc<Business>, AppError> {
    state.business(id).ok_or(AppError::UnknownBusiness)
}
