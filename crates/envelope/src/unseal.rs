//! What opening a booking and opening a visitor copy share, and the visitor copy
//! itself: it needs only the manage secret (no private key), so the visitor's
//! browser can read its own booking while the widget still cannot open bookings.

use subtle::ConstantTimeEq;

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
    let envelope = Envelope::parse(bytes).map_err(|_| OpenError)?;
    if envelope.header().kind != Kind::VisitorCopy {
        return Err(OpenError);
    }
    decrypt(&envelope, &secret.visitor_file_key())
}

/// Commitment check, AEAD decryption and unpadding, in the spec's order.
pub(crate) fn decrypt(
    envelope: &Envelope<'_>,
    file_key: &[u8; FILE_KEY_LEN],
) -> Result<Opened, OpenError> {
    let expected = primitives::commitment(file_key, envelope.nonce());
    if !bool::from(expected.ct_eq(envelope.commit())) {
        return Err(OpenError);
    }
    let payload_key = primitives::payload_key(file_key, envelope.nonce());
    let padded = primitives::aead_open(
        &payload_key,
        envelope.nonce(),
        envelope.header_bytes(),
        envelope.sealed(),
    )
    .ok_or(OpenError)?;
    let plaintext = padding::unpad(padded).ok_or(OpenError)?;
    Ok(Opened {
        header: envelope.header().clone(),
        plaintext,
    })
}
