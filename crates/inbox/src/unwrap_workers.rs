//! Unwrapping bookings' file keys on worker threads (`www/unwrap-worker.js`).
//!
//! A browser runs all of a page's WebCrypto calls on one thread, one after the
//! other, so a thousand RSA-OAEP unwraps take a thousand times one, however many
//! are in flight. Each worker's calls run on a thread of its own: with one
//! worker per core, a day of bookings opens in a fraction of the time.
//!
//! The key goes to a worker as the same non-extractable `CryptoKey` with each
//! request (structured cloning keeps it unreadable) and the worker keeps
//! nothing. When workers cannot run (the script does not load, the browser
//! refuses it), every unwrap reports [`Unavailable`] and the caller unwraps on
//! the page's own thread, as before.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, MessageEvent, Worker};
use zeroize::Zeroizing;

/// Where Trunk puts the worker (`public_url` in Trunk.toml).
const WORKER_URL: &str = "/widget/inbox/unwrap-worker.js";
/// More workers than cores only queue on the same cores.
const MOST_WORKERS: usize = 4;

/// The workers could not take the request: unwrap on the page's thread instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unavailable;

/// Unwraps `wrapped` with `key` on a worker. `Ok(None)` when the key does not
/// open it (a damaged or foreign envelope), as WebCrypto on the page would say.
pub async fn unwrap(
    key: &CryptoKey,
    wrapped: &[u8],
    label: &[u8],
) -> Result<Option<Zeroizing<Vec<u8>>>, Unavailable> {
    let pool = POOL.with(|pool| pool.borrow_mut().get_or_insert_with(Pool::start).clone());
    let answer = pool.send(key, wrapped, label).ok_or(Unavailable)?;
    let answer = JsFuture::from(answer).await.map_err(|_| Unavailable)?;
    if !pool.answered.replace(true) {
        // The E2E tests check that the workers, not the fallback, opened bookings.
        crate::timing::mark("sealbook:worker-answered");
    }
    if answer.is_null() {
        return Ok(None);
    }
    let bytes = Uint8Array::new(&answer);
    let file_key = Zeroizing::new(bytes.to_vec());
    bytes.fill(0, 0, bytes.length());
    Ok(Some(file_key))
}

thread_local! {
    /// Started on the first unwrap, kept for the page's life.
    static POOL: RefCell<Option<Rc<Pool>>> = const { RefCell::new(None) };
}

/// A request's promise: resolved with the file key (or `null`), rejected when
/// its worker stops.
type Settle = (Function, Function);

struct Pool {
    workers: Vec<PoolWorker>,
    next_worker: Cell<usize>,
    next_id: Cell<u32>,
    /// A worker failed: every request goes to the page's thread from now on.
    broken: Rc<Cell<bool>>,
    /// A worker has answered a request.
    answered: Cell<bool>,
}

struct PoolWorker {
    worker: Worker,
    pending: Rc<RefCell<HashMap<u32, Settle>>>,
    // Kept alive as long as the worker may call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl Pool {
    fn start() -> Rc<Self> {
        let cores = web_sys::window()
            .map(|window| window.navigator().hardware_concurrency())
            .unwrap_or(1.0);
        // Clamped to 1..=MOST_WORKERS, so the cast cannot truncate.
        #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let count = cores.clamp(1.0, MOST_WORKERS as f64) as usize;
        let broken = Rc::new(Cell::new(false));
        let workers: Option<Vec<PoolWorker>> =
            (0..count).map(|_| PoolWorker::start(&broken)).collect();
        if workers.is_none() {
            broken.set(true);
        }
        Rc::new(Self {
            workers: workers.unwrap_or_default(),
            next_worker: Cell::new(0),
            next_id: Cell::new(0),
            broken,
            answered: Cell::new(false),
        })
    }

    /// Hands the request to the next worker in turn; `None` if none can take it.
    fn send(&self, key: &CryptoKey, wrapped: &[u8], label: &[u8]) -> Option<Promise> {
        if self.broken.get() || self.workers.is_empty() {
            return None;
        }
        let turn = self.next_worker.get();
        self.next_worker.set((turn + 1) % self.workers.len());
        let worker = &self.workers[turn];
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));

        let message = Object::new();
        Reflect::set(&message, &"id".into(), &id.into()).ok()?;
        Reflect::set(&message, &"key".into(), key).ok()?;
        Reflect::set(&message, &"wrapped".into(), &Uint8Array::from(wrapped)).ok()?;
        Reflect::set(&message, &"label".into(), &Uint8Array::from(label)).ok()?;
        let pending = worker.pending.clone();
        let answer = Promise::new(&mut |resolve, reject| {
            pending.borrow_mut().insert(id, (resolve, reject));
        });
        if worker.worker.post_message(&message).is_err() {
            worker.pending.borrow_mut().remove(&id);
            return None;
        }
        Some(answer)
    }
}

impl PoolWorker {
    fn start(broken: &Rc<Cell<bool>>) -> Option<Self> {
        let worker = Worker::new(WORKER_URL).ok()?;
        let pending: Rc<RefCell<HashMap<u32, Settle>>> = Rc::default();

        // The script did not load, the worker died, or it could not read a
        // request: what it held goes back to the page's thread, and so does
        // everything after.
        let stop = {
            let (pending, broken) = (pending.clone(), broken.clone());
            Rc::new(move || {
                broken.set(true);
                for (_, (_, reject)) in pending.borrow_mut().drain() {
                    let _ = reject.call0(&JsValue::UNDEFINED);
                }
            })
        };
        let on_message = {
            let (pending, stop) = (pending.clone(), stop.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                let Some(id) = Reflect::get(&data, &"id".into())
                    .ok()
                    .and_then(|id| id.as_f64())
                else {
                    stop();
                    return;
                };
                // Ids are u32s this page chose.
                #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let Some((resolve, _)) = pending.borrow_mut().remove(&(id as u32)) else {
                    return;
                };
                let file_key = Reflect::get(&data, &"fileKey".into())
                    .ok()
                    .filter(|value| value.is_instance_of::<js_sys::ArrayBuffer>())
                    .unwrap_or(JsValue::NULL);
                let _ = resolve.call1(&JsValue::UNDEFINED, &file_key);
            })
        };
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_| stop());
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
        Some(Self {
            worker,
            pending,
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}
