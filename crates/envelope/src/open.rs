//! Opening a booking with a business private key: only the CLI and the staff
//! inbox build this (feature `open`).

use rand_core::TryCryptoRng;
use rsa::oaep::DecryptingKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::RandomizedDecryptor;
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
        self.unwrap_file_key_with(&mut getrandom::SysRng, wrapped)
    }

    /// `RSAES-OAEP-DECRYPT(sk, wrapped, label)` (RFC 8017 §7.1.2), blinded with
    /// randomness drawn from `rng` for this call, so that its timing says
    /// nothing about the key. Asked for explicitly: `rsa`'s plain `decrypt`
    /// blinds only when its `getrandom` feature happens to be on.
    fn unwrap_file_key_with<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        wrapped: &[u8],
    ) -> Option<Zeroizing<[u8; FILE_KEY_LEN]>> {
        let file_key = Zeroizing::new(self.unwrap.decrypt_with_rng(rng, wrapped).ok()?);
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
    open_kind(Kind::Booking, identities, bytes)
}

/// Opens a contact card with whichever of the courier's `identities` it was
/// sealed to. A booking sealed to the same key is refused like any failure.
pub fn open_contact_card(identities: &[Identity], bytes: &[u8]) -> Result<Opened, OpenError> {
    open_kind(Kind::ContactCard, identities, bytes)
}

fn open_kind(expected: Kind, identities: &[Identity], bytes: &[u8]) -> Result<Opened, OpenError> {
    let envelope = Envelope::parse(bytes).map_err(|_| OpenError)?;
    if envelope.header().kind != expected {
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

#[cfg(test)]
mod tests {
    use rand_core::{TryCryptoRng, TryRng};
    use rsa::pkcs8::DecodePrivateKey as _;
    use rsa::traits::RandomizedEncryptor;

    use super::Identity;
    use crate::OAEP_LABEL;

    /// The OS generator, counting how often it is asked.
    struct Counting(usize);

    impl TryRng for Counting {
        type Error = <getrandom::SysRng as TryRng>::Error;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            self.0 += 1;
            getrandom::SysRng.try_next_u32()
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            self.0 += 1;
            getrandom::SysRng.try_next_u64()
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            self.0 += 1;
            getrandom::SysRng.try_fill_bytes(dst)
        }
    }

    impl TryCryptoRng for Counting {}

    #[test]
    fn every_unwrap_is_blinded_with_fresh_randomness() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/vectors/v1.json"))
                .expect("vectors parse");
        let pem = vectors[0]["private_key_pem"].as_str().expect("pem");
        let identity = Identity::from_pkcs8_pem(pem).expect("key");
        let private = rsa::PrivateKey::from_pkcs8_pem(pem).expect("key");
        let wrapped = rsa::oaep::EncryptingKey::<sha2::Sha256>::new_with_label(
            private.to_public_key(),
            OAEP_LABEL,
        )
        .encrypt_with_rng(&mut getrandom::SysRng, &[7u8; 32])
        .expect("wrap");
        for _ in 0..2 {
            let mut rng = Counting(0);
            let file_key = identity
                .unwrap_file_key_with(&mut rng, &wrapped)
                .expect("unwraps");
            assert_eq!(*file_key, [7u8; 32]);
            assert!(rng.0 > 0, "the decryption drew no randomness: unblinded");
        }
    }
}
