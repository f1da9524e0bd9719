//! The waitlist in real headless Chromium: the only slot of the first bookable
//! day is taken; a visitor picks it in the widget, where it is offered as a
//! waitlist, joins it by keyboard with the messages box ticked, and the real
//! `sealbook courier` tells them so on a real SMTP server on loopback. The
//! booking is cancelled; the server offers the freed seats to the visitor, the
//! courier sends the offer, and its link books them, by keyboard, in French;
//! the confirmation follows, and the seats are nobody else's. The visitor's
//! name and address cross the wire and rest on the server only as ciphertext.

use fantoccini::key::Key;
use sealbook_e2e::api::{Sealed, first_free_start};
use sealbook_e2e::civil::iso_date;
use sealbook_e2e::courier::{Courier, token_from_inbox};
use sealbook_e2e::flow::{assert_accessible, canary, choose_first_free_slot, key, send};
use sealbook_e2e::{Browser, HostSite, Sealbook, assert_nowhere, courier_keygen};

const BUSINESS: &str = "bistro-waitlist";
const OWNER: &str = "owner@bistro-waitlist.example";
const OWNER_PASSWORD: &str = "owner password 2026";

/// One table of two, one sitting a day (19:00): a day is full after one
/// booking. Closed today: the first bookable sitting is
/// always tomorrow's or later, at least 19 hours ahead. Open today, its sitting
/// would stop being bookable at 18:00 (the hour's lead), and a test run across
/// that minute would find it free through the API and too soon in the widget.
/// Three visitors book or wait at that sitting from the test's one address
/// (the first booking, the waitlist place, the booking refused while the
/// seats are held), one more than a client's default share of a time.
fn profile(courier_public: &str) -> anyhow::Result<String> {
    let hours = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .map(|day| format!("{day} = [\"19:00-20:45\"]"))
        .join(", ");
    // Paris's today lies between these two UTC dates, whatever the season.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let utc_day = |seconds: u64| i64::try_from(seconds / 86_400);
    let (first, last) = (iso_date(utc_day(now)?), iso_date(utc_day(now + 2 * 3_600)?));
    Ok(format!(
        "kind = \"restaurant\"\ntimezone = \"Europe/Paris\"\ncovers = 2\nmax_party_size = 2\nturn_minutes = 105\nhours = {{ {hours} }}\n\
         closures = [{{ from = \"{first}\", to = \"{last}\" }}]\n\
         [business.courier]\nkeys = [{{ file = \"{courier_public}\" }}]\nchannels = [\"email\"]\nreminders = [\"48h\"]\nwaitlist_hold = \"15m\"\n\
         [limits]\nbookings_per_slot = 3\n"
    ))
}

/// Books two at `start` through the API: the status, and the booking's id
/// (or the error's code) and manage token.
async fn book(sealbook: &Sealbook, start: &str) -> anyhow::Result<(u16, String, String)> {
    let sealed = Sealed::new(sealbook, start, None)?;
    let (status, answer) = sealed.book(sealbook).await?;
    let said = answer["id"]
        .as_str()
        .or(answer["error"]["code"].as_str())
        .unwrap_or_default()
        .to_owned();
    Ok((status, said, sealed.secret.token().to_base64url()))
}

