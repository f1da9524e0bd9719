//! `sealbook keygen`: an RSA-3072 business key pair, the private half encrypted.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use sealbook_envelope::{Recipient, keyfile};

use crate::passphrase;

const KEY_BITS: usize = 3072;

/// What a key pair is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Role {
    /// Opens bookings: staff hold it.
    Booking,
    /// Opens contact cards and nothing else: the courier holds it.
    Courier,
}

pub(crate) fn run(
    business: &str,
    role: Role,
    out: &Path,
    passphrase_file: Option<&Path>,
    server_url: &str,
) -> anyhow::Result<()> {
    if business.is_empty()
        || !business
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        bail!("a business id uses only a-z, 0-9 and '-'");
    }
    let stem = match role {
        Role::Booking => business.to_owned(),
        Role::Courier => format!("{business}.courier"),
    };
    let public_path = out.join(format!("{stem}.pub.pem"));
    let private_path = out.join(format!("{stem}.key.pem"));
    if public_path.exists() || private_path.exists() {
        bail!(
            "{} already holds a key for {business}; refusing to overwrite it",
            out.display()
        );
    }
    let passphrase = passphrase::read(
        passphrase_file,
        "Passphrase for the new private key: ",
        true,
    )?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;

    let private =
        rsa::PrivateKey::new(&mut getrandom::SysRng, KEY_BITS).context("key generation failed")?;
    let public_pem = private
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .context("cannot encode the public key")?;
    // scrypt + AES-256-CBC (PKCS#5 PBES2): the file is useless without the passphrase.
    let private_pem = encrypt_private_key(&private, &passphrase)?;
    let kid = Recipient::from_spki_pem(&public_pem)
        .context("the new key is not usable")?
        .kid()
        .clone();

    std::fs::write(&public_path, &public_pem)
        .with_context(|| format!("cannot write {}", public_path.display()))?;
    write_private(&private_path, private_pem.as_bytes())?;

    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "kid: {kid}")?;
    writeln!(stdout, "public key:  {}", public_path.display())?;
    writeln!(
        stdout,
        "private key: {} (encrypted; keep it off the server)",
        private_path.display()
    )?;
    writeln!(stdout)?;
    if role == Role::Courier {
        writeln!(
            stdout,
            "This key opens the contact cards visitors leave for their messages, and nothing else.\n\
             Its private half goes to the machine that runs `sealbook courier` (docs/COURIER.md),\n\
             never to the server or to staff. In sealbook.toml, under the business:\n\
             \n  [business.courier]\n  keys = [{{ file = \"{}\" }}]\n\n\
             and pin it in the script tag with data-courier-keys=\"{kid}\" (`sealbook snippet\n\
             --courier-public-key {}` prints the whole tag).",
            public_path.display(),
            public_path.display()
        )?;
        return Ok(());
    }
    writeln!(
        stdout,
        "Rotating the key of an existing business? Add this key with status = \"pending\"\n\
         and paste the tag `sealbook snippet` prints, which pins both (docs/KEYS.md)."
    )?;
    writeln!(stdout)?;
    writeln!(
        stdout,
        "For a new business, paste this where the booking form should appear:"
    )?;
    writeln!(
        stdout,
        "<script src=\"{}/widget/embed.js\" data-business=\"{business}\" data-keys=\"{kid}\"></script>",
        server_url.trim_end_matches('/')
    )?;
    Ok(())
}

/// PKCS#8 `ENCRYPTED PRIVATE KEY` with PBES2: scrypt + AES-256-CBC (the format
/// the inbox opens in the browser; see `sealbook_envelope::keyfile`).
fn encrypt_private_key(private: &rsa::PrivateKey, passphrase: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    getrandom::fill(&mut salt).context("no randomness for the salt")?;
    getrandom::fill(&mut iv).context("no randomness for the IV")?;
    let plain = private
        .to_pkcs8_der()
        .context("cannot encode the private key")?;
    let encrypted = keyfile::encrypt_key(plain.as_bytes(), passphrase.as_bytes(), salt, iv)
        .context("cannot encrypt the private key")?;
    pkcs8::der::pem::encode_string("ENCRYPTED PRIVATE KEY", LineEnding::LF, &encrypted)
        .context("cannot encode the encrypted key")
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
