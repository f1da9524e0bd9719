//! How long until a visitor can refuse cookies: "Reject all" visible on a fresh
//! load (new browser, empty profile, nothing cached), for a business's page with
//! Sealbook's script tag, for the same page with vanilla-cookieconsent 3.1.0
//! (from npm, its documented minimal setup with the same three categories, shown
//! to a WebDriver-driven browser as to a visitor's), and
//! for a static HTML banner (the floor: no script at all). The three are loaded
//! in turn, `LOADS` times each, in one headless Chromium run on loopback, so
//! that they share the machine's state; `cargo xtask bench` runs it, built for
//! release, against the `sealbook` binary built for release, which the page
//! reaches directly (not through the tests' recording proxy), as a visitor's
//! browser reaches a production server.
//!
//! The time is taken in the page: a script first in its head checks, at every
//! animation frame from the start, whether the page's "Reject all" button is
//! laid out with a size, visible and not transparent, and notes
//! `performance.now()` (milliseconds since navigation start) at the first frame
//! that shows it. Timings vary between runs and machines: they are printed,
//! never asserted.

// The markdown report on stdout is this program's whole output.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use sealbook_e2e::consent::NOTICE;
use sealbook_e2e::{Browser, HostSite, Sealbook, eventually, workspace_root};

/// Fresh loads of each page.
const LOADS: usize = 30;

/// First in each page's head: notes when the button `selector` is first shown.
fn stopwatch(selector: &str) -> String {
    format!(
        r#"<script>
(() => {{
  const find = () => {{
    for (const root of [document, document.querySelector("sealbook-consent")?.shadowRoot]) {{
      const button = root && root.querySelector({selector:?});
      if (!button) continue;
      const box = button.getBoundingClientRect();
      const style = getComputedStyle(button);
      if (box.width > 0 && box.height > 0 && style.visibility === "visible" && style.opacity !== "0") return true;
    }}
    return false;
  }};
  const tick = () => {{
    if (find()) window.rejectVisibleAt = performance.now();
    else requestAnimationFrame(tick);
  }};
  requestAnimationFrame(tick);
}})();
</script>"#
    )
}

/// Where Sealbook's time goes, read in its page once the button shows:
/// milliseconds since navigation start at each step.
const MILESTONES: &str = r#"
const resource = (end) => performance.getEntriesByType("resource").find((entry) => entry.name.endsWith(end));
const embed = resource("/embed.js"), profile = resource("/profile");
return [
  performance.getEntriesByType("navigation")[0]?.responseEnd,
  embed?.startTime, embed?.responseEnd,
  profile?.startTime, profile?.responseEnd,
  performance.getEntriesByName("sealbook:consent-banner")[0]?.startTime,
  window.rejectVisibleAt,
].map((time) => time ?? null);"#;

/// The steps [`MILESTONES`] reads, in its order.
const STEPS: [&str; 7] = [
    "page received",
    "embed.js requested",
    "embed.js received",
    "notice requested",
    "notice received",
    "banner opened (`showModal`)",
    "\"Reject all\" visible",
];

/// One page to time.
struct Page {
    name: &'static str,
    url: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let root = workspace_root();
    let cookieconsent = root.join(".tools/node_modules/vanilla-cookieconsent/dist");
    let read = |file: &str| -> anyhow::Result<String> {
        let path: PathBuf = cookieconsent.join(file);
        std::fs::read_to_string(&path).with_context(|| {
            format!(
                "{} (`npm install --prefix .tools vanilla-cookieconsent@3.1.0`)",
                path.display()
            )
        })
    };

