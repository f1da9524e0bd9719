//! Static files: the built widget under `/widget/`, the demo host pages under `/demo/`.

use axum::Router;
use axum::extract::{Path, State};
use axum::handler::HandlerWithoutStateExt as _;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use tower_http::cors::CorsLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::Config;
use crate::{AppError, AppState};

pub(crate) fn router(config: &Config) -> Router<AppState> {
    // The widget is public and loaded cross-origin by `import()` and
    // `WebAssembly.instantiateStreaming`, which both require CORS.
    let widget = Router::new()
        .fallback_service(
            ServeDir::new(&config.widget_dir).not_found_service(not_found.into_service()),
        )
        .layer(CorsLayer::new().allow_origin(tower_http::cors::Any))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    Router::new()
        .route("/", get(index))
        .route("/demo/{file}", get(demo_page))
        .route("/manage/{id}", get(manage_page))
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
                escape(&business.id.0)
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

/// Serves `www/demo/<name>.html` with `{{keys:<business>}}` replaced by that
/// business's active kids, so the demo's script tag pins the keys generated on
/// first run, and the demo's stylesheet as it is.
async fn demo_page(
    State(state): State<AppState>,
    Path(file): Path<String>,
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
        "html" => Ok((
            [(header::CONTENT_SECURITY_POLICY, HOST_PAGE_CSP)],
            Html(fill_key_pins(&text, &state.config)),
        )
            .into_response()),
        "css" => Ok(([(header::CONTENT_TYPE, "text/css; charset=utf-8")], text).into_response()),
        _ => Err(AppError::NotFound),
    }
}

/// The visitor's manage page: one static page for every booking; the app reads
/// the id from the path and the secret from the fragment, which never reaches
/// this server. Never cached, so a shared computer keeps no copy of the page state.
async fn manage_page(State(state): State<AppState>) -> Result<Response, AppError> {
    let page = tokio::fs::read_to_string(state.config.widget_dir.join("manage/index.html"))
        .await
        .map_err(|_| AppError::NotFound)?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response())
}

fn fill_key_pins(template: &str, config: &Config) -> String {
    let mut page = template.to_owned();
    for business in &config.businesses {
        let kids: Vec<&str> = business.active_kids().map(|kid| kid.as_str()).collect();
        page = page.replace(&format!("{{{{keys:{}}}}}", business.id), &kids.join(","));
    }
    page
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
