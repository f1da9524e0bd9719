//! `data-cookie-domain`: the visitor's choice shared by the subdomains of one
//! site, in real headless Chromium. Chromium's `--host-resolver-rules` sends
//! the names of two test domains to the loopback host site, so `www.` and
//! `shop.` are two hosts of one registrable domain, as on the web. A choice made
//! on `www.` is honoured on `shop.`, withdrawn there and the withdrawal honoured
//! back on `www.`; a domain the page does not belong to, a single label and a
//! public suffix are refused with a warning, and the choice stays host-only.

use sealbook_e2e::consent::{NOTICE, click, dialog_open, site_page};
use sealbook_e2e::{Browser, HostSite, Sealbook, eventually};
use serde_json::{Value, json};

/// Collects the page's console warnings into `window.warnings`.
const WARNINGS: &str = r"<script>
window.warnings = [];
const warn = console.warn;
console.warn = (...args) => { window.warnings.push(args.join(' ')); warn.apply(console, args); };
</script>";

/// Where the consent choice's cookie lives, as seen from the open page: the
/// host for a host-only cookie, `.` and the domain for a shared one.
async fn consent_cookie_domains(browser: &Browser) -> anyhow::Result<Vec<String>> {
    browser.cookie_domains("sealbook_consent").await
}

/// The choice the page holds once the consent layer has read it (`null` for none).
async fn choice(browser: &Browser) -> anyhow::Result<Value> {
    browser
        .script_async(
            "const done = arguments[arguments.length - 1];
             const wait = () => window.Sealbook?.consent
               ? Sealbook.consent.ready.then(() => done(Sealbook.consent.get()))
               : setTimeout(wait, 50);
             wait();",
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_choice_on_www_is_honoured_on_shop_and_a_foreign_domain_stays_host_only()
-> anyhow::Result<()> {
    let site = HostSite::start().await?;
    let port = site.port;
    let origin = |host: &str| format!("http://{host}:{port}");
    let hosts = ["www.sealbook.test", "shop.sealbook.test", "bistro.co.uk"];
    let origins: Vec<String> = hosts.iter().map(|host| origin(host)).collect();
    let sealbook = Sealbook::start_with("bistro-domain", &origins, NOTICE).await?;
    let snippet = sealbook.snippet().await?;
    for (path, domain) in [
        ("/shared", "sealbook.test"),
        ("/foreign", "example.com"),
        ("/single-label", "test"),
        ("/own-host", "www.sealbook.test"),
        ("/suffix", "co.uk"),
    ] {
        site.serve(
            path,
            "text/html; charset=utf-8",
            &site_page(
                &snippet,
                &format!(r#"data-cookie-domain="{domain}""#),
                WARNINGS,
                r#"<script type="text/plain" data-category="analytics">(window.ran = window.ran || []).push("analytics");</script>"#,
            ),
        );
    }
    let browser = Browser::start_with_flags(&[
        "--host-resolver-rules=MAP *.sealbook.test 127.0.0.1, MAP *.co.uk 127.0.0.1".to_owned(),
        // WebCrypto, which hashes the notice for the record, needs a secure context.
        format!(
            "--unsafely-treat-insecure-origin-as-secure={}",
            origins.join(",")
        ),
    ])
    .await?;
    let www = origin("www.sealbook.test");
    let shop = origin("shop.sealbook.test");

    // Accepted on www.: one cookie, for the whole domain.
    browser.goto(&format!("{www}/shared")).await?;
    click(&browser, "sbc-accept").await?;
    let accepted = choice(&browser).await?;
    assert_eq!(accepted["action"], "accept_all");
    assert_eq!(
        consent_cookie_domains(&browser).await?,
        [".sealbook.test"],
        "one cookie, shared by the domain"
    );
    assert_eq!(browser.script("return window.warnings;").await?, json!([]));

    // shop. asks nothing and runs what www. allowed.
    browser.goto(&format!("{shop}/shared")).await?;
    let seen = choice(&browser).await?;
    assert_eq!(seen["id"], accepted["id"], "the choice made on www.");
    assert!(!dialog_open(&browser).await?, "no banner on shop.");
    eventually("the analytics script on shop.", || async {
        let ran = browser.script("return window.ran || [];").await.ok()?;
        (ran == json!(["analytics"])).then_some(())
    })
    .await?;

    // Withdrawn on shop., withdrawn on www. too.
    click(&browser, "sbc-reopen").await?;
    click(&browser, "sbc-reject-2").await?;
    eventually("the withdrawal", || async {
        let now = choice(&browser).await.ok()?;
        (now["action"] == "withdraw").then_some(())
    })
    .await?;
    assert_eq!(consent_cookie_domains(&browser).await?, [".sealbook.test"]);
    browser.goto(&format!("{www}/shared")).await?;
    let back = choice(&browser).await?;
    assert_eq!(back["action"], "withdraw");
    assert_eq!(back["id"], accepted["id"]);
    assert_eq!(back["refused"], json!(["analytics", "marketing"]));
    assert!(!dialog_open(&browser).await?);
    assert_eq!(browser.script("return window.ran || [];").await?, json!([]));
    let records = eventually("two consent records", || async {
        let records = sealbook.consents().await.ok()?;
        (records.len() == 2).then_some(records)
    })
    .await?;
    assert_eq!(records[0]["action"], "accept_all");
    assert_eq!(records[1]["action"], "withdraw");
    assert_eq!(records[1]["consent_id"], records[0]["consent_id"]);

    // A domain the page belongs to exactly: shared with nothing else, but a
    // Domain cookie all the same (it replaces the host-only one of a choice made
    // before the attribute was set).
    browser.client.delete_all_cookies().await?;
    browser.goto(&format!("{www}/own-host")).await?;
    click(&browser, "sbc-reject").await?;
    eventually("the cookie for www. itself", || async {
        let domains = consent_cookie_domains(&browser).await.ok()?;
        (domains == [".www.sealbook.test"]).then_some(())
    })
    .await?;
    assert_eq!(browser.script("return window.warnings;").await?, json!([]));

    // Refused: another site's domain, a single label, a public suffix. Each
    // warns and keeps the choice for the host alone.
    for (host, path, domain) in [
        ("www.sealbook.test", "/foreign", "example.com"),
        ("www.sealbook.test", "/single-label", "test"),
        ("bistro.co.uk", "/suffix", "co.uk"),
    ] {
        browser.goto(&format!("{}{path}", origin(host))).await?;
        browser.client.delete_all_cookies().await?;
        browser.goto(&format!("{}{path}", origin(host))).await?;
        let warnings = browser.script("return window.warnings;").await?;
        assert!(
            warnings
                .as_array()
                .is_some_and(|warnings| warnings.len() == 1
                    && warnings[0]
                        .as_str()
                        .is_some_and(|warning| warning.contains(&format!("\"{domain}\"")))),
            "one warning naming {domain}: {warnings}"
        );
        click(&browser, "sbc-reject").await?;
        eventually(&format!("a host-only cookie on {host}"), || async {
            let domains = consent_cookie_domains(&browser).await.ok()?;
            (domains == [host]).then_some(())
        })
        .await?;
    }
    // The refused choice on www. did not reach shop.
    browser.goto(&format!("{shop}/foreign")).await?;
    assert_eq!(choice(&browser).await?, Value::Null);
    assert!(dialog_open(&browser).await?, "shop. asks again");
    browser.close().await?;
    Ok(())
}
