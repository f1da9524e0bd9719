//! `sealbook business init`: the owner's account with the owner's wrapped copy
//! of the business key, made once, from files.

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine as _;

use sealbook_server::Storage;
use sealbook_server::auth::password;
use sealbook_server::storage::Role;

const PASSPHRASE: &str = "business init test passphrase";
const PASSWORD: &str = "the owner's inbox password";

/// `business init` with stdin closed: it must not wait for a passphrase.
fn init_with(dir: &Path, email: &str, extra: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["business", "init", "--business", "bistro", "--email", email])
        .arg("--config")
        .arg(dir.join("sealbook.toml"))
        .arg("--password-file")
        .arg(dir.join("password"))
        .arg("--key")
        .arg(dir.join("keys/bistro.key.pem"))
        .args(extra)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs")
}

fn init(dir: &Path, email: &str) -> Output {
    init_with(dir, email, &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn business_init_creates_the_owner_once_with_the_key_file_as_their_copy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let passphrase = dir.path().join("passphrase");
    std::fs::write(&passphrase, PASSPHRASE).expect("passphrase");
    std::fs::write(dir.path().join("password"), format!("{PASSWORD}\n")).expect("password");
    let keygen = Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["keygen", "--business", "bistro", "--out"])
        .arg(dir.path().join("keys"))
        .arg("--passphrase-file")
        .arg(&passphrase)
        .output()
        .expect("keygen runs");
    assert!(keygen.status.success(), "{keygen:?}");
    let public = std::fs::read_to_string(dir.path().join("keys/bistro.pub.pem")).expect("key");
    let database = format!("sqlite://{}", dir.path().join("sealbook.db").display());
    std::fs::write(
        dir.path().join("sealbook.toml"),
        format!(
            "database = \"{database}\"\n[[business]]\nid = \"bistro\"\nname = \"Bistro\"\n\
             keys = [{{ pem = \"\"\"{public}\"\"\" }}]\nkind = \"restaurant\"\ntimezone = \"Europe/Paris\"\n\
             covers = 8\nmax_party_size = 6\nhours = {{ mon = [\"11:00-23:00\"] }}\n"
        ),
    )
    .expect("config");

    // The key id comes from the public key: one that is not the business's
    // is refused, whatever the encrypted key file holds.
    let other = Command::new(env!("CARGO_BIN_EXE_sealbook"))
        .args(["keygen", "--business", "other", "--out"])
        .arg(dir.path().join("other"))
        .arg("--passphrase-file")
        .arg(&passphrase)
        .output()
        .expect("keygen runs");
    assert!(other.status.success(), "{other:?}");
    let other_public = dir.path().join("other/other.pub.pem");
    let refused = init_with(
        dir.path(),
        "owner@bistro.example",
        &["--public-key".as_ref(), other_public.as_os_str()],
    );
    assert!(!refused.status.success(), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not a key of bistro"),
        "{refused:?}"
    );

    // No passphrase anywhere (stdin is closed): the key is never decrypted on
    // the server host, only stored.
    let created = init(dir.path(), "Owner@Bistro.example");
    assert!(created.status.success(), "{created:?}");
    assert!(String::from_utf8_lossy(&created.stdout).contains("created"));
    let again = init(dir.path(), "owner@bistro.example");
    assert!(again.status.success(), "idempotent: {again:?}");
    assert!(String::from_utf8_lossy(&again.stdout).contains("already exists"));
    let second = init(dir.path(), "other@bistro.example");
    assert!(!second.status.success(), "one owner per business");
    assert!(String::from_utf8_lossy(&second.stderr).contains("already has an owner"));
    // Nothing secret is printed.
    for output in [&created, &again, &second] {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !text.contains(PASSWORD) && !text.contains(PASSPHRASE),
            "{text}"
        );
    }

    let storage = Storage::open(&database).await.expect("storage");
    let owner = storage
        .staff_by_email("owner@bistro.example")
        .await
        .expect("read")
        .expect("the owner");
    assert_eq!(owner.role, Role::Owner);
    assert_eq!(owner.business.as_str(), "bistro");
    assert!(owner.password_hash.starts_with("$argon2id$"));
    assert!(password::verify(PASSWORD, &owner.password_hash));
    let keys = storage.wrapped_keys(&owner.id).await.expect("keys");
    assert_eq!(keys.len(), 1);
    let kid = sealbook_envelope::Recipient::from_spki_pem(&public)
        .expect("key")
        .kid()
        .as_str()
        .to_owned();
    assert_eq!(keys[0].key.kid, kid);
    assert!(
        !keys[0].shared,
        "the owner's copy is under their own passphrase"
    );
    let pem = std::fs::read_to_string(dir.path().join("keys/bistro.key.pem")).expect("key");
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("PEM body");
    assert_eq!(
        keys[0].key.blob, der,
        "the owner's copy is the key file, un-PEMed"
    );
    assert_eq!(
        storage
            .staff_of(&owner.business)
            .await
            .expect("staff")
            .len(),
        1
    );
    storage.close().await;
}
