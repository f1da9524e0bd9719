//! Staff sessions at the edge: the `sealbook_session` cookie, its expiry, and
//! the CSRF check every state-changing inbox request passes — all in the one
//! extractor, [`StaffSession`], so no handler can forget them.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

use crate::config::Config;
use crate::ids::random_base64url;
use crate::storage::{NewAuditEntry, NewSession, StaffMember};
use crate::{AppError, AppState};

/// The cookie's name on plain-http loopback (a demo, a test).
pub const COOKIE: &str = "sealbook_session";
/// The cookie's name over https. Browsers keep a `__Host-` cookie only if it
/// is `Secure`, has `Path=/` and no `Domain`: no sibling subdomain and no
/// plain-http page can set or shadow it.
pub const HOST_COOKIE: &str = "__Host-sealbook_session";
/// The header that carries the session's CSRF token.
pub const CSRF_HEADER: &str = "x-sealbook-csrf";
/// A session ends this long after login, used or not.
pub const ABSOLUTE_SECONDS: i64 = 12 * 3600;
/// A session ends after this long unused.
pub const IDLE_SECONDS: i64 = 3600;
/// `last_seen` is written at most this often (a read is not a write each time).
const TOUCH_SECONDS: i64 = 60;

/// A signed-in staff member, with a live session; for a state-changing
/// method, one whose CSRF token and origin were checked.
#[derive(Clone)]
pub(crate) struct StaffSession {
    pub(crate) staff: StaffMember,
    pub(crate) id_hash: [u8; 32],
    pub(crate) csrf: String,
    pub(crate) expires_at: i64,
}

/// A [`StaffSession`] of the business's owner.
#[derive(Debug, Clone)]
pub(crate) struct Owner(pub(crate) StaffSession);

/// A session just made at login or on accepting an invite.
pub(crate) struct Started {
    pub(crate) session: StaffSession,
    /// The cookie's token: goes to the browser once, never stored.
    pub(crate) token: String,
}

// Hand-written: neither the cookie's token nor the CSRF token may reach a log.
impl std::fmt::Debug for StaffSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffSession")
            .field("staff", &self.staff)
            .field("session", &self.audit_name())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Started {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Started")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

/// The current unix time.
pub(crate) fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The session cookie's name for this server.
fn cookie_name(config: &Config) -> &'static str {
    if is_https(config) {
        HOST_COOKIE
    } else {
        COOKIE
    }
}

fn cookie_token<'a>(headers: &'a HeaderMap, config: &Config) -> Option<&'a str> {
    let wanted = cookie_name(config);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, token)| token)
        .filter(|token| !token.is_empty())
}

/// Whether an `Origin` header, if there is one, is this server's own origin:
/// `public_url`, or — on plain-HTTP loopback or without `public_url` — the
/// host the browser addressed.
///
/// `Origin: null` passes only with `Sec-Fetch-Site: same-origin`. Our pages'
/// `Referrer-Policy: no-referrer` makes Firefox send `null` for the inbox's own
/// POSTs (the Fetch standard's rule for that policy); the browser sets
/// `Sec-Fetch-Site` itself, and an opaque origin (a sandboxed frame, a `data:`
/// page) is never `same-origin`.
fn same_origin(headers: &HeaderMap, config: &Config) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if origin == "null" {
        return headers
            .get("sec-fetch-site")
            .is_some_and(|site| site == "same-origin");
    }
    if config.public_url.as_deref() == Some(origin) {
        return true;
    }
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let loopback = ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host == *name || host.starts_with(&format!("{name}:")));
    (config.public_url.is_none() || loopback)
        && (origin.strip_prefix("http://") == Some(host)
            || origin.strip_prefix("https://") == Some(host))
}

/// Login and accepting an invite carry no CSRF token (there is no session
/// yet), but a browser's `Origin` still has to be this server's.
pub(crate) fn check_origin(headers: &HeaderMap, config: &Config) -> Result<(), AppError> {
    if same_origin(headers, config) {
        Ok(())
    } else {
        Err(AppError::CsrfFailed)
    }
}

/// The CSRF rule: the header equals the session's token (constant-time), and
/// the request comes from this server's own origin.
fn check_csrf(headers: &HeaderMap, csrf: &str, config: &Config) -> Result<(), AppError> {
    let sent = headers
        .get(CSRF_HEADER)
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    let matches: bool = sent.ct_eq(csrf.as_bytes()).into();
    if matches && !csrf.is_empty() && same_origin(headers, config) {
        Ok(())
    } else {
        Err(AppError::CsrfFailed)
    }
}

