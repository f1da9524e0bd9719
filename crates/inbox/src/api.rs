//! The staff API (docs/API.md, "Staff inbox"): same-origin requests that carry
//! the session cookie, and the CSRF token on every request that changes
//! something. Answers come back typed; an error answer keeps the server's code.

use sealbook_web::fetch::{NoAnswer, Reach, Request, fetch_until};
use sealbook_wire::api::audit::{AuditLog, AuditView};
use sealbook_wire::api::auth::{
    AcceptInvite, LoginRequest, PasswordChange, SessionView, TotpCode, TotpSetup, UseReset,
};
use sealbook_wire::api::consent_stats::{ConsentStats, ConsentWeek};
use sealbook_wire::api::courier::{CourierTokenInfo, IssuedCourierToken, NewCourierToken};
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::inbox::{
    Attendance, AttendanceChange, BlockRequest, BookingList, ConsentList, ConsentView,
    CountsReport, DayCounts, ExportReport, MoveRequest, StaffBooking, StaffBookingRequest,
    StatusChange,
};
use sealbook_wire::api::inbox_keys::{KeyCopy, PutWrappedKeys, WrappedKeyView, WrappedKeys};
use sealbook_wire::api::notices::NoticePreferences;
use sealbook_wire::api::schedule::{
    FieldProblem, ScheduleChange, SchedulePreview, ScheduleSaved, ScheduleView,
};
use sealbook_wire::api::snippet::Snippet;
use sealbook_wire::api::staff::{
    InviteEntry, InviteList, InviteRequest, Invited, ResetIssued, RoleChange, ShareRequest,
    StaffEntry, StaffList,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use web_sys::AbortSignal;

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

    pub async fn session(&self) -> Result<SessionView, ApiError> {
        self.get("/api/v1/auth/session").await
    }

    pub async fn login(
        &self,
        email: &str,
        password: &str,
        totp: Option<&str>,
    ) -> Result<SessionView, ApiError> {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            totp: totp.map(str::to_owned),
        };
        self.send("POST", "/api/v1/auth/login", Some(&body)).await
    }

    pub async fn accept_invite(
        &self,
        token: &str,
        password: &str,
    ) -> Result<SessionView, ApiError> {
        let body = AcceptInvite {
            token: token.to_owned(),
            password: password.to_owned(),
        };
        self.send("POST", "/api/v1/auth/accept-invite", Some(&body))
            .await
    }

    /// A new login password with the owner's reset link; signs the member in.
    pub async fn use_reset(&self, token: &str, password: &str) -> Result<SessionView, ApiError> {
        let body = UseReset {
            token: token.to_owned(),
            password: password.to_owned(),
        };
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
        let body = PasswordChange {
            current: current.to_owned(),
            new: new.to_owned(),
        };
        self.send_empty("POST", "/api/v1/auth/password", Some(&body))
            .await
    }

    pub async fn totp_setup(&self) -> Result<TotpSetup, ApiError> {
        self.send("POST", "/api/v1/auth/totp/setup", NO_BODY).await
    }

    pub async fn totp_enable(&self, code: &str) -> Result<(), ApiError> {
        let body = TotpCode {
            code: code.to_owned(),
        };
        self.send_empty("POST", "/api/v1/auth/totp/enable", Some(&body))
            .await
    }

    pub async fn keys(&self) -> Result<WrappedKeys, ApiError> {
        self.get("/api/v1/inbox/keys").await
    }

    /// Replaces the caller's copies of these keys (now under their own
    /// passphrase), all of them or none.
    pub async fn replace_keys(&self, copies: &[WrappedKeyView]) -> Result<(), ApiError> {
        let body = PutWrappedKeys {
            keys: copies
                .iter()
                .map(|copy| KeyCopy {
                    kid: copy.kid.clone(),
                    wrapped: copy.wrapped.clone(),
                })
                .collect(),
        };
        self.send_empty("PUT", "/api/v1/inbox/keys", Some(&body))
            .await
    }

    /// The business's schedule as every server serves it.
    pub async fn schedule(&self) -> Result<ScheduleView, ApiError> {
        self.get("/api/v1/inbox/schedule").await
    }

    /// What `change` would do: the bookings it no longer fits (sealed), or
    /// its problems by field (`422 invalid_schedule`).
    pub async fn preview_schedule(
        &self,
        change: &ScheduleChange,
    ) -> Result<Result<SchedulePreview, Vec<FieldProblem>>, ApiError> {
        let (status, text) = self
            .exchange("POST", "/api/v1/inbox/schedule/preview", Some(change), None)
            .await?;
        if (200..300).contains(&status) {
            return parse(&text).map(Ok);
        }
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) if body.error.code == "invalid_schedule" => Ok(Err(body.error.fields)),
            Ok(body) => Err(ApiError::Code {
                status,
                code: body.error.code,
            }),
            Err(_) => Err(ApiError::Network),
        }
    }

    /// Stores `change`; the bookings it no longer fits are marked.
    pub async fn save_schedule(&self, change: &ScheduleChange) -> Result<ScheduleSaved, ApiError> {
        self.send("PUT", "/api/v1/inbox/schedule", Some(change))
            .await
    }

    /// The kinds of e-mail notice the member receives.
    pub async fn notice_preferences(&self) -> Result<NoticePreferences, ApiError> {
        self.get("/api/v1/inbox/notices").await
    }

    /// Replaces the member's choice of notices; the stored choice.
    pub async fn set_notice_preferences(
        &self,
        chosen: &NoticePreferences,
    ) -> Result<NoticePreferences, ApiError> {
        self.send("PUT", "/api/v1/inbox/notices", Some(chosen))
            .await
    }

    /// Bookings from `from` to `to` (inclusive, `YYYY-MM-DD` in the business's
    /// zone), only those with a status (`confirmed`, `cancelled`) or an
    /// attendance mark (`arrived`, …) if `filter` names one. Given up when
    /// `abort` is signalled (the listing was left before its answer came).
    pub async fn bookings(
        &self,
        from: &str,
        to: &str,
        filter: Option<&str>,
        abort: Option<&AbortSignal>,
    ) -> Result<Vec<StaffBooking>, ApiError> {
        let mut path = format!(
            "/api/v1/inbox/bookings?from={}&to={}",
            encode(from),
            encode(to)
        );
        if let Some(filter) = filter {
            let name = if Attendance::parse(filter).is_some() {
                "attendance"
            } else {
                "status"
            };
            path.push_str(&format!("&{name}={}", encode(filter)));
        }
        let text = self.request("GET", &path, NO_BODY, abort).await?;
        parse::<BookingList>(&text).map(|list| list.bookings)
    }

    /// The totals of each day from `from` to `to` (inclusive).
    pub async fn counts(&self, from: &str, to: &str) -> Result<Vec<DayCounts>, ApiError> {
        let path = format!(
            "/api/v1/inbox/counts?from={}&to={}",
            encode(from),
            encode(to)
        );
        Ok(self.get::<CountsReport>(&path).await?.days)
    }

    /// The owner's consent statistics for the last `weeks` weeks, oldest first.
    pub async fn consent_stats(&self, weeks: u8) -> Result<Vec<ConsentWeek>, ApiError> {
        let path = format!("/api/v1/inbox/consent-stats?weeks={weeks}");
        Ok(self.get::<ConsentStats>(&path).await?.weeks)
    }

    pub async fn booking(&self, id: &str) -> Result<StaffBooking, ApiError> {
        self.get(&format!("/api/v1/inbox/bookings/{}", encode(id)))
            .await
    }

    /// Stores a booking this member entered and sealed.
    pub async fn create_booking(
        &self,
        request: &StaffBookingRequest,
    ) -> Result<StaffBooking, ApiError> {
        self.send("POST", "/api/v1/inbox/bookings", Some(request))
            .await
    }

    /// Holds capacity with no guest behind it; erased like a booking.
    pub async fn create_block(&self, request: &BlockRequest) -> Result<StaffBooking, ApiError> {
        self.send("POST", "/api/v1/inbox/blocks", Some(request))
            .await
    }

    /// Moves a booking to another time (or practitioner).
    pub async fn move_booking(
        &self,
        id: &str,
        request: &MoveRequest,
    ) -> Result<StaffBooking, ApiError> {
        let path = format!("/api/v1/inbox/bookings/{}/move", encode(id));
        self.send("POST", &path, Some(request)).await
    }

    /// Cancels the booking (recorded as late inside the cancellation deadline).
    pub async fn cancel(&self, id: &str) -> Result<StaffBooking, ApiError> {
        let body = StatusChange {
            status: "cancelled".to_owned(),
        };
        let path = format!("/api/v1/inbox/bookings/{}/status", encode(id));
        self.send("POST", &path, Some(&body)).await
    }

    /// Marks the booking `arrived` or `no_show`, or clears the mark (`None`).
    pub async fn set_attendance(
        &self,
        id: &str,
        attendance: Option<Attendance>,
    ) -> Result<StaffBooking, ApiError> {
        let body = AttendanceChange { attendance };
        let path = format!("/api/v1/inbox/bookings/{}/attendance", encode(id));
        self.send("PUT", &path, Some(&body)).await
    }

    /// Clears the mark a schedule change left on booking `id`.
    pub async fn clear_attention(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/inbox/bookings/{}/attention", encode(id));
        self.send_empty("DELETE", &path, NO_BODY).await
    }

    pub async fn erase(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/inbox/bookings/{}", encode(id));
        self.send_empty("DELETE", &path, NO_BODY).await
    }

    /// Tells the audit log that the inbox built an export of `count` bookings.
    pub async fn report_export(&self, format: &str, count: usize) -> Result<(), ApiError> {
        let body = ExportReport {
            format: format.to_owned(),
            // The server refuses any count above a million, so saturating changes no answer.
            count: u32::try_from(count).unwrap_or(u32::MAX),
        };
        self.send_empty("POST", "/api/v1/inbox/exports", Some(&body))
            .await
    }

    pub async fn consent_records(&self, consent_id: &str) -> Result<Vec<ConsentView>, ApiError> {
        let path = format!("/api/v1/inbox/consents/{}", encode(consent_id));
        Ok(self.get::<ConsentList>(&path).await?.records)
    }

    pub async fn staff(&self) -> Result<Vec<StaffEntry>, ApiError> {
        Ok(self.get::<StaffList>("/api/v1/inbox/staff").await?.staff)
    }

    pub async fn invite(&self, email: &str, keys: &[KeyCopy]) -> Result<String, ApiError> {
        let body = InviteRequest {
            email: email.to_owned(),
            role: "staff".to_owned(),
            wrapped: keys.to_vec(),
        };
        let invited: Invited = self
            .send("POST", "/api/v1/inbox/invites", Some(&body))
            .await?;
        Ok(invited.invite_url)
    }

    pub async fn open_invites(&self) -> Result<Vec<InviteEntry>, ApiError> {
        Ok(self
            .get::<InviteList>("/api/v1/inbox/invites")
            .await?
            .invites)
    }

    pub async fn withdraw_invite(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/inbox/invites/{}", encode(id));
        self.send_empty("DELETE", &path, NO_BODY).await
    }

    /// Gives an existing member keys they lack, locked under a grant code.
    pub async fn share_keys(&self, member: &str, keys: &[KeyCopy]) -> Result<(), ApiError> {
        let body = ShareRequest {
            wrapped: keys.to_vec(),
        };
        let path = format!("/api/v1/inbox/staff/{}/keys", encode(member));
        self.send_empty("PUT", &path, Some(&body)).await
    }

    /// Makes `member` a `manager` or plain `staff`.
    pub async fn set_role(&self, member: &str, role: &str) -> Result<(), ApiError> {
        let body = RoleChange {
            role: role.to_owned(),
        };
        let path = format!("/api/v1/inbox/staff/{}/role", encode(member));
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

    /// The business's courier tokens (never the tokens themselves).
    pub async fn courier_tokens(&self) -> Result<Vec<CourierTokenInfo>, ApiError> {
        self.get("/api/v1/inbox/courier-tokens").await
    }

    /// A new courier token, shown once.
    pub async fn create_courier_token(&self, label: &str) -> Result<IssuedCourierToken, ApiError> {
        let body = NewCourierToken {
            label: label.to_owned(),
        };
        self.send("POST", "/api/v1/inbox/courier-tokens", Some(&body))
            .await
    }

    pub async fn revoke_courier_token(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("/api/v1/inbox/courier-tokens/{}", encode(id));
        self.send_empty("DELETE", &path, NO_BODY).await
    }

    pub async fn snippet(&self) -> Result<Snippet, ApiError> {
        self.get("/api/v1/inbox/snippet").await
    }

    pub async fn audit(&self) -> Result<Vec<AuditView>, ApiError> {
        Ok(self.get::<AuditLog>("/api/v1/inbox/audit").await?.entries)
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
        let text = self.request(method, path, body, None).await?;
        parse(&text)
    }

    async fn send_empty<B: Serialize>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), ApiError> {
        self.request(method, path, body, None).await.map(drop)
    }

    /// One request; the body text of a 2xx answer. Given up (as
    /// [`ApiError::Network`]) when `abort` is signalled.
    async fn request<B: Serialize>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
        abort: Option<&AbortSignal>,
    ) -> Result<String, ApiError> {
        let (status, text) = self.exchange(method, path, body, abort).await?;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        let code = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|body| body["error"]["code"].as_str().map(str::to_owned))
            .ok_or(ApiError::Network)?;
        Err(ApiError::Code { status, code })
    }

    /// One request: the status and body text of whatever the server answered.
    async fn exchange<B: Serialize>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
        abort: Option<&AbortSignal>,
    ) -> Result<(u16, String), ApiError> {
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
        fetch_until::<_, ApiError>(request, abort, |status, text| (status, text)).await
    }
}

