//! Every JSON body of the staff inbox and its sign-in, as the signed-in owner's
//! browser would send it (session cookie and CSRF token): the first byte picks
//! the route, the rest is the body. Never a 5xx or a panic, and every refusal is
//! a typed JSON error.
#![no_main]

use axum::http::Method;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let server = sealbook_fuzz::server();
    let member = sealbook_fuzz::MEMBER_ID;
    let booking = &server.booking_id;
    let routes: [(Method, String); 10] = [
        (Method::POST, "/api/v1/auth/login".to_owned()),
        (Method::POST, "/api/v1/auth/accept-invite".to_owned()),
        (Method::POST, "/api/v1/auth/reset".to_owned()),
        (Method::POST, "/api/v1/auth/password".to_owned()),
        (Method::POST, "/api/v1/auth/totp/enable".to_owned()),
        (Method::PUT, "/api/v1/inbox/keys".to_owned()),
        (Method::POST, "/api/v1/inbox/invites".to_owned()),
        (Method::PUT, format!("/api/v1/inbox/staff/{member}/keys")),
        (
            Method::POST,
            format!("/api/v1/inbox/bookings/{booking}/status"),
        ),
        (Method::POST, "/api/v1/inbox/exports".to_owned()),
    ];
    let (method, path) = &routes[usize::from(pick) % routes.len()];
    server.check(server.as_owner(method.clone(), path, body));
});
