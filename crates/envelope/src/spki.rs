//! A strict reader for the one DER encoding of an RSA SubjectPublicKeyInfo:
//!
//! ```text
//! SEQUENCE { SEQUENCE { OID 1.2.840.113549.1.1.1, NULL },
//!            BIT STRING (0 unused bits) { SEQUENCE { INTEGER n, INTEGER e } } }
//! ```
//!
//! Written by hand so the widget's wasm carries no general DER/PKCS#8 decoder (the
//! size budget). Because it accepts only the canonical encoding, the key id can hash
//! the input bytes as given: any other spelling of the same key is refused rather
//! than silently given a second kid.

use crate::KeyError;

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const NULL: u8 = 0x05;
const OBJECT_IDENTIFIER: u8 = 0x06;

/// The content octets of OID 1.2.840.113549.1.1.1 (rsaEncryption). Comparing whole
/// contents also refuses non-minimal OID arc encodings.
const RSA_ENCRYPTION: [u8; 9] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];

/// Checks `der` as a canonical RSA SubjectPublicKeyInfo holding a key the rsa
/// crate would build, without building it, and returns the modulus size in bits.
///
/// The rsa crate's checks (`PublicKey::new`) on the magnitudes as bytes: a modulus
/// of 1024 to 8192 bits, odd; an odd exponent from 2 to 2^33 − 1 (so below `n`).
/// The widget checks keys with this alone and leaves the arithmetic to the
/// browser's WebCrypto, so its wasm carries no big-integer code.
pub(crate) fn rsa_spki_bits(der: &[u8]) -> Result<usize, KeyError> {
    let (n, e) = rsa_components(der)?;
    // Both magnitudes are non-empty and start with a non-zero byte.
    let bits = |magnitude: &[u8]| {
        let top = magnitude.first().map_or(0, |byte| byte.leading_zeros());
        magnitude.len() * 8 - usize::try_from(top).unwrap_or(8)
    };
    let odd = |magnitude: &[u8]| magnitude.last().is_some_and(|byte| byte & 1 == 1);
    let n_bits = bits(n);
    let exponent = (bits(e) <= 64).then(|| e.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b)));
    let exponent_ok = exponent.is_some_and(|value| {
        (rsa::PublicKey::MIN_PUB_EXPONENT..=rsa::PublicKey::MAX_PUB_EXPONENT).contains(&value)
    });
    if !(rsa::PublicKey::MIN_SIZE..=rsa::PublicKey::MAX_SIZE).contains(&n_bits)
        || !odd(n)
        || !odd(e)
        || !exponent_ok
    {
        return Err(KeyError::Malformed);
    }
    Ok(n_bits)
}

/// Parses `der` as a canonical RSA SubjectPublicKeyInfo and builds the key.
///
/// The rsa crate's own checks (odd modulus, `1 < e < n`, exponent and modulus size
/// bounds) still apply; the caller applies the format's minimum modulus size.
pub(crate) fn parse_rsa_spki(der: &[u8]) -> Result<rsa::PublicKey, KeyError> {
    let (n, e) = rsa_components(der)?;
    rsa::PublicKey::new(
        rsa::BoxedUint::from_be_slice_vartime(n),
        rsa::BoxedUint::from_be_slice_vartime(e),
    )
    .map_err(|_| KeyError::Malformed)
}

/// The big-endian magnitudes of `n` and `e`, without sign bytes: the rsa crate's
/// parser sizes its integers from the same bytes, so both build identical keys.
fn rsa_components(der: &[u8]) -> Result<(&[u8], &[u8]), KeyError> {
    let mut outer = Reader::new(der);
    let mut spki = Reader::new(outer.read(SEQUENCE)?);
    outer.finish()?;

    let mut algorithm = Reader::new(spki.read(SEQUENCE)?);
    if algorithm.read(OBJECT_IDENTIFIER)? != RSA_ENCRYPTION {
        return Err(KeyError::Malformed);
    }
    // RFC 3279 requires the NULL for rsaEncryption; absent parameters are another spelling.
    if !algorithm.read(NULL)?.is_empty() {
        return Err(KeyError::Malformed);
    }
    algorithm.finish()?;

    let Some((&0, rsa_public_key)) = spki.read(BIT_STRING)?.split_first() else {
        return Err(KeyError::Malformed);
    };
    spki.finish()?;

    let mut outer_key = Reader::new(rsa_public_key);
    let mut key = Reader::new(outer_key.read(SEQUENCE)?);
    outer_key.finish()?;
    let n = positive_integer(key.read(INTEGER)?)?;
    let e = positive_integer(key.read(INTEGER)?)?;
    key.finish()?;
    Ok((n, e))
}

