//! Passphrase-encrypted business keys: PKCS#8 `EncryptedPrivateKeyInfo` with
//! PBES2 (scrypt + AES-256-CBC). `sealbook keygen` writes them as PEM; the server
//! keeps one per staff member, in DER, and cannot open any of them; the inbox
//! opens a staff member's copy in the browser and re-encrypts it when they choose
//! their own passphrase.

use pkcs8::der::Decode as _;
use pkcs8::pkcs5::{pbes2, scrypt};
use pkcs8::{EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use zeroize::Zeroizing;

use crate::KeyError;

/// scrypt cost for new key files: N = 2^17, r = 8, p = 1 (128 MiB). A stolen copy
/// is attacked offline, so this is well above the PKCS#5 crate's default of 2^14.
pub const SCRYPT_LOG_N: u8 = 17;

/// Encrypts an unencrypted PKCS#8 DER key under `passphrase`. The caller draws
/// `salt` and `iv` from a secure RNG (this crate has none of its own).
pub fn encrypt_key(
    pkcs8_der: &[u8],
    passphrase: &[u8],
    salt: [u8; 16],
    iv: [u8; 16],
) -> Result<Vec<u8>, KeyError> {
    let cost = scrypt::Params::new(SCRYPT_LOG_N, 8, 1).map_err(|_| KeyError::Malformed)?;
    let scheme = pbes2::Parameters::generate_scrypt_aes256cbc(cost, &salt, iv)
        .map_err(|_| KeyError::Malformed)?;
    let info = PrivateKeyInfoRef::try_from(pkcs8_der).map_err(|_| KeyError::Malformed)?;
    let encrypted = info
        .encrypt_with_params(scheme, passphrase)
        .map_err(|_| KeyError::Malformed)?;
    Ok(encrypted.as_bytes().to_vec())
}

/// Decrypts an encrypted PKCS#8 DER key. A wrong passphrase and a damaged file
/// are the same [`KeyError::Locked`]: CBC padding cannot tell them apart reliably.
pub fn decrypt_key(
    encrypted_der: &[u8],
    passphrase: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let info =
        EncryptedPrivateKeyInfoRef::from_der(encrypted_der).map_err(|_| KeyError::Malformed)?;
    let document = info.decrypt(passphrase).map_err(|_| KeyError::Locked)?;
    // Re-read what came out: a wrong passphrase can pass the CBC padding check.
    PrivateKeyInfoRef::try_from(document.as_bytes()).map_err(|_| KeyError::Locked)?;
    Ok(Zeroizing::new(document.as_bytes().to_vec()))
}
