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

    /// Compact JSON in field order, byte for byte what `serde_json::to_vec`
    /// writes (a test holds them together). Written by hand so that a sealer
    /// links no JSON serialiser: the widget's size budget.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + 700 * self.recipients.len());
        out.extend_from_slice(b"{\"v\":");
        out.extend_from_slice(self.v.to_string().as_bytes());
        for (key, value) in [("suite", &self.suite), ("business", &self.business)] {
            member(&mut out, key, value);
        }
        member(&mut out, "kind", self.kind.as_str());
        out.extend_from_slice(b",\"iat\":");
        out.extend_from_slice(self.iat.to_string().as_bytes());
        out.extend_from_slice(b",\"recipients\":[");
        for (index, stanza) in self.recipients.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            out.push(b'{');
            json_string(&mut out, "kid");
            out.push(b':');
            json_string(&mut out, stanza.kid.as_str());
            member(&mut out, "wk", &stanza.wk);
            out.push(b'}');
        }
        out.push(b']');
        member(&mut out, "nonce", &self.nonce);
        member(&mut out, "commit", &self.commit);
        out.push(b'}');
        out
    }
}

impl Kind {
    /// The name in the header.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booking => "booking",
            Self::VisitorCopy => "visitor-copy",
            Self::ContactCard => "contact-card",
        }
    }
}

/// `,"key":"value"`.
fn member(out: &mut Vec<u8>, key: &str, value: &str) {
    out.push(b',');
    json_string(out, key);
    out.push(b':');
    json_string(out, value);
}

/// A JSON string escaped as serde_json escapes it: `"` and `\\`, the five
/// short escapes, other control characters as `\u00xx`; the rest as is.
fn json_string(out: &mut Vec<u8>, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &byte in value.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            0x00..=0x1F => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xF)],
            ]),
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}

// proptest is a native dev-dependency only.
#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn header(business: String, iat: u64, recipients: usize, kind: Kind) -> Header {
        Header {
            v: 1,
            suite: SUITE.to_owned(),
            business,
            kind,
            iat,
            recipients: (0..recipients)
                .map(|index| RecipientStanza {
                    kid: KeyId::parse("sha256:vOnD0T8K_Rzrrt5yyP7G5KIZiAk-zmsco-C0oRJfUdU")
                        .expect("a kid"),
                    wk: format!("wrapped-{index}"),
                })
                .collect(),
            nonce: "bm9uY2U".to_owned(),
            commit: "Y29tbWl0".to_owned(),
        }
    }

    #[test]
    fn every_control_character_and_quote_is_escaped_as_serde_json_does() {
        let business: String = (0u8..0x80).map(char::from).chain("é€😀".chars()).collect();
        let header = header(business, u64::MAX, 2, Kind::ContactCard);
        assert_eq!(
            header.to_json(),
            serde_json::to_vec(&header).expect("serialises")
        );
    }

    proptest! {
        #[test]
        fn the_header_is_written_as_serde_json_writes_it(
            business in any::<String>(),
            iat in any::<u64>(),
            recipients in 0..4usize,
            kind in prop_oneof![
                Just(Kind::Booking),
                Just(Kind::VisitorCopy),
                Just(Kind::ContactCard),
            ],
        ) {
            let header = header(business, iat, recipients, kind);
            prop_assert_eq!(header.to_json(), serde_json::to_vec(&header).expect("serialises"));
        }
    }
}
