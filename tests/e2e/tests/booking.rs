//! One script tag → a booking made by keyboard and sealed in real headless
//! Chromium (and Firefox ESR) → the server holds only ciphertext and public
//! metadata → the CLI opens it on the business's machine.

use fantoccini::Locator;
use fantoccini::key::Key;
use sealbook_e2e::civil::days_after;
use sealbook_e2e::day_picker::MANAGE_CHANGE;
use sealbook_e2e::flow::{
    assert_accessible, canary, choose_first_free_slot, fill_details, key, send,
};
use sealbook_e2e::{Browser, BrowserKind, HostSite, Sealbook, in_each_browser, occurrences};

/// Browser tests share two cores: one at a time keeps timings honest.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The page's policy blocked nothing: no CSP or integrity message in the console.
/// Only Chromium's console can be read (see `Browser::policy_violations`): the
/// policies are the same for every browser, and Chromium checks them.
async fn assert_no_policy_violations(browser: &Browser, page: &str) -> anyhow::Result<()> {
    if browser.kind() != BrowserKind::Chromium {
        return Ok(());
    }
    let violations = browser.policy_violations().await?;
    assert!(violations.is_empty(), "{page}: {violations:#?}");
    Ok(())
}

/// The JSON body of the one booking upload that crossed the proxy.
fn upload_body(traffic: &[u8]) -> anyhow::Result<serde_json::Value> {
    let needle = b"{\"envelope\":";
    let start = traffic
        .windows(needle.len())
        .position(|w| w == needle)
        .ok_or_else(|| anyhow::anyhow!("no upload body in the traffic"))?;
    // The body is one flat object: it ends at the first closing brace.
    let end = traffic[start..]
        .iter()
        .position(|&b| b == b'}')
        .ok_or_else(|| anyhow::anyhow!("the upload body does not end"))?;
    Ok(serde_json::from_slice(&traffic[start..=start + end])?)
}

fn keys_of(body: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = body
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}

/// What every booking must leave behind: one upload with only public metadata,
/// no canary anywhere the server can see, no manage secret on the wire.
async fn assert_nothing_personal_reached_the_server(
    sealbook: &Sealbook,
    business: &str,
    secrets: &[&str],
    manage_link: &str,
    reference: &str,
) {
    let traffic = sealbook.proxy.traffic();
    let upload = format!("POST /api/v1/businesses/{business}/bookings");
    assert_eq!(
        occurrences(&traffic, upload.as_bytes()),
        1,
        "one upload crossed the wire"
    );
    let database = sealbook
        .database_bytes()
        .await
        .expect("the database can be read");
    let metrics = sealbook.final_metrics().as_bytes().to_vec();
    assert!(
        String::from_utf8_lossy(&metrics).contains(&format!(
            "sealbook_bookings_total{{business=\"{business}\",outcome=\"accepted\"}} 1"
        )),
        "the metrics count the booking by business and outcome only"
    );
    let log = sealbook.log();
    for line in String::from_utf8_lossy(&log).lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "every log line is one JSON object: {line}"
        );
    }
    for (place, bytes) in [
        ("database", database),
        ("server log", log),
        ("metrics", metrics),
        ("traffic", traffic.clone()),
    ] {
        assert!(!bytes.is_empty(), "the {place} was captured");
        for secret in secrets {
            assert_eq!(
                occurrences(&bytes, secret.as_bytes()),
                0,
                "{secret} reached the {place}"
            );
        }
    }
    let log = sealbook.log();
    assert_eq!(
        occurrences(&log, b"U0JLAQ"),
        0,
        "no envelope (base64url of the magic) in the log"
    );
    assert_eq!(
        occurrences(&log, reference.as_bytes()),
        0,
        "no booking reference in the log"
    );
    let (_, secret) = manage_link
        .split_once('#')
        .expect("the manage link carries its secret in the fragment");
    assert_eq!(secret.len(), 43, "a 32-byte secret, base64url");
    assert_eq!(
        occurrences(&traffic, secret.as_bytes()),
        0,
        "the manage secret never crosses the wire"
    );
}

in_each_browser!(
    a_restaurant_booking_is_made_by_keyboard_and_only_ciphertext_reaches_the_server
        => restaurant_booking_by_keyboard
);

