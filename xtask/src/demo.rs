//! `cargo xtask demo`: the widget built, two demo businesses with keys made on
//! first run, and the server on an embedded SQLite file under `data/`.

use std::path::Path;
use std::process::Command;

use anyhow::Context;

use crate::{build_widget, cargo, tools};

/// Printed so a newcomer can open the demo bookings with the CLI.
const DEMO_PASSPHRASE: &str = "sealbook demo passphrase";
/// The demo owners' inbox password, printed with their logins.
const DEMO_PASSWORD: &str = "sealbook demo password";
const BUSINESSES: [&str; 2] = ["bistro-du-coin", "praxis-am-see"];

pub(crate) fn run(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let port: u16 = match args {
        [flag, port] if flag == "--port" => port.parse().context("--port takes a number")?,
        [] => 8080,
        _ => anyhow::bail!("usage: cargo xtask demo [--port N]"),
    };
    tools::ensure_widget_tools(root)?;
    build_widget(root)?;
    crate::run(cargo().args(["build", "-p", "sealbook"]))?;
    let sealbook = root.join("target/debug/sealbook");

    let data = root.join("data");
    let keys = data.join("keys");
    std::fs::create_dir_all(&keys).context("cannot create data/keys")?;
    let passphrase_file = data.join("demo-passphrase.txt");
    if !passphrase_file.exists() {
        std::fs::write(&passphrase_file, DEMO_PASSPHRASE)
            .context("cannot write the demo passphrase")?;
    }
    for id in BUSINESSES {
        if !keys.join(format!("{id}.pub.pem")).exists() {
            crate::run(
                Command::new(&sealbook)
                    .args([
                        "keygen",
                        "--business",
                        id,
                        "--server-url",
                        &format!("http://127.0.0.1:{port}"),
                    ])
                    .arg("--out")
                    .arg(&keys)
                    .arg("--passphrase-file")
                    .arg(&passphrase_file),
            )?;
        }
    }
    let config = data.join("sealbook.toml");
    std::fs::write(&config, demo_config(port)).context("cannot write data/sealbook.toml")?;
    let password_file = data.join("demo-password.txt");
    std::fs::write(&password_file, DEMO_PASSWORD).context("cannot write the demo password")?;
    // Idempotent: makes each owner on the first run, finds them afterwards.
    for id in BUSINESSES {
        crate::run(
            Command::new(&sealbook)
                .args(["business", "init", "--business", id])
                .args(["--email", &owner(id)])
                .arg("--config")
                .arg(&config)
                .arg("--password-file")
                .arg(&password_file)
                .arg("--key")
                .arg(keys.join(format!("{id}.key.pem"))),
        )?;
    }

    let base = format!("http://127.0.0.1:{port}");
    eprintln!();
    eprintln!("Sealbook demo");
    eprintln!("  restaurant (French):  {base}/demo/restaurant.html");
    eprintln!("  clinic (German):      {base}/demo/clinic.html");
    eprintln!("  staff inbox:          {base}/inbox/");
    for id in BUSINESSES {
        eprintln!("    login {:<32} password \"{DEMO_PASSWORD}\"", owner(id));
    }
    eprintln!("  demo key passphrase:  \"{DEMO_PASSPHRASE}\" (also in data/demo-passphrase.txt)");
    eprintln!("  or open bookings with the CLI:");
    eprintln!(
        "    target/debug/sealbook bookings open --db sqlite://data/sealbook.db --key data/keys/bistro-du-coin.key.pem --key data/keys/praxis-am-see.key.pem"
    );
    eprintln!("Stop with Ctrl-C.");
    eprintln!();
    crate::run(
        Command::new(&sealbook)
            .arg("serve")
            .arg("--config")
            .arg(&config),
    )
}

/// The demo owner's login for a business.
fn owner(business: &str) -> String {
    format!("owner@{business}.example")
}

/// The demo sites' cookie notice: the consent cookie itself, and the demo's
/// stand-in analytics script and ad pixel (www/demo/demo-*.js), which the demo
/// pages load from the other loopback name only once their category is granted.
const DEMO_NOTICE: &str = include_str!("demo-notice.toml");

