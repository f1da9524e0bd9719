//! The consent banner in Spanish, Italian, Dutch, Portuguese and Polish, in
//! real headless Chromium: the embed.js holds only English banner texts (from
//! `i18n/en.json`, put in at build), and a page in another language fetches
//! that language's from the server at the same time as the notice. Each
//! language's banner, settings and embed placeholder read as its
//! `i18n/<lang>.json` says, pass axe-core, and a choice records the language
//! shown. A translation that lacks texts is filled in English key by key, one
//! that does not come leaves the whole banner in English (and recorded so),
//! and a business's own texts replace the translation's, in English too.

use fantoccini::Locator;
use sealbook_e2e::consent::{NOTICE, click, dialog_open, root, site_page};
use sealbook_e2e::{Browser, HostSite, Sealbook, eventually, workspace_root};
use serde_json::{Map, Value, json};

/// Browser tests share two cores: one at a time keeps the waits short.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The languages added after English, French and German.
const NEW_LANGUAGES: [&str; 5] = ["es", "it", "nl", "pt", "pl"];

/// The marketing service whose embed waits behind a placeholder.
const SERVICE: &str = "Video";
const PROVIDER: &str = "Example Video Ltd";

/// Put in the page's head before the script tag: notes in `window.fetches`
/// when each request to the business's API starts and when it is answered
/// (`start profile`, `answer texts/es/banner`, `answer consents 201`: a POST
/// with its status), and each console warning in `window.warnings`. A page
/// may set `window.texts(what, fetch)` first, to answer the texts requests itself.
const RECORDER: &str = r#"<script>
window.fetches = [];
window.warnings = [];
(() => {
  const warn = console.warn;
  console.warn = (...args) => { window.warnings.push(args.join(" ")); warn.apply(console, args); };
  const fetch = window.fetch;
  window.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input, location.href);
    const what = url.pathname.replace(/^.*\/businesses\/[^/]+\//, "");
    window.fetches.push("start " + what);
    const real = () => fetch(input, init);
    const response = await (window.texts && what.startsWith("texts/") ? window.texts(what, real) : real());
    window.fetches.push("answer " + what + (init && init.method === "POST" ? " " + response.status : ""));
    return response;
  };
})();
</script>"#;