#[allow(clippy::print_stdout)] // the first seal's time, for `cargo xtask bench`
async fn restaurant_booking_by_keyboard(kind: BrowserKind) -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut sealbook = Sealbook::start("bistro-du-coin", &[]).await?;
    let browser = Browser::start_in(kind).await?;
    let name = canary();
    let phone = "+33 6 98 76 54 32";

    let widget = browser
        .open_widget(&sealbook.url("/demo/restaurant.html"))
        .await?;
    // The French page: plurals as the visitor reads them.
    let party_text = widget
        .find("#sb-party option[value=\"1\"]")
        .await?
        .text()
        .await?;
    assert_eq!(party_text, "1 personne");
    // Typing on a focused <select> picks the option that starts with it.
    widget.press("#sb-party", "4").await?;
    assert_eq!(
        widget.value("#sb-party").await?,
        "4",
        "party chosen by keyboard"
    );
    assert_accessible(&browser, "choose").await?;
    choose_first_free_slot(&widget, Some(&browser)).await?;
    assert_accessible(&browser, "details").await?;
    // Continuing with empty fields: inline errors, each tied to its field.
    widget.press("#sb-next", &key(Key::Enter)).await?;
    widget.wait_for("#sb-name[aria-invalid=\"true\"]").await?;
    assert_accessible(&browser, "details with errors").await?;
    fill_details(&widget, &name, phone).await?;
    widget.press("#sb-contact", &key(Key::Enter)).await?;
    widget.wait_for("#sb-submit").await?;
    assert_accessible(&browser, "review").await?;
    send(&widget).await?;
    let reference = widget.wait_for_text("#sb-reference").await?;
    let reference = reference.trim().to_owned();
    assert_accessible(&browser, "confirmation").await?;
    assert_no_policy_violations(&browser, "the French demo page").await?;
    let manage_link = widget.value("#sb-manage").await?;
    let seal_ms = browser
        .script("const m = performance.getEntriesByName('sealbook:seal'); return m.length ? m[0].duration : -1;")
        .await?;
    println!("first seal of the page, {kind}: {seal_ms} ms");
    assert!(
        seal_ms.as_f64().is_some_and(|ms| ms >= 0.0),
        "the widget measures sealing"
    );
    assert!(
        manage_link.starts_with(&sealbook.url(&format!("/manage/{reference}#"))),
        "{manage_link}"
    );
    browser.close().await?;
    sealbook.stop().await?;

    assert_nothing_personal_reached_the_server(
        &sealbook,
        "bistro-du-coin",
        &[&name, phone],
        &manage_link,
        &reference,
    )
    .await;
    let body = upload_body(&sealbook.proxy.traffic())?;
    assert_eq!(
        keys_of(&body),
        [
            "envelope",
            "manage_token_hash",
            "party_size",
            "start",
            "visitor_copy"
        ],
        "only the documented public fields: {body}"
    );
    assert_eq!(body["party_size"], 4);

    let opened = sealbook.open_bookings().await?;
    let bookings = opened.as_array().expect("a JSON array");
    assert_eq!(bookings.len(), 1, "{opened}");
    assert_eq!(bookings[0]["id"], reference.as_str());
    assert_eq!(bookings[0]["booking"]["name"], name.as_str());
    assert_eq!(bookings[0]["booking"]["contact"]["phone"], phone);
    assert_eq!(bookings[0]["booking"]["party_size"], 4);
    assert_eq!(
        keys_of(&bookings[0]["booking"]),
        [
            "contact",
            "kind",
            "lang",
            "name",
            "party_size",
            "start",
            "v"
        ],
        "the right fields and nothing more"
    );
    assert_eq!(bookings[0]["booking"]["kind"], "restaurant");
    assert_eq!(bookings[0]["booking"]["lang"], "fr");
    assert_eq!(bookings[0]["party_size"], 4);
    Ok(())
}

