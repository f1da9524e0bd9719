//! Known-answer vectors (tests/vectors/): every implementation must open them, and
//! a seal with the documented deterministic RNG must reproduce them byte for byte.
//! Runs natively and, with wasm-bindgen-test, in headless Chromium. Natively every
//! opening test runs twice: with the native RSA backend and with the pure-Rust
//! reference.

mod support;

use sealbook_envelope::{
    Identity, KeyId, ManageSecret, OpenError, Recipient, SealParams, open, open_visitor_copy, seal,
    seal_visitor_copy,
};
use support::{TestRng, Vector, b64, vectors, visitor_vectors};

#[cfg(all(target_family = "wasm", target_os = "unknown"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg(all(target_family = "wasm", target_os = "unknown"))]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The vector's keys once per backend this target has, named for the messages.
fn backends(vector: &Vector) -> Vec<(&'static str, Vec<Identity>)> {
    let reference = identities(vector)
        .into_iter()
        .map(Identity::pure_rust)
        .collect();
    if cfg!(target_family = "wasm") {
        return vec![("pure Rust", reference)];
    }
    let native = identities(vector);
    assert!(
        native.iter().all(Identity::opens_natively),
        "the tests build with `native-open`"
    );
    vec![("native", native), ("pure Rust", reference)]
}

fn identities(vector: &Vector) -> Vec<Identity> {
    std::iter::once(&vector.private_key_pem)
        .chain(
            vector
                .extra_recipients
                .iter()
                .map(|extra| &extra.private_key_pem),
        )
        .map(|pem| Identity::from_pkcs8_pem(pem).expect("vector private keys parse"))
        .collect()
}

fn recipients(vector: &Vector) -> Vec<Recipient> {
    std::iter::once(&vector.public_key_pem)
        .chain(
            vector
                .extra_recipients
                .iter()
                .map(|extra| &extra.public_key_pem),
        )
        .map(|pem| Recipient::from_spki_pem(pem).expect("vector public keys parse"))
        .collect()
}

#[test]
fn the_vector_set_covers_the_required_cases() {
    let vectors = vectors();
    assert!(vectors.len() >= 4);
    let bits = |vector: &Vector| b64(&vector.envelope).len();
    assert!(vectors.iter().any(|v| v.name.contains("3072")));
    assert!(
        vectors.iter().any(|v| v.name.contains("4096")),
        "a 4096-bit case, sizes {:?}",
        vectors.iter().map(bits).collect::<Vec<_>>()
    );
    assert!(vectors.iter().any(|v| v.extra_recipients.len() == 1));
    assert!(
        vectors.iter().any(|v| v.plaintext.len() + 4 > 1024),
        "a plaintext crossing the first padding boundary"
    );
}

#[test]
fn every_vector_opens_to_its_plaintext_with_every_one_of_its_keys() {
    for vector in vectors() {
        let envelope = b64(&vector.envelope);
        for (backend, identities) in backends(&vector) {
            for identity in identities {
                let opened = open(std::slice::from_ref(&identity), &envelope)
                    .unwrap_or_else(|_| panic!("{} ({backend})", vector.name));
                assert_eq!(
                    opened.plaintext,
                    vector.plaintext.as_bytes(),
                    "{} ({backend})",
                    vector.name
                );
                assert_eq!(opened.header.business, vector.business);
                assert_eq!(opened.header.iat, vector.iat);
            }
        }
    }
}

#[test]
fn kids_match_the_published_ones() {
    for vector in vectors() {
        let kids: Vec<KeyId> = recipients(&vector)
            .iter()
            .map(|r| r.kid().clone())
            .collect();
        assert_eq!(kids[0].as_str(), vector.kid);
        for (extra, kid) in vector.extra_recipients.iter().zip(&kids[1..]) {
            assert_eq!(kid.as_str(), extra.kid);
        }
        assert_eq!(identities(&vector)[0].kid(), &kids[0]);
    }
}

