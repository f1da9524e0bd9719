//! `sealbook business import`: copies a business's schedule from
//! `sealbook.toml` into the database, where every server reads it. It first
//! shows what would change, setting by setting, and asks before applying; the
//! servers on that database take the new schedule up within a second.

use std::io::{BufRead as _, Write};
use std::path::Path;

use anyhow::{Context, bail};
use sealbook_server::businesses::misfits;
use sealbook_server::schedule::ScheduleSettings;
use sealbook_server::storage::{ScheduleAuthor, ScheduleError};
use sealbook_server::{Config, Storage};
use serde_json::Value;

/// What `business import` was given.
#[derive(Debug)]
pub(crate) struct ImportArgs<'a> {
    pub(crate) config: &'a Path,
    /// Only this business; every configured one when `None`.
    pub(crate) business: Option<&'a str>,
    /// Apply without asking.
    pub(crate) yes: bool,
}

/// One setting that differs, by its path (`hours.tue`, `seating.covers`,
/// `services[physio-30].duration_minutes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) path: String,
    pub(crate) before: Option<String>,
    pub(crate) after: Option<String>,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.before, &self.after) {
            (Some(before), Some(after)) => write!(f, "  ~ {}: {before} → {after}", self.path),
            (None, Some(after)) => write!(f, "  + {}: {after}", self.path),
            (Some(before), None) => write!(f, "  - {}: {before}", self.path),
            (None, None) => Ok(()),
        }
    }
}

/// The settings as flat `path = value` pairs: objects by member, lists of
/// things with an `id` by that id, other lists as one value.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Object(members) if !members.is_empty() => {
            for (key, member) in members {
                flatten(&join(key), member, out);
            }
        }
        Value::Array(items)
            if !items.is_empty()
                && items
                    .iter()
                    .all(|item| item.get("id").is_some_and(Value::is_string)) =>
        {
            for item in items {
                let id = item["id"].as_str().unwrap_or_default();
                flatten(&format!("{prefix}[{id}]"), item, out);
            }
        }
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

/// What changes from `before` (nothing stored yet: `None`) to `after`.
pub(crate) fn changes(before: Option<&ScheduleSettings>, after: &ScheduleSettings) -> Vec<Change> {
    let flat = |settings: Option<&ScheduleSettings>| {
        let mut out = Vec::new();
        if let Some(settings) = settings {
            let value = serde_json::to_value(settings).unwrap_or(Value::Null);
            flatten("", &value, &mut out);
        }
        out.into_iter()
            .collect::<std::collections::BTreeMap<String, String>>()
    };
    let (before, after) = (flat(before), flat(Some(after)));
    let mut paths: Vec<&String> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    paths
        .into_iter()
        .filter(|path| before.get(*path) != after.get(*path))
        .map(|path| Change {
            path: path.clone(),
            before: before.get(path).cloned(),
            after: after.get(path).cloned(),
        })
        .collect()
}

