//! The one `fetch` of the three browser apps: a request out, the status and the
//! body's text back. Each app reads the body its own way (the widget and the
//! manage page with `JSON.parse`, the inbox with serde), inside the same future:
//! a wrapping `async fn` would cost the widget another state machine.
//!
//! With the `gloo` feature (the inbox, the manage page) the request goes through
//! gloo-net; without it (the widget) straight through web-sys, because gloo-net
//! costs the widget 2.4 KB brotli of its size budget (measured: +2 178 B of wasm
//! and +211 B of glue).

use web_sys::{RequestCredentials, RequestMode};

/// Where the API is, seen from the page, and so which credentials go with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Another origin (the widget on a host page, the manage page): CORS, and no
    /// cookies or other credentials (`credentials: "omit"`).
    CrossOrigin,
    /// This page's origin (the staff inbox): the session cookie goes along.
    SameOrigin,
}

impl Reach {
    /// The request's `mode` and `credentials`.
    #[inline]
    fn options(self) -> (RequestMode, RequestCredentials) {
        match self {
            Self::CrossOrigin => (RequestMode::Cors, RequestCredentials::Omit),
            Self::SameOrigin => (RequestMode::SameOrigin, RequestCredentials::SameOrigin),
        }
    }
}

/// What to send.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub reach: Reach,
    /// Headers to set, by name and value (`Content-Type` comes with `json`).
    pub headers: &'a [(&'a str, &'a str)],
    /// A JSON body.
    pub json: Option<&'a str>,
}

/// No HTTP answer at all: offline, refused, or blocked by the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no answer from the server")]
pub struct NoAnswer;

/// Sends `request` and hands the answer's status and body to `read`; `E` is the
/// caller's error, which says what no answer means to it.
#[cfg(feature = "gloo")]
pub async fn fetch<T, E: From<NoAnswer>>(
    request: Request<'_>,
    read: impl FnOnce(u16, String) -> T,
) -> Result<T, E> {
    fetch_until(request, None, read).await
}

/// As [`fetch`], given up when `abort` is signalled (nobody wants the answer
/// any more): the browser cancels the request, or stops reading its answer,
/// and the caller gets [`NoAnswer`].
#[cfg(feature = "gloo")]
pub async fn fetch_until<T, E: From<NoAnswer>>(
    request: Request<'_>,
    abort: Option<&web_sys::AbortSignal>,
    read: impl FnOnce(u16, String) -> T,
) -> Result<T, E> {
    use gloo_net::http::{Method, RequestBuilder};

    fn no_answer<E: From<NoAnswer>>(_: impl Sized) -> E {
        E::from(NoAnswer)
    }
    let method = Method::from_bytes(request.method.as_bytes()).map_err(no_answer::<E>)?;
    let (mode, credentials) = request.reach.options();
    let mut builder = RequestBuilder::new(request.url)
        .method(method)
        .mode(mode)
        .credentials(credentials)
        .abort_signal(abort);
    for (name, value) in request.headers {
        builder = builder.header(name, value);
    }
    let sent = match request.json {
        Some(json) => builder
            .header("Content-Type", "application/json")
            .body(json),
        None => builder.build(),
    }
    .map_err(no_answer::<E>)?;
    let response = sent.send().await.map_err(no_answer::<E>)?;
    let status = response.status();
    let body = response.text().await.map_err(no_answer::<E>)?;
    Ok(read(status, body))
}

/// Sends `request` and hands the answer's status and body to `read`; `E` is the
/// caller's error, which says what no answer means to it.
#[cfg(not(feature = "gloo"))]
pub async fn fetch<T, E: From<NoAnswer>>(
    request: Request<'_>,
    read: impl FnOnce(u16, String) -> T,
) -> Result<T, E> {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Headers, RequestInit, Response};

    let no_answer = |_: JsValue| E::from(NoAnswer);
    let init = RequestInit::new();
    init.set_method(request.method);
    let (mode, credentials) = request.reach.options();
    init.set_mode(mode);
    init.set_credentials(credentials);
    let headers = Headers::new().map_err(no_answer)?;
    for (name, value) in request.headers {
        headers.set(name, value).map_err(no_answer)?;
    }
    if let Some(json) = request.json {
        headers
            .set("Content-Type", "application/json")
            .map_err(no_answer)?;
        init.set_body(&JsValue::from_str(json));
    }
    init.set_headers(&headers);
    let sent = web_sys::Request::new_with_str_and_init(request.url, &init).map_err(no_answer)?;
    let window = web_sys::window().ok_or(E::from(NoAnswer))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&sent))
        .await
        .map_err(no_answer)?
        .dyn_into()
        .map_err(no_answer)?;
    let status = response.status();
    let body = JsFuture::from(response.text().map_err(no_answer)?)
        .await
        .map_err(no_answer)?
        .as_string()
        .unwrap_or_default();
    Ok(read(status, body))
}
