//! What a consent scan found, held against the business's notice: each cookie,
//! storage key and third party once, with the phases it was seen in, what the
//! notice declares it as, and a verdict; the table or JSON that says so; and a
//! notice that declares what was missing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use clap::ValueEnum;
use sealbook_server::consent::{CATEGORIES, is_host_pattern};
use sealbook_wire::api::localized::Localized;
use sealbook_wire::api::notice::{Category, ConsentNotice, ConsentService, Cookie};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Where in the visit something was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Phase {
    /// The page left alone, the banner up.
    Before,
    /// After "Reject all".
    AfterReject,
    /// After "Accept all".
    AfterAccept,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Cookie,
    LocalStorage,
    SessionStorage,
    /// A request to another origin; its name is that origin.
    Request,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Self::Cookie => "cookie",
            Self::LocalStorage => "local storage",
            Self::SessionStorage => "session storage",
            Self::Request => "third party",
        }
    }
}

/// One thing one visit saw.
#[derive(Debug, Clone)]
pub(crate) struct Observation {
    pub page: String,
    pub phase: Phase,
    pub kind: Kind,
    pub name: String,
    /// The script that wrote it, the response that set it, or the URL requested.
    pub by: String,
    /// A cookie's expiry, unix seconds (none for a session cookie).
    pub expires: Option<f64>,
    /// A cookie's domain as the browser holds it ("" for other things).
    pub domain: String,
}

/// An element of the page gated by the consent layer.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Gated {
    pub category: String,
    /// Its script or frame address, absolute ("" for inline code).
    pub src: String,
}

/// How the findings are printed.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

/// What the notice says of one thing found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Declared {
    /// Sealbook's own: its script, its API, the choice's cookie.
    Sealbook,
    Service {
        category: String,
        service: String,
    },
    Undeclared,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Ok,
    /// Optional, or undeclared, and there before any choice.
    BeforeChoice,
    /// Optional, or undeclared, and there after Reject all.
    AfterRefusal,
    /// Only after Accept all, but the notice does not say so.
    Undeclared,
}

impl Verdict {
    fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::BeforeChoice => "BEFORE ANY CHOICE",
            Self::AfterRefusal => "AFTER REJECT ALL",
            Self::Undeclared => "UNDECLARED",
        }
    }
}

/// One thing found, however often.
#[derive(Debug)]
struct Item {
    kind: Kind,
    name: String,
    by: BTreeSet<String>,
    phases: BTreeSet<Phase>,
    pages: BTreeSet<String>,
    expires: Option<f64>,
    domain: String,
    declared: Declared,
    verdict: Verdict,
}

pub(crate) struct Findings {
    items: Vec<Item>,
    /// The notice with what was undeclared added, if anything was.
    suggested: Option<ConsentNotice>,
}

/// The choice's own cookie, which the consent layer sets.
const CONSENT_COOKIE: &str = "sealbook_consent";

impl Findings {
    pub(crate) fn new(
        notice: &ConsentNotice,
        observations: &[Observation],
        gated: &[Gated],
        sealbook_origins: &BTreeSet<String>,
    ) -> Self {
        let mut merged: BTreeMap<(Kind, String), Item> = BTreeMap::new();
        for seen in observations {
            let item = merged
                .entry((seen.kind, seen.name.clone()))
                .or_insert_with(|| Item {
                    kind: seen.kind,
                    name: seen.name.clone(),
                    by: BTreeSet::new(),
                    phases: BTreeSet::new(),
                    pages: BTreeSet::new(),
                    expires: None,
                    domain: seen.domain.clone(),
                    declared: declared(notice, seen.kind, &seen.name, sealbook_origins),
                    verdict: Verdict::Ok,
                });
            if !seen.by.is_empty() {
                item.by.insert(seen.by.clone());
            }
            item.phases.insert(seen.phase);
            item.pages.insert(seen.page.clone());
            item.expires = item.expires.or(seen.expires);
        }
        let mut items: Vec<Item> = merged.into_values().collect();
        for item in &mut items {
            item.verdict = verdict(&item.declared, &item.phases);
        }
        let suggested = items
            .iter()
            .any(|item| item.declared == Declared::Undeclared)
            .then(|| suggest(notice, &items, gated));
        Self { items, suggested }
    }

