//! Requests as they reach the app from a client's address, for the tests of
//! the limits (the CLI's tests share `support` and have no axum).

/// `request` as it reaches the app from `client` (what
/// `into_make_service_with_connect_info` adds in `serve`), for the limits.
pub fn from_client(
    client: [u8; 4],
    mut request: axum::http::Request<axum::body::Body>,
) -> axum::http::Request<axum::body::Body> {
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            client, 40_000,
        ))));
    request
}