/// The audit above would catch a fault inside the widget's shadow root.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accessibility_audit_sees_inside_the_widget() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut sealbook = Sealbook::start("bistro-du-coin", &[]).await?;
    let browser = Browser::start().await?;
    browser
        .open_widget(&sealbook.url("/demo/restaurant.html"))
        .await?;
    browser
        .script(
            "const field = document.createElement('input');
             field.id = 'sb-unlabelled';
             document.querySelector('sealbook-widget').shadowRoot.querySelector('.sb-root').append(field);",
        )
        .await?;
    let violations = browser.accessibility_violations().await?;
    assert!(
        violations
            .iter()
            .any(|v| v.starts_with("label ") && v.contains("sb-unlabelled")),
        "an input without a label is reported: {violations:#?}"
    );
    browser.close().await?;
    sealbook.stop().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clinic_booking_with_any_practitioner_carries_the_reason_with_consent()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut sealbook = Sealbook::start("praxis-am-see", &[]).await?;
    let browser = Browser::start().await?;
    let name = canary();
    let phone = "+49 7531 000000";
    let reason = format!("Knieschmerzen seit drei Wochen {}", canary());

    let widget = browser
        .open_widget(&sealbook.url("/demo/clinic.html"))
        .await?;
    assert_eq!(widget.value("#sb-service").await?, "kg-30");
    assert_eq!(
        widget.value("#sb-practitioner").await?,
        "any",
        "whoever is free, by default"
    );
    choose_first_free_slot(&widget, None).await?;
    fill_details(&widget, &name, phone).await?;
    assert!(
        widget.find("#sb-consent").await.is_err(),
        "no consent box before the reason is filled"
    );
    widget.type_into("#sb-reason", &reason).await?;
    // Continuing without consent is refused, and the box gets the focus.
    widget.press("#sb-next", &key(Key::Enter)).await?;
    widget.wait_for("#sb-consent-error").await?;
    assert_accessible(&browser, "health consent missing").await?;
    assert!(
        widget.find("#sb-submit").await.is_err(),
        "no review without consent"
    );
    widget.press("#sb-consent", &key(Key::Space)).await?;
    widget.press("#sb-next", &key(Key::Enter)).await?;
    send(&widget).await?;
    let reference = widget.wait_for_text("#sb-reference").await?;
    let reference = reference.trim().to_owned();
    let manage_link = widget.value("#sb-manage").await?;
    // "Whoever is free first" became someone: the calendar entry names them.
    widget.press("#sb-ics", &key(Key::Enter)).await?;
    let ics = String::from_utf8(browser.downloaded("booking.ics").await?)?;
    let (_, profile) = sealbook
        .request("GET", "/api/v1/businesses/praxis-am-see/profile", &[], None)
        .await?;
    let profile: serde_json::Value = serde_json::from_str(&profile)?;
    let named = profile["practitioners"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|practitioner| practitioner["name"].as_str())
        .any(|name| ics.contains(&format!(" — {name}")));
    assert!(
        named && !ics.contains("Wer zuerst frei ist"),
        "the entry names the practitioner the server gave: {ics}"
    );
    assert_no_policy_violations(&browser, "the German demo page").await?;
    browser.close().await?;
    sealbook.stop().await?;

    assert_nothing_personal_reached_the_server(
        &sealbook,
        "praxis-am-see",
        &[&name, phone, &reason],
        &manage_link,
        &reference,
    )
    .await;
    let body = upload_body(&sealbook.proxy.traffic())?;
    assert_eq!(
        keys_of(&body),
        [
            "envelope",
            "manage_token_hash",
            "practitioner",
            "service",
            "start",
            "visitor_copy"
        ],
        "only the documented public fields: {body}"
    );
    assert_eq!(body["service"], "kg-30");
    assert_eq!(body["practitioner"], "any");

    let opened = sealbook.open_bookings().await?;
    let bookings = opened.as_array().expect("a JSON array");
    assert_eq!(bookings.len(), 1, "{opened}");
    let booking = &bookings[0]["booking"];
    assert_eq!(booking["name"], name.as_str());
    assert_eq!(booking["reason"], reason.as_str());
    assert_eq!(booking["health_consent"], true);
    assert_eq!(booking["service"], "kg-30");
    assert_eq!(booking["practitioner"], "any");
    assert_eq!(booking["lang"], "de");
    assert_eq!(
        keys_of(booking),
        [
            "contact",
            "health_consent",
            "kind",
            "lang",
            "name",
            "practitioner",
            "reason",
            "service",
            "start",
            "v"
        ],
        "the right fields and nothing more"
    );
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
    choose_first_free_slot(&widget, None).await?;
    fill_details(&widget, &name, "+49 151 0000000").await?;
    widget.press("#sb-next", &key(Key::Enter)).await?;
    send(&widget).await?;
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

    assert_nothing_was_sent(&sealbook, &name).await
}

