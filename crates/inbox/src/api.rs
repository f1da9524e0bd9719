//! The staff API (docs/API.md, "Staff inbox"): same-origin requests that carry
//! the session cookie, and the CSRF token on every request that changes
//! something. Answers come back typed; an error answer keeps the server's code.

use sealbook_web::fetch::{NoAnswer, Reach, Request, fetch};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Why a request failed: the server's error code, or no answer at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// The server answered with this stable code (docs/API.md).
    Code { status: u16, code: String },
    /// No HTTP answer (offline, server down) or an answer that is not ours.
    Network,
}

/// No HTTP answer at all.
impl From<NoAnswer> for ApiError {
    fn from(_: NoAnswer) -> Self {
        Self::Network
    }
}

impl ApiError {
    pub fn code(&self) -> &str {
        match self {
            Self::Code { code, .. } => code,
            Self::Network => "network",
        }
    }

    /// The session is gone: the inbox goes back to the login.
    pub fn is_logged_out(&self) -> bool {
        matches!(self.code(), "not_logged_in" | "session_expired")
    }
}

/// The logged-in staff member.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Staff {
    pub id: String,
    pub email: String,
    /// `owner` or `staff`.
    pub role: String,
    pub business: String,
    pub business_name: String,
    #[serde(default)]
    pub totp_enabled: bool,
}

impl Staff {
    pub fn is_owner(&self) -> bool {
        self.role == "owner"
    }
}

/// A session: who, and the token that state-changing requests must echo.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Session {
    pub staff: Staff,
    pub csrf: String,
    pub expires_at: String,
}

/// The caller's own wrapped copy of one business key.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct WrappedKey {
    pub kid: String,
    /// `active`, `pending`, `retired` or `compromised`.
    pub status: String,
    /// base64url of the encrypted PKCS#8 DER.
    pub wrapped: String,
    /// Shared by the owner after a rotation: the owner's grant code opens it,
    /// until this member locks it under their own passphrase.
    #[serde(default)]
    pub shared: bool,
}

/// A key the business has, whether or not the caller holds a copy.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ConfiguredKey {
    pub kid: String,
    pub status: String,
}

impl ConfiguredKey {
    /// Active or about to be: every member should hold it.
    pub fn is_current(&self) -> bool {
        matches!(self.status.as_str(), "active" | "pending")
    }
}

/// The caller's copies and the business's keys.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct KeySet {
    pub keys: Vec<WrappedKey>,
    #[serde(default)]
    pub configured: Vec<ConfiguredKey>,
}

/// A stored booking as the inbox lists it: public metadata and the envelope.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct StoredBooking {
    pub id: String,
    /// RFC 3339 with the business's offset.
    pub start: String,
    pub end: String,
    pub party_size: Option<u32>,
    pub service: Option<String>,
    pub practitioner: Option<String>,
    /// `confirmed`, `cancelled`, `arrived` or `no_show`.
    pub status: String,
    pub created_at: String,
    pub envelope: String,
}

#[derive(Deserialize)]
struct Bookings {
    bookings: Vec<StoredBooking>,
}

/// One consent record (the same fields as `sealbook consents list`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ConsentRecord {
    pub consent_id: String,
    pub recorded_at: String,
    pub notice_version: String,
    pub language: String,
    pub granted: Vec<String>,
    pub refused: Vec<String>,
    pub action: String,
}

#[derive(Deserialize)]
struct ConsentRecords {
    records: Vec<ConsentRecord>,
}

/// A member of the business's staff, as the owner sees them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Member {
    pub id: String,
    pub email: String,
    pub role: String,
    pub created_at: String,
    #[serde(default)]
    pub totp_enabled: bool,
    #[serde(default)]
    pub has_key: bool,
    /// Key ids held under the member's own passphrase.
    #[serde(default)]
    pub kids: Vec<String>,
    /// Key ids shared with the member, waiting for their grant code.
    #[serde(default)]
    pub shared_kids: Vec<String>,
    #[serde(default)]
    pub revoked: bool,
}

#[derive(Deserialize)]
struct Members {
    staff: Vec<Member>,
}

/// An invite not yet used nor expired.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct OpenInvite {
    pub id: String,
    pub email: String,
    /// RFC 3339.
    pub expires_at: String,
}

#[derive(Deserialize)]
struct OpenInvites {
    invites: Vec<OpenInvite>,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: String,
    pub staff_email: Option<String>,
    pub session: Option<String>,
    pub action: String,
    pub booking_id: Option<String>,
    #[serde(default)]
    pub detail: String,
}

