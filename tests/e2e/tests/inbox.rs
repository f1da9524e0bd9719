//! The staff inbox in real headless Chromium against the real server: a booking
//! made in the widget is read in the inbox after login and unlock, decrypted on
//! the staff member's device — the canary typed into the form and the key
//! passphrase are in no byte that crossed the wire — and an invited member joins
//! with the owner's grant code, then is shut out when revoked.

use fantoccini::Locator;
use fantoccini::key::Key;
use sealbook_e2e::flow::{
    assert_accessible, canary, choose_first_free_slot, fill_details, key, send,
};
use sealbook_e2e::{Browser, PASSPHRASE, Sealbook, eventually, occurrences};

/// Browser tests share two cores: one at a time keeps timings honest.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const OWNER: &str = "owner@bistro.example";
const OWNER_PASSWORD: &str = "owner password 2026";

/// A booking made by keyboard on the stand-alone booking page; returns its
/// reference and its day (`YYYY-MM-DD`).
async fn book(sealbook: &Sealbook, name: &str) -> anyhow::Result<(String, String)> {
    let browser = Browser::start().await?;
    let widget = browser
        .open_widget(&sealbook.url(&format!("/book/{}", sealbook.business)))
        .await?;
    choose_first_free_slot(&widget, None).await?;
    fill_details(&widget, name, "+33 6 98 76 54 32").await?;
    widget.press("#sb-contact", &key(Key::Enter)).await?;
    send(&widget).await?;
    let reference = widget
        .wait_for_text("#sb-reference")
        .await?
        .trim()
        .to_owned();
    browser.close().await?;
    let opened = sealbook.open_bookings().await?;
    let start = opened[0]["start"].as_str().unwrap_or_default().to_owned();
    // Open hours are 11:00–23:00 in Paris: the UTC date is the local one.
    Ok((reference, start.get(..10).unwrap_or_default().to_owned()))
}

/// Types into a field of the page (not a shadow root).
async fn type_into(browser: &Browser, css: &str, text: &str) -> anyhow::Result<()> {
    browser.wait_for(css).await?.send_keys(text).await?;
    Ok(())
}

async fn click(browser: &Browser, css: &str) -> anyhow::Result<()> {
    browser.wait_for(css).await?.click().await?;
    Ok(())
}

/// Logs in and unlocks with `passphrase`.
async fn log_in(
    browser: &Browser,
    email: &str,
    password: &str,
    passphrase: &str,
) -> anyhow::Result<()> {
    type_into(browser, "#sb-email", email).await?;
    type_into(browser, "#sb-password", password).await?;
    browser
        .wait_for("#sb-password")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    type_into(browser, "#sb-passphrase", passphrase).await?;
    click(browser, "#sb-unlock").await?;
    browser.wait_for("#sb-nav-bookings").await?;
    Ok(())
}

/// Shows the day `day` in the list.
async fn show_day(browser: &Browser, day: &str) -> anyhow::Result<()> {
    browser.wait_for("#sb-from").await?;
    browser
        .script(&format!(
            "const input = document.getElementById('sb-from'); input.value = '{day}';
             input.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        ))
        .await?;
    Ok(())
}

