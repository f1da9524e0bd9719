//! The native unwrap (feature `native-open`, native targets only): AWS-LC's
//! RSA-OAEP decryption, constant-time and blinded inside AWS-LC, for the CLI that
//! opens thousands of bookings. The pure-Rust path in [`crate::open`] stays the
//! reference, and the one the browser builds.

use aws_lc_rs::rsa::{OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, PrivateDecryptingKey};
use rsa::pkcs8::EncodePrivateKey as _;
use zeroize::Zeroizing;

use crate::primitives::{FILE_KEY_LEN, FileKey};
use crate::{KeyError, OAEP_LABEL};

/// AWS-LC's copy of a business private key.
pub(crate) struct NativeKey(OaepPrivateDecryptingKey);

impl NativeKey {
    /// Hands the key to AWS-LC as PKCS#8, which checks it again (that `n = p·q`,
    /// that `d` fits, a modulus of 2048–8192 bits). A key it refuses is refused
    /// here too rather than opened more slowly, so that an identity opens the same
    /// way wherever the CLI runs.
    pub(crate) fn new(key: &rsa::PrivateKey) -> Result<Self, KeyError> {
        // `SecretDocument` wipes the DER when it drops.
        let der = key.to_pkcs8_der().map_err(|_| KeyError::Malformed)?;
        let key =
            PrivateDecryptingKey::from_pkcs8(der.as_bytes()).map_err(|_| KeyError::Malformed)?;
        OaepPrivateDecryptingKey::new(key)
            .map(Self)
            .map_err(|_| KeyError::Malformed)
    }

    /// `RSA-OAEP-SHA256-DECRYPT["sealbook/v1"](sk, wk)` (RFC 8017 §7.1.2, MGF1 with
    /// SHA-256), keeping the result only if it is exactly a file key.
    pub(crate) fn unwrap_file_key(&self, wrapped: &[u8]) -> Option<FileKey> {
        let mut buffer = Zeroizing::new(vec![0u8; self.0.min_output_size()]);
        let file_key = self
            .0
            .decrypt(
                &OAEP_SHA256_MGF1SHA256,
                wrapped,
                &mut buffer,
                Some(OAEP_LABEL),
            )
            .ok()?;
        let array: [u8; FILE_KEY_LEN] = (&*file_key).try_into().ok()?;
        Some(Zeroizing::new(array))
    }
}
