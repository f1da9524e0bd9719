//! The widget's SubjectPublicKeyInfo reader (`Recipient::from_spki_der`) is a
//! hand-written strict DER parser: it must agree with the rsa crate on every
//! canonical key and accept nothing that is not the canonical encoding, because
//! the kid hashes the input bytes as given.

#![cfg(not(target_family = "wasm"))]

mod support;

use std::sync::LazyLock;

use proptest::prelude::*;
use rsa::oaep::EncryptingKey;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};
use rsa::traits::RandomizedEncryptor;
use sealbook_envelope::{Envelope, KeyError, KeyId, OAEP_LABEL, Recipient, SealParams, seal};
use sha2::Sha256;
use support::{TestRng, b64, vectors};

/// The DER inside a `PUBLIC KEY` PEM, as written (not re-encoded).
fn pem_der(pem: &str) -> Vec<u8> {
    let (label, der) = pkcs8::Document::from_pem(pem).expect("PEM");
    assert_eq!(label, "PUBLIC KEY");
    der.into_vec()
}

fn generated_key(bits: usize) -> Vec<u8> {
    rsa::PrivateKey::new(&mut TestRng::new(&format!("spki:{bits}")), bits)
        .expect("keygen")
        .to_public_key()
        .to_public_key_der()
        .expect("encode")
        .into_vec()
}

/// Freshly generated keys, one per size the format allows, plus a too-small one.
static GENERATED: LazyLock<[Vec<u8>; 3]> = LazyLock::new(|| {
    [
        generated_key(3072),
        generated_key(4096),
        generated_key(2048),
    ]
});

/// The first vector's key (3072 bits), the base the rejection table edits.
static BASE: LazyLock<Vec<u8>> = LazyLock::new(|| pem_der(&vectors()[0].public_key_pem));

/// Asserts that `der` is accepted exactly as the rsa crate would have it: same
/// canonical bytes, same kid, and a key that wraps the same bytes under the same RNG.
fn assert_agrees_with_rsa(der: &[u8]) {
    let recipient = Recipient::from_spki_der(der).expect("a canonical key parses");
    let theirs = rsa::PublicKey::from_public_key_der(der).expect("rsa parses it");
    let canonical = theirs.to_public_key_der().expect("encode");
    assert_eq!(
        canonical.as_bytes(),
        der,
        "the input is the canonical encoding"
    );
    assert_eq!(recipient.spki_der(), der);
    assert_eq!(recipient.kid(), &KeyId::from_spki_der(canonical.as_bytes()));
    let pem = theirs.to_public_key_pem(LineEnding::LF).expect("pem");
    assert_eq!(
        Recipient::from_spki_pem(&pem).expect("pem parses").kid(),
        recipient.kid(),
        "PEM and DER give one kid"
    );

    // n and e are private to Recipient; the wrapped file key shows they are the
    // rsa crate's: seal draws the file key (32 bytes), the nonce (12), then the OAEP seed.
    let params = SealParams {
        business: "b",
        iat: 1,
    };
    let envelope = seal(
        std::slice::from_ref(&recipient),
        &params,
        b"x",
        &mut TestRng::new("spki wrap"),
    )
    .expect("seal");
    let envelope = Envelope::parse(&envelope).expect("parse");
    let mut rng = TestRng::new("spki wrap");
    let mut file_key = [0u8; 32];
    let mut nonce = [0u8; 12];
    rand_core::TryRng::try_fill_bytes(&mut rng, &mut file_key).expect("rng");
    rand_core::TryRng::try_fill_bytes(&mut rng, &mut nonce).expect("rng");
    let expected = EncryptingKey::<Sha256>::new_with_label(theirs, OAEP_LABEL)
        .encrypt_with_rng(&mut rng, &file_key)
        .expect("wrap");
    assert_eq!(b64(&envelope.header().recipients[0].wk), expected);
}

