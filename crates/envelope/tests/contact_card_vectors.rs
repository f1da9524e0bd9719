//! Known-answer vectors for contact cards (tests/vectors/v1-contact-card.json):
//! the courier opens them, a seal with the test RNG reproduces them, the cancel
//! token derives from the manage secret, and a card is never taken for a booking.

mod support;

use sealbook_envelope::{
    Identity, ManageSecret, OpenError, Recipient, SealParams, open, open_contact_card,
    seal_contact_card,
};
use support::{ContactCardVector, TestRng, b64, contact_card_vectors, vectors};

#[cfg(all(target_family = "wasm", target_os = "unknown"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg(all(target_family = "wasm", target_os = "unknown"))]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn identity(vector: &ContactCardVector) -> Identity {
    Identity::from_pkcs8_pem(&vector.private_key_pem).expect("vector private keys parse")
}

fn recipient(vector: &ContactCardVector) -> Recipient {
    Recipient::from_spki_pem(&vector.public_key_pem).expect("vector public keys parse")
}

#[test]
fn the_set_covers_both_channels() {
    let cards = contact_card_vectors();
    for channel in ["\"channel\":\"email\"", "\"channel\":\"sms\""] {
        assert!(cards.iter().any(|card| card.plaintext.contains(channel)));
    }
    assert!(cards.iter().all(|card| card.kind == "contact-card"));
}

#[test]
fn every_card_opens_reproduces_and_carries_its_cancel_token() {
    for vector in contact_card_vectors() {
        assert_eq!(recipient(&vector).kid().as_str(), vector.kid);
        let secret = ManageSecret::from_base64url(&vector.manage_secret).expect("secret");
        let cancel = secret.cancel_token();
        assert_eq!(
            cancel.to_base64url(),
            vector.cancel_token,
            "{}",
            vector.name
        );
        assert_eq!(cancel.hash().to_base64url(), vector.cancel_token_hash);
        assert_ne!(cancel.to_base64url(), secret.token().to_base64url());
        assert!(
            vector
                .plaintext
                .contains(&format!("\"cancel\":\"{}\"", vector.cancel_token))
        );
        assert!(!vector.plaintext.contains(&vector.manage_secret));

        let envelope = b64(&vector.envelope);
        let opened = open_contact_card(&[identity(&vector)], &envelope).expect(&vector.name);
        assert_eq!(opened.plaintext, vector.plaintext.as_bytes());
        assert_eq!(opened.header.business, vector.business);
        let params = SealParams {
            business: &vector.business,
            iat: vector.iat,
        };
        let resealed = seal_contact_card(
            &[recipient(&vector)],
            &params,
            vector.plaintext.as_bytes(),
            &mut TestRng::new(&vector.name),
        )
        .expect("seal");
        assert_eq!(resealed, envelope, "{}", vector.name);
    }
}

#[test]
fn a_card_is_not_a_booking_and_a_booking_is_not_a_card() {
    for vector in contact_card_vectors() {
        assert_eq!(
            open(&[identity(&vector)], &b64(&vector.envelope)),
            Err(OpenError)
        );
    }
    for booking in vectors() {
        let key = Identity::from_pkcs8_pem(&booking.private_key_pem).expect("key");
        assert_eq!(
            open_contact_card(&[key], &b64(&booking.envelope)),
            Err(OpenError)
        );
    }
}

#[test]
fn tampering_and_other_keys_give_the_uniform_error() {
    let cards = contact_card_vectors();
    for (vector, other) in cards.iter().zip(cards.iter().cycle().skip(1)) {
        let keys = [identity(vector)];
        let envelope = b64(&vector.envelope);
        for position in (0..envelope.len()).step_by(13) {
            let mut tampered = envelope.clone();
            tampered[position] ^= 0x01;
            assert_eq!(open_contact_card(&keys, &tampered), Err(OpenError));
        }
        assert_eq!(
            open_contact_card(&[identity(other)], &envelope),
            Err(OpenError)
        );
    }
}

/// Writes tests/vectors/v1-contact-card.json while it is still an empty list; the file
/// is frozen once published. Run with `cargo test -p sealbook-envelope --release
/// --test contact_card_vectors -- --ignored generate`.
#[cfg(not(target_family = "wasm"))]
#[test]
#[ignore = "writes the frozen vector file; run by hand once"]
fn generate() {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors/v1-contact-card.json");
    // An empty list stands in until the first generation (the tests include the file).
    let existing = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        existing.trim().is_empty() || existing.trim() == "[]",
        "v1-contact-card.json is frozen"
    );
    let card = |name: &str,
                business: &str,
                secret_byte: u8,
                channel: &str,
                address: &str,
                lang: &str| {
        let private =
            rsa::PrivateKey::new(&mut TestRng::new(&format!("key:{name}")), 3072).expect("keygen");
        let private_key_pem = private
            .to_pkcs8_pem(LineEnding::LF)
            .expect("pem")
            .to_string();
        let public_key_pem = private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("pem");
        let recipient = Recipient::from_spki_pem(&public_key_pem).expect("key");
        let secret =
            ManageSecret::from_base64url(&support_encode(&[secret_byte; 32])).expect("32 bytes");
        let cancel = secret.cancel_token();
        let plaintext = format!(
            r#"{{"v":1,"channel":"{channel}","address":"{address}","lang":"{lang}","cancel":"{}"}}"#,
            cancel.to_base64url()
        );
        let params = SealParams {
            business,
            iat: 1_790_000_000,
        };
        let envelope = seal_contact_card(
            std::slice::from_ref(&recipient),
            &params,
            plaintext.as_bytes(),
            &mut TestRng::new(name),
        )
        .expect("seal");
        ContactCardVector {
            name: name.to_owned(),
            private_key_pem,
            public_key_pem,
            kid: recipient.kid().to_string(),
            manage_secret: secret.to_base64url(),
            cancel_token: cancel.to_base64url(),
            cancel_token_hash: cancel.hash().to_base64url(),
            iat: params.iat,
            business: business.to_owned(),
            kind: "contact-card".to_owned(),
            plaintext,
            envelope: support_encode(&envelope),
        }
    };
    let cards = vec![
        card(
            "contact-card-email-3072",
            "bistro-du-coin",
            0x3c,
            "email",
            "camille.dupont@example.fr",
            "fr",
        ),
        card(
            "contact-card-sms-3072",
            "praxis-am-see",
            0xa5,
            "sms",
            "+4915123456789",
            "de",
        ),
    ];
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&cards).expect("json") + "\n",
    )
    .expect("write vectors");
}

#[cfg(not(target_family = "wasm"))]
fn support_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
