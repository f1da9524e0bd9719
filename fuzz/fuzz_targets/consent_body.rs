//! `POST /api/v1/businesses/{id}/consents` (a consent record) with an arbitrary
//! body, through the whole router: never a 5xx or a panic, and every refusal is
//! a typed JSON error.
#![no_main]

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let server = sealbook_fuzz::server();
    let request = Request::post(format!(
        "/api/v1/businesses/{}/consents",
        sealbook_fuzz::BUSINESS
    ))
    .header("content-type", "application/json")
    .body(Body::from(data.to_vec()))
    .expect("a request");
    server.check(request);
});
