//! `/auth/*`: staff sign-in, sessions, the TOTP second factor and invites.
//! A wrong e-mail and a wrong password are the same answer after the same
//! work; nothing typed is logged or stored in clear.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_wire::api::auth::{
    AcceptInvite, LoginRequest, PasswordChange, SessionView, StaffView, TotpCode, TotpSetup,
    UseReset,
};
use sealbook_wire::api::error::ErrorBody;
use sha2::{Digest, Sha256};

use crate::auth::session::{self, StaffSession, Started, now};
use crate::auth::{password, totp};
use crate::extract::JsonBody;
use crate::ids::StaffId;
use crate::storage::{AcceptError, NewAuditEntry, NewStaff, ResetError, Role, StaffMember};
use crate::{AppError, AppState};

fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(|_| seconds.to_string(), |t| t.to_string())
}

/// A member's role as the API names it.
pub(super) fn api_role(role: Role) -> sealbook_wire::api::auth::Role {
    match role {
        Role::Owner => sealbook_wire::api::auth::Role::Owner,
        Role::Manager => sealbook_wire::api::auth::Role::Manager,
        Role::Staff => sealbook_wire::api::auth::Role::Staff,
    }
}

/// The session as its member reads it.
fn session_view(state: &AppState, session: &StaffSession) -> SessionView {
    let staff = &session.staff;
    SessionView {
        staff: StaffView {
            id: staff.id.as_str().to_owned(),
            email: staff.email.clone(),
            role: api_role(staff.role),
            business: staff.business.as_str().to_owned(),
            business_name: state
                .config
                .business(staff.business.as_str())
                .map(|business| business.name.clone())
                .unwrap_or_default(),
            totp_enabled: staff.totp_secret.is_some(),
        },
        csrf: session.csrf.clone(),
        expires_at: rfc3339(session.expires_at),
    }
}

fn signed_in(state: &AppState, started: &Started) -> Response {
    let mut response = Json(session_view(state, &started.session)).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session::set_cookie(&state.config, &started.token),
    );
    response
}

