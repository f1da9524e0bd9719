//! Shared by the vector tests: the vector file format and the deterministic test RNG.

#![allow(dead_code, unreachable_pub)]

use std::convert::Infallible;

use rand_core::{TryCryptoRng, TryRng};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One entry of `tests/vectors/v1.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vector {
    pub name: String,
    pub private_key_pem: String,
    pub public_key_pem: String,
    pub kid: String,
    pub iat: u64,
    pub business: String,
    pub kind: String,
    pub plaintext: String,
    pub envelope: String,
    /// Further recipients after the first, in recipient order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_recipients: Vec<ExtraRecipient>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraRecipient {
    pub private_key_pem: String,
    pub public_key_pem: String,
    pub kid: String,
}

/// One entry of `tests/vectors/v1-visitor.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitorVector {
    pub name: String,
    pub manage_secret: String,
    pub manage_token: String,
    pub manage_token_hash: String,
    pub iat: u64,
    pub business: String,
    pub kind: String,
    pub plaintext: String,
    pub envelope: String,
}

pub const VECTORS_JSON: &str = include_str!("../../../../tests/vectors/v1.json");
pub const VISITOR_VECTORS_JSON: &str = include_str!("../../../../tests/vectors/v1-visitor.json");

pub fn vectors() -> Vec<Vector> {
    serde_json::from_str(VECTORS_JSON).expect("tests/vectors/v1.json parses")
}

pub fn visitor_vectors() -> Vec<VisitorVector> {
    serde_json::from_str(VISITOR_VECTORS_JSON).expect("tests/vectors/v1-visitor.json parses")
}

pub fn b64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .expect("vector fields are base64url")
}

/// The deterministic RNG of docs/ENVELOPE.md §7: block i of the stream is
/// `SHA-256("sealbook/v1 test rng" ‖ 0x00 ‖ label ‖ u32-BE(i))`.
#[derive(Debug)]
pub struct TestRng {
    label: Vec<u8>,
    counter: u32,
    buffer: Vec<u8>,
}

impl TestRng {
    pub fn new(label: &str) -> Self {
        Self {
            label: label.as_bytes().to_vec(),
            counter: 0,
            buffer: Vec::new(),
        }
    }

    fn refill(&mut self) {
        let mut hasher = Sha256::new();
        hasher.update(b"sealbook/v1 test rng\x00");
        hasher.update(&self.label);
        hasher.update(self.counter.to_be_bytes());
        self.counter += 1;
        self.buffer.extend_from_slice(&hasher.finalize());
    }
}

impl TryRng for TestRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        while self.buffer.len() < dst.len() {
            self.refill();
        }
        dst.copy_from_slice(&self.buffer[..dst.len()]);
        self.buffer.drain(..dst.len());
        Ok(())
    }
}

impl TryCryptoRng for TestRng {}

/// One entry of `tests/vectors/v1-contact-card.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactCardVector {
    pub name: String,
    pub private_key_pem: String,
    pub public_key_pem: String,
    pub kid: String,
    pub manage_secret: String,
    pub cancel_token: String,
    pub cancel_token_hash: String,
    pub iat: u64,
    pub business: String,
    pub kind: String,
    pub plaintext: String,
    pub envelope: String,
}

pub const CONTACT_CARD_VECTORS_JSON: &str =
    include_str!("../../../../tests/vectors/v1-contact-card.json");

pub fn contact_card_vectors() -> Vec<ContactCardVector> {
    serde_json::from_str(CONTACT_CARD_VECTORS_JSON)
        .expect("tests/vectors/v1-contact-card.json parses")
}
