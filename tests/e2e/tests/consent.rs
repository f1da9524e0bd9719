//! The consent layer on a business's site, in real headless Chromium (the
//! banner, its keyboard use and a booking after refusal in Firefox ESR too): nothing
//! optional before a choice, refusal in one click and remembered, one category
//! granted runs exactly its scripts, withdrawal deletes its cookies, Esc and the
//! focus trap, Global Privacy Control, Google Consent Mode, an external CMP,
//! scripts and frames the page adds later, the site's colours, and the small
//! "Cookie settings" icon on a phone.
//! Every gated script comes from a second origin that counts what reaches it.

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::actions::{InputSource as _, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::elements::ShadowRoot;
use fantoccini::key::Key;
use sealbook_e2e::consent::{self, NOTICE, VERSION};
use sealbook_e2e::flow::{canary, choose_first_free_slot, fill_details, key, send};
use sealbook_e2e::{
    Browser, BrowserKind, HostSite, Sealbook, eventually, in_each_browser, occurrences,
};
use serde_json::{Value, json};

/// Browser tests share two cores: one at a time keeps timings honest.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Put in the page's head before anything else, it logs every write to the
/// page's cookies, Web Storage, IndexedDB and Cache Storage into `window.writes`,
/// so a write that is undone at once still counts.
const WRITE_RECORDER: &str = r#"<script>
window.writes = [];
(() => {
  const log = (what) => window.writes.push(what);
  for (const name of ["setItem", "removeItem", "clear"]) {
    const original = Storage.prototype[name];
    Storage.prototype[name] = function (...args) {
      log((this === window.localStorage ? "localStorage." : "sessionStorage.") + name);
      return original.apply(this, args);
    };
  }
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (...args) { log("indexedDB.open"); return open.apply(this, args); };
  const cacheOpen = CacheStorage.prototype.open;
  CacheStorage.prototype.open = function (...args) { log("caches.open"); return cacheOpen.apply(this, args); };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  Object.defineProperty(Document.prototype, "cookie", {
    configurable: true,
    get() { return cookie.get.call(this); },
    set(value) { log("cookie " + String(value).split("=")[0]); cookie.set.call(this, value); },
  });
})();
</script>"#;

/// The Sealbook server, the business's site, the third party, and a browser.
struct Site {
    sealbook: Sealbook,
    host: HostSite,
    third_party: HostSite,
    browser: Browser,
}

impl Site {
    /// A restaurant site with three gated scripts: the analytics script from the
    /// third party, an inline analytics script after it, and the marketing pixel.
    /// `tag_attributes` go on the embed tag, `head` into the page's head.
    async fn start(language: &str, tag_attributes: &str, head: &str) -> anyhow::Result<Self> {
        Self::start_in(BrowserKind::Chromium, language, tag_attributes, head).await
    }

    /// [`Site::start`] with a browser of `kind`.
    async fn start_in(
        kind: BrowserKind,
        language: &str,
        tag_attributes: &str,
        head: &str,
    ) -> anyhow::Result<Self> {
        let host = HostSite::start().await?;
        let third_party = HostSite::start().await?;
        third_party.serve(
            "/analytics.js",
            "text/javascript",
            "document.cookie = '_sb_stats=1; Path=/; Max-Age=3600'; (window.ran = window.ran || []).push('analytics');",
        );
        third_party.serve(
            "/pixel.js",
            "text/javascript",
            "document.cookie = '_sb_ads_id=7; Path=/; Max-Age=3600'; (window.ran = window.ran || []).push('marketing');",
        );
        let sealbook = Sealbook::start_with("bistro-consent", &[host.origin()], NOTICE).await?;
        let snippet = sealbook.snippet().await?.replacen(
            "<script ",
            &format!("<script data-lang=\"{language}\" {tag_attributes} "),
            1,
        );
        let third = third_party.origin();
        host.set_page(format!(
            r#"<!doctype html>
<html lang="{language}">
<head><meta charset="utf-8"><title>Bistro</title>{head}</head>
<body>
<main>
<h1>Bistro</h1>
<p>Seasonal cooking. <a href="/menu">Menu</a></p>
<script type="text/plain" data-category="analytics" data-src="{third}/analytics.js"></script>
<script type="text/plain" data-category="analytics">(window.ran = window.ran || []).push("inline-analytics");</script>
<script type="text/plain" data-category="marketing" data-src="{third}/pixel.js"></script>
{snippet}
</main>
</body>
</html>"#
        ));
        let browser = Browser::start_in(kind).await?;
        Ok(Self {
            sealbook,
            host,
            third_party,
            browser,
        })
    }

    fn url(&self) -> String {
        format!("{}/bistro", self.host.origin())
    }

    async fn script(&self, source: &str) -> anyhow::Result<Value> {
        self.browser.script(source).await
    }

    /// The consent layer's shadow root, once its banner or reopen control exists.
    async fn consent_root(&self) -> anyhow::Result<ShadowRoot> {
        consent::root(&self.browser, "dialog").await
    }

    /// Waits until the dialog is open on `view` (`sbc-banner` or `sbc-choices`).
    async fn wait_for_dialog(&self, view: &str) -> anyhow::Result<()> {
        eventually(&format!("the dialog showing {view}"), || async {
            let open = self
                .script(&format!(
                    "const root = document.querySelector('sealbook-consent')?.shadowRoot;
                     return !!root && !!root.querySelector('dialog[open]')
                       && !root.getElementById('{view}').hidden;"
                ))
                .await
                .ok()?;
            (open == json!(true)).then_some(())
        })
        .await
    }

    async fn dialog_open(&self) -> anyhow::Result<bool> {
        consent::dialog_open(&self.browser).await
    }

    async fn click(&self, id: &str) -> anyhow::Result<()> {
        let root = self.consent_root().await?;
        root.find(Locator::Css(&format!("#{id}")))
            .await?
            .click()
            .await?;
        Ok(())
    }

    /// Sends `keys` to the element `css` inside the consent layer.
    async fn press(&self, css: &str, keys: &str) -> anyhow::Result<()> {
        let root = self.consent_root().await?;
        root.find(Locator::Css(css)).await?.send_keys(keys).await?;
        Ok(())
    }

    /// A selector for the element focused inside the consent layer: `#id`, or its
    /// tag when it has none ("" if the focus is elsewhere).
    async fn focused(&self) -> anyhow::Result<String> {
        let id = self
            .script(
                "if (document.activeElement?.tagName !== 'SEALBOOK-CONSENT') return '';
                 const inside = document.activeElement.shadowRoot.activeElement;
                 return inside ? (inside.id ? '#' + inside.id : inside.tagName.toLowerCase()) : '(none)';",
            )
            .await?;
        Ok(id.as_str().unwrap_or_default().to_owned())
    }

    /// What the gated scripts that ran have written into `window.ran`.
    async fn ran(&self) -> anyhow::Result<Value> {
        self.script("return window.ran || [];").await
    }

    /// The consent records, once there are `count` of them.
    async fn records(&self, count: usize) -> anyhow::Result<Vec<Value>> {
        eventually(&format!("{count} consent records"), || async {
            let records = self.sealbook.consents().await.ok()?;
            (records.len() >= count).then_some(records)
        })
        .await
    }

    /// The cookies the browser holds for the page, by name.
    async fn cookie_names(&self) -> anyhow::Result<Vec<String>> {
        let mut names: Vec<String> = self
            .browser
            .client
            .get_all_cookies()
            .await?
            .iter()
            .map(|cookie| cookie.name().to_owned())
            .collect();
        names.sort();
        Ok(names)
    }
}

/// A second, so that a script that should not run would have had time to.
async fn settle() {
    tokio::time::sleep(Duration::from_secs(1)).await;
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

in_each_browser!(
    nothing_optional_happens_before_a_choice_and_reject_all_is_remembered
        => nothing_before_a_choice
);

async fn nothing_before_a_choice(kind: BrowserKind) -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let mut site = Site::start_in(kind, "en", "", WRITE_RECORDER).await?;
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;

    // Before the banner showed, the page fetched the loader and the notice, nothing else.
    let before_banner = site
        .script(
            "const shown = performance.getEntriesByName('sealbook:consent-banner')[0].startTime;
             return performance.getEntriesByType('resource')
               .filter(e => e.startTime <= shown).map(e => new URL(e.name).pathname)
               // The browser asks for the site's icon by itself.
               .filter(path => path !== '/favicon.ico');",
        )
        .await?;
    let mut before_banner = strings(&before_banner);
    before_banner.sort_unstable();
    assert_eq!(
        before_banner,
        [
            "/api/v1/businesses/bistro-consent/profile",
            "/widget/embed.js"
        ],
        "only the loader and the notice load before the banner"
    );

    // Nothing optional: no cookie, no storage, nothing at the third party; and
    // still nothing a second later, once the booking form has loaded behind it.
    for moment in ["as the banner shows", "a second later"] {
        if moment != "as the banner shows" {
            settle().await;
            site.browser.widget().await?;
        }
        assert_eq!(site.cookie_names().await?, Vec::<String>::new(), "{moment}");
        let storage = site
            .browser
            .script_async(
                "const done = arguments[arguments.length - 1];
                 Promise.all([indexedDB.databases(), caches.keys()])
                   .then(([dbs, cached]) => done([localStorage.length, sessionStorage.length, dbs.length, cached.length]));",
            )
            .await?;
        assert_eq!(
            storage,
            json!([0, 0, 0, 0]),
            "local, session, IndexedDB, Cache Storage {moment}"
        );
        assert_eq!(
            site.script("return window.writes;").await?,
            json!([]),
            "no write at all {moment}"
        );
        assert_eq!(site.third_party.request_count(), 0, "{moment}");
        assert_eq!(site.ran().await?, json!([]), "{moment}");
    }

    // A modal, labelled dialog with the focus inside and the page behind inert.
    assert_eq!(site.focused().await?, "#sbc-title");
    assert_eq!(
        site.script("return document.querySelector('main').inert;")
            .await?,
        json!(true)
    );
    let dialog = site
        .script(
            "const d = document.querySelector('sealbook-consent').shadowRoot.querySelector('dialog');
             return [d.getAttribute('aria-labelledby'), d.matches(':modal')];",
        )
        .await?;
    assert_eq!(dialog, json!(["sbc-title", true]));

    // Reject all is a real button as large and as heavy as Accept all.
    let buttons = site
        .script(
            "const root = document.querySelector('sealbook-consent').shadowRoot;
             return ['sbc-accept', 'sbc-reject'].map(id => {
               const b = root.getElementById(id), r = b.getBoundingClientRect(), s = getComputedStyle(b);
               return [b.tagName, r.width, r.height, s.fontWeight, s.fontSize, b.textContent];
             });",
        )
        .await?;
    let (accept, reject) = (&buttons[0], &buttons[1]);
    assert_eq!(accept[0], "BUTTON");
    assert_eq!(reject[0], "BUTTON");
    for dimension in [1, 2] {
        let (a, r) = (
            accept[dimension].as_f64().unwrap_or(0.0),
            reject[dimension].as_f64().unwrap_or(-1.0),
        );
        assert!(
            (a - r).abs() <= 0.1 * a.max(r),
            "sizes differ by more than 10%: {buttons}"
        );
    }
    assert_eq!((&accept[3], &accept[4]), (&reject[3], &reject[4]));
    assert_eq!(reject[5], "Reject all");

    let violations = site.browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core on the banner: {violations:#?}"
    );

    // One click refuses everything optional.
    site.click("sbc-reject").await?;
    let records = site.records(1).await?;
    let record = &records[0];
    assert_eq!(record["action"], "reject_all");
    assert_eq!(record["granted"], json!([]));
    assert_eq!(record["refused"], json!(["analytics", "marketing"]));
    assert_eq!(record["notice_version"], VERSION);
    assert_eq!(record["language"], "en");
    assert_eq!(record["services"], json!([]));
    let mut fields: Vec<&str> = record
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "action",
            "business",
            "consent_id",
            "granted",
            "language",
            "notice_hash",
            "notice_version",
            "recorded_at",
            "refused",
            "services"
        ],
        "a record holds no address, no browser, nothing personal"
    );
    assert!(!site.dialog_open().await?);
    assert_eq!(
        site.script("return document.querySelector('main').inert;")
            .await?,
        json!(false)
    );

    // The choice is one first-party cookie, kept at most 183 days.
    assert_eq!(
        site.script("return window.writes;").await?,
        json!(["cookie sealbook_consent"]),
        "the refusal wrote its cookie and nothing else"
    );
    let cookies = site.browser.client.get_all_cookies().await?;
    assert_eq!(cookies.len(), 1, "only the choice itself: {cookies:?}");
    let choice = &cookies[0];
    assert_eq!(choice.name(), "sealbook_consent");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs();
    let expires = choice
        .expires_datetime()
        .map(|time| time.unix_timestamp())
        .unwrap_or_default();
    // WebDriver gives the expiry in whole seconds, and Firefox rounds the
    // cookie's up: one second over 183 days is still the 183 days it was given.
    let kept = expires - i64::try_from(now)?;
    assert!(
        (182 * 86_400..=183 * 86_400 + 1).contains(&kept),
        "kept {} days",
        kept as f64 / 86_400.0
    );
    let stored = site.script("return Sealbook.consent.get();").await?;
    assert_eq!(stored["id"], record["consent_id"]);

    settle().await;
    assert_eq!(site.third_party.request_count(), 0);
    assert_eq!(site.ran().await?, json!([]));

    // Reloaded: the refusal holds, no banner, the reopen control is there.
    site.browser.goto(&site.url()).await?;
    let root = site.consent_root().await?;
    eventually("the reopen control", || async {
        let reopen = root.find(Locator::Css("#sbc-reopen")).await.ok()?;
        reopen.is_displayed().await.ok()?.then_some(())
    })
    .await?;
    settle().await;
    assert!(!site.dialog_open().await?);
    assert_eq!(site.third_party.request_count(), 0);
    assert_eq!(
        site.ran().await?,
        json!([]),
        "nothing gated ran after the reload"
    );
    assert_eq!(site.sealbook.consents().await?.len(), 1);

    // A stored choice past its expiry, or claiming to last longer than 183 days,
    // is no choice: the banner asks again.
    for (label, edit) in [
        ("expired", "value.expires = value.time - 1;"),
        ("over 183 days", "value.expires = value.time + 184 * 86400;"),
    ] {
        let original = site.script("return document.cookie;").await?;
        site.script(&format!(
            "const value = JSON.parse(decodeURIComponent(document.cookie.split('sealbook_consent=')[1].split(';')[0]));
             {edit}
             document.cookie = 'sealbook_consent=' + encodeURIComponent(JSON.stringify(value)) + '; Path=/; Max-Age=3600';"
        ))
        .await?;
        site.browser.goto(&site.url()).await?;
        site.wait_for_dialog("sbc-banner").await?;
        assert_eq!(
            site.sealbook.consents().await?.len(),
            1,
            "{label}: asking records nothing"
        );
        let restore = original.as_str().unwrap_or_default().to_owned();
        site.script(&format!(
            "document.cookie = {};",
            serde_json::to_string(&format!("{restore}; Path=/; Max-Age=3600"))?
        ))
        .await?;
    }

    // The choice as it was holds again (so what follows is the version's doing).
    site.browser.goto(&site.url()).await?;
    site.consent_root().await?;
    settle().await;
    assert!(!site.dialog_open().await?, "the restored choice holds");

    // The business publishes a new notice version: the stored refusal no longer
    // counts, the banner asks again, and nothing runs until the visitor answers.
    site.sealbook
        .reconfigure(|config| config.replace("version = \"2026-11\"", "version = \"2026-12\""))
        .await?;
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;
    assert_eq!(
        site.script("return Sealbook.consent.get();").await?,
        Value::Null,
        "the old choice does not apply to the new notice"
    );
    settle().await;
    assert_eq!(site.third_party.request_count(), 0);
    assert_eq!(site.ran().await?, json!([]));
    site.click("sbc-accept").await?;
    let records = site.records(2).await?;
    assert_eq!(records[1]["notice_version"], "2026-12");
    assert_eq!(records[1]["action"], "accept_all");
    site.browser.close().await?;
    drop(site.host);
    Ok(())
}

