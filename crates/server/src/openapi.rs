//! The machine-readable description of the JSON API, generated from the
//! handlers' annotations and served at `GET /api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, Server};
use utoipa::{Modify, OpenApi};

use crate::api::{availability, bookings, consents, keys, manage, profile};

/// Every route of [`crate::api::router`], with its bodies and errors.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sealbook API",
        description = "Stores and routes sealed bookings (docs/API.md). Every error is `{\"error\": {\"code\", \"message\"}}` with a stable code."
    ),
    paths(
        keys::keys,
        profile::profile,
        availability::availability,
        bookings::create,
        consents::record,
        manage::read,
        manage::change,
        manage::erase,
        manage::cancel,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&Root),
    tags(
        (name = "widget", description = "What the embedded widget calls"),
        (name = "manage", description = "The visitor's manage link, authorised by the token from the link")
    )
)]
pub(crate) struct ApiDoc;

/// The server root as the only server (paths carry `/api/v1`), and the
/// manage token as a bearer scheme.
struct Root;

impl Modify for Root {
    fn modify(&self, openapi: &mut Document) {
        openapi.servers = Some(vec![Server::new("/")]);
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "manage_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn document() -> Json<Document> {
    Json(ApiDoc::openapi())
}
