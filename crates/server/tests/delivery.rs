//! The built apps' files on the wire: the brotli or gzip copy the build wrote
//! when the request accepts it, the file itself otherwise; a year in caches for
//! names that carry their hash, a few minutes and an ETag for the loader, no
//! cache for the pages; and every security header the files had before.
//! (tests/e2e/tests/delivery.rs asks the real binary for the real build.)

use std::io::{Read as _, Write as _};
use std::path::Path;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig};
use tower::ServiceExt as _;

mod support;

const LOADER: &str = "/* the loader */ import('./sealbook-widget-0123456789abcdef.js');\n";
const WASM_NAME: &str = "sealbook-widget-fedcba9876543210.wasm";
const WORKER: &str = "onmessage = () => postMessage(1);";
const INBOX_PAGE: &str =
    "<!doctype html><title>inbox</title><script type=\"module\">start()</script>";

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut output = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut output, 4096, 11, 22);
        writer.write_all(bytes).expect("in memory");
    }
    output
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("in memory");
    encoder.finish().expect("in memory")
}

/// `file` and its `.br` and `.gz` copies, as `cargo xtask build-widget` writes them.
fn write_built(file: &Path, bytes: &[u8]) {
    std::fs::write(file, bytes).expect("file");
    std::fs::write(format!("{}.br", file.display()), brotli(bytes)).expect(".br");
    std::fs::write(format!("{}.gz", file.display()), gzip(bytes)).expect(".gz");
}

/// A built widget folder: the loader, a hashed wasm, the inbox page, a file
/// without copies and one whose brotli copy was not made from it.
async fn state(database: &support::TestDatabase) -> AppState {
    let base = database.dir();
    let dist = base.join("dist");
    std::fs::create_dir_all(dist.join("inbox")).expect("dist");
    write_built(&dist.join("embed.js"), LOADER.as_bytes());
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
        .iter()
        .copied()
        .chain((0..40_000u32).flat_map(|n| (n % 251).to_le_bytes()))
        .collect();
    write_built(&dist.join(WASM_NAME), &wasm);
    write_built(&dist.join("inbox/index.html"), INBOX_PAGE.as_bytes());
    std::fs::write(dist.join("plain.js"), "export {};").expect("plain");
    std::fs::write(dist.join("inbox/unwrap-worker.js"), WORKER).expect("worker");
    std::fs::write(dist.join("other-worker.js"), WORKER).expect("another script");
    std::fs::write(dist.join("edited.js"), "export const edited = true;").expect("edited");
    std::fs::write(dist.join("edited.js.br"), brotli(b"export {};")).expect("stale copy");

    let config = ServerConfig::new(&database.url)
        .extend("widget_dir = \"dist\"")
        .business(Business::bistro_du_coin())
        .toml();
    let config = Config::from_toml(&config, base).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    AppState::new(config, storage)
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .map_or("", |value| value.to_str().expect("ASCII"))
    }

    /// Every `Vary` value, lower case (CORS adds its own).
    fn varies_on(&self, name: &str) -> bool {
        self.headers
            .get_all(header::VARY)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|item| item.trim().eq_ignore_ascii_case(name))
    }
}

async fn fetch(state: &AppState, method: Method, path: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app(state.clone())
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("infallible");
    let (parts, body) = response.into_parts();
    Answer {
        status: parts.status,
        headers: parts.headers,
        body: body.collect().await.expect("body").to_bytes().to_vec(),
    }
}

