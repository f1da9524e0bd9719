//! Unwrapping bookings' file keys on worker threads (`www/unwrap-worker.js`).
//!
//! A browser runs all of a page's WebCrypto calls on one thread, one after the
//! other, so a thousand RSA-OAEP unwraps take a thousand times one, however many
//! are in flight. Each worker's calls run on a thread of its own: with one
//! worker per core, a day of bookings opens in a fraction of the time.
//!
//! A key goes to each worker once, as the non-extractable `CryptoKey` handed
//! ahead by [`prepare`] when a listing starts, or else with the first request
//! for its kid (structured cloning keeps it unreadable), and the worker keeps
//! it for the next ones: a key cloned into every request made the
//! browser import it again for each unwrap, an eighth of a thousand bookings'
//! opening time. A kid's key is handed again when the page's `CryptoKey` for it
//! is another one (unlocked again: the handles are compared by identity). When
//! the page leaves the inbox, [`end`] ends the workers and the keys they hold,
//! and a read of that session still on its way (a booking's detail asked for
//! just before) is unwrapped on the page's thread, starting no worker. When
//! workers cannot run (the script does not load, the browser
//! refuses it, one fails or leaves a request unanswered for ten seconds), the
//! workers are ended, every unwrap from then on reports [`Unavailable`], and
//! the caller unwraps on the page's own thread, as before.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures_util::future::{self, Either};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, MessageEvent, Worker};
use zeroize::Zeroizing;

/// Where Trunk puts the worker (`public_url` in Trunk.toml).
const WORKER_PATH: &str = "/widget/inbox/unwrap-worker.js";
/// More workers than cores only queue on the same cores.
const MOST_WORKERS: usize = 4;
/// A request unanswered this long (ms) means the workers are stuck: one takes
/// a few milliseconds, even behind all the others in flight.
const DEADLINE_MS: u32 = 10_000;

/// The workers could not take the request: unwrap on the page's thread instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unavailable;

/// The inbox session a key ring was unlocked in. Only the current one's
/// reads may use workers: a read begun before a logout (a booking's detail
/// asked for just before) must not start workers for the next session and
/// leave its key in them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session(u32);

impl Session {
    /// The session a key ring unlocked now belongs to.
    pub fn current() -> Self {
        Self(SESSION.with(Cell::get))
    }
}

/// Unwraps `wrapped` with `key`, the key of `kid` unlocked in `session`, on a
/// worker. `Ok(None)` when the key does not open it (a damaged or foreign
/// envelope), as WebCrypto on the page would say.
pub async fn unwrap(
    session: Session,
    kid: &str,
    key: &CryptoKey,
    wrapped: &[u8],
    label: &[u8],
) -> Result<Option<Zeroizing<Vec<u8>>>, Unavailable> {
    if session != Session::current() {
        return Err(Unavailable);
    }
    current_pool().unwrap(kid, key, wrapped, label).await
}

/// Starts the workers of `session` and hands them `keys`, ahead of the first
/// unwrap: a worker takes a while to start and to import a key, which a
/// listing can spend waiting for the server's answer instead.
pub fn prepare<'a>(session: Session, keys: impl IntoIterator<Item = (&'a str, &'a CryptoKey)>) {
    if session != Session::current() {
        return;
    }
    let pool = current_pool();
    for (kid, key) in keys {
        pool.hand(kid, key);
    }
}

/// The current session's workers, started if they were not.
fn current_pool() -> Rc<Pool> {
    POOL.with(|pool| {
        pool.borrow_mut()
            .get_or_insert_with(|| Pool::start(&worker_url(), worker_count(), DEADLINE_MS))
            .clone()
    })
}

/// Ends the session: its workers, and the keys they hold, end (the page left
/// the inbox), and its reads from now on are unwrapped on the page's thread.
/// The next session's first unwrap starts new workers.
pub fn end() {
    SESSION.with(|session| session.set(session.get().wrapping_add(1)));
    if let Some(pool) = POOL.with(|pool| pool.borrow_mut().take()) {
        pool.give_up();
    }
}