#[tokio::test]
async fn one_category_runs_exactly_its_scripts_and_withdrawing_deletes_its_cookies()
-> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = Site::start("en", "", "").await?;
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;
    site.click("sbc-settings").await?;
    site.wait_for_dialog("sbc-choices").await?;
    assert_eq!(site.focused().await?, "#sbc-choices-title");
    let toggles = site
        .script(
            "const root = document.querySelector('sealbook-consent').shadowRoot;
             return ['necessary', 'analytics', 'marketing'].map(id => {
               const t = root.getElementById('sbc-cat-' + id);
               return [t.checked, t.disabled];
             });",
        )
        .await?;
    assert_eq!(
        toggles,
        json!([[true, true], [false, false], [false, false]]),
        "necessary on and fixed, every optional category off"
    );
    let details = site
        .script("return document.querySelector('sealbook-consent').shadowRoot.getElementById('sbc-choices').textContent;")
        .await?;
    let details = details.as_str().unwrap_or_default();
    for shown in [
        "Example Analytics Ltd",
        "_sb_stats (13 months)",
        "_sb_ads_* (3 months)",
        "Visit statistics",
        "Counts visits, without identifying you.",
    ] {
        assert!(details.contains(shown), "the dialog shows {shown}");
    }
    let links = site
        .script(
            "return Array.from(document.querySelector('sealbook-consent').shadowRoot
               .querySelectorAll('#sbc-choices a')).map(a => [a.textContent, a.href]);",
        )
        .await?;
    assert_eq!(
        links,
        json!([
            ["Privacy policy", "https://bistro.example/privacy"],
            ["Privacy policy (Stats)", "https://stats.example/privacy"]
        ]),
        "the site's policy and each service's"
    );
    let violations = site.browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core on the dialog: {violations:#?}"
    );
    site.script(
        "document.querySelector('sealbook-consent').shadowRoot
           .querySelectorAll('details').forEach(d => d.open = true);",
    )
    .await?;
    let violations = site.browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core on the dialog with the services shown: {violations:#?}"
    );

    // Analytics only, by keyboard.
    site.press("#sbc-cat-analytics", &key(Key::Space)).await?;
    site.press("#sbc-save", &key(Key::Enter)).await?;
    eventually("both analytics scripts", || async {
        let ran = site.ran().await.ok()?;
        (ran.as_array()?.len() == 2).then_some(())
    })
    .await?;
    // In document order: the inline script waited for the external one before it.
    assert_eq!(site.ran().await?, json!(["analytics", "inline-analytics"]));
    settle().await;
    assert_eq!(site.third_party.requests_for("/analytics.js"), 1);
    assert_eq!(site.third_party.requests_for("/pixel.js"), 0);
    assert_eq!(
        site.cookie_names().await?,
        ["_sb_stats", "sealbook_consent"]
    );
    let records = site.records(1).await?;
    assert_eq!(records[0]["action"], "custom");
    assert_eq!(records[0]["granted"], json!(["analytics"]));
    assert_eq!(records[0]["refused"], json!(["marketing"]));

    // Withdrawing from the reopen control deletes the category's cookies and
    // tells the host page.
    site.script(
        "window.events = []; addEventListener('sealbook:consent', e => window.events.push(e.detail));",
    )
    .await?;
    site.click("sbc-reopen").await?;
    site.wait_for_dialog("sbc-choices").await?;
    let checked = site
        .script("return document.querySelector('sealbook-consent').shadowRoot.getElementById('sbc-cat-analytics').checked;")
        .await?;
    assert_eq!(checked, json!(true), "the dialog shows the current choice");
    site.press("#sbc-cat-analytics", &key(Key::Space)).await?;
    site.click("sbc-save").await?;
    let records = site.records(2).await?;
    assert_eq!(records[1]["action"], "withdraw");
    assert_eq!(records[1]["granted"], json!([]));
    assert_eq!(records[1]["consent_id"], records[0]["consent_id"]);
    assert_eq!(site.cookie_names().await?, ["sealbook_consent"]);
    let events = site.script("return window.events;").await?;
    assert_eq!(events.as_array().map(Vec::len), Some(1));
    assert_eq!(events[0]["action"], "withdraw");
    assert_eq!(events[0]["refused"], json!(["analytics", "marketing"]));
    assert_eq!(events[0]["id"], records[0]["consent_id"]);
    assert_eq!(site.third_party.requests_for("/analytics.js"), 1);
    let violations = site.browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core with the reopen control: {violations:#?}"
    );

    // Marketing granted, then withdrawn: its whole cookie family (`_sb_ads_*`) goes.
    site.click("sbc-reopen").await?;
    site.wait_for_dialog("sbc-choices").await?;
    site.click("sbc-accept-2").await?;
    eventually("the marketing pixel's cookie", || async {
        let names = site.cookie_names().await.ok()?;
        names.iter().any(|name| name == "_sb_ads_id").then_some(())
    })
    .await?;
    site.click("sbc-reopen").await?;
    site.wait_for_dialog("sbc-choices").await?;
    site.press("#sbc-cat-marketing", &key(Key::Space)).await?;
    site.click("sbc-save").await?;
    let records = site.records(4).await?;
    assert_eq!(records[3]["action"], "withdraw");
    assert_eq!(records[3]["refused"], json!(["marketing"]));
    assert_eq!(
        site.cookie_names().await?,
        ["sealbook_consent"],
        "the marketing cookie family is gone"
    );
    site.browser.close().await?;
    Ok(())
}