fn normalise(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A new login password, checked (at least [`password::MIN_PASSWORD_CHARS`]) and
/// hashed with argon2id.
async fn new_password_hash(password: String) -> Result<String, AppError> {
    if password.chars().count() < password::MIN_PASSWORD_CHARS {
        return Err(AppError::WeakPassword);
    }
    password::hash_gated(password)
        .await
        .map_err(|error| AppError::Internal(Box::new(error)))
}

async fn audit_failed(
    state: &AppState,
    staff: Option<&StaffMember>,
    detail: &str,
) -> Result<(), AppError> {
    state
        .storage
        .audit(&NewAuditEntry {
            business: staff.map(|staff| staff.business.clone()),
            at: now(),
            staff: staff.map(|staff| staff.id.clone()),
            session: None,
            action: "login_failed",
            booking_id: None,
            detail: detail.to_owned(),
        })
        .await
        .map_err(AppError::from)
}

/// `POST /auth/login`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "inbox",
    request_body(content = LoginRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed in; `Set-Cookie: sealbook_session=…`", body = SessionView),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 401, description = "`login_failed` (wrong e-mail or password, or a revoked account), `totp_required` or `totp_failed`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`: an `Origin` that is not this server's", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 429, description = "`rate_limited` (per client and per e-mail)", body = ErrorBody),
    ),
)]
pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Response, AppError> {
    session::check_origin(&headers, &state.config)?;
    let email = normalise(&request.email);
    state.limits.check_login_email(&email).await?;
    let staff = state.storage.staff_by_email(&email).await?;
    let matches = password::verify_gated(
        request.password,
        staff.as_ref().map(|staff| staff.password_hash.clone()),
    )
    .await;
    let staff = match staff {
        Some(staff) if matches && !staff.disabled => staff,
        other => {
            audit_failed(&state, other.as_ref(), "password").await?;
            tracing::info!("staff login failed");
            return Err(AppError::LoginFailed);
        }
    };
    let now = now();
    if let Some(sealed) = &staff.totp_secret {
        let secret = open_totp(&state, &staff.id, sealed)?;
        let Some(code) = request
            .totp
            .as_deref()
            .filter(|code| !code.trim().is_empty())
        else {
            return Err(AppError::TotpRequired);
        };
        let step = totp::check(&secret, code, now);
        let fresh = match step {
            Some(step) => state.storage.use_totp_step(&staff.id, step).await?,
            None => false,
        };
        if !fresh {
            audit_failed(&state, Some(&staff), "totp").await?;
            tracing::info!("staff login failed: authenticator code");
            return Err(AppError::TotpFailed);
        }
    }
    let started = StaffSession::start(&state, staff, now).await?;
    started
        .session
        .audit(&state, "login", None, String::new())
        .await?;
    tracing::info!("staff signed in");
    Ok(signed_in(&state, &started))
}

/// `GET /auth/session`.
#[utoipa::path(
    get,
    path = "/api/v1/auth/session",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "The live session", body = SessionView),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
    ),
)]
pub(crate) async fn current(
    State(state): State<AppState>,
    session: StaffSession,
) -> Json<SessionView> {
    Json(session_view(&state, &session))
}

fn signed_out(state: &AppState) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie(&state.config));
    response
}

/// `POST /auth/logout`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared"),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
    ),
)]
pub(crate) async fn logout(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Response, AppError> {
    session.audit(&state, "logout", None, String::new()).await?;
    state.storage.delete_session(&session.id_hash).await?;
    Ok(signed_out(&state))
}

/// `POST /auth/logout-everywhere`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout-everywhere",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 204, description = "Every session of this member ended"),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
    ),
)]
pub(crate) async fn logout_everywhere(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Response, AppError> {
    let ended = state.storage.delete_sessions_of(&session.staff.id).await?;
    session
        .audit(
            &state,
            "logout_everywhere",
            None,
            format!("{ended} sessions"),
        )
        .await?;
    Ok(signed_out(&state))
}

/// `POST /auth/password`: a new login password, with the current one.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = PasswordChange, content_type = "application/json"),
    responses(
        (status = 204, description = "Changed; every other session of the account has ended"),
        (status = 400, description = "`wrong_password`, `weak_password` or `bad_request`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 429, description = "`rate_limited`: the login limit for this account", body = ErrorBody),
    ),
)]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(request): JsonBody<PasswordChange>,
) -> Result<StatusCode, AppError> {
    // A stolen session must not become a way to guess the password: same limit as logins.
    state.limits.check_login_email(&session.staff.email).await?;
    let current_hash = session.staff.password_hash.clone();
    if !password::verify_gated(request.current, Some(current_hash)).await {
        session
            .audit(&state, "password_change_failed", None, String::new())
            .await?;
        return Err(AppError::WrongPassword);
    }
    let password_hash = new_password_hash(request.new).await?;
    state
        .storage
        .change_password(&session.staff.id, &password_hash, &session.id_hash)
        .await?;
    session
        .audit(&state, "password_changed", None, String::new())
        .await?;
    tracing::info!("staff password changed");
    Ok(StatusCode::NO_CONTENT)
}

/// A stored TOTP secret that the server's key does not open.
#[derive(Debug, thiserror::Error)]
#[error(
    "a stored TOTP secret does not open with the TOTP key file: is it the file this database was used with?"
)]
struct TotpKeyMismatch;

/// The TOTP secret `sealed` holds for `staff`, opened with the server's key.
fn open_totp(state: &AppState, staff: &StaffId, sealed: &[u8]) -> Result<Vec<u8>, AppError> {
    state
        .totp_key
        .open(staff, sealed)
        .ok_or_else(|| AppError::Internal(Box::new(TotpKeyMismatch)))
}

/// `POST /auth/totp/setup`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/totp/setup",
    tag = "inbox",
    security(("session" = [])),
    responses(
        (status = 200, description = "A secret to enter in an authenticator app; pending until enabled", body = TotpSetup),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 409, description = "`totp_enabled`: the second factor is on already; it cannot be replaced from a session", body = ErrorBody),
    ),
)]
pub(crate) async fn totp_setup(
    State(state): State<AppState>,
    session: StaffSession,
) -> Result<Json<TotpSetup>, AppError> {
    // Once on, a session alone (a stolen cookie) must not swap in its own factor.
    if session.staff.totp_secret.is_some() {
        return Err(AppError::TotpAlreadyEnabled);
    }
    let secret = totp::generate().map_err(|error| AppError::Internal(Box::new(error)))?;
    let sealed = state
        .totp_key
        .seal(&session.staff.id, &secret)
        .map_err(|error| AppError::Internal(Box::new(error)))?;
    state
        .storage
        .set_totp_pending(&session.staff.id, &sealed)
        .await?;
    Ok(Json(TotpSetup {
        secret_base32: totp::base32(&secret),
        otpauth_url: totp::otpauth_url(&secret, &session.staff.email),
    }))
}

/// `POST /auth/totp/enable`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/totp/enable",
    tag = "inbox",
    security(("session" = [])),
    request_body(content = TotpCode, content_type = "application/json"),
    responses(
        (status = 204, description = "The second factor is on: every login now needs a code"),
        (status = 400, description = "`totp_failed` (wrong code, or no pending secret) or `bad_request`", body = ErrorBody),
        (status = 401, description = "`not_logged_in` or `session_expired`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`", body = ErrorBody),
        (status = 409, description = "`totp_enabled`: the second factor is on already", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
    ),
)]
pub(crate) async fn totp_enable(
    State(state): State<AppState>,
    session: StaffSession,
    JsonBody(request): JsonBody<TotpCode>,
) -> Result<StatusCode, AppError> {
    if session.staff.totp_secret.is_some() {
        return Err(AppError::TotpAlreadyEnabled);
    }
    let sealed = session
        .staff
        .totp_pending
        .as_deref()
        .ok_or(AppError::TotpNotConfirmed)?;
    // A pending secret the key does not open (the key file changed since the
    // setup) is one to set up again, like a wrong code.
    let pending = state
        .totp_key
        .open(&session.staff.id, sealed)
        .ok_or(AppError::TotpNotConfirmed)?;
    let step = totp::check(&pending, &request.code, now()).ok_or(AppError::TotpNotConfirmed)?;
    if !state
        .storage
        .enable_totp(&session.staff.id, sealed, step)
        .await?
    {
        return Err(AppError::TotpNotConfirmed);
    }
    session
        .audit(&state, "totp_enabled", None, String::new())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `SHA-256` of a 32-byte base64url token, or `None` if it is not one.
pub(super) fn token_hash(token: &str) -> Option<[u8; 32]> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    (bytes.len() == 32).then(|| Sha256::digest(token.trim().as_bytes()).into())
}