/// After a refusal in the widget of the stopped `sealbook`: it fetched the key
/// set, attempted no upload, never saw `name`, and stores no booking.
async fn assert_nothing_was_sent(sealbook: &Sealbook, name: &str) -> anyhow::Result<()> {
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

/// A host page served without TLS is not a secure context: the browser gives
/// it no WebCrypto, and its script tag's pins could have been changed on the
/// way. The widget seals nothing, sends nothing, and says why in the
/// visitor's language. (Chromium's `--host-resolver-rules` sends a test name
/// to loopback, which unlike `127.0.0.1` is not trustworthy by itself.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_served_without_tls_seals_and_sends_nothing() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = HostSite::start().await?;
    let origin = format!("http://bistro.sealbook.test:{}", site.port);
    let mut sealbook = Sealbook::start("bistro-du-coin", std::slice::from_ref(&origin)).await?;
    site.set_page(format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Chez Test</title></head><body>\
         <h1>Chez Test</h1>{}</body></html>",
        sealbook.snippet().await?
    ));
    let browser = Browser::start_with_flags(&[
        "--host-resolver-rules=MAP *.sealbook.test 127.0.0.1".to_owned(),
    ])
    .await?;
    let name = canary();

    let widget = browser.open_widget(&format!("{origin}/")).await?;
    assert_eq!(
        browser.script("return window.isSecureContext;").await?,
        false,
        "the host page is not a secure context"
    );
    choose_first_free_slot(&widget, None).await?;
    fill_details(&widget, &name, "+33 6 12 34 56 78").await?;
    widget.press("#sb-next", &key(Key::Enter)).await?;
    send(&widget).await?;
    let message = widget.wait_for_text("#sb-error").await?;
    let code = widget.find("#sb-error").await?.attr("data-code").await?;
    eprintln!("refusal shown to the visitor: {message}");
    assert_eq!(code.as_deref(), Some("insecure_page"));
    assert!(
        message.contains("HTTPS") && message.contains("rien n’a été envoyé"),
        "the visitor learns why, in French, and that nothing was sent: {message}"
    );
    browser.close().await?;
    sealbook.stop().await?;

    assert_nothing_was_sent(&sealbook, &name).await
}

/// `/book/{business}`: the widget alone on Sealbook's origin, in the browser's
/// language, with the same pins, under a policy that allows nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stand_alone_booking_page_takes_a_booking_in_the_browsers_language()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut sealbook = Sealbook::start("bistro-du-coin", &[]).await?;
    let browser = Browser::start_speaking("de-DE").await?;
    let name = canary();
    let phone = "+49 30 1234567";

    let widget = browser
        .open_widget(&sealbook.url("/book/bistro-du-coin"))
        .await?;
    let lang = browser
        .script("return document.documentElement.lang;")
        .await?;
    assert_eq!(lang, "de");
    assert_eq!(widget.find("#sb-next").await?.text().await?, "Weiter");
    assert_accessible(&browser, "stand-alone page").await?;
    assert_no_policy_violations(&browser, "the stand-alone booking page").await?;
    choose_first_free_slot(&widget, None).await?;
    fill_details(&widget, &name, phone).await?;
    widget.press("#sb-contact", &key(Key::Enter)).await?;
    send(&widget).await?;
    let reference = widget.wait_for_text("#sb-reference").await?;
    let reference = reference.trim().to_owned();
    let manage_link = widget.value("#sb-manage").await?;
    browser.close().await?;
    sealbook.stop().await?;

    assert_nothing_personal_reached_the_server(
        &sealbook,
        "bistro-du-coin",
        &[&name, phone],
        &manage_link,
        &reference,
    )
    .await;
    let opened = sealbook.open_bookings().await?;
    assert_eq!(opened[0]["booking"]["name"], name.as_str(), "{opened}");
    assert_eq!(opened[0]["booking"]["lang"], "de");
    Ok(())
}

/// Nothing of the page or the widget is wider than the screen.
async fn assert_fits_width(browser: &Browser, step: &str) -> anyhow::Result<()> {
    let overflow = browser
        .script(
            "const host = document.querySelector('sealbook-widget');
             const root = host.shadowRoot.querySelector('.sb-root');
             return { page: document.documentElement.scrollWidth, screen: window.innerWidth,
                      widget: root.scrollWidth, box: root.clientWidth };",
        )
        .await?;
    let number = |key: &str| overflow[key].as_f64().unwrap_or(f64::MAX);
    assert!(
        number("page") <= number("screen") && number("widget") <= number("box"),
        "{step}: wider than the screen: {overflow}"
    );
    Ok(())
}

