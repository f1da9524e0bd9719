//! Opening a booking with a business private key: only the CLI and the staff
//! inbox build this (feature `open`).

use rand_core::TryCryptoRng;
use rsa::oaep::DecryptingKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::{PublicKeyParts as _, RandomizedDecryptor};
use sha2::Sha256;
use zeroize::Zeroizing;

#[cfg(all(feature = "native-open", not(target_family = "wasm")))]
use crate::native::NativeKey;
use crate::primitives::{FILE_KEY_LEN, FileKey};
use crate::unseal::decrypt;
use crate::{Envelope, KeyError, KeyId, Kind, OAEP_LABEL, OpenError, Opened, Recipient};

/// A business private key that can open bookings.
///
/// It always holds the pure-Rust key: the reference, and the only one the
/// browser builds. With the feature `native-open` on a native target it also
/// holds AWS-LC's copy of the same key, and [`open`] unwraps with that one
/// (5–9× faster on the reference machine, see docs/BENCHMARKS.md, and
/// constant-time by construction). Both give the
/// same answer for every `wk`; the tests hold them to it.
pub struct Identity {
    kid: KeyId,
    /// `k`, the modulus length in bytes: a `wk` of any other length is skipped.
    modulus_len: usize,
    reference: DecryptingKey<Sha256>,
    #[cfg(all(feature = "native-open", not(target_family = "wasm")))]
    native: Option<NativeKey>,
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
        // The size and encoding rules of a recipient key apply to both backends.
        let public = Recipient::from_key(key.to_public_key())?;
        Ok(Self {
            kid: public.kid().clone(),
            modulus_len: key.size(),
            #[cfg(all(feature = "native-open", not(target_family = "wasm")))]
            native: Some(NativeKey::new(&key)?),
            reference: DecryptingKey::new_with_label(key, OAEP_LABEL),
        })
    }

    /// The same key without its native copy, so [`open`] takes the pure-Rust
    /// reference path: the tests and the benchmark compare the two.
    #[must_use]
    pub fn pure_rust(self) -> Self {
        Self {
            kid: self.kid,
            modulus_len: self.modulus_len,
            reference: self.reference,
            #[cfg(all(feature = "native-open", not(target_family = "wasm")))]
            native: None,
        }
    }

    /// Whether [`open`] unwraps with the native backend for this key.
    pub fn opens_natively(&self) -> bool {
        #[cfg(all(feature = "native-open", not(target_family = "wasm")))]
        return self.native.is_some();
        #[cfg(not(all(feature = "native-open", not(target_family = "wasm"))))]
        return false;
    }

    /// The key id of the matching public key.
    pub fn kid(&self) -> &KeyId {
        &self.kid
    }

    /// §6 step 7 for one stanza: `len(wk) = k`, then the RSA unwrap, which must
    /// yield exactly 32 bytes.
    fn unwrap_file_key(&self, wrapped: &[u8]) -> Option<FileKey> {
        if wrapped.len() != self.modulus_len {
            return None;
        }
        #[cfg(all(feature = "native-open", not(target_family = "wasm")))]
        if let Some(native) = &self.native {
            return native.unwrap_file_key(wrapped);
        }
        self.unwrap_file_key_with(&mut getrandom::SysRng, wrapped)
    }

    /// `RSAES-OAEP-DECRYPT(sk, wrapped, label)` (RFC 8017 §7.1.2) in pure Rust,
    /// blinded with randomness drawn from `rng` for this call, so that its timing
    /// says nothing about the key. Asked for explicitly: `rsa`'s plain `decrypt`
    /// blinds only when its `getrandom` feature happens to be on.
    fn unwrap_file_key_with<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        wrapped: &[u8],
    ) -> Option<FileKey> {
        let file_key = Zeroizing::new(self.reference.decrypt_with_rng(rng, wrapped).ok()?);
        let array: [u8; FILE_KEY_LEN] = file_key.as_slice().try_into().ok()?;
        Some(Zeroizing::new(array))
    }
}

