//! `/inbox/keys`: the signed-in member's own wrapped copies of the business
//! private key, and the key copies an owner hands on in invites and shares.

use serde::{Deserialize, Serialize};

use super::keys::KeyStatus;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WrappedKeyView {
    pub kid: String,
    pub status: KeyStatus,
    /// base64url of an encrypted PKCS#8 DER (PBES2, as `sealbook keygen` writes it).
    pub wrapped: String,
    /// Shared by the owner under a grant code: that code opens it, not the
    /// member's passphrase, until the member re-wraps it (`PUT /inbox/keys`).
    pub shared: bool,
}

/// A key the business has configured, whether or not the caller holds it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfiguredKey {
    pub kid: String,
    pub status: KeyStatus,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WrappedKeys {
    pub keys: Vec<WrappedKeyView>,
    /// Every key of the business, in configuration order.
    pub configured: Vec<ConfiguredKey>,
}

/// A key copy in a request: which key, and the copy itself.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KeyCopy {
    pub kid: String,
    /// base64url of the key as encrypted PKCS#8 DER (PBES2), at most 8 KiB.
    pub wrapped: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PutWrappedKeys {
    /// The copies to store, each locked under the caller's own passphrase.
    pub keys: Vec<KeyCopy>,
}