/// A phone's 320 CSS pixels: every step fits without sideways scrolling, and the
/// widget's arrival does not move what the visitor sees of the page (layout
/// shifts as the browser scores them: visible movement, no recent input).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_widget_fits_a_320_pixel_screen_and_does_not_shift_the_page() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut sealbook = Sealbook::start("praxis-am-see", &[]).await?;
    let browser = Browser::start().await?;
    browser.client.set_window_rect(0, 0, 320, 800).await?;
    let widget = browser
        .open_widget(&sealbook.url("/demo/clinic.html"))
        .await?;
    let width = browser.script("return window.innerWidth;").await?;
    assert_eq!(width, 320, "the viewport is a small phone's");
    let shift = browser
        .script_async(
            "const done = arguments[arguments.length - 1];
             new PerformanceObserver(() => {}).observe({ type: 'layout-shift', buffered: true });
             const entries = [];
             new PerformanceObserver((list) => entries.push(...list.getEntries()))
               .observe({ type: 'layout-shift', buffered: true });
             setTimeout(() => done(entries.filter((e) => !e.hadRecentInput)
               .reduce((sum, e) => sum + e.value, 0)), 200);",
        )
        .await?;
    eprintln!("cumulative layout shift while the widget loaded: {shift}");
    assert_fits_width(&browser, "choose").await?;
    choose_first_free_slot(&widget, None).await?;
    assert_fits_width(&browser, "details").await?;
    fill_details(&widget, "Ada Lovelace", "+49 30 1234567").await?;
    widget.type_into("#sb-reason", "Rücken").await?;
    widget.press("#sb-consent", &key(Key::Space)).await?;
    widget.press("#sb-next", &key(Key::Enter)).await?;
    widget.wait_for("#sb-submit").await?;
    assert_fits_width(&browser, "review").await?;
    browser.close().await?;
    sealbook.stop().await?;
    assert!(
        shift.as_f64().is_some_and(|cls| cls < 0.1),
        "layout shift {shift} is above Google's \"good\" threshold of 0.1"
    );
    Ok(())
}

/// The widget's language comes from `data-lang`, else `<html lang>`, else the
/// browser's preferred languages (the first one the widget speaks), else English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_comes_from_the_tag_then_the_page_then_the_browser() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = HostSite::start().await?;
    let mut sealbook = Sealbook::start("bistro-du-coin", &[site.origin()]).await?;
    let embed = sealbook.url("/widget/embed.js");
    let page = |html_lang: &str, data_lang: &str| {
        format!(
            "<!doctype html><html{html_lang}><head><meta charset=\"utf-8\"><title>Chez Test</title></head>\
             <body><main><h1>Chez Test</h1><script src=\"{embed}\" data-business=\"bistro-du-coin\" \
             data-keys=\"{}\"{data_lang}></script></main></body></html>",
            sealbook.kid
        )
    };
    // (browser's languages, <html lang>, data-lang) → the widget's language.
    let cases = [
        (
            "de-DE",
            " lang=\"en\"",
            " data-lang=\"fr\"",
            "fr",
            "Continuer",
        ),
        ("fr-FR", " lang=\"de-CH\"", "", "de", "Weiter"),
        ("de-AT", "", "", "de", "Weiter"),
        ("sv-SE,fr", " lang=\"ja\"", "", "fr", "Continuer"),
        (
            "sv-SE",
            " lang=\"ja\"",
            " data-lang=\"fi\"",
            "en",
            "Continue",
        ),
        ("de-DE", " lang=\"fr\"", " data-lang=\"pl\"", "pl", "Dalej"),
        ("pt-BR", "", "", "pt", "Continuar"),
    ];
    for (browser_language, html_lang, data_lang, expected, continue_text) in cases {
        site.set_page(page(html_lang, data_lang));
        let browser = Browser::start_speaking(browser_language).await?;
        let widget = browser.open_widget(&format!("{}/", site.origin())).await?;
        let case = format!("browser {browser_language}, html{html_lang}, script{data_lang}");
        let lang = widget.find(".sb-root").await?.attr("lang").await?;
        assert_eq!(lang.as_deref(), Some(expected), "{case}");
        let button = widget.find("#sb-next").await?.text().await?;
        assert_eq!(button, continue_text, "{case}");
        browser.close().await?;
    }
    sealbook.stop().await?;
    Ok(())
}

/// `2026-12-04T18:30:00Z` as RFC 5545 writes it: `20261204T183000Z`.
fn ics_time(rfc3339: &str) -> String {
    rfc3339.replace(['-', ':'], "")
}

in_each_browser!(
    the_manage_link_reads_downloads_changes_cancels_and_erases_the_booking_in_the_browser
        => manage_link_round_trip
);

