//! Keys remembered on this device, when the staff member asks for it: the
//! unlocked keys are stored in the browser's IndexedDB as WebCrypto keys, still
//! non-extractable (the browser keeps the key material; no script, ours included,
//! can read it back), so the next visit opens bookings after the login without the
//! key passphrase. Nothing of it reaches the server. Anyone who can use this
//! browser profile and log in as the member can then read bookings: the inbox
//! says so when it offers this, and the member can forget the device at any time.

use gloo_events::EventListener;
use js_sys::{Array, Object, Promise, Reflect};
use sealbook_envelope::KeyId;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    CryptoKey, IdbDatabase, IdbObjectStore, IdbRequest, IdbTransaction, IdbTransactionMode,
};

use crate::keyring::Keyring;

const DATABASE: &str = "sealbook-inbox";
const STORE: &str = "keyrings";

/// Stores `keyring` as this device's keys for the member `staff_id`.
pub async fn remember(staff_id: &str, keyring: &Keyring) -> Result<(), JsValue> {
    let kids = Array::new();
    let keys = Array::new();
    for (kid, key) in keyring.parts() {
        kids.push(&JsValue::from_str(kid.as_str()));
        keys.push(key);
    }
    let entry = Object::new();
    Reflect::set(&entry, &"kids".into(), &kids)?;
    Reflect::set(&entry, &"keys".into(), &keys)?;
    write(|store| store.put_with_key(&entry, &JsValue::from_str(staff_id))).await
}

/// The keys this device remembers for `staff_id`, if any.
pub async fn recall(staff_id: &str) -> Result<Option<Keyring>, JsValue> {
    let (_, store) = store(IdbTransactionMode::Readonly).await?;
    let entry = settled(&store.get(&JsValue::from_str(staff_id))?).await?;
    if entry.is_undefined() || entry.is_null() {
        return Ok(None);
    }
    let kids: Array = Reflect::get(&entry, &"kids".into())?.dyn_into()?;
    let keys: Array = Reflect::get(&entry, &"keys".into())?.dyn_into()?;
    let mut parts = Vec::with_capacity(kids.length() as usize);
    for (kid, key) in kids.iter().zip(keys.iter()) {
        let kid = kid
            .as_string()
            .and_then(|kid| KeyId::parse(&kid))
            .ok_or_else(|| JsValue::from_str("a remembered key id does not parse"))?;
        parts.push((kid, key.dyn_into::<CryptoKey>()?));
    }
    Ok((!parts.is_empty()).then(|| Keyring::from_parts(parts)))
}

/// Forgets this device's keys for `staff_id`.
pub async fn forget(staff_id: &str) -> Result<(), JsValue> {
    write(|store| store.delete(&JsValue::from_str(staff_id))).await
}

/// Replaces the remembered keys with `keyring` if this device remembers any for
/// `staff_id` (a key added or taken up after a rotation joins them).
pub async fn refresh(staff_id: &str, keyring: &Keyring) -> Result<(), JsValue> {
    if recall(staff_id).await?.is_some() {
        remember(staff_id, keyring).await?;
    }
    Ok(())
}

/// One write, done only once its transaction has committed: "forgotten" must
/// not be said of a deletion that a closing tab could still abort.
async fn write(
    request: impl FnOnce(&IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<(), JsValue> {
    let (transaction, store) = store(IdbTransactionMode::Readwrite).await?;
    let request = request(&store)?;
    let committed = JsFuture::from(Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onerror(Some(&reject));
        transaction.set_onabort(Some(&reject));
    }));
    settled(&request).await?;
    committed.await.map(drop)
}

/// The object store, in a new transaction of `mode`.
async fn store(mode: IdbTransactionMode) -> Result<(IdbTransaction, IdbObjectStore), JsValue> {
    let database = open().await?;
    let transaction = database.transaction_with_str_and_mode(STORE, mode)?;
    // The transaction keeps the connection alive until it completes.
    database.close();
    let store = transaction.object_store(STORE)?;
    Ok((transaction, store))
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .indexed_db()?
        .ok_or_else(|| JsValue::from_str("no IndexedDB in this browser"))?;
    let request = factory.open_with_u32(DATABASE, 1)?;
    // Listens until the open settles: an upgrade comes before that, or not at all.
    let _upgrade = EventListener::once(&request, "upgradeneeded", {
        let request = request.clone();
        move |_| {
            if let Ok(database) = request.result() {
                let database: IdbDatabase = database.unchecked_into();
                let _ = database.create_object_store(STORE);
            }
        }
    });
    Ok(settled(&request).await?.unchecked_into())
}

/// The request's result once it succeeds, or its error.
async fn settled(request: &IdbRequest) -> Result<JsValue, JsValue> {
    // Both listeners live until the request settles, then both are removed.
    let mut listeners = Vec::with_capacity(2);
    let promise = Promise::new(&mut |resolve, reject| {
        listeners.push(EventListener::once(request, "success", {
            let request = request.clone();
            move |_| {
                let result = request.result().unwrap_or(JsValue::UNDEFINED);
                let _ = resolve.call1(&JsValue::NULL, &result);
            }
        }));
        listeners.push(EventListener::once(request, "error", {
            let request = request.clone();
            move |_| {
                let error = request
                    .error()
                    .ok()
                    .flatten()
                    .map_or(JsValue::NULL, JsValue::from);
                let _ = reject.call1(&JsValue::NULL, &error);
            }
        }));
    });
    let result = JsFuture::from(promise).await;
    drop(listeners);
    result
}
