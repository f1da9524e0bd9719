//! Embeds behind placeholders and consent per service, in real headless
//! Chromium: a video frame and its player script of the "Video" service stay
//! empty after Reject all, behind an accessible placeholder that names the
//! service and its provider; its button allows that one service (recorded, and
//! remembered on the next page view) while the rest of its category stays
//! refused; the settings dialog shows the service ticked on its own, and
//! unticking it unloads the frame, deletes the service's cookie and records a
//! withdrawal. A box that a gated script of the service fills waits the same
//! way; an embed of a service the notice does not declare never loads.

use fantoccini::Locator;
use fantoccini::key::Key;
use sealbook_e2e::consent::{NOTICE, VERSION, click, dialog_open, root, site_page};
use sealbook_e2e::flow::key;
use sealbook_e2e::{Browser, HostSite, Sealbook, eventually};
use serde_json::{Value, json};

/// The shared test notice with a second marketing service whose name has a
/// comma and a space in it, as a business may write it.
fn notice() -> String {
    format!(
        "{NOTICE}[[business.consent.categories.services]]
name = \"Video, Ltd\"
provider = \"Example Video Ltd\"
purpose = {{ en = \"Plays the chef's videos\" }}
cookies = [{{ name = \"_sb_video\", duration = \"6 months\" }}]
"
    )
}

/// The cookies the browser holds for the page, by name.
async fn cookie_names(browser: &Browser) -> anyhow::Result<Vec<String>> {
    Ok(browser
        .client
        .get_all_cookies()
        .await?
        .iter()
        .map(|cookie| cookie.name().to_owned())
        .collect())
}

/// The record of `action` among `records` (one choice's records share a
/// consent id and may share a second, so their order is not theirs to keep).
fn record<'a>(records: &'a [Value], action: &str) -> &'a Value {
    records
        .iter()
        .find(|record| record["action"] == action)
        .unwrap_or_else(|| panic!("no {action} record in {records:#?}"))
}

/// What the page's placeholders say and offer, in document order.
async fn placeholders(browser: &Browser) -> anyhow::Result<Value> {
    browser
        .script(
            "return Array.from(document.querySelectorAll('sealbook-embed')).map(node => ({
               text: node.shadowRoot.querySelector('p').textContent,
               button: node.shadowRoot.querySelector('button')?.textContent ?? null,
               width: node.getBoundingClientRect().width,
               height: node.getBoundingClientRect().height,
               next: node.nextElementSibling.id,
             }));",
        )
        .await
}

/// Each embed's `src` (`null` while it has none) and whether it is hidden.
async fn frames(browser: &Browser) -> anyhow::Result<Value> {
    browser
        .script(
            "return Array.from(document.querySelectorAll('iframe'))
               .map(frame => [frame.id, frame.getAttribute('src'), frame.hidden]);",
        )
        .await
}

