//! `courier.toml`: where the courier finds the server, its token and keys, the
//! business's mail server and, if the business texts, its SMS provider.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sealbook_server::config::SmtpSettings;
use sealbook_server::mail::SmtpConfig;
use serde::Deserialize;

/// The courier's settings, resolved (files read, paths relative to the file).
#[derive(Debug)]
pub(crate) struct Settings {
    /// The Sealbook server, e.g. `https://book.example.com`.
    pub server: String,
    /// Where visitors' browsers reach the manage page: the cancel links' base.
    pub public_url: String,
    pub token: Secret,
    pub key_files: Vec<PathBuf>,
    pub passphrase_file: Option<PathBuf>,
    pub lease_seconds: u32,
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsSettings>,
}

/// A secret read from a file: never printed.
pub(crate) struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The SMS provider: one documented webhook (docs/COURIER.md).
#[derive(Debug)]
pub(crate) struct SmsSettings {
    pub webhook: String,
    pub token: Option<Secret>,
    /// The sender name or number the provider shows.
    pub sender: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    server: String,
    public_url: Option<String>,
    token_file: PathBuf,
    key_files: Vec<PathBuf>,
    passphrase_file: Option<PathBuf>,
    #[serde(default = "default_lease")]
    lease_seconds: u32,
    smtp: Option<SmtpSettings>,
    sms: Option<RawSms>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSms {
    webhook: String,
    token_file: Option<PathBuf>,
    sender: Option<String>,
}

fn default_lease() -> u32 {
    120
}

fn read_secret(base: &Path, file: &Path) -> anyhow::Result<Secret> {
    let path = base.join(file);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let text = text.trim();
    if text.is_empty() {
        bail!("{} is empty", path.display());
    }
    Ok(Secret(text.to_owned()))
}

fn is_http_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(char::is_whitespace)
}

impl Settings {
    pub(crate) fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let raw: RawSettings =
            toml::from_str(&text).with_context(|| format!("{} is not valid", path.display()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let server = raw.server.trim_end_matches('/').to_owned();
        if !is_http_url(&server) {
            bail!("server = {server:?} is not an http(s) URL");
        }
        let public_url = raw.public_url.map_or_else(
            || server.clone(),
            |url| url.trim_end_matches('/').to_owned(),
        );
        if !is_http_url(&public_url) {
            bail!("public_url = {public_url:?} is not an http(s) URL");
        }
        if raw.key_files.is_empty() {
            bail!("key_files names no courier key");
        }
        if !(10..=600).contains(&raw.lease_seconds) {
            bail!("lease_seconds must be from 10 to 600");
        }
        let smtp = raw
            .smtp
            .map(|smtp| smtp.resolve(base))
            .transpose()
            .map_err(|error| anyhow::anyhow!("[smtp]: {error}"))?;
        let sms = raw
            .sms
            .map(|sms| -> anyhow::Result<SmsSettings> {
                if !is_http_url(&sms.webhook) {
                    bail!("[sms] webhook = {:?} is not an http(s) URL", sms.webhook);
                }
                Ok(SmsSettings {
                    webhook: sms.webhook,
                    token: sms
                        .token_file
                        .map(|file| read_secret(base, &file))
                        .transpose()?,
                    sender: sms.sender,
                })
            })
            .transpose()?;
        if smtp.is_none() && sms.is_none() {
            bail!("give [smtp], [sms] or both: the courier has no way to send");
        }
        Ok(Self {
            server,
            public_url,
            token: read_secret(base, &raw.token_file)?,
            key_files: raw.key_files.iter().map(|file| base.join(file)).collect(),
            passphrase_file: raw.passphrase_file.map(|file| base.join(file)),
            lease_seconds: raw.lease_seconds,
            smtp,
            sms,
        })
    }
}
