//! `/inbox/notices`: the signed-in member's own choice of e-mail notices. A
//! member reads and sets only their own; the notices go to their account's
//! address, and stop when the account is revoked.

use axum::Json;
use axum::extract::State;
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::notices::NoticePreferences;

use crate::auth::session::StaffSession;
use crate::extract::JsonBody;
use crate::storage::NoticeKind;
use crate::{AppError, AppState};

fn to_wire(kinds: &[NoticeKind]) -> NoticePreferences {
    NoticePreferences {
        new: kinds.contains(&NoticeKind::New),
        changed: kinds.contains(&NoticeKind::Changed),
        cancelled: kinds.contains(&NoticeKind::Cancelled),
        erased: kinds.contains(&NoticeKind::Erased),
        late_cancelled: kinds.contains(&NoticeKind::LateCancelled),
    }
}

fn from_wire(preferences: NoticePreferences) -> Vec<NoticeKind> {
    [
        (preferences.new, NoticeKind::New),
        (preferences.changed, NoticeKind::Changed),
        (preferences.cancelled, NoticeKind::Cancelled),
        (preferences.erased, NoticeKind::Erased),
        (preferences.late_cancelled, NoticeKind::LateCancelled),
    ]
    .into_iter()
    .filter_map(|(chosen, kind)| chosen.then_some(kind))
    .collect()
}

/// `GET /inbox/notices`.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/notices",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "The kinds of notice the caller receives at their own address", body = NoticePreferences),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
    ),
)]
pub(crate) async fn get(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Json<NoticePreferences>, AppError> {
    let kinds = state.storage.notice_preferences(&session.staff.id).await?;
    Ok(Json(to_wire(&kinds)))
}

/// `PUT /inbox/notices`: replaces the caller's choice, at once.
#[utoipa::path(
    put,
    path = "/api/v1/inbox/notices",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = NoticePreferences, content_type = "application/json"),
    responses(
        (status = 200, description = "The stored choice", body = NoticePreferences),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn put(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(request): JsonBody<NoticePreferences>,
) -> Result<Json<NoticePreferences>, AppError> {
    let kinds = from_wire(request);
    state
        .storage
        .set_notice_preferences(&session.staff.id, &kinds)
        .await?;
    Ok(Json(to_wire(&kinds)))
}
