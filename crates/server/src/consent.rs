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
        let max = crate::profile::MAX_RETENTION_DAYS;
        if self.retention_days > max {
            return Some(format!(
                "consent.retention_days = {} is more than {max} days",
                self.retention_days
            ));
        }
        if self.version.trim().is_empty() {
            return Some("consent.version is empty".to_owned());
        }
        if let Some(problem) = self.link_problem() {
            return Some(problem);
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

    /// The first link of the notice the banner would not make a link of, named
    /// by its place in the configuration.
    fn link_problem(&self) -> Option<String> {
        let services = self
            .categories
            .iter()
            .enumerate()
            .flat_map(|(c, category)| {
                category
                    .services
                    .iter()
                    .enumerate()
                    .filter_map(move |(s, service)| {
                        let field = format!(
                            "business.consent.categories[{c}].services[{s}].privacy_policy"
                        );
                        service.privacy_policy.as_deref().map(|url| (field, url))
                    })
            });
        std::iter::once((
            "business.consent.privacy_policy".to_owned(),
            self.privacy_policy.as_str(),
        ))
        .chain(services)
        .find(|(_, url)| !is_link_url(url))
        .map(|(field, url)| {
            format!(
                "{field} {url:?} is not an https URL (nor http to localhost, 127.0.0.1 or [::1])"
            )
        })
    }

    /// The categories a visitor may grant or refuse (all but `necessary`).
    pub fn optional(&self) -> impl Iterator<Item = &str> {
        self.categories
            .iter()
            .map(|category| category.id.as_str())
            .filter(|id| *id != "necessary")
    }
}

/// The hosts a plain-HTTP link may go to: this machine, for a site under test.
const LOOPBACK: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// Whether the banner (www/consent.js) makes a link of `url`: `https`, or `http`
/// to a loopback host. The notice reaches the host site's page, where a
/// `javascript:` or `data:` link would run as that site, and a relative one would
/// point into it; refused here, the mistake shows when the server starts rather
/// than as a missing link.
fn is_link_url(url: &str) -> bool {
    if url.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if let Some(rest) = url.strip_prefix("https://") {
        return !authority(rest).is_empty();
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = authority(rest);
    let host = match authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    };
    LOOPBACK.contains(&host)
}

/// The `host[:port]` (and any `user@`) that follows `scheme://`: up to the path,
/// query or fragment, where a browser ends it (a backslash too, in http(s) URLs).
fn authority(rest: &str) -> &str {
    rest.find(['/', '\\', '?', '#'])
        .map_or(rest, |end| &rest[..end])
}
