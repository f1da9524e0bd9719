//! `sealbook business init`: the owner's inbox account for a business, with the
//! owner's wrapped copy of the business key — the encrypted key file exactly as
//! `sealbook keygen` wrote it, which the server stores and cannot open.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use sealbook_envelope::Identity;
use sealbook_envelope::keyfile::decrypt_key;
use sealbook_server::auth::password;
use sealbook_server::ids::StaffId;
use sealbook_server::storage::{AccountError, NewStaff, Role, WrappedKey};
use sealbook_server::{Config, Storage};

use crate::passphrase;

/// What `business init` was given.
#[derive(Debug)]
pub(crate) struct InitArgs<'a> {
    pub(crate) config: &'a Path,
    pub(crate) business: &'a str,
    pub(crate) email: &'a str,
    pub(crate) password_file: &'a Path,
    pub(crate) key: &'a Path,
    pub(crate) passphrase_file: Option<&'a Path>,
}

/// The owner's password, from its file (one line).
fn read_password(path: &Path) -> anyhow::Result<String> {
    let password = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the password file {}", path.display()))?
        .trim_end_matches(['\r', '\n'])
        .to_owned();
    if password.chars().count() < password::MIN_PASSWORD_CHARS {
        bail!(
            "the password must have at least {} characters",
            password::MIN_PASSWORD_CHARS
        );
    }
    Ok(password)
}

/// The key file's encrypted PKCS#8 DER and the key id it holds (which needs
/// the passphrase: the key id is a hash of the public half).
fn read_key(path: &Path, passphrase: &str) -> anyhow::Result<(Vec<u8>, String)> {
    let pem =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let (label, der) = pkcs8::der::pem::decode_vec(pem.as_bytes())
        .map_err(|_| anyhow::anyhow!("{} is not a PEM key file", path.display()))?;
    if label != "ENCRYPTED PRIVATE KEY" {
        bail!(
            "{} is not an encrypted key file (`sealbook keygen` writes one)",
            path.display()
        );
    }
    let plain = decrypt_key(&der, passphrase.as_bytes())
        .map_err(|_| anyhow::anyhow!("cannot decrypt {} (wrong passphrase?)", path.display()))?;
    let identity = Identity::from_pkcs8_der(&plain)
        .with_context(|| format!("{} is not a usable key", path.display()))?;
    Ok((der, identity.kid().as_str().to_owned()))
}

pub(crate) fn init(args: &InitArgs<'_>) -> anyhow::Result<()> {
    let config = Config::load(args.config)
        .with_context(|| format!("cannot load {}", args.config.display()))?;
    let business = config
        .business(args.business)
        .with_context(|| format!("no business {:?} in the configuration", args.business))?;
    let email = args.email.trim().to_lowercase();
    if !email.contains('@') {
        bail!("{:?} is not an e-mail address", args.email);
    }
    let password = read_password(args.password_file)?;
    let passphrase = passphrase::read(
        args.passphrase_file,
        "Passphrase for the private key: ",
        false,
    )?;
    let (blob, kid) = read_key(args.key, &passphrase)?;
    if !business.keys.iter().any(|key| key.kid.as_str() == kid) {
        bail!(
            "{} holds {kid}, which is not a key of {} in the configuration",
            args.key.display(),
            args.business
        );
    }
    let password_hash = password::hash(&password)?;
    let created = tokio::runtime::Runtime::new()?.block_on(async {
        let storage = Storage::open(&config.database)
            .await
            .context("cannot open the database")?;
        if let Some(existing) = storage.staff_by_email(&email).await?
            && existing.role == Role::Owner
            && existing.business == business.id
        {
            storage.close().await;
            return anyhow::Ok(false);
        }
        let staff = NewStaff {
            id: StaffId::generate().context("no randomness")?,
            business: business.id.clone(),
            email: email.clone(),
            role: Role::Owner,
            password_hash,
            created_at: jiff::Timestamp::now().as_second(),
        };
        let result = storage
            .create_staff(&staff, &[WrappedKey { kid, blob }])
            .await;
        storage.close().await;
        match result {
            Ok(()) => Ok(true),
            Err(AccountError::OwnerExists) => {
                bail!(
                    "{} already has an owner; staff are invited from the inbox",
                    args.business
                )
            }
            Err(AccountError::EmailTaken) => bail!("{email} already has an account"),
            Err(AccountError::Database(error)) => Err(error.into()),
        }
    })?;
    let mut stdout = std::io::stdout().lock();
    if created {
        writeln!(stdout, "owner {email} of {} created", args.business)?;
    } else {
        writeln!(stdout, "owner {email} of {} already exists", args.business)?;
    }
    Ok(())
}
