//! A business's consent notice (DESIGN §6): the cookie categories its site uses,
//! the services in each, the notice's version and privacy policy. Served in the
//! public profile for the widget to show; consent records refer to it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::profile::Localized;

/// The categories a notice may use, in the order they are shown.
pub const CATEGORIES: [&str; 4] = ["necessary", "preferences", "analytics", "marketing"];

/// `[business.consent]` in the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentNotice {
    /// Changing it asks every visitor again.
    pub version: String,
    pub privacy_policy: String,
    /// How long a consent record is kept (days after it was made).
    #[serde(default = "default_retention", skip_serializing)]
    pub retention_days: u32,
    #[serde(default)]
    pub categories: Vec<Category>,
}

fn default_retention() -> u32 {
    // Proof of consent for as long as a choice is valid (6 months) plus the
    // period in which it can be questioned; 13 months is what the CNIL suggests.
    395
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// One of `necessary`, `preferences`, `analytics`, `marketing`.
    pub id: String,
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub description: Localized,
    #[serde(default)]
    pub services: Vec<ConsentService>,
}

/// A third party (or the site itself) that sets cookies or receives data.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentService {
    pub name: String,
    pub provider: String,
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub purpose: Localized,
    #[serde(default)]
    pub cookies: Vec<Cookie>,
    pub privacy_policy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cookie {
    pub name: String,
    /// As shown to the visitor, e.g. `13 months`.
    pub duration: String,
}

impl ConsentNotice {
    /// Why the notice cannot be used, if it cannot.
    pub fn problem(&self) -> Option<String> {
        let max = crate::config::MAX_RETENTION_DAYS;
        if self.retention_days > max {
            return Some(format!(
                "consent.retention_days = {} is more than {max} days",
                self.retention_days
            ));
        }
        if self.version.trim().is_empty() {
            return Some("consent.version is empty".to_owned());
        }
        if !self.privacy_policy.starts_with("https://")
            && !self.privacy_policy.starts_with("http://")
        {
            return Some("consent.privacy_policy must be an http(s) URL".to_owned());
        }
        for (index, category) in self.categories.iter().enumerate() {
            if !CATEGORIES.contains(&category.id.as_str()) {
                return Some(format!(
                    "consent category {:?} is not one of {}",
                    category.id,
                    CATEGORIES.join(", ")
                ));
            }
            if self.categories[..index]
                .iter()
                .any(|seen| seen.id == category.id)
            {
                return Some(format!("consent category {} is listed twice", category.id));
            }
        }
        None
    }

    /// The categories a visitor may grant or refuse (all but `necessary`).
    pub fn optional(&self) -> impl Iterator<Item = &str> {
        self.categories
            .iter()
            .map(|category| category.id.as_str())
            .filter(|id| *id != "necessary")
    }
}
