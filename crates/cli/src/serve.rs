//! `sealbook serve`: the server process (the `sealbook-server` binary runs the
//! same, without the code that opens bookings).

use std::path::Path;

pub(crate) fn run(config_path: &Path) -> anyhow::Result<()> {
    sealbook_server::process::run(config_path)?;
    Ok(())
}
