//! The visitor's booking steps, by keyboard, shared by the E2E tests.

use fantoccini::key::Key;

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
/// calendar's cursor with the arrow keys), then its first time, all by keyboard.
/// With `audit`, axe-core checks the calendar and the list of times on the way.
pub async fn choose_first_free_slot(
    widget: &Widget<'_>,
    audit: Option<&Browser>,
) -> anyhow::Result<()> {
    choose_free_slot(widget, audit, 0).await
}

/// Like [`choose_first_free_slot`], choosing the day's `nth` time (0: the
/// first; the last if it has fewer): a client may book a slot only so often.
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
            let times = widget.find_all(".sb-slot").await?;
            let time = times
                .get(nth.min(times.len().saturating_sub(1)))
                .ok_or_else(|| anyhow::anyhow!("the day lists its times"))?;
            time.send_keys(&key(Key::Enter)).await?;
            widget.wait_for("#sb-name").await?;
            return Ok(());
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
