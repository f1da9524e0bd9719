//! `/inbox/keys`: the signed-in member's own wrapped copies of the business
//! private key. The server stores them and checks their shape; it cannot open
//! them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::inbox_keys::{
    ConfiguredKey, KeyCopy, PutWrappedKeys, WrappedKeyView, WrappedKeys,
};

use super::inbox::business_of;
use crate::auth::session::StaffSession;
use crate::auth::wrapped;
use crate::config::Business;
use crate::extract::JsonBody;
use crate::storage::WrappedKey;
use crate::{AppError, AppState};

/// `GET /inbox/keys`.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/keys",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "The caller's copies, for the business's configured keys", body = WrappedKeys),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
    ),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Json<WrappedKeys>, AppError> {
    let business = business_of(&state, &session)?;
    let keys = state
        .storage
        .wrapped_keys(&session.staff.id)
        .await?
        .into_iter()
        .filter_map(|held| {
            let status = business
                .keys
                .iter()
                .find(|configured| configured.kid.as_str() == held.key.kid)?
                .status;
            Some(WrappedKeyView {
                kid: held.key.kid,
                status,
                wrapped: URL_SAFE_NO_PAD.encode(held.key.blob),
                shared: held.shared,
            })
        })
        .collect();
    let configured = business
        .keys
        .iter()
        .map(|key| ConfiguredKey {
            kid: key.kid.to_string(),
            status: key.status,
        })
        .collect();
    Ok(Json(WrappedKeys { keys, configured }))
}

/// The copies of a request, checked: each for a key id of `business` and an
/// encrypted PKCS#8 blob of at most 8 KiB, and no key twice.
pub(super) fn checked_copies(
    business: &Business,
    copies: &[KeyCopy],
) -> Result<Vec<WrappedKey>, AppError> {
    let mut keys: Vec<WrappedKey> = Vec::with_capacity(copies.len());
    for copy in copies {
        if !business.keys.iter().any(|key| key.kid.as_str() == copy.kid) {
            return Err(AppError::InvalidWrappedKey);
        }
        if keys.iter().any(|key| key.kid == copy.kid) {
            return Err(AppError::BadRequest(format!("{} is given twice", copy.kid)));
        }
        let blob = URL_SAFE_NO_PAD
            .decode(&copy.wrapped)
            .ok()
            .filter(|blob| wrapped::is_encrypted_pkcs8(blob))
            .ok_or(AppError::InvalidWrappedKey)?;
        keys.push(WrappedKey {
            kid: copy.kid.clone(),
            blob,
        });
    }
    Ok(keys)
}

/// `PUT /inbox/keys`: the caller's copies, re-wrapped under their own
/// passphrase. All are stored or none, so a failure half-way through a
/// passphrase change never leaves copies under two passphrases.
#[utoipa::path(
    put,
    path = "/api/v1/inbox/keys",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = PutWrappedKeys, content_type = "application/json"),
    responses(
        (status = 204, description = "Stored, each replacing the caller's previous copy of its key"),
        (status = 400, description = "`invalid_wrapped_key` or `bad_request`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn put(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(request): JsonBody<PutWrappedKeys>,
) -> Result<StatusCode, AppError> {
    let business = business_of(&state, &session)?;
    if request.keys.is_empty() {
        return Err(AppError::BadRequest("keys holds no key".to_owned()));
    }
    let keys = checked_copies(&business, &request.keys)?;
    let kids: Vec<&str> = keys.iter().map(|key| key.kid.as_str()).collect();
    let audit = session.audit_entry("key_rewrapped", None, kids.join(", "));
    if !state
        .storage
        .put_wrapped_keys(&session.staff.id, &keys, &audit)
        .await?
    {
        // Revoked between the session check and the write.
        return Err(AppError::NotLoggedIn);
    }
    Ok(StatusCode::NO_CONTENT)
}
