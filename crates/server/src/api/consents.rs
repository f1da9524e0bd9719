//! `POST /businesses/{id}/consents`: the record of a visitor's cookie choice
//! (DESIGN §6.5). The server adds the time and nothing else: no address, no
//! browser; the consent id is the widget's random one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_wire::api::consents::{ConsentRequest, Recorded};
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::localized::VISITOR_LANGUAGES;

use crate::consent::ConsentNotice;
use crate::extract::{JsonBody, PathParam};
use crate::storage::ConsentRecord;
use crate::{AppError, AppState};

const ACTIONS: [&str; 5] = ["accept_all", "reject_all", "custom", "withdraw", "gpc"];

#[utoipa::path(
    post,
    path = "/api/v1/businesses/{business}/consents",
    tag = "widget",
    params(("business" = String, Path, description = "The business id")),
    request_body(content = ConsentRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = Recorded),
        (status = 400, description = "`bad_request`", body = ErrorBody),
        (status = 404, description = "`unknown_business` or `not_found` (the business shows no consent notice)", body = ErrorBody),
        (status = 409, description = "`notice_changed`: the visitor saw another version; ask again", body = ErrorBody),
        (status = 413, description = "`payload_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn record(
    State(state): State<AppState>,
    PathParam(id): PathParam,
    JsonBody(request): JsonBody<ConsentRequest>,
) -> Result<(StatusCode, Json<Recorded>), AppError> {
    let business = super::business(&state, &id)?;
    let notice = business.consent.as_ref().ok_or(AppError::NotFound)?;
    let bad = |why: &str| AppError::BadRequest(why.to_owned());
    let consent_id_ok = request.consent_id.len() == 22
        && URL_SAFE_NO_PAD
            .decode(&request.consent_id)
            .is_ok_and(|bytes| bytes.len() == 16);
    if !consent_id_ok {
        return Err(bad("consent_id must be 16 random bytes, base64url"));
    }
    let notice_hash: [u8; 32] = URL_SAFE_NO_PAD
        .decode(&request.notice_hash)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| bad("notice_hash must be a SHA-256, base64url"))?;
    if !VISITOR_LANGUAGES.contains(&request.language.as_str()) {
        return Err(bad(
            "language must be a visitor language (en, fr, de, es, it, nl, pt, pl)",
        ));
    }
    if !ACTIONS.contains(&request.action.as_str()) {
        return Err(bad(
            "action must be accept_all, reject_all, custom, withdraw or gpc",
        ));
    }
    if request.notice_version != notice.version {
        return Err(AppError::NoticeChanged);
    }
    // Granted and refused split the notice's optional categories between them.
    let mut chosen: Vec<&str> = request
        .granted
        .iter()
        .chain(&request.refused)
        .map(String::as_str)
        .collect();
    chosen.sort_unstable();
    let mut optional: Vec<&str> = notice.optional().collect();
    optional.sort_unstable();
    if chosen != optional {
        return Err(bad(
            "granted and refused must together list each optional category of the notice once",
        ));
    }
    // Global Privacy Control refuses marketing (sale and sharing) whatever else is granted.
    let consistent = match request.action.as_str() {
        "accept_all" => request.refused.is_empty(),
        "reject_all" => request.granted.is_empty(),
        "gpc" => !request
            .granted
            .iter()
            .any(|category| category == "marketing"),
        _ => true,
    };
    if !consistent {
        return Err(bad("the action does not match the categories"));
    }
    check_services(notice, &request)?;
    let now = jiff::Timestamp::now();
    state
        .storage
        .record_consent(&ConsentRecord {
            business: business.id.clone(),
            consent_id: request.consent_id.clone(),
            recorded_at: now.as_second(),
            notice_version: request.notice_version,
            language: request.language,
            granted: request.granted,
            refused: request.refused,
            services: request.services,
            action: request.action,
            notice_hash,
        })
        .await
        .map_err(|error| AppError::Internal(Box::new(error)))?;
    Ok((
        StatusCode::CREATED,
        Json(Recorded {
            consent_id: request.consent_id,
            recorded_at: jiff::Timestamp::from_second(now.as_second())
                .unwrap_or(now)
                .to_string(),
        }),
    ))
}

/// Services allowed on their own: each a service the notice declares, once, in
/// a category this record refuses (a granted category already allows all of
/// its services). "Reject all" allows none, and under Global Privacy Control
/// no marketing service is allowed, as no marketing category is.
fn check_services(notice: &ConsentNotice, request: &ConsentRequest) -> Result<(), AppError> {
    let bad = |why: &str| Err(AppError::BadRequest(why.to_owned()));
    if request.services.is_empty() {
        return Ok(());
    }
    if request.action == "reject_all" {
        return bad("reject_all allows no service");
    }
    for (index, name) in request.services.iter().enumerate() {
        if request.services[..index].contains(name) {
            return bad("each service is listed once");
        }
        let category = notice.categories.iter().find(|category| {
            category
                .services
                .iter()
                .any(|service| &service.name == name)
        });
        let Some(category) = category else {
            return bad("services must be named as the notice declares them");
        };
        if !request.refused.contains(&category.id) {
            return bad("a service is listed only when its category is refused");
        }
        if request.action == "gpc" && category.id == "marketing" {
            return bad("Global Privacy Control refuses every marketing service");
        }
    }
    Ok(())
}
