//! Subresource Integrity: the snippet's `integrity` pins `embed.js`, and
//! `embed.js` runs only the glue and wasm it was built with. A server (or a
//! CDN in front of it) that serves other code gets no widget at all.

use std::path::Path;

use fantoccini::Locator;
use sealbook_e2e::{
    Browser, HostSite, Sealbook, built_widget, eventually, hashed_file, occurrences,
};

/// Browser tests share two cores: one at a time keeps timings honest.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn host_page(snippet: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Chez Test</title></head>\
         <body><main><h1>Chez Test</h1>{snippet}</main></body></html>"
    )
}

/// A copy of the built widget's files for a test to alter: the loader, the
/// glue and the wasm (these two by their hashed names, which it returns),
/// without the compressed copies, so the server sends the altered bytes.
fn copy_of_widget(into: &Path) -> anyhow::Result<[String; 2]> {
    let dist = built_widget()?;
    let glue = hashed_file(&dist, "sealbook-widget", "js")?;
    let wasm = hashed_file(&dist, "sealbook-widget", "wasm")?;
    for file in ["embed.js", &glue, &wasm] {
        std::fs::copy(dist.join(file), into.join(file))?;
    }
    Ok([glue, wasm])
}

/// Waits for the page's load event, after which `embed.js` has run or been refused.
async fn loaded(browser: &Browser) -> anyhow::Result<()> {
    eventually("the page's load event", || async {
        let state = browser.script("return document.readyState;").await.ok()?;
        (state == "complete").then_some(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_snippet_pins_embed_js_and_a_wrong_integrity_loads_nothing() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = HostSite::start().await?;
    let mut sealbook = Sealbook::start("bistro-du-coin", &[site.origin()]).await?;
    let snippet = sealbook.snippet().await?;
    assert!(snippet.contains(" integrity=\"sha384-"), "{snippet}");
    assert!(snippet.contains(" crossorigin=\"anonymous\""), "{snippet}");
    assert!(
        snippet.contains(&format!("data-keys=\"{}\"", sealbook.kid)),
        "{snippet}"
    );

    // The snippet as printed: the widget loads.
    site.set_page(host_page(&snippet));
    let browser = Browser::start().await?;
    browser.open_widget(&format!("{}/", site.origin())).await?;
    browser.close().await?;

    // One character of the hash changed: the browser refuses embed.js itself.
    let (before, after) = snippet
        .split_once("sha384-")
        .expect("the snippet has a sha384 integrity");
    let flipped = if after.starts_with('A') { 'B' } else { 'A' };
    site.set_page(host_page(&format!(
        "{before}sha384-{flipped}{}",
        &after[1..]
    )));
    let browser = Browser::start().await?;
    browser.goto(&format!("{}/", site.origin())).await?;
    loaded(&browser).await?;
    let widget = browser
        .script("return document.querySelector('sealbook-widget') === null;")
        .await?;
    assert_eq!(
        widget, true,
        "no widget from a loader that fails its integrity"
    );
    browser.close().await?;
    sealbook.stop().await?;
    Ok(())
}

/// Appends bytes that keep each file valid (a JavaScript comment, a wasm custom
/// section), so only the integrity check can refuse them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embed_js_refuses_glue_or_wasm_it_was_not_built_with() -> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    // A custom section (id 0) of 5 bytes: name length 4, name "test".
    let custom_section: &[u8] = &[0, 5, 4, b't', b'e', b's', b't'];
    let alterations: [(usize, &[u8]); 2] = [(0, b"\n// altered\n"), (1, custom_section)];
    for (which, appended) in alterations {
        let dist = tempfile::tempdir()?;
        let file = &copy_of_widget(dist.path())?[which];
        let mut altered = std::fs::read(dist.path().join(file))?;
        altered.extend_from_slice(appended);
        std::fs::write(dist.path().join(file), altered)?;

        let mut sealbook = Sealbook::start_serving("bistro-du-coin", &[], dist.path()).await?;
        let browser = Browser::start().await?;
        browser.goto(&sealbook.url("/demo/restaurant.html")).await?;
        let notice = eventually("the load error", || async {
            let host = browser
                .client
                .find(Locator::Css("sealbook-widget"))
                .await
                .ok()?;
            let root = host.shadow_root().await.ok()?;
            let notice = root.find(Locator::Css(".sb-load-error")).await.ok()?;
            notice.text().await.ok()
        })
        .await?;
        assert!(
            notice.contains("n’a pas pu être chargé"),
            "the visitor reads why, in French: {notice}"
        );
        let console = browser.policy_violations().await?;
        assert!(
            console
                .iter()
                .any(|message| message.contains("Failed to find a valid digest")),
            "the browser reports the refused {file}: {console:#?}"
        );
        browser.close().await?;
        sealbook.stop().await?;
        let traffic = sealbook.proxy.traffic();
        // (The wasm itself contains the API's paths: count requests, not bytes.)
        // The consent layer in embed.js asks for the notice, and on this French
        // page for the banner's French texts; the widget never ran, so nothing
        // else was asked (its own texts are the `visitor` section).
        let notice_fetch = b"GET /api/v1/businesses/bistro-du-coin/profile ";
        let banner_texts = b"GET /api/v1/businesses/bistro-du-coin/texts/fr/banner ";
        assert_eq!(
            occurrences(&traffic, b"GET /api/v1/") + occurrences(&traffic, b"POST /api/v1/"),
            occurrences(&traffic, notice_fetch) + occurrences(&traffic, banner_texts),
            "altered {file}: the widget never ran, so it called no API"
        );
        assert!(
            occurrences(&traffic, notice_fetch) <= 1,
            "altered {file}: one notice fetch at most"
        );
    }
    Ok(())
}
