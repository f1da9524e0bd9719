//! `sealbook snippet`: the script tag a business pastes into its site.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use sealbook_server::Config;
use sealbook_server::embed::{embed_integrity, script_tag};

pub(crate) fn print(
    config_path: &Path,
    business: &str,
    server_url: Option<&str>,
) -> anyhow::Result<()> {
    let config = Config::load(config_path)?;
    let Some(server_url) = server_url.or(config.public_url.as_deref()) else {
        bail!(
            "say where visitors reach the server: --server-url, or public_url in the configuration"
        );
    };
    let Some(business) = config.business(business) else {
        bail!("{business} is not a business in {}", config_path.display());
    };
    if business.pinned_kids().next().is_none() {
        bail!("{} has no active or pending key to pin", business.id);
    }
    let integrity = embed_integrity(&config.widget_dir).with_context(|| {
        format!(
            "cannot read {}/embed.js (build the widget first)",
            config.widget_dir.display()
        )
    })?;
    writeln!(
        std::io::stdout().lock(),
        "{}",
        script_tag(server_url, business, Some(&integrity))
    )?;
    // On stderr, so that `sealbook snippet … > tag.html` holds the tag alone.
    writeln!(
        std::io::stderr().lock(),
        "The integrity value changes with every Sealbook release: paste the new tag after upgrading."
    )?;
    Ok(())
}
