//! One script tag → a booking sealed in real headless Chromium → the server
//! holds only ciphertext → the CLI opens it on the business's machine.

use sealbook_e2e::{Browser, HostSite, Sealbook, Widget, occurrences};

/// Browser tests share two cores: one at a time keeps timings honest.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A name nobody else would type, unique per run.
fn canary() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("Canary{}x{nanos}Zq", std::process::id())
}

/// Tomorrow's date in the browser's own time zone, as `<input type=date>` wants it.
async fn tomorrow(browser: &Browser) -> anyhow::Result<String> {
    let value = browser
        .script(
            "const d = new Date(Date.now() + 86400000);
             return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;",
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

async fn fill_and_submit(
    widget: &Widget<'_>,
    browser: &Browser,
    name: &str,
    phone: &str,
) -> anyhow::Result<()> {
    widget.type_into("#sb-name", name).await?;
    widget.set_value("#sb-contact-kind", "phone").await?;
    widget.type_into("#sb-contact", phone).await?;
    widget.set_value("#sb-party", "4").await?;
    widget
        .set_value("#sb-date", &tomorrow(browser).await?)
        .await?;
    widget.set_value("#sb-time", "19:30").await?;
    widget.click("#sb-submit").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_is_sealed_in_the_browser_and_only_ciphertext_reaches_the_server()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut sealbook = Sealbook::start("bistro-du-coin", &[]).await?;
    let browser = Browser::start().await?;
    let name = canary();
    let phone = "+33 6 98 76 54 32";

    let widget = browser
        .open_widget(&sealbook.url("/demo/restaurant.html"))
        .await?;
    fill_and_submit(&widget, &browser, &name, phone).await?;
    let reference = widget.wait_for_text("#sb-reference").await?;
    let seal_ms = browser
        .script("const m = performance.getEntriesByName('sealbook:seal'); return m.length ? m[0].duration : -1;")
        .await?;
    eprintln!("booking {reference} sealed in the browser in {seal_ms} ms");
    assert!(
        seal_ms.as_f64().is_some_and(|ms| ms >= 0.0),
        "the widget measures sealing"
    );
    browser.close().await?;
    sealbook.stop().await?;

    let traffic = sealbook.proxy.traffic();
    assert!(
        occurrences(&traffic, b"POST /api/v1/businesses/bistro-du-coin/bookings") == 1,
        "one upload crossed the wire"
    );
    for (place, bytes) in [
        ("database", sealbook.database_bytes()),
        ("server log", sealbook.log()),
        ("traffic", traffic),
    ] {
        assert!(!bytes.is_empty(), "the {place} was captured");
        assert_eq!(
            occurrences(&bytes, name.as_bytes()),
            0,
            "the name reached the {place}"
        );
        assert_eq!(
            occurrences(&bytes, phone.as_bytes()),
            0,
            "the phone number reached the {place}"
        );
    }
    let log = sealbook.log();
    assert_eq!(
        occurrences(&log, b"U0JLAQ"),
        0,
        "no envelope (base64url of the magic) in the log"
    );
    assert_eq!(
        occurrences(&log, reference.trim().as_bytes()),
        0,
        "no booking reference in the log"
    );

    let opened = sealbook.open_bookings().await?;
    let bookings = opened.as_array().expect("a JSON array");
    assert_eq!(bookings.len(), 1, "{opened}");
    assert_eq!(bookings[0]["id"], reference.trim());
    assert_eq!(bookings[0]["booking"]["name"], name.as_str());
    assert_eq!(bookings[0]["booking"]["contact"]["phone"], phone);
    assert_eq!(bookings[0]["party_size"], 4);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_is_not_pinned_in_the_script_tag_means_nothing_is_sent() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = HostSite::start().await?;
    let mut sealbook = Sealbook::start("bistro-du-coin", &[site.origin()]).await?;
    // A well-formed pin that is not the business's key: what an attacker who
    // swapped the key set on the server would face.
    let wrong_pin = "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_ne!(wrong_pin, sealbook.kid);
    site.set_page(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Chez Test</title></head><body>\
         <h1>Chez Test</h1><script src=\"{}\" data-business=\"bistro-du-coin\" data-keys=\"{wrong_pin}\"></script></body></html>",
        sealbook.url("/widget/embed.js")
    ));
    let browser = Browser::start().await?;
    let name = canary();

    let widget = browser.open_widget(&format!("{}/", site.origin())).await?;
    fill_and_submit(&widget, &browser, &name, "+49 151 0000000").await?;
    let message = widget.wait_for_text("#sb-error").await?;
    let code = widget.find("#sb-error").await?.attr("data-code").await?;
    eprintln!("refusal shown to the visitor: {message}");
    assert_eq!(code.as_deref(), Some("key_not_pinned"));
    assert!(
        message.contains("nothing was sent"),
        "the visitor learns nothing was sent: {message}"
    );
    browser.close().await?;
    sealbook.stop().await?;

    let traffic = sealbook.proxy.traffic();
    assert!(
        occurrences(&traffic, b"GET /api/v1/businesses/bistro-du-coin/keys") >= 1,
        "the widget fetched the key set"
    );
    assert_eq!(
        occurrences(&traffic, b"/bookings"),
        0,
        "no booking upload was attempted"
    );
    assert_eq!(occurrences(&traffic, name.as_bytes()), 0);
    assert_eq!(
        sealbook.open_bookings().await?.as_array().map(Vec::len),
        Some(0)
    );
    Ok(())
}
