//! Performance marks around the work worth measuring in the browser: the E2E
//! tests read `sealbook:open` (one booking opened on its own),
//! `sealbook:open-in-list` (one of a listing's, while others are in flight, so
//! with its wait), `sealbook:first-screen` and `sealbook:all-opened` (a
//! listing, from its request), `sealbook:worker-answered` (bookings open on
//! worker threads) and `sealbook:worker-fallback` (one did not) from the
//! performance timeline.

use std::future::Future;

/// Runs `work` between two marks and records the measure `name`. Marks are best
/// effort: a page that forbids them still gets its result.
///
/// Several of the same `name` may run at once (bookings open several at a
/// time), so each pair of marks has a name of its own.
pub async fn measured<T>(name: &str, work: impl Future<Output = T>) -> T {
    thread_local! {
        static NEXT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }
    let performance = web_sys::window().and_then(|window| window.performance());
    let run = NEXT.with(|next| next.replace(next.get().wrapping_add(1)));
    let (start, end) = (format!("{name}:start:{run}"), format!("{name}:end:{run}"));
    if let Some(performance) = &performance {
        let _ = performance.mark(&start);
    }
    let result = work.await;
    if let Some(performance) = &performance {
        let _ = performance.mark(&end);
        let _ = performance.measure_with_start_mark_and_end_mark(name, &start, &end);
        performance.clear_marks_with_mark_name(&start);
        performance.clear_marks_with_mark_name(&end);
    }
    result
}

/// Marks the moment `name`, a start for [`measure_from`].
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        performance.clear_marks_with_mark_name(name);
        let _ = performance.mark(name);
    }
}

/// Records the measure `name`, from the mark `start` to now.
pub fn measure_from(name: &str, start: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.measure_with_start_mark(name, start);
    }
}

/// Resolves at the browser's next animation frame: what the page has rendered
/// by then is painted right after. Waiting for it lets the browser paint
/// between bursts of work that would otherwise keep it busy (WebCrypto answers
/// arrive as tasks that timers, and paints, can queue behind).
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Milliseconds on the page's clock.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}

/// Today in the browser's own time zone (the staff member's, who works where the
/// business is).
pub fn today() -> sealbook_web::calendar::Day {
    let now = js_sys::Date::new_0();
    let text = format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    );
    sealbook_web::calendar::Day::parse(&text)
        .unwrap_or_else(|| sealbook_web::calendar::Day::from_ordinal(0))
}