#[test]
fn a_deterministic_seal_reproduces_every_vector_byte_for_byte() {
    for vector in vectors() {
        let params = SealParams {
            business: &vector.business,
            iat: vector.iat,
        };
        let mut rng = TestRng::new(&vector.name);
        let sealed = seal(
            &recipients(&vector),
            &params,
            vector.plaintext.as_bytes(),
            &mut rng,
        )
        .expect("seal");
        assert_eq!(sealed, b64(&vector.envelope), "{}", vector.name);
    }
}

#[test]
fn visitor_copies_open_reproduce_and_derive_the_published_token() {
    for vector in visitor_vectors() {
        let secret = ManageSecret::from_base64url(&vector.manage_secret).expect("secret");
        assert_eq!(secret.token().to_base64url(), vector.manage_token);
        assert_eq!(
            secret.token().hash().to_base64url(),
            vector.manage_token_hash
        );
        let envelope = b64(&vector.envelope);
        let opened = open_visitor_copy(&secret, &envelope).expect(&vector.name);
        assert_eq!(opened.plaintext, vector.plaintext.as_bytes());
        let params = SealParams {
            business: &vector.business,
            iat: vector.iat,
        };
        let resealed = seal_visitor_copy(
            &secret,
            &params,
            vector.plaintext.as_bytes(),
            &mut TestRng::new(&vector.name),
        )
        .expect("seal");
        assert_eq!(resealed, envelope);
        let other = ManageSecret::from_base64url(&vector.manage_token).expect("32 bytes");
        assert_eq!(open_visitor_copy(&other, &envelope), Err(OpenError));
    }
}

/// Every single-byte change must give the one uniform error. The full sweep runs on
/// the first vector natively; elsewhere every 41st byte, to keep RSA work bounded.
#[test]
fn every_single_byte_change_gives_the_uniform_error() {
    for (index, vector) in vectors().iter().enumerate() {
        let envelope = b64(&vector.envelope);
        let stride = if index == 0 && cfg!(not(target_family = "wasm")) {
            1
        } else {
            41
        };
        for (backend, keys) in backends(vector) {
            for position in (0..envelope.len()).step_by(stride) {
                let mut tampered = envelope.clone();
                tampered[position] ^= 0x01;
                assert_eq!(
                    open(&keys, &tampered),
                    Err(OpenError),
                    "{} byte {position} ({backend})",
                    vector.name
                );
            }
        }
    }
}

#[test]
fn every_truncation_and_extension_gives_the_uniform_error() {
    for vector in vectors() {
        let keys = identities(&vector);
        let envelope = b64(&vector.envelope);
        for len in 0..envelope.len() {
            assert_eq!(
                open(&keys, &envelope[..len]),
                Err(OpenError),
                "{} len {len}",
                vector.name
            );
        }
        let mut extended = envelope.clone();
        extended.push(0);
        assert_eq!(open(&keys, &extended), Err(OpenError));
    }
}

#[test]
fn a_wrong_key_gives_the_uniform_error() {
    let vectors = vectors();
    for (vector, other) in vectors.iter().zip(vectors.iter().cycle().skip(1)) {
        for (backend, keys) in backends(other) {
            let other_keys: Vec<Identity> = keys
                .into_iter()
                .filter(|key| !identities(vector).iter().any(|own| own.kid() == key.kid()))
                .collect();
            assert_eq!(
                open(&other_keys, &b64(&vector.envelope)),
                Err(OpenError),
                "{} ({backend})",
                vector.name
            );
        }
    }
}

