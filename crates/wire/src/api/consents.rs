//! `POST /businesses/{id}/consents`: the record of a visitor's cookie choice
//! (DESIGN §6.5).

use serde::{Deserialize, Serialize};

/// What the widget reports after a choice.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    /// 16 random bytes, base64url without padding (22 characters).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{22}$"))]
    pub consent_id: String,
    /// The notice version the visitor saw; must be the current one.
    pub notice_version: String,
    /// `fr`, `de` or `en`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(fr|de|en)$"))]
    pub language: String,
    /// Optional categories granted.
    pub granted: Vec<String>,
    /// Optional categories refused; with `granted`, exactly the notice's optional categories.
    pub refused: Vec<String>,
    /// Services allowed on their own although their category is refused (an
    /// embed's "load it"), by their names in the notice; each once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// `accept_all`, `reject_all`, `custom`, `withdraw` or `gpc`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(accept_all|reject_all|custom|withdraw|gpc)$")
    )]
    pub action: String,
    /// SHA-256 of the notice text that was shown, base64url without padding.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{43}$"))]
    pub notice_hash: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recorded {
    pub consent_id: String,
    /// RFC 3339, the server's clock.
    pub recorded_at: String,
}
