//! `GET /businesses/{id}/keys`: the key set the widget checks against its pins.

use axum::Json;
use axum::extract::State;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::KeyStatus;
use crate::error::ErrorBody;
use crate::extract::PathParam;
use crate::{AppError, AppState};

/// The business's public keys, without compromised ones.
#[derive(Serialize, ToSchema)]
pub(crate) struct KeySet {
    business: String,
    keys: Vec<PublicKey>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct PublicKey {
    kid: String,
    /// base64url of the SubjectPublicKeyInfo DER.
    spki: String,
    status: KeyStatus,
}

#[utoipa::path(
    get,
    path = "/api/v1/businesses/{business}/keys",
    tag = "widget",
    params(("business" = String, Path, description = "The business id")),
    responses(
        (status = 200, description = "The key set", body = KeySet),
        (status = 404, description = "`unknown_business` or `not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn keys(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> Result<Json<KeySet>, AppError> {
    let business = super::business(&state, &id)?;
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
        business: business.id.as_str().to_owned(),
        keys,
    }))
}