in_each_browser!(escape_refuses_and_the_focus_stays_in_the_dialog => escape_and_focus_trap);

async fn escape_and_focus_trap(kind: BrowserKind) -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = Site::start_in(kind, "de", "", "").await?;
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;
    let labels = site
        .script(
            "const root = document.querySelector('sealbook-consent').shadowRoot;
             return ['sbc-title', 'sbc-accept', 'sbc-reject', 'sbc-settings'].map(id => root.getElementById(id).textContent);",
        )
        .await?;
    assert_eq!(
        labels,
        json!([
            "Cookies auf dieser Website",
            "Alle akzeptieren",
            "Alle ablehnen",
            "Einstellungen"
        ])
    );

    // The banner's stops are the policy link and three buttons; Tab and
    // Shift+Tab go round them and never leave.
    let mut seen = Vec::new();
    for _ in 0..9 {
        let current = site.focused().await?;
        assert!(!current.is_empty(), "the focus left the dialog");
        site.press(&current, &key(Key::Tab)).await?;
        seen.push(site.focused().await?);
    }
    assert!(
        seen.iter().all(|id| !id.is_empty() && id != "(none)"),
        "every Tab stays inside: {seen:?}"
    );
    assert!(
        seen.iter().any(|id| id == "#sbc-accept") && seen.iter().any(|id| id == "#sbc-settings"),
        "Tab reaches the buttons: {seen:?}"
    );
    let after_settings = seen
        .iter()
        .position(|id| id == "#sbc-settings")
        .and_then(|at| seen.get(at + 1));
    assert!(
        after_settings.is_some_and(|id| id != "#sbc-settings"),
        "Tab wraps around after the last button: {seen:?}"
    );
    // Shift+Tab from the first stop wraps to the last.
    site.press(
        "#sbc-policy",
        &format!("{}{}", char::from(Key::Shift), char::from(Key::Tab)),
    )
    .await?;
    assert_eq!(
        site.focused().await?,
        "#sbc-settings",
        "Shift+Tab from the first stop wraps round to the last"
    );
    let violations = site.browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core on the German banner: {violations:#?}"
    );
    site.click("sbc-settings").await?;
    site.wait_for_dialog("sbc-choices").await?;
    let choices = site
        .script("return document.querySelector('sealbook-consent').shadowRoot.getElementById('sbc-choices').textContent;")
        .await?;
    let choices = choices.as_str().unwrap_or_default();
    for shown in [
        "Zählt Besuche, ohne Sie zu identifizieren.",
        "Besuchsstatistik",
    ] {
        assert!(choices.contains(shown), "the German dialog shows {shown}");
    }
    let violations = site.browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core on the German dialog: {violations:#?}"
    );

    // A click outside the dialog and scrolling the page are no choice at all.
    let click_outside = MouseActions::new("mouse".to_owned())
        .then(PointerAction::MoveTo {
            duration: None,
            x: 5.0,
            y: 5.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    site.browser.client.perform_actions(click_outside).await?;
    site.script("window.scrollBy(0, 400);").await?;
    settle().await;
    assert!(site.dialog_open().await?, "still asking");
    assert_eq!(
        site.script("return Sealbook.consent.get();").await?,
        Value::Null
    );
    assert!(site.sealbook.consents().await?.is_empty());

    // Esc closes the dialog as a refusal of every optional purpose.
    let current = site.focused().await?;
    site.press(&current, &key(Key::Escape)).await?;
    let records = site.records(1).await?;
    assert_eq!(records[0]["action"], "reject_all");
    assert_eq!(records[0]["language"], "de");
    assert!(!site.dialog_open().await?);
    settle().await;
    assert_eq!(site.third_party.request_count(), 0);
    site.browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn global_privacy_control_refuses_marketing_without_asking() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let gpc = "<script>Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });</script>";
    let site = Site::start("fr", "", gpc).await?;
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;
    let banner = site
        .script("return document.querySelector('sealbook-consent').shadowRoot.getElementById('sbc-banner').textContent;")
        .await?;
    assert!(
        banner
            .as_str()
            .unwrap_or_default()
            .contains("Global Privacy Control"),
        "the banner says GPC applies: {banner}"
    );
    site.click("sbc-settings").await?;
    let marketing = site
        .script(
            "const t = document.querySelector('sealbook-consent').shadowRoot.getElementById('sbc-cat-marketing');
             return [t.checked, t.disabled];",
        )
        .await?;
    assert_eq!(marketing, json!([false, true]), "marketing off and locked");
    let violations = site.browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core on the French dialog with the GPC note: {violations:#?}"
    );
    site.click("sbc-accept-2").await?;
    let records = site.records(1).await?;
    assert_eq!(records[0]["action"], "gpc");
    assert_eq!(records[0]["granted"], json!(["analytics"]));
    assert_eq!(records[0]["refused"], json!(["marketing"]));
    assert_eq!(records[0]["language"], "fr");
    eventually("the analytics script", || async {
        (site.third_party.requests_for("/analytics.js") == 1).then_some(())
    })
    .await?;
    settle().await;
    assert_eq!(site.third_party.requests_for("/pixel.js"), 0);

    // A grant of marketing stored before GPC was switched on no longer counts.
    site.script(
        "const value = JSON.parse(decodeURIComponent(document.cookie.split('sealbook_consent=')[1].split(';')[0]));
         value.granted = ['analytics', 'marketing']; value.refused = []; value.action = 'accept_all';
         document.cookie = 'sealbook_consent=' + encodeURIComponent(JSON.stringify(value)) + '; Path=/; Max-Age=3600';",
    )
    .await?;
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;
    settle().await;
    assert_eq!(site.third_party.requests_for("/pixel.js"), 0);
    site.browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn google_consent_mode_is_denied_before_any_tag_then_updated() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = Site::start("en", "data-consent-mode=\"google\"", "").await?;
    site.host.set_page(
        // The gated tag records what it finds in the dataLayer when it runs.
        site_page_with_tag_snapshot(&site).await?,
    );
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;
    let denied = json!({
        "ad_storage": "denied",
        "ad_user_data": "denied",
        "ad_personalization": "denied",
        "analytics_storage": "denied",
        "wait_for_update": 500,
    });
    let layer = site
        .script("return (window.dataLayer || []).map(a => Array.from(a));")
        .await?;
    assert_eq!(layer, json!([["consent", "default", denied]]));
    site.click("sbc-accept").await?;
    let seen = eventually("the gated tag", || async {
        let seen = site.script("return window.seenByTag || null;").await.ok()?;
        (!seen.is_null()).then_some(seen)
    })
    .await?;
    assert_eq!(
        seen,
        json!([
            ["consent", "default", denied],
            ["consent", "update", {
                "ad_storage": "granted",
                "ad_user_data": "granted",
                "ad_personalization": "granted",
                "analytics_storage": "granted",
            }]
        ]),
        "the tag ran after the default and the update"
    );

    // Withdrawing marketing sends an update with the three ad keys denied again.
    site.click("sbc-reopen").await?;
    site.wait_for_dialog("sbc-choices").await?;
    site.press("#sbc-cat-marketing", &key(Key::Space)).await?;
    site.click("sbc-save").await?;
    let last = eventually("the update after the withdrawal", || async {
        let layer = site
            .script("return (window.dataLayer || []).map(a => Array.from(a));")
            .await
            .ok()?;
        let layer = layer.as_array()?.clone();
        (layer.len() == 3).then(|| layer[2].clone())
    })
    .await?;
    assert_eq!(
        last,
        json!(["consent", "update", {
            "ad_storage": "denied",
            "ad_user_data": "denied",
            "ad_personalization": "denied",
            "analytics_storage": "granted",
        }])
    );
    site.browser.close().await?;
    Ok(())
}

/// The site's page with one more gated analytics tag that copies the dataLayer.
/// A server that answers the notice with script URLs for its policy links
/// (the Sealbook server refuses such a configuration at start; a hostile or
/// compromised one would not): the banner shows the labels as text, never as
/// a link that runs anything.
#[tokio::test]
async fn a_hostile_server_cannot_plant_a_script_link_in_the_notice() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let hostile = HostSite::start().await?;
    let profile = json!({
        "consent": {
            "version": VERSION,
            "privacy_policy": "javascript:window.pwned='notice'",
            "categories": [
                { "id": "necessary", "description": { "en": "Keeps your cookie choice." } },
                {
                    "id": "analytics",
                    "description": { "en": "Counts visits." },
                    "services": [{
                        "name": "Stats",
                        "provider": "Example Analytics Ltd",
                        "purpose": { "en": "Visit statistics" },
                        "cookies": [{ "name": "_sb_stats", "duration": "13 months" }],
                        "privacy_policy": "data:text/html,<script>opener.pwned='service'</script>",
                    }],
                },
                {
                    "id": "marketing",
                    "description": { "en": "Measures our adverts." },
                    "services": [{
                        "name": "Pixel",
                        "provider": "Example Ads Inc",
                        "purpose": { "en": "Advert measurement" },
                        "privacy_policy": " JavaScript:window.pwned='spaced'",
                    }],
                },
            ],
        },
    });
    hostile.serve_to_any_origin(
        "/api/v1/businesses/bistro-consent/profile",
        "application/json",
        &profile.to_string(),
    );
    let site = Site::start(
        "en",
        &format!(r#"data-form="none" data-api="{}""#, hostile.origin()),
        "",
    )
    .await?;
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;
    site.click("sbc-policy").await?;
    settle().await;
    assert_eq!(
        site.script("return window.pwned ?? null;").await?,
        Value::Null,
        "nothing ran"
    );
    assert_eq!(
        site.browser.client.windows().await?.len(),
        1,
        "no window opened"
    );
    site.click("sbc-settings").await?;
    site.wait_for_dialog("sbc-choices").await?;
    let shown = site
        .script(
            "const root = document.querySelector('sealbook-consent').shadowRoot;
             return {
               links: [...root.querySelectorAll('a')].map((a) => a.getAttribute('href')),
               policy: root.getElementById('sbc-policy')?.tagName,
               policy_text: root.getElementById('sbc-policy')?.textContent,
               text: root.textContent,
             };",
        )
        .await?;
    assert_eq!(shown["links"], json!([]), "no link at all: {shown}");
    assert_eq!(shown["policy"], "SPAN", "{shown}");
    assert_eq!(shown["policy_text"], "Privacy policy", "{shown}");
    let text = shown["text"].as_str().unwrap_or_default();
    for label in ["Privacy policy (Stats)", "Privacy policy (Pixel)"] {
        assert!(
            text.contains(label),
            "the label stays as text: {label} in {text}"
        );
    }
    for text in ["javascript", "JavaScript", "data:text"] {
        assert!(
            !shown["text"].as_str().unwrap_or_default().contains(text),
            "no URL shown: {shown}"
        );
    }
    Ok(())
}

async fn site_page_with_tag_snapshot(site: &Site) -> anyhow::Result<String> {
    let snippet = site.sealbook.snippet().await?.replacen(
        "<script ",
        "<script data-lang=\"en\" data-consent-mode=\"google\" ",
        1,
    );
    Ok(format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bistro</title></head>
<body><main><h1>Bistro</h1>
<script type="text/plain" data-category="analytics">window.seenByTag = window.dataLayer.map(a => Array.from(a));</script>
{snippet}
</main></body></html>"#
    ))
}

