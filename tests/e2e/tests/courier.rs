//! Visitor messages in real headless Chromium. A visitor ticks "send me a
//! confirmation and reminders" in the widget; the owner makes a courier token
//! in the inbox; the real `sealbook courier` delivers the confirmation, in the
//! visitor's language, to a real SMTP server on loopback; its cancel link
//! cancels the booking and reads nothing; staff moving the booking in the inbox
//! sends the visitor a change notice. A courier key the script tag does not
//! pin means nothing is sealed or sent. The visitor's name and address cross
//! the wire and rest on the server only as ciphertext.

use fantoccini::key::Key;
use sealbook_e2e::api::{Sealed, first_free_start};
use sealbook_e2e::courier::{Courier, token_from_inbox};
use sealbook_e2e::flow::{canary, choose_first_free_slot, key, send};
use sealbook_e2e::inbox::{click, move_form_to_next_day, show_day, wait_for_row};
use sealbook_e2e::{
    Browser, HostSite, Sealbook, assert_nowhere, courier_keygen, eventually, occurrences,
};
use sealbook_envelope::Recipient;

const CANARY: &str = "canary-93be.cancel@example.org";
const BUSINESS: &str = "bistro-courier";
const OWNER: &str = "owner@bistro-courier.example";
const OWNER_PASSWORD: &str = "owner password 2026";

/// One browser at a time: two cores.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_link_cancels_by_keyboard_and_opens_nothing() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let courier_pem = sealbook_testkit::contact_card_vector(0)["public_key_pem"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let sealbook = Sealbook::start_with(
        BUSINESS,
        &[],
        &format!(
            "[business.courier]\nkeys = [{{ pem = \"\"\"\n{courier_pem}\"\"\" }}]\nchannels = [\"email\"]\n"
        ),
    )
    .await?;
    let courier = Recipient::from_spki_pem(&courier_pem)?;
    let start = first_free_start(&sealbook, (2, 8)).await?;
    let sealed = Sealed::new(&sealbook, &start, Some((&courier, CANARY)))?;
    let cancel = sealed.secret.cancel_token();
    let (status, answer) = sealed.book(&sealbook).await?;
    anyhow::ensure!(status == 201, "booking: {status} {answer}");

    let browser = Browser::start().await?;
    // A token that is not one: one message, nothing else.
    browser
        .goto(&sealbook.url("/manage/cancel?lang=fr#not-a-token"))
        .await?;
    let invalid = browser.wait_for_text("#sb-invalid").await?;
    anyhow::ensure!(invalid.contains("n’est pas valable"), "{invalid}");

    // A fresh page, as a link opened from a message is (only the fragment
    // differs, which the browser would treat as the same document).
    browser.goto("about:blank").await?;
    browser
        .goto(&sealbook.url(&format!("/manage/cancel?lang=fr#{}", cancel.to_base64url())))
        .await?;
    browser.wait_for("#sb-cancel-yes").await?;
    let page = browser.script("return document.body.innerText;").await?;
    let page = page.as_str().unwrap_or_default();
    for expected in [
        "Annuler votre réservation",
        "Test business",
        "Ce lien permet seulement d’annuler",
    ] {
        anyhow::ensure!(page.contains(expected), "{expected} in {page}");
    }
    let lang = browser
        .script("return document.documentElement.lang;")
        .await?;
    anyhow::ensure!(lang == "fr", "the page speaks the link's language: {lang}");
    let violations = browser.accessibility_violations().await?;
    anyhow::ensure!(violations.is_empty(), "axe-core: {violations:#?}");

    // By keyboard: Tab reaches the button, Enter cancels.
    browser
        .script("document.activeElement && document.activeElement.blur();")
        .await?;
    let mut reached = false;
    for _ in 0..10 {
        browser
            .wait_for("body")
            .await?
            .send_keys(&key(Key::Tab))
            .await?;
        let focused = browser
            .script("return document.activeElement && document.activeElement.id;")
            .await?;
        if focused == "sb-cancel-yes" {
            reached = true;
            break;
        }
    }
    anyhow::ensure!(reached, "Tab reaches the cancel button");
    browser
        .wait_for("#sb-cancel-yes")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    let done = browser
        .wait_for_text("#sb-status[data-status=cancelled]")
        .await?;
    anyhow::ensure!(done.contains("annulée"), "{done}");
    let focused = browser
        .script("return document.activeElement && document.activeElement.id;")
        .await?;
    anyhow::ensure!(
        focused == "sb-status",
        "the outcome takes the focus: {focused}"
    );
    let violations = browser.accessibility_violations().await?;
    anyhow::ensure!(
        violations.is_empty(),
        "axe-core after cancelling: {violations:#?}"
    );

    // Cancelled on the server; the card and its jobs went with it.
    let bearer = format!("Bearer {}", cancel.to_base64url());
    let status = eventually("the cancel link now answers not found", || async {
        let (status, _) = sealbook
            .request("GET", "/api/v1/cancel", &[("Authorization", &bearer)], None)
            .await
            .ok()?;
        (status == 404).then_some(status)
    })
    .await?;
    anyhow::ensure!(status == 404);

    browser.close().await?;
    let traffic = sealbook.proxy.traffic();
    anyhow::ensure!(
        occurrences(&traffic, CANARY.as_bytes()) == 0,
        "the address crossed the wire in the clear"
    );
    let database = sealbook.database_bytes().await?;
    anyhow::ensure!(
        occurrences(&database, b"canary-93be") == 0,
        "the address is in the database files"
    );
    anyhow::ensure!(
        occurrences(&sealbook.log(), b"canary-93be") == 0,
        "the address is in the log"
    );
    Ok(())
}