async fn manage_link_round_trip(kind: BrowserKind) -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut sealbook = Sealbook::start("bistro-du-coin", &[]).await?;
    let browser = Browser::start_in(kind).await?;
    let name = canary();
    let phone = "+33 6 11 22 33 44";

    let widget = browser
        .open_widget(&sealbook.url("/demo/restaurant.html"))
        .await?;
    choose_first_free_slot(&widget, None).await?;
    fill_details(&widget, &name, phone).await?;
    widget.press("#sb-contact", &key(Key::Enter)).await?;
    send(&widget).await?;
    let reference = widget.wait_for_text("#sb-reference").await?;
    let reference = reference.trim().to_owned();
    let manage_link = widget.value("#sb-manage").await?;
    let start = upload_body(&sealbook.proxy.traffic())?["start"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("the upload has a start"))?;
    // The confirmation offers the calendar entry at once, made in the browser.
    let requests_before = sealbook.proxy.traffic().len();
    widget.press("#sb-ics", &key(Key::Enter)).await?;
    let confirmation_ics = String::from_utf8(browser.downloaded("booking.ics").await?)?;
    browser.forget_download("booking.ics")?;
    assert_eq!(
        sealbook.proxy.traffic().len(),
        requests_before,
        "the calendar entry is made without the server"
    );

    // Read: the booking is decrypted in the browser, in the visitor's language.
    browser.goto(&manage_link).await?;
    let shown = browser.wait_for_text("#sb-manage-name").await?;
    assert_eq!(shown, name, "the decrypted name is shown");
    let lang = browser
        .script("return document.documentElement.lang;")
        .await?;
    assert_eq!(lang, "fr", "the page speaks the visitor's language");
    let status = browser.wait_for("#sb-status").await?;
    assert_eq!(
        status.attr("data-status").await?.as_deref(),
        Some("confirmed")
    );
    assert_accessible(&browser, "manage").await?;

    // .ics: built in the browser, downloaded from a Blob URL by Enter on the link.
    browser
        .wait_for("#sb-ics")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    let ics = String::from_utf8(browser.downloaded("booking.ics").await?)?;
    browser.forget_download("booking.ics")?;
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(
        ics.contains(&format!("\r\nDTSTART:{}\r\n", ics_time(&start))),
        "the .ics starts when the booking does ({start}): {ics}"
    );
    // The table is the party's for the restaurant's turn time (105 minutes here).
    let end = browser
        .script(&format!(
            "return new Date(Date.parse('{start}') + 105 * 60000).toISOString().replace('.000Z', 'Z');"
        ))
        .await?;
    let end = end.as_str().unwrap_or_default();
    assert!(
        ics.contains(&format!("\r\nDTEND:{}\r\n", ics_time(end))),
        "the .ics ends after the turn time ({end}): {ics}"
    );
    assert!(
        ics.contains(&format!("\r\nUID:{reference}@sealbook\r\n")),
        "{ics}"
    );
    assert!(ics.contains("SUMMARY:Test business"), "{ics}");
    let without_stamp = |ics: &str| {
        ics.split("\r\n")
            .filter(|line| !line.starts_with("DTSTAMP:"))
            .collect::<Vec<_>>()
            .join("\r\n")
    };
    assert_eq!(
        without_stamp(&confirmation_ics),
        without_stamp(&ics),
        "the confirmation step and the manage page give the same event, alarm and UID"
    );

    // Change the time: a time of the next day, re-sealed in the browser. The
    // booked day may offer no other time (booked late in the evening), and one
    // of its earlier times could become too soon to book between choosing and
    // saving; the next day's all lie ahead.
    let next_day = days_after(&start, 1)?;
    browser
        .wait_for("#sb-change")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    MANAGE_CHANGE.turn_to(&browser, &next_day, 1).await?;
    // A visitor who turns the day twice quickly sees only the times of the day
    // picked last, however late the first day's answer comes (the same wasm in
    // both browsers; answers can be held back in Chromium only).
    if kind == BrowserKind::Chromium {
        MANAGE_CHANGE
            .drops_a_late_answer(&browser, &next_day, &days_after(&start, 2)?)
            .await?;
    }
    let other = browser
        .wait_for(&format!(".sb-slot[data-start^=\"{next_day}\"]"))
        .await?;
    assert_accessible(&browser, "manage: change the time").await?;
    let new_start = other
        .attr("data-start")
        .await?
        .ok_or_else(|| anyhow::anyhow!("a time carries its start"))?;
    other.send_keys(&key(Key::Enter)).await?;
    browser.wait_for("#sb-change:not([disabled])").await?;
    let refused = browser
        .script("const e = document.querySelector('#sb-error'); return e ? e.textContent : null;")
        .await?;
    assert!(refused.is_null(), "the change was refused: {refused}");
    browser
        .wait_for("#sb-ics")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    let ics = String::from_utf8(browser.downloaded("booking.ics").await?)?;
    assert!(
        ics.contains(&format!("\r\nDTSTART:{}\r\n", ics_time(&new_start))),
        "the .ics follows the change to {new_start}: {ics}"
    );
    // The business opens the re-sealed booking at the new time, without the pins.
    let opened = sealbook.open_bookings().await?;
    let moved = &opened[0]["booking"];
    assert_eq!(moved["start"], new_start.as_str(), "{opened}");
    assert_eq!(moved["name"], name.as_str());
    assert!(
        moved.get("pins").is_none(),
        "the pins stay in the visitor copy: {moved}"
    );

    // Cancel, after a confirmation step; the server keeps the new status.
    browser
        .wait_for("#sb-cancel")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    browser.wait_for("#sb-cancel-yes").await?;
    assert_accessible(&browser, "manage: confirm cancelling").await?;
    browser
        .wait_for("#sb-cancel-yes")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    browser
        .wait_for("#sb-status[data-status=\"cancelled\"]")
        .await?;
    browser.client.refresh().await?;
    browser.wait_for_text("#sb-manage-name").await?;
    browser
        .wait_for("#sb-status[data-status=\"cancelled\"]")
        .await?;

    // Erase, after a confirmation step: nothing of the booking is left on the page.
    browser
        .wait_for("#sb-erase")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    browser
        .wait_for("#sb-erase-yes")
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    browser.wait_for("#sb-erased").await?;
    assert_accessible(&browser, "manage: erased").await?;
    assert_no_policy_violations(&browser, "the manage page").await?;
    let page = browser.script("return document.body.innerHTML;").await?;
    let page = page.as_str().unwrap_or_default();
    assert!(!page.contains(&name), "the name is gone from the page");
    assert!(
        !page.contains(phone),
        "the phone number is gone from the page"
    );

    // The erased booking's link, and a tampered link, fail with one clear message.
    // (A new fragment alone does not reload a page: leave it in between.)
    browser.goto("about:blank").await?;
    browser.goto(&manage_link).await?;
    let gone = browser.wait_for_text("#sb-invalid").await?;
    let (base, secret) = manage_link
        .split_once('#')
        .expect("the secret is in the fragment");
    let flipped = if secret.starts_with('A') { 'B' } else { 'A' };
    let tampered = format!("{base}#{flipped}{}", &secret[1..]);
    browser.goto("about:blank").await?;
    browser.goto(&tampered).await?;
    let message = browser.wait_for_text("#sb-invalid").await?;
    assert_accessible(&browser, "manage: link that does not open").await?;
    assert_eq!(
        message, gone,
        "one message for every link that does not open"
    );
    for raw in ["booking_not_found", "404", "Error", "undefined"] {
        assert!(!message.contains(raw), "no raw error text: {message}");
    }
    browser.close().await?;
    sealbook.stop().await?;

    assert_nothing_personal_reached_the_server(
        &sealbook,
        "bistro-du-coin",
        &[&name, phone],
        &manage_link,
        &reference,
    )
    .await;
    let traffic = sealbook.proxy.traffic();
    assert!(
        occurrences(
            &traffic,
            format!("POST /api/v1/bookings/{reference}/cancel").as_bytes()
        ) == 1
    );
    assert!(
        occurrences(
            &traffic,
            format!("DELETE /api/v1/bookings/{reference}").as_bytes()
        ) == 1
    );
    assert_eq!(
        sealbook.open_bookings().await?.as_array().map(Vec::len),
        Some(0),
        "the erased booking left nothing to open"
    );
    Ok(())
}

