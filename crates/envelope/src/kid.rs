//! Key ids: `"sha256:" ‖ base64url(SHA-256(SubjectPublicKeyInfo DER))`.

use core::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::base64url;

/// A key id, the value pinned in the script tag's `data-keys`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyId(String);

impl KeyId {
    const PREFIX: &'static str = "sha256:";

    /// `kid = "sha256:" ‖ base64url(SHA-256(spki_der))`.
    pub fn from_spki_der(spki_der: &[u8]) -> Self {
        Self(format!(
            "{}{}",
            Self::PREFIX,
            base64url::encode(&Sha256::digest(spki_der))
        ))
    }

    /// Accepts a kid in its text form if it is well formed (prefix and 32 bytes).
    pub fn parse(text: &str) -> Option<Self> {
        let digest = text.strip_prefix(Self::PREFIX)?;
        base64url::decode_array::<32>(digest)?;
        Some(Self(text.to_owned()))
    }

    /// As read from a header, before `Envelope::parse` checks it with [`Self::parse`].
    pub(crate) fn unchecked(text: String) -> Self {
        Self(text)
    }

    /// The text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
