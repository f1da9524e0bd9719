//! Just enough of the W3C WebDriver protocol, spoken to chromedriver over
//! loopback, to open pages in a fresh headless Chromium, run scripts in them
//! and ask Chromium itself (through chromedriver's DevTools bridge) for what a
//! page cannot see: every cookie of every site, and a script to run before
//! the page's own.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};

/// chromedriver, started for one scan and stopped with it.
pub(crate) struct Driver {
    process: Child,
    base: String,
    http: reqwest::Client,
    chromium: PathBuf,
}

/// How long chromedriver may take to answer.
const STARTUP: Duration = Duration::from_secs(20);

impl Driver {
    /// Starts `chromedriver` on a free loopback port, for `chromium`.
    pub(crate) async fn start(chromedriver: &Path, chromium: &Path) -> anyhow::Result<Self> {
        for (what, path) in [("chromedriver", chromedriver), ("Chromium", chromium)] {
            if !path.exists() {
                bail!(
                    "{what} is not at {} — the scan drives a headless Chromium. On Debian or \
                     Ubuntu: `sudo apt install chromium chromium-driver`; elsewhere, install \
                     Chromium and its chromedriver and pass --chromium and --chromedriver",
                    path.display(),
                );
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let process = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", chromedriver.display()))?;
        let driver = Self {
            process,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()?,
            chromium: chromium.to_owned(),
        };
        let started = Instant::now();
        loop {
            let ready = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await
                .ok()
                .map(reqwest::Response::json::<Value>);
            if let Some(status) = ready
                && status.await.is_ok_and(|s| s["value"]["ready"] == true)
            {
                return Ok(driver);
            }
            if started.elapsed() > STARTUP {
                bail!("chromedriver did not answer within {STARTUP:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A fresh headless Chromium with an empty profile: no cookie, no storage.
    pub(crate) async fn session(&self) -> anyhow::Result<Session<'_>> {
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": self.chromium,
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    ],
                },
            }},
        });
        let answer = self.call("POST", "/session", Some(capabilities)).await?;
        let id = answer["sessionId"]
            .as_str()
            .context("chromedriver opened no session")?
            .to_owned();
        Ok(Session { driver: self, id })
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "POST" => self.http.post(url).json(&body.unwrap_or_else(|| json!({}))),
            "DELETE" => self.http.delete(url),
            _ => self.http.get(url),
        };
        let answer: Value = request.send().await?.json().await?;
        let value = answer["value"].clone();
        if let Some(error) = value.get("error").and_then(Value::as_str) {
            bail!(
                "WebDriver {method} {path}: {error}: {}",
                value["message"].as_str().unwrap_or_default()
            );
        }
        Ok(value)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The sessions are closed by now, their browsers with them.
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// One browser of the scan.
pub(crate) struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Session<'_> {
    /// Runs `source` in every document before the document's own scripts.
    pub(crate) async fn before_every_page(&self, source: &str) -> anyhow::Result<()> {
        self.devtools(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": source }),
        )
        .await
        .map(drop)
    }

    /// Opens `url` and waits for its `load` event.
    pub(crate) async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.command("POST", "/url", Some(json!({ "url": url })))
            .await
            .map(drop)
    }

    /// The value `source` (a function body) returns in the page.
    pub(crate) async fn script(&self, source: &str) -> anyhow::Result<Value> {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({ "script": source, "args": [] })),
        )
        .await
    }

    /// Every cookie the browser holds, of every site.
    pub(crate) async fn all_cookies(&self) -> anyhow::Result<Vec<Value>> {
        let answer = self.devtools("Network.getAllCookies", json!({})).await?;
        Ok(answer["cookies"].as_array().cloned().unwrap_or_default())
    }

    /// Closes the browser.
    pub(crate) async fn close(self) -> anyhow::Result<()> {
        self.driver
            .call("DELETE", &format!("/session/{}", self.id), None)
            .await
            .map(drop)
    }

    async fn devtools(&self, cmd: &str, params: Value) -> anyhow::Result<Value> {
        self.command(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
        .await
    }

    async fn command(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        self.driver
            .call(method, &format!("/session/{}{path}", self.id), body)
            .await
    }
}
