//! The machine-readable description of the JSON API, generated from the
//! handlers' annotations and served at `GET /api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, Server};
use utoipa::{Modify, OpenApi};

use crate::api::{
    audit, auth, availability, bookings, consent_stats, consents, courier, inbox, inbox_keys, keys,
    manage, notices, profile, schedule, snippet, staff, staff_entries, texts, waitlist,
};

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
        texts::texts,
        texts::translation,
        availability::availability,
        bookings::create,
        waitlist::join,
        consents::record,
        manage::read,
        manage::change,
        manage::erase,
        manage::cancel,
        courier::read_cancel_link,
        courier::cancel_by_link,
        waitlist::take_up,
        courier::claim,
        courier::acknowledge,
        courier::release,
        courier::list_tokens,
        courier::create_token,
        courier::revoke_token,
        auth::login,
        auth::current,
        auth::logout,
        auth::logout_everywhere,
        auth::change_password,
        auth::totp_setup,
        auth::totp_enable,
        auth::accept_invite,
        auth::use_reset,
        inbox_keys::list,
        inbox_keys::put,
        notices::get,
        notices::put,
        inbox::list,
        inbox::open,
        inbox::set_status,
        inbox::set_attendance,
        inbox::counts,
        inbox::erase,
        inbox::exported,
        inbox::consents,
        consent_stats::stats,
        staff_entries::create,
        staff_entries::move_booking,
        staff_entries::block,
        schedule::get,
        schedule::preview,
        schedule::put,
        schedule::clear_attention,
        staff::list,
        staff::invite,
        staff::invites,
        staff::withdraw,
        staff::revoke,
        staff::share_keys,
        staff::set_role,
        staff::reset,
        snippet::snippet,
        audit::log,
    ),
    components(schemas(sealbook_wire::api::error::ErrorBody)),
    modifiers(&Root),
    tags(
        (name = "widget", description = "What the embedded widget calls"),
        (name = "manage", description = "The visitor's manage link, authorised by the token from the link"),
        (name = "inbox", description = "The staff inbox: sessions by cookie, `X-Sealbook-CSRF` on every state-changing request"),
        (name = "courier", description = "The business's courier, authorised by a courier token the owner made in the inbox")
    )
)]
pub(crate) struct ApiDoc;

/// The server root as the only server (paths carry `/api/v1`), and the
/// manage, cancel and courier tokens as bearer schemes.
struct Root;

impl Modify for Root {
    fn modify(&self, openapi: &mut Document) {
        openapi.servers = Some(vec![Server::new("/")]);
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "manage_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        for bearer in ["cancel_token", "courier_token"] {
            components.add_security_scheme(
                bearer,
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("sealbook_session"))),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn document() -> Json<Document> {
    Json(ApiDoc::openapi())
}