/// One worker per core, within 1..=[`MOST_WORKERS`].
fn worker_count() -> usize {
    let cores = web_sys::window()
        .map(|window| window.navigator().hardware_concurrency())
        .unwrap_or(1.0);
    // Clamped to 1..=MOST_WORKERS, so the cast cannot truncate.
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let count = cores.clamp(1.0, MOST_WORKERS as f64) as usize;
    count
}

/// The worker's address, with a hash of its script. The file keeps its name
/// from build to build and browsers may keep it for five minutes: a page must
/// not talk to an older script, which expects the key with every request.
fn worker_url() -> String {
    const SCRIPT: &[u8] = include_bytes!("../www/unwrap-worker.js");
    // FNV-1a: a cache key, not a check of integrity.
    let hash = SCRIPT.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{WORKER_PATH}?v={hash:016x}")
}

thread_local! {
    /// The current session's workers, started by its first unwrap.
    static POOL: RefCell<Option<Rc<Pool>>> = const { RefCell::new(None) };
    /// Counts the sessions [`end`] ended.
    static SESSION: Cell<u32> = const { Cell::new(0) };
}

/// A request's promise: resolved with the file key (or `null`), rejected when
/// the workers end (one failed, or the session ended).
type Settle = (Function, Function);
/// A worker's requests not yet answered, by id.
type Pending = Rc<RefCell<HashMap<u32, Settle>>>;

struct Pool {
    workers: Vec<PoolWorker>,
    crew: Rc<Crew>,
    deadline_ms: u32,
    next_worker: Cell<usize>,
    next_id: Cell<u32>,
    /// A worker has answered a request.
    answered: Cell<bool>,
}

/// What a pool's workers share: when one fails, all of them end at once, and
/// the keys they hold with them.
#[derive(Default)]
struct Crew {
    /// A worker failed, or the session ended: every request goes to the
    /// page's thread from now on.
    broken: Cell<bool>,
    members: RefCell<Vec<(Worker, Pending)>>,
}

impl Crew {
    /// Ends every worker and rejects what they held.
    fn give_up(&self) {
        self.broken.set(true);
        for (worker, pending) in self.members.borrow().iter() {
            worker.terminate();
            // Rejecting runs no handler now (they are promise jobs), so nothing
            // re-enters this while `members` and `pending` are borrowed.
            for (_, (_, reject)) in pending.borrow_mut().drain() {
                let _ = reject.call0(&JsValue::UNDEFINED);
            }
        }
    }
}

struct PoolWorker {
    worker: Worker,
    pending: Pending,
    /// The key handed to this worker for each kid: what the next request for
    /// that kid can leave out.
    keys: RefCell<HashMap<String, CryptoKey>>,
    // Kept alive as long as the worker may call them.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Pool {
    /// The last handle gone (the session ended, or a test's pool): its
    /// workers, and the keys they hold, end with it.
    fn drop(&mut self) {
        self.crew.give_up();
    }
}

impl Pool {
    fn start(url: &str, count: usize, deadline_ms: u32) -> Rc<Self> {
        let crew = Rc::new(Crew::default());
        let workers: Option<Vec<PoolWorker>> =
            (0..count).map(|_| PoolWorker::start(url, &crew)).collect();
        if workers.is_none() {
            // Those that started end too: the page unwraps everything.
            crew.give_up();
        }
        Rc::new(Self {
            workers: workers.unwrap_or_default(),
            crew,
            deadline_ms,
            next_worker: Cell::new(0),
            next_id: Cell::new(0),
            answered: Cell::new(false),
        })
    }

