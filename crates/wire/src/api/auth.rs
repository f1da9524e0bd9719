//! `/auth/*`: staff sign-in, sessions, the TOTP second factor, invites and
//! login resets.

use serde::{Deserialize, Serialize};

/// What a staff member may do (docs/THREATS.md, "Roles"): owner > manager > staff.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Staff,
    /// May also squeeze a booking in past capacity.
    Manager,
    /// Manages staff and reads the audit log; one per business.
    Owner,
}

/// Who is signed in.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffView {
    pub id: String,
    pub email: String,
    /// `owner`, `manager` or `staff`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: Role,
    pub business: String,
    pub business_name: String,
    pub totp_enabled: bool,
}

impl StaffView {
    pub fn is_owner(&self) -> bool {
        self.role == Role::Owner
    }

    /// Owner or manager: may squeeze a booking in past capacity.
    pub fn may_squeeze_in(&self) -> bool {
        self.role >= Role::Manager
    }
}

/// A live session: the member, the token for `X-Sealbook-CSRF`, and when it ends.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub staff: StaffView,
    pub csrf: String,
    /// RFC 3339; the session also ends after an hour unused.
    pub expires_at: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// The 6-digit code, when the account has a second factor.
    pub totp: Option<String>,
}

/// A new, pending TOTP secret.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpSetup {
    pub secret_base32: String,
    pub otpauth_url: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: String,
    /// At least 12 characters.
    pub new: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TotpCode {
    pub code: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptInvite {
    /// The token from the invite link's fragment.
    pub token: String,
    /// At least 12 characters.
    pub password: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UseReset {
    /// The token from the reset link's fragment.
    pub token: String,
    /// The new login password, at least 12 characters.
    pub password: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_reads_as_the_server_writes_it() {
        let answer = r#"{"staff": {"id": "s1", "email": "owner@example.com", "role": "owner",
                          "business": "bistro", "business_name": "Bistro", "totp_enabled": false},
                         "csrf": "c", "expires_at": "2026-12-04T18:30:00Z"}"#;
        let session: SessionView = serde_json::from_str(answer).expect("a session reads");
        assert!(session.staff.is_owner());
        let member = answer.replace(r#""role": "owner""#, r#""role": "staff""#);
        let session: SessionView = serde_json::from_str(&member).expect("a member's session reads");
        assert!(!session.staff.is_owner());
        assert!(!session.staff.may_squeeze_in());
        let manager = answer.replace(r#""role": "owner""#, r#""role": "manager""#);
        let session: SessionView =
            serde_json::from_str(&manager).expect("a manager's session reads");
        assert!(!session.staff.is_owner());
        assert!(session.staff.may_squeeze_in());
    }
}
