//! `sealbook consent scan`, the real binary driving headless Chromium against
//! real pages: the demo restaurant page passes and its findings are its
//! notice's; a page with a gated script and an embed whose notice declares
//! them passes; a page with an unmarked tracker from a second origin fails,
//! the tracker's request, cookie and storage found before any choice; a page
//! whose gated script sets a cookie the notice leaves out fails, and the
//! notice the scan suggests, configured, makes the next scan pass.

use std::process::Output;

use sealbook_e2e::consent::{DEMO_NOTICE, site_page};
use sealbook_e2e::{HostSite, Sealbook, binary};
use serde_json::{Value, json};

/// `sealbook consent scan … --format json` on `urls`, and its parsed findings.
async fn scan(urls: &[String], extra: &[&str]) -> anyhow::Result<(Output, Value)> {
    let output = tokio::process::Command::new(binary()?)
        .args(["consent", "scan", "--depth", "0", "--settle-ms", "800"])
        .args(["--format", "json"])
        .args(extra)
        .args(urls)
        .output()
        .await?;
    let findings = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    Ok((output, findings))
}

/// The finding about `name`, or null.
fn item<'a>(findings: &'a Value, name: &str) -> &'a Value {
    findings["items"]
        .as_array()
        .and_then(|items| items.iter().find(|item| item["name"] == name))
        .unwrap_or(&Value::Null)
}

/// When a finding was seen: before a choice, after Reject all, after Accept all.
fn seen(item: &Value) -> [bool; 3] {
    ["before_choice", "after_reject_all", "after_accept_all"]
        .map(|phase| item[phase].as_bool().unwrap_or_default())
}

