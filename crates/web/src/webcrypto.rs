//! The browser's WebCrypto, for what it does natively and the Rust envelope
//! would otherwise carry as wasm: RSA-OAEP and AES-256-GCM. Each call takes a
//! copy of the bytes it is given; the copies this side makes are zeroed.

use js_sys::{Array, Object, Reflect, Uint8Array};
use sealbook_envelope::OAEP_LABEL;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// `crypto.subtle`; `None` where the page is not a secure context (plain
/// `http:` other than localhost), which browsers give no WebCrypto.
#[inline]
pub fn subtle() -> Option<SubtleCrypto> {
    let crypto = web_sys::window()?.crypto().ok()?;
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle")).ok()?;
    subtle.dyn_into().ok()
}

/// A plain object `{ name, …fields }`, the shape every WebCrypto algorithm takes.
fn algorithm(name: &str, fields: &[(&str, &JsValue)]) -> Result<Object, JsValue> {
    let object = Object::new();
    Reflect::set(&object, &"name".into(), &name.into())?;
    for (key, value) in fields {
        Reflect::set(&object, &(*key).into(), value)?;
    }
    Ok(object)
}

/// The bytes of an `ArrayBuffer` a WebCrypto promise resolved to.
async fn bytes(promise: js_sys::Promise) -> Result<Vec<u8>, JsValue> {
    let buffer = JsFuture::from(promise).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// RSA-OAEP with SHA-256 and the label `sealbook/v1` of `message` to the
/// SubjectPublicKeyInfo `spki_der` (already checked by `Recipient`).
#[inline]
pub async fn rsa_oaep_encrypt(
    subtle: &SubtleCrypto,
    spki_der: &[u8],
    message: &[u8],
) -> Result<Vec<u8>, JsValue> {
    let import = algorithm("RSA-OAEP", &[("hash", &"SHA-256".into())])?;
    let usages = Array::of1(&"encrypt".into());
    let promise = subtle.import_key_with_object(
        "spki",
        &Uint8Array::from(spki_der),
        &import,
        false,
        &usages,
    )?;
    let key: CryptoKey = JsFuture::from(promise).await?.dyn_into()?;
    let label: JsValue = Uint8Array::from(OAEP_LABEL).into();
    let encrypt = algorithm("RSA-OAEP", &[("label", &label)])?;
    bytes(subtle.encrypt_with_object_and_u8_array(&encrypt, &key, message)?).await
}

/// AES-256-GCM of `plaintext` with a 128-bit tag: `ciphertext ‖ tag`.
#[inline]
pub async fn aes_gcm_encrypt(
    subtle: &SubtleCrypto,
    key: &[u8; 32],
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, JsValue> {
    let key = aes_key(subtle, key, "encrypt").await?;
    let params = aes_gcm(nonce, aad)?;
    bytes(subtle.encrypt_with_object_and_u8_array(&params, &key, plaintext)?).await
}

/// The inverse of [`aes_gcm_encrypt`]; an error if the tag does not verify.
#[inline]
pub async fn aes_gcm_decrypt(
    subtle: &SubtleCrypto,
    key: &[u8; 32],
    nonce: &[u8],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Vec<u8>, JsValue> {
    let key = aes_key(subtle, key, "decrypt").await?;
    let params = aes_gcm(nonce, aad)?;
    let promise = subtle.decrypt_with_object_and_u8_array(&params, &key, sealed)?;
    let buffer = JsFuture::from(promise).await?;
    let view = Uint8Array::new(&buffer);
    let plaintext = view.to_vec();
    view.fill(0, 0, view.length());
    Ok(plaintext)
}

/// A non-extractable AES-GCM key for one use; the page's copy of its bytes is zeroed.
async fn aes_key(subtle: &SubtleCrypto, key: &[u8; 32], usage: &str) -> Result<CryptoKey, JsValue> {
    let data = Uint8Array::from(&key[..]);
    let import = algorithm("AES-GCM", &[])?;
    let promise =
        subtle.import_key_with_object("raw", &data, &import, false, &Array::of1(&usage.into()));
    data.fill(0, 0, data.length());
    JsFuture::from(promise?).await?.dyn_into()
}

fn aes_gcm(nonce: &[u8], aad: &[u8]) -> Result<Object, JsValue> {
    algorithm(
        "AES-GCM",
        &[
            ("iv", &Uint8Array::from(nonce).into()),
            ("additionalData", &Uint8Array::from(aad).into()),
            ("tagLength", &JsValue::from(128)),
        ],
    )
}