/// The host page: the widget in French, its keys and its courier's pinned.
fn host_page(sealbook: &Sealbook, business: &str, courier_pin: Option<&str>) -> String {
    let courier =
        courier_pin.map_or_else(String::new, |kid| format!(" data-courier-keys=\"{kid}\""));
    format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Chez Test</title></head><body>\
         <h1>Chez Test</h1><script src=\"{}\" data-business=\"{business}\" data-keys=\"{}\"{courier}></script></body></html>",
        sealbook.url("/widget/embed.js"),
        sealbook.kid,
    )
}

/// The details step with an e-mail contact and the messages box ticked, by keyboard.
async fn details_with_messages(
    widget: &sealbook_e2e::Widget<'_>,
    name: &str,
    email: &str,
) -> anyhow::Result<()> {
    widget.type_into("#sb-name", name).await?;
    widget.set_value("#sb-contact-kind", "email").await?;
    widget.type_into("#sb-contact", email).await?;
    let ticked = widget.find("#sb-messages").await?;
    anyhow::ensure!(
        ticked.prop("checked").await?.as_deref() == Some("false"),
        "the box starts unticked"
    );
    widget.press("#sb-messages", " ").await?;
    eventually("the box is ticked", || async {
        let checked = widget
            .find("#sb-messages")
            .await
            .ok()?
            .prop("checked")
            .await
            .ok()??;
        (checked == "true").then_some(())
    })
    .await?;
    widget.press("#sb-next", &key(Key::Enter)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_who_ticks_the_box_gets_the_couriers_confirmation_in_french() -> anyhow::Result<()>
{
    let Some(python) = sealbook_testkit::smtp_python() else {
        return Ok(());
    };
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let business = "bistro-messages";
    let keys = tempfile::tempdir()?;
    let courier_key = courier_keygen(keys.path(), business).await?;
    let site = HostSite::start().await?;
    let mut sealbook = Sealbook::start_with(
        business,
        &[site.origin()],
        &format!(
            "address = \"12 rue des Lilas, Paris\"\n[business.courier]\nkeys = [{{ file = \"{}\" }}]\nchannels = [\"email\", \"sms\"]\nreminders = [\"48h\"]\n",
            courier_key.public.display()
        ),
    )
    .await?;
    site.set_page(host_page(&sealbook, business, Some(&courier_key.kid)));
    let name = canary();
    let email = format!("{}@example.org", name.to_ascii_lowercase());

    let browser = Browser::start_speaking("fr-FR").await?;
    let widget = browser.open_widget(&format!("{}/", site.origin())).await?;
    choose_first_free_slot(&widget, None).await?;
    details_with_messages(&widget, &name, &email).await?;
    send(&widget).await?;
    let reference = widget
        .wait_for_text("#sb-reference")
        .await?
        .trim()
        .to_owned();

    // The owner makes the courier's token in the inbox.
    let token =
        token_from_inbox(&browser, &sealbook, (OWNER, OWNER_PASSWORD), "PC du bureau").await?;
    let listed = browser.wait_for_text("#sb-courier-tokens").await?;
    anyhow::ensure!(listed.contains("PC du bureau"), "{listed}");
    let violations = browser.accessibility_violations().await?;
    anyhow::ensure!(
        violations.is_empty(),
        "axe-core on the courier tokens: {violations:#?}"
    );

    // The script tag pins the courier's key only once the owner has chosen its
    // public key file here: the booking key's file is refused.
    click(&browser, "#sb-nav-snippet").await?;
    let tag = browser.wait_for_text("#sb-snippet").await?;
    anyhow::ensure!(!tag.contains("data-courier-keys"), "{tag}");
    browser.wait_for("#sb-courier-unpinned").await?;
    let booking_key = sealbook.dir.path().join(format!("keys/{business}.pub.pem"));
    browser
        .wait_for("#sb-courier-file")
        .await?
        .send_keys(&booking_key.display().to_string())
        .await?;
    browser.wait_for("#sb-courier-error").await?;
    browser
        .wait_for("#sb-courier-file")
        .await?
        .send_keys(&courier_key.public.display().to_string())
        .await?;
    let pinned = browser.wait_for_text("#sb-courier-pins").await?;
    anyhow::ensure!(pinned.contains(&courier_key.kid), "{pinned}");
    let tag = browser.wait_for_text("#sb-snippet").await?;
    anyhow::ensure!(
        tag.contains(&format!(
            "data-keys=\"{}\" data-courier-keys=\"{}\"",
            sealbook.kid, courier_key.kid
        )),
        "{tag}"
    );
    let violations = browser.accessibility_violations().await?;
    anyhow::ensure!(
        violations.is_empty(),
        "axe-core on the script tag with a courier: {violations:#?}"
    );

    // The courier, on the business's machine, with the business's mail server.
    let mut courier = Courier::start(&sealbook, &courier_key, &token, &python)?;
    let body = courier
        .mail_to(&email, "Votre réservation chez Test business est confirmée")
        .await?;
    for expected in [
        "Votre réservation chez Test business est confirmée",
        "12 rue des Lilas, Paris",
        "/manage/cancel?lang=fr#",
    ] {
        anyhow::ensure!(body.contains(expected), "{expected} in {body}");
    }
    anyhow::ensure!(
        !body.contains(&name),
        "the courier never sees the name: {body}"
    );

    // Staff move the booking in the inbox: the visitor hears of it.
    let opened = sealbook.open_bookings().await?;
    let booked_start = opened[0]["start"].as_str().unwrap_or_default().to_owned();
    click(&browser, "#sb-nav-bookings").await?;
    show_day(&browser, booked_start.get(..10).unwrap_or_default()).await?;
    wait_for_row(&browser, &name).await?;
    click(
        &browser,
        &format!("tr[data-booking=\"{reference}\"] button"),
    )
    .await?;
    click(&browser, "#sb-move").await?;
    move_form_to_next_day(&browser, &booked_start).await?;
    let moved_to = eventually("another free time to move to", || async {
        let chosen = browser
            .script(&format!(
                "const select = document.getElementById('sb-move-slot');
                 const other = select && Array.from(select.options)
                   .find(o => o.value.startsWith('2') && o.value !== '{booked_start}');
                 if (!other) return '';
                 select.value = other.value;
                 select.dispatchEvent(new Event('change', {{ bubbles: true }}));
                 return other.value;"
            ))
            .await
            .ok()?;
        chosen.as_str().filter(|v| !v.is_empty()).map(str::to_owned)
    })
    .await?;
    click(&browser, "#sb-move-save").await?;
    browser.wait_for("#sb-moved").await?;
    let notice = courier
        .mail_to(&email, "Votre réservation chez Test business a changé")
        .await?;
    anyhow::ensure!(
        notice.contains("/manage/cancel?lang=fr#"),
        "the notice carries the cancel link: {notice}"
    );
    let opened = sealbook.open_bookings().await?;
    anyhow::ensure!(opened[0]["start"] == moved_to.as_str(), "{opened}");

    // The cancel link from the mail cancels the booking.
    let link = body
        .split_whitespace()
        .find(|word| word.contains("/manage/cancel?lang=fr#"))
        .unwrap_or_default()
        .to_owned();
    browser.goto("about:blank").await?;
    browser.goto(&link).await?;
    browser
        .wait_for("#sb-cancel-yes")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    browser
        .wait_for("#sb-status[data-status=cancelled]")
        .await?;
    courier.kill().await?;
    browser.close().await?;
    sealbook.stop().await?;

    let opened = sealbook.open_bookings().await?;
    anyhow::ensure!(opened[0]["booking"]["name"] == name.as_str(), "{opened}");
    anyhow::ensure!(opened[0]["status"] == "cancelled", "{opened}");
    assert_nowhere(
        &[name.as_bytes(), email.as_bytes()],
        &[
            ("traffic", &sealbook.proxy.traffic()),
            ("database", &sealbook.database_bytes().await?),
            ("server log", &sealbook.log()),
            ("courier log", &courier.log()?),
        ],
    )?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_courier_key_the_tag_does_not_pin_means_nothing_is_sealed_or_sent() -> anyhow::Result<()>
{
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let business = "bistro-unpinned";
    let keys = tempfile::tempdir()?;
    let courier_key = courier_keygen(keys.path(), business).await?;
    let site = HostSite::start().await?;
    let mut sealbook = Sealbook::start_with(
        business,
        &[site.origin()],
        &format!(
            "[business.courier]\nkeys = [{{ file = \"{}\" }}]\n",
            courier_key.public.display()
        ),
    )
    .await?;
    // The tag pins a courier key, but not the one the server serves: what an
    // attacker who swapped the courier key on the server would face.
    let wrong_pin = "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_ne!(wrong_pin, courier_key.kid);
    site.set_page(host_page(&sealbook, business, Some(wrong_pin)));
    let name = canary();
    let browser = Browser::start_speaking("fr-FR").await?;
    let widget = browser.open_widget(&format!("{}/", site.origin())).await?;
    choose_first_free_slot(&widget, None).await?;
    details_with_messages(&widget, &name, "visitor@example.org").await?;
    send(&widget).await?;
    let code = eventually("the refusal", || async {
        widget
            .find("#sb-error")
            .await
            .ok()?
            .attr("data-code")
            .await
            .ok()?
    })
    .await?;
    anyhow::ensure!(code == "key_not_pinned", "{code}");
    browser.close().await?;
    sealbook.stop().await?;
    let traffic = sealbook.proxy.traffic();
    anyhow::ensure!(
        occurrences(&traffic, b"/bookings") == 0,
        "no upload was attempted"
    );
    anyhow::ensure!(occurrences(&traffic, name.as_bytes()) == 0);
    anyhow::ensure!(sealbook.open_bookings().await?.as_array().map(Vec::len) == Some(0));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_courier_pin_the_form_offers_no_messages_and_books_without() -> anyhow::Result<()>
{
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let business = "bistro-no-pin";
    let keys = tempfile::tempdir()?;
    let courier_key = courier_keygen(keys.path(), business).await?;
    let site = HostSite::start().await?;
    let mut sealbook = Sealbook::start_with(
        business,
        &[site.origin()],
        &format!(
            "[business.courier]\nkeys = [{{ file = \"{}\" }}]\n",
            courier_key.public.display()
        ),
    )
    .await?;
    site.set_page(host_page(&sealbook, business, None));
    let browser = Browser::start_speaking("fr-FR").await?;
    let widget = browser.open_widget(&format!("{}/", site.origin())).await?;
    choose_first_free_slot(&widget, None).await?;
    widget.type_into("#sb-name", &canary()).await?;
    widget.set_value("#sb-contact-kind", "email").await?;
    widget
        .type_into("#sb-contact", "visitor@example.org")
        .await?;
    anyhow::ensure!(
        widget.find("#sb-messages").await.is_err(),
        "no box without a courier pin"
    );
    widget.press("#sb-next", &key(Key::Enter)).await?;
    send(&widget).await?;
    widget.wait_for_text("#sb-reference").await?;
    browser.close().await?;
    sealbook.stop().await?;
    anyhow::ensure!(sealbook.open_bookings().await?.as_array().map(Vec::len) == Some(1));
    anyhow::ensure!(
        occurrences(&sealbook.proxy.traffic(), b"contact_card") == 0,
        "no card was sent"
    );
    Ok(())
}