/// The test notice with a marketing service that has an embed on the page.
fn notice() -> String {
    format!(
        "{NOTICE}[[business.consent.categories.services]]
name = \"{SERVICE}\"
provider = \"{PROVIDER}\"
purpose = {{ en = \"Plays the chef's videos\" }}
cookies = [{{ name = \"_sb_video\", duration = \"6 months\" }}]
"
    )
}

/// A page's `main`: the video behind its placeholder (never loaded: the
/// tests refuse marketing).
const BODY: &str = r#"<p>Our chef at work:</p>
<iframe id="video" title="The chef at work" width="560" height="315"
        data-category="marketing" data-service="Video" data-src="https://video.invalid/clip"></iframe>"#;

/// The `banner` section of `i18n/<lang>.json`.
fn banner(lang: &str) -> anyhow::Result<Map<String, Value>> {
    let path = workspace_root().join(format!("i18n/{lang}.json"));
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    match &file["banner"] {
        Value::Object(texts) => Ok(texts.clone()),
        _ => anyhow::bail!("{} has no banner section", path.display()),
    }
}

/// `texts[key]`, a text.
fn text<'a>(texts: &'a Map<String, Value>, key: &str) -> &'a str {
    texts
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no banner text {key}"))
}

/// A placeholder's `template` with the service filled in, as the consent layer fills it.
fn fill(template: &str) -> String {
    template.replace("{s}", SERVICE).replace("{p}", PROVIDER)
}

/// The Sealbook server with the notice and `texts` (own texts, TOML), and the
/// business's site serving, at `/<page>`, a page whose script tag has
/// `data-lang="<page>"`, with `head` before the tag.
async fn site(texts: &str, pages: &[&str], head: &str) -> anyhow::Result<(Sealbook, HostSite)> {
    let host = HostSite::start().await?;
    let sealbook = Sealbook::start_with(
        "bistro-languages",
        &[host.origin()],
        &format!("{}{texts}", notice()),
    )
    .await?;
    let snippet = sealbook.snippet().await?;
    for page in pages {
        host.serve(
            &format!("/{page}"),
            "text/html; charset=utf-8",
            &site_page(&snippet, &format!("data-lang=\"{page}\""), head, BODY),
        );
    }
    Ok((sealbook, host))
}

/// Opens `url` and waits for the banner (not the settings) to be up.
async fn open_banner(browser: &Browser, url: &str) -> anyhow::Result<()> {
    browser.goto(url).await?;
    root(browser, "dialog[open] #sbc-banner:not([hidden])").await?;
    Ok(())
}

/// What the consent layer says: the dialog's language, the banner's title and
/// buttons, the settings' heading and buttons, and the reopen control.
async fn shown(browser: &Browser) -> anyhow::Result<Value> {
    browser
        .script(
            "const root = document.querySelector('sealbook-consent').shadowRoot;
             const text = (id) => root.getElementById(id).textContent;
             return {
               lang: root.querySelector('dialog').lang,
               title: text('sbc-title'), accept: text('sbc-accept'), reject: text('sbc-reject'),
               settings: text('sbc-settings'), choices: text('sbc-choices-title'),
               reject2: text('sbc-reject-2'), save: text('sbc-save'), reopen: text('sbc-reopen'),
             };",
        )
        .await
}

/// What a page in `lang` with `texts` shows, in [`shown`]'s form.
fn expected(lang: &str, texts: &Map<String, Value>) -> Value {
    json!({
        "lang": lang,
        "title": text(texts, "title"), "accept": text(texts, "accept"), "reject": text(texts, "reject"),
        "settings": text(texts, "settings"), "choices": text(texts, "choices"),
        "reject2": text(texts, "reject"), "save": text(texts, "save"), "reopen": text(texts, "reopen"),
    })
}

/// The embed's placeholder: its language, text and button.
async fn placeholder(browser: &Browser) -> anyhow::Result<Value> {
    eventually("the embed's placeholder", || async {
        let shown = browser
            .script(
                "const node = document.querySelector('sealbook-embed');
                 const box = node && node.shadowRoot.querySelector('.embed');
                 return box && { lang: box.lang, text: box.querySelector('p').textContent,
                                 button: box.querySelector('button').textContent };",
            )
            .await
            .ok()?;
        (!shown.is_null()).then_some(shown)
    })
    .await
}

/// Clicks `id` in the consent layer and waits for the dialog to close.
async fn choose(browser: &Browser, id: &str) -> anyhow::Result<()> {
    click(browser, id).await?;
    eventually("the dialog closed", || async {
        (!dialog_open(browser).await.ok()?).then_some(())
    })
    .await
}

/// The consent id of the choice just made on the page in `lang`, once the
/// server has taken its record.
async fn consent_id(browser: &Browser, lang: &str) -> anyhow::Result<String> {
    let answer = eventually("the answer to the consent record", || async {
        let fetches = browser.script("return window.fetches;").await.ok()?;
        fetches
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .find(|fetch| fetch.starts_with("answer consents"))
            .map(str::to_owned)
    })
    .await?;
    anyhow::ensure!(
        answer == "answer consents 201",
        "the server did not take the record of the choice made in {lang}: {answer}"
    );
    let id = browser
        .script("return Sealbook.consent.get()?.id ?? null;")
        .await?;
    id.as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no choice was made: {id}"))
}

/// The `reject_all` record of each consent id in `ids`, once they are all stored.
async fn refusals(sealbook: &Sealbook, ids: &[String]) -> anyhow::Result<Vec<Value>> {
    eventually("a record of each refusal", || async {
        let records = sealbook.consents().await.ok()?;
        ids.iter()
            .map(|id| {
                records
                    .iter()
                    .find(|record| {
                        record["consent_id"] == id.as_str() && record["action"] == "reject_all"
                    })
                    .cloned()
            })
            .collect()
    })
    .await
}

async fn assert_accessible(browser: &Browser, what: &str) -> anyhow::Result<()> {
    let violations = browser.accessibility_violations().await?;
    assert!(violations.is_empty(), "axe-core on {what}: {violations:#?}");
    Ok(())
}

#[tokio::test]
async fn the_banner_speaks_each_new_language_fetched_beside_the_notice() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let (sealbook, host) = site("", &NEW_LANGUAGES, RECORDER).await?;
    let browser = Browser::start().await?;
    let mut ids = Vec::new();
    for lang in NEW_LANGUAGES {
        let texts = banner(lang)?;
        open_banner(&browser, &format!("{}/{lang}", host.origin())).await?;

        // The banner, its settings and the reopen control, in the page's language.
        assert_eq!(shown(&browser).await?, expected(lang, &texts), "{lang}");
        // Both requests left before either was answered, and the banner waited
        // for both.
        let fetches: Vec<String> =
            serde_json::from_value(browser.script("return window.fetches;").await?)?;
        let texts_path = format!("texts/{lang}/banner");
        assert!(fetches.len() >= 4, "{lang}: {fetches:?}");
        assert_eq!(
            fetches[..2],
            ["start profile".to_owned(), format!("start {texts_path}")],
            "{lang}: {fetches:?}"
        );
        let mut answers = fetches[2..4].to_vec();
        answers.sort_unstable();
        assert_eq!(
            answers,
            ["answer profile".to_owned(), format!("answer {texts_path}")],
            "{lang}: {fetches:?}"
        );
        assert_eq!(
            browser.script("return window.warnings;").await?,
            json!([]),
            "{lang}"
        );
        assert_accessible(&browser, &format!("the banner in {lang}")).await?;

        // Reject all, recorded in that language (below); the embed waits behind
        // a placeholder in that language.
        choose(&browser, "sbc-reject").await?;
        ids.push(consent_id(&browser, lang).await?);
        assert_eq!(
            placeholder(&browser).await?,
            json!({
                "lang": lang,
                "text": fill(text(&texts, "embed")),
                "button": fill(text(&texts, "load")),
            }),
            "{lang}"
        );
        assert_accessible(&browser, &format!("the placeholder in {lang}")).await?;

        // The settings dialog.
        click(&browser, "sbc-reopen").await?;
        let dialog = root(&browser, "dialog[open] #sbc-choices:not([hidden])").await?;
        let heading = dialog.find(Locator::Css("#sbc-choices-title")).await?;
        assert_eq!(heading.text().await?, text(&texts, "choices"), "{lang}");
        assert_accessible(&browser, &format!("the settings in {lang}")).await?;

        // The next language starts without a choice.
        browser.client.delete_all_cookies().await?;
    }

    let records = refusals(&sealbook, &ids).await?;
    let languages: Vec<&str> = records
        .iter()
        .map(|record| record["language"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(languages, NEW_LANGUAGES, "each choice records its language");
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_missing_text_is_shown_in_english_and_no_texts_at_all_show_an_english_banner()
-> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    // Italian comes without two texts; Dutch does not come at all.
    let head = format!(
        r#"<script>
window.texts = async (what, real) => {{
  if (what === "texts/nl/banner") throw new TypeError("Failed to fetch");
  const response = await real();
  if (what !== "texts/it/banner") return response;
  const body = await response.json();
  delete body.texts.reject;
  delete body.texts.load;
  return new Response(JSON.stringify(body), {{ headers: {{ "Content-Type": "application/json" }} }});
}};
</script>{RECORDER}"#
    );
    let (sealbook, host) = site("", &["en", "it", "nl"], &head).await?;
    let browser = Browser::start().await?;
    let (english, italian) = (banner("en")?, banner("it")?);

    // English: the texts built in, at once; nothing to fetch.
    open_banner(&browser, &format!("{}/en", host.origin())).await?;
    assert_eq!(shown(&browser).await?, expected("en", &english));
    assert_eq!(
        browser.script("return window.fetches;").await?,
        json!(["start profile", "answer profile"])
    );

    // Italian without `reject` and `load`: those two in English, with a warning
    // naming them; the rest Italian, and the choice recorded as Italian.
    browser.client.delete_all_cookies().await?;
    open_banner(&browser, &format!("{}/it", host.origin())).await?;
    let mut mixed = italian.clone();
    for key in ["reject", "load"] {
        mixed.insert(key.to_owned(), english[key].clone());
    }
    assert_eq!(shown(&browser).await?, expected("it", &mixed));
    assert_eq!(
        browser.script("return window.warnings;").await?,
        json!([r#"sealbook: the banner texts in "it" lack load, reject; shown in English"#])
    );
    choose(&browser, "sbc-reject").await?;
    let italian_choice = consent_id(&browser, "it").await?;
    assert_eq!(
        placeholder(&browser).await?,
        json!({
            "lang": "it",
            "text": fill(text(&italian, "embed")),
            "button": fill(text(&english, "load")),
        })
    );

    // Dutch that never comes: the banner still opens, all in English, and the
    // choice is recorded as English, the language shown.
    browser.client.delete_all_cookies().await?;
    open_banner(&browser, &format!("{}/nl", host.origin())).await?;
    assert_eq!(shown(&browser).await?, expected("en", &english));
    assert_eq!(
        browser.script("return window.warnings;").await?,
        json!([
            r#"sealbook: cannot load the banner's texts in "nl"; it is shown in Sealbook's English"#
        ])
    );
    choose(&browser, "sbc-reject").await?;
    let dutch_choice = consent_id(&browser, "nl").await?;
    assert_eq!(
        placeholder(&browser).await?,
        json!({
            "lang": "en",
            "text": fill(text(&english, "embed")),
            "button": fill(text(&english, "load")),
        })
    );

    let records = refusals(&sealbook, &[italian_choice, dutch_choice]).await?;
    assert_eq!(
        (&records[0]["language"], &records[1]["language"]),
        (&json!("it"), &json!("en"))
    );
    browser.close().await?;
    Ok(())
}

#[tokio::test]
async fn a_business_own_texts_replace_the_translations_in_english_too() -> anyhow::Result<()> {
    let _one = ONE_BROWSER_AT_A_TIME.lock().await;
    let own = "[business.texts.en.banner]\ntitle = \"Cookies at the Bistro\"\n\
               [business.texts.es.banner]\nreject = \"No, gracias\"\n";
    let (sealbook, host) = site(own, &["en", "es"], RECORDER).await?;
    let browser = Browser::start().await?;

    // English: the business replaced a text, so its English texts are fetched
    // once the notice says so, before the banner opens.
    open_banner(&browser, &format!("{}/en", host.origin())).await?;
    let mut english = banner("en")?;
    english.insert("title".to_owned(), json!("Cookies at the Bistro"));
    assert_eq!(shown(&browser).await?, expected("en", &english));
    assert_eq!(
        browser.script("return window.fetches;").await?,
        json!([
            "start profile",
            "answer profile",
            "start texts/en/banner",
            "answer texts/en/banner"
        ])
    );

    // Spanish: the business's own text over the translation's.
    browser.client.delete_all_cookies().await?;
    open_banner(&browser, &format!("{}/es", host.origin())).await?;
    let mut spanish = banner("es")?;
    spanish.insert("reject".to_owned(), json!("No, gracias"));
    assert_eq!(shown(&browser).await?, expected("es", &spanish));
    choose(&browser, "sbc-reject").await?;
    let id = consent_id(&browser, "es").await?;
    assert_eq!(
        refusals(&sealbook, &[id]).await?[0]["language"],
        json!("es")
    );
    assert_eq!(browser.script("return window.warnings;").await?, json!([]));
    browser.close().await?;
    Ok(())
}