#[tokio::test]
async fn an_external_consent_manager_decides_instead_of_the_banner() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = Site::start("en", "data-consent=\"external\"", "").await?;
    site.browser.goto(&site.url()).await?;
    eventually("the consent API", || async {
        let ready = site
            .script("return typeof window.Sealbook?.consent?.set === 'function';")
            .await
            .ok()?;
        (ready == json!(true)).then_some(())
    })
    .await?;
    settle().await;
    assert!(!site.dialog_open().await?, "no second banner");
    assert_eq!(site.third_party.request_count(), 0);
    site.script(
        "window.events = []; addEventListener('sealbook:consent', e => window.events.push(e.detail));
         return Sealbook.consent.set({ analytics: true, marketing: false });",
    )
    .await?;
    eventually("the analytics script", || async {
        (site.third_party.requests_for("/analytics.js") == 1).then_some(())
    })
    .await?;
    settle().await;
    assert_eq!(site.third_party.requests_for("/pixel.js"), 0);
    let events = site.script("return window.events;").await?;
    assert_eq!(events[0]["granted"], json!(["analytics"]));
    assert!(
        site.sealbook.consents().await?.is_empty(),
        "the external CMP keeps its own records"
    );
    site.browser.close().await?;
    Ok(())
}

/// A notice with nothing optional in it: nothing to ask, so no banner, no
/// cookie and no record, while what is strictly necessary runs and the notice
/// stays readable behind the reopen control.
#[tokio::test]
async fn a_notice_with_nothing_optional_asks_nothing_and_records_nothing() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let host = HostSite::start().await?;
    let notice = r#"
