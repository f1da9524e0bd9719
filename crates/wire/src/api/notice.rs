//! A business's consent notice (DESIGN §6): the cookie categories its site uses,
//! the services in each, the notice's version and privacy policy. Configured
//! as `[business.consent]`, served in the public profile for the widget to
//! show; consent records refer to it.

use serde::{Deserialize, Serialize};

use super::localized::Localized;

/// `[business.consent]` in the configuration.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl ConsentNotice {
    /// The categories a visitor may grant or refuse (all but `necessary`).
    pub fn optional(&self) -> impl Iterator<Item = &str> {
        self.categories
            .iter()
            .map(|category| category.id.as_str())
            .filter(|id| *id != "necessary")
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// One of `necessary`, `preferences`, `analytics`, `marketing`.
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, String>))]
    pub description: Localized,
    #[serde(default)]
    pub services: Vec<ConsentService>,
}

/// A third party (or the site itself) that sets cookies or receives data.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentService {
    pub name: String,
    pub provider: String,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, String>))]
    pub purpose: Localized,
    #[serde(default)]
    pub cookies: Vec<Cookie>,
    pub privacy_policy: Option<String>,
    /// The hosts the service's scripts and embeds load from or send to (`host`,
    /// `host:port`, or `*.host` for its subdomains), so `sealbook consent scan`
    /// can tell a declared third party from an undeclared one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Cookie {
    pub name: String,
    /// As shown to the visitor, e.g. `13 months`.
    pub duration: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retention_is_configured_but_never_served() {
        let configured: ConsentNotice = serde_json::from_str(
            r#"{"version": "2026-11", "privacy_policy": "https://example.com/privacy",
                "retention_days": 30}"#,
        )
        .expect("a configured notice reads");
        assert_eq!(configured.retention_days, 30);
        let served = serde_json::to_value(&configured).expect("the notice serialises");
        assert!(served.get("retention_days").is_none(), "{served}");
        let read: ConsentNotice = serde_json::from_value(served).expect("a served notice reads");
        assert_eq!(read.retention_days, default_retention());
    }
}
