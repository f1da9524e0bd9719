//! The staff inbox in real headless Chromium against the real server: a booking
//! made in the widget is read in the inbox after login and unlock, decrypted on
//! the staff member's device — the canary typed into the form and the key
//! passphrase are in no byte that crossed the wire — and an invited member joins
//! with the owner's grant code, then is shut out when revoked. A key rotation
//! runs end to end: the new key pinned while pending, sealed to once active, added
//! by the owner from its key file and shared with a member; every booking stays
//! readable, and the old key, once compromised, is refused at upload. A thousand
//! bookings in one week open progressively, the first screenful first. And the
//! whole of a working day's use — log in, unlock, open a booking, mark it, go back,
//! export the calendar — works from the keyboard alone. A device asked to remember
//! the keys holds them as non-extractable WebCrypto keys and opens bookings after
//! the login alone, until it is told to forget. A member chooses their e-mail
//! notices in the settings, by keyboard, and the choice is kept. A no-show mark
//! survives the visitor's own cancel, in the list and in the day's and week's
//! counts. A schedule change made in the inbox reaches the widget served by a
//! second server process within a second, closure note included, and a
//! practice adds a service and a practitioner with hours of their own. A booking
//! sealed by the widget in Firefox ESR opens in the inbox, in Chromium and in
//! Firefox ESR.

use fantoccini::Locator;
use fantoccini::key::Key;
use sealbook_e2e::civil::{civil_from_days, days_after, days_from_civil};
use sealbook_e2e::day_picker::{MOVE_FORM, NEW_BOOKING};
use sealbook_e2e::flow::{
    assert_accessible, canary, choose_first_free_slot, fill_details, key, send,
};
use sealbook_e2e::inbox::{
    click, log_in, log_in_only, move_form_to_next_day, show_day, type_into, unlock, wait_for_row,
};
use sealbook_e2e::{
    Browser, BrowserKind, PASSPHRASE, Sealbook, SecondProcess, eventually, in_each_browser,
    occurrences,
};

/// What crossed the recording proxy holds neither the canary typed into the
/// booking (it travels only inside ciphertext) nor the key passphrase.
fn assert_nothing_personal_in(traffic: &[u8], name: &str) {
    assert_eq!(
        occurrences(traffic, name.as_bytes()),
        0,
        "the canary in clear"
    );
    assert_eq!(
        occurrences(traffic, PASSPHRASE.as_bytes()),
        0,
        "the key passphrase"
    );
}

/// Browser tests share two cores: one at a time keeps timings honest.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const OWNER: &str = "owner@bistro.example";
const OWNER_PASSWORD: &str = "owner password 2026";
const WAITER: &str = "waiter@bistro.example";

/// A booking made by keyboard on the stand-alone booking page; returns its
/// reference and its day (`YYYY-MM-DD`).
async fn book(sealbook: &Sealbook, name: &str) -> anyhow::Result<(String, String)> {
    let (reference, day, _) = book_with_link(sealbook, name).await?;
    Ok((reference, day))
}

/// [`book`], with the visitor's manage link too.
async fn book_with_link(
    sealbook: &Sealbook,
    name: &str,
) -> anyhow::Result<(String, String, String)> {
    book_in(BrowserKind::Chromium, sealbook, name).await
}

/// [`book_with_link`] in a browser of `kind`.
async fn book_in(
    kind: BrowserKind,
    sealbook: &Sealbook,
    name: &str,
) -> anyhow::Result<(String, String, String)> {
    let browser = Browser::start_in(kind).await?;
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
    let manage_link = widget.value("#sb-manage").await?;
    browser.close().await?;
    let opened = sealbook.open_bookings().await?;
    let start = opened[0]["start"].as_str().unwrap_or_default().to_owned();
    // Open hours are 11:00–23:00 in Paris: the UTC date is the local one.
    Ok((
        reference,
        start.get(..10).unwrap_or_default().to_owned(),
        manage_link,
    ))
}

/// The 30-second TOTP step the browser's clock is in.
async fn totp_step(browser: &Browser) -> anyhow::Result<i64> {
    let step = browser
        .script("return Math.floor(Date.now() / 30000);")
        .await?;
    Ok(step.as_i64().unwrap_or_default())
}