fn names(findings: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = findings["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["name"].as_str())
        .collect();
    names.sort_unstable();
    names
}

#[tokio::test]
async fn the_demo_restaurant_page_does_what_its_notice_says() -> anyhow::Result<()> {
    let sealbook = Sealbook::start_with("bistro-du-coin", &[], DEMO_NOTICE).await?;
    let page = sealbook.url("/demo/restaurant.html");
    let (output, findings) = scan(std::slice::from_ref(&page), &[]).await?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{findings:#}\n{stderr}");
    assert_eq!(findings["passes"], true);
    // The demo plays its third party under the server's other loopback name.
    let third = page
        .split('/')
        .nth(2)
        .map(|authority| authority.replacen("127.0.0.1", "localhost", 1))
        .expect("an authority");
    let third = format!("http://{third}");
    assert_eq!(
        names(&findings),
        [
            "_demo_ads_id",
            "_demo_stats",
            third.as_str(),
            "sealbook_consent"
        ]
    );
    let consent = item(&findings, "sealbook_consent");
    assert_eq!(seen(consent), [false, true, true]);
    assert_eq!(consent["declared"]["category"], "necessary");
    let stats = item(&findings, "_demo_stats");
    assert_eq!(seen(stats), [false, false, true]);
    assert_eq!(
        stats["declared"],
        json!({ "category": "analytics", "service": "Demo Stats" })
    );
    assert_eq!(
        stats["set_by"],
        json!([format!("{third}/demo/demo-analytics.js")])
    );
    let ads = item(&findings, "_demo_ads_id");
    assert_eq!(seen(ads), [false, false, true]);
    assert_eq!(
        ads["declared"],
        json!({ "category": "marketing", "service": "Demo Ads" })
    );
    assert_eq!(seen(item(&findings, &third)), [false, false, true]);
    assert_eq!(findings["suggested_notice"], Value::Null);

    // The table says the same to a person.
    let output = tokio::process::Command::new(binary()?)
        .args([
            "consent",
            "scan",
            "--depth",
            "0",
            "--settle-ms",
            "800",
            &page,
        ])
        .output()
        .await?;
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{table}");
    let row = table
        .lines()
        .find(|line| line.starts_with("cookie") && line.contains("_demo_stats"))
        .unwrap_or_default();
    let cells: Vec<&str> = row
        .split("  ")
        .filter(|cell| !cell.trim().is_empty())
        .collect();
    assert_eq!(
        cells.iter().map(|cell| cell.trim()).collect::<Vec<_>>()[3..],
        ["-", "-", "yes", "analytics › Demo Stats", "ok"],
        "{table}"
    );
    assert!(table.contains("The notice tells the truth"), "{table}");
    Ok(())
}

#[tokio::test]
async fn a_tracker_before_consent_fails_the_scan_and_a_suggested_notice_declares_what_was_missing()
-> anyhow::Result<()> {
    let host = HostSite::start().await?;
    let third = HostSite::start().await?;
    let tracker = HostSite::start().await?;
    third.serve(
        "/stats.js",
        "text/javascript",
        "document.cookie = '_sb_stats=1; Path=/; Max-Age=3600';",
    );
    third.serve(
        "/video.html",
        "text/html",
        "<!doctype html><title>Video</title>",
    );
    tracker.serve(
        "/tracker.js",
        "text/javascript",
        "document.cookie = '_trk=1; Path=/; Max-Age=86400'; localStorage.setItem('trk_id', '7');",
    );
    tracker.serve(
        "/extra.js",
        "text/javascript",
        "document.cookie = '_extra=1; Path=/; Max-Age=2592000';",
    );
    let (third_origin, tracker_origin) = (third.origin(), tracker.origin());
    let third_authority = third_origin.trim_start_matches("http://");
    let notice = format!(
        r#"
[business.consent]
version = "2026-12"
privacy_policy = "https://bistro.example/privacy"
[[business.consent.categories]]
id = "analytics"
description = {{ en = "Counts visits." }}
[[business.consent.categories.services]]
name = "Stats"
provider = "Example Analytics Ltd"
purpose = {{ en = "Visit statistics" }}
cookies = [{{ name = "_sb_stats", duration = "1 hour" }}]
hosts = ["{third_authority}"]
[[business.consent.categories]]
id = "marketing"
description = {{ en = "Videos." }}
[[business.consent.categories.services]]
name = "Video"
provider = "Example Video Ltd"
purpose = {{ en = "Plays videos" }}
"#
    );
    let sealbook = Sealbook::start_with("bistro-consent", &[host.origin()], &notice).await?;
    let pages = |snippet: &str| {
        host.set_page(site_page(
            snippet,
            "",
            "",
            &format!(
                r#"<script type="text/plain" data-category="analytics" data-src="{third_origin}/stats.js"></script>
<iframe title="Our kitchen" data-category="marketing" data-service="Video" data-src="{third_origin}/video.html"></iframe>"#
            ),
        ));
        host.serve(
            "/broken",
            "text/html",
            &site_page(
                snippet,
                "",
                "",
                &format!(r#"<script src="{tracker_origin}/tracker.js"></script>"#),
            ),
        );
        host.serve(
            "/more",
            "text/html",
            &site_page(
                snippet,
                "",
                "",
                &format!(
                    r#"<script type="text/plain" data-category="analytics" data-src="{tracker_origin}/extra.js"></script>"#
                ),
            ),
        );
    };
    pages(&sealbook.snippet().await?);

    // A gated script and an embed, both declared: the scan passes.
    let (output, findings) = scan(&[format!("{}/", host.origin())], &[]).await?;
    assert!(output.status.success(), "{findings:#}");
    // The Sealbook server is a third party too, a necessary one.
    let sealbook_origin = sealbook.url("").trim_end_matches('/').to_owned();
    let mut expected = [
        "_sb_stats",
        third_origin.as_str(),
        sealbook_origin.as_str(),
        "sealbook_consent",
    ];
    expected.sort_unstable();
    assert_eq!(names(&findings), expected, "{findings:#}");
    assert_eq!(seen(item(&findings, &third_origin)), [false, false, true]);
    let server = item(&findings, &sealbook_origin);
    assert_eq!(seen(server), [true, true, true]);
    assert_eq!(server["declared"]["category"], "necessary");

    // An unmarked tracker from a second origin: found before any choice.
    let (output, findings) = scan(&[format!("{}/broken", host.origin())], &[]).await?;
    assert!(!output.status.success(), "{findings:#}");
    assert_eq!(findings["passes"], false);
    for name in [tracker_origin.as_str(), "_trk", "trk_id"] {
        let found = item(&findings, name);
        assert_eq!(
            found["verdict"], "before_any_choice",
            "{name}: {findings:#}"
        );
        assert_eq!(seen(found), [true, true, true], "{name}");
        assert_eq!(found["declared"], Value::Null, "{name}");
    }
    assert_eq!(
        item(&findings, "_trk")["set_by"],
        json!([format!("{tracker_origin}/tracker.js")])
    );
    assert_eq!(item(&findings, "trk_id")["what"], "local storage");

    // A gated script whose cookie the notice leaves out: undeclared; the
    // suggested notice, configured, makes the next scan pass.
    let (output, findings) = scan(&[format!("{}/more", host.origin())], &[]).await?;
    assert!(!output.status.success(), "{findings:#}");
    assert_eq!(item(&findings, "_extra")["verdict"], "undeclared");
    assert_eq!(seen(item(&findings, "_extra")), [false, false, true]);
    let suggested = findings["suggested_notice"]
        .as_str()
        .expect("a suggested notice")
        .to_owned();
    let parsed: toml::Table = toml::from_str(&suggested)?;
    let analytics = &parsed["business"]["consent"]["categories"][0];
    assert_eq!(analytics["id"].as_str(), Some("analytics"));
    let added = &analytics["services"][1];
    let tracker_authority = tracker_origin.trim_start_matches("http://");
    assert_eq!(added["name"].as_str(), Some(tracker_authority));
    assert_eq!(
        added["cookies"][0]["name"].as_str(),
        Some("_extra"),
        "{suggested}"
    );
    assert_eq!(added["cookies"][0]["duration"].as_str(), Some("30 days"));
    drop(sealbook);
    let sealbook = Sealbook::start_with("bistro-consent", &[host.origin()], &suggested).await?;
    pages(&sealbook.snippet().await?);
    let (output, findings) = scan(&[format!("{}/more", host.origin())], &[]).await?;
    assert!(output.status.success(), "{findings:#}\n{suggested}");
    assert_eq!(
        item(&findings, "_extra")["declared"],
        json!({ "category": "analytics", "service": tracker_authority })
    );

    // Without Chromium, the scan says how to get it.
    let (output, _) = scan(
        &[format!("{}/", host.origin())],
        &["--chromium", "/nonexistent/chromium"],
    )
    .await?;
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("apt install chromium chromium-driver"),
        "{said}"
    );
    Ok(())
}
