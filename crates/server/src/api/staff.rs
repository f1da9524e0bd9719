//! `/inbox/staff`, `/inbox/invites`: the owner manages who may read. An invite
//! carries key copies the owner wrapped in the browser under a one-time grant
//! code; revoking deletes a member's copies and sessions at once.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::staff::{
    InviteEntry, InviteList, InviteRequest, Invited, ResetIssued, RoleChange, ShareRequest,
    StaffEntry, StaffList,
};
use sha2::{Digest, Sha256};

use super::auth::api_role;
use super::inbox::business_of;
use super::inbox_keys::checked_copies;
use crate::auth::session::{Owner, StaffSession, now};
use crate::extract::{JsonBody, PathParam};
use crate::ids::random_base64url;
use crate::storage::{HeldKey, NewInvite, NewReset, Role, ShareOutcome, StaffMember};
use crate::{AppError, AppState};

/// An invite link is good for this long.
const INVITE_SECONDS: i64 = 7 * 24 * 3600;
/// A login reset link is good for this long: it is sent to someone locked out now.
const RESET_SECONDS: i64 = 24 * 3600;

/// `GET /inbox/staff`.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/staff",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "Every account of the business, oldest first", body = StaffList),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: owner only", body = ErrorBody),
    ),
)]
pub(crate) async fn list(
    State(state): State<AppState>,
    Owner(session): Owner,
) -> Result<Json<StaffList>, AppError> {
    let members = state.storage.staff_of(&session.staff.business).await?;
    let mut staff = Vec::with_capacity(members.len());
    for member in members {
        let held = state.storage.wrapped_keys(&member.id).await?;
        let (shared, own): (Vec<_>, Vec<_>) = held.into_iter().partition(|held| held.shared);
        let kid_list = |keys: Vec<HeldKey>| keys.into_iter().map(|held| held.key.kid).collect();
        staff.push(StaffEntry {
            id: member.id.into_string(),
            email: member.email,
            role: api_role(member.role),
            created_at: jiff::Timestamp::from_second(member.created_at)
                .map_or_else(|_| member.created_at.to_string(), |time| time.to_string()),
            totp_enabled: member.totp_secret.is_some(),
            has_key: !own.is_empty() || !shared.is_empty(),
            kids: kid_list(own),
            shared_kids: kid_list(shared),
            revoked: member.disabled,
        });
    }
    Ok(Json(StaffList { staff }))
}

/// This server's origin as the browser reaches it.
pub(super) fn public_origin(state: &AppState, headers: &HeaderMap) -> String {
    state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("127.0.0.1");
        format!("http://{host}")
    })
}

/// `POST /inbox/invites`.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/invites",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = InviteRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The one-time link, good for 7 days", body = Invited),
        (status = 400, description = "`bad_request` or `invalid_wrapped_key`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed` or `forbidden`: owner only", body = ErrorBody),
        (status = 409, description = "`email_taken`: a member of this business has this address", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Owner(session): Owner,
    JsonBody(request): JsonBody<InviteRequest>,
) -> Result<(StatusCode, Json<Invited>), AppError> {
    let business = business_of(&state, &session)?;
    if request.role != "staff" {
        return Err(AppError::BadRequest(
            "role must be staff: a business has one owner".to_owned(),
        ));
    }
    let email = request.email.trim().to_lowercase();
    let plausible = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !plausible {
        return Err(AppError::BadRequest(
            "email is not an e-mail address".to_owned(),
        ));
    }
    // Only the owner's own staff are a conflict: an answer that differed for an
    // account at another business would tell any owner who works where. That
    // address's holder learns it on accepting (`409 email_taken`).
    if state
        .storage
        .staff_by_email(&email)
        .await?
        .is_some_and(|existing| existing.business == business.id)
    {
        return Err(AppError::EmailTaken);
    }
    let keys = checked_copies(&business, &request.wrapped)?;
    let token = random_base64url(32).map_err(|error| AppError::Internal(Box::new(error)))?;
    state
        .storage
        .create_invite(&NewInvite {
            token_hash: Sha256::digest(token.as_bytes()).into(),
            business: business.id.clone(),
            email,
            keys,
            created_by: session.staff.id.clone(),
            expires_at: now() + INVITE_SECONDS,
        })
        .await?;
    session
        .audit(
            &state,
            "invited",
            None,
            format!("role staff, {} keys", request.wrapped.len()),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(Invited {
            invite_url: format!("{}/inbox/#invite={token}", public_origin(&state, &headers)),
        }),
    ))
}