#[derive(Deserialize)]
struct Audit {
    entries: Vec<AuditEntry>,
}

/// A second factor being set up: the secret to put into an authenticator app.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TotpSetup {
    pub secret_base32: String,
    pub otpauth_url: String,
}

/// The script tag the owner pastes into their site.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Snippet {
    pub html: String,
    pub kids: Vec<String>,
    pub integrity: Option<String>,
}

#[derive(Deserialize)]
struct Invited {
    invite_url: String,
}

#[derive(Deserialize)]
struct ResetIssued {
    reset_url: String,
}

/// A wrapped copy for an invite: the business key under the one-time grant code.
#[derive(Clone, Debug, Serialize)]
pub struct GrantedKey {
    pub kid: String,
    pub wrapped: String,
}

/// The client: where the API is (this page's origin) and the session's CSRF token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Api {
    csrf: Option<String>,
}

impl Api {
    pub fn with_csrf(csrf: &str) -> Self {
        Self {
            csrf: Some(csrf.to_owned()),
        }
    }

    pub async fn session(&self) -> Result<Session, ApiError> {
        self.get("/api/v1/auth/session").await
    }

    pub async fn login(
        &self,
        email: &str,
        password: &str,
        totp: Option<&str>,
    ) -> Result<Session, ApiError> {
        let body = serde_json::json!({ "email": email, "password": password, "totp": totp });
        self.send("POST", "/api/v1/auth/login", Some(&body)).await
    }

    pub async fn accept_invite(&self, token: &str, password: &str) -> Result<Session, ApiError> {
        let body = serde_json::json!({ "token": token, "password": password });
        self.send("POST", "/api/v1/auth/accept-invite", Some(&body))
            .await
    }

    /// A new login password with the owner's reset link; signs the member in.
    pub async fn use_reset(&self, token: &str, password: &str) -> Result<Session, ApiError> {
        let body = serde_json::json!({ "token": token, "password": password });
        self.send("POST", "/api/v1/auth/reset", Some(&body)).await
    }

    pub async fn logout(&self, everywhere: bool) -> Result<(), ApiError> {
        let path = if everywhere {
            "/api/v1/auth/logout-everywhere"
        } else {
            "/api/v1/auth/logout"
        };
        self.send_empty("POST", path, NO_BODY).await
    }

