//! Passphrase-encrypted key files: what one side encrypts the other opens, a
//! wrong passphrase is refused, and the result is the key that opens bookings.

#![cfg(not(target_family = "wasm"))]

mod support;

use rsa::pkcs8::DecodePrivateKey as _;
use rsa::pkcs8::EncodePrivateKey as _;
use sealbook_envelope::keyfile::{decrypt_key, encrypt_key};
use sealbook_envelope::{Identity, KeyError};
use support::vectors;

#[test]
fn an_encrypted_key_opens_with_its_passphrase_only() {
    let vector = &vectors()[0];
    let key = rsa::PrivateKey::from_pkcs8_pem(&vector.private_key_pem).expect("vector key");
    let der = key.to_pkcs8_der().expect("encode");
    let encrypted =
        encrypt_key(der.as_bytes(), b"correct horse", [7; 16], [9; 16]).expect("encrypt");
    assert!(
        !encrypted
            .windows(16)
            .any(|window| der.as_bytes().windows(16).any(|part| part == window)),
        "no 16-byte run of the key survives in the file"
    );

    let opened = decrypt_key(&encrypted, b"correct horse").expect("decrypt");
    assert_eq!(opened.as_slice(), der.as_bytes());
    let identity = Identity::from_pkcs8_der(&opened).expect("identity");
    assert_eq!(identity.kid().as_str(), vector.kid);

    for wrong in [&b"correct horse "[..], b"", b"Correct horse"] {
        assert_eq!(
            decrypt_key(&encrypted, wrong).map(|_| ()),
            Err(KeyError::Locked)
        );
    }
    assert_eq!(
        decrypt_key(&encrypted[..encrypted.len() - 1], b"correct horse").map(|_| ()),
        Err(KeyError::Malformed)
    );
    assert_eq!(
        decrypt_key(der.as_bytes(), b"correct horse").map(|_| ()),
        Err(KeyError::Malformed),
        "an unencrypted key is not a key file"
    );
}
