//! A business's consent notice (DESIGN §6): the cookie categories its site uses,
//! the services in each, the notice's version and privacy policy. Served in the
//! public profile for the widget to show; consent records refer to it.

/// The categories a notice may use, in the order they are shown.
pub const CATEGORIES: [&str; 4] = ["necessary", "preferences", "analytics", "marketing"];

// The notice is configured here and served as it is (but for its retention),
// so it is defined with the API bodies.
pub use sealbook_wire::api::notice::{Category, ConsentNotice, ConsentService, Cookie};

/// Why the notice cannot be used, if it cannot.
pub fn problem(notice: &ConsentNotice) -> Option<String> {
    let max = crate::profile::MAX_RETENTION_DAYS;
    if notice.retention_days > max {
        return Some(format!(
            "consent.retention_days = {} is more than {max} days",
            notice.retention_days
        ));
    }
    if notice.version.trim().is_empty() {
        return Some("consent.version is empty".to_owned());
    }
    if let Some(problem) = link_problem(notice) {
        return Some(problem);
    }
    for (index, category) in notice.categories.iter().enumerate() {
        if !CATEGORIES.contains(&category.id.as_str()) {
            return Some(format!(
                "consent category {:?} is not one of {}",
                category.id,
                CATEGORIES.join(", ")
            ));
        }
        if notice.categories[..index]
            .iter()
            .any(|seen| seen.id == category.id)
        {
            return Some(format!("consent category {} is listed twice", category.id));
        }
    }
    service_name_problem(notice)
}

/// A page names a service in `data-service` and a record by its name, so each
/// name is one service: not empty, not spaced at its ends, declared once.
fn service_name_problem(notice: &ConsentNotice) -> Option<String> {
    let names: Vec<&str> = notice
        .categories
        .iter()
        .flat_map(|category| &category.services)
        .map(|service| service.name.as_str())
        .collect();
    for (index, name) in names.iter().enumerate() {
        if name.is_empty() || name.trim() != *name || name.contains(char::is_control) {
            return Some(format!(
                "consent service name {name:?} is empty, has spaces at its ends or control characters"
            ));
        }
        if names[..index].contains(name) {
            return Some(format!("consent service {name:?} is declared twice"));
        }
    }
    notice
        .categories
        .iter()
        .flat_map(|category| &category.services)
        .flat_map(|service| service.hosts.iter().map(move |host| (service, host)))
        .find(|(_, host)| !is_host_pattern(host))
        .map(|(service, host)| {
            format!(
                "consent service {:?} lists host {host:?}: write a host name, host:port or *.domain, without scheme or path",
                service.name
            )
        })
}

/// `example.com`, `127.0.0.1:8080` or `*.example.com`: what a scan compares a
/// request's host with.
pub fn is_host_pattern(pattern: &str) -> bool {
    let host = pattern.strip_prefix("*.").unwrap_or(pattern);
    let (name, port) = host.rsplit_once(':').unwrap_or((host, "1"));
    !name.is_empty()
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && port.parse::<u16>().is_ok_and(|port| port > 0)
}

/// The first link of the notice the banner would not make a link of, named
/// by its place in the configuration.
fn link_problem(notice: &ConsentNotice) -> Option<String> {
    let services = notice
        .categories
        .iter()
        .enumerate()
        .flat_map(|(c, category)| {
            category
                .services
                .iter()
                .enumerate()
                .filter_map(move |(s, service)| {
                    let field =
                        format!("business.consent.categories[{c}].services[{s}].privacy_policy");
                    service.privacy_policy.as_deref().map(|url| (field, url))
                })
        });
    std::iter::once((
        "business.consent.privacy_policy".to_owned(),
        notice.privacy_policy.as_str(),
    ))
    .chain(services)
    .find(|(_, url)| !is_link_url(url))
    .map(|(field, url)| {
        format!("{field} {url:?} is not an https URL (nor http to localhost, 127.0.0.1 or [::1])")
    })
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
