//! The harness for end-to-end tests: the real `sealbook` binary on a loopback
//! port behind a recording proxy, a separate "business site" origin, and real
//! headless Chromium driven through chromedriver, or Firefox ESR through
//! geckodriver.
//!
//! Every wait is bounded in time; every process is killed when its handle drops.

mod browser;
pub mod flow;
mod host_site;
mod proxy;
mod server;

pub use browser::{Browser, BrowserKind, Widget};
pub use host_site::HostSite;
pub use proxy::RecordingProxy;
pub use server::{PASSPHRASE, Sealbook, built_widget, eventually, workspace_root};

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