#[test]
fn vector_keys_parse_like_the_rsa_crate_to_their_published_kids() {
    let mut count = 0;
    for vector in vectors() {
        let keys = std::iter::once((&vector.public_key_pem, &vector.kid)).chain(
            vector
                .extra_recipients
                .iter()
                .map(|extra| (&extra.public_key_pem, &extra.kid)),
        );
        for (pem, kid) in keys {
            let der = pem_der(pem);
            assert_agrees_with_rsa(&der);
            let recipient = Recipient::from_spki_der(&der).expect("key");
            assert_eq!(recipient.kid().as_str(), kid, "{}", vector.name);
            count += 1;
        }
    }
    assert!(count >= 5);
}

#[test]
fn generated_3072_and_4096_bit_keys_parse_like_the_rsa_crate() {
    assert_agrees_with_rsa(&GENERATED[0]);
    assert_agrees_with_rsa(&GENERATED[1]);
}

#[test]
fn a_2048_bit_key_is_too_small() {
    assert_eq!(
        Recipient::from_spki_der(&GENERATED[2]).map(|_| ()),
        Err(KeyError::TooSmall(2048))
    );
}

/// A DER TLV with the minimal length encoding.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend([0x81, len as u8]),
        _ => out.extend([0x82, (len >> 8) as u8, len as u8]),
    }
    out.extend_from_slice(content);
    out
}

/// A DER TLV whose length is written with `len_octets` length octets (long form).
fn tlv_long(tag: u8, content: &[u8], len_octets: usize) -> Vec<u8> {
    let len = content.len().to_be_bytes();
    let mut out = vec![tag, 0x80 | len_octets as u8];
    out.extend_from_slice(&len[len.len() - len_octets..]);
    out.extend_from_slice(content);
    out
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const NULL: u8 = 0x05;
const OID: u8 = 0x06;
const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];

/// The parts of the base key, so each table row can change one thing and re-encode the rest.
struct Parts {
    algorithm: Vec<u8>,
    /// Magnitude of n, no sign byte.
    n: Vec<u8>,
    e: Vec<u8>,
}

fn parts() -> Parts {
    let der = &*BASE;
    let key = rsa::PublicKey::from_public_key_der(der).expect("base key");
    let parts = Parts {
        algorithm: tlv(
            SEQUENCE,
            &[tlv(OID, RSA_ENCRYPTION), tlv(NULL, &[])].concat(),
        ),
        n: rsa::traits::PublicKeyParts::n(&key)
            .to_be_bytes_trimmed_vartime()
            .to_vec(),
        e: rsa::traits::PublicKeyParts::e(&key)
            .to_be_bytes_trimmed_vartime()
            .to_vec(),
    };
    assert_eq!(
        build(&parts.algorithm, &rsa_key(&parts)),
        *der,
        "the builder is canonical"
    );
    assert!(parts.n[0] & 0x80 != 0, "n needs its sign byte");
    parts
}

/// `INTEGER n` with the sign byte the magnitude needs.
fn n_integer(parts: &Parts) -> Vec<u8> {
    tlv(INTEGER, &[&[0x00], parts.n.as_slice()].concat())
}

fn rsa_key(parts: &Parts) -> Vec<u8> {
    tlv(
        SEQUENCE,
        &[n_integer(parts), tlv(INTEGER, &parts.e)].concat(),
    )
}

fn build(algorithm: &[u8], rsa_key: &[u8]) -> Vec<u8> {
    tlv(
        SEQUENCE,
        &[
            algorithm.to_vec(),
            tlv(BIT_STRING, &[&[0x00], rsa_key].concat()),
        ]
        .concat(),
    )
}