/// The current RFC 6238 code for a base32 `secret`, computed in the page with
/// WebCrypto (HMAC-SHA-1, 6 digits, 30 s), as an authenticator app would.
async fn totp_code(browser: &Browser, secret: &str) -> anyhow::Result<String> {
    let code = browser
        .script_async(&format!(
            "const done = arguments[arguments.length - 1];
             const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
             let bits = '';
             for (const c of '{secret}'.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
             const key = [];
             for (let i = 0; i + 8 <= bits.length; i += 8) key.push(parseInt(bits.slice(i, i + 8), 2));
             const message = new Uint8Array(8);
             let counter = Math.floor(Date.now() / 30000);
             for (let i = 7; i >= 0; i--) {{ message[i] = counter % 256; counter = Math.floor(counter / 256); }}
             crypto.subtle.importKey('raw', new Uint8Array(key), {{ name: 'HMAC', hash: 'SHA-1' }}, false, ['sign'])
               .then(k => crypto.subtle.sign('HMAC', k, message))
               .then(signature => {{
                 const h = new Uint8Array(signature), o = h[19] & 15;
                 const n = (((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1000000;
                 done(String(n).padStart(6, '0'));
               }});"
        ))
        .await?;
    Ok(code.as_str().unwrap_or_default().to_owned())
}

/// A server for `business` with one booking made in the widget and the owner's
/// inbox account; the booking's visitor name, reference and day.
async fn with_one_booking(business: &str) -> anyhow::Result<(Sealbook, String, String, String)> {
    let sealbook = Sealbook::start(business, &[]).await?;
    let name = canary();
    let (reference, day) = book(&sealbook, &name).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;
    Ok((sealbook, name, reference, day))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_read_bookings_decrypted_on_their_device_and_nothing_personal_crosses_the_wire()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let (sealbook, name, reference, day) = with_one_booking("bistro-inbox").await?;

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
    // A wrong key passphrase opens nothing, and says so.
    log_in_only(&browser, OWNER, OWNER_PASSWORD).await?;
    type_into(&browser, "#sb-passphrase", "not the passphrase").await?;
    click(&browser, "#sb-unlock").await?;
    let refused = browser.wait_for_text(".sb-error").await?;
    assert_eq!(refused, "This passphrase does not open your key.");
    browser.goto(&sealbook.url("/inbox/")).await?;
    unlock(&browser, PASSPHRASE).await?;

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

    // The day on paper: the print layout keeps the day and the table and drops
    // the controls; the day sheet is the same table as one page of its own.
    browser.emulate_media("print").await?;
    let printed = browser
        .script(
            "const shown = css => { const e = document.querySelector(css); \
                 return !!e && getComputedStyle(e).display !== 'none'; }; \
             return { nav: shown('.sb-nav'), header: shown('header'), \
                      range: shown('#sb-range'), table: shown('#sb-bookings') };",
        )
        .await?;
    assert_eq!(
        printed,
        serde_json::json!({ "nav": false, "header": false, "range": true, "table": true }),
        "the print layout"
    );
    browser.emulate_media("screen").await?;
    click(&browser, "#sb-day-sheet").await?;
    let sheet_name = format!("day-sheet-{day}-{day}.html");
    let sheet = String::from_utf8(browser.downloaded(&sheet_name).await?)?;
    assert!(sheet.starts_with("<!doctype html>"), "{sheet}");
    assert!(sheet.contains(&format!("<td>{name}</td>")), "{sheet}");
    assert!(sheet.contains("+33 6 98 76 54 32"), "{sheet}");
    assert!(sheet.contains("<td>Arrived</td>"), "{sheet}");

    let open_ms = browser
        .script(
            "return ['sealbook:open', 'sealbook:open-in-list']
               .flatMap(name => performance.getEntriesByName(name)).map(m => m.duration);",
        )
        .await?;
    let unlock_ms = browser
        .script("return performance.getEntriesByName('sealbook:unlock').map(m => m.duration);")
        .await?;
    eprintln!("bookings opened in the inbox in {open_ms} ms; key unlocked in {unlock_ms} ms");
    assert!(
        open_ms.as_array().is_some_and(|times| !times.is_empty()),
        "the inbox measures opening"
    );

    // The script tag to paste is the one `sealbook snippet` prints.
    click(&browser, "#sb-nav-snippet").await?;
    let tag = browser.wait_for_text("#sb-snippet").await?;
    assert_eq!(tag, sealbook.snippet().await?);
    assert!(
        tag.contains(&format!("data-keys=\"{}\"", sealbook.kid)),
        "{tag}"
    );
    assert!(tag.contains("integrity=\"sha384-"), "{tag}");
    assert_accessible(&browser, "script tag").await?;

    // The owner's audit log names every action, and no booking content.
    click(&browser, "#sb-nav-audit").await?;
    let audit = browser.wait_for_text("#sb-audit tbody").await?;
    for action in [
        "login_failed",
        "login",
        "listed",
        "opened",
        "attendance_changed",
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
    // The saved day sheet reads on its own, with no server behind it.
    browser.goto(&browser.download_url(&sheet_name)?).await?;
    let rows = browser.wait_for_text("tbody").await?;
    assert!(rows.contains(&name), "{rows}");
    assert_accessible(&browser, "day sheet").await?;
    browser.close().await?;

    // Everything between the browser and the server crossed the recording proxy:
    // the canary only ever travelled inside ciphertext, the passphrase never.
    let traffic = sealbook.proxy.traffic();
    assert_nothing_personal_in(&traffic, &name);
    assert!(occurrences(&traffic, b"GET /api/v1/inbox/bookings?") >= 1);
    Ok(())
}

/// The owner (logged in and unlocked in `owner`) invites `email`; the member
/// joins in `member` with the grant code and locks their copy under `own`.
/// Returns the grant code.
async fn invite_and_join(
    owner: &Browser,
    member: &Browser,
    email: &str,
    password: &str,
    own: &str,
) -> anyhow::Result<String> {
    click(owner, "#sb-nav-staff").await?;
    type_into(owner, "#sb-invite-email", email).await?;
    type_into(owner, "#sb-owner-passphrase", PASSPHRASE).await?;
    click(owner, "#sb-invite").await?;
    let invite_url = owner.wait_for_text("#sb-invite-url").await?;
    let grant_code = owner.wait_for_text("#sb-grant-code").await?;
    assert_accessible(owner, "staff page").await?;

    member.goto(&invite_url).await?;
    member.wait_for("#sb-new-password").await?;
    assert_accessible(member, "invitation").await?;
    type_into(member, "#sb-new-password", password).await?;
    type_into(member, "#sb-repeat-password", password).await?;
    click(member, "#sb-join").await?;
    type_into(member, "#sb-passphrase", &grant_code).await?;
    click(member, "#sb-unlock").await?;
    member.wait_for("#sb-new-passphrase").await?;
    assert_accessible(member, "own passphrase").await?;
    type_into(member, "#sb-new-passphrase", own).await?;
    type_into(member, "#sb-repeat-passphrase", own).await?;
    click(member, "#sb-save-passphrase").await?;
    member.wait_for("#sb-nav-bookings").await?;
    Ok(grant_code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_member_joins_with_the_grant_code_and_is_shut_out_when_revoked()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let (sealbook, name, _, day) = with_one_booking("bistro-team").await?;

    let owner = Browser::start().await?;
    owner.goto(&sealbook.url("/inbox/")).await?;
    log_in(&owner, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    let member = Browser::start().await?;
    let password = "waiter password 2026";
    let own = "the waiter's own passphrase";
    let grant_code = invite_and_join(&owner, &member, WAITER, password, own).await?;

    // A second invitation, withdrawn before use: its link no longer works.
    let first_url = owner.wait_for_text("#sb-invite-url").await?;
    type_into(&owner, "#sb-invite-email", "host@bistro.example").await?;
    type_into(&owner, "#sb-owner-passphrase", PASSPHRASE).await?;
    click(&owner, "#sb-invite").await?;
    let withdrawn_url = eventually("the second invitation's link", || async {
        let url = owner.wait_for_text("#sb-invite-url").await.ok()?;
        (url != first_url).then_some(url)
    })
    .await?;
    owner
        .wait_for("tr[data-invite=\"host@bistro.example\"]")
        .await?;
    assert_accessible(&owner, "open invitations").await?;
    click(
        &owner,
        "tr[data-invite=\"host@bistro.example\"] .sb-withdraw",
    )
    .await?;
    owner.wait_for("#sb-withdrawn").await?;
    // The list is fetched again after the confirmation shows, so wait for it.
    eventually(
        "no invitation open any more (the waiter's was used)",
        || async {
            owner
                .client
                .find(Locator::Css("#sb-open-invites"))
                .await
                .is_err()
                .then_some(())
        },
    )
    .await?;
    let stranger = Browser::start().await?;
    stranger.goto(&withdrawn_url).await?;
    type_into(&stranger, "#sb-new-password", "a stranger's password").await?;
    type_into(&stranger, "#sb-repeat-password", "a stranger's password").await?;
    click(&stranger, "#sb-join").await?;
    assert_eq!(
        stranger.wait_for_text(".sb-error").await?,
        "This invitation is not valid or was already used."
    );
    stranger.close().await?;

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

    // The member turns on two-step login and changes their key passphrase; the
    // next login asks for the code, the next unlock takes the new passphrase.
    click(&member, "#sb-nav-settings").await?;
    click(&member, "#sb-totp-start").await?;
    let secret = member.wait_for_text("#sb-totp-secret").await?;
    let enabled_at = totp_step(&member).await?;
    let code = totp_code(&member, &secret).await?;
    type_into(&member, "#sb-totp-code", &code).await?;
    click(&member, "#sb-totp-confirm").await?;
    member.wait_for("#sb-totp-on").await?;
    let changed = "the waiter's second passphrase";
    type_into(&member, "#sb-current-passphrase", own).await?;
    type_into(&member, "#sb-changed-passphrase", changed).await?;
    type_into(&member, "#sb-changed-passphrase-repeat", changed).await?;
    click(&member, "#sb-change-passphrase").await?;
    member.wait_for("#sb-passphrase-changed").await?;
    let password = "waiter password 2027";
    type_into(&member, "#sb-current-password", "waiter password 2026").await?;
    type_into(&member, "#sb-changed-password", password).await?;
    type_into(&member, "#sb-changed-password-repeat", password).await?;
    click(&member, "#sb-change-password").await?;
    member.wait_for("#sb-password-changed").await?;
    assert_accessible(&member, "settings").await?;
    click(&member, "#sb-logout").await?;
    type_into(&member, "#sb-email", WAITER).await?;
    type_into(&member, "#sb-password", password).await?;
    click(&member, "#sb-login").await?;
    let asked = member.wait_for_text(".sb-error").await?;
    assert_eq!(asked, "Enter the 6-digit code from your authenticator app.");
    // A code counts once: the one that turned the factor on cannot log in.
    for _ in 0..31 {
        if totp_step(&member).await? != enabled_at {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    let code = totp_code(&member, &secret).await?;
    type_into(&member, "#sb-totp", &code).await?;
    click(&member, "#sb-login").await?;
    unlock(&member, changed).await?;
    show_day(&member, &day).await?;
    wait_for_row(&member, &name).await?;

    // The member loses the phone with the authenticator: the owner's one-time
    // link sets a new password and turns two-step login off; the key passphrase
    // stays the member's.
    owner.goto(&sealbook.url("/inbox/")).await?;
    type_into(&owner, "#sb-passphrase", PASSPHRASE).await?;
    click(&owner, "#sb-unlock").await?;
    click(&owner, "#sb-nav-staff").await?;
    click(&owner, &format!("tr[data-member=\"{WAITER}\"] .sb-reset")).await?;
    click(&owner, "#sb-reset-yes").await?;
    let reset_url = owner.wait_for_text("#sb-reset-url").await?;
    assert_accessible(&owner, "reset link").await?;
    // A fragment change alone does not reload the page: leave it first.
    member.goto("about:blank").await?;
    member.goto(&reset_url).await?;
    member.wait_for("#sb-new-password").await?;
    assert_accessible(&member, "reset").await?;
    let password = "waiter password 2028";
    type_into(&member, "#sb-new-password", password).await?;
    type_into(&member, "#sb-repeat-password", password).await?;
    click(&member, "#sb-join").await?;
    unlock(&member, changed).await?;
    click(&member, "#sb-logout").await?;
    log_in_only(&member, WAITER, password).await?;
    unlock(&member, changed).await?;
    show_day(&member, &day).await?;
    wait_for_row(&member, &name).await?;

    // The owner revokes the member: their session and key copy are gone at once.
    click(&owner, &format!("tr[data-member=\"{WAITER}\"] .sb-revoke")).await?;
    click(&owner, "#sb-revoke-yes").await?;
    eventually("the member's key access gone from the list", || async {
        let row = owner
            .wait_for_text(&format!("tr[data-member=\"{WAITER}\"]"))
            .await
            .ok()?;
        row.contains("no").then_some(())
    })
    .await?;

    // The member's next request ends at the login, which no longer lets them in.
    click(&member, "#sb-next").await?;
    let ended = member.wait_for_text(".sb-error").await?;
    assert_eq!(ended, "Your session has ended. Please log in again.");
    type_into(&member, "#sb-email", WAITER).await?;
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
    for secret in [PASSPHRASE, own, changed, grant_code.as_str(), name.as_str()] {
        assert_eq!(
            occurrences(&traffic, secret.as_bytes()),
            0,
            "{secret} crossed the wire"
        );
    }
    Ok(())
}

/// The visitor names in `opened` (`sealbook bookings open --format json`).
fn names(opened: &serde_json::Value) -> Vec<String> {
    opened
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|row| row["booking"]["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_rotation_seals_to_the_new_key_and_every_booking_stays_readable() -> anyhow::Result<()>
{
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let (mut sealbook, before, old_reference, old_day) =
        with_one_booking("bistro-rotation").await?;
    let owner = Browser::start().await?;
    owner.goto(&sealbook.url("/inbox/")).await?;
    log_in(&owner, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    let member = Browser::start().await?;
    let member_password = "waiter password 2026";
    let own = "the waiter's own passphrase";
    invite_and_join(&owner, &member, WAITER, member_password, own).await?;
    member.close().await?;

    // The next key, pending: pinned in the tag to paste, not yet sealed to.
    let next = sealbook.generate_next_key().await?;
    sealbook
        .reconfigure_keys(&[("keys", "active"), ("keys-next", "pending")])
        .await?;
    let tag = sealbook.snippet().await?;
    assert!(
        tag.contains(&format!("data-keys=\"{},{next}\"", sealbook.kid)),
        "{tag}"
    );
    // The next key goes active, the first retires: new bookings are sealed to
    // the next key alone.
    sealbook
        .reconfigure_keys(&[("keys", "retired"), ("keys-next", "active")])
        .await?;
    let after = canary();
    book(&sealbook, &after).await?;
    assert_eq!(
        names(&sealbook.open_bookings().await?),
        std::slice::from_ref(&before)
    );
    let by_next = sealbook
        .open_bookings_with(&sealbook.key_file("keys-next"))
        .await?;
    assert_eq!(names(&by_next), std::slice::from_ref(&after));
    let new_day = by_next[0]["start"]
        .as_str()
        .and_then(|start| start.get(..10))
        .unwrap_or_default()
        .to_owned();

    // The owner adds their copy of the next key from its file, in the browser.
    owner.goto(&sealbook.url("/inbox/")).await?;
    unlock(&owner, PASSPHRASE).await?;
    click(&owner, "#sb-nav-snippet").await?;
    owner.wait_for("#sb-key-file").await?;
    // The server seals to a key this device cannot open yet: no tag to paste.
    let refusal = owner.wait_for_text("#sb-foreign-pins").await?;
    assert!(refusal.contains(&next), "{refusal}");
    assert!(
        owner
            .client
            .find(Locator::Css("#sb-snippet"))
            .await
            .is_err(),
        "no tag while a pin is not the owner's"
    );
    let statuses = owner
        .script("return Array.from(document.querySelectorAll('#sb-keys tr[data-kid]')).map(r => [r.dataset.kid, r.dataset.status]);")
        .await?;
    assert_eq!(
        statuses,
        serde_json::json!([[sealbook.kid, "retired"], [next, "active"]])
    );
    assert_accessible(&owner, "keys").await?;
    let key_file = sealbook.key_file("keys-next");
    owner
        .wait_for("#sb-key-file")
        .await?
        .send_keys(&key_file.display().to_string())
        .await?;
    type_into(&owner, "#sb-key-file-passphrase", PASSPHRASE).await?;
    type_into(&owner, "#sb-own-passphrase", PASSPHRASE).await?;
    click(&owner, "#sb-add-key").await?;
    owner.wait_for("#sb-key-added").await?;
    // Now the tag pins the key the owner opened, and the integrity stands apart.
    let tag = owner.wait_for_text("#sb-snippet").await?;
    assert!(tag.contains(&format!("data-keys=\"{next}\"")), "{tag}");
    let integrity = owner.wait_for_text("#sb-integrity").await?;
    assert!(
        integrity.starts_with("sha384-") && tag.contains(&integrity),
        "{integrity} in {tag}"
    );
    assert_accessible(&owner, "script tag after a rotation").await?;
    click(&owner, "#sb-nav-bookings").await?;
    show_day(&owner, &old_day).await?;
    wait_for_row(&owner, &before).await?;
    show_day(&owner, &new_day).await?;
    wait_for_row(&owner, &after).await?;

    // The owner shares it with the member, under a fresh grant code.
    click(&owner, "#sb-nav-staff").await?;
    click(&owner, &format!("tr[data-member=\"{WAITER}\"] .sb-share")).await?;
    type_into(&owner, "#sb-share-passphrase", PASSPHRASE).await?;
    click(&owner, "#sb-share-yes").await?;
    let share_code = owner.wait_for_text("#sb-share-code").await?;
    assert_accessible(&owner, "key shared").await?;

    let member = Browser::start().await?;
    member.goto(&sealbook.url("/inbox/")).await?;
    log_in_only(&member, WAITER, member_password).await?;
    member.wait_for("#sb-shared-code").await?;
    assert_accessible(&member, "unlock with a shared key").await?;
    type_into(&member, "#sb-passphrase", own).await?;
    type_into(&member, "#sb-shared-code", &share_code).await?;
    click(&member, "#sb-unlock").await?;
    member.wait_for("#sb-nav-bookings").await?;
    show_day(&member, &new_day).await?;
    wait_for_row(&member, &after).await?;
    show_day(&member, &old_day).await?;
    wait_for_row(&member, &before).await?;
    // From now on the member's own passphrase opens both keys; no code is asked.
    member.goto(&sealbook.url("/inbox/")).await?;
    member.wait_for("#sb-passphrase").await?;
    assert!(
        member
            .client
            .find(Locator::Css("#sb-shared-code"))
            .await
            .is_err(),
        "the shared key is the member's own now"
    );
    unlock(&member, own).await?;
    show_day(&member, &new_day).await?;
    wait_for_row(&member, &after).await?;
    // A passphrase change now re-locks both copies at once; the new passphrase
    // alone opens bookings sealed to either key.
    let changed = "the waiter's passphrase after the rotation";
    click(&member, "#sb-nav-settings").await?;
    type_into(&member, "#sb-current-passphrase", own).await?;
    type_into(&member, "#sb-changed-passphrase", changed).await?;
    type_into(&member, "#sb-changed-passphrase-repeat", changed).await?;
    click(&member, "#sb-change-passphrase").await?;
    member.wait_for("#sb-passphrase-changed").await?;
    member.goto(&sealbook.url("/inbox/")).await?;
    unlock(&member, changed).await?;
    show_day(&member, &old_day).await?;
    wait_for_row(&member, &before).await?;
    show_day(&member, &new_day).await?;
    wait_for_row(&member, &after).await?;
    member.close().await?;

    // The first key is compromised: an upload sealed to it is refused (the
    // first booking's envelope, sent again from the owner's browser).
    sealbook
        .reconfigure_keys(&[("keys", "compromised"), ("keys-next", "active")])
        .await?;
    let refused = owner
        .script_async(&format!(
            "const done = arguments[arguments.length - 1];
             (async () => {{
               const list = await fetch('/api/v1/inbox/bookings?from={old_day}&to={old_day}').then(r => r.json());
               const old = list.bookings.find(b => b.id === '{old_reference}');
               const answer = await fetch('/api/v1/businesses/bistro-rotation/bookings', {{
                 method: 'POST', headers: {{ 'Content-Type': 'application/json' }},
                 body: JSON.stringify({{ envelope: old.envelope, start: old.start, party_size: old.party_size }}),
               }});
               done([answer.status, (await answer.json()).error.code]);
             }})().catch(error => done(String(error)));"
        ))
        .await?;
    assert_eq!(refused, serde_json::json!([400, "unknown_key"]));
    owner.close().await?;

    let traffic = sealbook.proxy.traffic();
    for secret in [
        PASSPHRASE,
        own,
        changed,
        share_code.as_str(),
        before.as_str(),
        after.as_str(),
    ] {
        assert_eq!(
            occurrences(&traffic, secret.as_bytes()),
            0,
            "{secret} crossed the wire"
        );
    }
    Ok(())
}

/// A busy restaurant: room for a thousand bookings in one week, and limits that
/// let one test client upload them.
const BUSY: &str = "kind = \"restaurant\"\ntimezone = \"Europe/Paris\"\ncovers = 10000\nmax_party_size = 8\n\
    turn_minutes = 105\nhours = { mon = [\"11:00-23:00\"], tue = [\"11:00-23:00\"], wed = [\"11:00-23:00\"], \
    thu = [\"11:00-23:00\"], fri = [\"11:00-23:00\"], sat = [\"11:00-23:00\"], sun = [\"11:00-23:00\"] }\n\
    [limits]\nbookings_per_minute = 100000\nbookings_per_slot = 1000\n";

/// How many bookings the timing test stores and opens.
const MANY: usize = 1000;

/// The slot starts of the week from `from` (`YYYY-MM-DD`), from the availability API.
async fn week_of_slots(sealbook: &Sealbook, from: &str, to: &str) -> anyhow::Result<Vec<String>> {
    let (status, body) = sealbook
        .request(
            "GET",
            &format!(
                "/api/v1/businesses/{}/availability?from={from}&to={to}&party=1",
                sealbook.business
            ),
            &[],
            None,
        )
        .await?;
    anyhow::ensure!(status == 200, "availability: {status} {body}");
    let answer: serde_json::Value = serde_json::from_str(&body)?;
    Ok(answer["days"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|day| day["slots"].as_array().cloned().unwrap_or_default())
        .filter_map(|slot| slot["start"].as_str().map(str::to_owned))
        .collect())
}

/// Figures for docs/BENCHMARKS.md: a thousand bookings in one week, sealed and
/// uploaded as the widget would, then opened in the inbox. The first screenful
/// must be shown before the last booking is opened; the times are printed,
/// never asserted (two shared cores).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::print_stdout)] // the figures, for `cargo xtask bench`
async fn a_thousand_bookings_open_in_the_inbox_first_screenful_first() -> anyhow::Result<()> {
    use base64::Engine as _;
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start_with_profile("bistro-busy", &[], BUSY).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;
    let recipient = sealbook_envelope::Recipient::from_spki_pem(&std::fs::read_to_string(
        sealbook.dir.path().join("keys/bistro-busy.pub.pem"),
    )?)?;

    // The week from tomorrow, as the browser's calendar counts it.
    let browser = Browser::start().await?;
    let week = browser
        .script(
            "const day = offset => { const d = new Date(); d.setDate(d.getDate() + offset);
               return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; };
             return [day(1), day(7)];",
        )
        .await?;
    let (tomorrow, last) = (
        week[0].as_str().unwrap_or_default().to_owned(),
        week[1].as_str().unwrap_or_default().to_owned(),
    );
    let slots = week_of_slots(&sealbook, &tomorrow, &last).await?;
    anyhow::ensure!(!slots.is_empty(), "no slots from {tomorrow}");
    for index in 0..MANY {
        let start = &slots[index % slots.len()];
        let plaintext = serde_json::json!({
            "name": format!("Guest {index:04}"),
            "contact": { "phone": format!("+33 6 00 00 {:02} {:02}", index / 100, index % 100) },
            "party": 1,
            "start": start,
        });
        let envelope = sealbook_envelope::seal(
            std::slice::from_ref(&recipient),
            &sealbook_envelope::SealParams {
                business: "bistro-busy",
                iat: 1_795_000_000,
            },
            plaintext.to_string().as_bytes(),
            &mut getrandom::SysRng,
        )?;
        let body = serde_json::json!({
            "envelope": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(envelope),
            "start": start,
            "party_size": 1,
        });
        let (status, answer) = sealbook
            .request(
                "POST",
                "/api/v1/businesses/bistro-busy/bookings",
                &[("Content-Type", "application/json")],
                Some(&body.to_string()),
            )
            .await?;
        anyhow::ensure!(status == 201, "booking {index}: {status} {answer}");
    }

    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(&browser, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    click(&browser, "#sb-week").await?;
    show_day(&browser, &tomorrow).await?;
    // The rows are on the page a frame before the listing measures itself: wait
    // for this listing's measure too (it starts at the last `sealbook:list` mark),
    // then read the figures.
    let script = FIGURES_WHEN_OPENED.replace("MANY", &MANY.to_string());
    let figures = eventually("a thousand rows opened", || async {
        let figures = browser.script(&script).await.ok()?;
        (!figures.is_null()).then_some(figures)
    })
    .await?;
    browser.close().await?;
    let first = figures["first"].as_f64().unwrap_or_default();
    let all = figures["all"].as_f64().unwrap_or_default();
    assert!(
        first > 0.0 && first < all,
        "the first screenful is shown before the rest: {figures}"
    );
    // The week from today was left for the week from tomorrow, most often
    // before its list came: its request is cancelled, and says nothing.
    assert_eq!(figures["errors"], 0, "no error shown: {figures}");
    assert!(
        figures["workers"] == 1 && figures["fallbacks"] == 0,
        "every booking was opened on the inbox's worker threads: {figures}"
    );
    // A markdown table, which `cargo xtask bench` copies into docs/BENCHMARKS.md.
    println!(
        "| bookings in a week | listed | first 50 opened | all opened | one open: median | p99 | opens |\n\
         |---:|---:|---:|---:|---:|---:|---:|\n\
         | {MANY} | {:.0} ms | {first:.0} ms | {all:.0} ms | {:.2} ms | {:.2} ms | {} |",
        figures["listed"].as_f64().unwrap_or_default(),
        figures["median"].as_f64().unwrap_or_default(),
        figures["p99"].as_f64().unwrap_or_default(),
        figures["opens"],
    );
    Ok(())
}

/// The thousand-bookings test's figures, once the last listing has opened its
/// MANY rows and measured itself (a listing left half-way measures nothing);
/// `null` until then.
const FIGURES_WHEN_OPENED: &str = "const listed = performance.getEntriesByName('sealbook:list').at(-1);
     const measured = performance.getEntriesByName('sealbook:all-opened')
         .some(m => listed && m.startTime === listed.startTime);
     if (!measured || document.querySelectorAll('#sb-bookings .sb-name').length !== MANY) return null;
     const last = name => { const all = performance.getEntriesByName(name); return all.length ? all[all.length - 1].duration : null; };
     const opens = performance.getEntriesByName('sealbook:open-in-list').map(m => m.duration).sort((a, b) => a - b);
     return { errors: document.querySelectorAll('.sb-error').length,
              workers: performance.getEntriesByName('sealbook:worker-answered').length,
              fallbacks: performance.getEntriesByName('sealbook:worker-fallback').length,
              listed: last('sealbook:listed'), first: last('sealbook:first-screen'), all: last('sealbook:all-opened'),
              opens: opens.length, median: opens[Math.floor(opens.length / 2)], p99: opens[Math.floor(opens.length * 0.99)] };";

/// Presses Tab (Shift+Tab with `backwards`) until the focused element matches
/// `css`; at most 60 presses.
async fn tab_to(browser: &Browser, css: &str) -> anyhow::Result<()> {
    let test =
        format!("return !!document.activeElement && document.activeElement.matches('{css}');");
    for _ in 0..60 {
        if browser.script(&test).await? == serde_json::Value::Bool(true) {
            return Ok(());
        }
        browser
            .client
            .active_element()
            .await?
            .send_keys(&key(Key::Tab))
            .await?;
    }
    anyhow::bail!("Tab never reached {css}")
}

/// Types `text` into the focused element, then presses `then` (e.g. Enter).
async fn type_here(browser: &Browser, text: &str, then: Option<Key>) -> anyhow::Result<()> {
    let focused = browser.client.active_element().await?;
    focused.send_keys(text).await?;
    if let Some(then) = then {
        focused.send_keys(&key(then)).await?;
    }
    Ok(())
}

/// Where the focus is: the focused element's id.
async fn focused_id(browser: &Browser) -> anyhow::Result<String> {
    let id = browser
        .script("return document.activeElement ? document.activeElement.id : '';")
        .await?;
    Ok(id.as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_working_day_in_the_inbox_needs_only_the_keyboard() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let (sealbook, name, reference, day) = with_one_booking("bistro-keys").await?;

    let browser = Browser::start().await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    browser.wait_for("#sb-email").await?;
    tab_to(&browser, "#sb-email").await?;
    type_here(&browser, OWNER, Some(Key::Tab)).await?;
    assert_eq!(focused_id(&browser).await?, "sb-password");
    type_here(&browser, OWNER_PASSWORD, Some(Key::Enter)).await?;
    browser.wait_for("#sb-passphrase").await?;
    // Each new screen starts at its heading; the field is one Tab away.
    eventually("the focus on the unlock heading", || async {
        (focused_id(&browser).await.ok()? == "sb-heading").then_some(())
    })
    .await?;
    assert_accessible(&browser, "unlock").await?;
    tab_to(&browser, "#sb-passphrase").await?;
    type_here(&browser, PASSPHRASE, Some(Key::Enter)).await?;
    browser.wait_for("#sb-from").await?;

    // The booking's day, typed into the date field as a keyboard user would.
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;
    tab_to(
        &browser,
        &format!("tr[data-booking=\"{reference}\"] button"),
    )
    .await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    let facts = browser.wait_for_text("#sb-facts").await?;
    assert!(facts.contains(&name), "{facts}");
    eventually("the focus on the detail heading", || async {
        (focused_id(&browser).await.ok()? == "sb-heading").then_some(())
    })
    .await?;
    tab_to(&browser, "#sb-arrived").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    eventually("the arrived status", || async {
        let facts = browser.wait_for_text("#sb-facts").await.ok()?;
        facts.contains("Arrived").then_some(())
    })
    .await?;
    tab_to(&browser, "#sb-back").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    wait_for_row(&browser, &name).await?;

    // The day as a calendar file, built in the browser.
    tab_to(&browser, "#sb-export-ics").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    let ics = String::from_utf8(
        browser
            .downloaded(&format!("bookings-{day}-{day}.ics"))
            .await?,
    )?;
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains(&name), "{ics}");

    // Logging out, too.
    tab_to(&browser, "#sb-logout").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-email").await?;
    browser.close().await?;
    Ok(())
}

/// What this browser's IndexedDB holds for the inbox: how many remembered key
/// rings, and the first key's WebCrypto properties (and whether it exports).
async fn remembered_keys(browser: &Browser) -> anyhow::Result<serde_json::Value> {
    browser
        .script_async(
            "const done = arguments[arguments.length - 1];
             const open = indexedDB.open('sealbook-inbox');
             open.onerror = () => done('no database');
             open.onsuccess = () => {
               const all = open.result.transaction('keyrings').objectStore('keyrings').getAll();
               all.onsuccess = async () => {
                 const entries = all.result, key = entries.length ? entries[0].keys[0] : null;
                 let exported = null;
                 if (key) { try { await crypto.subtle.exportKey('pkcs8', key); exported = 'exported'; } catch (e) { exported = e.name; } }
                 done({ entries: entries.length, type: key && key.type, extractable: key && key.extractable,
                        algorithm: key && key.algorithm.name, usages: key && key.usages, exported });
               };
             };",
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_remembers_the_keys_opens_bookings_after_the_login_alone()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let (sealbook, name, _, day) = with_one_booking("bistro-device").await?;
    let browser = Browser::start().await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in_only(&browser, OWNER, OWNER_PASSWORD).await?;
    let ticked = browser
        .script("return document.getElementById('sb-remember').checked;")
        .await?;
    assert_eq!(
        ticked,
        serde_json::Value::Bool(false),
        "not remembered unless asked"
    );
    click(&browser, "#sb-remember").await?;
    unlock(&browser, PASSPHRASE).await?;
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;
    assert_eq!(
        remembered_keys(&browser).await?,
        serde_json::json!({ "entries": 1, "type": "private", "extractable": false,
            "algorithm": "RSA-OAEP", "usages": ["decrypt"], "exported": "InvalidAccessError" }),
        "the browser keeps the key; no script can read it back"
    );

    // The next visit: the login, then the remembered keys, no passphrase.
    click(&browser, "#sb-logout").await?;
    log_in_only(&browser, OWNER, OWNER_PASSWORD).await?;
    browser.wait_for("#sb-unlock-device").await?;
    assert_accessible(&browser, "unlock with remembered keys").await?;
    click(&browser, "#sb-unlock-device").await?;
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;

    // Forgotten: the next visit asks for the passphrase again.
    click(&browser, "#sb-nav-settings").await?;
    click(&browser, "#sb-forget-device").await?;
    browser.wait_for("#sb-device-forgotten").await?;
    assert_eq!(remembered_keys(&browser).await?["entries"], 0);
    click(&browser, "#sb-logout").await?;
    log_in_only(&browser, OWNER, OWNER_PASSWORD).await?;
    unlock(&browser, PASSPHRASE).await?;
    browser.close().await?;

    let traffic = sealbook.proxy.traffic();
    for secret in [PASSPHRASE, name.as_str()] {
        assert_eq!(
            occurrences(&traffic, secret.as_bytes()),
            0,
            "{secret} crossed the wire"
        );
    }
    Ok(())
}

/// Which notice checkboxes are ticked, in the order shown.
async fn notices_ticked(browser: &Browser) -> anyhow::Result<serde_json::Value> {
    browser
        .script(
            "return [...document.querySelectorAll('input[id^=\"sb-notice-\"]')]\
             .map(box => [box.id, box.checked]);",
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_chooses_e_mail_notices_in_the_settings_by_keyboard() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start("bistro-notices", &[]).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;
    let browser = Browser::start().await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(&browser, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    click(&browser, "#sb-nav-settings").await?;
    browser.wait_for("#sb-notice-new").await?;
    let none = serde_json::json!([
        ["sb-notice-new", false],
        ["sb-notice-changed", false],
        ["sb-notice-cancelled", false],
        ["sb-notice-erased", false],
        ["sb-notice-late-cancelled", false],
    ]);
    assert_eq!(notices_ticked(&browser).await?, none, "off until chosen");
    assert_accessible(&browser, "notice settings").await?;

    tab_to(&browser, "#sb-notice-cancelled").await?;
    type_here(&browser, "", Some(Key::Space)).await?;
    tab_to(&browser, "#sb-notice-late-cancelled").await?;
    type_here(&browser, "", Some(Key::Space)).await?;
    tab_to(&browser, "#sb-notices-save").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-notices-saved").await?;
    eventually("the focus on the confirmation", || async {
        (focused_id(&browser).await.ok()? == "sb-notices-saved").then_some(())
    })
    .await?;
    assert_accessible(&browser, "notice settings saved").await?;

    // Kept by the server: the section reads it again when it comes back.
    click(&browser, "#sb-nav-bookings").await?;
    click(&browser, "#sb-nav-settings").await?;
    browser.wait_for("#sb-notice-new").await?;
    let chosen = serde_json::json!([
        ["sb-notice-new", false],
        ["sb-notice-changed", false],
        ["sb-notice-cancelled", true],
        ["sb-notice-erased", false],
        ["sb-notice-late-cancelled", true],
    ]);
    eventually("the saved choice", || async {
        (notices_ticked(&browser).await.ok()? == chosen).then_some(())
    })
    .await?;
    browser.close().await?;
    Ok(())
}

/// The counts table's cells for the row of `date` (or the week's total row),
/// headings first.
async fn counts_row(browser: &Browser, css: &str) -> anyhow::Result<Vec<String>> {
    let cells = browser
        .script(&format!(
            "const row = document.querySelector('#sb-counts-table {css}');
             return row ? Array.from(row.children).map(c => c.textContent) : [];"
        ))
        .await?;
    Ok(cells
        .as_array()
        .map(|cells| {
            cells
                .iter()
                .map(|cell| cell.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_no_show_stays_in_the_list_and_the_counts_after_the_visitor_cancels() -> anyhow::Result<()>
{
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start("bistro-counts", &[]).await?;
    let name = canary();
    let (reference, day, manage_link) = book_with_link(&sealbook, &name).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;

    let browser = Browser::start().await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(&browser, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;
    let day_row = format!("tbody tr[data-date=\"{day}\"]");
    // The day's row: date, bookings, covers, cancelled, late, arrived, no-shows.
    eventually("the day's counts", || async {
        let cells = counts_row(&browser, &day_row).await.ok()?;
        (cells
            .get(1..)
            .is_some_and(|totals| totals == ["1", "2", "0", "0", "0", "0"]))
        .then_some(())
    })
    .await?;

    // Staff mark the no-show, then the visitor cancels from the manage link.
    browser
        .script(&format!(
            "document.querySelector('tr[data-booking=\"{reference}\"] button').click();"
        ))
        .await?;
    click(&browser, "#sb-no-show").await?;
    eventually("the no-show mark", || async {
        let facts = browser.wait_for_text("#sb-facts").await.ok()?;
        facts.contains("No-show").then_some(())
    })
    .await?;
    assert_accessible(&browser, "inbox detail with a mark").await?;
    browser.goto(&manage_link).await?;
    browser.wait_for_text("#sb-manage-name").await?;
    click(&browser, "#sb-cancel").await?;
    click(&browser, "#sb-cancel-yes").await?;
    browser
        .wait_for("#sb-status[data-status=\"cancelled\"]")
        .await?;

    // Back in the inbox: cancelled, and still a no-show, in the list and the counts.
    browser.goto(&sealbook.url("/inbox/")).await?;
    unlock(&browser, PASSPHRASE).await?;
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;
    let row = browser
        .wait_for_text(&format!("tr[data-booking=\"{reference}\"]"))
        .await?;
    assert!(row.contains("Cancelled"), "{row}");
    let mark = browser
        .wait_for_text(&format!("tr[data-booking=\"{reference}\"] .sb-attendance"))
        .await?;
    assert_eq!(mark, "No-show", "{row}");
    eventually("the day's counts after the cancel", || async {
        let cells = counts_row(&browser, &day_row).await.ok()?;
        (cells
            .get(1..)
            .is_some_and(|totals| totals == ["0", "0", "1", "0", "0", "1"]))
        .then_some(())
    })
    .await?;
    assert_accessible(&browser, "inbox list with counts").await?;

    // The week: a row per day and the week's total, reached by keyboard.
    browser
        .wait_for("#sb-week")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    eventually("the week's counts", || async {
        let days = browser
            .script("return document.querySelectorAll('#sb-counts-table tbody tr').length;")
            .await
            .ok()?;
        let total = counts_row(&browser, "#sb-counts-week").await.ok()?;
        (days == serde_json::json!(7)
            && total
                .get(1..)
                .is_some_and(|totals| totals == ["0", "0", "1", "0", "0", "1"]))
        .then_some(())
    })
    .await?;
    assert_accessible(&browser, "inbox week with counts").await?;
    let counts = browser.wait_for_text("#sb-counts").await?;
    assert!(!counts.contains(&name), "counts name nobody: {counts}");

    // The CSV keeps the status and the mark apart.
    click(&browser, "#sb-export-csv").await?;
    let to = browser
        .script(
            "return document.querySelector('#sb-counts-table tbody tr:last-child').dataset.date;",
        )
        .await?;
    let csv = String::from_utf8(
        browser
            .downloaded(&format!(
                "bookings-{day}-{}.csv",
                to.as_str().unwrap_or_default()
            ))
            .await?,
    )?;
    assert!(csv.contains(",cancelled,no_show,"), "{csv}");
    browser.close().await?;
    Ok(())
}

/// Sets an input of the page to `value` as typing would (an `input` event), for
/// the date inputs whose typed form depends on the browser's locale.
async fn set_input(browser: &Browser, css: &str, value: &str) -> anyhow::Result<()> {
    browser.wait_for(css).await?;
    browser
        .script(&format!(
            "const input = document.querySelector('{css}');
             Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, {value});
             input.dispatchEvent(new Event('input', {{ bubbles: true }}));",
            value = serde_json::Value::from(value)
        ))
        .await?;
    Ok(())
}

/// The availability of `day` and the fortnight after it, as `process` serves it.
async fn fortnight_on(process: &SecondProcess, day: &str) -> anyhow::Result<serde_json::Value> {
    let last = add_days(day, 14)?;
    let (status, body) = process
        .request(
            "GET",
            &format!("/api/v1/businesses/bistro-schedule/availability?from={day}&to={last}"),
        )
        .await?;
    anyhow::ensure!(status == 200, "availability answered {status}: {body}");
    Ok(serde_json::from_str(&body)?)
}

/// `YYYY-MM-DD` plus `days`, in the proleptic Gregorian calendar.
fn add_days(day: &str, days: i64) -> anyhow::Result<String> {
    let (year, month, date) = parse_day(day)?;
    let (year, month, date) = civil_from_days(days_from_civil(year, month, date) + days);
    Ok(format!("{year:04}-{month:02}-{date:02}"))
}

fn parse_day(day: &str) -> anyhow::Result<(i64, i64, i64)> {
    let mut parts = day.split('-').map(str::parse::<i64>);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(year)), Some(Ok(month)), Some(Ok(date))) => Ok((year, month, date)),
        _ => anyhow::bail!("not a day: {day}"),
    }
}

/// Every open Tuesday of `availability` has times from 12:00 to before 14:00
/// only, and there is at least one.
fn tuesdays_end_by_two(availability: &serde_json::Value) -> bool {
    let tuesdays: Vec<&serde_json::Value> = availability["days"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|day| {
            day["open"] == true
                && day["date"]
                    .as_str()
                    .and_then(|date| parse_day(date).ok())
                    .is_some_and(|(year, month, date)| {
                        (days_from_civil(year, month, date) + 4).rem_euclid(7) == 2
                    })
        })
        .collect();
    !tuesdays.is_empty()
        && tuesdays.iter().all(|day| {
            day["slots"].as_array().into_iter().flatten().all(|slot| {
                slot["local"]
                    .as_str()
                    .is_some_and(|local| ("12:00".."14:00").contains(&local))
            })
        })
}

/// The visitor's calendar on `process`: `day` is not bookable, and the month
/// says why, with the closure's note.
async fn closed_day_in_the_widget(process: &SecondProcess, day: &str) -> anyhow::Result<()> {
    let browser = Browser::start().await?;
    let widget = browser
        .open_widget(&process.url("/book/bistro-schedule"))
        .await?;
    widget.press("#sb-next", &key(Key::Enter)).await?;
    let cell = format!("td[data-v=\"{day}\"]");
    for _ in 0..3 {
        widget.wait_for("table.sb-cal:not([aria-busy])").await?;
        if widget.find(&cell).await.is_ok() {
            break;
        }
        widget.press("#sb-nm", &key(Key::Enter)).await?;
    }
    let class = widget
        .find(&cell)
        .await?
        .attr("class")
        .await?
        .unwrap_or_default();
    assert!(class.contains("sb-off"), "{cell} is {class}");
    let note = widget.wait_for_text(".sb-closure").await?;
    assert!(note.contains("Fermeture exceptionnelle"), "{note}");
    assert_accessible(&browser, "calendar with a closure").await?;
    browser.screenshot("widget-closure-note").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_changes_the_schedule_and_calls_the_bookings_it_no_longer_fits()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let (sealbook, name, reference, day) = with_one_booking("bistro-schedule").await?;
    // A second process on the same database, as behind a load balancer: the
    // change made through the first must reach visitors of this one too.
    let second = sealbook.second_process().await?;
    let fortnight = fortnight_on(&second, &day).await?;
    assert_eq!(fortnight["days"][0]["open"], true, "{fortnight}");
    assert!(
        !tuesdays_end_by_two(&fortnight),
        "before the change, Tuesdays go on after 14:00: {fortnight}"
    );
    let browser = Browser::start().await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(&browser, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    click(&browser, "#sb-nav-schedule").await?;
    browser.wait_for("#sb-s-hours-tue").await?;
    assert_accessible(&browser, "schedule").await?;

    // A problem is shown beside its field, which takes the focus; nothing is saved.
    set_input(&browser, "#sb-s-hours-tue", "12:00-15:00, 14:00-16:00").await?;
    click(&browser, "#sb-schedule-check").await?;
    let problem = browser.wait_for_text("#sb-s-hours-tue-problem").await?;
    assert_eq!(problem, "Overlaps another period of the same day.");
    eventually("the focus on the field", || async {
        (focused_id(&browser).await.ok()? == "sb-s-hours-tue").then_some(())
    })
    .await?;
    assert_accessible(&browser, "schedule with a problem").await?;
    browser.screenshot("schedule-problem").await?;

    // Tuesday's hours change, and the booked day closes, with a note for visitors.
    set_input(&browser, "#sb-s-hours-tue", "12:00-14:00").await?;
    click(&browser, "#sb-add-closure").await?;
    set_input(&browser, "#sb-s-closures-0-from", &day).await?;
    set_input(&browser, "#sb-s-closures-0-to", &day).await?;
    set_input(
        &browser,
        "#sb-s-closures-0-note-fr",
        "Fermeture exceptionnelle",
    )
    .await?;
    tab_to(&browser, "#sb-schedule-check").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    // The booking it no longer fits is opened here, name and contact, to call.
    let affected = browser.wait_for_text("#sb-affected tbody").await?;
    assert!(affected.contains(&name), "{affected}");
    assert!(affected.contains("+33 6 98 76 54 32"), "{affected}");
    assert_accessible(&browser, "bookings to call").await?;
    browser.screenshot("schedule-bookings-to-call").await?;
    tab_to(&browser, "#sb-schedule-save").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-schedule-result[role=status]").await?;
    let saved = std::time::Instant::now();

    // Live on the second process within a second, with no restart: the day
    // closed, Tuesdays from 12:00 to 14:00.
    let fortnight = eventually("the change on the second process", || async {
        let fortnight = fortnight_on(&second, &day).await.ok()?;
        (fortnight["days"][0]["open"] == false && tuesdays_end_by_two(&fortnight))
            .then_some(fortnight)
    })
    .await?;
    let live_after = saved.elapsed();
    eprintln!("the change was live on the second process {live_after:?} after it was saved");
    assert!(
        live_after < std::time::Duration::from_secs(1),
        "the second process served the change {live_after:?} after it was saved"
    );
    assert_eq!(
        fortnight["days"][0]["note"]["fr"], "Fermeture exceptionnelle",
        "{fortnight}"
    );
    closed_day_in_the_widget(&second, &day).await?;

    // Live at once: that day is closed to visitors; the booking is kept, marked.
    let availability = browser
        .script_async(&format!(
            "const done = arguments[arguments.length - 1];
             fetch('/api/v1/businesses/bistro-schedule/availability?from={day}&to={day}')
               .then(r => r.json()).then(done, e => done(String(e)));"
        ))
        .await?;
    assert_eq!(availability["days"][0]["open"], false, "{availability}");
    click(&browser, "#sb-nav-bookings").await?;
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;
    let row = browser
        .wait_for_text(&format!("tr[data-booking=\"{reference}\"]"))
        .await?;
    assert!(row.contains("Needs attention"), "{row}");
    browser.screenshot("list-needs-attention").await?;
    browser
        .script(&format!(
            "document.querySelector('tr[data-booking=\"{reference}\"] button').click();"
        ))
        .await?;
    let facts = browser.wait_for_text("#sb-facts").await?;
    assert!(facts.contains("Needs attention"), "{facts}");
    click(&browser, "#sb-clear-attention").await?;
    eventually("the mark cleared", || async {
        let facts = browser.wait_for_text("#sb-facts").await.ok()?;
        (!facts.contains("Needs attention")).then_some(())
    })
    .await?;
    assert_accessible(&browser, "booking after the call").await?;
    browser.close().await?;

    // The name only ever crossed the wire sealed, on its way to the inbox.
    for traffic in [sealbook.proxy.traffic(), second.proxy.traffic()] {
        assert_eq!(
            occurrences(&traffic, name.as_bytes()),
            0,
            "the canary in clear"
        );
    }
    assert_eq!(
        occurrences(&sealbook.log(), name.as_bytes()),
        0,
        "the canary in the log"
    );
    assert_eq!(
        occurrences(&sealbook.database_bytes().await?, name.as_bytes()),
        0,
        "the canary in the database"
    );
    Ok(())
}

/// Today's date in UTC, `YYYY-MM-DD`.
fn today_utc() -> anyhow::Result<String> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let (year, month, day) = civil_from_days(i64::try_from(seconds / 86_400)?);
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

/// A practice's owner adds a service and a practitioner who works Monday
/// mornings only, by keyboard: each "Add" puts the focus in the new entry, a
/// mistyped id is pointed out beside its field, and once saved the new
/// practitioner is bookable for the new service on Mondays from 8 to 12 only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_practice_adds_a_service_and_a_practitioner_with_hours_of_their_own() -> anyhow::Result<()>
{
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start("praxis-team", &[]).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;
    let browser = Browser::start().await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(&browser, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    click(&browser, "#sb-nav-schedule").await?;
    browser.wait_for("#sb-add-service").await?;
    assert_accessible(&browser, "a practice's schedule").await?;

    // A new service: its id (mistyped), its names, an hour long.
    tab_to(&browser, "#sb-add-service").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    eventually("the focus in the new service", || async {
        (focused_id(&browser).await.ok()? == "sb-s-services-1-id").then_some(())
    })
    .await?;
    type_here(&browser, "Massage 60", Some(Key::Tab)).await?;
    type_here(&browser, "Massage", Some(Key::Tab)).await?;
    type_here(&browser, "Massage", Some(Key::Tab)).await?;
    type_here(&browser, "Massage", Some(Key::Tab)).await?;
    // The visitors' other languages wait behind a disclosure: open it, and name
    // the service for Spanish visitors.
    type_here(&browser, "", Some(Key::Enter)).await?;
    type_here(&browser, "", Some(Key::Tab)).await?;
    eventually("the focus on the Spanish name", || async {
        (focused_id(&browser).await.ok()? == "sb-s-services-1-name-es").then_some(())
    })
    .await?;
    type_here(&browser, "Masaje", None).await?;
    assert_accessible(&browser, "a service's names in other languages").await?;
    set_input(&browser, "#sb-s-services-1-duration_minutes", "60").await?;

    // A new practitioner offering it, on Monday mornings only.
    tab_to(&browser, "#sb-add-practitioner").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    eventually("the focus in the new practitioner", || async {
        (focused_id(&browser).await.ok()? == "sb-s-practitioners-1-id").then_some(())
    })
    .await?;
    type_here(&browser, "jonas", Some(Key::Tab)).await?;
    type_here(&browser, "Jonas Brandt", None).await?;
    tab_to(&browser, "#sb-s-practitioners-1-services-1").await?;
    type_here(&browser, " ", None).await?;
    tab_to(&browser, "#sb-s-practitioners-1-own_hours").await?;
    type_here(&browser, " ", None).await?;
    browser.wait_for("#sb-s-practitioners-1-hours-mon").await?;
    set_input(&browser, "#sb-s-practitioners-1-hours-mon", "08:00-12:00").await?;
    for day in ["tue", "wed", "thu", "fri", "sat", "sun"] {
        set_input(&browser, &format!("#sb-s-practitioners-1-hours-{day}"), "").await?;
    }
    assert_accessible(&browser, "a new service and practitioner").await?;
    browser.screenshot("schedule-new-practitioner").await?;

    // The id is refused beside its field, which takes the focus.
    tab_to(&browser, "#sb-schedule-check").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    let problem = browser.wait_for_text("#sb-s-services-1-id-problem").await?;
    assert_eq!(problem, "Only a-z, 0-9 and -, up to 64.");
    eventually("the focus on the id", || async {
        (focused_id(&browser).await.ok()? == "sb-s-services-1-id").then_some(())
    })
    .await?;
    assert_accessible(&browser, "a mistyped id").await?;
    set_input(&browser, "#sb-s-services-1-id", "massage-60").await?;
    tab_to(&browser, "#sb-schedule-check").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-schedule-save").await?;
    tab_to(&browser, "#sb-schedule-save").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-schedule-result[role=status]").await?;
    // Saved, the entries' ids are kept by bookings: shown, no longer typed.
    browser.wait_for("#sb-s-practitioners-1-name").await?;
    anyhow::ensure!(
        browser
            .script("return document.getElementById('sb-s-practitioners-1-id') === null;")
            .await?
            == true,
        "a saved practitioner's id is no longer an input"
    );
    browser.close().await?;

    // Spanish visitors read the service's Spanish name.
    let (status, body) = sealbook
        .request("GET", "/api/v1/businesses/praxis-team/profile", &[], None)
        .await?;
    assert_eq!(status, 200, "{body}");
    let profile: serde_json::Value = serde_json::from_str(&body)?;
    let massage = profile["services"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|service| service["id"] == "massage-60")
        .ok_or_else(|| anyhow::anyhow!("the massage in {profile}"))?;
    assert_eq!(massage["name"]["es"], "Masaje", "{massage}");

    // Jonas is bookable for the massage on Mondays from 8 to 12, and only then.
    // `to` is inclusive: fourteen days hold exactly two Mondays whatever
    // the weekday the test runs on.
    let from = add_days(&today_utc()?, 1)?;
    let to = add_days(&from, 13)?;
    let (status, body) = sealbook
        .request(
            "GET",
            &format!(
                "/api/v1/businesses/praxis-team/availability?from={from}&to={to}&service=massage-60&practitioner=jonas"
            ),
            &[],
            None,
        )
        .await?;
    assert_eq!(status, 200, "{body}");
    let availability: serde_json::Value = serde_json::from_str(&body)?;
    let open: Vec<&serde_json::Value> = availability["days"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|day| day["open"] == true)
        .collect();
    assert_eq!(open.len(), 2, "two Mondays in a fortnight: {availability}");
    for day in open {
        let (year, month, date) = parse_day(day["date"].as_str().unwrap_or_default())?;
        assert_eq!(
            (days_from_civil(year, month, date) + 3).rem_euclid(7),
            0,
            "a Monday: {day}"
        );
        for slot in day["slots"].as_array().into_iter().flatten() {
            let local = slot["local"].as_str().unwrap_or_default();
            assert!(("08:00"..="11:00").contains(&local), "{day}");
        }
    }
    Ok(())
}

/// A phone booking entered by keyboard alone: "New booking", the party, a day
/// and a free time from the availability API, the guest's name and phone, Enter.
/// The browser seals it to the business's key; it opens in the inbox saying it
/// was entered by staff and shows in the day's list. Then a block of four covers
/// with a label, listed as a block. The canary typed in (name and label) is in
/// no byte that crossed the wire, in the database or in the server's log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_enter_a_phone_booking_by_keyboard_sealed_on_their_device() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start("bistro-phone", &[]).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;
    let name = canary();
    let phone = "+33 6 11 22 33 44";

    let browser = Browser::start().await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    browser.wait_for("#sb-email").await?;
    tab_to(&browser, "#sb-email").await?;
    type_here(&browser, OWNER, Some(Key::Tab)).await?;
    type_here(&browser, OWNER_PASSWORD, Some(Key::Enter)).await?;
    browser.wait_for("#sb-passphrase").await?;
    tab_to(&browser, "#sb-passphrase").await?;
    type_here(&browser, PASSPHRASE, Some(Key::Enter)).await?;
    browser.wait_for("#sb-from").await?;

    tab_to(&browser, "#sb-nav-new").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-new-form").await?;
    eventually("the focus on the new booking heading", || async {
        (focused_id(&browser).await.ok()? == "sb-heading").then_some(())
    })
    .await?;
    // Tomorrow, Paris time: the whole day's times are still ahead.
    let tomorrow = browser
        .script(
            "const d = new Date(Date.now() + 86400000);
             return d.toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });",
        )
        .await?;
    let day = tomorrow.as_str().unwrap_or_default().to_owned();
    NEW_BOOKING.turn_to(&browser, &day, 1).await?;
    assert_accessible(&browser, "new booking").await?;

    // Saving without a time or a name puts each error beside its field.
    tab_to(&browser, "#sb-new-save").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    let slot_error = browser.wait_for_text("#sb-new-slot-error").await?;
    assert_eq!(slot_error, "Choose a time");
    assert_eq!(focused_id(&browser).await?, "sb-new-slot");
    let described = browser
        .script("return document.getElementById('sb-new-name').getAttribute('aria-describedby');")
        .await?;
    assert_eq!(described, "sb-new-name-error");
    assert_accessible(&browser, "new booking with errors").await?;

    // The first free time, by the arrow key, then the guest's details.
    type_here(&browser, "", Some(Key::Down)).await?;
    let start = browser
        .script("return document.getElementById('sb-new-slot').value;")
        .await?;
    let start = start.as_str().unwrap_or_default().to_owned();
    assert!(start.starts_with(&day[..4]), "a slot's UTC start: {start}");
    tab_to(&browser, "#sb-new-name").await?;
    type_here(&browser, &name, Some(Key::Tab)).await?;
    assert_eq!(focused_id(&browser).await?, "sb-new-phone");
    type_here(&browser, phone, Some(Key::Enter)).await?;

    let facts = browser.wait_for_text("#sb-facts").await?;
    assert!(facts.contains(&name), "{facts}");
    assert!(facts.contains(phone), "{facts}");
    assert!(
        facts.contains("Entered by") && facts.contains("Staff"),
        "{facts}"
    );
    eventually("the focus on the booking's heading", || async {
        (focused_id(&browser).await.ok()? == "sb-heading").then_some(())
    })
    .await?;
    assert_accessible(&browser, "staff booking detail").await?;
    tab_to(&browser, "#sb-back").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;

    // A block the same day: four covers, its label sealed like the booking.
    let label = format!("{name} private party");
    tab_to(&browser, "#sb-nav-block").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-block-form").await?;
    eventually("the focus on the block heading", || async {
        (focused_id(&browser).await.ok()? == "sb-heading").then_some(())
    })
    .await?;
    assert_accessible(&browser, "block time").await?;
    browser
        .script(&format!(
            "for (const [id, value, kind] of [['sb-block-date', '{day}', 'change'], ['sb-block-from', '15:00', 'input'], ['sb-block-to', '16:30', 'input']]) {{
               const input = document.getElementById(id); input.value = value;
               input.dispatchEvent(new Event(kind, {{ bubbles: true }}));
             }}"
        ))
        .await?;
    tab_to(&browser, "#sb-block-covers").await?;
    type_here(&browser, "4", Some(Key::Tab)).await?;
    assert_eq!(focused_id(&browser).await?, "sb-block-label");
    type_here(&browser, &label, Some(Key::Enter)).await?;
    let facts = browser.wait_for_text("#sb-facts").await?;
    assert!(facts.contains(&label) && facts.contains("Block"), "{facts}");
    tab_to(&browser, "#sb-back").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &label).await?;
    let what = browser
        .script("return Array.from(document.querySelectorAll('#sb-bookings tr')).map(r => r.textContent).join('\\n');")
        .await?;
    assert!(
        what.as_str()
            .unwrap_or_default()
            .contains("Block · 4 people"),
        "{what}"
    );

    tab_to(&browser, "#sb-logout").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-email").await?;
    browser.close().await?;

    // The business's key file opens both: sealed to the business, marked as staff's.
    let opened = sealbook.open_bookings().await?;
    let bookings = opened.as_array().map_or(&[][..], Vec::as_slice);
    assert_eq!(bookings.len(), 2, "{opened:#}");
    let booking = bookings
        .iter()
        .find(|row| row["booking"]["name"] == name.as_str())
        .expect("the phone booking");
    assert_eq!(booking["booking"]["source"], "staff", "{opened:#}");
    assert_eq!(booking["party_size"], 2, "{opened:#}");
    let block = bookings
        .iter()
        .find(|row| row["booking"]["block"]["label"] == label.as_str())
        .expect("the block");
    assert_eq!(block["party_size"], 4, "{opened:#}");

    let traffic = sealbook.proxy.traffic();
    assert_eq!(
        occurrences(&traffic, b"POST /api/v1/inbox/bookings "),
        1,
        "one upload crossed the wire"
    );
    assert_eq!(occurrences(&traffic, b"POST /api/v1/inbox/blocks "), 1);
    let database = sealbook.database_bytes().await?;
    let log = sealbook.log();
    for (place, bytes) in [
        ("traffic", &traffic),
        ("database", &database),
        ("log", &log),
    ] {
        assert_eq!(
            occurrences(bytes, name.as_bytes()),
            0,
            "the canary in the {place}"
        );
        assert_eq!(
            occurrences(bytes, phone.as_bytes()),
            0,
            "the phone in the {place}"
        );
    }
    Ok(())
}

/// A visitor's booking moved from the inbox by keyboard: "Move", another free
/// time, Enter. The visitor's manage page then shows the new time and still
/// opens the booking (its copy is untouched; the time comes from the server).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_moved_in_the_inbox_shows_its_new_time_on_the_visitors_page() -> anyhow::Result<()>
{
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start("bistro-move", &[]).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;
    let name = canary();
    let browser = Browser::start().await?;
    let widget = browser
        .open_widget(&sealbook.url(&format!("/book/{}", sealbook.business)))
        .await?;
    choose_first_free_slot(&widget, None).await?;
    fill_details(&widget, &name, "+33 6 98 76 54 32").await?;
    widget.press("#sb-contact", &key(Key::Enter)).await?;
    send(&widget).await?;
    let reference = widget
        .wait_for_text("#sb-reference")
        .await?
        .trim()
        .to_owned();
    let manage_link = widget.value("#sb-manage").await?;
    browser.goto(&manage_link).await?;
    assert_eq!(browser.wait_for_text("#sb-manage-name").await?, name);
    let before = browser.wait_for_text("#sb-when").await?;
    let opened = sealbook.open_bookings().await?;
    let booked_start = opened[0]["start"].as_str().unwrap_or_default().to_owned();
    let day = booked_start.get(..10).unwrap_or_default().to_owned();

    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(&browser, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;
    tab_to(
        &browser,
        &format!("tr[data-booking=\"{reference}\"] button"),
    )
    .await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-facts").await?;
    tab_to(&browser, "#sb-move").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-move-form").await?;
    eventually("the focus on the move's date", || async {
        (focused_id(&browser).await.ok()? == "sb-move-date").then_some(())
    })
    .await?;
    let next_day = move_form_to_next_day(&browser, &booked_start).await?;
    // A staff member who turns the day twice quickly sees only the times of
    // the day picked last, however late the first day's answer comes.
    MOVE_FORM
        .drops_a_late_answer(&browser, &next_day, &days_after(&booked_start, 2)?)
        .await?;
    assert_accessible(&browser, "move").await?;
    // A free time other than the booked one, by the arrow keys.
    tab_to(&browser, "#sb-move-slot").await?;
    let mut chosen = String::new();
    for _ in 0..60 {
        type_here(&browser, "", Some(Key::Down)).await?;
        let value = browser
            .script("return document.getElementById('sb-move-slot').value;")
            .await?;
        chosen = value.as_str().unwrap_or_default().to_owned();
        // Both are the server's UTC form (`…Z`), from the API and the CLI.
        if !chosen.is_empty() && chosen != booked_start {
            break;
        }
    }
    assert!(!chosen.is_empty(), "a free time to move to");
    tab_to(&browser, "#sb-move-save").await?;
    type_here(&browser, "", Some(Key::Enter)).await?;
    browser.wait_for("#sb-moved").await?;
    assert_accessible(&browser, "moved").await?;
    let facts = browser.wait_for_text("#sb-facts").await?;
    assert!(facts.contains(&name), "still opened: {facts}");
    browser.goto(&sealbook.url("/inbox/")).await?;

    // The visitor's page: the new time, the booking still readable.
    browser.goto(&manage_link).await?;
    assert_eq!(browser.wait_for_text("#sb-manage-name").await?, name);
    let after = browser.wait_for_text("#sb-when").await?;
    assert_ne!(after, before, "the manage page shows the new time");
    browser.close().await?;
    let opened = sealbook.open_bookings().await?;
    let moved_start = opened[0]["start"].as_str().unwrap_or_default();
    assert_eq!(moved_start, chosen, "the stored start is the chosen one");
    Ok(())
}

in_each_browser!(
    /// The widget seals in Firefox ESR (its WebCrypto, its wasm engine); the
    /// inbox, in either browser, unlocks the business key and shows the name.
    a_booking_sealed_in_firefox_esr_opens_decrypted_in_the_inbox => firefox_booking_in_the_inbox
);

async fn firefox_booking_in_the_inbox(inbox: BrowserKind) -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start("bistro-firefox", &[]).await?;
    let name = canary();
    let (reference, day, _) = book_in(BrowserKind::Firefox, &sealbook, &name).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;

    let browser = Browser::start_in(inbox).await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(&browser, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    show_day(&browser, &day).await?;
    wait_for_row(&browser, &name).await?;
    assert_accessible(&browser, &format!("inbox list in {inbox}")).await?;
    browser
        .script(&format!(
            "document.querySelector('tr[data-booking=\"{reference}\"] button').click();"
        ))
        .await?;
    let facts = browser.wait_for_text("#sb-facts").await?;
    assert!(facts.contains(&name), "{facts}");
    assert!(facts.contains("+33 6 98 76 54 32"), "{facts}");
    browser.close().await?;

    let traffic = sealbook.proxy.traffic();
    assert_nothing_personal_in(&traffic, &name);
    Ok(())
}
