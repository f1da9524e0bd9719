//! The real build from the real binary, over TCP: every file of the widget,
//! the manage page and the inbox goes out as the build's brotli or gzip copy
//! when the request accepts it, with the caching its name allows; and a first
//! visit costs on the wire what the size budget counts. Prints the bytes of a
//! first and a repeat visit (`--nocapture`, for docs/BENCHMARKS.md).

use std::io::{Read as _, Write as _};
use std::path::Path;

use anyhow::{Context, bail};
use sealbook_e2e::{Sealbook, built_widget, hashed_file};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// What a browser says it takes, over HTTPS.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One HTTP/1.1 exchange as it crossed the socket.
#[derive(Debug)]
struct Exchange {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Every byte of the response: status line, headers and body.
    wire: usize,
}

impl Exchange {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn varies_on_encoding(&self) -> bool {
        self.headers
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case("vary"))
            .flat_map(|(_, value)| value.split(','))
            .any(|item| item.trim().eq_ignore_ascii_case("accept-encoding"))
    }
}

/// `GET path` on a connection of its own, with `headers`, read to its end.
async fn get(port: u16, path: &str, headers: &[(&str, &str)]) -> anyhow::Result<Exchange> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let mut request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tokio::time::timeout(sealbook_e2e::WAIT, stream.read_to_end(&mut response))
        .await
        .context("the server did not close the connection")??;
    let split = response
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .context("no end of headers")?;
    let head = std::str::from_utf8(&response[..split])?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .context("no status line")?
        .parse()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let body = response[split + 4..].to_vec();
    let exchange = Exchange {
        status,
        headers,
        body,
        wire: response.len(),
    };
    if exchange
        .header("transfer-encoding")
        .is_some_and(|coding| coding.contains("chunked"))
    {
        bail!("{path}: a chunked answer; every file has a known length");
    }
    Ok(exchange)
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    // As xtask/src/sizes.rs counts it: quality 11, window 22.
    let mut output = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut output, 4096, 11, 22);
        writer.write_all(bytes).expect("in memory");
    }
    output
}

fn decoded(coding: &str, body: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut plain = Vec::new();
    match coding {
        "br" => {
            brotli::Decompressor::new(body, 4096).read_to_end(&mut plain)?;
        }
        "gzip" => {
            flate2::read::GzDecoder::new(body).read_to_end(&mut plain)?;
        }
        other => bail!("unexpected coding {other}"),
    }
    Ok(plain)
}

/// A file of the build and how it is asked for.
struct Served {
    path: String,
    file: std::path::PathBuf,
    cache: &'static str,
}