    async fn unwrap(
        &self,
        kid: &str,
        key: &CryptoKey,
        wrapped: &[u8],
        label: &[u8],
    ) -> Result<Option<Zeroizing<Vec<u8>>>, Unavailable> {
        let answer = JsFuture::from(self.send(kid, key, wrapped, label).ok_or(Unavailable)?);
        let deadline = TimeoutFuture::new(self.deadline_ms);
        let answer = match future::select(answer, deadline).await {
            Either::Left((Ok(answer), _)) => answer,
            // Rejected: the workers ended (one failed, or the session ended).
            Either::Left((Err(_), _)) => return Err(Unavailable),
            Either::Right(_) => {
                // A worker that neither answers nor fails (killed, or a script
                // that ignores the request) would hold every booking behind this one.
                self.give_up();
                return Err(Unavailable);
            }
        };
        if !self.answered.replace(true) {
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

    /// Ends every worker: what they hold, and everything after, is unwrapped
    /// on the page's thread.
    fn give_up(&self) {
        self.crew.give_up();
    }

    /// Hands `key` to every worker that does not hold it yet, with no request.
    fn hand(&self, kid: &str, key: &CryptoKey) {
        if self.crew.broken.get() {
            return;
        }
        for worker in &self.workers {
            if worker.holds(kid, key) {
                continue;
            }
            let message = Object::new();
            let sent = Reflect::set(&message, &"kid".into(), &kid.into()).is_ok()
                && Reflect::set(&message, &"key".into(), key).is_ok()
                && worker.worker.post_message(&message).is_ok();
            // Not recorded if not sent: the next request carries the key.
            if sent {
                worker.record(kid, key);
            }
        }
    }

    /// Hands the request to the next worker in turn; `None` if none can take it.
    fn send(&self, kid: &str, key: &CryptoKey, wrapped: &[u8], label: &[u8]) -> Option<Promise> {
        if self.crew.broken.get() || self.workers.is_empty() {
            return None;
        }
        let turn = self.next_worker.get();
        self.next_worker.set((turn + 1) % self.workers.len());
        let worker = &self.workers[turn];
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));

        let message = Object::new();
        Reflect::set(&message, &"id".into(), &id.into()).ok()?;
        Reflect::set(&message, &"kid".into(), &kid.into()).ok()?;
        // Messages reach a worker in order, so the requests after this one find the key there.
        let handed = worker.holds(kid, key);
        if !handed {
            Reflect::set(&message, &"key".into(), key).ok()?;
        }
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
        if !handed {
            worker.record(kid, key);
        }
        Some(answer)
    }
}

impl PoolWorker {
    /// Whether this worker was handed `key` for `kid`.
    fn holds(&self, kid: &str, key: &CryptoKey) -> bool {
        self.keys.borrow().get(kid) == Some(key)
    }

    /// Notes that a message posted to this worker carried `key` for `kid`.
    fn record(&self, kid: &str, key: &CryptoKey) {
        self.keys.borrow_mut().insert(kid.to_owned(), key.clone());
    }

