//! `GET /inbox/snippet`: the exact script tag for the owner to paste into their
//! site — this server's address, the active and pending key ids pinned, and the integrity
//! hash of the `embed.js` being served. After a key change it is the tag to
//! paste again.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Extension, State};
use axum::http::HeaderMap;
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::snippet::Snippet;

use super::inbox::business_of;
use super::staff::public_origin;
use crate::auth::session::Owner;
use crate::delivery::BuiltFiles;
use crate::embed;
use crate::{AppError, AppState};

#[utoipa::path(
    get,
    path = "/api/v1/inbox/snippet",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "The script tag to embed", body = Snippet),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: owner only", body = ErrorBody),
    ),
)]
pub(crate) async fn snippet(
    State(state): State<AppState>,
    Extension(built): Extension<Arc<BuiltFiles>>,
    Owner(session): Owner,
    headers: HeaderMap,
) -> Result<Json<Snippet>, AppError> {
    let business = business_of(&state, &session)?;
    let integrity = built.loader_integrity();
    Ok(Json(Snippet {
        html: embed::script_tag(
            &public_origin(&state, &headers),
            &business,
            integrity.as_deref(),
        ),
        kids: business
            .pinned_kids()
            .map(|kid| kid.as_str().to_owned())
            .collect(),
        courier_kids: business
            .pinned_courier_kids()
            .map(|kid| kid.as_str().to_owned())
            .collect(),
        integrity,
    }))
}
