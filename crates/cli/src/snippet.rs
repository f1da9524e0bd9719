//! `sealbook snippet`: the script tag a business pastes into its site.
//!
//! The pins come from the owner's own public key files, never from the
//! server's configuration: a configuration tampered with before an upgrade
//! (when owners re-paste the tag for its new integrity value) must not get an
//! attacker's key pinned. The configuration only gives the integrity of the
//! `embed.js` being served, and is compared with the pins.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sealbook_envelope::Recipient;
use sealbook_server::Config;
use sealbook_server::embed::embed_integrity;
use sealbook_wire::api::snippet::script_tag;

/// The key ids of the public key files, in the order given, each once.
fn pins_of(public_keys: &[PathBuf]) -> anyhow::Result<Vec<String>> {
    let mut pins: Vec<String> = Vec::new();
    for path in public_keys {
        let pem = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let kid = Recipient::from_spki_pem(&pem)
            .with_context(|| format!("{} is not a usable public key", path.display()))?
            .kid()
            .as_str()
            .to_owned();
        if !pins.contains(&kid) {
            pins.push(kid);
        }
    }
    if pins.is_empty() {
        bail!("give the public key file of each key to pin: --public-key keys/<business>.pub.pem");
    }
    Ok(pins)
}

fn integrity_of(config: &Config) -> anyhow::Result<String> {
    embed_integrity(&config.widget_dir).with_context(|| {
        format!(
            "cannot read {}/embed.js (build the widget first)",
            config.widget_dir.display()
        )
    })
}

pub(crate) fn print(
    config_path: &Path,
    business: &str,
    server_url: Option<&str>,
    (public_keys, courier_public_keys): (&[PathBuf], &[PathBuf]),
) -> anyhow::Result<()> {
    let pins = pins_of(public_keys)?;
    let courier_pins = if courier_public_keys.is_empty() {
        Vec::new()
    } else {
        pins_of(courier_public_keys)?
    };
    let config = Config::load(config_path)?;
    let Some(server_url) = server_url.or(config.public_url.as_deref()) else {
        bail!(
            "say where visitors reach the server: --server-url, or public_url in the configuration"
        );
    };
    let Some(configured) = config.business(business) else {
        bail!("{business} is not a business in {}", config_path.display());
    };
    let integrity = integrity_of(&config)?;
    let pinned: Vec<&str> = pins.iter().map(String::as_str).collect();
    let courier_pinned: Vec<&str> = courier_pins.iter().map(String::as_str).collect();
    writeln!(
        std::io::stdout().lock(),
        "{}",
        script_tag(
            server_url,
            business,
            &pinned,
            &courier_pinned,
            Some(&integrity)
        )
    )?;
    // On stderr, so that `sealbook snippet … > tag.html` holds the tag alone.
    let mut stderr = std::io::stderr().lock();
    let sealed_to: Vec<&str> = configured.pinned_kids().map(|kid| kid.as_str()).collect();
    for kid in sealed_to.iter().filter(|kid| !pinned.contains(kid)) {
        writeln!(
            stderr,
            "warning: the configuration has {kid} as a key to seal to, and none of your public \
             key files is it: it is not pinned. If it is not your key, the configuration was \
             changed by someone else."
        )?;
    }
    for kid in pinned.iter().filter(|kid| !sealed_to.contains(kid)) {
        writeln!(
            stderr,
            "warning: {kid} is pinned but is not an active or pending key in the configuration: \
             the form will not seal to it."
        )?;
    }
    let courier_sealed_to: Vec<&str> = configured
        .pinned_courier_kids()
        .map(|kid| kid.as_str())
        .collect();
    for kid in courier_sealed_to
        .iter()
        .filter(|kid| !courier_pinned.contains(kid))
    {
        writeln!(
            stderr,
            "warning: the configuration has {kid} as a courier key, and no --courier-public-key \
             file is it: it is not pinned, and the form offers no messages until it is."
        )?;
    }
    writeln!(
        stderr,
        "The integrity value changes with every Sealbook release: after an upgrade replace only \
         it (`sealbook snippet --integrity-only`), and keep your pins."
    )?;
    Ok(())
}

/// The integrity value alone, for the tag already on the site.
pub(crate) fn print_integrity(config_path: &Path) -> anyhow::Result<()> {
    let config = Config::load(config_path)?;
    writeln!(std::io::stdout().lock(), "{}", integrity_of(&config)?)?;
    Ok(())
}
