//! The harness for end-to-end tests: the real `sealbook` binary on a loopback
//! port behind a recording proxy, a separate "business site" origin, and real
//! headless Chromium driven through chromedriver, or Firefox ESR through
//! geckodriver.
//!
//! Every wait is bounded in time; every process is killed when its handle drops.

pub mod api;
mod browser;
pub mod civil;
pub mod consent;
pub mod courier;
pub mod day_picker;
pub mod flow;
mod host_site;
pub mod inbox;
mod proxy;
mod server;

pub use browser::{Browser, BrowserKind, Widget};
pub use host_site::HostSite;
pub use proxy::RecordingProxy;
pub use server::{
    CourierKey, PASSPHRASE, Sealbook, SecondProcess, binary, built_widget, courier_keygen,
    eventually, spawn_courier, workspace_root,
};

use std::time::Duration;

/// Upper bound for any single wait in these tests.
pub const WAIT: Duration = Duration::from_secs(60);

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("loopback has free ports")
}

/// Waits until something accepts TCP connections on `port`.
pub async fn wait_for_port(port: u16) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::bail!("nothing listens on port {port} after {WAIT:?}")
}

/// How often `needle` occurs in `haystack`.
pub fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|window| *window == needle)
        .count()
}

/// The name of the one file in `dir` that the build named
/// `<package>-<16 hex of its SHA-256>.<extension>` (the glue or the wasm).
pub fn hashed_file(
    dir: &std::path::Path,
    package: &str,
    extension: &str,
) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let prefix = format!("{package}-");
    let suffix = format!(".{extension}");
    let mut found = Vec::new();
    for item in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let name = item?.file_name().to_string_lossy().into_owned();
        let hash = name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(&suffix));
        if hash.is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            found.push(name);
        }
    }
    match <[String; 1]>::try_from(found) {
        Ok([name]) => Ok(name),
        Err(found) => anyhow::bail!(
            "{} holds {found:?} as {prefix}<hash>{suffix}, not exactly one: run `cargo xtask build-widget`",
            dir.display()
        ),
    }
}

/// One test body run as two tests, `$name::in_chromium` and
/// `$name::in_firefox_esr`: `$body` is an `async fn(BrowserKind) ->
/// anyhow::Result<()>` beside the macro call.
#[macro_export]
macro_rules! in_each_browser {
    ($(#[$doc:meta])* $name:ident => $body:ident) => {
        $(#[$doc])*
        mod $name {
            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn in_chromium() -> ::anyhow::Result<()> {
                super::$body($crate::BrowserKind::Chromium).await
            }

            #[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn in_firefox_esr() -> ::anyhow::Result<()> {
                super::$body($crate::BrowserKind::Firefox).await
            }
        }
    };
}

/// Fails when any of `canaries` occurs in any of `places` (what, bytes): the
/// visitor's words must reach the server only sealed.
pub fn assert_nowhere(canaries: &[&[u8]], places: &[(&str, &[u8])]) -> anyhow::Result<()> {
    for (what, bytes) in places {
        for canary in canaries {
            anyhow::ensure!(
                occurrences(bytes, canary) == 0,
                "{} in the {what}",
                String::from_utf8_lossy(canary)
            );
        }
    }
    Ok(())
}
