//! Property tests: whatever is sealed opens to itself, and no input makes the
//! parser or opener panic.

#![cfg(not(target_family = "wasm"))]

mod support;

use std::sync::LazyLock;

use proptest::prelude::*;
use sealbook_envelope::{
    Envelope, Identity, ManageSecret, OpenError, Recipient, SealParams, open, open_visitor_copy,
    open_with_file_key, seal, seal_visitor_copy,
};
use support::{TestRng, vectors};

static KEYS: LazyLock<(Recipient, Identity)> = LazyLock::new(|| {
    let vector = &vectors()[0];
    (
        Recipient::from_spki_pem(&vector.public_key_pem).expect("vector key"),
        Identity::from_pkcs8_pem(&vector.private_key_pem).expect("vector key"),
    )
});

/// The same private key on the pure-Rust path only.
static REFERENCE: LazyLock<Identity> = LazyLock::new(|| {
    Identity::from_pkcs8_pem(&vectors()[0].private_key_pem)
        .expect("vector key")
        .pure_rust()
});

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn sealed_bookings_open_to_their_plaintext(
        plaintext in proptest::collection::vec(any::<u8>(), 0..3000),
        business in "\\PC{1,40}",
        iat in any::<u64>(),
        seed in "[a-z]{8}",
    ) {
        let (recipient, identity) = &*KEYS;
        let params = SealParams { business: &business, iat };
        let envelope = seal(std::slice::from_ref(recipient), &params, &plaintext, &mut TestRng::new(&seed)).expect("seal");
        let opened = open(std::slice::from_ref(identity), &envelope).expect("open");
        prop_assert_eq!(opened.plaintext, plaintext);
        prop_assert_eq!(opened.header.business, business);
        prop_assert_eq!(opened.header.iat, iat);
    }

    /// Natively the opener unwraps with AWS-LC; the pure-Rust reference must
    /// open every seal to the same result, and refuse what it refuses.
    #[test]
    fn native_and_pure_rust_open_every_seal_alike(
        plaintext in proptest::collection::vec(any::<u8>(), 0..3000),
        seed in "[a-z]{8}",
        flip in proptest::option::of((any::<prop::sample::Index>(), 1u8..=255)),
    ) {
        let (recipient, identity) = &*KEYS;
        prop_assert!(identity.opens_natively());
        let params = SealParams { business: "b", iat: 1 };
        let mut envelope = seal(std::slice::from_ref(recipient), &params, &plaintext, &mut TestRng::new(&seed)).expect("seal");
        if let Some((index, mask)) = flip {
            let position = index.index(envelope.len());
            envelope[position] ^= mask;
        }
        let native = open(std::slice::from_ref(identity), &envelope);
        prop_assert_eq!(&native, &open(std::slice::from_ref(&REFERENCE), &envelope));
        prop_assert_eq!(native.is_ok(), flip.is_none());
    }

    #[test]
    fn visitor_copies_open_only_with_their_secret(
        plaintext in proptest::collection::vec(any::<u8>(), 0..2000),
        seed in "[a-z]{8}",
    ) {
        let mut rng = TestRng::new(&seed);
        let secret = ManageSecret::generate(&mut rng).expect("secret");
        let other = ManageSecret::generate(&mut rng).expect("secret");
        let params = SealParams { business: "b", iat: 1 };
        let envelope = seal_visitor_copy(&secret, &params, &plaintext, &mut rng).expect("seal");
        prop_assert_eq!(open_visitor_copy(&secret, &envelope).expect("open").plaintext, plaintext);
        prop_assert_eq!(open_visitor_copy(&other, &envelope), Err(OpenError));
        prop_assert_eq!(open(std::slice::from_ref(&KEYS.1), &envelope), Err(OpenError));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = Envelope::parse(&bytes);
        prop_assert_eq!(open(std::slice::from_ref(&KEYS.1), &bytes), Err(OpenError));
    }

    #[test]
    fn arbitrary_bytes_behind_a_valid_prefix_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = b"SBK\x01\x00\x00\x00\x02{}".to_vec();
        bytes.extend_from_slice(&tail);
        prop_assert!(Envelope::parse(&bytes).is_err());
    }
}

#[test]
fn keys_below_3072_bits_are_refused() {
    use rsa::pkcs8::{EncodePublicKey, LineEnding};

    let small = rsa::PrivateKey::new(&mut TestRng::new("small"), 2048).expect("keygen");
    let pem = small
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("pem");
    assert!(matches!(
        Recipient::from_spki_pem(&pem),
        Err(sealbook_envelope::KeyError::TooSmall(2048))
    ));
}

/// The inbox unwraps `wk` with WebCrypto and hands over the file key: every
/// vector opens that way, with the file key from a plain RSA-OAEP decryption,
/// and a wrong or short key is the one uniform error.
#[test]
fn a_file_key_unwrapped_elsewhere_opens_the_booking() {
    use rsa::oaep::DecryptingKey;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::traits::Decryptor;

    for vector in vectors() {
        let private = rsa::PrivateKey::from_pkcs8_pem(&vector.private_key_pem).expect("vector key");
        let unwrap =
            DecryptingKey::<sha2::Sha256>::new_with_label(private, sealbook_envelope::OAEP_LABEL);
        let bytes = support::b64(&vector.envelope);
        let envelope = Envelope::parse(&bytes).expect("vector envelope");
        let stanza = &envelope.header().recipients[0];
        let file_key = unwrap.decrypt(&support::b64(&stanza.wk)).expect("unwrap");
        let opened = open_with_file_key(&envelope, &file_key).expect("open");
        assert_eq!(
            opened.plaintext,
            vector.plaintext.as_bytes(),
            "{}",
            vector.name
        );

        let mut wrong = file_key.clone();
        wrong[0] ^= 1;
        assert_eq!(open_with_file_key(&envelope, &wrong), Err(OpenError));
        assert_eq!(
            open_with_file_key(&envelope, &file_key[..31]),
            Err(OpenError)
        );
    }
    let secret = ManageSecret::generate(&mut TestRng::new("visitor")).expect("secret");
    let params = SealParams {
        business: "b",
        iat: 1,
    };
    let copy = seal_visitor_copy(&secret, &params, b"{}", &mut TestRng::new("copy")).expect("seal");
    let envelope = Envelope::parse(&copy).expect("visitor copy");
    assert_eq!(
        open_with_file_key(&envelope, &[0u8; 32]),
        Err(OpenError),
        "only bookings open this way"
    );
}
