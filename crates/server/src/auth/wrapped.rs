//! Wrapped keys as the server accepts them: an encrypted PKCS#8 private key
//! (`EncryptedPrivateKeyInfo` DER, PBES2), at most 8 KiB. Only the structure is
//! checked — the server has no code that could decrypt it.

use pkcs8::der::asn1::OctetStringRef;
use pkcs8::der::{Decode as _, Reader as _, SliceReader};
use pkcs8::{AlgorithmIdentifierRef, ObjectIdentifier};

/// The largest wrapped key accepted (an RSA-3072 key is about 1.9 KiB).
pub const MAX_WRAPPED_BYTES: usize = 8 * 1024;

/// PKCS#5 PBES2 (RFC 8018), what `sealbook keygen` and the inbox write.
const PBES2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.13");

/// Whether `der` is one `EncryptedPrivateKeyInfo` under PBES2, within the size limit.
pub fn is_encrypted_pkcs8(der: &[u8]) -> bool {
    if der.is_empty() || der.len() > MAX_WRAPPED_BYTES {
        return false;
    }
    let Ok(mut reader) = SliceReader::new(der) else {
        return false;
    };
    let parsed: Result<_, pkcs8::der::Error> = reader.sequence(|inner| {
        let algorithm = AlgorithmIdentifierRef::decode(inner)?;
        let data = <&OctetStringRef>::decode(inner)?;
        Ok((algorithm.oid, data.as_bytes().len()))
    });
    matches!(parsed, Ok((oid, len)) if oid == PBES2 && len > 0) && reader.is_finished()
}