[business.consent]
version = "2026-12"
privacy_policy = "https://clinic.example/privacy"
[[business.consent.categories]]
id = "necessary"
description = { en = "Keeps the site working." }
[[business.consent.categories.services]]
name = "Sealbook"
provider = "This site"
purpose = { en = "Bookings" }
"#;
    let sealbook = Sealbook::start_with("praxis-necessary", &[host.origin()], notice).await?;
    host.set_page(consent::site_page(
        &sealbook.snippet().await?,
        "",
        "",
        r#"<script type="text/plain" data-category="necessary">window.ran = ["necessary"];</script>"#,
    ));
    let browser = Browser::start().await?;
    browser.goto(&format!("{}/clinic", host.origin())).await?;
    consent::root(&browser, "#sbc-reopen").await?;
    eventually("the necessary script", || async {
        let ran = browser.script("return window.ran ?? null;").await.ok()?;
        (ran == json!(["necessary"])).then_some(())
    })
    .await?;
    settle().await;
    assert!(!consent::dialog_open(&browser).await?, "no banner");
    assert_eq!(
        browser
            .script("return [document.cookie, Sealbook.consent.get().action];")
            .await?,
        json!(["", "none"])
    );
    assert!(
        sealbook.consents().await?.is_empty(),
        "nothing was chosen, so nothing is recorded"
    );
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn the_demo_page_loads_its_third_party_scripts_only_after_consent() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let sealbook = Sealbook::start_with("bistro-du-coin", &[], NOTICE).await?;
    let browser = Browser::start_speaking("fr-FR").await?;
    let demo = sealbook.url("/demo/restaurant.html");
    browser.goto(&demo).await?;
    // The demo plays its own third party under the other loopback name.
    let analytics = b"GET /demo/demo-analytics.js ";
    let from_the_other_origin = format!(
        "GET /demo/demo-analytics.js HTTP/1.1\r\nHost: localhost:{}",
        sealbook.proxy.port
    );
    let pixel = b"GET /demo/demo-pixel.js ";
    let root = consent::root(&browser, "dialog[open] #sbc-accept").await?;
    settle().await;
    let traffic = sealbook.proxy.traffic();
    assert_eq!(occurrences(&traffic, analytics), 0);
    assert_eq!(occurrences(&traffic, pixel), 0);

    root.find(Locator::Css("#sbc-settings"))
        .await?
        .click()
        .await?;
    root.find(Locator::Css("#sbc-cat-analytics"))
        .await?
        .click()
        .await?;
    root.find(Locator::Css("#sbc-save")).await?.click().await?;
    let said = eventually("the analytics script's line on the page", || async {
        let text = browser
            .client
            .find(Locator::Css("#demo-status li"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        (!text.is_empty()).then_some(text)
    })
    .await?;
    assert!(said.contains("_demo_stats"), "{said}");
    let traffic = sealbook.proxy.traffic();
    assert_eq!(occurrences(&traffic, analytics), 1);
    assert_eq!(
        occurrences(&traffic, from_the_other_origin.as_bytes()),
        1,
        "the analytics script came from the demo's second origin"
    );
    assert_eq!(occurrences(&traffic, pixel), 0);
    let violations = browser.policy_violations().await?;
    assert!(
        violations.is_empty(),
        "the demo's policy allows its third party: {violations:#?}"
    );
    browser.close().await?;
    Ok(())
}

/// A French mobile number unique to this run, digits only after the `+`, so
/// that its digits are a canary however a leak would encode the number.
fn phone_canary() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("+336{:08}", nanos % 100_000_000)
}