    /// Whether nothing optional happened before a choice or after a refusal,
    /// and the notice declares everything.
    pub(crate) fn passes(&self) -> bool {
        self.items.iter().all(|item| item.verdict == Verdict::Ok)
    }

    pub(crate) fn render(&self, format: Format, pages: &[String]) -> anyhow::Result<String> {
        let suggested = self.suggested.as_ref().map(notice_toml).transpose()?;
        match format {
            Format::Json => {
                let items: Vec<_> = self
                    .items
                    .iter()
                    .map(|item| {
                        json!({
                            "what": item.kind.label(),
                            "name": item.name,
                            "set_by": item.by,
                            "before_choice": item.phases.contains(&Phase::Before),
                            "after_reject_all": item.phases.contains(&Phase::AfterReject),
                            "after_accept_all": item.phases.contains(&Phase::AfterAccept),
                            "pages": item.pages,
                            "declared": match &item.declared {
                                Declared::Sealbook => json!({ "category": "necessary", "service": "Sealbook" }),
                                Declared::Service { category, service } => json!({ "category": category, "service": service }),
                                Declared::Undeclared => serde_json::Value::Null,
                            },
                            "verdict": item.verdict.label().to_lowercase().replace(' ', "_"),
                        })
                    })
                    .collect();
                Ok(format!(
                    "{}\n",
                    serde_json::to_string_pretty(&json!({
                        "pages": pages,
                        "passes": self.passes(),
                        "items": items,
                        "suggested_notice": suggested,
                    }))?
                ))
            }
            Format::Table => Ok(self.table(pages, suggested.as_deref())),
        }
    }

    fn table(&self, pages: &[String], suggested: Option<&str>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Pages scanned: {}", pages.join(", "));
        let header = [
            "what",
            "name",
            "set by",
            "before choice",
            "after Reject all",
            "after Accept all",
            "declared as",
            "verdict",
        ];
        let yes = |item: &Item, phase| {
            if item.phases.contains(&phase) {
                "yes"
            } else {
                "-"
            }
        };
        let rows: Vec<[String; 8]> = self
            .items
            .iter()
            .map(|item| {
                [
                    item.kind.label().to_owned(),
                    item.name.clone(),
                    item.by.iter().cloned().collect::<Vec<_>>().join(" "),
                    yes(item, Phase::Before).to_owned(),
                    yes(item, Phase::AfterReject).to_owned(),
                    yes(item, Phase::AfterAccept).to_owned(),
                    match &item.declared {
                        Declared::Sealbook => "necessary › Sealbook".to_owned(),
                        Declared::Service { category, service } => {
                            format!("{category} › {service}")
                        }
                        Declared::Undeclared => "—".to_owned(),
                    },
                    item.verdict.label().to_owned(),
                ]
            })
            .collect();
        let mut widths = header.map(|title| title.chars().count());
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for row in std::iter::once(header.map(str::to_owned)).chain(rows) {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        }
        let count = |verdict| {
            self.items
                .iter()
                .filter(|item| item.verdict == verdict)
                .count()
        };
        let (before, after, undeclared) = (
            count(Verdict::BeforeChoice),
            count(Verdict::AfterRefusal),
            count(Verdict::Undeclared),
        );
        if self.passes() {
            let _ = writeln!(
                out,
                "\nThe notice tells the truth: nothing optional before a choice or after Reject all, and everything declared."
            );
        } else {
            let _ = writeln!(
                out,
                "\n{before} before any choice, {after} after Reject all, {undeclared} undeclared."
            );
        }
        if before + after > 0 {
            let _ = writeln!(
                out,
                "What runs before a choice or after a refusal must wait for consent: write its \
                 script as <script type=\"text/plain\" data-category=\"…\" data-src=\"…\"> \
                 (docs/CONSENT.md). Declaring it is not enough."
            );
        }
        if let Some(suggested) = suggested {
            let _ = writeln!(
                out,
                "\nA notice that declares what was found (replace your [business.consent] with \
                 it, fill in each TODO, check each category, and keep your retention_days; its \
                 version changed, so every visitor is asked again: set one of your own):\n\n{suggested}"
            );
        }
        out
    }
}

