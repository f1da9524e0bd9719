//! The manage endpoints (docs/API.md, "The visitor's manage link"), each
//! authorised by `Authorization: Bearer <token>`. The secret itself is never sent.

use js_sys::JSON;
use sealbook_widget::api::reuse::{self, path_segment};
use sealbook_widget::error::{ErrorCode, Failure};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCredentials, RequestInit, RequestMode, Response};

/// `{api}/api/v1/bookings/{id}[/{action}]`.
pub fn booking_url(api: &str, id: &str, action: Option<&str>) -> String {
    let mut url = format!("{api}/api/v1/bookings/{}", path_segment(id));
    if let Some(action) = action {
        url.push('/');
        url.push_str(action);
    }
    url
}

/// One request; the parsed JSON body on a 2xx answer (`null` when there is none).
pub async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<JsValue, Failure> {
    let network = |_: JsValue| Failure::Known(ErrorCode::Network);
    let init = RequestInit::new();
    init.set_method(method);
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    let headers = Headers::new().map_err(network)?;
    if let Some(token) = token {
        let mut value = String::from("Bearer ");
        value.push_str(token);
        headers.set("Authorization", &value).map_err(network)?;
    }
    if let Some(json) = body {
        headers
            .set("Content-Type", "application/json")
            .map_err(network)?;
        init.set_body(&JsValue::from_str(json));
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(network)?;
    let window = web_sys::window().ok_or(Failure::Known(ErrorCode::Network))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let status = response.status();
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    let parsed = if text.is_empty() {
        JsValue::NULL
    } else {
        JSON::parse(&text).unwrap_or(JsValue::NULL)
    };
    if (200..300).contains(&status) {
        Ok(parsed)
    } else {
        Err(reuse::failure(status, &parsed))
    }
}
