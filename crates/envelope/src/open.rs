//! Opening: only the CLI and the staff inbox build this (feature `open`).

use rsa::oaep::DecryptingKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::Decryptor;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::primitives::{self, FILE_KEY_LEN};
use crate::{
    Envelope, Header, KeyError, KeyId, Kind, ManageSecret, OAEP_LABEL, OpenError, Recipient,
    padding,
};

/// A business private key that can open bookings.
pub struct Identity {
    kid: KeyId,
    unwrap: DecryptingKey<Sha256>,
}

impl Identity {
    /// From an unencrypted PKCS#8 DER private key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_key(rsa::PrivateKey::from_pkcs8_der(der).map_err(|_| KeyError::Malformed)?)
    }

    /// From an unencrypted `-----BEGIN PRIVATE KEY-----` PEM.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        Self::from_key(rsa::PrivateKey::from_pkcs8_pem(pem).map_err(|_| KeyError::Malformed)?)
    }

    /// From a decoded private key (e.g. after decrypting an encrypted PKCS#8 file).
    pub fn from_private_key(key: rsa::PrivateKey) -> Result<Self, KeyError> {
        Self::from_key(key)
    }

    fn from_key(key: rsa::PrivateKey) -> Result<Self, KeyError> {
        let public = Recipient::from_key(key.to_public_key())?;
        Ok(Self {
            kid: public.kid().clone(),
            unwrap: DecryptingKey::new_with_label(key, OAEP_LABEL),
        })
    }

    /// The key id of the matching public key.
    pub fn kid(&self) -> &KeyId {
        &self.kid
    }

    fn unwrap_file_key(&self, wrapped: &[u8]) -> Option<Zeroizing<[u8; FILE_KEY_LEN]>> {
        let file_key = Zeroizing::new(self.unwrap.decrypt(wrapped).ok()?);
        let array: [u8; FILE_KEY_LEN] = file_key.as_slice().try_into().ok()?;
        Some(Zeroizing::new(array))
    }
}

impl core::fmt::Debug for Identity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Identity")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// An opened envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The authenticated header.
    pub header: Header,
    /// The plaintext, padding removed.
    pub plaintext: Vec<u8>,
}

/// Opens a booking with whichever of `identities` it was sealed to.
///
/// Every failure is the same [`OpenError`].
pub fn open(identities: &[Identity], bytes: &[u8]) -> Result<Opened, OpenError> {
    let envelope = Envelope::parse(bytes).map_err(|_| OpenError)?;
    if envelope.header().kind != Kind::Booking {
        return Err(OpenError);
    }
    let file_key = envelope
        .header()
        .recipients
        .iter()
        .find_map(|stanza| {
            let identity = identities
                .iter()
                .find(|identity| identity.kid == stanza.kid)?;
            identity.unwrap_file_key(&crate::base64url::decode(&stanza.wk)?)
        })
        .ok_or(OpenError)?;
    decrypt(&envelope, &file_key)
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
fn decrypt(envelope: &Envelope<'_>, file_key: &[u8; FILE_KEY_LEN]) -> Result<Opened, OpenError> {
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