/// What the notice declares `name` (a cookie or key, or an origin) as.
fn declared(
    notice: &ConsentNotice,
    kind: Kind,
    name: &str,
    sealbook_origins: &BTreeSet<String>,
) -> Declared {
    if (kind == Kind::Cookie && name == CONSENT_COOKIE)
        || (kind == Kind::Request && sealbook_origins.contains(name))
    {
        return Declared::Sealbook;
    }
    for category in &notice.categories {
        for service in &category.services {
            let matches = match kind {
                Kind::Request => service
                    .hosts
                    .iter()
                    .any(|pattern| host_matches(pattern, name)),
                _ => service
                    .cookies
                    .iter()
                    .any(|cookie| cookie_matches(&cookie.name, name)),
            };
            if matches {
                return Declared::Service {
                    category: category.id.clone(),
                    service: service.name.clone(),
                };
            }
        }
    }
    Declared::Undeclared
}

fn verdict(declared: &Declared, phases: &BTreeSet<Phase>) -> Verdict {
    let necessary = match declared {
        Declared::Sealbook => true,
        Declared::Service { category, .. } => category == "necessary",
        Declared::Undeclared => false,
    };
    if necessary {
        Verdict::Ok
    } else if phases.contains(&Phase::Before) {
        Verdict::BeforeChoice
    } else if phases.contains(&Phase::AfterReject) {
        Verdict::AfterRefusal
    } else if *declared == Declared::Undeclared {
        Verdict::Undeclared
    } else {
        Verdict::Ok
    }
}

/// A declared cookie name (a trailing `*` names a family) against one found.
fn cookie_matches(pattern: &str, name: &str) -> bool {
    pattern
        .strip_suffix('*')
        .map_or(pattern == name, |prefix| name.starts_with(prefix))
}

/// A declared host (`host`, `host:port`, `*.domain`) against an origin found.
fn host_matches(pattern: &str, origin: &str) -> bool {
    let Some(host) = super::http_url(origin).and_then(|url| url.host_str().map(str::to_owned))
    else {
        return false;
    };
    if let Some(domain) = pattern.strip_prefix("*.") {
        return host == domain || host.ends_with(&format!(".{domain}"));
    }
    pattern == host || super::authority(origin).as_deref() == Some(pattern)
}

/// The notice plus a service for each origin whose cookies, storage or
/// requests it does not declare, in the category of the page element that
/// loaded it (marketing, the strictest, when nothing on the page says).
fn suggest(notice: &ConsentNotice, items: &[Item], gated: &[Gated]) -> ConsentNotice {
    let mut suggested = notice.clone();
    // Visitors who chose under the old notice did not hear of what it adds.
    suggested.version = format!("{}+scan", notice.version);
    for item in items
        .iter()
        .filter(|item| item.declared == Declared::Undeclared)
    {
        // Who is behind it: the origin requested, the script that wrote it, or
        // the site a response set the cookie for.
        let source = match item.kind {
            Kind::Request => Some(item.name.clone()),
            _ => item.by.iter().find_map(|by| {
                (by.starts_with("http://") || by.starts_with("https://")).then(|| by.clone())
            }),
        };
        let source_origin = source.as_deref().and_then(super::authority).or_else(|| {
            let domain = item.domain.trim_start_matches('.');
            (!domain.is_empty()).then(|| domain.to_owned())
        });
        let category = gated
            .iter()
            .find(|element| {
                !element.src.is_empty()
                    && (item.by.contains(&element.src)
                        || super::authority(&element.src)
                            .is_some_and(|host| source_origin.as_deref() == Some(host.as_str())))
            })
            .map(|element| element.category.as_str())
            // A category name left from another tool is not one a notice may use.
            .filter(|category| CATEGORIES.contains(category) && *category != "necessary")
            .unwrap_or("marketing")
            .to_owned();
        let host = source_origin.unwrap_or_else(|| {
            item.pages
                .iter()
                .find_map(|page| super::authority(page))
                .unwrap_or_default()
        });
        let service = service_for(&mut suggested, &category, &host, item.kind == Kind::Request);
        match item.kind {
            Kind::Request => {
                if !service.hosts.contains(&host) && is_host_pattern(&host) {
                    service.hosts.push(host.clone());
                }
            }
            kind => {
                if !service
                    .cookies
                    .iter()
                    .any(|cookie| cookie_matches(&cookie.name, &item.name))
                {
                    service.cookies.push(Cookie {
                        name: item.name.clone(),
                        duration: duration(kind, item.expires),
                    });
                }
            }
        }
    }
    suggested
}

