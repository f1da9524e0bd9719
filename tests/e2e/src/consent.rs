//! The cookie notice and the consent layer's banner, shared by the tests that
//! make choices through it.

use fantoccini::Locator;
use fantoccini::elements::ShadowRoot;
use serde_json::json;

use crate::{Browser, eventually};

/// The notice's version.
pub const VERSION: &str = "2026-11";

/// A business's notice: analytics (cookie `_sb_stats`) and marketing (the
/// cookie family `_sb_ads_*`), each with one service on a third-party origin.
pub const NOTICE: &str = r#"
[business.consent]
version = "2026-11"
privacy_policy = "https://bistro.example/privacy"
[[business.consent.categories]]
id = "necessary"
description = { en = "Keeps your cookie choice.", fr = "Conserve votre choix de cookies.", de = "Speichert Ihre Cookie-Auswahl." }
[[business.consent.categories]]
id = "analytics"
description = { en = "Counts visits, without identifying you.", fr = "Compte les visites, sans vous identifier.", de = "Zählt Besuche, ohne Sie zu identifizieren." }
[[business.consent.categories.services]]
name = "Stats"
provider = "Example Analytics Ltd"
purpose = { en = "Visit statistics", fr = "Statistiques de visite", de = "Besuchsstatistik" }
cookies = [{ name = "_sb_stats", duration = "13 months" }]
privacy_policy = "https://stats.example/privacy"
[[business.consent.categories]]
id = "marketing"
description = { en = "Measures our adverts.", fr = "Mesure nos publicités.", de = "Misst unsere Werbung." }
[[business.consent.categories.services]]
name = "Pixel"
provider = "Example Ads Inc"
purpose = { en = "Advert measurement", fr = "Mesure publicitaire", de = "Werbemessung" }
cookies = [{ name = "_sb_ads_*", duration = "3 months" }]
"#;

/// The demo sites' notice, as `cargo xtask demo` configures it.
pub const DEMO_NOTICE: &str = include_str!("../../../xtask/src/demo-notice.toml");

/// A page of the business's site in English with `head` in its head and
/// `body` (the script tag, gated scripts) in its `main`, the banner only
/// (`data-form="none"`) added to the script tag `snippet` with `attributes`.
pub fn site_page(snippet: &str, attributes: &str, head: &str, body: &str) -> String {
    let tag = snippet.replacen(
        "<script ",
        &format!(r#"<script data-form="none" {attributes} "#),
        1,
    );
    format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bistro</title>{head}</head>
<body><main><h1>Bistro</h1>{body}{tag}</main></body>
</html>"#
    )
}

/// The consent layer's shadow root on the page open in `browser`, once `css`
/// matches inside it.
pub async fn root(browser: &Browser, css: &str) -> anyhow::Result<ShadowRoot> {
    eventually(&format!("{css} in the consent layer"), || async {
        let host = browser
            .client
            .find(Locator::Css("sealbook-consent"))
            .await
            .ok()?;
        let root = host.shadow_root().await.ok()?;
        root.find(Locator::Css(css)).await.ok()?;
        Some(root)
    })
    .await
}

/// Whether the consent dialog is open on the page.
pub async fn dialog_open(browser: &Browser) -> anyhow::Result<bool> {
    Ok(browser
        .script(
            "return !!document.querySelector('sealbook-consent')?.shadowRoot.querySelector('dialog[open]');",
        )
        .await?
        == json!(true))
}

/// Clicks the consent layer's `#id` once it is shown (a banner button, a
/// switch of the settings, the reopen control).
pub async fn click(browser: &Browser, id: &str) -> anyhow::Result<()> {
    let css = format!("#{id}");
    let button = eventually(&format!("{css} shown"), || async {
        let root = root(browser, &css).await.ok()?;
        let button = root.find(Locator::Css(&css)).await.ok()?;
        button.is_displayed().await.ok()?.then_some(button)
    })
    .await?;
    button.click().await?;
    Ok(())
}