/// Books on the page already open: the first free time, the canary as the name,
/// the marketing boxes as `tick` says. Returns the booking's reference.
async fn book(browser: &Browser, name: &str, phone: &str, tick: &[&str]) -> anyhow::Result<String> {
    let widget = browser.widget().await?;
    choose_first_free_slot(&widget, None).await?;
    for channel in ["email", "sms"] {
        let checkbox = widget.find(&format!("#sb-marketing-{channel}")).await?;
        assert!(!checkbox.is_selected().await?, "{channel} starts unticked");
    }
    fill_details(&widget, name, phone).await?;
    for channel in tick {
        widget
            .press(&format!("#sb-marketing-{channel}"), &key(Key::Space))
            .await?;
    }
    widget.press("#sb-next", &key(Key::Enter)).await?;
    send(&widget).await?;
    Ok(widget
        .wait_for_text("#sb-reference")
        .await?
        .trim()
        .to_owned())
}

in_each_browser!(
    marketing_opt_ins_are_unticked_and_travel_sealed_with_the_consent_id => marketing_opt_ins
);

async fn marketing_opt_ins(kind: BrowserKind) -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let host = HostSite::start().await?;
    let config = format!("marketing_optins = [\"email\", \"sms\"]\n{NOTICE}");
    let sealbook = Sealbook::start_with("bistro-optins", &[host.origin()], &config).await?;
    let snippet = sealbook
        .snippet()
        .await?
        .replacen("<script ", "<script data-lang=\"en\" ", 1);
    host.set_page(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bistro</title></head>\
         <body><main><h1>Bistro</h1>{snippet}</main></body></html>"
    ));
    let browser = Browser::start_in(kind).await?;
    let page = format!("{}/book", host.origin());
    browser.goto(&page).await?;
    let banner = consent::root(&browser, "dialog[open] #sbc-reject")
        .await?
        .find(Locator::Css("#sbc-reject"))
        .await?;
    // Refusing every cookie costs nothing: the booking form works all the same.
    banner.click().await?;
    let name = canary();
    let phone = phone_canary();
    let unticked = book(&browser, &name, &phone, &[]).await?;
    browser.goto(&page).await?;
    let ticked = book(&browser, &name, &phone, &["email"]).await?;
    browser.close().await?;

    let records = sealbook.consents().await?;
    assert_eq!(records.len(), 1, "{records:?}");
    let consent_id = &records[0]["consent_id"];
    let opened = sealbook.open_bookings().await?;
    let booking = |reference: &str| {
        opened
            .as_array()
            .into_iter()
            .flatten()
            .find(|row| row["id"] == reference)
            .map(|row| row["booking"].clone())
            .unwrap_or_default()
    };
    let first = booking(&unticked);
    assert_eq!(first["marketing"], json!({ "email": false, "sms": false }));
    let second = booking(&ticked);
    assert_eq!(second["name"], name.as_str());
    assert_eq!(second["marketing"], json!({ "email": true, "sms": false }));
    assert_eq!(
        &second["consent_id"], consent_id,
        "proof of the page's choice"
    );
    assert_eq!(&first["consent_id"], consent_id);

    // The opt-ins travelled sealed: neither the upload nor the database shows
    // them, and no consent record holds anything typed into the form.
    let traffic = sealbook.proxy.traffic();
    let needle = b"{\"envelope\":";
    let uploads: Vec<serde_json::Map<String, Value>> = traffic
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| window == needle)
        .filter_map(|(at, _)| {
            // Each upload body is one flat object: it ends at its first brace.
            let end = traffic[at..].iter().position(|&byte| byte == b'}')?;
            serde_json::from_slice(&traffic[at..=at + end]).ok()
        })
        .collect();
    assert_eq!(uploads.len(), 2);
    for upload in &uploads {
        let mut fields: Vec<&str> = upload.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "envelope",
                "manage_token_hash",
                "party_size",
                "start",
                "visitor_copy"
            ],
            "no opt-in in the upload's public part"
        );
    }
    // The phone number typed into the form is a second canary: its digits.
    assert!(second.to_string().contains(&phone), "{second}");
    let phone = &phone.as_bytes()[1..];
    let database = sealbook.database_bytes().await?;
    for canary in [name.as_bytes(), phone] {
        assert_eq!(occurrences(&traffic, canary), 0);
        assert_eq!(occurrences(&database, canary), 0);
        assert!(
            !records[0]
                .to_string()
                .as_bytes()
                .windows(canary.len())
                .any(|w| w == canary)
        );
    }
    Ok(())
}

