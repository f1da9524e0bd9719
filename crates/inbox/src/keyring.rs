//! The business keys on this device (DESIGN §5). A staff member's wrapped copy is
//! opened here with their key passphrase (scrypt, in the browser), checked against
//! the kid the server claims, and handed to WebCrypto as a non-extractable key;
//! the decrypted DER is wiped at once. The passphrase and the key never leave the
//! page, and the key lives only as long as the page does.
//!
//! Opening a booking: WebCrypto unwraps the file key (RSA-OAEP, fast and with a
//! key the page itself cannot read back), on a worker thread when it can
//! ([`unwrap_workers`]); the envelope crate does the rest.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use js_sys::{Array, Object, Reflect, Uint8Array};
use sealbook_envelope::keyfile::{decrypt_key, encrypt_key};
use sealbook_envelope::{Envelope, Identity, KeyError, KeyId, OAEP_LABEL, open_with_file_key};
use sealbook_web::webcrypto::subtle;
use sealbook_wire::api::inbox_keys::WrappedKeyView;
use sealbook_wire::plaintext::Booking;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};
use zeroize::Zeroizing;

use crate::timing;
use crate::unwrap_workers::{self, Session, Unavailable};

/// Why the keys could not be unlocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnlockError {
    /// The passphrase does not open the staff member's copy.
    WrongPassphrase,
    /// The server holds no copy for this staff member (never granted, or revoked).
    NoKey,
    /// A copy opened but is not the key the server says it is, or is damaged.
    Mismatch,
    /// The browser refused the key (no WebCrypto: not a secure context).
    Browser,
}

/// Why one booking could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Sealed to none of the keys unlocked here (e.g. a key not granted to this member).
    NoKey,
    /// The envelope is damaged or was tampered with, or what it holds is not
    /// a booking this inbox reads.
    Damaged,
}

/// The unlocked business keys, as WebCrypto handles.
#[derive(Clone, Debug)]
pub struct Keyring {
    keys: Vec<(KeyId, CryptoKey)>,
    /// Where they were unlocked: once it ended, they go to no worker.
    session: Session,
}

impl PartialEq for Keyring {
    fn eq(&self, other: &Self) -> bool {
        let kids = |ring: &Self| {
            ring.keys
                .iter()
                .map(|(kid, _)| kid.clone())
                .collect::<Vec<_>>()
        };
        kids(self) == kids(other)
    }
}

impl Keyring {
    /// Opens every wrapped copy with `passphrase`. All of a member's copies share
    /// one passphrase, so one that does not open is a wrong passphrase.
    pub async fn unlock(wrapped: &[WrappedKeyView], passphrase: &str) -> Result<Self, UnlockError> {
        if wrapped.is_empty() {
            return Err(UnlockError::NoKey);
        }
        let mut keyring = Self {
            keys: Vec::new(),
            session: Session::current(),
        };
        for copy in wrapped {
            keyring.add(copy, passphrase).await?;
        }
        Ok(keyring)
    }

    /// A ring of keys already in WebCrypto (remembered on this device).
    pub fn from_parts(keys: Vec<(KeyId, CryptoKey)>) -> Self {
        Self {
            keys,
            session: Session::current(),
        }
    }

    /// The key ids and their WebCrypto handles (non-extractable).
    pub fn parts(&self) -> &[(KeyId, CryptoKey)] {
        &self.keys
    }

    /// Whether the ring holds the key `kid`.
    pub fn holds(&self, kid: &str) -> bool {
        self.keys.iter().any(|(held, _)| held.as_str() == kid)
    }

    /// Opens one more copy into the ring (a key taken up or added after a rotation).
    pub async fn add(
        &mut self,
        copy: &WrappedKeyView,
        passphrase: &str,
    ) -> Result<(), UnlockError> {
        let subtle = subtle().ok_or(UnlockError::Browser)?;
        let der = open_copy(copy, passphrase)?;
        let key = import(&subtle, &der)
            .await
            .map_err(|_| UnlockError::Browser)?;
        drop(der);
        let kid = KeyId::parse(&copy.kid).ok_or(UnlockError::Mismatch)?;
        self.keys.retain(|(held, _)| *held != kid);
        self.keys.push((kid, key));
        Ok(())
    }

    /// Starts the workers and hands them the keys ahead of the first
    /// [`Keyring::read`] (a listing is on its way).
    pub fn prepare_workers(&self) {
        let keys = self.keys.iter().map(|(kid, key)| (kid.as_str(), key));
        unwrap_workers::prepare(self.session, keys);
    }

