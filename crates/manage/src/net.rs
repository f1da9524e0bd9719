//! The manage endpoints (docs/API.md, "The visitor's manage link"), each
//! authorised by `Authorization: Bearer <token>`. The secret itself is never sent.

use sealbook_web::error::Failure;
use sealbook_web::public_api::{self, path_segment};
use wasm_bindgen::JsValue;

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
    let bearer = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = bearer
        .iter()
        .map(|value| ("Authorization", value.as_str()))
        .collect();
    let (status, parsed) = public_api::send(method, url, &headers, body).await?;
    let parsed = parsed.unwrap_or(JsValue::NULL);
    if (200..300).contains(&status) {
        Ok(parsed)
    } else {
        Err(public_api::failure(status, Some(&parsed)))
    }
}