/// The business's phone number in the tests of the cancellation deadline.
const BUSINESS_PHONE: &str = "+33 1 23 45 67 89";

/// One visitor language: the browser's tag, the policy sentence the widget
/// shows before booking (`cancel_until_hours = 0`), and the manage page's
/// words for the server's `cancellation_closed`.
struct Speaking {
    tag: &'static str,
    policy: &'static str,
    closed: &'static str,
}

const LANGUAGES: [Speaking; 3] = [
    Speaking {
        tag: "fr-FR",
        policy: "Vous pourrez modifier ou annuler en ligne jusqu’à l’heure réservée.",
        closed: "Il est trop tard pour modifier ou annuler cette réservation en ligne. Appelez l’établissement.",
    },
    Speaking {
        tag: "de-DE",
        policy: "Sie können online bis zur gebuchten Zeit ändern oder stornieren.",
        closed: "Für eine Online-Änderung oder -Stornierung ist es zu spät. Bitte rufen Sie den Betrieb an.",
    },
    Speaking {
        tag: "en-GB",
        policy: "You can change or cancel online until the booked time.",
        closed: "It is too late to change or cancel this booking online. Please call the business.",
    },
];

/// Presses Enter on the manage page's `css` control, once it is there.
async fn enter(browser: &Browser, css: &str) -> anyhow::Result<()> {
    browser
        .wait_for(css)
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    Ok(())
}

/// The manage page says that online change and cancel are closed, with the
/// business's phone, and its cancel button is disabled.
async fn assert_closed(browser: &Browser, tag: &str) -> anyhow::Result<()> {
    let notice = browser.wait_for_text("#sb-closed").await?;
    assert!(notice.contains(BUSINESS_PHONE), "{tag}: {notice}");
    assert!(disabled(browser, "#sb-cancel").await?, "{tag}");
    Ok(())
}

