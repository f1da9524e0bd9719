//! `sealbook consent scan URL…`: checks a site's cookie notice against what its
//! pages really do. Each page is opened three times in a fresh headless
//! Chromium — left alone, then "Reject all", then "Accept all" in the Sealbook
//! banner — and every cookie (of every site), local and session storage key and
//! third-party request is recorded, with the script that wrote it where the
//! browser can tell. `report` compares them with the notice the page's own
//! Sealbook tag serves, prints the table and a notice that declares what was
//! missing, and decides the exit status, so a site can run this in its CI.

mod report;
mod webdriver;

use std::collections::{BTreeSet, VecDeque};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sealbook_wire::api::notice::ConsentNotice;
use serde::Deserialize;

pub(crate) use report::Format;
use report::{Observation, Phase};
use webdriver::{Driver, Session};

/// What the scan is asked to do.
pub(crate) struct ScanRequest {
    pub urls: Vec<String>,
    /// How many links away from the given pages to follow, on their own origin.
    pub depth: u32,
    pub max_pages: usize,
    pub chromedriver: PathBuf,
    pub chromium: PathBuf,
    /// How long a page is watched after it loaded and after each click.
    pub settle: Duration,
    pub format: Format,
}

/// Put in every document before its own scripts: logs each cookie and
/// storage write with the URL of the script that made it (the first URL on
/// the call stack; this recorder itself has none).
const RECORDER: &str = r#"(() => {
  if (window.__sealbookScan) return;
  const writes = [];
  Object.defineProperty(window, "__sealbookScan", { value: writes });
  try { performance.setResourceTimingBufferSize(100000); } catch (err) {}
  const by = () => {
    const urls = (new Error().stack || "").match(/(?:https?|file):\/\/[^\s)]+/g) || [];
    return urls.length ? urls[0].replace(/:\d+:\d+$/, "") : "";
  };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  Object.defineProperty(Document.prototype, "cookie", {
    configurable: true,
    get() { return cookie.get.call(this); },
    set(value) {
      const text = String(value);
      // A deletion (Max-Age=0, or an expiry in the past) sets nothing.
      const expires = /;\s*expires=([^;]+)/i.exec(text);
      const deletes = /;\s*max-age=\s*(0|-)/i.test(text) || (expires && Date.parse(expires[1]) < Date.now());
      if (!deletes) writes.push({ kind: "cookie", name: text.split("=")[0].trim(), by: by() });
      cookie.set.call(this, value);
    },
  });
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    let kind = "sessionStorage";
    try { if (this === window.localStorage) kind = "localStorage"; } catch (err) {}
    writes.push({ kind, name: String(key), by: by() });
    return setItem.call(this, key, value);
  };
})();"#;

/// What a page holds and has done, read from inside it.
const READ_PAGE: &str = r#"
const tag = document.querySelector('script[src$="embed.js"][data-business]');
const keys = (area) => { try { return Object.keys(window[area]); } catch (err) { return []; } };
const absolute = (value) => { try { return value ? new URL(value, document.baseURI).href : ""; } catch (err) { return ""; } };
return {
  origin: location.origin,
  writes: window.__sealbookScan || [],
  requests: performance.getEntriesByType("resource").map((entry) => entry.name),
  gated: Array.from(document.querySelectorAll("[data-category]"), (node) => ({
    category: node.getAttribute("data-category"),
    src: absolute(node.getAttribute("src") || node.getAttribute("data-src")),
  })),
  links: Array.from(document.links, (link) => link.href),
  // As the consent layer reads the tag.
  tag: tag ? {
    business: (tag.dataset.business || "").trim(),
    api: new URL(tag.dataset.api || new URL(tag.src, document.baseURI).origin, document.baseURI).origin,
    src: tag.src,
  } : null,
  localStorage: keys("localStorage"),
  sessionStorage: keys("sessionStorage"),
};"#;

/// The page as [`READ_PAGE`] returns it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageState {
    origin: String,
    writes: Vec<Write>,
    requests: Vec<String>,
    gated: Vec<report::Gated>,
    links: Vec<String>,
    tag: Option<Tag>,
    local_storage: Vec<String>,
    session_storage: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Write {
    kind: String,
    name: String,
    by: String,
}

/// The page's Sealbook script tag.
#[derive(Debug, Clone, Deserialize)]
struct Tag {
    business: String,
    api: String,
    src: String,
}

/// A click on the banner's `#id` once the banner is open: `clicked`; or
/// `decided` when the consent layer chose by itself (nothing optional to ask
/// about, or Global Privacy Control refusing all of it) and shows no banner;
/// `external` under `data-consent="external"`; else `waiting`.
fn click_banner(id: &str) -> String {
    format!(
        "const root = document.querySelector('sealbook-consent')?.shadowRoot;
         const button = root && root.querySelector('dialog[open] #{id}');
         if (button) {{ button.click(); return 'clicked'; }}
         const tag = document.querySelector('script[src$=\"embed.js\"][data-business]');
         if (tag && tag.dataset.consent === 'external') return 'external';
         const consent = window.Sealbook && window.Sealbook.consent;
         return consent && consent.get() && !(root && root.querySelector('dialog[open]')) ? 'decided' : 'waiting';"
    )
}

