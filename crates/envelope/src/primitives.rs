//! The primitives of the format, each named as in `docs/ENVELOPE.md` §3.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

pub(crate) const FILE_KEY_LEN: usize = 32;
pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const COMMIT_LEN: usize = 32;
pub(crate) const TAG_LEN: usize = 16;

pub(crate) type FileKey = Zeroizing<[u8; FILE_KEY_LEN]>;

/// `HKDF-SHA256(ikm, salt, info)` → 32 bytes ([RFC 5869](https://www.rfc-editor.org/rfc/rfc5869)).
pub(crate) fn hkdf_sha256_32(ikm: &[u8], salt: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut okm = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, okm.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    okm
}

/// `payload_key = HKDF-SHA256(ikm = file_key, salt = nonce, info = "sealbook/v1 payload")`.
pub(crate) fn payload_key(
    file_key: &[u8; FILE_KEY_LEN],
    nonce: &[u8; NONCE_LEN],
) -> Zeroizing<[u8; 32]> {
    hkdf_sha256_32(file_key, nonce, b"sealbook/v1 payload")
}

/// `commit = HKDF-SHA256(ikm = file_key, salt = nonce, info = "sealbook/v1 commit")`.
///
/// Binds the envelope to one file key, so no ciphertext opens under two keys
/// (AES-GCM alone is not key-committing).
pub(crate) fn commitment(
    file_key: &[u8; FILE_KEY_LEN],
    nonce: &[u8; NONCE_LEN],
) -> [u8; COMMIT_LEN] {
    *hkdf_sha256_32(file_key, nonce, b"sealbook/v1 commit")
}

/// `sealed = AES-256-GCM(key = payload_key, nonce, aad = header bytes, plaintext = padded)`.
pub(crate) fn aead_seal(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    padded: &[u8],
) -> Vec<u8> {
    Aes256Gcm::new(key.into())
        .encrypt(&Nonce::from(*nonce), Payload { msg: padded, aad })
        .expect("AES-GCM encryption of a bounded buffer cannot fail")
}

/// The inverse of [`aead_seal`]; `None` if the tag does not verify.
pub(crate) fn aead_open(
    key: &[u8; 32],
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    sealed: &[u8],
) -> Option<Vec<u8>> {
    Aes256Gcm::new(key.into())
        .decrypt(&Nonce::from(*nonce), Payload { msg: sealed, aad })
        .ok()
}
