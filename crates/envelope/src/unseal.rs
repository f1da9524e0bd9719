//! What opening a booking and opening a visitor copy share, and the visitor copy
//! itself: it needs only the manage secret (no private key), so the visitor's
//! browser can read its own booking while the widget still cannot open bookings.

use core::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::primitives::{self, FILE_KEY_LEN};
use crate::{Envelope, Header, Kind, ManageSecret, OpenError, padding};

/// An opened envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The authenticated header.
    pub header: Header,
    /// The plaintext, padding removed.
    pub plaintext: Vec<u8>,
}

/// Opens the visitor's copy with the manage secret from the link.
pub fn open_visitor_copy(secret: &ManageSecret, bytes: &[u8]) -> Result<Opened, OpenError> {
    Unsealing::visitor_copy(secret, bytes)?.open_here()
}

/// Commitment check, AEAD decryption and unpadding, in the spec's order.
#[cfg(feature = "open")]
pub(crate) fn decrypt(
    envelope: &Envelope<'_>,
    file_key: &[u8; FILE_KEY_LEN],
) -> Result<Opened, OpenError> {
    let payload_key = committed_payload_key(envelope, file_key)?;
    Ok(Opened {
        plaintext: decrypted(envelope, &payload_key)?,
        header: envelope.header().clone(),
    })
}

/// The payload key, once the commitment shows `file_key` is the envelope's.
fn committed_payload_key(
    envelope: &Envelope<'_>,
    file_key: &[u8; FILE_KEY_LEN],
) -> Result<Zeroizing<[u8; 32]>, OpenError> {
    let expected = primitives::commitment(file_key, envelope.nonce());
    if !bool::from(expected.ct_eq(envelope.commit())) {
        return Err(OpenError);
    }
    Ok(primitives::payload_key(file_key, envelope.nonce()))
}

/// AES-256-GCM here in Rust, then the padding removed.
fn decrypted(envelope: &Envelope<'_>, payload_key: &[u8; 32]) -> Result<Vec<u8>, OpenError> {
    let padded = primitives::aead_open(
        payload_key,
        envelope.nonce(),
        envelope.header_bytes(),
        envelope.sealed(),
    )
    .ok_or(OpenError)?;
    padding::unpad(padded).ok_or(OpenError)
}

/// Opening in steps, for a caller whose AES-256-GCM runs elsewhere: the manage
/// page hands it to the browser's WebCrypto, so its wasm carries no AES. The
/// key commitment is checked and the payload key derived here before anything
/// is decrypted, and the padding is checked here after.
///
/// ```text
/// Unsealing::visitor_copy(secret, bytes)
///   →  padded = AES-256-GCM⁻¹(key(), nonce(), aad = header(), sealed())  →  finish(padded)
/// ```
pub struct Unsealing<'a> {
    envelope: Envelope<'a>,
    payload_key: Zeroizing<[u8; 32]>,
}

impl<'a> Unsealing<'a> {
    /// A visitor copy, with the manage secret from the link.
    pub fn visitor_copy(secret: &ManageSecret, bytes: &'a [u8]) -> Result<Self, OpenError> {
        let envelope = Envelope::parse(bytes).map_err(|_| OpenError)?;
        if envelope.header().kind != Kind::VisitorCopy {
            return Err(OpenError);
        }
        Ok(Self {
            payload_key: committed_payload_key(&envelope, &secret.visitor_file_key())?,
            envelope,
        })
    }

    /// The payload key.
    pub fn key(&self) -> &[u8; 32] {
        &self.payload_key
    }

    /// The AES-GCM nonce.
    pub fn nonce(&self) -> &[u8] {
        self.envelope.nonce()
    }

    /// The header bytes: the additional authenticated data.
    pub fn header(&self) -> &[u8] {
        self.envelope.header_bytes()
    }

    /// The AES-256-GCM input: ciphertext ‖ 16-byte tag.
    pub fn sealed(&self) -> &[u8] {
        self.envelope.sealed()
    }

    /// The opened envelope, from the decryption of [`Self::sealed`] (whose tag
    /// the caller has verified); the padding must be the one minimal form.
    pub fn finish(self, padded: Vec<u8>) -> Result<Opened, OpenError> {
        Ok(Opened {
            plaintext: padding::unpad(padded).ok_or(OpenError)?,
            header: self.envelope.into_header(),
        })
    }

    /// AES-256-GCM here in Rust.
    fn open_here(self) -> Result<Opened, OpenError> {
        Ok(Opened {
            plaintext: decrypted(&self.envelope, &self.payload_key)?,
            header: self.envelope.into_header(),
        })
    }
}

impl fmt::Debug for Unsealing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unsealing")
            .field("kind", &self.envelope.header().kind)
            .finish_non_exhaustive()
    }
}
