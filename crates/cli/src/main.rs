//! `sealbook`: run the server, make business keys, and open bookings locally.

mod audit;
mod bookings;
mod business;
mod consents;
mod courier;
mod database;
mod keygen;
mod passphrase;
mod scan;
mod schedule_import;
mod serve;
mod snippet;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "sealbook",
    version,
    about = "End-to-end encrypted bookings for restaurants and clinics"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (API, widget, demo pages).
    Serve {
        /// The configuration file.
        #[arg(long, default_value = "sealbook.toml")]
        config: PathBuf,
    },
    /// Generate a business key pair (RSA-3072) and print the script tag to embed.
    Keygen {
        /// The business id the key is for.
        #[arg(long)]
        business: String,
        /// `booking` opens bookings (staff); `courier` opens the contact cards
        /// visitors leave for their confirmation and reminders (the courier).
        #[arg(long, value_enum, default_value_t = keygen::Role::Booking)]
        role: keygen::Role,
        /// Folder for `<business>.pub.pem` and the encrypted `<business>.key.pem`.
        #[arg(long)]
        out: PathBuf,
        /// Read the passphrase from this file instead of prompting.
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// Where the server runs, for the printed script tag.
        #[arg(long, default_value = "https://book.example.com")]
        server_url: String,
    },
    /// Send visitors their confirmation, reminders and change notices: the
    /// business's courier, run on its own machine with the courier key.
    Courier {
        /// The courier's settings file (docs/COURIER.md).
        #[arg(long, default_value = "courier.toml")]
        config: PathBuf,
    },
    /// Print the script tag to paste into a business's site: its active keys
    /// pinned, and the integrity of the `embed.js` this server serves.
    Snippet {
        /// The configuration file.
        #[arg(long, default_value = "sealbook.toml")]
        config: PathBuf,
        /// The business id.
        #[arg(long)]
        business: String,
        /// Where visitors' browsers reach the server (default: `public_url` in the configuration).
        #[arg(long)]
        server_url: Option<String>,
        /// The public key file of each key to pin (`<business>.pub.pem`, as
        /// `sealbook keygen` wrote it): the pins come from your files, never
        /// from the server's configuration.
        #[arg(long = "public-key", required_unless_present = "integrity_only")]
        public_keys: Vec<PathBuf>,
        /// The courier's public key file (`<business>.courier.pub.pem`), to pin
        /// as `data-courier-keys` when the business sends visitors messages.
        #[arg(long = "courier-public-key")]
        courier_public_keys: Vec<PathBuf>,
        /// Print only the integrity value of the `embed.js` being served: after
        /// an upgrade it is all that changes in the tag.
        #[arg(long)]
        integrity_only: bool,
    },
    /// Consent records (they hold no personal data).
    #[command(visible_alias = "consent")]
    Consents {
        #[command(subcommand)]
        command: ConsentsCommand,
    },
    /// Work with stored bookings.
    Bookings {
        #[command(subcommand)]
        command: BookingsCommand,
    },
    /// Create the database if needed and bring its schema up to date.
    Migrate {
        /// sqlite://path or postgres://user@host/database.
        #[arg(long)]
        db: String,
    },
    /// A business's owner account and schedule.
    Business {
        #[command(subcommand)]
        command: BusinessCommand,
    },
    /// Operate on whole databases.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// The audit log of inbox actions.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the audit log's hash chains: prints each chain's entry count and
    /// head, or its first broken link, and exits 3 if any link is broken.
    Verify {
        /// sqlite://path or postgres://user@host/database.
        #[arg(long)]
        db: String,
        /// Only this business's chain.
        #[arg(long)]
        business: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum BusinessCommand {
    /// Create the business's owner account with the owner's copy of the
    /// business key (the encrypted key file; the server cannot open it).
    /// Does nothing if this owner exists already.
    Init {
        /// The configuration file (its database and the business's keys).
        #[arg(long, default_value = "sealbook.toml")]
        config: PathBuf,
        /// The business id.
        #[arg(long)]
        business: String,
        /// The owner's e-mail address: their inbox login.
        #[arg(long)]
        email: String,
        /// A file holding the owner's inbox password (at least 12 characters).
        #[arg(long)]
        password_file: PathBuf,
        /// The encrypted private key file `sealbook keygen` wrote
        /// (`<business>.key.pem`). It is stored as it is: no passphrase is
        /// asked and the key is never decrypted here.
        #[arg(long)]
        key: PathBuf,
        /// The key's public key file, which gives its key id (default: the
        /// `.pub.pem` beside the `.key.pem`).
        #[arg(long)]
        public_key: Option<PathBuf>,
    },
    /// Copy the schedule (hours, closures, exceptional days, slot rules,
    /// seating or services and practitioners) from the configuration file into
    /// the database, which every server reads: shows what changes and asks
    /// first. A new business's schedule is copied by `serve` on its own.
    Import {
        /// The configuration file.
        #[arg(long, default_value = "sealbook.toml")]
        config: PathBuf,
        /// Only this business (default: every business in the file).
        #[arg(long)]
        business: Option<String>,
        /// Apply without asking.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
enum DbCommand {
    /// Copy every booking into another, empty database (e.g. SQLite → PostgreSQL).
    Copy {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// Write a consistent copy of a live SQLite database to a new file, while
    /// servers keep writing to it (PostgreSQL: use pg_dump, see docs/DEPLOY.md).
    Backup {
        /// sqlite://path of the database.
        #[arg(long)]
        db: String,
        /// The backup file; it must not exist.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ConsentsCommand {
    /// Print every consent record, oldest first.
    List {
        /// The database, e.g. sqlite://data/sealbook.db.
        #[arg(long, default_value = "sqlite://data/sealbook.db")]
        db: String,
        /// Only records of this business.
        #[arg(long)]
        business: Option<String>,
        #[arg(long, value_enum, default_value_t = ConsentFormat::Csv)]
        format: ConsentFormat,
    },
    /// Open the site's pages in headless Chromium before any choice, after Reject
    /// all and after Accept all, and check every cookie, storage key and third
    /// party against the notice the pages' Sealbook tag serves. Exits 1 when
    /// anything optional happens before a choice or after a refusal, or the
    /// notice leaves something out (then it prints a notice that declares it).
    Scan {
        /// The pages to start from; links on them to the same origin are followed.
        #[arg(required = true)]
        urls: Vec<String>,
        /// How many links away from the given pages to follow (0: only them).
        #[arg(long, default_value_t = 1)]
        depth: u32,
        /// At most this many pages.
        #[arg(long, default_value_t = 20)]
        max_pages: usize,
        /// How long each page is watched after it loads and after each click, in milliseconds.
        #[arg(long, default_value_t = 1500)]
        settle_ms: u64,
        #[arg(long, default_value = "/usr/bin/chromedriver")]
        chromedriver: PathBuf,
        #[arg(long, default_value = "/usr/bin/chromium")]
        chromium: PathBuf,
        #[arg(long, value_enum, default_value_t = scan::Format::Table)]
        format: scan::Format,
    },
}

/// How consent records are printed.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ConsentFormat {
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
enum BookingsCommand {
    /// Read envelopes from the database and open them on this machine.
    Open {
        /// The encrypted private key file (`<business>.key.pem`); repeat for retired keys.
        #[arg(long, required = true)]
        key: Vec<PathBuf>,
        /// Read the passphrase from this file instead of prompting.
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// The database, e.g. sqlite://data/sealbook.db.
        #[arg(long, default_value = "sqlite://data/sealbook.db")]
        db: String,
        /// Only bookings of this business.
        #[arg(long)]
        business: Option<String>,
        /// Only bookings starting on or after this date (YYYY-MM-DD, UTC).
        #[arg(long)]
        since: Option<jiff::civil::Date>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Write to this file (created with owner-only permissions) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// How opened bookings are printed.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Table,
    /// One row per booking, for spreadsheets.
    Csv,
    /// One event per booking, for calendars.
    Ics,
}

fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    let done = match cli.command {
        Command::Audit {
            command: AuditCommand::Verify { db, business },
        } => return audit::verify(&db, business.as_deref()),
        Command::Serve { config } => serve::run(&config),
        Command::Keygen {
            business,
            role,
            out,
            passphrase_file,
            server_url,
        } => keygen::run(
            &business,
            role,
            &out,
            passphrase_file.as_deref(),
            &server_url,
        ),
        Command::Courier { config } => courier::run(&config),
        Command::Snippet {
            config,
            business,
            server_url,
            public_keys,
            courier_public_keys,
            integrity_only,
        } => {
            if integrity_only {
                snippet::print_integrity(&config)
            } else {
                snippet::print(
                    &config,
                    &business,
                    server_url.as_deref(),
                    (&public_keys, &courier_public_keys),
                )
            }
        }
        Command::Consents {
            command:
                ConsentsCommand::List {
                    db,
                    business,
                    format,
                },
        } => consents::list(&db, business.as_deref(), format),
        Command::Consents {
            command:
                ConsentsCommand::Scan {
                    urls,
                    depth,
                    max_pages,
                    settle_ms,
                    chromedriver,
                    chromium,
                    format,
                },
        } => {
            return scan::run(&scan::ScanRequest {
                urls,
                depth,
                max_pages,
                chromedriver,
                chromium,
                settle: std::time::Duration::from_millis(settle_ms),
                format,
            });
        }
        Command::Migrate { db } => database::migrate(&db),
        Command::Business {
            command:
                BusinessCommand::Init {
                    config,
                    business,
                    email,
                    password_file,
                    key,
                    public_key,
                },
        } => business::init(&business::InitArgs {
            config: &config,
            business: &business,
            email: &email,
            password_file: &password_file,
            key: &key,
            public_key: public_key.as_deref(),
        }),
        Command::Business {
            command:
                BusinessCommand::Import {
                    config,
                    business,
                    yes,
                },
        } => schedule_import::run(&schedule_import::ImportArgs {
            config: &config,
            business: business.as_deref(),
            yes,
        }),
        Command::Db {
            command: DbCommand::Copy { from, to },
        } => database::copy(&from, &to),
        Command::Db {
            command: DbCommand::Backup { db, out },
        } => database::backup(&db, &out),
        Command::Bookings {
            command:
                BookingsCommand::Open {
                    key,
                    passphrase_file,
                    db,
                    business,
                    since,
                    format,
                    out,
                },
        } => bookings::open(&bookings::OpenArgs {
            keys: &key,
            passphrase_file: passphrase_file.as_deref(),
            db: &db,
            business: business.as_deref(),
            since,
            format,
            out: out.as_deref(),
        }),
    };
    done.map(|()| ExitCode::SUCCESS)
}