    fn start(url: &str, crew: &Rc<Crew>) -> Option<Self> {
        let worker = Worker::new(url).ok()?;
        let pending = Pending::default();
        crew.members
            .borrow_mut()
            .push((worker.clone(), pending.clone()));

        // The script did not load, the worker died, or it could not do the
        // work: what every worker held goes back to the page's thread, and so
        // does everything after.
        let stop = {
            let crew = crew.clone();
            Rc::new(move || crew.give_up())
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
            keys: RefCell::default(),
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}

/// In headless Chromium (`cargo xtask test`): the worker script itself, run
/// from a Blob URL, and workers that fail in each way the pool must survive.
#[cfg(all(test, target_family = "wasm", target_os = "unknown"))]
mod browser_tests {
    use futures_util::future::{self, Either};
    use gloo_timers::future::TimeoutFuture;
    use js_sys::{Array, Function};
    use sealbook_envelope::OAEP_LABEL;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use web_sys::CryptoKey;

    use super::{DEADLINE_MS, POOL, Pool, Session, Unavailable, end, unwrap};

    wasm_bindgen_test_configure!(run_in_browser);

    const WORKER_SCRIPT: &str = include_str!("../www/unwrap-worker.js");
    const KID: &str = "sha256:test-key";
    const SECOND_KID: &str = "sha256:second-key";

    /// Runs `body` (JavaScript, an async function body of `arg`) and awaits it.
    async fn run_js(body: &str, arg: &wasm_bindgen::JsValue) -> wasm_bindgen::JsValue {
        let function =
            Function::new_with_args("arg", &format!("return (async () => {{ {body} }})();"));
        let promise = function
            .call1(&wasm_bindgen::JsValue::NULL, arg)
            .expect("runs")
            .dyn_into::<js_sys::Promise>()
            .expect("a promise");
        JsFuture::from(promise).await.expect("resolves")
    }

    /// A Blob URL running `script` as a worker.
    async fn worker_url(script: &str) -> String {
        run_js(
            "return URL.createObjectURL(new Blob([arg], { type: 'text/javascript' }));",
            &script.into(),
        )
        .await
        .as_string()
        .expect("a URL")
    }

    /// A fresh RSA-OAEP key pair (2048 bits: the test needs a key, not its
    /// strength), and a 32-byte secret wrapped to it with Sealbook's label.
    async fn wrapped_secret() -> (CryptoKey, CryptoKey, Vec<u8>, Vec<u8>) {
        let made = run_js(
            "const pair = await crypto.subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 2048,
               publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, ['encrypt', 'decrypt']);
             const secret = crypto.getRandomValues(new Uint8Array(32));
             const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: 'RSA-OAEP', label: arg }, pair.publicKey, secret));
             return [pair.privateKey, pair.publicKey, wrapped, secret];",
            &js_sys::Uint8Array::from(OAEP_LABEL).into(),
        )
        .await;
        let made = Array::from(&made);
        let bytes = |index| js_sys::Uint8Array::new(&made.get(index)).to_vec();
        (
            made.get(0).unchecked_into(),
            made.get(1).unchecked_into(),
            bytes(2),
            bytes(3),
        )
    }

    /// `request`'s answer when `then`, started after it was sent, makes it
    /// come within five seconds; `None` if it does not.
    async fn answered_while<T>(
        request: impl Future<Output = T>,
        then: impl Future<Output = ()>,
    ) -> Option<T> {
        // `join` polls `request` first, so it is sent before `then` starts.
        let both = Box::pin(future::join(request, then));
        match future::select(both, TimeoutFuture::new(5_000)).await {
            Either::Left(((answer, ()), _)) => Some(answer),
            Either::Right(_) => None,
        }
    }

    /// Asserts that `pool` unwraps `wrapped` with `kid`'s `key` to `secret`.
    async fn assert_opens(pool: &Pool, kid: &str, key: &CryptoKey, wrapped: &[u8], secret: &[u8]) {
        let opened = pool.unwrap(kid, key, wrapped, OAEP_LABEL).await;
        assert_eq!(
            opened.expect("answered").as_deref().map(Vec::as_slice),
            Some(secret)
        );
    }

    #[wasm_bindgen_test]
    async fn the_worker_unwraps_and_tells_a_key_that_does_not_open_from_a_failure() {
        let (private, _, wrapped, secret) = wrapped_secret().await;
        let pool = Pool::start(&worker_url(WORKER_SCRIPT).await, 2, DEADLINE_MS);
        let opened = pool.unwrap(KID, &private, &wrapped, OAEP_LABEL).await;
        assert_eq!(
            opened.expect("answered").as_deref().map(Vec::as_slice),
            Some(&secret[..])
        );

        let mut damaged = wrapped.clone();
        damaged[10] ^= 1;
        let refused = pool.unwrap(KID, &private, &damaged, OAEP_LABEL).await;
        assert_eq!(
            refused.expect("answered"),
            None,
            "a damaged envelope, not a broken worker"
        );
        let wrong_label = pool.unwrap(KID, &private, &wrapped, b"another label").await;
        assert_eq!(wrong_label.expect("answered"), None);
        assert!(!pool.crew.broken.get(), "the workers stay in use");
    }

    #[wasm_bindgen_test]
    async fn the_worker_keeps_each_kid_s_key_and_opens_with_the_right_one() {
        let (first, _, first_wrapped, first_secret) = wrapped_secret().await;
        let (second, _, second_wrapped, second_secret) = wrapped_secret().await;
        let pool = Pool::start(&worker_url(WORKER_SCRIPT).await, 2, DEADLINE_MS);
        let workers = pool.workers.len();
        // Workers take requests in turn: a round of each kid gives every worker
        // both keys, and the later rounds find both kept.
        for _ in 0..3 {
            for _ in 0..workers {
                assert_opens(&pool, KID, &first, &first_wrapped, &first_secret).await;
            }
            for _ in 0..workers {
                assert_opens(&pool, SECOND_KID, &second, &second_wrapped, &second_secret).await;
            }
        }
        assert!(!pool.crew.broken.get(), "the workers stay in use");
    }

    #[wasm_bindgen_test]
    async fn a_key_is_handed_to_each_worker_once_and_again_when_it_is_another() {
        let (first, _, wrapped, _) = wrapped_secret().await;
        let (second, _, _, _) = wrapped_secret().await;
        // Answers with one byte when the request carried a key, none without.
        let script = "onmessage = ({ data }) => postMessage({ id: data.id, fileKey: new ArrayBuffer(data.key ? 1 : 0) });";
        let pool = Pool::start(&worker_url(script).await, 2, DEADLINE_MS);
        let workers = pool.workers.len();
        let handed = async |key: &CryptoKey, requests: usize| {
            let mut handed = 0;
            for _ in 0..requests {
                let answer = pool.unwrap(KID, key, &wrapped, OAEP_LABEL).await;
                handed += answer.expect("answered").expect("an answer").len();
            }
            handed
        };
        assert_eq!(
            handed(&first, 3 * workers).await,
            workers,
            "once per worker"
        );
        // The kid's key changed (unlocked again): every worker gets the new one.
        assert_eq!(handed(&second, 2 * workers).await, workers);
        assert_eq!(handed(&second, 2 * workers).await, 0);
    }

    #[wasm_bindgen_test]
    async fn keys_handed_ahead_are_kept_and_not_sent_again() {
        let (first, _, first_wrapped, first_secret) = wrapped_secret().await;
        let (second, _, second_wrapped, second_secret) = wrapped_secret().await;
        let pool = Pool::start(&worker_url(WORKER_SCRIPT).await, 2, DEADLINE_MS);
        pool.hand(KID, &first);
        pool.hand(SECOND_KID, &second);
        for _ in 0..2 {
            assert_opens(&pool, KID, &first, &first_wrapped, &first_secret).await;
            assert_opens(&pool, SECOND_KID, &second, &second_wrapped, &second_secret).await;
        }
        assert!(
            !pool.crew.broken.get(),
            "a key handed ahead is not a request"
        );

        // Answers a request with one byte when it carried a key, none without.
        let script = "onmessage = ({ data }) => { if (data.id !== undefined)
            postMessage({ id: data.id, fileKey: new ArrayBuffer(data.key ? 1 : 0) }); };";
        let pool = Pool::start(&worker_url(script).await, 2, DEADLINE_MS);
        pool.hand(KID, &first);
        pool.hand(KID, &first);
        for _ in 0..4 {
            let answer = pool.unwrap(KID, &first, &first_wrapped, OAEP_LABEL).await;
            assert_eq!(answer.expect("answered").expect("an answer").len(), 0);
        }
    }

    #[wasm_bindgen_test]
    async fn a_worker_that_cannot_do_the_work_sends_it_back_to_the_page() {
        let (_, public, wrapped, _) = wrapped_secret().await;
        let pool = Pool::start(&worker_url(WORKER_SCRIPT).await, 2, DEADLINE_MS);
        // A public key cannot decrypt: not a damaged booking, a worker that fails.
        let answer = pool.unwrap(KID, &public, &wrapped, OAEP_LABEL).await;
        assert_eq!(answer.map(|_| ()), Err(Unavailable));
        assert!(pool.crew.broken.get());
    }

    #[wasm_bindgen_test]
    async fn one_worker_failing_ends_the_others_and_what_they_held_at_once() {
        let (private, _, wrapped, _) = wrapped_secret().await;
        // Silent, except that a one-byte request makes its worker fail.
        let script = "onmessage = ({ data }) => { if (data.wrapped.length === 1) postMessage({ unreadable: true }); };";
        // A deadline far beyond the test's: only the failure can answer.
        let pool = Pool::start(&worker_url(script).await, 2, 600_000);
        // Workers take requests in turn: the first worker holds this one...
        let held = pool.unwrap(KID, &private, &wrapped, OAEP_LABEL);
        // ...and the second fails on this one, which goes through no deadline
        // (its answer is awaited only afterwards).
        let mut failed = None;
        let failing = async {
            let sent = pool.send(KID, &private, &[1], OAEP_LABEL).expect("sent");
            failed = Some(JsFuture::from(sent));
        };
        let answer = answered_while(held, failing)
            .await
            .expect("the first worker ends with the second, not at a deadline");
        assert_eq!(answer.map(|_| ()), Err(Unavailable));
        assert!(failed.expect("sent").await.is_err());
        assert!(pool.crew.broken.get());
        assert!(
            pool.send(KID, &private, &wrapped, OAEP_LABEL).is_none(),
            "the pool takes no more requests"
        );
    }

    #[wasm_bindgen_test]
    async fn a_silent_worker_is_given_up_at_the_deadline() {
        let (private, _, wrapped, _) = wrapped_secret().await;
        let pool = Pool::start(&worker_url("onmessage = () => {};").await, 2, 300);
        let answer = pool.unwrap(KID, &private, &wrapped, OAEP_LABEL).await;
        assert_eq!(answer.map(|_| ()), Err(Unavailable));
        assert!(pool.crew.broken.get());
        // From then on the page unwraps at once, without waiting again.
        assert_eq!(
            pool.unwrap(KID, &private, &wrapped, OAEP_LABEL)
                .await
                .map(|_| ()),
            Err(Unavailable)
        );
    }

    #[wasm_bindgen_test]
    async fn ending_the_session_sends_back_what_its_workers_held_and_its_reads_start_none() {
        let (private, _, wrapped, _) = wrapped_secret().await;
        // Silent, with a deadline far beyond the test's: only `end` can answer.
        let pool = Pool::start(&worker_url("onmessage = () => {};").await, 2, 600_000);
        POOL.with(|held| *held.borrow_mut() = Some(pool.clone()));
        let ended_session = Session::current();
        let held = pool.unwrap(KID, &private, &wrapped, OAEP_LABEL);
        let answer = answered_while(held, async { end() })
            .await
            .expect("what the workers held is answered when they end, not at a deadline");
        assert_eq!(answer.map(|_| ()), Err(Unavailable));
        assert!(
            pool.crew.broken.get(),
            "the ended pool takes no more requests"
        );
        assert!(POOL.with(|held| held.borrow().is_none()));
        // A read of the ended session is sent back to the page and starts no workers.
        assert_ne!(Session::current(), ended_session);
        assert_eq!(
            unwrap(ended_session, KID, &private, &wrapped, OAEP_LABEL)
                .await
                .map(|_| ()),
            Err(Unavailable)
        );
        assert!(POOL.with(|held| held.borrow().is_none()));
        // The next session's first read starts them. (The test runner serves no
        // worker script, so this pool breaks and the page opens the booking.)
        let _ = unwrap(Session::current(), KID, &private, &wrapped, OAEP_LABEL).await;
        assert!(POOL.with(|held| held.borrow().is_some()));
    }

    #[wasm_bindgen_test]
    async fn a_worker_that_does_not_load_sends_everything_back() {
        let (private, _, wrapped, _) = wrapped_secret().await;
        let pool = Pool::start("/no-such-worker.js", 2, DEADLINE_MS);
        let answers =
            future::join_all((0..4).map(|_| pool.unwrap(KID, &private, &wrapped, OAEP_LABEL)))
                .await;
        for answer in answers {
            assert_eq!(answer.map(|_| ()), Err(Unavailable));
        }
        assert!(pool.crew.broken.get());
    }
}
