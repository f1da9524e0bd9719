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

/// The operations a rate limit covers (`crates/server/src/limits.rs`: the
/// middleware's per-client allowances, the per-account login limit that also
/// covers a password change, and the client's share of a start time): the
/// only ones that can answer `429 rate_limited`.
const RATE_LIMITED: &[&str] = &[
    "POST /api/v1/businesses/{business}/bookings",
    "POST /api/v1/businesses/{business}/waitlist",
    "POST /api/v1/businesses/{business}/consents",
    "GET /api/v1/bookings/{id}",
    "PUT /api/v1/bookings/{id}",
    "DELETE /api/v1/bookings/{id}",
    "POST /api/v1/bookings/{id}/cancel",
    "GET /api/v1/cancel",
    "POST /api/v1/cancel",
    "POST /api/v1/offer",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/password",
    "POST /api/v1/auth/reset",
    "POST /api/v1/auth/accept-invite",
];

/// Every route of the API router (crates/server/src/api/mod.rs), as
/// `METHOD /path` (but the document's own route); a new route belongs here
/// and in the document.
const ROUTES: &[&str] = &[
    "GET /api/v1/businesses/{business}/keys",
    "GET /api/v1/businesses/{business}/profile",
    "GET /api/v1/businesses/{business}/texts/{lang}/{section}",
    "GET /api/v1/texts/{lang}/{section}",
    "GET /api/v1/businesses/{business}/availability",
    "POST /api/v1/businesses/{business}/bookings",
    "POST /api/v1/businesses/{business}/waitlist",
    "POST /api/v1/businesses/{business}/consents",
    "GET /api/v1/bookings/{id}",
    "PUT /api/v1/bookings/{id}",
    "DELETE /api/v1/bookings/{id}",
    "POST /api/v1/bookings/{id}/cancel",
    "POST /api/v1/auth/login",
    "GET /api/v1/auth/session",
    "POST /api/v1/auth/logout",
    "POST /api/v1/auth/logout-everywhere",
    "POST /api/v1/auth/password",
    "POST /api/v1/auth/totp/setup",
    "POST /api/v1/auth/totp/enable",
    "POST /api/v1/auth/accept-invite",
    "GET /api/v1/inbox/keys",
    "PUT /api/v1/inbox/keys",
    "GET /api/v1/inbox/notices",
    "PUT /api/v1/inbox/notices",
    "GET /api/v1/inbox/bookings",
    "POST /api/v1/inbox/bookings",
    "POST /api/v1/inbox/bookings/{id}/move",
    "POST /api/v1/inbox/blocks",
    "GET /api/v1/inbox/bookings/{id}",
    "POST /api/v1/inbox/bookings/{id}/status",
    "PUT /api/v1/inbox/bookings/{id}/attendance",
    "GET /api/v1/inbox/counts",
    "DELETE /api/v1/inbox/bookings/{id}",
    "DELETE /api/v1/inbox/bookings/{id}/attention",
    "GET /api/v1/inbox/schedule",
    "PUT /api/v1/inbox/schedule",
    "POST /api/v1/inbox/schedule/preview",
    "POST /api/v1/inbox/exports",
    "GET /api/v1/inbox/consents/{consent_id}",
    "GET /api/v1/inbox/consent-stats",
    "GET /api/v1/inbox/staff",
    "POST /api/v1/inbox/invites",
    "GET /api/v1/inbox/invites",
    "DELETE /api/v1/inbox/invites/{id}",
    "DELETE /api/v1/inbox/staff/{id}",
    "PUT /api/v1/inbox/staff/{id}/keys",
    "PUT /api/v1/inbox/staff/{id}/role",
    "POST /api/v1/inbox/staff/{id}/reset",
    "POST /api/v1/auth/reset",
    "GET /api/v1/inbox/audit",
    "GET /api/v1/inbox/snippet",
    "GET /api/v1/cancel",
    "POST /api/v1/cancel",
    "POST /api/v1/offer",
    "POST /api/v1/courier/claim",
    "POST /api/v1/courier/jobs/{id}/ack",
    "POST /api/v1/courier/jobs/{id}/release",
    "GET /api/v1/inbox/courier-tokens",
    "POST /api/v1/inbox/courier-tokens",
    "DELETE /api/v1/inbox/courier-tokens/{id}",
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
    let expected: BTreeSet<String> = ROUTES.iter().map(|route| (*route).to_owned()).collect();
    assert_eq!(listed, expected);
}

#[tokio::test]
async fn every_error_response_is_the_shared_error_body() {
    let document = document().await;
    assert!(
        document["components"]["schemas"]["ErrorBody"].is_object(),
        "ErrorBody is a component"
    );
    assert!(
        RATE_LIMITED
            .iter()
            .all(|operation| ROUTES.contains(operation)),
        "every rate-limited operation is a route"
    );
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let responses = operation["responses"].as_object().expect("responses");
            let operation_name = format!("{} {path}", method.to_uppercase());
            assert_eq!(
                responses.contains_key("429"),
                RATE_LIMITED.contains(&operation_name.as_str()),
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
