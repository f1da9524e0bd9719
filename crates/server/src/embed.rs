//! The script tag a business pastes into its site (DESIGN §3). With the
//! `integrity` of `embed.js`, the visitor's browser runs only this build's
//! loader, and the loader in turn only this build's glue and wasm.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sealbook_wire::api::snippet;
use sha2::{Digest, Sha384};

use crate::config::Business;

/// `sha384-…` of the `embed.js` in `widget_dir`, as an `integrity` attribute holds it.
pub fn embed_integrity(widget_dir: &Path) -> std::io::Result<String> {
    Ok(integrity_of(&std::fs::read(widget_dir.join("embed.js"))?))
}

/// `sha384-…` of `loader`, the bytes of an `embed.js`.
pub(crate) fn integrity_of(loader: &[u8]) -> String {
    format!("sha384-{}", STANDARD.encode(Sha384::digest(loader)))
}

/// The tag that embeds `business`'s booking form, pinned to its active and
/// pending keys, and its courier's when it has one. `server_url` is where
/// `sealbook serve` is reached (empty: the same origin).
pub fn script_tag(server_url: &str, business: &Business, integrity: Option<&str>) -> String {
    let kids: Vec<&str> = business.pinned_kids().map(|kid| kid.as_str()).collect();
    let courier: Vec<&str> = business
        .pinned_courier_kids()
        .map(|kid| kid.as_str())
        .collect();
    snippet::script_tag(server_url, business.id.as_str(), &kids, &courier, integrity)
}

#[cfg(test)]
mod tests {
    use super::embed_integrity;

    #[test]
    fn integrity_is_the_sha384_of_the_loader() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("embed.js"), "alert(1)").expect("write");
        // `printf 'alert(1)' | openssl dgst -sha384 -binary | base64`
        assert_eq!(
            embed_integrity(dir.path()).expect("readable"),
            "sha384-HT2E9NfWiuQ/w1PRai+hTyqW16NIoCGA/m8VQDUopfAtcz6YQjtsMmQd5uRbVDpW"
        );
    }
}