/// Adds, from the page's own code, an inline script and an embedded frame for
/// analytics and the same for marketing, each tagged `{tag}`.
fn add_late_elements(third: &str, tag: &str) -> String {
    format!(
        "for (const category of ['analytics', 'marketing']) {{
           const script = document.createElement('script');
           script.type = 'text/plain';
           script.dataset.category = category;
           script.text = `(window.ran = window.ran || []).push('late-${{category}}-{tag}');`;
           document.body.append(script);
           const frame = document.createElement('iframe');
           frame.dataset.category = category;
           frame.dataset.src = '{third}/' + category + '-{tag}.html';
           frame.title = category + ' {tag}';
           document.body.append(frame);
         }}"
    )
}

/// The site's colours on the banner, as its `--sealbook-*` properties set them.
const THEME: &str = "<style>:root { --sealbook-accent: rgb(128, 0, 64); --sealbook-background: rgb(250, 245, 235); }</style>";

/// What the page adds after load (a tag manager, its own code) waits for its
/// category like what it was parsed with: nothing before the choice, the
/// granted category's script and frame after, the refused one's never. The
/// banner wears the site's colours.
#[tokio::test]
async fn scripts_and_frames_the_page_adds_later_wait_for_their_category() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = Site::start("en", "", THEME).await?;
    let third = site.third_party.origin();
    for page in [
        "analytics-early",
        "marketing-early",
        "analytics-late",
        "marketing-late",
    ] {
        site.third_party.serve(
            &format!("/{page}.html"),
            "text/html",
            "<!doctype html><title>Embed</title><p>Embedded</p>",
        );
    }
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;
    let colours = site
        .script(
            "const root = document.querySelector('sealbook-consent').shadowRoot;
             return [getComputedStyle(root.getElementById('sbc-accept')).backgroundColor,
                     getComputedStyle(root.querySelector('dialog')).backgroundColor];",
        )
        .await?;
    assert_eq!(colours, json!(["rgb(128, 0, 64)", "rgb(250, 245, 235)"]));

    // Added before any choice: nothing runs, nothing loads.
    site.script(&add_late_elements(&third, "early")).await?;
    settle().await;
    assert_eq!(site.ran().await?, json!([]));
    assert_eq!(site.third_party.requests_for("/analytics-early.html"), 0);

    // Analytics granted: the early analytics script runs after the page's own.
    site.click("sbc-settings").await?;
    site.wait_for_dialog("sbc-choices").await?;
    site.press("#sbc-cat-analytics", &key(Key::Space)).await?;
    site.press("#sbc-save", &key(Key::Enter)).await?;
    eventually("the early analytics script", || async {
        let ran = site.ran().await.ok()?;
        (ran.as_array()?.len() == 3).then_some(())
    })
    .await?;
    assert_eq!(
        site.ran().await?,
        json!(["analytics", "inline-analytics", "late-analytics-early"])
    );

    // Added after the choice: the analytics script and frame, and only them.
    site.script(&add_late_elements(&third, "late")).await?;
    eventually("the late analytics script", || async {
        let ran = site.ran().await.ok()?;
        (ran.as_array()?.len() == 4).then_some(())
    })
    .await?;
    settle().await;
    assert_eq!(site.ran().await?[3], "late-analytics-late");
    assert_eq!(site.ran().await?.as_array().map(Vec::len), Some(4));
    assert_eq!(site.third_party.requests_for("/analytics-early.html"), 1);
    assert_eq!(site.third_party.requests_for("/analytics-late.html"), 1);
    assert_eq!(site.third_party.requests_for("/marketing-early.html"), 0);
    assert_eq!(site.third_party.requests_for("/marketing-late.html"), 0);
    let unloaded = site
        .script(
            "return Array.from(document.querySelectorAll('iframe[data-category=marketing]'))
               .map(frame => frame.hasAttribute('src'));",
        )
        .await?;
    assert_eq!(
        unloaded,
        json!([false, false]),
        "the refused frames have no src"
    );
    site.browser.close().await?;
    Ok(())
}