/// Waits until a row of the list shows `name`, decrypted.
async fn wait_for_row(browser: &Browser, name: &str) -> anyhow::Result<()> {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_read_bookings_decrypted_on_their_device_and_nothing_personal_crosses_the_wire()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start("bistro-inbox", &[]).await?;
    let name = canary();
    let (reference, day) = book(&sealbook, &name).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;

    let browser = Browser::start().await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    browser.wait_for("#sb-email").await?;
    assert_accessible(&browser, "inbox login").await?;
    // A wrong password says only that, and keeps the form.
    type_into(&browser, "#sb-email", OWNER).await?;
    type_into(&browser, "#sb-password", "not the password!").await?;
    click(&browser, "#sb-login").await?;
    let refused = browser.wait_for_text(".sb-error").await?;
    assert_eq!(refused, "Wrong e-mail or password.");
    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(&browser, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;

    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;
    assert_accessible(&browser, "inbox list").await?;
    let violations = browser.policy_violations().await?;
    assert!(
        violations.is_empty(),
        "the inbox's strict CSP blocks nothing it needs: {violations:#?}"
    );

    // The detail view, a status change, then the CSV built in the browser.
    browser
        .script(&format!(
            "document.querySelector('tr[data-booking=\"{reference}\"] button').click();"
        ))
        .await?;
    let facts = browser.wait_for_text("#sb-facts").await?;
    assert!(facts.contains(&name), "{facts}");
    assert!(facts.contains("+33 6 98 76 54 32"), "{facts}");
    assert_accessible(&browser, "inbox detail").await?;
    click(&browser, "#sb-arrived").await?;
    eventually("the arrived status", || async {
        let facts = browser.wait_for_text("#sb-facts").await.ok()?;
        facts.contains("Arrived").then_some(())
    })
    .await?;
    click(&browser, "#sb-back").await?;
    wait_for_row(&browser, &name).await?;
    click(&browser, "#sb-export-csv").await?;
    let csv = String::from_utf8(
        browser
            .downloaded(&format!("bookings-{day}-{day}.csv"))
            .await?,
    )?;
    assert!(csv.starts_with("reference,"), "{csv}");
    assert!(csv.contains(&name) && csv.contains(&reference), "{csv}");
    assert!(csv.contains(",arrived,"), "{csv}");

    let open_ms = browser
        .script("return performance.getEntriesByName('sealbook:open').map(m => m.duration);")
        .await?;
    let unlock_ms = browser
        .script("return performance.getEntriesByName('sealbook:unlock').map(m => m.duration);")
        .await?;
    eprintln!("bookings opened in the inbox in {open_ms} ms; key unlocked in {unlock_ms} ms");
    assert!(
        open_ms.as_array().is_some_and(|times| !times.is_empty()),
        "the inbox measures opening"
    );

    // The owner's audit log names every action, and no booking content.
    click(&browser, "#sb-nav-audit").await?;
    let audit = browser.wait_for_text("#sb-audit tbody").await?;
    for action in [
        "login_failed",
        "login",
        "listed",
        "opened",
        "status_changed",
        "exported",
    ] {
        assert!(
            audit
                .lines()
                .any(|line| line.split_whitespace().any(|word| word == action)),
            "the audit log shows {action}: {audit}"
        );
    }
    assert!(audit.contains(&reference), "{audit}");
    assert!(
        !audit.contains(&name),
        "no booking content in the audit log"
    );
    assert_accessible(&browser, "audit log").await?;

    click(&browser, "#sb-logout").await?;
    browser.wait_for("#sb-email").await?;
    browser.close().await?;

    // Everything between the browser and the server crossed the recording proxy:
    // the canary only ever travelled inside ciphertext, the passphrase never.
    let traffic = sealbook.proxy.traffic();
    assert_eq!(
        occurrences(&traffic, name.as_bytes()),
        0,
        "the canary in clear"
    );
    assert_eq!(
        occurrences(&traffic, PASSPHRASE.as_bytes()),
        0,
        "the key passphrase"
    );
    assert!(occurrences(&traffic, b"GET /api/v1/inbox/bookings?") >= 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_member_joins_with_the_grant_code_and_is_shut_out_when_revoked()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start("bistro-team", &[]).await?;
    let name = canary();
    let (_, day) = book(&sealbook, &name).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;

    let owner = Browser::start().await?;
    owner.goto(&sealbook.url("/inbox/")).await?;
    log_in(&owner, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    click(&owner, "#sb-nav-staff").await?;
    type_into(&owner, "#sb-invite-email", "waiter@bistro.example").await?;
    type_into(&owner, "#sb-owner-passphrase", PASSPHRASE).await?;
    click(&owner, "#sb-invite").await?;
    let invite_url = owner.wait_for_text("#sb-invite-url").await?;
    let grant_code = owner.wait_for_text("#sb-grant-code").await?;
    assert_accessible(&owner, "staff page").await?;

    let member = Browser::start().await?;
    member.goto(&invite_url).await?;
    let password = "waiter password 2026";
    type_into(&member, "#sb-new-password", password).await?;
    type_into(&member, "#sb-repeat-password", password).await?;
    click(&member, "#sb-join").await?;
    type_into(&member, "#sb-passphrase", &grant_code).await?;
    click(&member, "#sb-unlock").await?;
    let own = "the waiter's own passphrase";
    type_into(&member, "#sb-new-passphrase", own).await?;
    type_into(&member, "#sb-repeat-passphrase", own).await?;
    click(&member, "#sb-save-passphrase").await?;
    show_day(&member, &day).await?;
    wait_for_row(&member, &name).await?;
    assert!(
        member
            .client
            .find(Locator::Css("#sb-nav-staff"))
            .await
            .is_err(),
        "staff do not manage staff"
    );

    // The owner revokes the member: their session and key copy are gone at once.
    owner.goto(&sealbook.url("/inbox/")).await?;
    type_into(&owner, "#sb-passphrase", PASSPHRASE).await?;
    click(&owner, "#sb-unlock").await?;
    click(&owner, "#sb-nav-staff").await?;
    click(
        &owner,
        "tr[data-member=\"waiter@bistro.example\"] .sb-revoke",
    )
    .await?;
    click(&owner, "#sb-revoke-yes").await?;
    eventually("the member's key access gone from the list", || async {
        let row = owner
            .wait_for_text("tr[data-member=\"waiter@bistro.example\"]")
            .await
            .ok()?;
        row.contains("no").then_some(())
    })
    .await?;

    // The member's next request ends at the login, which no longer lets them in.
    click(&member, "#sb-next").await?;
    let ended = member.wait_for_text(".sb-error").await?;
    assert_eq!(ended, "Your session has ended. Please log in again.");
    type_into(&member, "#sb-email", "waiter@bistro.example").await?;
    type_into(&member, "#sb-password", password).await?;
    click(&member, "#sb-login").await?;
    eventually("the refusal", || async {
        let text = member.wait_for_text(".sb-error").await.ok()?;
        (text == "Wrong e-mail or password.").then_some(())
    })
    .await?;
    owner.close().await?;
    member.close().await?;

    let traffic = sealbook.proxy.traffic();
    for secret in [PASSPHRASE, own, grant_code.as_str(), name.as_str()] {
        assert_eq!(
            occurrences(&traffic, secret.as_bytes()),
            0,
            "{secret} crossed the wire"
        );
    }
    Ok(())
}
