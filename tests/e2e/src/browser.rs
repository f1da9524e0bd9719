//! Headless browsers driven through WebDriver: Debian's Chromium (by
//! chromedriver) and Debian's Firefox ESR (by geckodriver).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::Context;
use fantoccini::elements::{Element, ShadowRoot};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::{eventually, free_port, wait_for_port};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const FIREFOX: &str = "/usr/bin/firefox-esr";

/// Which browser a session runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserKind {
    Chromium,
    Firefox,
}

impl BrowserKind {
    /// chromedriver's vendor commands (`se/log`, `goog/cdp/execute`) exist only
    /// in Chromium; the helpers built on them refuse other browsers.
    fn require_chromium(self, what: &str) -> anyhow::Result<()> {
        match self {
            Self::Chromium => Ok(()),
            Self::Firefox => anyhow::bail!(
                "{what} uses a chromedriver vendor command; geckodriver has none like it"
            ),
        }
    }
}

impl std::fmt::Display for BrowserKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Chromium => "Chromium",
            Self::Firefox => "Firefox ESR",
        })
    }
}

/// geckodriver: `SEALBOOK_GECKODRIVER` (set by `cargo xtask test`) or the copy
/// `cargo xtask test` installs under `.tools/bin`.
fn geckodriver() -> PathBuf {
    std::env::var_os("SEALBOOK_GECKODRIVER").map_or_else(
        || crate::workspace_root().join(".tools/bin/geckodriver"),
        PathBuf::from,
    )
}

/// A WebDriver command on the session at `session/{id}/<path>`, for what
/// fantoccini has no method for, or parses away: chromedriver's vendor
/// commands (`se/log` for the console, `goog/cdp/execute` for DevTools), and
/// the cookies as the driver sends them.
#[derive(Debug)]
struct SessionCommand {
    path: &'static str,
    method: http::Method,
    body: Option<String>,
}

impl SessionCommand {
    /// The browser console's messages since the last call.
    fn console_log() -> Self {
        Self {
            path: "se/log",
            method: http::Method::POST,
            body: Some(r#"{"type":"browser"}"#.to_owned()),
        }
    }

    /// DevTools' `Emulation.setEmulatedMedia`: the page laid out as for
    /// `print` (or `screen`), as the print preview lays it out.
    fn emulate_media(media: &str) -> Self {
        let body = serde_json::json!({
            "cmd": "Emulation.setEmulatedMedia",
            "params": { "media": media },
        });
        Self {
            path: "goog/cdp/execute",
            method: http::Method::POST,
            body: Some(body.to_string()),
        }
    }

    /// The cookies the open page can read, unparsed.
    fn cookies() -> Self {
        Self {
            path: "cookie",
            method: http::Method::GET,
            body: None,
        }
    }
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (self.method.clone(), self.body.clone())
    }
}

/// axe-core's browser build: `SEALBOOK_AXE` (set by `cargo xtask test`) or the
/// copy `cargo xtask test` installs under `.tools`.
fn axe_source() -> anyhow::Result<String> {
    let path = std::env::var_os("SEALBOOK_AXE").map_or_else(
        || crate::workspace_root().join(".tools/node_modules/axe-core/axe.min.js"),
        PathBuf::from,
    );
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read axe-core at {} (cargo xtask test installs it)",
            path.display()
        )
    })
}

/// One browser session with its own fresh profile.
#[derive(Debug)]
pub struct Browser {
    pub client: Client,
    kind: BrowserKind,
    /// chromedriver or geckodriver, which started the browser as its child.
    driver: Child,
    /// The profile folder; downloads land in its `downloads`.
    profile: tempfile::TempDir,
}

impl Browser {
    /// Chromium, in American English.
    pub async fn start() -> anyhow::Result<Self> {
        Self::launch(BrowserKind::Chromium, "en-US").await
    }

    /// Chromium, whose visitor prefers `language`.
    pub async fn start_speaking(language: &str) -> anyhow::Result<Self> {
        Self::launch(BrowserKind::Chromium, language).await
    }

    /// `kind`, in American English.
    pub async fn start_in(kind: BrowserKind) -> anyhow::Result<Self> {
        Self::launch(kind, "en-US").await
    }

    /// A browser of `kind` whose visitor prefers `language` (a BCP 47 tag):
    /// what `navigator.languages` and `Accept-Language` report.
    pub async fn launch(kind: BrowserKind, language: &str) -> anyhow::Result<Self> {
        Self::launch_with(kind, language, &[]).await
    }