/// How long the banner may take to show.
const BANNER_WAIT: Duration = Duration::from_secs(15);

pub(crate) fn run(request: &ScanRequest) -> anyhow::Result<ExitCode> {
    if request.urls.is_empty() {
        bail!("name at least one page to scan");
    }
    tokio::runtime::Runtime::new()?.block_on(scan(request))
}

async fn scan(request: &ScanRequest) -> anyhow::Result<ExitCode> {
    let driver = Driver::start(&request.chromedriver, &request.chromium).await?;
    let mut queue: VecDeque<(String, u32)> = VecDeque::new();
    let mut seen = BTreeSet::new();
    for url in &request.urls {
        let url = page_url(url).with_context(|| format!("{url} is not an http(s) URL"))?;
        if seen.insert(url.clone()) {
            queue.push_back((url, 0));
        }
    }
    let mut observations = Vec::new();
    let mut gated = Vec::new();
    let mut notice: Option<ConsentNotice> = None;
    let mut sealbook_origins = BTreeSet::new();
    let mut problems = Vec::new();
    let mut pages = Vec::new();
    while let Some((url, depth)) = queue.pop_front() {
        if pages.len() >= request.max_pages {
            break;
        }
        eprintln!("sealbook: scanning {url}");
        pages.push(url.clone());
        for phase in [Phase::Before, Phase::AfterReject, Phase::AfterAccept] {
            let session = driver.session().await?;
            let mut visit = visit(&session, &url, phase, request.settle).await;
            // The notice is asked for after what the page did is read, so the
            // question is not counted among the page's requests.
            if let Ok((state, _)) = &visit
                && let Some(tag) = &state.tag
                && notice.is_none()
            {
                match fetch_notice(&session, tag).await {
                    Ok(found) => notice = Some(found),
                    Err(error) => visit = Err(error),
                }
            }
            session.close().await?;
            let (state, cookies) = match visit {
                Ok(found) => found,
                Err(error) => {
                    problems.push(format!("{url}: {error:#}"));
                    break;
                }
            };
            if phase == Phase::Before && depth < request.depth {
                for link in &state.links {
                    if let Some(link) = page_url(link)
                        && origin_of(&link) == Some(state.origin.clone())
                        && seen.insert(link.clone())
                    {
                        queue.push_back((link, depth + 1));
                    }
                }
            }
            let Some(tag) = state.tag.clone() else {
                // No banner: whatever the page does, it does before any choice.
                eprintln!(
                    "sealbook: {url} has no Sealbook script tag, so no banner: nothing on it may be optional"
                );
                observations.extend(observe(&url, phase, &state, &cookies));
                break;
            };
            sealbook_origins.insert(tag.api.clone());
            if let Some(origin) = page_url(&tag.src).and_then(|src| origin_of(&src)) {
                sealbook_origins.insert(origin);
            }
            gated.extend(state.gated.iter().cloned());
            observations.extend(observe(&url, phase, &state, &cookies));
        }
    }
    drop(driver);
    let Some(notice) = notice else {
        for problem in &problems {
            eprintln!("sealbook: {problem}");
        }
        bail!("no page could be checked against a Sealbook notice");
    };
    let findings = report::Findings::new(&notice, &observations, &gated, &sealbook_origins);
    std::io::stdout()
        .lock()
        .write_all(findings.render(request.format, &pages)?.as_bytes())?;
    for problem in &problems {
        eprintln!("sealbook: {problem}");
    }
    Ok(if findings.passes() && problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One fresh visit of `url`, left at `phase`: what the page did and every cookie.
async fn visit(
    session: &Session<'_>,
    url: &str,
    phase: Phase,
    settle: Duration,
) -> anyhow::Result<(PageState, Vec<serde_json::Value>)> {
    session.before_every_page(RECORDER).await?;
    session.goto(url).await?;
    tokio::time::sleep(settle).await;
    let button = match phase {
        Phase::Before => None,
        Phase::AfterReject => Some("sbc-reject"),
        Phase::AfterAccept => Some("sbc-accept"),
    };
    if let Some(button) = button {
        let started = Instant::now();
        loop {
            match session.script(&click_banner(button)).await?.as_str() {
                Some("clicked") => break,
                // Nothing to click: the page is what it is after the layer's own choice.
                Some("decided") => break,
                Some("external") => bail!(
                    "the page defers to its own consent manager (data-consent=\"external\"), \
                     which this scan cannot click through"
                ),
                _ if started.elapsed() > BANNER_WAIT => {
                    bail!("the Sealbook banner did not show within {BANNER_WAIT:?}")
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        tokio::time::sleep(settle).await;
    }
    let state: PageState = serde_json::from_value(session.script(READ_PAGE).await?)
        .context("the page's state reads")?;
    let cookies = session.all_cookies().await?;
    Ok((state, cookies))
}

/// The notice the page's Sealbook tag serves, asked for the way the banner asks.
async fn fetch_notice(session: &Session<'_>, tag: &Tag) -> anyhow::Result<ConsentNotice> {
    let profile = session
        .script(&format!(
            "return fetch({:?} + '/api/v1/businesses/' + encodeURIComponent({:?}) + '/profile',
                          {{ credentials: 'omit', headers: {{ Accept: 'application/json' }} }})
                     .then((response) => response.json());",
            tag.api, tag.business
        ))
        .await?;
    let consent = profile
        .get("consent")
        .cloned()
        .filter(|consent| !consent.is_null())
        .with_context(|| format!("business {} shows no cookie notice", tag.business))?;
    serde_json::from_value(consent).context("the business's notice reads")
}

/// What one visit observed, each thing once.
fn observe(
    page: &str,
    phase: Phase,
    state: &PageState,
    cookies: &[serde_json::Value],
) -> Vec<Observation> {
    let mut found = Vec::new();
    let writer = |kind: &str, name: &str| {
        state
            .writes
            .iter()
            .find(|write| write.kind == kind && write.name == name)
            .map(|write| write.by.clone())
    };
    for cookie in cookies {
        let name = cookie["name"].as_str().unwrap_or_default();
        let domain = cookie["domain"].as_str().unwrap_or_default();
        found.push(Observation {
            page: page.to_owned(),
            phase,
            kind: report::Kind::Cookie,
            name: name.to_owned(),
            by: writer("cookie", name).unwrap_or_else(|| format!("a response from {domain}")),
            expires: cookie["expires"]
                .as_f64()
                .filter(|_| cookie["session"] != true),
            domain: domain.to_owned(),
        });
    }
    // A cookie written and removed again in the same visit was still set.
    for write in state.writes.iter().filter(|write| write.kind == "cookie") {
        if !found.iter().any(|seen| seen.name == write.name) {
            found.push(Observation {
                page: page.to_owned(),
                phase,
                kind: report::Kind::Cookie,
                name: write.name.clone(),
                by: write.by.clone(),
                expires: None,
                domain: String::new(),
            });
        }
    }
    for (kind, keys, area) in [
        (
            report::Kind::LocalStorage,
            &state.local_storage,
            "localStorage",
        ),
        (
            report::Kind::SessionStorage,
            &state.session_storage,
            "sessionStorage",
        ),
    ] {
        let written = state
            .writes
            .iter()
            .filter(|write| write.kind == area)
            .map(|write| &write.name);
        let names: BTreeSet<&String> = keys.iter().chain(written).collect();
        for name in names {
            found.push(Observation {
                page: page.to_owned(),
                phase,
                kind,
                name: name.clone(),
                by: writer(area, name).unwrap_or_default(),
                expires: None,
                domain: String::new(),
            });
        }
    }
    for request in &state.requests {
        let Some(origin) = origin_of(request) else {
            continue;
        };
        if origin == state.origin {
            continue;
        }
        found.push(Observation {
            page: page.to_owned(),
            phase,
            kind: report::Kind::Request,
            name: origin,
            by: request.clone(),
            expires: None,
            domain: String::new(),
        });
    }
    found
}

/// `url` without its fragment, if it is http(s).
fn page_url(url: &str) -> Option<String> {
    let url = url.split('#').next()?;
    (url.starts_with("http://") || url.starts_with("https://")).then(|| url.to_owned())
}

/// `url` parsed, if it is http(s) with a host: the one reading of URLs the
/// scan compares origins, hosts and ports by.
fn http_url(url: &str) -> Option<reqwest::Url> {
    reqwest::Url::parse(url)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
}

/// `scheme://host[:port]` of an http(s) URL: lowercased, without user info
/// or the scheme's default port.
fn origin_of(url: &str) -> Option<String> {
    http_url(url).map(|url| url.origin().ascii_serialization())
}

/// `host[:port]` of an http(s) URL (the port only when not the default).
fn authority(url: &str) -> Option<String> {
    let url = http_url(url)?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_page_urls() {
        assert_eq!(
            origin_of("https://Stats.Example:8443/t.js?x=1").as_deref(),
            Some("https://stats.example:8443")
        );
        assert_eq!(
            origin_of("http://user@cdn.example/a").as_deref(),
            Some("http://cdn.example")
        );
        assert_eq!(origin_of("data:text/plain,hi"), None);
        assert_eq!(
            page_url("https://bistro.example/menu#wine").as_deref(),
            Some("https://bistro.example/menu")
        );
        assert_eq!(page_url("mailto:chef@bistro.example"), None);
    }
}
