//! `GET /api/v1/businesses/{id}/availability?<arbitrary>`: never a 5xx or a
//! panic, and every refusal is a typed JSON error.
#![no_main]

use axum::body::Body;
use axum::http::{Request, Uri};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(uri) = format!(
        "/api/v1/businesses/{}/availability?{query}",
        sealbook_fuzz::BUSINESS
    )
    .parse::<Uri>() else {
        return;
    };
    let server = sealbook_fuzz::server();
    server.check(Request::get(uri).body(Body::empty()).expect("a request"));
});
