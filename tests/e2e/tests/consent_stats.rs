//! The owner's cookie-choice statistics in the inbox, in real headless Chromium:
//! four visitors answer the banner on the business's site — Accept all, Reject
//! all, a choice made in the settings, and Accept all from a browser sending
//! Global Privacy Control — and the inbox shows exactly those counts for this
//! week, in the table and in the chart's bars, which the keyboard reaches and
//! a screen reader reads; axe-core finds nothing to fix.

use fantoccini::key::Key;
use sealbook_e2e::consent::{self, NOTICE, site_page};
use sealbook_e2e::flow::{assert_accessible, key};
use sealbook_e2e::inbox::{click, log_in};
use sealbook_e2e::{Browser, HostSite, PASSPHRASE, Sealbook, eventually};
use serde_json::{Value, json};

const OWNER: &str = "owner@bistro.example";
const OWNER_PASSWORD: &str = "owner password 2026";

/// Makes `Sealbook::consents` list `count` records.
async fn records(sealbook: &Sealbook, count: usize) -> anyhow::Result<Vec<Value>> {
    eventually(&format!("{count} consent records"), || async {
        let records = sealbook.consents().await.ok()?;
        (records.len() == count).then_some(records)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_sees_this_weeks_choices_in_a_chart_and_a_table() -> anyhow::Result<()> {
    // The visitors' records and the inbox that counts them in one week.
    tokio::time::sleep(sealbook_testkit::wait_clear_of_the_week_turn(
        std::time::Duration::from_secs(120),
    ))
    .await;
    let site = HostSite::start().await?;
    let sealbook = Sealbook::start_with("bistro-stats", &[site.origin()], NOTICE).await?;
    sealbook.init_owner(OWNER, OWNER_PASSWORD).await?;
    let snippet = sealbook.snippet().await?;
    let gpc = "<script>Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });</script>";
    for (path, head) in [("/site", ""), ("/gpc", gpc)] {
        site.serve(
            path,
            "text/html; charset=utf-8",
            &site_page(&snippet, "", head, ""),
        );
    }

    // Four visitors, each with no cookie yet.
    let visitor = Browser::start().await?;
    let choices: [(&str, &[&str]); 4] = [
        ("/site", &["sbc-accept"]),
        ("/site", &["sbc-reject"]),
        ("/site", &["sbc-settings", "sbc-cat-analytics", "sbc-save"]),
        ("/gpc", &["sbc-accept"]),
    ];
    for (count, (path, clicks)) in choices.iter().enumerate() {
        visitor.goto(&format!("{}{path}", site.origin())).await?;
        visitor.client.delete_all_cookies().await?;
        visitor.goto(&format!("{}{path}", site.origin())).await?;
        for id in *clicks {
            consent::click(&visitor, id).await?;
        }
        records(&sealbook, count + 1).await?;
    }
    // Records of one second are listed in the order of their random ids.
    let mut actions: Vec<String> = records(&sealbook, 4)
        .await?
        .iter()
        .map(|record| record["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    actions.sort();
    assert_eq!(actions, ["accept_all", "custom", "gpc", "reject_all"]);
    visitor.close().await?;

    let browser = Browser::start().await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(&browser, OWNER, OWNER_PASSWORD, PASSPHRASE).await?;
    click(&browser, "#sb-nav-consents").await?;
    browser.wait_for("#sb-consent-table").await?;

    // This week is the last: its row per category, as the table shows it.
    let rows = browser
        .script(
            "const rows = Array.from(document.querySelectorAll('#sb-consent-table tbody tr'));
             const week = rows[rows.length - 1].dataset.week;
             return rows.filter(r => r.dataset.week === week)
               .map(r => Array.from(r.cells).slice(1).map(c => c.textContent));",
        )
        .await?;
    assert_eq!(
        rows,
        json!([
            ["Statistics", "4", "3", "1", "1", "0 (0 %)"],
            ["Marketing", "4", "1", "3", "1", "1 (33 %)"],
        ]),
        "shown, accepted, refused, chosen in the settings, refused by GPC"
    );
    let weeks = browser
        .script("return new Set(Array.from(document.querySelectorAll('#sb-consent-table tbody tr')).map(r => r.dataset.week)).size;")
        .await?;
    assert_eq!(weeks, 12, "twelve weeks by default");

    // The chart: one bar per week and category, each reachable by Tab and
    // read out with the week's figures.
    let bars = browser
        .script(
            "return ['analytics', 'marketing'].map(c => Array.from(document
               .querySelectorAll(`section[aria-labelledby=\"sb-chart-${c}\"] li.sb-bar[tabindex=\"0\"]`)));",
        )
        .await?;
    assert_eq!(
        bars.as_array().map(|charts| charts
            .iter()
            .map(|bars| bars.as_array().map_or(0, Vec::len))
            .collect::<Vec<_>>()),
        Some(vec![12, 12])
    );
    let spoken = browser
        .script(
            "return Array.from(document.querySelectorAll('section[aria-labelledby=\"sb-chart-marketing\"] li.sb-bar'))
               .pop().querySelector('.sb-visually-hidden').textContent;",
        )
        .await?;
    let spoken = spoken.as_str().unwrap_or_default();
    assert!(
        spoken.ends_with(
            "— Shown: 4, Accepted: 1, Refused: 3, Chosen in the settings: 1, Refused by GPC: 1 (33 %)"
        ),
        "{spoken}"
    );
    let heights = browser
        .script(
            "const bar = Array.from(document.querySelectorAll('section[aria-labelledby=\"sb-chart-marketing\"] li.sb-bar')).pop();
             return Array.from(bar.querySelectorAll('rect')).map(r => Number(r.getAttribute('height')));",
        )
        .await?;
    assert_eq!(
        heights,
        json!([30, 90]),
        "accepted and refused, 4 the tallest"
    );
    browser
        .wait_for("#sb-consent-weeks")
        .await?
        .send_keys(&key(Key::Tab))
        .await?;
    let focused = browser
        .script("return [document.activeElement.className, document.activeElement.closest('section').getAttribute('aria-labelledby')];")
        .await?;
    assert_eq!(
        focused,
        json!(["sb-bar", "sb-chart-analytics"]),
        "Tab from the range reaches the first bar"
    );
    assert_accessible(&browser, "cookie choices").await?;

    // A shorter range.
    let select = browser.wait_for("#sb-consent-weeks").await?;
    select.select_by_value("4").await?;
    eventually("four weeks", || async {
        let count = browser
            .script("return document.querySelectorAll('section[aria-labelledby=\"sb-chart-analytics\"] li.sb-bar').length;")
            .await
            .ok()?;
        (count == 4).then_some(())
    })
    .await?;
    browser.close().await?;
    Ok(())
}
