//! Another origin than Sealbook's: the business's own web site that embeds the
//! widget, or a third party (an analytics or ad server) that the site's gated
//! scripts load from. It counts the requests it gets, so a test can prove that
//! nothing reached it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

#[derive(Debug, Default)]
struct Content {
    /// Served at every path that has no file of its own.
    page: String,
    /// path → (content type, body).
    files: HashMap<String, (String, String)>,
    /// Paths answered with `Access-Control-Allow-Origin: *`.
    open_to_any_origin: std::collections::HashSet<String>,
    /// Every request's path, in arrival order.
    requests: Vec<String>,
}

/// Serves one HTML page at every path, plus files added with [`HostSite::serve`]
/// (a 404 for the favicon). The page is set after start, because it names the
/// Sealbook server, whose configuration in turn names this site's origin.
#[derive(Debug)]
pub struct HostSite {
    pub port: u16,
    content: Arc<Mutex<Content>>,
    accept: JoinHandle<()>,
}

impl HostSite {
    pub async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let content = Arc::new(Mutex::new(Content::default()));
        let served = Arc::clone(&content);
        let accept = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let served = Arc::clone(&served);
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
                    let response = respond(&served, &request);
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Ok(Self {
            port,
            content,
            accept,
        })
    }

    /// The HTML served from now on.
    pub fn set_page(&self, html: String) {
        self.lock().page = html;
    }

    /// Serves `body` at `path` (e.g. `/analytics.js`) from now on.
    pub fn serve(&self, path: &str, content_type: &str, body: &str) {
        self.lock()
            .files
            .insert(path.to_owned(), (content_type.to_owned(), body.to_owned()));
    }

    /// Serves `body` at `path` to scripts of any origin (CORS `*`): an API that
    /// a page elsewhere fetches.
    pub fn serve_to_any_origin(&self, path: &str, content_type: &str, body: &str) {
        self.serve(path, content_type, body);
        self.lock().open_to_any_origin.insert(path.to_owned());
    }

    /// How many requests reached this origin, whatever their path.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// How many requests asked for `path`.
    pub fn requests_for(&self, path: &str) -> usize {
        self.lock()
            .requests
            .iter()
            .filter(|asked| *asked == path)
            .count()
    }

    /// The site's origin, as a browser would send it.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Content> {
        self.content
            .lock()
            .expect("no panics while holding the lock")
    }
}

/// The answer to one request (`GET /path HTTP/1.1…`).
fn respond(content: &Mutex<Content>, request: &[u8]) -> String {
    let line = String::from_utf8_lossy(request);
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut content = content.lock().expect("no panics while holding the lock");
    content.requests.push(path.clone());
    let (status, content_type, body) = if let Some((kind, body)) = content.files.get(&path) {
        ("200 OK", kind.clone(), body.clone())
    } else if path == "/favicon.ico" {
        ("404 Not Found", "text/plain".to_owned(), String::new())
    } else {
        (
            "200 OK",
            "text/html; charset=utf-8".to_owned(),
            content.page.clone(),
        )
    };
    let cors = if content.open_to_any_origin.contains(&path) {
        "Access-Control-Allow-Origin: *\r\n"
    } else {
        ""
    };
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n{cors}Connection: close\r\n\r\n{body}",
        body.len()
    )
}

impl Drop for HostSite {
    fn drop(&mut self) {
        self.accept.abort();
    }
}