fn rejected_encodings() -> Vec<(&'static str, Vec<u8>)> {
    let p = parts();
    let key = rsa_key(&p);
    let bit_string = |content: &[u8]| tlv(BIT_STRING, &[&[0x00], content].concat());
    let spki =
        |algorithm: &[u8], bit_string: &[u8]| tlv(SEQUENCE, &[algorithm, bit_string].concat());
    let with_key = |key: &[u8]| build(&p.algorithm, key);
    let with_integers = |n: Vec<u8>, e: Vec<u8>| with_key(&tlv(SEQUENCE, &[n, e].concat()));
    let e = tlv(INTEGER, &p.e);
    let algorithm_content = [tlv(OID, RSA_ENCRYPTION), tlv(NULL, &[])].concat();

    let mut table = vec![
        (
            "long-form length where the short form suffices (AlgorithmIdentifier)",
            build(&tlv_long(SEQUENCE, &algorithm_content, 1), &key),
        ),
        (
            "two length octets with a leading zero octet (AlgorithmIdentifier)",
            build(&tlv_long(SEQUENCE, &algorithm_content, 2), &key),
        ),
        (
            "long-form length where the short form suffices (NULL)",
            build(
                &tlv(
                    SEQUENCE,
                    &[tlv(OID, RSA_ENCRYPTION), tlv_long(NULL, &[], 1)].concat(),
                ),
                &key,
            ),
        ),
        (
            "long-form length with a leading zero octet (outer SEQUENCE)",
            tlv_long(
                SEQUENCE,
                &[p.algorithm.clone(), bit_string(&key)].concat(),
                3,
            ),
        ),
        (
            "three length octets where two suffice (n)",
            with_integers(
                tlv_long(INTEGER, &[&[0x00], p.n.as_slice()].concat(), 3),
                e.clone(),
            ),
        ),
        (
            "long-form length where the short form suffices (e)",
            with_integers(n_integer(&p), tlv_long(INTEGER, &p.e, 1)),
        ),
        (
            "indefinite length",
            [
                &[SEQUENCE, 0x80][..],
                &p.algorithm,
                &bit_string(&key),
                &[0, 0],
            ]
            .concat(),
        ),
        (
            "extra leading zero in n",
            with_integers(
                tlv(INTEGER, &[&[0x00, 0x00], p.n.as_slice()].concat()),
                e.clone(),
            ),
        ),
        (
            "leading zero in e where none is needed",
            with_integers(
                n_integer(&p),
                tlv(INTEGER, &[&[0x00], p.e.as_slice()].concat()),
            ),
        ),
        (
            "negative n (sign byte missing)",
            with_integers(tlv(INTEGER, &p.n), e.clone()),
        ),
        (
            "negative e",
            with_integers(n_integer(&p), tlv(INTEGER, &[0x81, 0x00, 0x01])),
        ),
        (
            "empty INTEGER e",
            with_integers(n_integer(&p), tlv(INTEGER, &[])),
        ),
        (
            "zero e",
            with_integers(n_integer(&p), tlv(INTEGER, &[0x00])),
        ),
        (
            "e = 1 (refused by rsa's checks)",
            with_integers(n_integer(&p), tlv(INTEGER, &[0x01])),
        ),
        ("even n (refused by rsa's checks)", {
            let mut n = p.n.clone();
            *n.last_mut().expect("n") &= 0xFE;
            with_integers(tlv(INTEGER, &[&[0x00], n.as_slice()].concat()), e.clone())
        }),
        (
            "missing NULL parameters",
            build(&tlv(SEQUENCE, &tlv(OID, RSA_ENCRYPTION)), &key),
        ),
        (
            "NULL with content",
            build(
                &tlv(
                    SEQUENCE,
                    &[tlv(OID, RSA_ENCRYPTION), tlv(NULL, &[0x00])].concat(),
                ),
                &key,
            ),
        ),
        (
            "wrong OID (sha256WithRSAEncryption)",
            build(
                &tlv(
                    SEQUENCE,
                    &[
                        tlv(OID, &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]),
                        tlv(NULL, &[]),
                    ]
                    .concat(),
                ),
                &key,
            ),
        ),
        (
            "wrong OID (RSASSA-PSS, which the rsa crate accepts)",
            build(
                &tlv(
                    SEQUENCE,
                    &tlv(OID, &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]),
                ),
                &key,
            ),
        ),
        (
            "rsaEncryption OID with a non-minimal arc",
            build(
                &tlv(
                    SEQUENCE,
                    &[
                        tlv(
                            OID,
                            &[0x2A, 0x86, 0x48, 0x80, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01],
                        ),
                        tlv(NULL, &[]),
                    ]
                    .concat(),
                ),
                &key,
            ),
        ),
        (
            "unused-bits byte non-zero",
            spki(
                &p.algorithm,
                &tlv(BIT_STRING, &[&[0x01], key.as_slice()].concat()),
            ),
        ),
        (
            "empty BIT STRING",
            spki(&p.algorithm, &tlv(BIT_STRING, &[])),
        ),
        (
            "OCTET STRING instead of BIT STRING",
            spki(
                &p.algorithm,
                &tlv(OCTET_STRING, &[&[0x00], key.as_slice()].concat()),
            ),
        ),
        (
            "algorithm and key swapped",
            tlv(SEQUENCE, &[bit_string(&key), p.algorithm.clone()].concat()),
        ),
        ("PKCS#1 RSAPublicKey without the SPKI wrapper", key.clone()),
        (
            "trailing byte inside RSAPublicKey",
            with_key(&tlv(
                SEQUENCE,
                &[n_integer(&p), e.clone(), vec![0x00]].concat(),
            )),
        ),
        (
            "a third INTEGER inside RSAPublicKey",
            with_key(&tlv(
                SEQUENCE,
                &[n_integer(&p), e.clone(), e.clone()].concat(),
            )),
        ),
        (
            "trailing byte inside the BIT STRING",
            build(&p.algorithm, &[key.as_slice(), &[0x00]].concat()),
        ),
        (
            "trailing byte inside AlgorithmIdentifier",
            build(
                &tlv(SEQUENCE, &[algorithm_content.as_slice(), &[0x00]].concat()),
                &key,
            ),
        ),
        (
            "trailing byte inside the outer SEQUENCE",
            spki(
                &p.algorithm,
                &[bit_string(&key).as_slice(), &[0x00]].concat(),
            ),
        ),
        (
            "trailing byte outside",
            [build(&p.algorithm, &key).as_slice(), &[0x00]].concat(),
        ),
        ("outer length one too long", {
            let mut der = build(&p.algorithm, &key);
            der[3] += 1;
            der
        }),
        ("empty input", Vec::new()),
    ];
    let base = build(&p.algorithm, &key);
    for len in 0..base.len() {
        table.push(("truncated", base[..len].to_vec()));
    }
    table
}