/// The active member `id` of the owner's business, for an action the owner
/// takes on someone else's account; `for_self` says why naming oneself is refused.
async fn other_active_member(
    state: &AppState,
    session: &StaffSession,
    id: &str,
    for_self: &str,
) -> Result<StaffMember, AppError> {
    if id == session.staff.id.as_str() {
        return Err(AppError::BadRequest(for_self.to_owned()));
    }
    state
        .storage
        .staff_member(&session.staff.business, id)
        .await?
        .filter(|member| !member.disabled)
        .ok_or(AppError::NotFound)
}

/// `PUT /inbox/staff/{id}/keys`: share keys (after a rotation) with a member.
#[utoipa::path(
    put,
    path = "/api/v1/inbox/staff/{id}/keys",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The staff member's id")),
    request_body(content = ShareRequest, content_type = "application/json"),
    responses(
        (status = 204, description = "Stored as the member's shared copies"),
        (status = 400, description = "`bad_request` or `invalid_wrapped_key`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed` or `forbidden`: owner only", body = ErrorBody),
        (status = 404, description = "`not_found`: no such member of this business, or revoked", body = ErrorBody),
        (status = 409, description = "`key_already_held`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn share_keys(
    State(state): State<AppState>,
    Owner(session): Owner,
    PathParam(id): PathParam,
    JsonBody(request): JsonBody<ShareRequest>,
) -> Result<StatusCode, AppError> {
    let business = business_of(&state, &session)?;
    let member = other_active_member(
        &state,
        &session,
        &id,
        "the owner adds their own copies with PUT /inbox/keys",
    )
    .await?;
    if request.wrapped.is_empty() {
        return Err(AppError::BadRequest("wrapped holds no key".to_owned()));
    }
    let keys = checked_copies(&business, &request.wrapped)?;
    let kids: Vec<&str> = keys.iter().map(|key| key.kid.as_str()).collect();
    let audit = session.audit_entry(
        "key_shared",
        None,
        format!("{} to staff {}", kids.join(", "), member.id),
    );
    match state
        .storage
        .share_wrapped_keys(&member.id, &keys, &audit)
        .await?
    {
        ShareOutcome::Shared => Ok(StatusCode::NO_CONTENT),
        ShareOutcome::AlreadyHeld => Err(AppError::KeyAlreadyHeld),
        // Revoked since the lookup above.
        ShareOutcome::NoAccount => Err(AppError::NotFound),
    }
}

/// `GET /inbox/invites`: the invites that can still be accepted.
#[utoipa::path(
    get,
    path = "/api/v1/inbox/invites",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "Unused, unexpired invites, soonest to expire first", body = InviteList),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`forbidden`: owner only", body = ErrorBody),
    ),
)]
pub(crate) async fn invites(
    State(state): State<AppState>,
    Owner(session): Owner,
) -> Result<Json<InviteList>, AppError> {
    let invites = state
        .storage
        .open_invites(&session.staff.business, now())
        .await?
        .into_iter()
        .map(|invite| InviteEntry {
            id: invite.id,
            email: invite.email,
            expires_at: jiff::Timestamp::from_second(invite.expires_at)
                .map_or_else(|_| invite.expires_at.to_string(), |time| time.to_string()),
        })
        .collect();
    Ok(Json(InviteList { invites }))
}