    /// Chromium, in American English, with `flags` added to its command line:
    /// e.g. `--host-resolver-rules`, so that names of a test domain reach loopback.
    pub async fn start_with_flags(flags: &[String]) -> anyhow::Result<Self> {
        Self::launch_with(BrowserKind::Chromium, "en-US", flags).await
    }

    async fn launch_with(
        kind: BrowserKind,
        language: &str,
        flags: &[String],
    ) -> anyhow::Result<Self> {
        let port = free_port();
        let profile = tempfile::tempdir()?;
        let downloads = profile.path().join("downloads");
        std::fs::create_dir_all(&downloads)?;
        let (program, args, capabilities) = match kind {
            BrowserKind::Chromium => (
                PathBuf::from(CHROMEDRIVER),
                vec![format!("--port={port}")],
                chromium_capabilities(profile.path(), &downloads, language, flags),
            ),
            BrowserKind::Firefox => {
                if !flags.is_empty() {
                    anyhow::bail!("command-line flags are Chromium's; {kind} takes none");
                }
                (
                    geckodriver(),
                    vec![
                        "--host=127.0.0.1".to_owned(),
                        format!("--port={port}"),
                        // geckodriver makes a fresh profile per session; inside the
                        // folder that this session removes, even if a test dies.
                        format!("--profile-root={}", profile.path().display()),
                    ],
                    firefox_capabilities(&downloads, language),
                )
            }
        };
        let driver = Command::new(&program)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            // Its own process group: dropping the session ends the browser too,
            // which the driver starts as its child (a failed test must not leave
            // it running).
            .process_group(0)
            .spawn()
            .with_context(|| {
                format!(
                    "cannot start {} for {kind} (cargo xtask test installs it)",
                    program.display()
                )
            })?;
        wait_for_port(port).await?;
        let Value::Object(capabilities) = capabilities else {
            unreachable!("built as an object")
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .with_context(|| format!("cannot open a {kind} session"))?;
        if kind == BrowserKind::Firefox {
            // Chromium's size comes from its `--window-size`.
            client.set_window_size(1024, 900).await?;
        }
        Ok(Self {
            client,
            kind,
            driver,
            profile,
        })
    }

    pub fn kind(&self) -> BrowserKind {
        self.kind
    }

    /// Opens `url` and waits for the widget's first step inside its shadow root.
    pub async fn open_widget(&self, url: &str) -> anyhow::Result<Widget<'_>> {
        self.client.goto(url).await?;
        self.widget().await
    }

