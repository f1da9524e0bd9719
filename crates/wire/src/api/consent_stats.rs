//! `GET /inbox/consent-stats`: how a business's visitors answer its cookie
//! notice, week by week and category by category. Counts only, from the consent
//! records, which themselves name no one.

use serde::{Deserialize, Serialize};

/// The weeks asked for, oldest first, each of them present even without a record.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentStats {
    pub weeks: Vec<ConsentWeek>,
}

/// One ISO week in the business's time zone, Monday to Sunday.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentWeek {
    /// ISO 8601 week, e.g. `2026-W49`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{4}-W[0-9]{2}$"))]
    pub week: String,
    /// Its Monday, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub from: String,
    /// Choices recorded that week, whatever their action.
    pub choices: u32,
    /// The notice's optional categories in its order, then any other category
    /// a record of the week names.
    pub categories: Vec<CategoryCounts>,
}

/// What one week's choices said of one category.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryCounts {
    /// `preferences`, `analytics` or `marketing`.
    pub category: String,
    /// Choices that offered it (granted or refused it).
    pub shown: u32,
    pub accepted: u32,
    pub refused: u32,
    /// Of `shown`, choices made category by category in the settings
    /// (`custom`, and `withdraw`, a later change of mind).
    pub customised: u32,
    /// Of `refused`, refusals from a browser sending Global Privacy Control
    /// (action `gpc`).
    pub gpc_refused: u32,
}
