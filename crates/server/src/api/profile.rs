//! `GET /businesses/{id}/profile`: what the widget needs to render the flow.

use axum::Json;
use axum::extract::State;
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::api::profile::{Practitioner, PublicProfile, Service};

use crate::extract::PathParam;
use crate::profile::Offer;
use crate::{AppError, AppState};

#[utoipa::path(
    get,
    path = "/api/v1/businesses/{business}/profile",
    tag = "widget",
    params(("business" = String, Path, description = "The business id")),
    responses(
        (status = 200, description = "The public profile", body = PublicProfile),
        (status = 404, description = "`unknown_business` or `not_found`", body = ErrorBody),
    ),
)]
pub(crate) async fn profile(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> Result<Json<serde_json::Value>, AppError> {
    let business = super::business(&state, &id)?;
    let profile = &business.profile;
    let (kind, max_party_size, turn_minutes, large_party_message, services, practitioners) =
        match &profile.offer {
            Offer::Restaurant(restaurant) => (
                "restaurant",
                Some(restaurant.max_party_size),
                Some(restaurant.turn_minutes),
                restaurant.large_party_message.clone(),
                Vec::new(),
                Vec::new(),
            ),
            Offer::Clinic(clinic) => (
                "clinic",
                None,
                None,
                None,
                clinic
                    .services
                    .iter()
                    .map(|service| Service {
                        id: service.id.clone(),
                        name: service.name.clone(),
                        duration_minutes: service.duration_minutes,
                    })
                    .collect(),
                clinic
                    .practitioners
                    .iter()
                    .map(|practitioner| Practitioner {
                        id: practitioner.id.clone(),
                        name: practitioner.name.clone(),
                        services: practitioner.services.clone(),
                    })
                    .collect(),
            ),
        };
    let public = PublicProfile {
        id: business.id.as_str().to_owned(),
        name: business.name.clone(),
        kind: kind.to_owned(),
        timezone: profile.timezone.iana_name().unwrap_or("UTC").to_owned(),
        slot_interval_minutes: profile.slot_interval_minutes,
        min_lead_minutes: profile.min_lead_minutes,
        horizon_days: profile.horizon_days,
        max_party_size,
        turn_minutes,
        large_party_message,
        services,
        practitioners,
        fields: profile.fields.clone(),
        consent: business.consent.clone(),
        marketing: profile.marketing.clone(),
        cancel_until_hours: profile.cancellation.until_hours,
        phone: business.phone.clone(),
        messages: business
            .courier
            .as_ref()
            .map(|courier| courier.channels.clone())
            .unwrap_or_default(),
        waitlist: business.waitlist_hold_seconds().is_some(),
        own_texts: business.texts.served_sections(),
    };
    // Through a `Value` the keys go out sorted: byte for byte what this route
    // has always answered.
    Ok(Json(
        serde_json::to_value(public).map_err(|error| AppError::Internal(Box::new(error)))?,
    ))
}