/// On a 390-pixel phone the "Cookie settings" control is a small round icon in
/// the corner, not a label across the page's text; its name stays the words.
#[tokio::test]
async fn on_a_phone_cookie_settings_is_a_small_icon_in_the_corner() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = Site::start("en", "", "").await?;
    site.browser.client.set_window_size(390, 844).await?;
    site.browser.goto(&site.url()).await?;
    site.wait_for_dialog("sbc-banner").await?;
    site.click("sbc-reject").await?;
    let control = eventually("the reopen control", || async {
        let control = site
            .script(
                "const button = document.querySelector('sealbook-consent').shadowRoot.getElementById('sbc-reopen');
                 if (!button || button.hidden) return null;
                 const box = button.getBoundingClientRect();
                 return [box.width, box.height, box.left, innerHeight - box.bottom, innerWidth, button.textContent.trim()];",
            )
            .await
            .ok()?;
        (!control.is_null()).then_some(control)
    })
    .await?;
    let number = |index: usize| control[index].as_f64().unwrap_or(f64::MAX);
    assert!(number(4) <= 400.0, "a phone-sized viewport: {control}");
    assert!(
        number(0) <= 48.0 && number(1) <= 48.0,
        "a small icon: {control}"
    );
    assert!(
        number(2) <= 16.0 && number(3) <= 16.0,
        "in the corner: {control}"
    );
    assert_eq!(control[5], "Cookie settings", "named by its words");
    let violations = site.browser.accessibility_violations().await?;
    assert!(
        violations.is_empty(),
        "axe-core with the icon: {violations:#?}"
    );
    site.browser.close().await?;
    Ok(())
}