/// `DELETE /inbox/invites/{id}`: withdraw an invite before it is used.
#[utoipa::path(
    delete,
    path = "/api/v1/inbox/invites/{id}",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The invite's id from `GET /inbox/invites`")),
    responses(
        (status = 204, description = "Withdrawn: its link no longer works and the key copies it held are deleted"),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed` or `forbidden`: owner only", body = ErrorBody),
        (status = 404, description = "`not_found`: used, withdrawn, expired and swept, or another business's", body = ErrorBody),
    ),
)]
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    Owner(session): Owner,
    PathParam(id): PathParam,
) -> Result<StatusCode, AppError> {
    if !state
        .storage
        .withdraw_invite(&session.staff.business, &id)
        .await?
    {
        return Err(AppError::NotFound);
    }
    session
        .audit(
            &state,
            "invite_withdrawn",
            None,
            "pending invite".to_owned(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /inbox/staff/{id}/role`: make a member a manager or plain staff.
#[utoipa::path(
    put,
    path = "/api/v1/inbox/staff/{id}/role",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The staff member's id")),
    request_body(content = RoleChange, content_type = "application/json"),
    responses(
        (status = 204, description = "Set; the member's next request is checked against it"),
        (status = 400, description = "`bad_request`: not `manager` or `staff`, or the owner's own account", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed` or `forbidden`: owner only", body = ErrorBody),
        (status = 404, description = "`not_found`: no such member of this business, or revoked", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn set_role(
    State(state): State<AppState>,
    Owner(session): Owner,
    PathParam(id): PathParam,
    JsonBody(request): JsonBody<RoleChange>,
) -> Result<StatusCode, AppError> {
    let role = match request.role.as_str() {
        "manager" => Role::Manager,
        "staff" => Role::Staff,
        _ => {
            return Err(AppError::BadRequest(
                "role must be manager or staff: a business has one owner".to_owned(),
            ));
        }
    };
    let member = other_active_member(&state, &session, &id, "the owner stays the owner").await?;
    let audit = session.audit_entry(
        "role_changed",
        None,
        format!(
            "staff {}: {} -> {}",
            member.id,
            member.role.as_str(),
            role.as_str()
        ),
    );
    if state
        .storage
        .set_role(&session.staff.business, member.id.as_str(), role, &audit)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        // Revoked since the lookup above.
        Err(AppError::NotFound)
    }
}

/// `POST /inbox/staff/{id}/reset`: a one-time link for a member who forgot their
/// login password or lost their authenticator.
#[utoipa::path(
    post,
    path = "/api/v1/inbox/staff/{id}/reset",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The staff member's id")),
    responses(
        (status = 201, description = "The link to pass on; any earlier one for the member stops working", body = ResetIssued),
        (status = 400, description = "`bad_request`: the owner changes their own password in settings", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed` or `forbidden`: owner only", body = ErrorBody),
        (status = 404, description = "`not_found`: no such member of this business, or revoked", body = ErrorBody),
    ),
)]
pub(crate) async fn reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    Owner(session): Owner,
    PathParam(id): PathParam,
) -> Result<(StatusCode, Json<ResetIssued>), AppError> {
    let member = other_active_member(
        &state,
        &session,
        &id,
        "the owner changes their own password in settings",
    )
    .await?;
    let token = random_base64url(32).map_err(|error| AppError::Internal(Box::new(error)))?;
    state
        .storage
        .create_reset(&NewReset {
            token_hash: Sha256::digest(token.as_bytes()).into(),
            staff_id: member.id.clone(),
            created_by: session.staff.id.clone(),
            expires_at: now() + RESET_SECONDS,
        })
        .await?;
    session
        .audit(
            &state,
            "login_reset_issued",
            None,
            format!("staff {}", member.id),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ResetIssued {
            reset_url: format!("{}/inbox/#reset={token}", public_origin(&state, &headers)),
        }),
    ))
}

/// `DELETE /inbox/staff/{id}`: revoke.
#[utoipa::path(
    delete,
    path = "/api/v1/inbox/staff/{id}",
    tag = "inbox",
    security(("session" = [])),
    params(("id" = String, Path, description = "The staff member's id")),
    responses(
        (status = 204, description = "Revoked: the account is disabled, its key copies and sessions deleted"),
        (status = 400, description = "`cannot_revoke_self`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed` or `forbidden`: owner only", body = ErrorBody),
        (status = 404, description = "`not_found` (also for another business's member)", body = ErrorBody),
    ),
)]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Owner(session): Owner,
    PathParam(id): PathParam,
) -> Result<StatusCode, AppError> {
    if id == session.staff.id.as_str() {
        return Err(AppError::CannotRevokeSelf);
    }
    let member = state
        .storage
        .staff_member(&session.staff.business, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    state.storage.revoke_staff(&member.id).await?;
    session
        .audit(&state, "revoked", None, format!("staff {}", member.id))
        .await?;
    tracing::info!("staff member revoked");
    Ok(StatusCode::NO_CONTENT)
}