/// The widget, the manage page and the inbox: the entry, then the glue and
/// the wasm, in the order a first visit loads them.
fn apps(dist: &Path) -> anyhow::Result<Vec<(&'static str, Vec<Served>)>> {
    let mut apps = Vec::new();
    for (app, folder, entry_path, entry_file, entry_cache) in [
        (
            "widget",
            "",
            "/widget/embed.js",
            "embed.js",
            "public, max-age=300",
        ),
        (
            "manage",
            "manage",
            "/manage/7KQ2-M9XD-4T8R-B1ZC",
            "index.html",
            "no-store",
        ),
        ("inbox", "inbox", "/inbox/", "index.html", "no-store"),
    ] {
        let dir = dist.join(folder);
        let package = format!("sealbook-{app}");
        let prefix = if folder.is_empty() {
            "/widget/".to_owned()
        } else {
            format!("/widget/{folder}/")
        };
        let mut files = vec![Served {
            path: entry_path.to_owned(),
            file: dir.join(entry_file),
            cache: entry_cache,
        }];
        for extension in ["js", "wasm"] {
            let name = hashed_file(&dir, &package, extension)?;
            files.push(Served {
                path: format!("{prefix}{name}"),
                file: dir.join(&name),
                cache: IMMUTABLE,
            });
        }
        apps.push((app, files));
    }
    Ok(apps)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_build_goes_out_compressed_and_cached_as_its_names_allow() -> anyhow::Result<()> {
    let dist = built_widget()?;
    let mut sealbook = Sealbook::start("bistro-du-coin", &[]).await?;
    let port = sealbook.proxy.port;
    let mut report = String::from(
        "app     first visit: identity  gzip  brotli (B, bodies / whole responses)   repeat visit brotli\n",
    );
    let mut widget_first_brotli = 0;
    let mut widget_counted_brotli = 0;
    for (app, files) in apps(&dist)? {
        let (mut identity_total, mut gzip_total, mut brotli_total) = ((0, 0), (0, 0), (0, 0));
        let mut repeat = (0, 0);
        for served in &files {
            let path = &served.path;
            let identity = std::fs::read(&served.file)?;
            for (accept, coding, copy) in [
                (BROWSER_ENCODINGS, Some("br"), "br"),
                ("gzip, deflate", Some("gzip"), "gz"),
                ("identity", None, ""),
            ] {
                let answer = get(port, path, &[("Accept-Encoding", accept)]).await?;
                assert_eq!(answer.status, 200, "{path} {accept}");
                assert_eq!(answer.header("content-encoding"), coding, "{path} {accept}");
                assert!(answer.varies_on_encoding(), "{path}: {:?}", answer.headers);
                assert_eq!(answer.header("cache-control"), Some(served.cache), "{path}");
                assert_eq!(
                    answer.header("content-length"),
                    Some(&answer.body.len().to_string()[..]),
                    "{path} {accept}"
                );
                assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
                assert!(
                    answer
                        .header("content-security-policy")
                        .is_some_and(|policy| policy.contains("frame-ancestors 'none'")),
                    "{path}: {:?}",
                    answer.headers
                );
                match coding {
                    Some(coding) => {
                        let built = std::fs::read(format!("{}.{copy}", served.file.display()))?;
                        assert!(
                            answer.body == built,
                            "{path}: the build's .{copy}, byte for byte"
                        );
                        assert!(
                            decoded(coding, &answer.body)? == identity,
                            "{path}: the .{copy} decodes to the file"
                        );
                    }
                    None => assert!(answer.body == identity, "{path}: the file itself"),
                }
                let total = match coding {
                    Some("br") => &mut brotli_total,
                    Some(_) => &mut gzip_total,
                    None => &mut identity_total,
                };
                total.0 += answer.body.len();
                total.1 += answer.wire;
                if coding == Some("br") && app == "widget" {
                    widget_first_brotli += answer.body.len();
                    widget_counted_brotli += brotli(&identity).len();
                }
            }
            // The repeat visit: what the browser kept for a year is not asked
            // for; the loader is revalidated; a no-store page comes again.
            if served.cache == IMMUTABLE {
                continue;
            }
            let first = get(port, path, &[("Accept-Encoding", BROWSER_ENCODINGS)]).await?;
            let mut again = vec![("Accept-Encoding", BROWSER_ENCODINGS)];
            let etag = first.header("etag").map(str::to_owned);
            if served.cache != "no-store" {
                let etag = etag.as_deref().context("the loader has an ETag")?;
                again.push(("If-None-Match", etag));
            } else {
                assert_eq!(
                    etag, None,
                    "{path}: a page that is not kept has no validator"
                );
            }
            let answer = get(port, path, &again).await?;
            if served.cache == "no-store" {
                assert_eq!(answer.status, 200, "{path}");
            } else {
                assert_eq!(answer.status, 304, "{path}: still current");
                assert!(answer.body.is_empty(), "{path}");
                assert_eq!(answer.header("etag"), first.header("etag"));
            }
            repeat.0 += answer.body.len();
            repeat.1 += answer.wire;
        }
        report.push_str(&format!(
            "{app:<7} {:>9} / {:<9} {:>7} / {:<7} {:>7} / {:<7}   {:>6} / {:<6}\n",
            identity_total.0,
            identity_total.1,
            gzip_total.0,
            gzip_total.1,
            brotli_total.0,
            brotli_total.1,
            repeat.0,
            repeat.1
        ));
    }
    eprint!("{report}");
    // The budget counts brotli bytes (xtask/src/sizes.rs): a first visit pays those.
    assert!(
        widget_first_brotli * 100 <= widget_counted_brotli * 105,
        "a first visit downloads {widget_first_brotli} B of widget, the budget counts {widget_counted_brotli} B brotli"
    );
    sealbook.stop().await?;
    Ok(())
}
