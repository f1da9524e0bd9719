//! The booking widget and the manage page in each language added to English,
//! French and German: the texts come from `i18n/<lang>.json` through the server
//! (only the shown language is fetched), plurals follow the language, a booking
//! is made by keyboard, and axe-core finds nothing at any step.

use fantoccini::key::Key;
use sealbook_e2e::flow::{assert_accessible, canary, choose_free_slot, fill_details, key, send};
use sealbook_e2e::{Browser, HostSite, Sealbook, workspace_root};
use serde_json::Value;

/// Browser tests share two cores: one at a time keeps timings honest.
static ONE_BROWSER_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The translation file of `lang`.
fn translations(lang: &str) -> anyhow::Result<Value> {
    let path = workspace_root().join(format!("i18n/{lang}.json"));
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

fn text<'a>(file: &'a Value, section: &str, key: &str) -> &'a str {
    file[section][key].as_str().unwrap_or_default()
}

/// `n` people as the language writes it, from the file's plural forms.
fn people(file: &Value, lang: &str, n: u32) -> String {
    let form = match (lang, n % 10, n % 100) {
        (_, _, _) if n == 1 => "one",
        ("pl", 2..=4, tens) if !(12..=14).contains(&tens) => "few",
        ("pl", _, _) => "many",
        _ => "other",
    };
    file["visitor"]["People"][form]
        .as_str()
        .unwrap_or_default()
        .replace("{n}", &n.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_is_made_by_keyboard_in_each_new_language_and_its_manage_page_speaks_it()
-> anyhow::Result<()> {
    let _turn = ONE_BROWSER_AT_A_TIME.lock().await;
    let site = HostSite::start().await?;
    // The business words the Spanish heading its own way.
    let mut sealbook = Sealbook::start_with(
        "bistro-du-coin",
        &[site.origin()],
        "\n[business.texts.es.visitor]\nHeading = \"Reserve su mesa\"\n",
    )
    .await?;
    let embed = sealbook.url("/widget/embed.js");
    // Each its own time: a client may book one slot only so often.
    for (index, lang) in ["es", "it", "nl", "pt", "pl"].into_iter().enumerate() {
        let file = translations(lang)?;
        site.set_page(format!(
            "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>Test</title></head>\
             <body><main><h1>Test</h1><script src=\"{embed}\" data-business=\"bistro-du-coin\" \
             data-keys=\"{}\" data-consent=\"external\"></script></main></body></html>",
            sealbook.kid
        ));
        let browser = Browser::start_speaking("en-US").await?;
        let widget = browser.open_widget(&format!("{}/", site.origin())).await?;
        let root_lang = widget.find(".sb-root").await?.attr("lang").await?;
        assert_eq!(root_lang.as_deref(), Some(lang));
        let heading = widget.find("#sb-heading").await?.text().await?;
        if lang == "es" {
            assert_eq!(heading, "Reserve su mesa", "the business's own text");
        } else {
            assert_eq!(heading, text(&file, "visitor", "Heading"), "{lang}");
        }
        assert_eq!(
            widget.find("#sb-next").await?.text().await?,
            text(&file, "visitor", "Continue"),
            "{lang}: the widget reads the translation file"
        );
        for n in [1, 2, 5] {
            let option = widget
                .find(&format!("#sb-party option[value=\"{n}\"]"))
                .await?
                .text()
                .await?;
            assert_eq!(option, people(&file, lang, n), "{lang}: {n} people");
        }
        // The party by keyboard: typing on a focused <select> picks the option.
        widget.press("#sb-party", "2").await?;
        assert_eq!(widget.value("#sb-party").await?, "2", "{lang}");
        assert_accessible(&browser, &format!("{lang} choose")).await?;
        choose_free_slot(&widget, Some(&browser), index).await?;
        assert_accessible(&browser, &format!("{lang} details")).await?;
        widget.press("#sb-next", &key(Key::Enter)).await?;
        widget.wait_for("#sb-name[aria-invalid=\"true\"]").await?;
        assert_accessible(&browser, &format!("{lang} details with errors")).await?;
        let name = canary();
        fill_details(&widget, &name, "+48 601 234 567").await?;
        widget.press("#sb-contact", &key(Key::Enter)).await?;
        let submit = widget.wait_for("#sb-submit").await?.text().await?;
        assert_eq!(submit, text(&file, "visitor", "Submit"), "{lang}");
        assert_accessible(&browser, &format!("{lang} review")).await?;
        send(&widget).await?;
        widget.wait_for_text("#sb-reference").await?;
        assert_accessible(&browser, &format!("{lang} confirmation")).await?;
        let manage_link = widget.value("#sb-manage").await?;

        browser.goto(&manage_link).await?;
        assert_eq!(
            browser.wait_for_text("#sb-manage-name").await?,
            name,
            "{lang}"
        );
        let page_lang = browser
            .script("return document.documentElement.lang;")
            .await?;
        assert_eq!(
            page_lang, lang,
            "the manage page speaks the booking's language"
        );
        let title = browser.wait_for_text("h1").await?;
        assert_eq!(title, text(&file, "manage", "Title"), "{lang}");
        assert_accessible(&browser, &format!("{lang} manage")).await?;
        browser.close().await?;
    }
    sealbook.stop().await?;

    let opened = sealbook.open_bookings().await?;
    let mut langs: Vec<&str> = opened
        .as_array()
        .map(|bookings| {
            bookings
                .iter()
                .filter_map(|b| b["booking"]["lang"].as_str())
                .collect()
        })
        .unwrap_or_default();
    langs.sort_unstable();
    assert_eq!(
        langs,
        ["es", "it", "nl", "pl", "pt"],
        "each booking carries its language"
    );
    Ok(())
}
