//! Pages and static files: the built widget under `/widget/`, the demo host
//! pages under `/demo/`, the stand-alone booking page `/book/{business}`, the
//! visitor's manage page `/manage/{id}` and the staff inbox `/inbox/`.

use sealbook_texts::Lang;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sealbook_wire::api::snippet::escape;
use sha2::{Digest, Sha256};
use tower_http::cors::CorsLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::Config;
use crate::delivery::{BuiltFiles, Caching, is_content_addressed};
use crate::embed;
use crate::extract::PathParam;
use crate::{AppError, AppState};

/// These routes; the built files come from an `Extension<Arc<BuiltFiles>>`
/// the whole service carries ([`crate::app`]).
pub(crate) fn router() -> Router<AppState> {
    // The widget is public and loaded cross-origin by `import()` and
    // `WebAssembly.instantiateStreaming`, which both require CORS.
    let widget = Router::new()
        .fallback(widget_file)
        .layer(axum::middleware::from_fn(only_assets))
        .layer(CorsLayer::new().allow_origin(tower_http::cors::Any))
        // What the files themselves do not set: the answers that are errors.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        // Scripts and wasm ignore a policy; a document that got through anyway
        // would get none of this origin's powers.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(ASSET_CSP),
        ));
    Router::new()
        .route("/", get(index))
        .route("/demo/{file}", get(demo_page))
        .route("/book/{business}", get(booking_page))
        .route("/manage/{id}", get(manage_page))
        .route(
            "/inbox",
            get(|| async { axum::response::Redirect::permanent("/inbox/") }),
        )
        .route("/inbox/", get(inbox_page))
        .nest("/widget", widget)
}

/// The policy of the pages this server hosts with the widget in them (the demo
/// pages): scripts, the wasm and API calls from this origin only, no inline
/// script or style (the widget styles its shadow root with constructable
/// stylesheets), nothing may frame them. It is also the minimum a business's own
/// page needs for the widget, with this server's origin in place of 'self'.
pub(crate) const HOST_PAGE_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
     connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

/// What a response from /widget/ may do if a browser ever renders it as a page.
const ASSET_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// A worker script runs under its own response's policy: `sandbox` would give
/// it an opaque origin, to which the page cannot hand its WebCrypto keys. It
/// still may load and connect to nothing.
const WORKER_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The one script a page of ours runs as a worker: the inbox's
/// (crates/inbox/www/unwrap-worker.js), by its path under /widget/.
const WORKER_PATH: &str = "inbox/unwrap-worker.js";

/// What the builds put in the widget folder for other pages to load: the
/// loader, the wasm-bindgen glue and the wasm (Trunk.toml, crates/manage and
/// crates/inbox). The folder also holds the built pages (the manage page, the
/// staff inbox): those are served at their own addresses with their strict
/// policy, never as plain files here, where they would run on this origin
/// without it (and with CORS open to any site).
const ASSET_EXTENSIONS: [&str; 2] = [".js", ".wasm"];

/// Only the widget's assets come from /widget/, asked for by their plain names.
async fn only_assets(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<Response, AppError> {
    if !is_asset_path(request.uri().path()) {
        return Err(AppError::NotFound);
    }
    Ok(next.run(request).await)
}

/// Whether `path`, as the request wrote it, names an asset. ServeDir
/// percent-decodes the path before it opens the file, so an escape would make
/// it open another name than the one checked here (`index.htm%6C`): the built
/// names have none, so none is taken. No file system takes a name over 255
/// bytes; ServeDir would call the refusal an internal error.
fn is_asset_path(path: &str) -> bool {
    let is_plain_name = |name: &str| {
        (1..=255).contains(&name.len())
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
    };
    path.strip_prefix('/')
        .is_some_and(|names| names.split('/').all(is_plain_name))
        && ASSET_EXTENSIONS
            .iter()
            .any(|extension| path.ends_with(extension))
}

/// A file of the widget folder (its name checked by [`only_assets`]): the
/// glue and the wasm, whose names carry their hash, for a year; the loader,
/// whose name a new build keeps, for a few minutes and then by ETag.
async fn widget_file(
    Extension(built): Extension<Arc<BuiltFiles>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if method != Method::GET && method != Method::HEAD {
        return Err(AppError::MethodNotAllowed);
    }
    let path = uri.path().trim_start_matches('/');
    let name = path.rsplit('/').next().unwrap_or(path);
    let caching = if is_content_addressed(name) {
        Caching::Immutable
    } else {
        Caching::Revalidate
    };
    let mut response = built
        .respond(path, &headers, caching)
        .ok_or(AppError::NotFound)?;
    if path == WORKER_PATH {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(WORKER_CSP),
        );
    }
    Ok(response)
}

