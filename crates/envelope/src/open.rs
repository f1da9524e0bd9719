//! Opening a booking with a business private key: only the CLI and the staff
//! inbox build this (feature `open`).

use rsa::oaep::DecryptingKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::Decryptor;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::primitives::FILE_KEY_LEN;
use crate::unseal::decrypt;
use crate::{Envelope, KeyError, KeyId, Kind, OAEP_LABEL, OpenError, Opened, Recipient};

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

/// Opens a booking whose file key was unwrapped elsewhere: the staff inbox
/// unwraps `wk` with WebCrypto, where the private key is not extractable. A
/// wrong key fails the commitment check like any other failure.
pub fn open_with_file_key(envelope: &Envelope<'_>, file_key: &[u8]) -> Result<Opened, OpenError> {
    if envelope.header().kind != Kind::Booking {
        return Err(OpenError);
    }
    let file_key: &[u8; FILE_KEY_LEN] = file_key.try_into().map_err(|_| OpenError)?;
    decrypt(envelope, file_key)
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