    /// Opens a booking (base64url envelope) and reads its plaintext.
    pub async fn read(&self, envelope: &str) -> Result<Booking, ReadError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(envelope)
            .map_err(|_| ReadError::Damaged)?;
        let envelope = Envelope::parse(&bytes).map_err(|_| ReadError::Damaged)?;
        let (kid, key, wrapped) = envelope
            .header()
            .recipients
            .iter()
            .find_map(|stanza| {
                let (kid, key) = self.keys.iter().find(|(kid, _)| *kid == stanza.kid)?;
                Some((kid, key.clone(), stanza.wk.clone()))
            })
            .ok_or(ReadError::NoKey)?;
        let wrapped = URL_SAFE_NO_PAD
            .decode(wrapped)
            .map_err(|_| ReadError::Damaged)?;
        let file_key =
            match unwrap_workers::unwrap(self.session, kid.as_str(), &key, &wrapped, OAEP_LABEL)
                .await
            {
                Ok(file_key) => file_key.ok_or(ReadError::Damaged)?,
                Err(Unavailable) => {
                    timing::mark("sealbook:worker-fallback");
                    let subtle = subtle().ok_or(ReadError::Damaged)?;
                    unwrap(&subtle, &key, &wrapped)
                        .await
                        .map_err(|_| ReadError::Damaged)?
                }
            };
        let opened = open_with_file_key(&envelope, &file_key).map_err(|_| ReadError::Damaged)?;
        Booking::from_plaintext(&opened.plaintext).map_err(|_| ReadError::Damaged)
    }
}

/// Opens one copy with `passphrase` and checks that it is the key of `copy.kid`.
fn open_copy(copy: &WrappedKeyView, passphrase: &str) -> Result<Zeroizing<Vec<u8>>, UnlockError> {
    let encrypted = URL_SAFE_NO_PAD
        .decode(&copy.wrapped)
        .map_err(|_| UnlockError::Mismatch)?;
    let der = decrypt_key(&encrypted, passphrase.as_bytes()).map_err(|error| match error {
        KeyError::Locked => UnlockError::WrongPassphrase,
        _ => UnlockError::Mismatch,
    })?;
    let identity = Identity::from_pkcs8_der(&der).map_err(|_| UnlockError::Mismatch)?;
    if identity.kid().as_str() != copy.kid {
        return Err(UnlockError::Mismatch);
    }
    Ok(der)
}

/// Re-encrypts a copy under another passphrase: a member's own after the grant
/// code, or a grant code for a new member. Returns the new copy, base64url.
pub fn rewrap(
    copy: &WrappedKeyView,
    passphrase: &str,
    new_passphrase: &str,
) -> Result<String, UnlockError> {
    let der = open_copy(copy, passphrase)?;
    lock(&der, new_passphrase)
}

/// Checks that `passphrase` opens `copy`, before anything is locked under it.
pub fn check_passphrase(copy: &WrappedKeyView, passphrase: &str) -> Result<(), UnlockError> {
    open_copy(copy, passphrase).map(drop)
}

/// Why a key file (from `sealbook keygen`) could not be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFileError {
    /// Not an `ENCRYPTED PRIVATE KEY` PEM file.
    NotAKeyFile,
    /// The file's passphrase does not open it.
    WrongPassphrase,
    /// It opens, but is not an RSA key Sealbook can use.
    Unusable,
}

/// Opens a key file as `sealbook keygen` writes it (PEM, encrypted PKCS#8) and
/// re-locks the key under the member's own passphrase. Returns the kid and the
/// new copy, base64url.
pub fn adopt_key_file(
    pem: &str,
    file_passphrase: &str,
    passphrase: &str,
) -> Result<(KeyId, String), KeyFileError> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .skip_while(|line| *line != "-----BEGIN ENCRYPTED PRIVATE KEY-----")
        .skip(1)
        .take_while(|line| *line != "-----END ENCRYPTED PRIVATE KEY-----")
        .collect();
    let encrypted = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()
        .filter(|der| !der.is_empty())
        .ok_or(KeyFileError::NotAKeyFile)?;
    let der = decrypt_key(&encrypted, file_passphrase.as_bytes()).map_err(|error| match error {
        KeyError::Locked => KeyFileError::WrongPassphrase,
        _ => KeyFileError::NotAKeyFile,
    })?;
    let identity = Identity::from_pkcs8_der(&der).map_err(|_| KeyFileError::Unusable)?;
    let locked = lock(&der, passphrase).map_err(|_| KeyFileError::Unusable)?;
    Ok((identity.kid().clone(), locked))
}

/// Encrypts a plain PKCS#8 DER under `passphrase` (fresh salt and IV), base64url.
fn lock(der: &[u8], passphrase: &str) -> Result<String, UnlockError> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| UnlockError::Browser)?;
    getrandom::fill(&mut iv).map_err(|_| UnlockError::Browser)?;
    let encrypted =
        encrypt_key(der, passphrase.as_bytes(), salt, iv).map_err(|_| UnlockError::Mismatch)?;
    Ok(URL_SAFE_NO_PAD.encode(encrypted))
}

