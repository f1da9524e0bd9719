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

use sealbook_export as export;

use crate::{Format, passphrase};

#[derive(Debug)]
pub(crate) struct OpenArgs<'a> {
    pub keys: &'a [PathBuf],
    pub passphrase_file: Option<&'a Path>,
    pub db: &'a str,
    pub business: Option<&'a str>,
    pub since: Option<jiff::civil::Date>,
    pub format: Format,
    pub out: Option<&'a Path>,
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
        business: args.business.map(BusinessId::new),
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

    let (opened, unopened) = open_all(&identities, &stored);
    let output = match args.format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&opened)?).into_bytes(),
        Format::Table => {
            let mut table = Vec::new();
            print_table(&mut table, &opened)?;
            table
        }
        Format::Csv => export::csv(&opened)?,
        Format::Ics => export::ics(&opened).into_bytes(),
    };
    match args.out {
        Some(path) => write_private_file(path, &output)?,
        None => std::io::stdout().lock().write_all(&output)?,
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

/// Opens every booking, on all cores (RSA decryption is the cost: ~5 ms each),
/// with a progress bar on the terminal for long runs. Returns the opened rows in
/// the stored order and how many no key opened.
fn open_all(identities: &[Identity], stored: &[StoredBooking]) -> (Vec<Value>, usize) {
    let progress = indicatif::ProgressBar::new(u64::try_from(stored.len()).unwrap_or(u64::MAX));
    progress.set_style(
        indicatif::ProgressStyle::with_template("opening {pos}/{len} bookings {wide_bar} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if stored.len() < 200 {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let chunk = stored.len().div_ceil(workers).max(1);
    let opened: Vec<Option<Value>> = std::thread::scope(|scope| {
        let handles: Vec<_> = stored
            .chunks(chunk)
            .map(|bookings| {
                let progress = progress.clone();
                scope.spawn(move || {
                    bookings
                        .iter()
                        .map(|booking| {
                            let row = sealbook_envelope::open(identities, &booking.envelope)
                                .ok()
                                .map(|envelope| row(booking, &envelope.plaintext));
                            progress.inc(1);
                            row
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_default())
            .collect()
    });
    progress.finish_and_clear();
    let unopened = stored.len() - opened.iter().flatten().count();
    (opened.into_iter().flatten().collect(), unopened)
}

/// Decrypted bookings on disk: readable by the owner only, like the key file.
fn write_private_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(bytes)?;
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
        "business": booking.business.as_str(),
        "start": timestamp(booking.starts_at),
        "end": timestamp(booking.ends_at),
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
