//! `GET /businesses/{id}/keys`: the key set the widget checks against its pins.

use axum::Json;
use axum::extract::State;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::keys::{KeySet, KeyStatus, PublicKey};

use crate::extract::PathParam;
use crate::{AppError, AppState};

#[utoipa::path(
    get,
    path = "/api/v1/businesses/{business}/keys",
    tag = "widget",
    params(("business" = String, Path, description = "The business id")),
    responses(
        (status = 200, description = "The key set", body = KeySet),
        (status = 404, description = "`unknown_business` or `not_found`", body = ErrorBody),
    ),
)]
pub(crate) async fn keys(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> Result<Json<KeySet>, AppError> {
    let business = super::business(&state, &id)?;
    Ok(Json(KeySet {
        business: business.id.as_str().to_owned(),
        keys: served(&business.keys),
        courier: business
            .courier
            .as_ref()
            .map(|courier| served(&courier.keys))
            .unwrap_or_default(),
    }))
}

/// The keys a browser may seal to or pin: every one but the compromised.
fn served(keys: &[crate::business_key::BusinessKey]) -> Vec<PublicKey> {
    keys.iter()
        .filter(|key| key.status != KeyStatus::Compromised)
        .map(|key| PublicKey {
            kid: key.kid.to_string(),
            spki: URL_SAFE_NO_PAD.encode(&key.spki_der),
            status: key.status,
        })
        .collect()
}