/// Asks on the terminal; anything but `y`/`yes` (or no answer at all) is no.
fn confirm(out: &mut impl Write, question: &str) -> anyhow::Result<bool> {
    write!(out, "{question} [y/N] ")?;
    out.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

pub(crate) fn run(args: &ImportArgs<'_>) -> anyhow::Result<()> {
    let config = Config::load(args.config)
        .with_context(|| format!("cannot load {}", args.config.display()))?;
    let businesses: Vec<_> = match args.business {
        Some(id) => vec![
            config
                .business(id)
                .with_context(|| format!("no business {id:?} in the configuration"))?,
        ],
        None => config.businesses.iter().collect(),
    };
    tokio::runtime::Runtime::new()?.block_on(async {
        let storage = Storage::open(&config.database)
            .await
            .context("cannot open the database")?;
        let mut result = Ok(());
        for business in businesses {
            result = import(&storage, business, args.yes).await;
            if result.is_err() {
                break;
            }
        }
        storage.close().await;
        result
    })
}

/// Shows what importing `business`'s schedule changes and, once confirmed, stores it.
async fn import(
    storage: &Storage,
    business: &sealbook_server::config::Business,
    yes: bool,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout();
    let id = &business.id;
    let stored = storage.schedule(id).await?;
    let changes = changes(stored.as_ref().map(|s| &s.settings), &business.schedule);
    if changes.is_empty() {
        writeln!(
            out,
            "{id}: the stored schedule is already the file's; nothing to do"
        )?;
        return Ok(());
    }
    match &stored {
        Some(stored) => writeln!(
            out,
            "{id}: changes to the stored schedule (revision {}, by {}):",
            stored.revision, stored.updated_by
        )?,
        None => writeln!(out, "{id}: no stored schedule yet; it will be:")?,
    }
    for change in &changes {
        writeln!(out, "{change}")?;
    }
    if !yes && !confirm(&mut out, &format!("Apply to {id}?"))? {
        writeln!(out, "{id}: nothing changed")?;
        return Ok(());
    }
    let expected = stored.as_ref().map_or(0, |stored| stored.revision);
    let changed = business
        .with_schedule(&business.schedule)
        .map_err(|reason| anyhow::anyhow!("{id}: {reason}"))?;
    match storage
        .replace_schedule(
            id,
            &business.schedule,
            Some(expected),
            ScheduleAuthor::Import,
            |upcoming| Ok(misfits(&changed, upcoming)),
        )
        .await
    {
        Ok(replaced) => {
            writeln!(
                out,
                "{id}: revision {} stored; every server on this database serves it within a second",
                replaced.revision
            )?;
            if !replaced.needs_attention.is_empty() {
                writeln!(
                    out,
                    "{id}: {} upcoming booking(s) no longer fit and are kept, marked \"needs attention\" \
                     in the inbox, where staff can read who to call",
                    replaced.needs_attention.len()
                )?;
            }
        }
        Err(ScheduleError::Stale(_)) => bail!(
            "{id}: the schedule was changed while you looked; run the import again to see the new changes"
        ),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use sealbook_server::schedule::{Seating, ServiceSettings};

    use super::*;

    fn settings() -> ScheduleSettings {
        ScheduleSettings {
            hours: BTreeMap::from([("tue".to_owned(), vec!["12:00-14:00".to_owned()])]),
            closures: Vec::new(),
            exceptions: Vec::new(),
            slot_interval_minutes: 15,
            min_lead_minutes: 60,
            horizon_days: 60,
            seating: Some(Seating {
                covers: 20,
                max_party_size: 6,
                turn_minutes: 90,
                large_party_message: None,
            }),
            services: Vec::new(),
            practitioners: Vec::new(),
        }
    }

    #[test]
    fn changes_name_each_setting_with_before_and_after() {
        let before = settings();
        let mut after = settings();
        after
            .hours
            .insert("tue".to_owned(), vec!["12:00-15:00".to_owned()]);
        after
            .hours
            .insert("wed".to_owned(), vec!["19:00-22:00".to_owned()]);
        after.seating.as_mut().expect("seating").covers = 18;
        let lines: Vec<String> = changes(Some(&before), &after)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                r#"  ~ hours.tue: ["12:00-14:00"] → ["12:00-15:00"]"#,
                r#"  + hours.wed: ["19:00-22:00"]"#,
                "  ~ seating.covers: 20 → 18",
            ]
        );
        assert!(changes(Some(&before), &before).is_empty());
    }

    #[test]
    fn services_are_compared_by_id() {
        let service = |id: &str, minutes| ServiceSettings {
            id: id.to_owned(),
            name: Default::default(),
            duration_minutes: minutes,
            buffer_minutes: 0,
        };
        let mut before = settings();
        before.seating = None;
        before.services = vec![service("a", 30), service("b", 45)];
        let mut after = before.clone();
        after.services = vec![service("b", 60)];
        let paths: Vec<String> = changes(Some(&before), &after)
            .into_iter()
            .map(|change| change.path)
            .collect();
        assert_eq!(
            paths,
            [
                "services[a].buffer_minutes",
                "services[a].duration_minutes",
                "services[a].id",
                "services[a].name",
                "services[b].duration_minutes",
            ]
        );
    }
}