/// A `wk` changed in any one byte (the header rebuilt around it, so it still
/// parses) is refused by both backends with the one error, and so is a `wk`
/// one byte short or long.
#[test]
fn a_damaged_wrapped_key_gives_the_uniform_error_with_both_backends() {
    use base64::Engine as _;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    for vector in vectors() {
        let envelope = b64(&vector.envelope);
        let parsed = sealbook_envelope::Envelope::parse(&envelope).expect("vector envelope");
        let wk_text = parsed.header().recipients[0].wk.clone();
        let wk = b64(&wk_text);
        let mut damaged: Vec<Vec<u8>> = [0, 1, wk.len() / 2, wk.len() - 1]
            .into_iter()
            .map(|position| {
                let mut wk = wk.clone();
                wk[position] ^= 0x80;
                wk
            })
            .collect();
        damaged.push(wk[1..].to_vec());
        damaged.push([&[0][..], &wk].concat());
        for (backend, keys) in backends(&vector) {
            for bad in &damaged {
                let rebuilt = with_header(&envelope, |h| h.replacen(&wk_text, &encode(bad), 1));
                assert_eq!(
                    open(&keys, &rebuilt),
                    Err(OpenError),
                    "{} ({backend})",
                    vector.name
                );
            }
        }
    }
}

/// Rebuilds an envelope with a rewritten header, keeping the sealed part.
fn with_header(envelope: &[u8], edit: impl FnOnce(String) -> String) -> Vec<u8> {
    let header_len = u32::from_be_bytes(envelope[4..8].try_into().expect("4 bytes")) as usize;
    let header = String::from_utf8(envelope[8..8 + header_len].to_vec()).expect("utf-8 header");
    let header = edit(header);
    let mut rebuilt = envelope[..4].to_vec();
    rebuilt.extend_from_slice(&(header.len() as u32).to_be_bytes());
    rebuilt.extend_from_slice(header.as_bytes());
    rebuilt.extend_from_slice(&envelope[8 + header_len..]);
    rebuilt
}

