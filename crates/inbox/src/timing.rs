//! Performance marks around the work worth measuring in the browser: the E2E
//! tests read `sealbook:open` (one booking opened) from the performance timeline.

use std::future::Future;

/// Runs `work` between two marks and records the measure `name`. Marks are best
/// effort: a page that forbids them still gets its result.
pub async fn measured<T>(name: &str, work: impl Future<Output = T>) -> T {
    let performance = web_sys::window().and_then(|window| window.performance());
    let (start, end) = (format!("{name}:start"), format!("{name}:end"));
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

/// Today in the browser's own time zone (the staff member's, who works where the
/// business is).
pub fn today() -> sealbook_widget::calendar::Day {
    let now = js_sys::Date::new_0();
    let text = format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    );
    sealbook_widget::calendar::Day::parse(&text)
        .unwrap_or_else(|| sealbook_widget::calendar::Day::from_ordinal(0))
}