fn link_in(body: &str) -> String {
    body.split_whitespace()
        .find(|word| word.contains("/manage/cancel?lang=fr#"))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_waits_for_a_full_slot_and_books_the_freed_seats_from_the_offer()
-> anyhow::Result<()> {
    let Some(python) = sealbook_testkit::smtp_python() else {
        return Ok(());
    };
    let keys = tempfile::tempdir()?;
    let courier_key = courier_keygen(keys.path(), BUSINESS).await?;
    let site = HostSite::start().await?;
    let mut sealbook = Sealbook::start_with_profile(
        BUSINESS,
        &[site.origin()],
        &profile(&courier_key.public.display().to_string())?,
    )
    .await?;
    site.set_page(format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Chez Test</title></head><body><main>\
         <h1>Chez Test</h1><script src=\"{}\" data-business=\"{BUSINESS}\" data-keys=\"{}\" data-courier-keys=\"{}\"></script></main></body></html>",
        sealbook.url("/widget/embed.js"),
        sealbook.kid,
        courier_key.kid,
    ));
    // The first bookable sitting is taken.
    let start = first_free_start(&sealbook, (0, 6)).await?;
    let (status, taken, taken_token) = book(&sealbook, &start).await?;
    anyhow::ensure!(status == 201, "the first booking: {status} {taken}");

    // The visitor finds that day full, with its waitlist, and joins it by keyboard.
    let name = canary();
    let email = format!("{}@example.org", name.to_ascii_lowercase());
    let browser = Browser::start_speaking("fr-FR").await?;
    let widget = browser.open_widget(&format!("{}/", site.origin())).await?;
    choose_first_free_slot(&widget, Some(&browser)).await?;
    let lead = widget.wait_for_text("#sb-step").await?;
    anyhow::ensure!(!lead.is_empty());
    widget.type_into("#sb-name", &name).await?;
    widget.set_value("#sb-contact-kind", "email").await?;
    widget.type_into("#sb-contact", &email).await?;
    // Without the messages, the waitlist cannot write: the box says so.
    widget.press("#sb-next", &key(Key::Enter)).await?;
    let error = widget.wait_for_text("#sb-messages-error").await?;
    anyhow::ensure!(error.contains("liste d’attente"), "{error}");
    assert_accessible(&browser, "the waitlist's details").await?;
    widget.press("#sb-messages", " ").await?;
    widget.press("#sb-next", &key(Key::Enter)).await?;
    let submit = widget.wait_for_text("#sb-submit").await?;
    anyhow::ensure!(submit.contains("liste d’attente"), "{submit}");
    send(&widget).await?;
    widget.wait_for_text("#sb-reference").await?;
    let manage_link = widget.value("#sb-manage").await?;
    let result = widget.wait_for_text("#sb-result").await?;
    anyhow::ensure!(result.contains("liste d’attente"), "{result}");
    anyhow::ensure!(
        widget.find("#sb-ics").await.is_err(),
        "a place on the waitlist goes in no calendar"
    );
    assert_accessible(&browser, "on the waitlist").await?;

    // The owner's courier token, made in the inbox; the courier on its machine.
    let token =
        token_from_inbox(&browser, &sealbook, (OWNER, OWNER_PASSWORD), "PC du bureau").await?;
    let mut courier = Courier::start(&sealbook, &courier_key, &token, &python)?;
    let waiting = courier
        .mail_to(&email, "Pour quitter la liste d'attente")
        .await?;
    anyhow::ensure!(!link_in(&waiting).is_empty(), "{waiting}");

    // The booking is cancelled: the freed seats are offered to the visitor.
    let (status, answer) = sealbook
        .request(
            "POST",
            &format!("/api/v1/bookings/{taken}/cancel"),
            &[("Authorization", &format!("Bearer {taken_token}"))],
            None,
        )
        .await?;
    anyhow::ensure!(status == 200, "cancel: {status} {answer}");
    let offer = courier.mail_to(&email, "Réserver ces places").await?;
    let link = link_in(&offer);
    anyhow::ensure!(!link.is_empty(), "{offer}");
    // Held for the visitor: nobody else books them meanwhile.
    let (status, refused, _) = book(&sealbook, &start).await?;
    anyhow::ensure!(
        (status, refused.as_str()) == (409, "slot_full"),
        "{status} {refused}"
    );

    // The visitor's own link shows the offer too, with its time.
    browser.goto("about:blank").await?;
    browser.goto(&manage_link).await?;
    let offered = browser.wait_for_text("#sb-offer").await?;
    anyhow::ensure!(offered.contains("réservées jusqu"), "{offered}");
    browser.wait_for("#sb-take-offer").await?;
    assert_accessible(&browser, "the offer on the manage page").await?;

    // The offer's link books the seats, by keyboard.
    browser.goto("about:blank").await?;
    browser.goto(&link).await?;
    browser.wait_for("#sb-take-offer").await?;
    assert_accessible(&browser, "the offer").await?;
    browser
        .wait_for("#sb-take-offer")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    browser.wait_for("#sb-status[data-status=booked]").await?;
    courier.mail_to(&email, "est confirmée").await?;
    courier.kill().await?;
    browser.close().await?;
    sealbook.stop().await?;

    let opened = sealbook.open_bookings().await?;
    let visitor = opened
        .as_array()
        .into_iter()
        .flatten()
        .find(|booking| booking["booking"]["name"] == name.as_str())
        .ok_or_else(|| anyhow::anyhow!("the visitor's booking: {opened}"))?;
    anyhow::ensure!(
        visitor["status"] == "confirmed" && visitor["start"] == start.as_str(),
        "{visitor}"
    );
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