#[test]
fn unknown_suites_versions_and_oversized_headers_give_the_uniform_error() {
    let vector = &vectors()[0];
    let keys = identities(vector);
    let envelope = b64(&vector.envelope);
    assert!(
        open(&keys, &with_header(&envelope, |h| h)).is_ok(),
        "the rebuild itself is faithful"
    );

    let unknown_suite = with_header(&envelope, |h| {
        h.replace(
            "RSA-OAEP-256+HKDF-SHA256+A256GCM",
            "RSA-OAEP-256+HKDF-SHA256+A128GCM",
        )
    });
    assert_eq!(open(&keys, &unknown_suite), Err(OpenError));
    let unknown_version = with_header(&envelope, |h| h.replacen("{\"v\":1", "{\"v\":2", 1));
    assert_eq!(open(&keys, &unknown_version), Err(OpenError));
    let extra_field = with_header(&envelope, |h| h.replacen('}', ",\"x\":1}", 1));
    assert_eq!(open(&keys, &extra_field), Err(OpenError));
    let reformatted = with_header(&envelope, |h| h.replacen(',', ", ", 1));
    assert_eq!(
        open(&keys, &reformatted),
        Err(OpenError),
        "the header bytes are authenticated as sent"
    );

    let oversized = with_header(&envelope, |h| {
        format!("{}{}", h, " ".repeat(16 * 1024 + 1 - h.len()))
    });
    assert_eq!(open(&keys, &oversized), Err(OpenError));
    let mut huge_length = envelope.clone();
    huge_length[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
    assert_eq!(open(&keys, &huge_length), Err(OpenError));
}

/// Writes tests/vectors/*.json if they do not exist yet. Vectors are frozen once
/// published: this never overwrites. Run with
/// `cargo test -p sealbook-envelope --release --test vectors -- --ignored generate`.
#[cfg(not(target_family = "wasm"))]
#[test]
#[ignore = "writes the frozen vector files; run by hand once"]
fn generate() {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    use support::{ExtraRecipient, VisitorVector};

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
    let key = |label: &str, bits: usize| {
        let private = rsa::PrivateKey::new(&mut TestRng::new(label), bits).expect("keygen");
        let private_pem = private
            .to_pkcs8_pem(LineEnding::LF)
            .expect("pem")
            .to_string();
        let public_pem = private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("pem");
        let kid = Recipient::from_spki_pem(&public_pem)
            .expect("key")
            .kid()
            .to_string();
        (private_pem, public_pem, kid)
    };
    let booking = |name: &str,
                   bits: usize,
                   business: &str,
                   plaintext: String,
                   extra: Vec<(String, String, String)>| {
        let (private_key_pem, public_key_pem, kid) = key(&format!("key:{name}"), bits);
        let mut vector = Vector {
            name: name.to_owned(),
            private_key_pem,
            public_key_pem,
            kid,
            iat: 1_790_000_000,
            business: business.to_owned(),
            kind: "booking".to_owned(),
            plaintext,
            envelope: String::new(),
            extra_recipients: extra
                .into_iter()
                .map(|(private_key_pem, public_key_pem, kid)| ExtraRecipient {
                    private_key_pem,
                    public_key_pem,
                    kid,
                })
                .collect(),
        };
        let params = SealParams {
            business: &vector.business,
            iat: vector.iat,
        };
        let sealed = seal(
            &recipients(&vector),
            &params,
            vector.plaintext.as_bytes(),
            &mut TestRng::new(name),
        )
        .expect("seal");
        vector.envelope = base64_encode(&sealed);
        vector
    };
    let small = r#"{"name":"Camille Dupont","contact":{"phone":"+33 6 12 34 56 78"},"party":4,"start":"2026-12-04T19:30:00+01:00","note":"une chaise haute, s'il vous plaît"}"#.to_owned();
    let clinic = r#"{"name":"Jürgen Groß","contact":{"email":"j.gross@example.de"},"service":"physio-30","start":"2026-12-07T08:15:00+01:00","reason":"Rückenschmerzen seit zwei Wochen"}"#.to_owned();
    let long_note = format!(
        r#"{{"name":"Ada Lovelace","contact":{{"email":"ada@example.org"}},"party":2,"start":"2026-12-05T20:00:00Z","note":"{}"}}"#,
        "allergic to peanuts; ".repeat(46)
    );
    assert!(long_note.len() + 4 > 1024 && long_note.len() + 4 <= 2048);

    let vectors = vec![
        booking(
            "restaurant-3072",
            3072,
            "bistro-du-coin",
            small.clone(),
            vec![],
        ),
        booking("clinic-4096", 4096, "praxis-am-see", clinic.clone(), vec![]),
        booking(
            "two-recipients-3072",
            3072,
            "bistro-du-coin",
            small,
            vec![key("key:two-recipients-3072 second", 3072)],
        ),
        booking(
            "padding-boundary-3072",
            3072,
            "bistro-du-coin",
            long_note,
            vec![],
        ),
    ];

    let secret = ManageSecret::from_base64url(&base64_encode(&[0x5a; 32])).expect("32 bytes");
    let params = SealParams {
        business: "praxis-am-see",
        iat: 1_790_000_000,
    };
    let visitor = VisitorVector {
        name: "visitor-copy".to_owned(),
        manage_secret: secret.to_base64url(),
        manage_token: secret.token().to_base64url(),
        manage_token_hash: secret.token().hash().to_base64url(),
        iat: params.iat,
        business: params.business.to_owned(),
        kind: "visitor-copy".to_owned(),
        plaintext: clinic.clone(),
        envelope: base64_encode(
            &seal_visitor_copy(
                &secret,
                &params,
                clinic.as_bytes(),
                &mut TestRng::new("visitor-copy"),
            )
            .expect("seal"),
        ),
    };

    for (file, json) in [
        (
            "v1.json",
            serde_json::to_string_pretty(&vectors).expect("json"),
        ),
        (
            "v1-visitor.json",
            serde_json::to_string_pretty(&vec![visitor]).expect("json"),
        ),
    ] {
        let path = root.join(file);
        assert!(
            !path.exists() || std::env::var_os("SEALBOOK_OVERWRITE_UNRELEASED_VECTORS").is_some(),
            "{file} is frozen"
        );
        std::fs::write(&path, json + "\n").expect("write vectors");
    }
}

#[cfg(not(target_family = "wasm"))]
fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