fn demo_config(port: u16) -> String {
    let origins =
        format!("allowed_origins = [\"http://127.0.0.1:{port}\", \"http://localhost:{port}\"]");
    let notice = DEMO_NOTICE;
    format!(
        r#"# Written by `cargo xtask demo`; paths are relative to this file.
listen = "127.0.0.1:{port}"
database = "sqlite://sealbook.db"
widget_dir = "../dist"
www_dir = "../www"

# The demo restaurant: a Lyon bistro, 32 covers, lunch and dinner Tuesday to Saturday.
[[business]]
id = "bistro-du-coin"
name = "Bistro du Coin"
{origins}
keys = [{{ file = "keys/bistro-du-coin.pub.pem" }}]
kind = "restaurant"
timezone = "Europe/Paris"
covers = 32
max_party_size = 8
turn_minutes = 90
slot_interval_minutes = 15
min_lead_minutes = 60
horizon_days = 60
closures = ["2026-12-24", "2026-12-25", "2027-01-01"]
large_party_message = {{ fr = "Pour les groupes de plus de 8 personnes, appelez-nous au 04 78 00 00 00.", de = "Für Gruppen über 8 Personen rufen Sie uns bitte an: +33 4 78 00 00 00.", en = "For groups larger than 8, please call us on +33 4 78 00 00 00." }}
marketing_optins = ["email", "sms"]
[business.hours]
tue = ["12:00-14:00", "19:00-22:30"]
wed = ["12:00-14:00", "19:00-22:30"]
thu = ["12:00-14:00", "19:00-22:30"]
fri = ["12:00-14:00", "19:00-23:00"]
sat = ["12:00-14:30", "19:00-23:00"]
[[business.exceptions]]
date = "2026-12-31"
hours = ["19:00-24:00"]
[business.marketing]
email = {{ fr = "Nos menus de saison et nos soirées, une lettre par mois au plus.", de = "Unsere Saisonmenüs und Abende, höchstens ein Brief im Monat.", en = "Our seasonal menus and evenings, one letter a month at most." }}
sms = {{ fr = "Un SMS quand une table se libère un soir complet.", de = "Eine SMS, wenn an einem ausgebuchten Abend ein Tisch frei wird.", en = "A text when a table frees up on a fully booked evening." }}
# The bistro's own words for some texts of the translation files (i18n/*.json).
[business.texts.fr.visitor]
Heading = "Réserver une table au Bistro du Coin"
[business.texts.en.visitor]
Heading = "Book a table at Bistro du Coin"
{notice}

# The demo clinic: a physiotherapy practice in Konstanz with two therapists.
[[business]]
id = "praxis-am-see"
name = "Physiotherapie am See"
{origins}
keys = [{{ file = "keys/praxis-am-see.pub.pem" }}]
kind = "clinic"
timezone = "Europe/Berlin"
slot_interval_minutes = 15
min_lead_minutes = 120
horizon_days = 45
closures = ["2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"]
marketing_optins = ["email"]
[business.hours]
mon = ["07:30-19:00"]
tue = ["07:30-19:00"]
wed = ["07:30-13:00"]
thu = ["07:30-19:00"]
fri = ["07:30-15:00"]
[[business.services]]
id = "kg-30"
name = {{ de = "Krankengymnastik (30 Min.)", fr = "Kinésithérapie (30 min)", en = "Physiotherapy (30 min)" }}
duration_minutes = 30
buffer_minutes = 10
[[business.services]]
id = "mt-30"
name = {{ de = "Manuelle Therapie (30 Min.)", fr = "Thérapie manuelle (30 min)", en = "Manual therapy (30 min)" }}
duration_minutes = 30
buffer_minutes = 10
[[business.services]]
id = "ld-45"
name = {{ de = "Manuelle Lymphdrainage (45 Min.)", fr = "Drainage lymphatique manuel (45 min)", en = "Manual lymphatic drainage (45 min)" }}
duration_minutes = 45
buffer_minutes = 15
[[business.practitioners]]
id = "anna"
name = "Anna Keller"
services = ["kg-30", "mt-30", "ld-45"]
[[business.practitioners]]
id = "jonas"
name = "Jonas Brandt"
services = ["kg-30", "mt-30"]
hours = {{ mon = ["12:00-19:00"], tue = ["12:00-19:00"], thu = ["07:30-13:00"], fri = ["07:30-15:00"] }}
[business.marketing]
email = {{ de = "Übungen für zu Hause und Kurstermine, höchstens viermal im Jahr.", fr = "Exercices à faire chez soi et dates des cours, quatre fois par an au plus.", en = "Exercises for home and course dates, four times a year at most." }}
{notice}
"#
    )
}