    /// The widget on the page already open, once its first step is there.
    pub async fn widget(&self) -> anyhow::Result<Widget<'_>> {
        let root = eventually("the widget's shadow root", || async {
            let host = self
                .client
                .find(Locator::Css("sealbook-widget"))
                .await
                .ok()?;
            let root = host.shadow_root().await.ok()?;
            root.find(Locator::Css("#sb-next")).await.ok()?;
            Some(root)
        })
        .await?;
        Ok(Widget {
            browser: self,
            root,
        })
    }

    /// Opens `url` as a plain page (no widget), e.g. the visitor's manage page.
    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.client.goto(url).await?;
        Ok(())
    }

    /// Waits until `css` exists in the page itself (outside any shadow root).
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<Element> {
        eventually(css, || async {
            self.client.find(Locator::Css(css)).await.ok()
        })
        .await
    }

    /// Waits until `css` exists in the page and has non-empty text; returns the text.
    pub async fn wait_for_text(&self, css: &str) -> anyhow::Result<String> {
        eventually(css, || async {
            let element = self.client.find(Locator::Css(css)).await.ok()?;
            let text = element.text().await.ok()?;
            (!text.trim().is_empty()).then_some(text)
        })
        .await
    }

    /// Waits for the field `css` of the page (outside any shadow root), sets it as
    /// [`Widget::set_value`] does and fires the same events.
    pub async fn set_value(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let field = self.wait_for(css).await?;
        self.choose_value(&field, value).await
    }

    /// Sets `field` to `value` as a choice in its native picker would, with the
    /// `input` and `change` events the page listens to.
    async fn choose_value(&self, field: &Element, value: &str) -> anyhow::Result<()> {
        self.client
            .execute(
                "const [field, value] = arguments; field.value = value;
                 field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
                 field.dispatchEvent(new Event('change', { bubbles: true, composed: true }));",
                vec![
                    serde_json::to_value(field)?,
                    Value::String(value.to_owned()),
                ],
            )
            .await?;
        Ok(())
    }

    /// Runs an asynchronous script (it calls `arguments[arguments.length - 1]`
    /// with its result) and returns the result.
    pub async fn script_async(&self, source: &str) -> anyhow::Result<Value> {
        Ok(self.client.execute_async(source, Vec::new()).await?)
    }

    /// Runs a script in the page and returns its result.
    pub async fn script(&self, source: &str) -> anyhow::Result<Value> {
        Ok(self.client.execute(source, Vec::new()).await?)
    }

    /// Runs axe-core (from npm, injected into the page, which also checks open
    /// shadow roots) and returns its violations as `rule: target …` lines, so
    /// a failing assertion says what to fix.
    pub async fn accessibility_violations(&self) -> anyhow::Result<Vec<String>> {
        let axe = axe_source()?;
        self.client.execute(&axe, Vec::new()).await?;
        let result = self
            .script_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '
                     + v.nodes.map(n => JSON.stringify(n.target)).join(', '))),
                         e => done(['axe-core failed: ' + e]));",
            )
            .await?;
        Ok(serde_json::from_value(result)?)
    }

    /// Waits for a finished download named `name` (a link the visitor clicked)
    /// and returns its bytes.
    ///
    /// Both browsers may reserve the final name with an empty file as soon as
    /// the download starts and write into a file beside it (Chromium's
    /// `.crdownload`, Firefox's `.part`), renamed over the final name when
    /// done: the download is complete only once no such file is left in the
    /// folder. Every file the tests download has content (a CSV header, a
    /// calendar's `BEGIN:VCALENDAR`), so an empty file is still the reservation.
    pub async fn downloaded(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        let folder = self.profile.path().join("downloads");
        let path = folder.join(name);
        eventually(&format!("the complete download {name}"), || async {
            let in_progress = std::fs::read_dir(&folder).ok()?.any(|entry| {
                entry.is_ok_and(|entry| {
                    let file = entry.file_name();
                    let file = file.to_string_lossy();
                    file.ends_with(".crdownload") || file.ends_with(".part")
                })
            });
            if in_progress {
                return None;
            }
            std::fs::read(&path).ok().filter(|bytes| !bytes.is_empty())
        })
        .await
    }

    /// Removes a finished download, so the next one of that name can be awaited.
    pub fn forget_download(&self, name: &str) -> anyhow::Result<()> {
        std::fs::remove_file(self.profile.path().join("downloads").join(name))?;
        Ok(())
    }

    /// Console messages about Content-Security-Policy or integrity since the last
    /// call: a policy that blocks something the page needs, or a blocked file.
    /// Chromium only: geckodriver does not hand out the console (Firefox shows it
    /// through WebDriver BiDi, which fantoccini does not speak).
    pub async fn policy_violations(&self) -> anyhow::Result<Vec<String>> {
        self.kind.require_chromium("reading the console")?;
        let entries = self.client.issue_cmd(SessionCommand::console_log()).await?;
        Ok(entries
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry["message"].as_str())
            .filter(|message| {
                message.contains("Content Security Policy")
                    || message.contains("Content-Security-Policy")
                    || message.contains("Failed to find a valid digest")
            })
            .map(str::to_owned)
            .collect())
    }

    /// The `domain` of each cookie named `name` that the open page can read,
    /// as the driver reports it: the host for a host-only cookie, a leading
    /// `.` for one set with a `Domain` attribute (fantoccini's parsed cookies
    /// drop that dot, and with it the difference).
    pub async fn cookie_domains(&self, name: &str) -> anyhow::Result<Vec<String>> {
        let cookies = self.client.issue_cmd(SessionCommand::cookies()).await?;
        Ok(cookies
            .as_array()
            .into_iter()
            .flatten()
            .filter(|cookie| cookie["name"] == name)
            .map(|cookie| cookie["domain"].as_str().unwrap_or_default().to_owned())
            .collect())
    }

    /// Saves what the page shows as `<name>.png` in the folder
    /// `SEALBOOK_SCREENSHOTS` names (the README's pictures are made this way:
    /// `SEALBOOK_SCREENSHOTS=docs/screenshots cargo test -p sealbook-e2e --test inbox`);
    /// does nothing when it is not set.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<()> {
        let Some(folder) = std::env::var_os("SEALBOOK_SCREENSHOTS") else {
            return Ok(());
        };
        let folder = crate::workspace_root().join(folder);
        std::fs::create_dir_all(&folder)?;
        std::fs::write(
            folder.join(format!("{name}.png")),
            self.client.screenshot().await?,
        )?;
        Ok(())
    }

    /// Lays the page out for `media` (`print` or `screen`) until told otherwise.
    /// Chromium only: it is a DevTools command.
    pub async fn emulate_media(&self, media: &'static str) -> anyhow::Result<()> {
        self.kind.require_chromium("emulating print media")?;
        self.client
            .issue_cmd(SessionCommand::emulate_media(media))
            .await?;
        Ok(())
    }

    /// The `file://` URL of a finished download, to open it in this browser.
    pub fn download_url(&self, name: &str) -> anyhow::Result<String> {
        let path = self.profile.path().join("downloads").join(name);
        url::Url::from_file_path(&path)
            .map(String::from)
            .map_err(|()| anyhow::anyhow!("not an absolute path: {}", path.display()))
    }

    pub async fn close(self) -> anyhow::Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: the driver and the browser it started.
        if let Some(pid) = self.driver.id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// The widget inside its shadow root.
