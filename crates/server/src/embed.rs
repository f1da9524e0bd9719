//! The script tag a business pastes into its site (DESIGN §3). With the
//! `integrity` of `embed.js`, the visitor's browser runs only this build's
//! loader, and the loader in turn only this build's glue and wasm.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
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
        .courier
        .iter()
        .flat_map(|courier| courier.pinned_kids().map(|kid| kid.as_str()))
        .collect();
    script_tag_pinning(server_url, business.id.as_str(), &kids, &courier, integrity)
}

/// The `<script>` tag for `business` with `pins` as its `data-keys` and
/// `courier_pins` (if any) as its `data-courier-keys`: the tag an owner builds
/// from their own keys (`sealbook snippet --public-key`; the inbox builds the
/// same from the keys it has opened).
pub fn script_tag_pinning(
    server_url: &str,
    business: &str,
    pins: &[&str],
    courier_pins: &[&str],
    integrity: Option<&str>,
) -> String {
    let integrity = integrity.map_or_else(String::new, |hash| {
        format!(" integrity=\"{}\" crossorigin=\"anonymous\"", escape(hash))
    });
    let courier = if courier_pins.is_empty() {
        String::new()
    } else {
        format!(" data-courier-keys=\"{}\"", escape(&courier_pins.join(",")))
    };
    format!(
        "<script src=\"{}/widget/embed.js\"{integrity} data-business=\"{}\" data-keys=\"{}\"{courier} async></script>",
        escape(server_url.trim_end_matches('/')),
        escape(business),
        escape(&pins.join(",")),
    )
}

/// Text for HTML text or a double-quoted attribute.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