async fn get(state: &AppState, path: &str, headers: &[(&str, &str)]) -> Answer {
    fetch(state, Method::GET, path, headers).await
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut decoded)
        .expect("brotli");
    decoded
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut decoded)
        .expect("gzip");
    decoded
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_file_goes_out_in_the_encoding_the_request_accepts() {
    let database = support::sqlite().await;
    let state = state(&database).await;
    let dist = database.dir().join("dist");
    for (path, file) in [
        ("/widget/embed.js", "embed.js".to_owned()),
        (&format!("/widget/{WASM_NAME}")[..], WASM_NAME.to_owned()),
        ("/inbox/", "inbox/index.html".to_owned()),
    ] {
        let identity = std::fs::read(dist.join(&file)).expect("identity");
        for (accept, coding, copy) in [
            ("gzip, deflate, br, zstd", "br", Some("br")),
            ("gzip, deflate", "gzip", Some("gz")),
            ("br;q=0.5, gzip;q=0.9", "gzip", Some("gz")),
            ("identity", "", None),
        ] {
            let answer = get(&state, path, &[("accept-encoding", accept)]).await;
            assert_eq!(answer.status, StatusCode::OK, "{path} {accept}");
            assert_eq!(
                answer.header(header::CONTENT_ENCODING),
                coding,
                "{path} {accept}"
            );
            let sent = match copy {
                Some(extension) => {
                    let on_disk =
                        std::fs::read(format!("{}.{extension}", dist.join(&file).display()))
                            .expect("copy");
                    assert_eq!(
                        answer.body, on_disk,
                        "{path} {accept}: the build's copy, byte for byte"
                    );
                    if extension == "br" {
                        unbrotli(&answer.body)
                    } else {
                        gunzip(&answer.body)
                    }
                }
                None => answer.body.clone(),
            };
            assert_eq!(sent, identity, "{path} {accept}: decodes to the file");
            assert_eq!(
                answer.header(header::CONTENT_LENGTH),
                answer.body.len().to_string(),
                "{path} {accept}"
            );
            assert!(
                answer.varies_on("accept-encoding"),
                "{path} {accept}: {:?}",
                answer.headers
            );
            assert_eq!(
                answer.header(header::X_CONTENT_TYPE_OPTIONS),
                "nosniff",
                "{path}"
            );
        }
        // No Accept-Encoding at all: the file itself.
        let answer = get(&state, path, &[]).await;
        assert_eq!(answer.header(header::CONTENT_ENCODING), "", "{path}");
        assert_eq!(answer.body, identity, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_names_are_kept_a_year_the_loader_is_revalidated_and_pages_are_not_kept() {
    let database = support::sqlite().await;
    let state = state(&database).await;
    let br = [("accept-encoding", "br")];

    let wasm = get(&state, &format!("/widget/{WASM_NAME}"), &br).await;
    assert_eq!(
        wasm.header(header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(wasm.header(header::CONTENT_TYPE), "application/wasm");
    assert_eq!(wasm.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    assert!(
        wasm.header(header::CONTENT_SECURITY_POLICY)
            .contains("frame-ancestors 'none'; sandbox")
    );

    let loader = get(&state, "/widget/embed.js", &br).await;
    assert_eq!(loader.header(header::CACHE_CONTROL), "public, max-age=300");
    assert_eq!(
        loader.header(header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(loader.header(header::ACCESS_CONTROL_ALLOW_ORIGIN), "*");
    let etag = loader.header(header::ETAG).to_owned();
    assert!(etag.starts_with('"') && etag.ends_with("-br\""), "{etag}");

    // The browser asks again with what it kept: nothing to send.
    for kept in [etag.clone(), format!("W/{etag}"), etag.replace("-br", "")] {
        let again = get(
            &state,
            "/widget/embed.js",
            &[("accept-encoding", "br"), ("if-none-match", &kept)],
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{kept}");
        assert!(again.body.is_empty());
        assert_eq!(again.header(header::ETAG), etag);
        assert_eq!(again.header(header::CACHE_CONTROL), "public, max-age=300");
    }
    // A copy of another build: the whole file.
    let changed = get(
        &state,
        "/widget/embed.js",
        &[("accept-encoding", "br"), ("if-none-match", "\"0123\"")],
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(unbrotli(&changed.body), LOADER.as_bytes());

    let page = get(&state, "/inbox/", &br).await;
    assert_eq!(page.header(header::CACHE_CONTROL), "no-store");
    assert_eq!(page.header(header::ETAG), "");
    assert_eq!(
        page.header(header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let policy = page.header(header::CONTENT_SECURITY_POLICY);
    // `printf 'start()' | openssl dgst -sha256 -binary | base64`
    assert!(
        policy.contains("'sha256-DIm7WJS6ZKDYe5qFLPy+h4JFI9Bol5QmYC57mt3Fb00='"),
        "{policy}"
    );
    assert!(policy.ends_with("frame-ancestors 'none'"), "{policy}");
}

/// The inbox runs this script as a worker, under the script's own policy: a
/// sandboxed worker would get an opaque origin, to which the inbox could not
/// hand its keys. It still may load and connect to nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_script_may_load_nothing_and_is_not_sandboxed() {
    let database = support::sqlite().await;
    let state = state(&database).await;
    // The inbox asks for it with a hash of the script in the query.
    for path in [
        "/widget/inbox/unwrap-worker.js",
        "/widget/inbox/unwrap-worker.js?v=0123456789abcdef",
    ] {
        let worker = get(&state, path, &[]).await;
        assert_eq!(worker.status, StatusCode::OK, "{path}");
        assert_eq!(worker.body, WORKER.as_bytes(), "{path}");
        assert_eq!(
            worker.header(header::CONTENT_TYPE),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            worker.header(header::CONTENT_SECURITY_POLICY),
            "default-src 'none'; frame-ancestors 'none'",
            "{path}"
        );
        assert_eq!(
            worker.header(header::CACHE_CONTROL),
            "public, max-age=300",
            "{path}"
        );
    }
    // Every other script keeps the sandbox, whatever its name.
    for other in ["/widget/plain.js", "/widget/other-worker.js"] {
        let answer = get(&state, other, &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "{other}");
        assert!(
            answer
                .header(header::CONTENT_SECURITY_POLICY)
                .ends_with("; sandbox"),
            "{other}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_files_are_served_and_a_stale_copy_never() {
    let database = support::sqlite().await;
    let state = state(&database).await;
    let accept = [("accept-encoding", "br, gzip")];

    // Built without copies: the file itself, whatever the browser accepts.
    let plain = get(&state, "/widget/plain.js", &accept).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header(header::CONTENT_ENCODING), "");
    assert_eq!(plain.body, b"export {};");
    // A brotli copy that does not decode to the file is never sent.
    let edited = get(&state, "/widget/edited.js", &accept).await;
    assert_eq!(edited.header(header::CONTENT_ENCODING), "");
    assert_eq!(edited.body, b"export const edited = true;");

    for path in [
        "/widget/missing.js",
        "/widget/embed.js.br",
        "/widget/embed.js.gz",
        "/widget/inbox/index.html",
        "/widget/inbox/index.html.br",
        "/widget/",
        "/widget/inbox/",
    ] {
        let answer = get(&state, path, &accept).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            String::from_utf8_lossy(&answer.body).contains("\"not_found\""),
            "{path}"
        );
    }
    let posted = fetch(&state, Method::POST, "/widget/embed.js", &accept).await;
    assert_eq!(posted.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// The script tag's `integrity` is that of the `embed.js` this process sends,
/// even after a new build replaced the file on disk (until a restart sends it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pinned_integrity_is_that_of_the_loader_being_sent() {
    let database = support::sqlite().await;
    let state = state(&database).await;
    let dist = database.dir().join("dist");
    let sent = sealbook_server::embed::embed_integrity(&dist).expect("built");
    let service = app(state);
    std::fs::write(dist.join("embed.js"), "/* the next build */").expect("rebuilt");
    assert_ne!(
        sealbook_server::embed::embed_integrity(&dist).expect("built"),
        sent
    );

    let request = |path: &str| {
        Request::get(path)
            .header("accept-encoding", "identity")
            .body(Body::empty())
            .expect("request")
    };
    let loader = service
        .clone()
        .oneshot(request("/widget/embed.js"))
        .await
        .expect("infallible");
    let loader = loader.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(loader, LOADER.as_bytes());
    let page = service
        .oneshot(request("/book/bistro-du-coin"))
        .await
        .expect("infallible");
    let page = page.into_body().collect().await.expect("body").to_bytes();
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains(&format!("integrity=\"{sent}\"")), "{page}");
}