impl StaffSession {
    /// Starts a session for `staff` at `now`.
    pub(crate) async fn start(
        state: &AppState,
        staff: StaffMember,
        now: i64,
    ) -> Result<Started, AppError> {
        let random =
            |bytes| random_base64url(bytes).map_err(|error| AppError::Internal(Box::new(error)));
        let token = random(32)?;
        let csrf = random(32)?;
        let session = NewSession {
            id_hash: hash_token(&token),
            staff: staff.id.clone(),
            csrf: csrf.clone(),
            created_at: now,
            expires_at: now + ABSOLUTE_SECONDS,
        };
        state.storage.create_session(&session).await?;
        Ok(Started {
            session: Self {
                staff,
                id_hash: session.id_hash,
                csrf,
                expires_at: session.expires_at,
            },
            token,
        })
    }

    /// The session as the audit log names it: the start of its hash.
    pub(crate) fn audit_name(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.id_hash)[..8].to_owned()
    }

    /// Appends an audit entry for an action of this member.
    pub(crate) async fn audit(
        &self,
        state: &AppState,
        action: &'static str,
        booking_id: Option<&str>,
        detail: String,
    ) -> Result<(), AppError> {
        state
            .storage
            .audit(&self.audit_entry(action, booking_id, detail))
            .await
            .map_err(AppError::from)
    }

    /// The entry [`Self::audit`] writes, for storage calls that write it in the
    /// same transaction as the change.
    pub(crate) fn audit_entry(
        &self,
        action: &'static str,
        booking_id: Option<&str>,
        detail: String,
    ) -> NewAuditEntry {
        NewAuditEntry {
            business: Some(self.staff.business.clone()),
            at: now(),
            staff: Some(self.staff.id.clone()),
            session: Some(self.audit_name()),
            action,
            booking_id: booking_id.map(str::to_owned),
            detail,
        }
    }
}

/// `Set-Cookie` for a new session: over https `__Host-` prefixed and
/// `Secure`; on plain-http loopback neither (a browser would not keep it).
pub(crate) fn set_cookie(config: &Config, token: &str) -> HeaderValue {
    let (name, secure) = (cookie_name(config), secure_attribute(config));
    HeaderValue::from_str(&format!(
        "{name}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={ABSOLUTE_SECONDS}{secure}"
    ))
    .unwrap_or_else(|_| clear_cookie(config))
}

/// `Set-Cookie` that removes the session cookie.
pub(crate) fn clear_cookie(config: &Config) -> HeaderValue {
    let (name, secure) = (cookie_name(config), secure_attribute(config));
    HeaderValue::from_str(&format!(
        "{name}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{secure}"
    ))
    .expect("a cookie name and fixed attributes are a valid header value")
}

fn secure_attribute(config: &Config) -> &'static str {
    if is_https(config) { "; Secure" } else { "" }
}

fn is_https(config: &Config) -> bool {
    config
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"))
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = cookie_token(&parts.headers, &state.config).ok_or(AppError::NotLoggedIn)?;
        let id_hash = hash_token(token);
        let session = state
            .storage
            .session(&id_hash)
            .await?
            .ok_or(AppError::NotLoggedIn)?;
        if session.staff.disabled {
            state.storage.delete_session(&id_hash).await?;
            return Err(AppError::NotLoggedIn);
        }
        let now = now();
        if now >= session.expires_at || now - session.last_seen >= IDLE_SECONDS {
            state.storage.delete_session(&id_hash).await?;
            return Err(AppError::SessionExpired);
        }
        if now - session.last_seen >= TOUCH_SECONDS {
            state.storage.touch_session(&id_hash, now).await?;
        }
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            check_csrf(&parts.headers, &session.csrf, &state.config)?;
        }
        Ok(Self {
            staff: session.staff,
            id_hash,
            csrf: session.csrf,
            expires_at: session.expires_at,
        })
    }
}

impl FromRequestParts<AppState> for Owner {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = StaffSession::from_request_parts(parts, state).await?;
        if session.staff.role == crate::storage::Role::Owner {
            Ok(Self(session))
        } else {
            Err(AppError::Forbidden)
        }
    }
}