#[derive(Debug)]
pub struct Widget<'a> {
    browser: &'a Browser,
    root: ShadowRoot,
}

impl Widget<'_> {
    /// axe-core's violations on the whole page, the widget's shadow root included.
    pub async fn accessibility_violations(&self) -> anyhow::Result<Vec<String>> {
        self.browser.accessibility_violations().await
    }

    pub async fn find(&self, css: &str) -> anyhow::Result<Element> {
        self.root
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("no {css} in the widget"))
    }

    /// Every element in the widget that `css` matches, in document order.
    pub async fn find_all(&self, css: &str) -> anyhow::Result<Vec<Element>> {
        self.root
            .find_all(Locator::Css(css))
            .await
            .with_context(|| format!("looking for {css} in the widget"))
    }

    /// Types into a field, key by key, as a visitor would.
    pub async fn type_into(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let field = self.find(css).await?;
        field.click().await?;
        field.send_keys(text).await?;
        Ok(())
    }

    /// Sets a field whose native picker is locale-dependent (date, time, select)
    /// and fires the events a visitor's choice would fire.
    pub async fn set_value(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let field = self.find(css).await?;
        self.browser.choose_value(&field, value).await
    }

    /// Sends keystrokes to an element (WebDriver focuses it first), as a
    /// keyboard-only visitor would: `fantoccini::key::Key` codes or text.
    pub async fn press(&self, css: &str, keys: &str) -> anyhow::Result<()> {
        self.find(css).await?.send_keys(keys).await?;
        Ok(())
    }

    /// The `value` property of a field.
    pub async fn value(&self, css: &str) -> anyhow::Result<String> {
        Ok(self
            .find(css)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    /// Waits until `css` exists; returns it.
    pub async fn wait_for(&self, css: &str) -> anyhow::Result<Element> {
        eventually(css, || async {
            self.root.find(Locator::Css(css)).await.ok()
        })
        .await
    }

    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        self.find(css).await?.click().await?;
        Ok(())
    }

    /// Waits until `css` exists and has non-empty text; returns the text.
    pub async fn wait_for_text(&self, css: &str) -> anyhow::Result<String> {
        eventually(css, || async {
            let element = self.root.find(Locator::Css(css)).await.ok()?;
            let text = element.text().await.ok()?;
            (!text.trim().is_empty()).then_some(text)
        })
        .await
    }
}

/// Headless Chromium with the flags of DESIGN §9: no background traffic,
/// which this closed network refuses.
fn chromium_capabilities(
    profile: &Path,
    downloads: &Path,
    language: &str,
    flags: &[String],
) -> Value {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1024,900",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([
        format!("--user-data-dir={}", profile.display()),
        format!("--lang={language}"),
    ])
    .chain(flags.iter().cloned())
    .collect::<Vec<_>>();
    json!({
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": args,
            "prefs": {
                "intl.accept_languages": language,
                "download.default_directory": downloads,
                "download.prompt_for_download": false,
            },
        },
        // The console, for policy violations (`Browser::policy_violations`).
        "goog:loggingPrefs": { "browser": "ALL" },
    })
}