impl core::fmt::Debug for Identity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Identity")
            .field("kid", &self.kid)
            .field("native", &self.opens_natively())
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

    fn vector_key_pem() -> String {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/vectors/v1.json"))
                .expect("vectors parse");
        vectors[0]["private_key_pem"]
            .as_str()
            .expect("pem")
            .to_owned()
    }

    /// `RSAES-OAEP-ENCRYPT` of `message` under the vector key with `label`.
    fn wrap(pem: &str, label: &[u8], message: &[u8]) -> Vec<u8> {
        let private = rsa::PrivateKey::from_pkcs8_pem(pem).expect("key");
        rsa::oaep::EncryptingKey::<sha2::Sha256>::new_with_label(private.to_public_key(), label)
            .encrypt_with_rng(&mut getrandom::SysRng, message)
            .expect("wrap")
    }

    #[test]
    fn every_unwrap_is_blinded_with_fresh_randomness() {
        let pem = vector_key_pem();
        let identity = Identity::from_pkcs8_pem(&pem).expect("key");
        let wrapped = wrap(&pem, OAEP_LABEL, &[7u8; 32]);
        for _ in 0..2 {
            let mut rng = Counting(0);
            let file_key = identity
                .unwrap_file_key_with(&mut rng, &wrapped)
                .expect("unwraps");
            assert_eq!(*file_key, [7u8; 32]);
            assert!(rng.0 > 0, "the decryption drew no randomness: unblinded");
        }
    }

    /// The native backend answers exactly as the reference does for the `wk`s
    /// that matter: the right one, another label, a message that is not 32
    /// bytes, a wrong length, a value not below `n`, and damaged bytes.
    #[cfg(all(feature = "native-open", not(target_family = "wasm")))]
    #[test]
    fn native_and_pure_rust_unwrap_alike() {
        let pem = vector_key_pem();
        let native = Identity::from_pkcs8_pem(&pem).expect("key");
        assert!(native.opens_natively());
        let reference = Identity::from_pkcs8_pem(&pem).expect("key").pure_rust();
        assert!(!reference.opens_natively());
        let good = wrap(&pem, OAEP_LABEL, &[7u8; 32]);
        let mut cases = vec![
            good.clone(),
            wrap(&pem, b"sealbook/v2", &[7u8; 32]),
            wrap(&pem, b"", &[7u8; 32]),
            wrap(&pem, OAEP_LABEL, &[7u8; 31]),
            wrap(&pem, OAEP_LABEL, &[7u8; 33]),
            wrap(&pem, OAEP_LABEL, &[]),
            good[1..].to_vec(),
            [&[0u8][..], &good].concat(),
            vec![0xff; good.len()],
            vec![0; good.len()],
        ];
        for position in [0, 1, good.len() / 2, good.len() - 1] {
            let mut damaged = good.clone();
            damaged[position] ^= 0x01;
            cases.push(damaged);
        }
        for (index, case) in cases.iter().enumerate() {
            assert_eq!(
                native.unwrap_file_key(case).map(|key| *key),
                reference.unwrap_file_key(case).map(|key| *key),
                "case {index}"
            );
        }
        assert_eq!(
            native.unwrap_file_key(&good).map(|key| *key),
            Some([7u8; 32])
        );
    }

    #[cfg(all(feature = "native-open", not(target_family = "wasm")))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

        /// Random file keys, each wrapped and then damaged in one random bit
        /// (or not at all): both backends agree on every one.
        #[test]
        fn native_and_pure_rust_agree_on_random_wraps(
            file_key in proptest::prelude::any::<[u8; 32]>(),
            damage in proptest::option::of((0usize..384, 0u32..8)),
        ) {
            let pem = vector_key_pem();
            let native = Identity::from_pkcs8_pem(&pem).expect("key");
            let reference = Identity::from_pkcs8_pem(&pem).expect("key").pure_rust();
            let mut wrapped = wrap(&pem, OAEP_LABEL, &file_key);
            if let Some((position, bit)) = damage {
                wrapped[position] ^= 1 << bit;
            }
            let expected = damage.is_none().then_some(file_key);
            proptest::prop_assert_eq!(native.unwrap_file_key(&wrapped).map(|key| *key), expected);
            proptest::prop_assert_eq!(reference.unwrap_file_key(&wrapped).map(|key| *key), expected);
        }
    }
}
