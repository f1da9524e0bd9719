//! The business's own web site: another origin that embeds the widget.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Serves one HTML page at every path (a 404 for the favicon). The page is set
/// after start, because it names the Sealbook server, whose configuration in
/// turn names this site's origin.
#[derive(Debug)]
pub struct HostSite {
    pub port: u16,
    page: Arc<Mutex<String>>,
    accept: JoinHandle<()>,
}

impl HostSite {
    pub async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let page = Arc::new(Mutex::new(String::new()));
        let served = Arc::clone(&page);
        let accept = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let page = served
                    .lock()
                    .expect("no panics while holding the lock")
                    .clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 64 * 1024
                    {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(read) => request.extend_from_slice(&buffer[..read]),
                        }
                    }
                    let response = if request.starts_with(b"GET /favicon.ico") {
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_owned()
                    } else {
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                            page.len()
                        )
                    };
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Ok(Self { port, page, accept })
    }

    /// The HTML served from now on.
    pub fn set_page(&self, html: String) {
        *self.page.lock().expect("no panics while holding the lock") = html;
    }

    /// The site's origin, as a browser would send it.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for HostSite {
    fn drop(&mut self) {
        self.accept.abort();
    }
}