/// Whether the manage page's `css` button is disabled.
async fn disabled(browser: &Browser, css: &str) -> anyhow::Result<bool> {
    let answer = browser
        .script(&format!(
            "const b = document.querySelector('{css}'); return !!b && b.disabled;"
        ))
        .await?;
    Ok(answer == serde_json::json!(true))
}

/// The cancellation deadline, in each visitor language: the widget states the
/// policy before the booking is sent; the manage page shows the deadline
/// before the visitor tries; when the deadline has passed on the server while
/// the page was open (here: the business lengthened it), the server's
/// `cancellation_closed` is shown in the visitor's words, with the business's
/// phone, and change and cancel are disabled, on a reload too. Erasure stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_cancellation_deadline_the_manage_page_says_so_in_french_german_and_english()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut sealbook = Sealbook::start_with(
        "bistro-policy",
        &[],
        // Each language books the first free time: three bookings of one client
        // at one time, over the default per-slot allowance (which, on
        // PostgreSQL, outlives the restarts below).
        &format!(
            "cancel_until_hours = 0\nphone = \"{BUSINESS_PHONE}\"\n[limits]\nbookings_per_slot = 3\n"
        ),
    )
    .await?;
    for (index, speaking) in LANGUAGES.iter().enumerate() {
        let browser = Browser::start_speaking(speaking.tag).await?;
        let widget = browser
            .open_widget(&sealbook.url("/book/bistro-policy"))
            .await?;
        choose_first_free_slot(&widget, None).await?;
        fill_details(&widget, &canary(), "+33 6 11 22 33 44").await?;
        widget.press("#sb-contact", &key(Key::Enter)).await?;
        let policy = widget.wait_for_text("#sb-policy").await?;
        assert_eq!(policy, speaking.policy, "{}", speaking.tag);
        send(&widget).await?;
        widget.wait_for_text("#sb-reference").await?;
        let manage_link = widget.value("#sb-manage").await?;

        // Before the deadline: shown, and change and cancel are open.
        browser.goto(&manage_link).await?;
        browser.wait_for_text("#sb-manage-name").await?;
        browser.wait_for("#sb-deadline").await?;
        assert!(!disabled(&browser, "#sb-cancel").await?, "{}", speaking.tag);
        assert!(!disabled(&browser, "#sb-change").await?, "{}", speaking.tag);
        assert!(
            browser
                .client
                .find(Locator::Css("#sb-closed"))
                .await
                .is_err(),
            "no closed notice before the deadline ({})",
            speaking.tag
        );

        // The business now closes online cancels 30 days ahead; the page still
        // offers the cancel, and the server refuses it with its typed error.
        sealbook
            .reconfigure(|config| {
                config.replace("cancel_until_hours = 0", "cancel_until_hours = 720")
            })
            .await?;
        enter(&browser, "#sb-cancel").await?;
        enter(&browser, "#sb-cancel-yes").await?;
        let error = browser.wait_for_text("#sb-error").await?;
        assert_eq!(error, speaking.closed, "{}", speaking.tag);
        assert_closed(&browser, speaking.tag).await?;
        assert!(disabled(&browser, "#sb-change").await?, "{}", speaking.tag);
        browser
            .wait_for("#sb-status[data-status=\"confirmed\"]")
            .await?;
        assert_accessible(&browser, &format!("manage: too late ({})", speaking.tag)).await?;

        // Opened again after the deadline: closed before the visitor tries.
        browser.goto("about:blank").await?;
        browser.goto(&manage_link).await?;
        browser.wait_for_text("#sb-manage-name").await?;
        assert_closed(&browser, speaking.tag).await?;
        let described = browser
            .script("return document.querySelector('#sb-cancel').getAttribute('aria-describedby');")
            .await?;
        assert_eq!(described, "sb-closed", "the disabled button says why");
        assert_accessible(&browser, &format!("manage: closed ({})", speaking.tag)).await?;

        if index + 1 == LANGUAGES.len() {
            // Erasure is a right the deadline does not limit.
            enter(&browser, "#sb-erase").await?;
            enter(&browser, "#sb-erase-yes").await?;
            browser.wait_for("#sb-erased").await?;
        } else {
            sealbook
                .reconfigure(|config| {
                    config.replace("cancel_until_hours = 720", "cancel_until_hours = 0")
                })
                .await?;
        }
        browser.close().await?;
    }
    sealbook.stop().await?;
    Ok(())
}
