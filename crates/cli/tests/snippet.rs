//! `sealbook snippet`: the pins come from the owner's public key files, never
//! from the server's configuration, which may have been tampered with.

use std::path::Path;
use std::process::{Command, Output};

use sealbook_testkit::{Business, ServerConfig};

const PASSPHRASE: &str = "snippet test passphrase";

fn keygen(dir: &Path, business: &str, folder: &str) -> String {
    let passphrase = dir.join("passphrase");
    std::fs::write(&passphrase, PASSPHRASE).expect("passphrase");
    let output = Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["keygen", "--business", business, "--out"])
        .arg(dir.join(folder))
        .arg("--passphrase-file")
        .arg(&passphrase)
        .output()
        .expect("keygen runs");
    assert!(output.status.success(), "{output:?}");
    let pem = std::fs::read_to_string(dir.join(format!("{folder}/{business}.pub.pem")))
        .expect("public key");
    sealbook_envelope::Recipient::from_spki_pem(&pem)
        .expect("key")
        .kid()
        .as_str()
        .to_owned()
}

fn snippet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .current_dir(dir)
        .args([
            "snippet",
            "--business",
            "bistro",
            "--server-url",
            "https://book.example",
        ])
        .args(args)
        .output()
        .expect("snippet runs")
}

#[test]
fn the_tag_pins_the_owners_keys_and_warns_of_any_other() {
    let dir = tempfile::tempdir().expect("temp dir");
    let own = keygen(dir.path(), "bistro", "keys");
    let planted = keygen(dir.path(), "bistro", "attacker");
    std::fs::create_dir_all(dir.path().join("dist")).expect("dist");
    std::fs::write(dir.path().join("dist/embed.js"), "/* the loader */").expect("loader");
    // A configuration someone changed: their key is active beside the owner's.
    std::fs::write(
        dir.path().join("sealbook.toml"),
        ServerConfig::new("sqlite://sealbook.db")
            .set("widget_dir", "dist")
            .business(Business::bistro().extend(
                r#"
                max_party_size = 6
                hours = { mon = ["12:00-14:00"] }
                keys = [{ file = "keys/bistro.pub.pem" }, { file = "attacker/bistro.pub.pem" }]
                "#,
            ))
            .toml(),
    )
    .expect("config");

    let printed = snippet(dir.path(), &["--public-key", "keys/bistro.pub.pem"]);
    assert!(printed.status.success(), "{printed:?}");
    let tag = String::from_utf8_lossy(&printed.stdout);
    assert!(tag.contains(&format!("data-keys=\"{own}\"")), "{tag}");
    assert!(!tag.contains(&planted), "{tag}");
    assert!(tag.contains("integrity=\"sha384-"), "{tag}");
    let warnings = String::from_utf8_lossy(&printed.stderr);
    assert!(
        warnings.contains(&planted) && warnings.contains("not pinned"),
        "{warnings}"
    );

    // Without a public key file there are no pins to print.
    let refused = snippet(dir.path(), &[]);
    assert!(!refused.status.success(), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--public-key"));

    // After an upgrade only the integrity value changes; it is printed alone.
    let integrity = snippet(dir.path(), &["--integrity-only"]);
    assert!(integrity.status.success(), "{integrity:?}");
    let value = String::from_utf8_lossy(&integrity.stdout).trim().to_owned();
    assert!(value.starts_with("sha384-"), "{value}");
    assert!(tag.contains(&value), "{value} in {tag}");
}