fn reset_error(error: ResetError) -> AppError {
    match error {
        ResetError::NotFound => AppError::NotFound,
        ResetError::Expired => AppError::ResetExpired,
        ResetError::Database(error) => error.into(),
    }
}

fn accept_error(error: AcceptError) -> AppError {
    match error {
        AcceptError::NotFound => AppError::NotFound,
        AcceptError::Expired => AppError::InviteExpired,
        AcceptError::Account(error) => error.into(),
        AcceptError::Database(error) => error.into(),
    }
}

/// `POST /auth/reset`: a member locked out chooses a new password with the
/// owner's one-time link. Two-step login is off afterwards (the member sets it
/// up again) and every earlier session has ended.
#[utoipa::path(
    post,
    path = "/api/v1/auth/reset",
    tag = "inbox",
    request_body(content = UseReset, content_type = "application/json"),
    responses(
        (status = 200, description = "The new password is set and the member is signed in; `Set-Cookie: sealbook_session=…`", body = SessionView),
        (status = 400, description = "`weak_password` or `bad_request`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`: an `Origin` that is not this server's", body = ErrorBody),
        (status = 404, description = "`not_found`: no such link, used, replaced, or the member was revoked", body = ErrorBody),
        (status = 410, description = "`reset_expired`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn use_reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<UseReset>,
) -> Result<Response, AppError> {
    session::check_origin(&headers, &state.config)?;
    let token_hash = token_hash(&request.token).ok_or(AppError::NotFound)?;
    let now = now();
    // The link first: a made-up token must not cost an argon2 hash.
    state
        .storage
        .check_reset(&token_hash, now)
        .await
        .map_err(reset_error)?;
    let password_hash = new_password_hash(request.password).await?;
    let (id, business) = state
        .storage
        .use_reset(&token_hash, now, &password_hash)
        .await
        .map_err(reset_error)?;
    let staff = state
        .storage
        .staff_member(&business, id.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let started = StaffSession::start(&state, staff, now).await?;
    started
        .session
        .audit(&state, "login_reset", None, String::new())
        .await?;
    tracing::info!("staff login reset used");
    Ok(signed_in(&state, &started))
}

/// `POST /auth/accept-invite`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/accept-invite",
    tag = "inbox",
    request_body(content = AcceptInvite, content_type = "application/json"),
    responses(
        (status = 200, description = "The account exists and is signed in; `Set-Cookie: sealbook_session=…`", body = SessionView),
        (status = 400, description = "`weak_password` or `bad_request`", body = ErrorBody),
        (status = 403, description = "`csrf_failed`: an `Origin` that is not this server's", body = ErrorBody),
        (status = 404, description = "`not_found`: no such invite, or it was used", body = ErrorBody),
        (status = 409, description = "`email_taken`", body = ErrorBody),
        (status = 410, description = "`invite_expired`", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn accept_invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<AcceptInvite>,
) -> Result<Response, AppError> {
    session::check_origin(&headers, &state.config)?;
    let token_hash = token_hash(&request.token).ok_or(AppError::NotFound)?;
    let now = now();
    // The invite first: a made-up token must not cost an argon2 hash.
    state
        .storage
        .check_invite(&token_hash, now)
        .await
        .map_err(accept_error)?;
    let password_hash = new_password_hash(request.password).await?;
    let id = StaffId::generate().map_err(|error| AppError::Internal(Box::new(error)))?;
    let created = state
        .storage
        .accept_invite(&token_hash, now, |invite| NewStaff {
            id,
            business: invite.business.clone(),
            email: invite.email.clone(),
            role: Role::Staff,
            password_hash,
            created_at: now,
        })
        .await
        .map_err(accept_error)?;
    let staff = state
        .storage
        .staff_member(&created.business, created.id.as_str())
        .await?
        .ok_or(AppError::NotFound)?;
    let started = StaffSession::start(&state, staff, now).await?;
    started
        .session
        .audit(&state, "invite_accepted", None, String::new())
        .await?;
    tracing::info!("staff invite accepted");
    Ok(signed_in(&state, &started))
}
