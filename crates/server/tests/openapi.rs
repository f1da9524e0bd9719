//! `GET /api/v1/openapi.json`: the generated document lists every API route.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt as _;
use sealbook_server::{AppState, Config, Storage, app};
use sealbook_testkit::{Business, ServerConfig};
use serde_json::Value;
use tower::ServiceExt as _;

mod support;

/// Whether an operation can answer `429 rate_limited`: a rate limit covers
/// it (`crates/server/src/limits.rs`: the middleware's per-client allowances,
/// the per-account login limit that also covers a password change, and the
/// client's share of a start time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    Unlimited,
    RateLimited,
}

use Limit::{RateLimited, Unlimited};

/// Every route of the API router (crates/server/src/api/mod.rs), as
/// `METHOD /path` (but the document's own route); a new route belongs here
/// and in the document.
const ROUTES: &[(&str, Limit)] = &[
    ("GET /api/v1/businesses/{business}/keys", Unlimited),
    ("GET /api/v1/businesses/{business}/profile", Unlimited),
    (
        "GET /api/v1/businesses/{business}/texts/{lang}/{section}",
        Unlimited,
    ),
    ("GET /api/v1/texts/{lang}/{section}", Unlimited),
    ("GET /api/v1/businesses/{business}/availability", Unlimited),
    ("POST /api/v1/businesses/{business}/bookings", RateLimited),
    ("POST /api/v1/businesses/{business}/waitlist", RateLimited),
    ("POST /api/v1/businesses/{business}/consents", RateLimited),
    ("GET /api/v1/bookings/{id}", RateLimited),
    ("PUT /api/v1/bookings/{id}", RateLimited),
    ("DELETE /api/v1/bookings/{id}", RateLimited),
    ("POST /api/v1/bookings/{id}/cancel", RateLimited),
    ("POST /api/v1/auth/login", RateLimited),
    ("GET /api/v1/auth/session", Unlimited),
    ("POST /api/v1/auth/logout", Unlimited),
    ("POST /api/v1/auth/logout-everywhere", Unlimited),
    ("POST /api/v1/auth/password", RateLimited),
    ("POST /api/v1/auth/totp/setup", Unlimited),
    ("POST /api/v1/auth/totp/enable", Unlimited),
    ("POST /api/v1/auth/accept-invite", RateLimited),
    ("GET /api/v1/inbox/keys", Unlimited),
    ("PUT /api/v1/inbox/keys", Unlimited),
    ("GET /api/v1/inbox/notices", Unlimited),
    ("PUT /api/v1/inbox/notices", Unlimited),
    ("GET /api/v1/inbox/bookings", Unlimited),
    ("POST /api/v1/inbox/bookings", Unlimited),
    ("POST /api/v1/inbox/bookings/{id}/move", Unlimited),
    ("POST /api/v1/inbox/blocks", Unlimited),
    ("GET /api/v1/inbox/bookings/{id}", Unlimited),
    ("POST /api/v1/inbox/bookings/{id}/status", Unlimited),
    ("PUT /api/v1/inbox/bookings/{id}/attendance", Unlimited),
    ("GET /api/v1/inbox/counts", Unlimited),
    ("DELETE /api/v1/inbox/bookings/{id}", Unlimited),
    ("DELETE /api/v1/inbox/bookings/{id}/attention", Unlimited),
    ("GET /api/v1/inbox/schedule", Unlimited),
    ("PUT /api/v1/inbox/schedule", Unlimited),
    ("POST /api/v1/inbox/schedule/preview", Unlimited),
    ("POST /api/v1/inbox/exports", Unlimited),
    ("GET /api/v1/inbox/consents/{consent_id}", Unlimited),
    ("GET /api/v1/inbox/consent-stats", Unlimited),
    ("GET /api/v1/inbox/staff", Unlimited),
    ("POST /api/v1/inbox/invites", Unlimited),
    ("GET /api/v1/inbox/invites", Unlimited),
    ("DELETE /api/v1/inbox/invites/{id}", Unlimited),
    ("DELETE /api/v1/inbox/staff/{id}", Unlimited),
    ("PUT /api/v1/inbox/staff/{id}/keys", Unlimited),
    ("PUT /api/v1/inbox/staff/{id}/role", Unlimited),
    ("POST /api/v1/inbox/staff/{id}/reset", Unlimited),
    ("POST /api/v1/auth/reset", RateLimited),
    ("GET /api/v1/inbox/audit", Unlimited),
    ("GET /api/v1/inbox/snippet", Unlimited),
    ("GET /api/v1/cancel", RateLimited),
    ("POST /api/v1/cancel", RateLimited),
    ("POST /api/v1/offer", RateLimited),
    ("POST /api/v1/courier/claim", Unlimited),
    ("POST /api/v1/courier/jobs/{id}/ack", Unlimited),
    ("POST /api/v1/courier/jobs/{id}/release", Unlimited),
    ("GET /api/v1/inbox/courier-tokens", Unlimited),
    ("POST /api/v1/inbox/courier-tokens", Unlimited),
    ("DELETE /api/v1/inbox/courier-tokens/{id}", Unlimited),
];

async fn state() -> (support::TestDatabase, AppState) {
    let database = support::sqlite().await;
    let config = ServerConfig::new(&database.url)
        .business(Business::bistro().extend(
            r#"
            timezone = "Europe/Paris"
            max_party_size = 6
            hours = { mon = ["11:00-23:00"] }
            "#,
        ))
        .toml();
    let config = Config::from_toml(&config, database.dir()).expect("config");
    let storage = Storage::open(&config.database).await.expect("storage");
    (database, AppState::new(config, storage))
}

async fn document() -> Value {
    let (_database, state) = state().await;
    let response = app(state)
        .oneshot(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/json",
        "the document is JSON"
    );
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&body).expect("the document parses")
}

#[tokio::test]
async fn document_lists_every_route_and_nothing_else() {
    let document = document().await;
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "OpenAPI 3.1"
    );
    assert_eq!(document["servers"][0]["url"], "/");
    let paths = document["paths"].as_object().expect("paths");
    let listed: BTreeSet<String> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|key| ["get", "put", "post", "delete", "patch"].contains(&key.as_str()))
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    let expected: BTreeSet<String> = ROUTES
        .iter()
        .map(|(route, _)| (*route).to_owned())
        .collect();
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn every_error_response_is_the_shared_error_body() {
    let document = document().await;
    assert!(
        document["components"]["schemas"]["ErrorBody"].is_object(),
        "ErrorBody is a component"
    );
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let responses = operation["responses"].as_object().expect("responses");
            let operation_name = format!("{} {path}", method.to_uppercase());
            let limit = ROUTES
                .iter()
                .find(|(route, _)| *route == operation_name)
                .map(|&(_, limit)| limit);
            assert_eq!(
                responses.contains_key("429"),
                limit == Some(RateLimited),
                "{operation_name} documents rate_limited exactly when a limit covers it"
            );
            for (status, response) in responses {
                if status.starts_with('4') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    let manage = &document["paths"]["/api/v1/bookings/{id}"]["get"];
    assert_eq!(manage["security"][0]["manage_token"], serde_json::json!([]));
    assert_eq!(
        document["components"]["securitySchemes"]["manage_token"]["scheme"],
        "bearer"
    );
    let inbox = &document["paths"]["/api/v1/inbox/bookings"]["get"];
    assert_eq!(inbox["security"][0]["session"], serde_json::json!([]));
    assert_eq!(
        document["components"]["securitySchemes"]["session"]["in"],
        "cookie"
    );
}