    // Sealbook: the business's own page with its script tag (banner and form).
    let site = HostSite::start().await?;
    let mut sealbook = Sealbook::start_with("bistro-banner", &[site.origin()], NOTICE).await?;
    site.set_page(format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bistro</title>{}</head>
<body><main><h1>Bistro</h1><p>Seasonal cooking.</p>{}</main></body>
</html>"#,
        stopwatch("#sbc-reject"),
        sealbook.direct_snippet().await?,
    ));

    // vanilla-cookieconsent, as its documentation sets it up.
    let vanilla = HostSite::start().await?;
    vanilla.serve(
        "/cookieconsent.css",
        "text/css",
        &read("cookieconsent.css")?,
    );
    vanilla.serve(
        "/cookieconsent.umd.js",
        "text/javascript",
        &read("cookieconsent.umd.js")?,
    );
    vanilla.set_page(format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bistro</title>{stopwatch}
<link rel="stylesheet" href="/cookieconsent.css"></head>
<body><main><h1>Bistro</h1><p>Seasonal cooking.</p></main>
<script src="/cookieconsent.umd.js"></script>
<script>
CookieConsent.run({{
  // It hides itself from browsers driven by WebDriver (`navigator.webdriver`),
  // as this one is; a visitor's browser is not.
  hideFromBots: false,
  categories: {{ necessary: {{ enabled: true, readOnly: true }}, analytics: {{}}, marketing: {{}} }},
  language: {{ default: "en", translations: {{ en: {{
    consentModal: {{ title: "Cookies", description: "We use cookies for statistics and adverts.",
      acceptAllBtn: "Accept all", acceptNecessaryBtn: "Reject all", showPreferencesBtn: "Settings" }},
    preferencesModal: {{ title: "Cookie settings", acceptAllBtn: "Accept all", acceptNecessaryBtn: "Reject all",
      savePreferencesBtn: "Save", sections: [
        {{ title: "Necessary", description: "Keeps your choice.", linkedCategory: "necessary" }},
        {{ title: "Analytics", description: "Counts visits.", linkedCategory: "analytics" }},
        {{ title: "Marketing", description: "Measures adverts.", linkedCategory: "marketing" }} ] }}
  }} }} }}
}});
</script>
</body>
</html>"#,
        stopwatch = stopwatch(r#"#cc-main .cm__btn[data-role="necessary"]"#),
    ));

    // The floor: the banner is in the HTML.
    let floor = HostSite::start().await?;
    floor.set_page(format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bistro</title>{}</head>
<body><main><h1>Bistro</h1><p>Seasonal cooking.</p></main>
<div role="dialog" aria-label="Cookies"><p>We use cookies.</p>
<button id="reject">Reject all</button> <button>Accept all</button></div>
</body>
</html>"#,
        stopwatch("#reject")
    ));

    let pages = [
        Page {
            name: "Sealbook (banner and form)",
            url: format!("{}/bistro", site.origin()),
        },
        Page {
            name: "vanilla-cookieconsent 3.1.0",
            url: format!("{}/bistro", vanilla.origin()),
        },
        Page {
            name: "static HTML banner",
            url: format!("{}/bistro", floor.origin()),
        },
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); pages.len()];
    let mut steps: Vec<Vec<f64>> = vec![Vec::new(); STEPS.len()];
    for round in 0..LOADS {
        for (page, samples) in pages.iter().zip(&mut times) {
            let browser = Browser::start().await?;
            browser.goto(&page.url).await?;
            let at = eventually(&format!("Reject all on {}", page.name), || async {
                browser
                    .script("return window.rejectVisibleAt ?? null;")
                    .await
                    .ok()?
                    .as_f64()
            })
            .await?;
            samples.push(at);
            if page.url.starts_with(&site.origin()) {
                let reached = browser.script(MILESTONES).await?;
                for (step, time) in steps
                    .iter_mut()
                    .zip(reached.as_array().into_iter().flatten())
                {
                    step.extend(time.as_f64());
                }
            }
            browser.close().await?;
        }
        eprintln!("banner_time: round {} of {LOADS}", round + 1);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sealbook.stop().await?;

    let vanilla_median = median(&times[1]);
    println!("\"Reject all\" visible, {LOADS} fresh loads each, interleaved, headless Chromium:\n");
    println!("| page | median | p95 | median / vanilla-cookieconsent |");
    println!("|---|---:|---:|---:|");
    for (page, samples) in pages.iter().zip(&times) {
        println!(
            "| {} | {:.0} ms | {:.0} ms | {:.2}× |",
            page.name,
            median(samples),
            percentile(samples, 95),
            median(samples) / vanilla_median.max(f64::MIN_POSITIVE),
        );
    }
    println!("\nWhere Sealbook's time goes (medians, ms since navigation start):\n");
    println!("| step | median |");
    println!("|---|---:|");
    for (name, samples) in STEPS.iter().zip(&steps) {
        println!("| {name} | {:.1} ms |", median(samples));
    }
    Ok(())
}

fn median(samples: &[f64]) -> f64 {
    percentile(samples, 50)
}

/// Nearest-rank percentile.
fn percentile(samples: &[f64], percent: usize) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied().unwrap_or_default()
}
