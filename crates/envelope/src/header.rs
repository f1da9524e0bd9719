//! The header: compact JSON, keys in a fixed order, authenticated as the AEAD's
//! associated data exactly as the bytes appear in the envelope.

use serde::{Deserialize, Serialize};

use crate::{KeyId, SUITE};

/// What an envelope holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A booking, sealed to the business's keys.
    Booking,
    /// The visitor's own copy, sealed to a key derived from the manage secret.
    VisitorCopy,
    /// How to reach the visitor about one booking, sealed to the business's
    /// courier key: opened only by the courier, never by the inbox.
    ContactCard,
}

/// One `{ "kid", "wk" }` entry: the file key wrapped to one RSA key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientStanza {
    /// The key id of the recipient's public key.
    pub kid: KeyId,
    /// base64url of `RSA-OAEP(file_key)`.
    pub wk: String,
}

/// The envelope header. Field order here is the serialisation order of the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Always 1.
    pub v: u32,
    /// Always [`SUITE`] in version 1.
    pub suite: String,
    /// The business the booking is for.
    pub business: String,
    /// Booking or visitor copy.
    pub kind: Kind,
    /// Seal time, unix seconds.
    pub iat: u64,
    /// One stanza per recipient key; empty for a visitor copy.
    pub recipients: Vec<RecipientStanza>,
    /// base64url of the 12-byte AES-GCM nonce (also the HKDF salt).
    pub nonce: String,
    /// base64url of the 32-byte key commitment.
    pub commit: String,
}

impl Header {
    /// `true` when version and suite are ones this implementation speaks.
    pub fn is_supported(&self) -> bool {
        self.v == 1 && self.suite == SUITE
    }

    /// The kids this envelope is sealed to, in order.
    pub fn kids(&self) -> impl Iterator<Item = &KeyId> {
        self.recipients.iter().map(|stanza| &stanza.kid)
    }

    pub(crate) fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a header of strings and integers always serialises")
    }
}