/// The magnitude of a minimally encoded, strictly positive INTEGER.
fn positive_integer(content: &[u8]) -> Result<&[u8], KeyError> {
    match content {
        // A sign byte is allowed only where the magnitude's top bit would read as negative.
        [0x00, next, ..] if next & 0x80 != 0 => Ok(&content[1..]),
        // Zero (never a valid n or e), a redundant leading zero, or a negative number.
        [] | [0x00, ..] => Err(KeyError::Malformed),
        [first, ..] if first & 0x80 != 0 => Err(KeyError::Malformed),
        _ => Ok(content),
    }
}

/// Reads consecutive DER TLVs with single-byte tags from a slice.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// Reads one TLV with tag `tag` and returns its contents.
    fn read(&mut self, tag: u8) -> Result<&'a [u8], KeyError> {
        let (&actual, rest) = self.rest.split_first().ok_or(KeyError::Malformed)?;
        if actual != tag {
            return Err(KeyError::Malformed);
        }
        let (len, rest) = read_length(rest)?;
        if len > rest.len() {
            return Err(KeyError::Malformed);
        }
        let (content, rest) = rest.split_at(len);
        self.rest = rest;
        Ok(content)
    }

    /// Requires that nothing follows the TLVs read so far.
    fn finish(self) -> Result<(), KeyError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(KeyError::Malformed)
        }
    }
}

/// A DER definite length in its one minimal form. At most two length octets: an
/// SPKI for the largest modulus the rsa crate accepts (8192 bits) is about 1 KiB.
fn read_length(bytes: &[u8]) -> Result<(usize, &[u8]), KeyError> {
    let (&first, rest) = bytes.split_first().ok_or(KeyError::Malformed)?;
    match (first, rest) {
        (0x00..=0x7F, _) => Ok((usize::from(first), rest)),
        // Long form only for lengths the short form cannot express.
        (0x81, [len, rest @ ..]) if *len >= 0x80 => Ok((usize::from(*len), rest)),
        // A zero first octet would mean the length fits in one octet.
        (0x82, [high, low, rest @ ..]) if *high != 0 => {
            Ok((usize::from(u16::from_be_bytes([*high, *low])), rest))
        }
        // Indefinite length (0x80), longer length fields, truncations, non-minimal forms.
        _ => Err(KeyError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use rsa::pkcs8::DecodePublicKey;
    use rsa::traits::PublicKeyParts;

    use super::parse_rsa_spki;

    /// The public keys of the frozen vectors, as DER.
    fn vector_keys() -> Vec<Vec<u8>> {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/vectors/v1.json"))
                .expect("tests/vectors/v1.json parses");
        let vectors = vectors.as_array().expect("a list of vectors");
        let mut pems = Vec::new();
        for vector in vectors {
            pems.push(vector["public_key_pem"].as_str().expect("a PEM").to_owned());
            for extra in vector["extra_recipients"].as_array().into_iter().flatten() {
                pems.push(extra["public_key_pem"].as_str().expect("a PEM").to_owned());
            }
        }
        pems.iter()
            .map(|pem| {
                let (label, der) = pkcs8::Document::from_pem(pem).expect("PEM");
                assert_eq!(label, "PUBLIC KEY");
                der.into_vec()
            })
            .collect()
    }

    #[test]
    fn vector_keys_parse_to_the_rsa_crates_key() {
        let keys = vector_keys();
        assert!(keys.len() >= 4);
        for der in keys {
            let ours = parse_rsa_spki(&der).expect("a canonical key parses");
            let theirs = rsa::PublicKey::from_public_key_der(&der).expect("rsa parses it");
            assert_eq!(ours.n(), theirs.n());
            assert_eq!(ours.e(), theirs.e());
            // Same limb precision too, which the rsa crate's arithmetic depends on.
            assert_eq!(ours.n().bits_precision(), theirs.n().bits_precision());
            assert_eq!(ours.e().bits_precision(), theirs.e().bits_precision());
            assert_eq!(ours, theirs);
        }
    }
}
