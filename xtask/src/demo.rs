//! `cargo xtask demo`: the widget built, two demo businesses with keys made on
//! first run, and the server on an embedded SQLite file under `data/`.

use std::path::Path;
use std::process::Command;

use anyhow::Context;

use crate::{build_widget, cargo, tools};

/// Printed so a newcomer can open the demo bookings with the CLI.
const DEMO_PASSPHRASE: &str = "sealbook demo passphrase";
const BUSINESSES: [(&str, &str, &str); 2] = [
    ("bistro-du-coin", "Bistro du Coin", "restaurant"),
    ("praxis-am-see", "Physiotherapie am See", "clinic"),
];

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
    for (id, _, _) in BUSINESSES {
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

    let base = format!("http://127.0.0.1:{port}");
    eprintln!();
    eprintln!("Sealbook demo");
    eprintln!("  restaurant (French):  {base}/demo/restaurant.html");
    eprintln!("  clinic (German):      {base}/demo/clinic.html");
    eprintln!("  inbox:                not built yet; open bookings with the CLI:");
    eprintln!(
        "    target/debug/sealbook bookings open --db sqlite://data/sealbook.db --key data/keys/bistro-du-coin.key.pem --key data/keys/praxis-am-see.key.pem"
    );
    eprintln!("  demo key passphrase:  \"{DEMO_PASSPHRASE}\" (also in data/demo-passphrase.txt)");
    eprintln!("Stop with Ctrl-C.");
    eprintln!();
    crate::run(
        Command::new(&sealbook)
            .arg("serve")
            .arg("--config")
            .arg(&config),
    )
}

fn demo_config(port: u16) -> String {
    let mut config = format!(
        "# Written by `cargo xtask demo`; paths are relative to this file.\n\
         listen = \"127.0.0.1:{port}\"\n\
         database = \"sqlite://sealbook.db\"\n\
         widget_dir = \"../dist\"\n\
         www_dir = \"../www\"\n"
    );
    for (id, name, kind) in BUSINESSES {
        config.push_str(&format!(
            "\n# The demo {kind}\n[[business]]\nid = \"{id}\"\nname = \"{name}\"\nallowed_origins = [\"http://127.0.0.1:{port}\", \"http://localhost:{port}\"]\nkeys = [{{ file = \"keys/{id}.pub.pem\" }}]\n"
        ));
    }
    config
}