/// A method the route does not take, as a typed error.
pub(crate) async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// Anything that is not there, as the same typed error as everywhere else.
pub(crate) async fn not_found() -> AppError {
    AppError::NotFound
}

async fn index(State(state): State<AppState>) -> impl IntoResponse {
    let links: String = state
        .config
        .businesses
        .iter()
        .map(|business| {
            format!(
                "<li>{} — <code>{}</code></li>",
                escape(&business.name),
                escape(business.id.as_str())
            )
        })
        .collect();
    let page = Html(format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Sealbook</title>\
         <h1>Sealbook</h1><p>Demo host pages: <a href=\"/demo/restaurant.html\">restaurant</a>, \
         <a href=\"/demo/clinic.html\">clinic</a>.</p><h2>Businesses</h2><ul>{links}</ul></html>"
    ));
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        )],
        page,
    )
}

/// Serves `www/demo/<name>.html`, its placeholders filled, and the demo's
/// stylesheet as it is.
async fn demo_page(
    State(state): State<AppState>,
    Extension(built): Extension<Arc<BuiltFiles>>,
    PathParam(file): PathParam,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (stem, extension) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    let is_plain_name = !stem.is_empty()
        && stem
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-');
    if !is_plain_name {
        return Err(AppError::NotFound);
    }
    let path = state.config.www_dir.join("demo").join(&file);
    let text = tokio::fs::read_to_string(&path)
        .await
        .map_err(|_| AppError::NotFound)?;
    match extension {
        "html" => {
            let third_party = demo_third_party(&headers);
            Ok((
                [(
                    header::CONTENT_SECURITY_POLICY,
                    demo_page_csp(third_party.as_deref()),
                )],
                Html(fill_demo_template(
                    &text,
                    &state.config,
                    &built.loader_integrity().unwrap_or_default(),
                    third_party.as_deref().unwrap_or(""),
                )),
            )
                .into_response())
        }
        "css" => Ok(([(header::CONTENT_TYPE, "text/css; charset=utf-8")], text).into_response()),
        // The demo's stand-ins for an analytics script and an ad pixel.
        "js" => Ok((
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            text,
        )
            .into_response()),
        _ => Err(AppError::NotFound),
    }
}

/// The visitor's manage page: one static page for every booking; the app reads
/// the id from the path and the secret from the fragment, which never reaches
/// this server. Never cached, so a shared computer keeps no copy of the page state.
/// Its policy allows exactly the inline loader and style the build wrote, by hash.
async fn manage_page(
    Extension(built): Extension<Arc<BuiltFiles>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    app_page(&built, "manage/index.html", &headers)
}

/// The staff inbox (crates/inbox): the same kind of page as the manage page,
/// at one address; the app keeps its own state (login, unlocked keys) in memory.
async fn inbox_page(
    Extension(built): Extension<Arc<BuiltFiles>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    app_page(&built, "inbox/index.html", &headers)
}

/// A page Trunk built into the widget folder: never cached, never framed, and
/// allowed exactly the inline loader and style the build wrote, by hash. The
/// files it loads carry their hash in their names, so they are cached instead.
fn app_page(built: &BuiltFiles, file: &str, headers: &HeaderMap) -> Result<Response, AppError> {
    let page = built.identity(file).ok_or(AppError::NotFound)?;
    let page = std::str::from_utf8(page).map_err(|_| AppError::NotFound)?;
    let scripts = inline_hashes(page, "script");
    let styles = inline_hashes(page, "style");
    let policy = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self'{styles}; \
         connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    let mut response = built
        .respond(file, headers, Caching::NoStore)
        .ok_or(AppError::NotFound)?;
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&policy).expect("ASCII sources and base64 hashes"),
    );
    Ok(response)
}