/// The service of `notice` that `host` belongs to: one that lists it, else a
/// new one named after it in `category` (made if the notice lacks it).
fn service_for<'a>(
    notice: &'a mut ConsentNotice,
    category: &str,
    host: &str,
    third_party: bool,
) -> &'a mut ConsentService {
    let listed = notice.categories.iter().position(|c| {
        c.services
            .iter()
            .any(|s| s.hosts.iter().any(|h| h == host) || s.name == host)
    });
    let index = match listed {
        Some(index) => index,
        None => {
            if let Some(index) = notice.categories.iter().position(|c| c.id == category) {
                index
            } else {
                notice.categories.push(Category {
                    id: category.to_owned(),
                    description: todo_text("what this category is for"),
                    services: Vec::new(),
                });
                notice.categories.len() - 1
            }
        }
    };
    let services = &mut notice.categories[index].services;
    let position = services
        .iter()
        .position(|s| s.hosts.iter().any(|h| h == host) || s.name == host);
    let position = position.unwrap_or_else(|| {
        services.push(ConsentService {
            name: host.to_owned(),
            provider: format!("TODO: who runs {host}"),
            purpose: todo_text("what it does for the site"),
            cookies: Vec::new(),
            privacy_policy: None,
            hosts: if third_party && is_host_pattern(host) {
                vec![host.to_owned()]
            } else {
                Vec::new()
            },
        });
        services.len() - 1
    });
    &mut services[position]
}

fn todo_text(what: &str) -> Localized {
    Localized(BTreeMap::from([("en".to_owned(), format!("TODO: {what}"))]))
}

/// How long a cookie or key lives, as a visitor reads it.
fn duration(kind: Kind, expires: Option<f64>) -> String {
    match (kind, expires) {
        (Kind::LocalStorage, _) => "until deleted".to_owned(),
        (_, None) => "session".to_owned(),
        (_, Some(expires)) => {
            let now = jiff::Timestamp::now().as_second() as f64;
            let days = ((expires - now) / 86_400.0).max(0.0);
            if days < 1.0 {
                "less than a day".to_owned()
            } else if days < 60.0 {
                format!("{} days", days.round())
            } else {
                format!("{} months", (days / 30.44).round())
            }
        }
    }
}

