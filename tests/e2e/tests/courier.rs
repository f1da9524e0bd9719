//! A message's cancel link in real headless Chromium: the page says where and
//! when the booking is, in the language the link names, cancels it by keyboard,
//! and reads nothing else; a wrong token shows one message. The visitor's
//! address, sealed in the contact card, crosses the wire only as ciphertext.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fantoccini::key::Key;
use sealbook_e2e::flow::key;
use sealbook_e2e::{Browser, Sealbook, eventually};
use sealbook_envelope::{
    ManageSecret, Recipient, SealParams, seal, seal_contact_card, seal_visitor_copy,
};

const CANARY: &str = "canary-93be.cancel@example.org";
const BUSINESS: &str = "bistro-courier";

/// The civil date `days` days after 1970-01-01 (H. Hinnant's algorithm).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A free start in the coming week, from the server's own availability.
async fn a_free_start(sealbook: &Sealbook) -> anyhow::Result<String> {
    let today = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs()
            / 86_400,
    )?;
    let (from, to) = (civil(today + 2), civil(today + 8));
    let (status, body) = sealbook
        .request(
            "GET",
            &format!("/api/v1/businesses/{BUSINESS}/availability?from={from}&to={to}&party=2"),
            &[],
            None,
        )
        .await?;
    anyhow::ensure!(status == 200, "availability: {status} {body}");
    let answer: serde_json::Value = serde_json::from_str(&body)?;
    answer["days"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|day| day["slots"].as_array().cloned().unwrap_or_default())
        .find_map(|slot| slot["start"].as_str().map(str::to_owned))
        .ok_or_else(|| anyhow::anyhow!("no free slot from {from} to {to}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_link_cancels_by_keyboard_and_opens_nothing() -> anyhow::Result<()> {
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
    let booking_key = Recipient::from_spki_pem(&std::fs::read_to_string(
        sealbook.dir.path().join(format!("keys/{BUSINESS}.pub.pem")),
    )?)?;
    let courier = Recipient::from_spki_pem(&courier_pem)?;
    let start = a_free_start(&sealbook).await?;
    let secret = ManageSecret::generate(&mut getrandom::SysRng)?;
    let params = SealParams {
        business: BUSINESS,
        iat: 1_795_000_000,
    };
    let plaintext = serde_json::json!({ "v": 1, "kind": "restaurant", "party_size": 2, "start": start, "lang": "fr" }).to_string();
    let envelope = seal(
        std::slice::from_ref(&booking_key),
        &params,
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )?;
    let copy = seal_visitor_copy(
        &secret,
        &params,
        plaintext.as_bytes(),
        &mut getrandom::SysRng,
    )?;
    let cancel = secret.cancel_token();
    let card = serde_json::json!({ "v": 1, "channel": "email", "address": CANARY, "lang": "fr", "cancel": cancel.to_base64url() }).to_string();
    let card = seal_contact_card(
        std::slice::from_ref(&courier),
        &params,
        card.as_bytes(),
        &mut getrandom::SysRng,
    )?;
    let body = serde_json::json!({
        "envelope": URL_SAFE_NO_PAD.encode(envelope),
        "start": start,
        "party_size": 2,
        "visitor_copy": URL_SAFE_NO_PAD.encode(copy),
        "manage_token_hash": secret.token().hash().to_base64url(),
        "contact_card": URL_SAFE_NO_PAD.encode(card),
        "cancel_token_hash": cancel.hash().to_base64url(),
    });
    let (status, answer) = sealbook
        .request(
            "POST",
            &format!("/api/v1/businesses/{BUSINESS}/bookings"),
            &[("Content-Type", "application/json")],
            Some(&body.to_string()),
        )
        .await?;
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
        sealbook_e2e::occurrences(&traffic, CANARY.as_bytes()) == 0,
        "the address crossed the wire in the clear"
    );
    let database = sealbook.database_bytes().await?;
    anyhow::ensure!(
        sealbook_e2e::occurrences(&database, b"canary-93be") == 0,
        "the address is in the database files"
    );
    anyhow::ensure!(
        sealbook_e2e::occurrences(&sealbook.log(), b"canary-93be") == 0,
        "the address is in the log"
    );
    Ok(())
}