/// Headless Firefox ESR with no traffic of its own: every service that would
/// call Mozilla or a third party (updates, telemetry, connectivity and captive
/// portal checks, Safe Browsing, remote settings, add-on and search updates,
/// DNS over HTTPS, prefetching) is off, as DESIGN §9 asks of Chromium.
fn firefox_capabilities(downloads: &Path, language: &str) -> Value {
    let mut prefs = serde_json::Map::new();
    prefs.insert("intl.accept_languages".into(), json!(language));
    // Downloads go to the profile's folder without a dialog.
    prefs.insert("browser.download.folderList".into(), json!(2));
    prefs.insert("browser.download.dir".into(), json!(downloads));
    prefs.insert("browser.download.useDownloadDir".into(), json!(true));
    prefs.insert(
        "browser.download.always_ask_before_handling_new_types".into(),
        json!(false),
    );
    prefs.insert("browser.download.alwaysOpenPanel".into(), json!(false));
    prefs.insert(
        "browser.helperApps.neverAsk.saveToDisk".into(),
        json!("text/calendar,text/csv,text/html"),
    );
    // Timers at full precision (Firefox rounds them to a millisecond to blunt
    // timing attacks): the tests order events by `performance` timestamps, and
    // an event and the next one would otherwise share one.
    prefs.insert("privacy.reduceTimerPrecision".into(), json!(false));
    for (names, value) in [
        (FIREFOX_OFF, json!(false)),
        (FIREFOX_ON, json!(true)),
        (FIREFOX_NO_ADDRESS, json!("")),
    ] {
        for &name in names {
            prefs.insert(name.into(), value.clone());
        }
    }
    // Remote settings (blocklists, certificate revocation lists): a server
    // address that answers nothing, on loopback.
    prefs.insert(
        "services.settings.server".into(),
        json!("http://127.0.0.1:9/v1"),
    );
    // No certificate status queries (and no https here).
    prefs.insert("security.OCSP.enabled".into(), json!(0));
    // No DNS over HTTPS.
    prefs.insert("network.trr.mode".into(), json!(5));
    prefs.insert("network.http.speculative-parallel-limit".into(), json!(0));
    prefs.insert("browser.startup.page".into(), json!(0));
    prefs.insert("browser.startup.homepage".into(), json!("about:blank"));
    json!({
        "browserName": "firefox",
        "moz:firefoxOptions": {
            "binary": FIREFOX,
            "args": ["-headless"],
            "prefs": prefs,
        },
    })
}

/// Firefox preferences set to `false` to keep it off the network: updates,
/// telemetry, connectivity and captive-portal checks, Safe Browsing, remote
/// settings, add-on, search and region updates, media plug-ins, studies.
const FIREFOX_OFF: &[&str] = &[
    "app.update.auto",
    "toolkit.telemetry.enabled",
    "toolkit.telemetry.unified",
    "toolkit.telemetry.archive.enabled",
    "datareporting.healthreport.uploadEnabled",
    "datareporting.policy.dataSubmissionEnabled",
    "browser.ping-centre.telemetry",
    "network.captive-portal-service.enabled",
    "network.connectivity-service.enabled",
    "browser.safebrowsing.malware.enabled",
    "browser.safebrowsing.phishing.enabled",
    "browser.safebrowsing.blockedURIs.enabled",
    "browser.safebrowsing.downloads.enabled",
    "browser.safebrowsing.downloads.remote.enabled",
    "security.remote_settings.crlite_filters.enabled",
    "security.remote_settings.intermediates.enabled",
    "extensions.update.enabled",
    "extensions.getAddons.cache.enabled",
    "extensions.blocklist.enabled",
    "browser.search.update",
    "browser.region.update.enabled",
    "media.gmp-gmpopenh264.enabled",
    "media.gmp-widevinecdm.enabled",
    "network.prefetch-next",
    "browser.newtabpage.enabled",
    "browser.shell.checkDefaultBrowser",
    "browser.aboutwelcome.enabled",
    "browser.discovery.enabled",
    "messaging-system.rsexperimentloader.enabled",
    "app.normandy.enabled",
    "app.shield.optoutstudies.enabled",
    "browser.newtabpage.activity-stream.feeds.telemetry",
    "browser.newtabpage.activity-stream.telemetry",
    "identity.fxaccounts.enabled",
];

/// Firefox preferences set to `true` for the same reason.
const FIREFOX_ON: &[&str] = &[
    "app.update.disabledForTesting",
    "network.dns.disablePrefetch",
];

/// Addresses of Mozilla's and Google's services, emptied for the same reason.
const FIREFOX_NO_ADDRESS: &[&str] = &[
    "toolkit.telemetry.server",
    "browser.safebrowsing.provider.google.updateURL",
    "browser.safebrowsing.provider.google4.updateURL",
    "browser.safebrowsing.provider.mozilla.updateURL",
    "browser.region.network.url",
    "geo.provider.network.url",
    "media.gmp-manager.url",
];