/// The stand-alone booking page: the widget on this server's origin, out of
/// reach of the business site's own scripts, to link to or to frame (only the
/// business's own origins may frame it). Same pins and integrity as the snippet.
async fn booking_page(
    State(state): State<AppState>,
    Extension(built): Extension<Arc<BuiltFiles>>,
    PathParam(id): PathParam,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let business = state
        .config
        .business(&id)
        .ok_or(AppError::UnknownBusiness)?;
    let integrity = built.loader_integrity();
    let lang = preferred_language(&headers);
    let page = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>{name}</title>\
         <style>{BOOKING_PAGE_CSS}</style></head><body><main><h1>{name}</h1>{tag}</main></body></html>",
        name = escape(&business.name),
        tag = embed::script_tag("", business, integrity.as_deref()),
    );
    let ancestors = if business.allowed_origins.is_empty() {
        "'none'".to_owned()
    } else {
        business.allowed_origins.join(" ")
    };
    let policy = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; \
         style-src 'self' '{style}'; img-src 'self'; base-uri 'none'; form-action 'none'; \
         frame-ancestors {ancestors}",
        style = csp_hash(BOOKING_PAGE_CSS),
    );
    Ok(([(header::CONTENT_SECURITY_POLICY, policy)], Html(page)).into_response())
}

/// The booking page's own look: the widget styles itself in its shadow root.
const BOOKING_PAGE_CSS: &str = "body{margin:0;padding:1rem;font:16px/1.45 system-ui,sans-serif;\
color:#1b1b1f;background:#fff}main{max-width:34rem;margin:0 auto}h1{margin:0 1rem;font-size:1.5em}";

/// The visitor's language for a page of ours: the first of `Accept-Language`
/// that the widget speaks, else English.
fn preferred_language(headers: &HeaderMap) -> &'static str {
    let accepted = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    accepted
        .split(',')
        .filter_map(|item| item.split(';').next())
        .map(|tag| tag.trim().split(['-', '_']).next().unwrap_or_default())
        .find_map(|primary| {
            Lang::ALL
                .into_iter()
                .map(Lang::code)
                .find(|known| primary.eq_ignore_ascii_case(known))
        })
        .unwrap_or("en")
}