#[test]
fn non_canonical_and_invalid_encodings_are_malformed() {
    for (reason, der) in rejected_encodings() {
        assert_eq!(
            Recipient::from_spki_der(&der).map(|_| ()),
            Err(KeyError::Malformed),
            "{reason}: {}",
            der.len()
        );
    }
}

/// One edit to a valid SPKI.
#[derive(Debug, Clone)]
enum Edit {
    Xor(prop::sample::Index, u8),
    Set(prop::sample::Index, u8),
    Insert(prop::sample::Index, u8),
    Remove(prop::sample::Index),
    Truncate(prop::sample::Index),
    Extend(Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), 1..=255u8).prop_map(|(i, x)| Edit::Xor(i, x)),
        2 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
        1 => (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
        1 => any::<prop::sample::Index>().prop_map(Edit::Remove),
        1 => any::<prop::sample::Index>().prop_map(Edit::Truncate),
        1 => proptest::collection::vec(any::<u8>(), 1..8).prop_map(Edit::Extend),
    ]
}

fn apply(der: &mut Vec<u8>, edit: &Edit) {
    if der.is_empty() {
        if let Edit::Extend(bytes) = edit {
            der.extend_from_slice(bytes);
        }
        return;
    }
    match edit {
        Edit::Xor(i, x) => {
            let at = i.index(der.len());
            der[at] ^= x;
        }
        Edit::Set(i, b) => {
            let at = i.index(der.len());
            der[at] = *b;
        }
        Edit::Insert(i, b) => {
            let at = i.index(der.len() + 1);
            der.insert(at, *b);
        }
        Edit::Remove(i) => {
            let at = i.index(der.len());
            der.remove(at);
        }
        Edit::Truncate(i) => {
            let len = i.index(der.len());
            der.truncate(len);
        }
        Edit::Extend(bytes) => der.extend_from_slice(bytes),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the hand-written parser accepts, the rsa crate accepts too and
    /// re-encodes to the very same bytes: the kid never hashes a second spelling.
    #[test]
    fn whatever_is_accepted_is_the_rsa_crates_canonical_encoding(
        base in 0..2usize,
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let mut der = if base == 0 { BASE.clone() } else { GENERATED[1].clone() };
        for edit in &edits {
            apply(&mut der, edit);
        }
        let ours = Recipient::from_spki_der(&der);
        let theirs = rsa::PublicKey::from_public_key_der(&der);
        if let Ok(recipient) = &ours {
            let theirs = theirs.as_ref().expect("rsa accepts what we accept");
            let canonical = theirs.to_public_key_der().expect("encode");
            prop_assert_eq!(canonical.as_bytes(), der.as_slice());
            prop_assert_eq!(recipient.kid(), &KeyId::from_spki_der(&der));
        }
        // And nothing canonical and large enough is refused.
        if let Ok(theirs) = &theirs {
            let canonical = theirs.to_public_key_der().expect("encode");
            let large = rsa::traits::PublicKeyParts::n(theirs).bit_width() >= 3072;
            if canonical.as_bytes() == der.as_slice() && large {
                prop_assert!(ours.is_ok(), "{:?}", ours.map(|_| ()));
            }
        }
    }
}

/// The key checks run on the encoded magnitudes, without building the key (the
/// widget links no big-integer code): they accept exactly the exponents and
/// modulus sizes the rsa crate builds a key from.
#[test]
fn exponent_and_modulus_bounds_are_the_rsa_crates() {
    let p = parts();
    let with = |n: &[u8], e: &[u8]| {
        let sign: &[u8] = if n[0] & 0x80 != 0 { &[0x00] } else { &[] };
        let n = tlv(INTEGER, &[sign, n].concat());
        let e = if e[0] & 0x80 != 0 {
            tlv(INTEGER, &[&[0x00], e].concat())
        } else {
            tlv(INTEGER, e)
        };
        build(&p.algorithm, &tlv(SEQUENCE, &[n, e].concat()))
    };
    let exponents: [&[u8]; 10] = [
        &[0x02],
        &[0x03],
        &[0x04],
        &[0x01, 0x00, 0x01],
        &[0x01, 0xFF, 0xFF, 0xFF, 0xFF],
        &[0x01, 0xFF, 0xFF, 0xFF, 0xFD],
        &[0x02, 0x00, 0x00, 0x00, 0x01],
        &[0x03, 0x00, 0x00, 0x00, 0x01],
        &[0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
        &[0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01],
    ];
    // An odd modulus of 8192 bits, one of 8200, and the base key's.
    let mut largest = vec![0xFF; 1024];
    largest[1023] = 0xFD;
    let mut too_large = vec![0xFF; 1025];
    too_large[1024] = 0xFD;
    for n in [p.n.clone(), largest, too_large] {
        for e in exponents {
            let der = with(&n, e);
            let theirs = rsa::PublicKey::from_public_key_der(&der).is_ok();
            let ours = Recipient::from_spki_der(&der).map(|_| ());
            assert_eq!(
                ours.is_ok(),
                theirs,
                "n of {} bytes, e = {e:02x?}: {ours:?}",
                n.len()
            );
            if !theirs {
                assert_eq!(ours, Err(KeyError::Malformed));
            }
        }
    }
}