/// A 2xx answer's body; one that does not parse is as good as no answer.
fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| ApiError::Network)
}

/// The body of a request that has none.
const NO_BODY: Option<&()> = None;

/// A path segment or query value, percent-encoded.
fn encode(raw: &str) -> String {
    js_sys::encode_uri_component(raw).into()
}

/// In headless Chromium (`cargo xtask test`), against the test runner's own
/// server: a request given up gets no answer.
#[cfg(all(test, target_family = "wasm", target_os = "unknown"))]
mod browser_tests {
    use std::task::{Context, Waker};

    use sealbook_web::fetch::{NoAnswer, Reach, Request, fetch_until};
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use web_sys::AbortController;

    wasm_bindgen_test_configure!(run_in_browser);

    /// The runner's page, which it always serves.
    const PAGE: Request<'static> = Request {
        method: "GET",
        url: "/",
        reach: Reach::SameOrigin,
        headers: &[],
        json: None,
    };

    #[wasm_bindgen_test]
    async fn a_request_given_up_gets_no_answer() {
        let status = |status, _| status;
        let answered = fetch_until::<_, NoAnswer>(PAGE, None, status).await;
        assert_eq!(answered, Ok(200));

        let given_up = AbortController::new().expect("an abort controller");
        let signal = given_up.signal();
        // The request goes out when the future is first polled, after this.
        let waiting = fetch_until::<_, NoAnswer>(PAGE, Some(&signal), status);
        given_up.abort();
        assert_eq!(waiting.await, Err(NoAnswer));
    }

    #[wasm_bindgen_test]
    async fn a_request_given_up_while_it_is_out_gets_no_answer() {
        let given_up = AbortController::new().expect("an abort controller");
        let signal = given_up.signal();
        let mut waiting = std::pin::pin!(fetch_until::<_, NoAnswer>(
            PAGE,
            Some(&signal),
            |status, _| status
        ));
        // The first poll sends the request. Its answer cannot come before this
        // task ends, so the abort below meets a request that is out.
        let mut context = Context::from_waker(Waker::noop());
        assert!(waiting.as_mut().poll(&mut context).is_pending());
        given_up.abort();
        assert_eq!(waiting.await, Err(NoAnswer));
    }
}