/// `'sha256-…'` of `text`, as a CSP source for an inline element with that content.
fn csp_hash(text: &str) -> String {
    format!(
        "sha256-{}",
        STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

/// ` 'sha256-…'` for each inline `<tag>` element (no `src`) of `page`.
fn inline_hashes(page: &str, tag: &str) -> String {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut sources = String::new();
    let mut rest = page;
    while let Some(start) = rest.find(&open) {
        let after_name = &rest[start + open.len()..];
        let Some(end_of_open) = after_name.find('>') else {
            break;
        };
        let attributes = &after_name[..end_of_open];
        let body = &after_name[end_of_open + 1..];
        let Some(end) = body.find(&close) else {
            break;
        };
        if !attributes.contains("src=") {
            sources.push_str(&format!(" '{}'", csp_hash(&body[..end])));
        }
        rest = &body[end + close.len()..];
    }
    sources
}

/// The demo plays its own third party (the analytics script and ad pixel its
/// pages gate behind consent) under the other loopback name: a page read from
/// `127.0.0.1:8080` loads them from `localhost:8080` and the other way round,
/// which a browser treats as another site. `None` off loopback.
fn demo_third_party(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let (name, port) = host.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    match name {
        "127.0.0.1" => Some(format!("http://localhost:{port}")),
        "localhost" => Some(format!("http://127.0.0.1:{port}")),
        _ => None,
    }
}

/// [`HOST_PAGE_CSP`] plus the demo's third party as a script source, as a real
/// site would list its analytics and ad providers.
fn demo_page_csp(third_party: Option<&str>) -> String {
    match third_party {
        Some(origin) => HOST_PAGE_CSP.replacen(
            "script-src 'self'",
            &format!("script-src 'self' {origin}"),
            1,
        ),
        None => HOST_PAGE_CSP.to_owned(),
    }
}

/// The demo pages' placeholders: `{{keys:<business>}}` becomes that business's
/// active kids, so the demo's script tag pins the keys generated on first run,
/// `{{integrity}}` the SRI hash of the `embed.js` being served, and
/// `{{third_party}}` the origin of the demo's third-party scripts.
fn fill_demo_template(
    template: &str,
    config: &Config,
    integrity: &str,
    third_party: &str,
) -> String {
    let mut page = template.to_owned();
    for business in &config.businesses {
        let kids: Vec<&str> = business.active_kids().map(|kid| kid.as_str()).collect();
        page = page.replace(&format!("{{{{keys:{}}}}}", business.id), &kids.join(","));
    }
    page.replace("{{integrity}}", integrity)
        .replace("{{third_party}}", third_party)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_elements_are_hashed_and_external_ones_are_not() {
        let page = "<head><script type=\"module\">run()</script><script src=\"/a.js\"></script>\
                    <style>p{}</style></head>";
        assert_eq!(
            inline_hashes(page, "script"),
            format!(" '{}'", csp_hash("run()"))
        );
        assert_eq!(
            inline_hashes(page, "style"),
            format!(" '{}'", csp_hash("p{}"))
        );
        // `echo -n 'run()' | openssl dgst -sha256 -binary | base64`
        assert_eq!(
            csp_hash("run()"),
            "sha256-AvyuiL0SD1mVY3NNxR+V2uo+lhk6RMFrytWmRt6CrJQ="
        );
    }

    #[test]
    fn only_plain_asset_names_are_served_from_the_widget_folder() {
        for path in [
            "/embed.js",
            "/sealbook_widget_bg.wasm",
            "/inbox/sealbook_inbox.js",
            "/snippets/sealbook-widget-1a2b/inline0.js",
        ] {
            assert!(is_asset_path(path), "{path}");
        }
        for path in [
            "/inbox/index.html",
            "/inbox/index.htm%6C",
            "/inbox/%69ndex.js",
            "/inbox%2fsealbook_inbox.js",
            "/inbox/",
            "/inbox",
            "/",
            "",
            "//etc/passwd.js",
            "/../secret.js",
            "/.hidden.js",
            "/inbox/.js",
            "/embed.js/",
            "/embed.json",
            "/embed.js.map",
            "/caf\u{e9}.js",
        ] {
            assert!(!is_asset_path(path), "{path}");
        }
        assert!(is_asset_path(&format!("/{}.js", "a".repeat(252))));
        assert!(!is_asset_path(&format!("/{}.js", "a".repeat(253))));
    }

    #[test]
    fn the_demo_third_party_is_the_other_loopback_name() {
        let third_party = |host: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_str(host).expect("ASCII"));
            demo_third_party(&headers)
        };
        assert_eq!(
            third_party("127.0.0.1:8080").as_deref(),
            Some("http://localhost:8080")
        );
        assert_eq!(
            third_party("localhost:9000").as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(third_party("book.example:443"), None);
        assert_eq!(third_party("127.0.0.1"), None);
        let csp = demo_page_csp(Some("http://localhost:8080"));
        assert!(csp.contains("script-src 'self' http://localhost:8080 'wasm-unsafe-eval';"));
        assert_eq!(demo_page_csp(None), HOST_PAGE_CSP);
    }

    #[test]
    fn the_page_language_follows_accept_language() {
        let language = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_LANGUAGE,
                HeaderValue::from_str(value).expect("ASCII"),
            );
            preferred_language(&headers)
        };
        assert_eq!(language("de-DE,de;q=0.9,en;q=0.8"), "de");
        assert_eq!(language("sv-SE, fr;q=0.5"), "fr");
        assert_eq!(language("pl-PL,pl;q=0.9"), "pl");
        assert_eq!(language("ja"), "en");
        assert_eq!(preferred_language(&HeaderMap::new()), "en");
    }
}
