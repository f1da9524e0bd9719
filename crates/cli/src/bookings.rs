//! `sealbook bookings open`: envelopes from the database, opened on this machine.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rsa::pkcs8::DecodePrivateKey;
use sealbook_envelope::Identity;
use sealbook_server::Storage;
use sealbook_server::ids::BusinessId;
use sealbook_server::storage::{BookingFilter, StoredBooking};
use sealbook_wire::plaintext::Booking;
use serde_json::Value;

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
    let (rows, unreadable): (Vec<export::Row>, Vec<Option<Value>>) = opened
        .into_iter()
        .map(|opened| (opened.row, opened.unreadable))
        .unzip();
    let output = match args.format {
        Format::Json => {
            let json = rows
                .iter()
                .zip(unreadable)
                .map(|(row, unreadable)| json_row(row, unreadable))
                .collect::<serde_json::Result<Vec<_>>>()?;
            format!("{}\n", serde_json::to_string_pretty(&json)?).into_bytes()
        }
        Format::Table => {
            let mut table = Vec::new();
            print_table(&mut table, &rows)?;
            table
        }
        Format::Csv => export::csv(&rows)?,
        Format::Ics => export::ics(&rows).into_bytes(),
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

/// Opens every booking, on all cores (the RSA-3072 unwrap is the cost, about
/// 0.7 ms each with the native backend), with a progress bar on the terminal for
/// long runs. Returns the opened rows in the stored order and how many no key
/// opened.
fn open_all(identities: &[Identity], stored: &[StoredBooking]) -> (Vec<Opened>, usize) {
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
    let opened: Vec<Option<Opened>> = std::thread::scope(|scope| {
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

pub(crate) fn load_identities(
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

/// An opened booking as the exports take it, and as `--format json` shows it.
#[derive(Debug)]
struct Opened {
    row: export::Row,
    /// The plaintext, when it is not a booking this version reads: JSON as it
    /// is, anything else as text. `--format json` shows it in place of the
    /// booking; the other formats leave the booking's cells empty.
    unreadable: Option<Value>,
}

/// A row of `--format json`: the row, with an unreadable plaintext as it is.
fn json_row(row: &export::Row, unreadable: Option<Value>) -> serde_json::Result<Value> {
    let mut json = serde_json::to_value(row)?;
    if let Some(plaintext) = unreadable {
        json["booking"] = plaintext;
    }
    Ok(json)
}

fn row(booking: &StoredBooking, plaintext: &[u8]) -> Opened {
    let opened = Booking::from_plaintext(plaintext).ok();
    let unreadable = opened.is_none().then(|| {
        serde_json::from_slice::<Value>(plaintext)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(plaintext).into_owned()))
    });
    Opened {
        row: export::Row {
            id: booking.id.as_str().to_owned(),
            business: booking.business.as_str().to_owned(),
            start: timestamp(booking.starts_at),
            end: timestamp(booking.ends_at),
            party_size: Some(booking.party_size),
            service: booking.service.clone(),
            practitioner: booking.practitioner.clone(),
            status: booking.status.clone(),
            attendance: booking.attendance,
            received: timestamp(booking.created_at),
            booking: opened,
        },
        unreadable,
    }
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

fn print_table(out: &mut impl std::io::Write, rows: &[export::Row]) -> std::io::Result<()> {
    let text = |value: Option<&str>| printable(value.unwrap_or_default());
    let lines: Vec<[String; 8]> = rows
        .iter()
        .map(|row| {
            let booking = row.booking.as_ref();
            let party_or_service = match &row.service {
                Some(service) => printable(service),
                None => row
                    .party_size
                    .map(|size| size.to_string())
                    .unwrap_or_default(),
            };
            [
                printable(&row.id),
                printable(&row.start),
                party_or_service,
                text(row.practitioner.as_deref()),
                printable(&row.status),
                row.attendance
                    .map(|mark| mark.as_str().to_owned())
                    .unwrap_or_default(),
                text(booking.map(Booking::display_name)),
                text(booking.and_then(|b| b.contact_lines().next())),
            ]
        })
        .collect();
    let header = [
        "REFERENCE",
        "START (UTC)",
        "PARTY/SERVICE",
        "WITH",
        "STATUS",
        "ATTENDANCE",
        "NAME",
        "CONTACT",
    ]
    .map(str::to_owned);
    let widths: Vec<usize> = (0..8)
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
    use sealbook_wire::plaintext::Booking;
    use serde_json::{Value, json};

    use super::{export, json_row, print_table, printable};

    /// The CLI opens many bookings at once: it must build the envelope crate
    /// with the native RSA backend, not the pure-Rust reference.
    #[test]
    fn keys_open_with_the_native_backend() {
        let vectors: Value = serde_json::from_str(include_str!("../../../tests/vectors/v1.json"))
            .expect("vectors parse");
        let pem = vectors[0]["private_key_pem"].as_str().expect("a PEM key");
        let identity = sealbook_envelope::Identity::from_pkcs8_pem(pem).expect("a key");
        assert!(identity.opens_natively());
    }

    #[test]
    fn terminal_escapes_in_bookings_are_neutralised() {
        assert_eq!(printable("Zoë\u{1b}[2J\u{7}"), "Zoë\u{fffd}[2J\u{fffd}");
    }

    fn row(booking: Option<Booking>) -> export::Row {
        export::Row {
            id: "7KQ2".to_owned(),
            business: "bistro".to_owned(),
            start: "2026-12-04T18:30:00Z".to_owned(),
            end: "2026-12-04T20:00:00Z".to_owned(),
            party_size: Some(4),
            service: None,
            practitioner: None,
            status: "confirmed".to_owned(),
            attendance: None,
            received: "2026-11-26T10:00:00Z".to_owned(),
            booking,
        }
    }

    #[test]
    fn json_rows_show_the_booking_as_sealed() {
        let sealed = json!({ "v": 1, "name": "Zoë", "contact": { "email": "z@example.org" },
                             "added_by_a_newer_widget": [1, 2] });
        let booking = Booking::from_plaintext(sealed.to_string().as_bytes()).expect("a booking");
        let json = json_row(&row(Some(booking)), None).expect("JSON");
        assert_eq!(json["booking"], sealed);
        assert_eq!(json["party_size"], 4);
        assert_eq!(json["received"], "2026-11-26T10:00:00Z");
        // Not a booking this version reads: shown as it was sealed.
        let json = json_row(&row(None), Some(Value::from("not JSON"))).expect("JSON");
        assert_eq!(json["booking"], "not JSON");
    }

    #[test]
    fn the_table_shows_the_name_and_the_contact() {
        let booking = Booking::from_plaintext(
            br#"{"v":1,"name":"Zo\u001be","contact":{"email":"z@example.org"}}"#,
        )
        .expect("a booking");
        let mut table = Vec::new();
        let mut no_show = row(None);
        no_show.status = "cancelled".to_owned();
        no_show.attendance = Some(sealbook_wire::api::inbox::Attendance::NoShow);
        print_table(&mut table, &[row(Some(booking)), no_show]).expect("written");
        let table = String::from_utf8(table).expect("UTF-8");
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].contains("STATUS     ATTENDANCE"), "{table}");
        assert!(lines[1].ends_with("Zo\u{fffd}e  z@example.org"), "{table}");
        assert!(lines[2].ends_with("cancelled  no_show"), "{table}");
        assert_eq!(lines[3], "2 booking(s)");
    }
}