#[tokio::test]
async fn an_embed_waits_behind_its_placeholder_until_its_service_alone_is_allowed()
-> anyhow::Result<()> {
    let host = HostSite::start().await?;
    let third_party = HostSite::start().await?;
    third_party.serve(
        "/video.html",
        "text/html",
        "<!doctype html><title>Video</title><p>The chef's video</p>",
    );
    third_party.serve(
        "/player.js",
        "text/javascript",
        "document.cookie = '_sb_video=1; Path=/; Max-Age=3600'; (window.ran = window.ran || []).push('player');
         document.getElementById('clip').textContent = 'Today: the tasting menu';",
    );
    third_party.serve(
        "/map.html",
        "text/html",
        "<!doctype html><title>Map</title>",
    );
    let sealbook = Sealbook::start_with("bistro-consent", &[host.origin()], &notice()).await?;
    let third = third_party.origin();
    let body = format!(
        r#"<p>Our chef at work:</p>
<iframe id="video" title="The chef at work" width="560" height="315"
        data-category="marketing" data-service="Video, Ltd" data-src="{third}/video.html"></iframe>
<iframe id="lightbox" title="The chef, full screen" hidden
        data-category="marketing" data-service="Video, Ltd" data-src="{third}/video.html?big"></iframe>
<div id="clip" data-category="marketing" data-service="Video, Ltd"></div>
<script type="text/plain" data-category="marketing" data-service="Video, Ltd" data-src="{third}/player.js"></script>
<iframe id="map" title="How to find us" data-category="marketing" data-service="Maps" data-src="{third}/map.html"></iframe>"#
    );
    host.set_page(site_page(&sealbook.snippet().await?, "", "", &body));
    let browser = Browser::start().await?;
    let url = format!("{}/bistro", host.origin());
    browser.goto(&url).await?;

    // Behind the banner, and after Reject all: placeholders, nothing loaded.
    click(&browser, "sbc-reject").await?;
    let shown = eventually("three placeholders", || async {
        let shown = placeholders(&browser).await.ok()?;
        (shown.as_array()?.len() == 3).then_some(shown)
    })
    .await?;
    assert_eq!(shown[0]["next"], "video");
    assert_eq!(
        shown[0]["text"],
        "This content is from Video, Ltd. Loading it lets Example Video Ltd set cookies and see \
         that you visited this page. Your choice is remembered; change it under “Cookie settings”."
    );
    assert_eq!(shown[0]["button"], "Load Video, Ltd");
    assert_eq!(
        (&shown[0]["width"], &shown[0]["height"]),
        (&json!(560), &json!(315)),
        "the placeholder takes the embed's place"
    );
    // A box a gated script fills waits the same way.
    assert_eq!(shown[1]["next"], "clip");
    assert_eq!(shown[1]["button"], "Load Video, Ltd");
    // A service the notice does not declare cannot be allowed from its embed.
    assert_eq!(shown[2]["next"], "map");
    assert_eq!(shown[2]["button"], "Cookie settings");
    // The page keeps its lightbox hidden: no placeholder, nothing loaded.
    assert_eq!(
        frames(&browser).await?,
        json!([
            ["video", null, true],
            ["lightbox", null, true],
            ["map", null, true]
        ])
    );
    let violations = browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core on the placeholders: {violations:#?}"
    );

    // "Load": by keyboard, the service alone, recorded; the focus on the video.
    let placeholder = browser
        .client
        .find(Locator::Css("sealbook-embed"))
        .await?
        .shadow_root()
        .await?;
    placeholder
        .find(Locator::Css("button"))
        .await?
        .send_keys(&key(Key::Enter))
        .await?;
    eventually("the video and its player", || async {
        let ran = browser.script("return window.ran || [];").await.ok()?;
        (ran == json!(["player"]) && third_party.requests_for("/video.html") == 1).then_some(())
    })
    .await?;
    assert_eq!(
        frames(&browser).await?,
        json!([
            ["video", format!("{third}/video.html"), false],
            ["lightbox", format!("{third}/video.html?big"), true],
            ["map", null, true]
        ])
    );
    assert_eq!(
        placeholders(&browser).await?.as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        browser
            .script("const clip = document.getElementById('clip'); return [clip.hidden, clip.textContent];")
            .await?,
        json!([false, "Today: the tasting menu"])
    );
    assert_eq!(
        browser.script("return document.activeElement.id;").await?,
        "video"
    );
    let records = eventually("two records", || async {
        let records = sealbook.consents().await.ok()?;
        (records.len() == 2).then_some(records)
    })
    .await?;
    let (refusal, allowed) = (record(&records, "reject_all"), record(&records, "custom"));
    assert_eq!(refusal["services"], json!([]));
    assert_eq!(allowed["consent_id"], refusal["consent_id"]);
    assert_eq!(allowed["notice_version"], VERSION);
    assert_eq!(allowed["granted"], json!([]));
    assert_eq!(allowed["refused"], json!(["analytics", "marketing"]));
    assert_eq!(allowed["services"], json!(["Video, Ltd"]));
    assert_eq!(third_party.requests_for("/map.html"), 0);

    // The next page view: the video loads at once, the map still waits.
    browser.goto(&url).await?;
    eventually("the video loaded again", || async {
        (third_party.requests_for("/video.html") == 2).then_some(())
    })
    .await?;
    assert!(!dialog_open(&browser).await?, "the choice was remembered");
    assert_eq!(
        browser
            .script("return Sealbook.consent.get().services;")
            .await?,
        json!(["Video, Ltd"])
    );

    // The settings: the service ticked on its own, its category and the other
    // service not; the category's switch ticks and unticks its services.
    click(&browser, "sbc-reopen").await?;
    let dialog = root(&browser, "#sbc-choices:not([hidden])").await?;
    let boxes = "const root = document.querySelector('sealbook-consent').shadowRoot;
                 return [root.getElementById('sbc-cat-marketing').checked,
                         ...Array.from(root.querySelectorAll('li input'), box => box.checked)];";
    assert_eq!(
        browser.script(boxes).await?,
        json!([false, false, false, true])
    );
    let violations = browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core on the settings with services: {violations:#?}"
    );
    let switch = dialog.find(Locator::Css("#sbc-cat-marketing")).await?;
    switch.send_keys(&key(Key::Space)).await?;
    assert_eq!(
        browser.script(boxes).await?,
        json!([true, false, true, true])
    );
    switch.send_keys(&key(Key::Space)).await?;
    assert_eq!(
        browser.script(boxes).await?,
        json!([false, false, false, false])
    );

    // Saved with nothing allowed: a withdrawal; the video is unloaded and waits
    // again, and the service's cookie is gone.
    assert!(
        cookie_names(&browser)
            .await?
            .contains(&"_sb_video".to_owned())
    );
    click(&browser, "sbc-save").await?;
    eventually("the video unloaded", || async {
        let frames = frames(&browser).await.ok()?;
        (frames[0] == json!(["video", null, true])).then_some(())
    })
    .await?;
    assert_eq!(
        frames(&browser).await?[1],
        json!(["lightbox", null, true]),
        "the hidden frame is unloaded too"
    );
    assert_eq!(
        browser
            .script("return document.getElementById('clip').textContent;")
            .await?,
        "",
        "the box loses what the service's script put in it"
    );
    assert_eq!(
        placeholders(&browser).await?.as_array().map(Vec::len),
        Some(3)
    );
    assert!(
        !cookie_names(&browser)
            .await?
            .contains(&"_sb_video".to_owned())
    );
    let records = eventually("three records", || async {
        let records = sealbook.consents().await.ok()?;
        (records.len() == 3).then_some(records)
    })
    .await?;
    assert_eq!(record(&records, "withdraw")["services"], json!([]));
    assert_eq!(third_party.requests_for("/map.html"), 0);
    browser.close().await?;
    Ok(())
}
