//! `PUT /api/v1/bookings/{id}` (the visitor's change) with an arbitrary body and
//! a valid manage token, through the whole router: never a 5xx or a panic.
#![no_main]

use axum::body::Body;
use axum::http::Request;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let server = sealbook_fuzz::server();
    let request = Request::put(format!("/api/v1/bookings/{}", server.booking_id))
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", server.token))
        .body(Body::from(data.to_vec()))
        .expect("a request");
    server.check(request);
});
