//! The Sealbook envelope, version 1 (`docs/ENVELOPE.md` is the normative spec).
//!
//! A booking is sealed in the visitor's browser to the business's RSA public keys
//! and opened only on a staff member's device. This crate holds the format and its
//! primitives and nothing else: no I/O, no clock, no global RNG. The caller passes
//! the time and the randomness, so known-answer vectors reproduce byte for byte.
//!
//! Opening a booking needs a private key and lives behind the `open` feature, so
//! the server and the widget (which must never read bookings) build without it.
//! A visitor copy opens with the manage secret alone, which only the visitor has.
//! A contact card is sealed like a booking, to the business's courier key, and
//! carries a cancel token that can cancel its booking and do nothing else.
//! The feature `native-open` adds a native RSA backend for opening (AWS-LC) on
//! targets other than wasm; the pure-Rust one stays as the reference.

pub mod base64url;
mod error;
mod header;
#[cfg(feature = "open")]
pub mod keyfile;
mod kid;
mod manage;
#[cfg(all(feature = "native-open", not(target_family = "wasm")))]
mod native;
#[cfg(feature = "open")]
mod open;
mod padding;
mod parse;
mod primitives;
mod seal;
mod spki;
mod unseal;

pub use error::{KeyError, OpenError, ParseError, SealError};
pub use header::{Header, Kind, RecipientStanza};
pub use kid::KeyId;
pub use manage::{CancelToken, ManageSecret, ManageToken, TokenHash};
#[cfg(feature = "open")]
pub use open::{Identity, open, open_contact_card, open_with_file_key};
pub use parse::Envelope;
pub use seal::{
    Payload, Recipient, SealParams, Sealing, seal, seal_contact_card, seal_visitor_copy,
};
pub use unseal::{Opened, Unsealing, open_visitor_copy};

/// `"SBK\x01"`: the magic bytes; the last one is the format version.
pub const MAGIC: [u8; 4] = *b"SBK\x01";
/// The one suite of version 1.
pub const SUITE: &str = "RSA-OAEP-256+HKDF-SHA256+A256GCM";
/// The largest header an opener accepts.
pub const MAX_HEADER_LEN: usize = 16 * 1024;
/// The largest plaintext a sealer accepts (a booking is a few hundred bytes).
pub const MAX_PLAINTEXT_LEN: usize = 256 * 1024;
/// The smallest RSA modulus a recipient key may have.
pub const MIN_RSA_BITS: usize = 3072;
/// The OAEP label that binds a wrapped key to this format.
pub const OAEP_LABEL: &[u8] = b"sealbook/v1";
