//! `GET /businesses/{id}/profile`: what the widget needs to render the flow.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::consent::ConsentNotice;
use crate::error::ErrorBody;
use crate::extract::PathParam;
use crate::profile::{Field, Localized, MarketingOptIn, Offer, Practitioner, Service};
use crate::{AppError, AppState};

/// What the widget needs to render the booking flow.
#[derive(Serialize, ToSchema)]
pub(crate) struct PublicProfile<'a> {
    id: &'a str,
    name: &'a str,
    /// `restaurant` or `clinic`.
    #[schema(value_type = String, pattern = "^(restaurant|clinic)$")]
    kind: &'static str,
    timezone: &'a str,
    slot_interval_minutes: u32,
    min_lead_minutes: u32,
    horizon_days: u32,
    max_party_size: Option<u32>,
    /// How long a party has its table: the visitor's calendar entry lasts this long.
    turn_minutes: Option<u32>,
    #[schema(value_type = Option<std::collections::BTreeMap<String, String>>)]
    large_party_message: Option<&'a Localized>,
    #[schema(value_type = Vec<Service>)]
    services: &'a [Service],
    #[schema(value_type = Vec<Practitioner>)]
    practitioners: &'a [Practitioner],
    #[schema(value_type = Vec<Field>)]
    fields: &'a [Field],
    /// The site's cookie notice, if the widget is its consent manager.
    #[schema(value_type = Option<ConsentNotice>)]
    consent: Option<&'a ConsentNotice>,
    /// The marketing opt-in boxes the booking step shows, unticked, in this
    /// order; empty: none. The answers are sealed with the booking.
    #[schema(value_type = Vec<MarketingOptIn>)]
    marketing: &'a [MarketingOptIn],
}

#[utoipa::path(
    get,
    path = "/api/v1/businesses/{business}/profile",
    tag = "widget",
    params(("business" = String, Path, description = "The business id")),
    responses(
        (status = 200, description = "The public profile", body = PublicProfile),
        (status = 404, description = "`unknown_business` or `not_found`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    ),
)]
pub(crate) async fn profile(
    State(state): State<AppState>,
    PathParam(id): PathParam,
) -> Result<Json<serde_json::Value>, AppError> {
    let business = super::business(&state, &id)?;
    let profile = &business.profile;
    let (kind, max_party_size, large_party_message, services, practitioners): (
        _,
        _,
        _,
        &[Service],
        &[Practitioner],
    ) = match &profile.offer {
        Offer::Restaurant(restaurant) => (
            "restaurant",
            Some(restaurant.max_party_size),
            restaurant.large_party_message.as_ref(),
            &[],
            &[],
        ),
        Offer::Clinic(clinic) => (
            "clinic",
            None,
            None,
            &clinic.services,
            &clinic.practitioners,
        ),
    };
    let turn_minutes = match &profile.offer {
        Offer::Restaurant(restaurant) => Some(restaurant.turn_minutes),
        Offer::Clinic(_) => None,
    };
    let public = PublicProfile {
        id: business.id.as_str(),
        name: &business.name,
        kind,
        timezone: profile.timezone.iana_name().unwrap_or("UTC"),
        slot_interval_minutes: profile.slot_interval_minutes,
        min_lead_minutes: profile.min_lead_minutes,
        horizon_days: profile.horizon_days,
        max_party_size,
        turn_minutes,
        large_party_message,
        services,
        practitioners,
        fields: &profile.fields,
        consent: business.consent.as_ref(),
        marketing: &profile.marketing,
    };
    Ok(Json(
        serde_json::to_value(public).map_err(|error| AppError::Internal(Box::new(error)))?,
    ))
}
