//! `/inbox/staff`, `/inbox/invites`: the owner manages who may read.

use serde::{Deserialize, Serialize};

use super::auth::Role;
use super::inbox_keys::KeyCopy;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffEntry {
    pub id: String,
    pub email: String,
    /// `owner`, `manager` or `staff`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: Role,
    /// RFC 3339.
    pub created_at: String,
    pub totp_enabled: bool,
    /// Whether the member holds a copy of at least one business key.
    pub has_key: bool,
    /// The key ids the member holds under their own passphrase.
    pub kids: Vec<String>,
    /// The key ids shared with the member and waiting for their grant code.
    pub shared_kids: Vec<String>,
    /// Revoked: cannot sign in; the e-mail stays taken.
    pub revoked: bool,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffList {
    pub staff: Vec<StaffEntry>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub email: String,
    /// `staff` (a business has one owner).
    // Text, not a role: the server answers any other value with its own refusal.
    #[cfg_attr(feature = "openapi", schema(pattern = "^staff$"))]
    pub role: String,
    /// The business's keys, each wrapped in the owner's browser under the grant code.
    pub wrapped: Vec<KeyCopy>,
}

/// `PUT /inbox/staff/{id}/role`: the owner makes a member a manager or plain staff.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// `manager` or `staff` (a business has one owner).
    // Text, not a role: the server answers any other value with its own refusal.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(manager|staff)$"))]
    pub role: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invited {
    /// `<origin>/inbox/#invite=<token>`; the token is in the fragment, never sent to a server by a browser.
    pub invite_url: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    /// The keys the member lacks, each wrapped in the owner's browser under one
    /// fresh grant code that the owner passes on in person.
    pub wrapped: Vec<KeyCopy>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteEntry {
    /// Names the invite for withdrawal; it is not the link's token.
    pub id: String,
    pub email: String,
    /// RFC 3339.
    pub expires_at: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteList {
    pub invites: Vec<InviteEntry>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetIssued {
    /// `<origin>/inbox/#reset=<token>`: one use, 24 hours; the token stays in the fragment.
    pub reset_url: String,
}
