//! `GET /inbox/audit`: who did what. Entries hold actions, ranges, counts and
//! statuses, never booking content.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditView {
    pub id: String,
    /// RFC 3339.
    pub at: String,
    pub staff_id: Option<String>,
    pub staff_email: Option<String>,
    /// The first 8 characters of the session's hash, base64url.
    pub session: Option<String>,
    pub action: String,
    pub booking_id: Option<String>,
    pub detail: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditLog {
    pub entries: Vec<AuditView>,
}
