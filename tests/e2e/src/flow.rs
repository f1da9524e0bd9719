//! The visitor's booking steps, by keyboard, shared by the E2E tests.

use fantoccini::key::Key;

use crate::civil::unix_seconds;
use crate::{Browser, Widget};

/// A name nobody else would type, unique per run.
pub fn canary() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("Canary{}x{nanos}Zq", std::process::id())
}

/// axe-core finds nothing to fix on the page as it is now.
pub async fn assert_accessible(browser: &Browser, step: &str) -> anyhow::Result<()> {
    let violations = browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core at the {step} step: {violations:#?}"
    );
    Ok(())
}

pub fn key(key: Key) -> String {
    char::from(key).to_string()
}

/// The choose step's "continue", then the first day with free times (moving the
/// calendar's cursor with the arrow keys), then its first time far enough ahead
/// to be booked, all by keyboard.
/// With `audit`, axe-core checks the calendar and the list of times on the way.
pub async fn choose_first_free_slot(
    widget: &Widget<'_>,
    audit: Option<&Browser>,
) -> anyhow::Result<()> {
    choose_free_slot(widget, audit, 0).await
}

/// How far ahead a time must start for the test to book it: the servers' lead
/// (`min_lead_minutes`, 60 by default, which no test changes) and five minutes,
/// so that the time cannot become too soon to book while the test books it.
const SAFE_LEAD_SECONDS: i64 = 65 * 60;

/// Like [`choose_first_free_slot`], choosing the `nth` time (0: the first)
/// among those of the day that start far enough ahead ([`SAFE_LEAD_SECONDS`]);
/// a day with `nth` or fewer such times is left for the next. So calls with
/// different `nth` never choose the same time, whatever the hour: late in the
/// evening today keeps only a few times, and settling for its last one would
/// book it again and again, past what one client may hold at one start time.
pub async fn choose_free_slot(
    widget: &Widget<'_>,
    audit: Option<&Browser>,
    nth: usize,
) -> anyhow::Result<()> {
    widget.press("#sb-next", &key(Key::Enter)).await?;
    for _ in 0..70 {
        // Wait for the month's availability before judging the focused day.
        widget.wait_for("table.sb-cal:not([aria-busy])").await?;
        let cursor = widget.wait_for("td[tabindex=\"0\"]").await?;
        let class = cursor.attr("class").await?.unwrap_or_default();
        if class.contains("sb-free") {
            if let Some(browser) = audit {
                assert_accessible(browser, "calendar").await?;
            }
            cursor.send_keys(&key(Key::Enter)).await?;
            widget.wait_for(".sb-slot").await?;
            if let Some(browser) = audit {
                assert_accessible(browser, "time").await?;
            }
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_secs();
            let mut ahead = Vec::new();
            for time in widget.find_all(".sb-slot").await? {
                let start = time.attr("data-start").await?.unwrap_or_default();
                if unix_seconds(&start).is_some_and(|start| {
                    start >= i64::try_from(now).unwrap_or(i64::MAX) + SAFE_LEAD_SECONDS
                }) {
                    ahead.push(time);
                }
            }
            if let Some(time) = ahead.get(nth) {
                time.send_keys(&key(Key::Enter)).await?;
                widget.wait_for("#sb-name").await?;
                return Ok(());
            }
            // Too few times of this day start far enough ahead: back to the calendar.
            widget.press("#sb-back", &key(Key::Enter)).await?;
            widget.wait_for("table.sb-cal:not([aria-busy])").await?;
            let cursor = widget.wait_for("td[tabindex=\"0\"]").await?;
            cursor.send_keys(&key(Key::Right)).await?;
            continue;
        }
        cursor.send_keys(&key(Key::Right)).await?;
    }
    anyhow::bail!("no day with free times within 70 days")
}

/// Name and phone, typed key by key; Enter continues to the review.
pub async fn fill_details(widget: &Widget<'_>, name: &str, phone: &str) -> anyhow::Result<()> {
    widget.type_into("#sb-name", name).await?;
    widget.type_into("#sb-contact", phone).await?;
    Ok(())
}

/// The review's "send" button, pressed with Enter.
pub async fn send(widget: &Widget<'_>) -> anyhow::Result<()> {
    widget.wait_for("#sb-submit").await?;
    widget.press("#sb-submit", &key(Key::Enter)).await
}