/// `[business.consent]` as it is written in the configuration.
fn notice_toml(notice: &ConsentNotice) -> anyhow::Result<String> {
    #[derive(Serialize)]
    struct Section<'a> {
        business: Business<'a>,
    }
    #[derive(Serialize)]
    struct Business<'a> {
        consent: &'a ConsentNotice,
    }
    Ok(toml::to_string(&Section {
        business: Business { consent: notice },
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> ConsentNotice {
        toml::from_str::<toml::Table>(
            r#"[business.consent]
               version = "v1"
               privacy_policy = "https://bistro.example/privacy"
               [[business.consent.categories]]
               id = "analytics"
               description = { en = "Counts visits" }
               [[business.consent.categories.services]]
               name = "Stats"
               provider = "Example Analytics"
               purpose = { en = "Statistics" }
               cookies = [{ name = "_st_*", duration = "13 months" }]
               hosts = ["stats.example"]"#,
        )
        .ok()
        .and_then(|table| table["business"]["consent"].clone().try_into().ok())
        .expect("a notice")
    }

    fn seen(phase: Phase, kind: Kind, name: &str, by: &str) -> Observation {
        Observation {
            page: "https://bistro.example/".to_owned(),
            phase,
            kind,
            name: name.to_owned(),
            by: by.to_owned(),
            expires: None,
            domain: String::new(),
        }
    }

    #[test]
    fn hosts_and_cookie_families_match_as_declared() {
        assert!(host_matches("stats.example", "https://stats.example:8443"));
        assert!(host_matches("127.0.0.1:8080", "http://127.0.0.1:8080"));
        assert!(!host_matches("127.0.0.1:8080", "http://127.0.0.1:9090"));
        assert!(host_matches("*.ytimg.com", "https://i.ytimg.com"));
        assert!(!host_matches(
            "*.ytimg.com",
            "https://ytimg.com.evil.example"
        ));
        assert!(cookie_matches("_ga_*", "_ga_XYZ"));
        assert!(!cookie_matches("_ga", "_ga_XYZ"));
    }

    #[test]
    fn optional_things_before_a_choice_fail_and_undeclared_ones_are_suggested() {
        let sealbook = BTreeSet::from(["https://book.example".to_owned()]);
        let gated = [Gated {
            category: "analytics".to_owned(),
            src: "https://tags.example/tag.js".to_owned(),
        }];
        let observations = [
            seen(Phase::Before, Kind::Cookie, CONSENT_COOKIE, ""),
            seen(Phase::Before, Kind::Request, "https://book.example", ""),
            seen(
                Phase::AfterAccept,
                Kind::Cookie,
                "_st_id",
                "https://stats.example/s.js",
            ),
            seen(
                Phase::AfterAccept,
                Kind::Request,
                "https://stats.example",
                "",
            ),
        ];
        let clean = Findings::new(&notice(), &observations, &gated, &sealbook);
        assert!(clean.passes());
        assert!(clean.suggested.is_none());

        let mut observations = observations.to_vec();
        observations.push(seen(
            Phase::AfterAccept,
            Kind::Cookie,
            "_tag",
            "https://tags.example/tag.js",
        ));
        observations.push(seen(
            Phase::AfterAccept,
            Kind::Request,
            "https://tags.example",
            "https://tags.example/tag.js",
        ));
        let undeclared = Findings::new(&notice(), &observations, &gated, &sealbook);
        assert!(!undeclared.passes());
        let suggested = undeclared.suggested.clone().expect("a suggestion");
        assert_eq!(suggested.version, "v1+scan", "every visitor is asked again");
        let service = &suggested.categories[0].services[1];
        assert_eq!(service.name, "tags.example");
        assert_eq!(service.hosts, ["tags.example"]);
        assert_eq!(service.cookies[0].name, "_tag");
        // Pasted in, it declares everything.
        let text = notice_toml(&suggested).expect("TOML");
        let table: toml::Table = toml::from_str(&text).expect("valid TOML");
        let pasted: ConsentNotice = table["business"]["consent"]
            .clone()
            .try_into()
            .expect("a notice");
        assert_eq!(pasted, suggested);
        assert!(Findings::new(&pasted, &observations, &gated, &sealbook).passes());

        observations.push(seen(
            Phase::Before,
            Kind::Request,
            "https://tracker.example",
            "https://tracker.example/t.js",
        ));
        let early = Findings::new(&pasted, &observations, &gated, &sealbook);
        assert!(!early.passes());
        let tracker = early
            .items
            .iter()
            .find(|item| item.name == "https://tracker.example")
            .expect("the tracker");
        assert_eq!(tracker.verdict, Verdict::BeforeChoice);
        // Declared or not, it ran before the choice: still a failure.
        let declared = early.suggested.clone().expect("a suggestion");
        assert!(!Findings::new(&declared, &observations, &gated, &sealbook).passes());
    }

    #[test]
    fn a_suggestion_names_the_cookies_site_and_keeps_to_the_notices_categories() {
        let sealbook = BTreeSet::new();
        // Another tool's category name on the page; a cookie a response set.
        let gated = [Gated {
            category: "statistics".to_owned(),
            src: "https://tags.example/tag.js".to_owned(),
        }];
        let mut from_a_response = seen(
            Phase::AfterAccept,
            Kind::Cookie,
            "VISITOR_INFO",
            "a response from .youtube.com",
        );
        from_a_response.domain = ".youtube.com".to_owned();
        let observations = [
            seen(
                Phase::AfterAccept,
                Kind::Cookie,
                "_tag",
                "https://tags.example/tag.js",
            ),
            from_a_response,
        ];
        let findings = Findings::new(&notice(), &observations, &gated, &sealbook);
        let suggested = findings.suggested.expect("a suggestion");
        let marketing = suggested
            .categories
            .iter()
            .find(|category| category.id == "marketing")
            .expect("marketing, since statistics is no category of a notice");
        let names: Vec<&str> = marketing.services.iter().map(|s| s.name.as_str()).collect();
        // In the order of the findings: by kind, then name.
        assert_eq!(names, ["youtube.com", "tags.example"]);
        assert_eq!(marketing.services[0].cookies[0].name, "VISITOR_INFO");
        assert!(sealbook_server::consent::problem(&suggested).is_none());
    }
}