/// `importKey("pkcs8", der, RSA-OAEP/SHA-256, extractable = false, ["decrypt"])`.
async fn import(subtle: &SubtleCrypto, der: &[u8]) -> Result<CryptoKey, JsValue> {
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"RSA-OAEP".into())?;
    Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into())?;
    let data = Uint8Array::from(der);
    let usages = Array::of1(&"decrypt".into());
    let promise = subtle.import_key_with_object("pkcs8", &data, &algorithm, false, &usages)?;
    let key = JsFuture::from(promise).await?;
    // The page's copy of the bytes goes now; WebCrypto keeps its own.
    data.fill(0, 0, data.length());
    key.dyn_into()
}

/// RSA-OAEP (SHA-256, label `sealbook/v1`) decryption of a wrapped file key.
async fn unwrap(
    subtle: &SubtleCrypto,
    key: &CryptoKey,
    wrapped: &[u8],
) -> Result<Zeroizing<Vec<u8>>, JsValue> {
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"RSA-OAEP".into())?;
    Reflect::set(&algorithm, &"label".into(), &Uint8Array::from(OAEP_LABEL))?;
    let promise = subtle.decrypt_with_object_and_u8_array(&algorithm, key, wrapped)?;
    let buffer = JsFuture::from(promise).await?;
    let bytes = Uint8Array::new(&buffer);
    let file_key = Zeroizing::new(bytes.to_vec());
    bytes.fill(0, 0, bytes.length());
    Ok(file_key)
}

/// In headless Chromium (`cargo xtask test`): the WebCrypto path the inbox uses
/// and the pure-Rust RSA path compiled to wasm open the same bookings to the same
/// plaintext. Their times are printed for docs/BENCHMARKS.md, never asserted.
#[cfg(all(test, target_family = "wasm", target_os = "unknown"))]
mod browser_tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use sealbook_envelope::{Identity, Recipient, SealParams, open, seal};
    use sealbook_wire::api::inbox_keys::WrappedKeyView;
    use sealbook_wire::api::keys::KeyStatus;
    use sealbook_wire::plaintext::Booking;
    use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::{Keyring, lock};
    use crate::timing;

    wasm_bindgen_test_configure!(run_in_browser);

    const VECTORS: &str = include_str!("../../../tests/vectors/v1.json");
    const BOOKINGS: usize = 100;
    const PASSPHRASE: &str = "a test key passphrase";

    #[wasm_bindgen_test]
    async fn webcrypto_and_wasm_rsa_open_the_same_bookings() {
        let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors");
        let vector = &vectors[0];
        let private_pem = vector["private_key_pem"].as_str().expect("a private key");
        let identity = Identity::from_pkcs8_pem(private_pem).expect("the vector key");
        let recipient =
            Recipient::from_spki_pem(vector["public_key_pem"].as_str().expect("a public key"))
                .expect("the vector public key");
        let der: Vec<u8> = STANDARD
            .decode(
                private_pem
                    .lines()
                    .filter(|line| !line.starts_with("-----"))
                    .collect::<String>(),
            )
            .expect("PEM body");
        let copy = WrappedKeyView {
            kid: identity.kid().as_str().to_owned(),
            status: KeyStatus::Active,
            wrapped: lock(&der, PASSPHRASE).expect("locked"),
            shared: false,
        };
        let keyring = Keyring::unlock(&[copy], PASSPHRASE)
            .await
            .expect("the copy opens");
        let business = vector["business"].as_str().expect("a business");
        let sealed: Vec<Vec<u8>> = (0..BOOKINGS)
            .map(|index| {
                let plaintext = format!(r#"{{"name":"Guest {index}","party":2}}"#);
                seal(
                    std::slice::from_ref(&recipient),
                    &SealParams {
                        business,
                        iat: 1_795_000_000,
                    },
                    plaintext.as_bytes(),
                    &mut getrandom::SysRng,
                )
                .expect("sealed")
            })
            .collect();
        let encoded: Vec<String> = sealed
            .iter()
            .map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
            .collect();

        let started = timing::now();
        let mut by_webcrypto = Vec::with_capacity(BOOKINGS);
        for envelope in &encoded {
            by_webcrypto.push(keyring.read(envelope).await.expect("WebCrypto opens"));
        }
        let webcrypto_ms = timing::now() - started;
        let started = timing::now();
        let by_wasm: Vec<Booking> = sealed
            .iter()
            .map(|bytes| {
                let opened = open(std::slice::from_ref(&identity), bytes).expect("wasm RSA opens");
                Booking::from_plaintext(&opened.plaintext).expect("a booking")
            })
            .collect();
        let wasm_ms = timing::now() - started;

        assert_eq!(by_webcrypto, by_wasm);
        assert_eq!(by_wasm[7].display_name(), "Guest 7");
        #[allow(clippy::cast_precision_loss)]
        let count = BOOKINGS as f64;
        console_log!(
            "opening {BOOKINGS} bookings (RSA-3072): WebCrypto {:.2} ms each, wasm RSA {:.2} ms each ({:.1}x)",
            webcrypto_ms / count,
            wasm_ms / count,
            wasm_ms / webcrypto_ms
        );
    }
}