    /// A new login password; the server ends every other session of the account.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), ApiError> {
        let body = serde_json::json!({ "current": current, "new": new });
        self.send_empty("POST", "/api/v1/auth/password", Some(&body))
            .await
    }

    pub async fn totp_setup(&self) -> Result<TotpSetup, ApiError> {
        self.send("POST", "/api/v1/auth/totp/setup", NO_BODY).await
    }

    pub async fn totp_enable(&self, code: &str) -> Result<(), ApiError> {
        let body = serde_json::json!({ "code": code });
        self.send_empty("POST", "/api/v1/auth/totp/enable", Some(&body))
            .await
    }

    pub async fn keys(&self) -> Result<KeySet, ApiError> {
        self.get("/api/v1/inbox/keys").await
    }

    /// Replaces the caller's copies of these keys (now under their own
    /// passphrase), all of them or none.
    pub async fn replace_keys(&self, copies: &[WrappedKey]) -> Result<(), ApiError> {
        let keys: Vec<_> = copies
            .iter()
            .map(|copy| serde_json::json!({ "kid": copy.kid, "wrapped": copy.wrapped }))
            .collect();
        let body = serde_json::json!({ "keys": keys });
        self.send_empty("PUT", "/api/v1/inbox/keys", Some(&body))
            .await
    }

    /// Bookings from `from` to `to` (inclusive, `YYYY-MM-DD` in the business's zone).
    pub async fn bookings(
        &self,
        from: &str,
        to: &str,
        status: Option<&str>,
    ) -> Result<Vec<StoredBooking>, ApiError> {
        let mut path = format!(
            "/api/v1/inbox/bookings?from={}&to={}",
            encode(from),
            encode(to)
        );
        if let Some(status) = status {
            path.push_str("&status=");
            path.push_str(&encode(status));
        }
        Ok(self.get::<Bookings>(&path).await?.bookings)
    }

    pub async fn booking(&self, id: &str) -> Result<StoredBooking, ApiError> {
        self.get(&format!("/api/v1/inbox/bookings/{}", encode(id)))
            .await
    }

    pub async fn set_status(&self, id: &str, status: &str) -> Result<StoredBooking, ApiError> {
        let body = serde_json::json!({ "status": status });
        let path = format!("/api/v1/inbox/bookings/{}/status", encode(id));
        self.send("POST", &path, Some(&body)).await
    }

    pub async fn erase(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/inbox/bookings/{}", encode(id));
        self.send_empty("DELETE", &path, NO_BODY).await
    }

    /// Tells the audit log that the inbox built an export of `count` bookings.
    pub async fn report_export(&self, format: &str, count: usize) -> Result<(), ApiError> {
        let body = serde_json::json!({ "format": format, "count": count });
        self.send_empty("POST", "/api/v1/inbox/exports", Some(&body))
            .await
    }

    pub async fn consent_records(&self, consent_id: &str) -> Result<Vec<ConsentRecord>, ApiError> {
        let path = format!("/api/v1/inbox/consents/{}", encode(consent_id));
        Ok(self.get::<ConsentRecords>(&path).await?.records)
    }

    pub async fn staff(&self) -> Result<Vec<Member>, ApiError> {
        Ok(self.get::<Members>("/api/v1/inbox/staff").await?.staff)
    }

    pub async fn invite(&self, email: &str, keys: &[GrantedKey]) -> Result<String, ApiError> {
        let body = serde_json::json!({ "email": email, "role": "staff", "wrapped": keys });
        let invited: Invited = self
            .send("POST", "/api/v1/inbox/invites", Some(&body))
            .await?;
        Ok(invited.invite_url)
    }

    pub async fn open_invites(&self) -> Result<Vec<OpenInvite>, ApiError> {
        Ok(self
            .get::<OpenInvites>("/api/v1/inbox/invites")
            .await?
            .invites)
    }

    pub async fn withdraw_invite(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/inbox/invites/{}", encode(id));
        self.send_empty("DELETE", &path, NO_BODY).await
    }

    /// Gives an existing member keys they lack, locked under a grant code.
    pub async fn share_keys(&self, member: &str, keys: &[GrantedKey]) -> Result<(), ApiError> {
        let body = serde_json::json!({ "wrapped": keys });
        let path = format!("/api/v1/inbox/staff/{}/keys", encode(member));
        self.send_empty("PUT", &path, Some(&body)).await
    }

    /// A one-time link for `member` to choose a new login password.
    pub async fn reset_login(&self, member: &str) -> Result<String, ApiError> {
        let path = format!("/api/v1/inbox/staff/{}/reset", encode(member));
        let issued: ResetIssued = self.send("POST", &path, NO_BODY).await?;
        Ok(issued.reset_url)
    }

    pub async fn revoke(&self, member: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/inbox/staff/{}", encode(member));
        self.send_empty("DELETE", &path, NO_BODY).await
    }

    pub async fn snippet(&self) -> Result<Snippet, ApiError> {
        self.get("/api/v1/inbox/snippet").await
    }

    pub async fn audit(&self) -> Result<Vec<AuditEntry>, ApiError> {
        Ok(self.get::<Audit>("/api/v1/inbox/audit").await?.entries)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.send("GET", path, NO_BODY).await
    }

    async fn send<T: DeserializeOwned, B: Serialize>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let text = self.request(method, path, body).await?;
        serde_json::from_str(&text).map_err(|_| ApiError::Network)
    }

    async fn send_empty<B: Serialize>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), ApiError> {
        self.request(method, path, body).await.map(drop)
    }

    /// One request; the body text of a 2xx answer.
    async fn request<B: Serialize>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<String, ApiError> {
        // Our own request types always serialise; one that did not would not be sent.
        let json = body
            .map(serde_json::to_string)
            .transpose()
            .map_err(|_| ApiError::Network)?;
        let mut headers = vec![("Accept", "application/json")];
        if method != "GET"
            && let Some(csrf) = &self.csrf
        {
            headers.push(("X-Sealbook-CSRF", csrf));
        }
        let request = Request {
            method,
            url: path,
            reach: Reach::SameOrigin,
            headers: &headers,
            json: json.as_deref(),
        };
        let (status, text) = fetch::<_, ApiError>(request, |status, text| (status, text)).await?;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        let code = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|body| body["error"]["code"].as_str().map(str::to_owned))
            .ok_or(ApiError::Network)?;
        Err(ApiError::Code { status, code })
    }
}

/// The body of a request that has none.
const NO_BODY: Option<&()> = None;

/// A path segment or query value, percent-encoded.
fn encode(raw: &str) -> String {
    js_sys::encode_uri_component(raw).into()
}
