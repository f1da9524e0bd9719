//! The staff inbox's way in, shared by the tests that use it: log in, unlock,
//! show a day's bookings.

use fantoccini::key::Key;

use crate::civil::days_after;
use crate::day_picker::MOVE_FORM;
use crate::flow::key;
use crate::{Browser, eventually};

/// Types into a field of the page (not a shadow root).
pub async fn type_into(browser: &Browser, css: &str, text: &str) -> anyhow::Result<()> {
    browser.wait_for(css).await?.send_keys(text).await?;
    Ok(())
}

/// Clicks `css` in the page (not a shadow root), once it is there.
pub async fn click(browser: &Browser, css: &str) -> anyhow::Result<()> {
    browser.wait_for(css).await?.click().await?;
    Ok(())
}

/// Logs in (e-mail, password, Enter) up to the unlock form.
pub async fn log_in_only(browser: &Browser, email: &str, password: &str) -> anyhow::Result<()> {
    type_into(browser, "#sb-email", email).await?;
    type_into(browser, "#sb-password", password).await?;
    browser
        .wait_for("#sb-password")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    browser.wait_for("#sb-passphrase").await?;
    Ok(())
}

/// Unlocks with `passphrase`, up to the bookings.
pub async fn unlock(browser: &Browser, passphrase: &str) -> anyhow::Result<()> {
    type_into(browser, "#sb-passphrase", passphrase).await?;
    click(browser, "#sb-unlock").await?;
    browser.wait_for("#sb-nav-bookings").await?;
    Ok(())
}

/// Logs in and unlocks with `passphrase`.
pub async fn log_in(
    browser: &Browser,
    email: &str,
    password: &str,
    passphrase: &str,
) -> anyhow::Result<()> {
    log_in_only(browser, email, password).await?;
    unlock(browser, passphrase).await
}

/// Shows the day `day` in the list.
pub async fn show_day(browser: &Browser, day: &str) -> anyhow::Result<()> {
    browser.set_value("#sb-from", day).await
}

/// Waits until a row of the list shows `name`, decrypted.
pub async fn wait_for_row(browser: &Browser, name: &str) -> anyhow::Result<()> {
    eventually(&format!("a row for {name}"), || async {
        let names = browser
            .script("return Array.from(document.querySelectorAll('#sb-bookings .sb-name')).map(n => n.textContent);")
            .await
            .ok()?;
        names
            .as_array()?
            .iter()
            .any(|shown| shown == name)
            .then_some(())
    })
    .await
}

/// Turns the open move form to the day after `booked_start` (the booking's
/// start as the server writes it, `2026-12-04T20:15:00Z`) and waits until that
/// day's free times are listed; returns the day. The booked day may offer no
/// other time: booked late in the evening, a booking takes the day's last time
/// far enough ahead, and the list then holds only that one. The next day's
/// times all lie ahead.
pub async fn move_form_to_next_day(
    browser: &Browser,
    booked_start: &str,
) -> anyhow::Result<String> {
    let next_day = days_after(booked_start, 1)?;
    MOVE_FORM.turn_to(browser, &next_day, 2).await?;
    Ok(next_day)
}
