//! `sealbook business init`: the owner's inbox account for a business, with the
//! owner's wrapped copy of the business key — the encrypted key file exactly as
//! `sealbook keygen` wrote it, which the server stores and cannot open.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use sealbook_envelope::Recipient;
use sealbook_server::auth::password;
use sealbook_server::ids::StaffId;
use sealbook_server::storage::{AccountError, NewStaff, Role, WrappedKey};
use sealbook_server::{Config, Storage};

/// What `business init` was given.
#[derive(Debug)]
pub(crate) struct InitArgs<'a> {
    pub(crate) config: &'a Path,
    pub(crate) business: &'a str,
    pub(crate) email: &'a str,
    pub(crate) password_file: &'a Path,
    pub(crate) key: &'a Path,
    /// The public key file; by default the `.pub.pem` beside a `.key.pem`.
    pub(crate) public_key: Option<&'a Path>,
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

/// The key file's encrypted PKCS#8 DER, as it is: it is stored unopened.
fn read_encrypted_key(path: &Path) -> anyhow::Result<Vec<u8>> {
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
    Ok(der)
}

/// Where the public key of `key` is: `--public-key`, or `NAME.pub.pem` beside
/// `NAME.key.pem` (as `sealbook keygen` writes them).
fn public_key_path(key: &Path, public_key: Option<&Path>) -> anyhow::Result<std::path::PathBuf> {
    if let Some(path) = public_key {
        return Ok(path.to_owned());
    }
    let name = key
        .file_name()
        .and_then(|name| name.to_str())
        .and_then(|name| name.strip_suffix(".key.pem"))
        .with_context(|| {
            format!(
                "{} is not named NAME.key.pem: give its public key with --public-key",
                key.display()
            )
        })?;
    Ok(key.with_file_name(format!("{name}.pub.pem")))
}

/// The key id of the public key in `path`.
fn read_kid(path: &Path) -> anyhow::Result<String> {
    let pem =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let recipient = Recipient::from_spki_pem(&pem)
        .with_context(|| format!("{} is not a usable public key", path.display()))?;
    Ok(recipient.kid().as_str().to_owned())
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
    let blob = read_encrypted_key(args.key)?;
    let public_key = public_key_path(args.key, args.public_key)?;
    let kid = read_kid(&public_key)?;
    if !business.keys.iter().any(|key| key.kid.as_str() == kid) {
        bail!(
            "{} is {kid}, which is not a key of {} in the configuration",
            public_key.display(),
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
