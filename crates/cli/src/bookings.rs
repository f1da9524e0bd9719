//! `sealbook bookings open`: envelopes from the database, opened on this machine.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rsa::pkcs8::DecodePrivateKey;
use sealbook_envelope::Identity;
use sealbook_server::Storage;
use sealbook_server::ids::BusinessId;
use sealbook_server::storage::{BookingFilter, StoredBooking};
use serde_json::{Value, json};

use crate::{Format, passphrase};

#[derive(Debug)]
pub(crate) struct OpenArgs<'a> {
    pub keys: &'a [PathBuf],
    pub passphrase_file: Option<&'a Path>,
    pub db: &'a str,
    pub business: Option<&'a str>,
    pub since: Option<jiff::civil::Date>,
    pub format: Format,
}

pub(crate) fn open(args: &OpenArgs<'_>) -> anyhow::Result<()> {
    let identities = load_identities(args.keys, args.passphrase_file)?;
    if let Some(path) = args
        .db
        .strip_prefix("sqlite://")
        .filter(|path| !Path::new(path).exists())
    {
        bail!("no database at {path}");
    }
    let starts_from = args
        .since
        .map(|date| {
            date.to_zoned(jiff::tz::TimeZone::UTC)
                .map(|zoned| zoned.timestamp().as_second())
        })
        .transpose()
        .context("invalid --since date")?;
    let filter = BookingFilter {
        business: args.business.map(|id| BusinessId(id.to_owned())),
        starts_from,
    };
    let stored = tokio::runtime::Runtime::new()?.block_on(async {
        let storage = Storage::open(args.db)
            .await
            .context("cannot open the database")?;
        let bookings = storage
            .bookings(&filter)
            .await
            .context("cannot read bookings")?;
        storage.close().await;
        anyhow::Ok(bookings)
    })?;

    let mut opened = Vec::with_capacity(stored.len());
    let mut unopened = 0usize;
    for booking in &stored {
        match sealbook_envelope::open(&identities, &booking.envelope) {
            Ok(envelope) => opened.push(row(booking, &envelope.plaintext)),
            Err(_) => unopened += 1,
        }
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        Format::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&opened)?)?,
        Format::Table => print_table(&mut stdout, &opened)?,
    }
    if unopened > 0 {
        let mut stderr = std::io::stderr().lock();
        writeln!(
            stderr,
            "{unopened} of {} bookings could not be opened with the given keys",
            stored.len()
        )?;
    }
    Ok(())
}

fn load_identities(
    paths: &[PathBuf],
    passphrase_file: Option<&Path>,
) -> anyhow::Result<Vec<Identity>> {
    let passphrase = passphrase::read(passphrase_file, "Passphrase for the private key: ", false)?;
    paths
        .iter()
        .map(|path| {
            let pem = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let key = rsa::PrivateKey::from_pkcs8_encrypted_pem(&pem, passphrase.as_bytes())
                .map_err(|_| {
                    anyhow::anyhow!("cannot decrypt {} (wrong passphrase?)", path.display())
                })?;
            Identity::from_private_key(key)
                .with_context(|| format!("{} is not a usable key", path.display()))
        })
        .collect()
}

fn row(booking: &StoredBooking, plaintext: &[u8]) -> Value {
    let details = serde_json::from_slice::<Value>(plaintext)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(plaintext).into_owned()));
    json!({
        "id": booking.id.as_str(),
        "business": booking.business.0,
        "start": timestamp(booking.starts_at),
        "party_size": booking.party_size,
        "service": booking.service,
        "practitioner": booking.practitioner,
        "status": booking.status,
        "received": timestamp(booking.created_at),
        "booking": details,
    })
}

fn timestamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map_or_else(|_| seconds.to_string(), |time| time.to_string())
}

/// Decrypted text is the visitor's: control characters are shown as `�` so a
/// booking cannot move the cursor or restyle the operator's terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

fn print_table(out: &mut impl std::io::Write, rows: &[Value]) -> std::io::Result<()> {
    let text = |value: &Value| match value {
        Value::String(text) => printable(text),
        Value::Null => String::new(),
        other => printable(&other.to_string()),
    };
    let lines: Vec<[String; 7]> = rows
        .iter()
        .map(|row| {
            let booking = &row["booking"];
            let contact = booking["contact"]
                .as_object()
                .and_then(|contact| contact.values().next())
                .map(text)
                .unwrap_or_default();
            let party_or_service = if row["service"].is_null() {
                &row["party_size"]
            } else {
                &row["service"]
            };
            [
                text(&row["id"]),
                text(&row["start"]),
                text(party_or_service),
                text(&row["practitioner"]),
                text(&row["status"]),
                text(&booking["name"]),
                contact,
            ]
        })
        .collect();
    let header = [
        "REFERENCE",
        "START (UTC)",
        "PARTY/SERVICE",
        "WITH",
        "STATUS",
        "NAME",
        "CONTACT",
    ]
    .map(str::to_owned);
    let widths: Vec<usize> = (0..7)
        .map(|column| {
            std::iter::once(&header)
                .chain(&lines)
                .map(|line| line[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for line in std::iter::once(&header).chain(&lines) {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    writeln!(out, "{} booking(s)", lines.len())
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn terminal_escapes_in_bookings_are_neutralised() {
        assert_eq!(printable("Zoë\u{1b}[2J\u{7}"), "Zoë\u{fffd}[2J\u{fffd}");
    }
}
