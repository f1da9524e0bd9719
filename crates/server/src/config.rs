//! `sealbook.toml`: the server's businesses, their public keys and allowed origins.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use sealbook_envelope::{KeyId, Recipient};
use serde::Deserialize;

use crate::ids::BusinessId;

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration in {path}: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("business {business}: key {index}: {reason}")]
    Key {
        business: BusinessId,
        index: usize,
        reason: String,
    },
    #[error("business {0} is configured twice")]
    DuplicateBusiness(BusinessId),
}

/// The lifecycle of a business key (DESIGN §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// Bookings are sealed to it.
    Active,
    /// Still opens old bookings; nothing new is sealed to it.
    Retired,
    /// Never sealed to again; uploads sealed to it are refused.
    Compromised,
}

/// A business public key, as served to the widget.
#[derive(Debug, Clone)]
pub struct BusinessKey {
    pub kid: KeyId,
    pub spki_der: Vec<u8>,
    pub status: KeyStatus,
}

/// One business that embeds the widget.
#[derive(Debug, Clone)]
pub struct Business {
    pub id: BusinessId,
    pub name: String,
    pub allowed_origins: Vec<String>,
    pub max_party_size: u32,
    pub keys: Vec<BusinessKey>,
}

impl Business {
    /// The kids new bookings must be sealed to.
    pub fn active_kids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys
            .iter()
            .filter(|key| key.status == KeyStatus::Active)
            .map(|key| &key.kid)
    }
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: String,
    pub widget_dir: PathBuf,
    pub www_dir: PathBuf,
    pub businesses: Vec<Business>,
}

impl Config {
    /// Reads and resolves a `sealbook.toml`; relative paths are relative to its folder.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        let raw: RawConfig = toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.into(),
            source: Box::new(source),
        })?;
        Self::resolve(raw, path.parent().unwrap_or(Path::new(".")))
    }

    /// Parses configuration text (paths relative to `base`).
    pub fn from_toml(text: &str, base: &Path) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|source| ConfigError::Parse {
            path: base.join("<inline>"),
            source: Box::new(source),
        })?;
        Self::resolve(raw, base)
    }

    /// The business with this id.
    pub fn business(&self, id: &str) -> Option<&Business> {
        self.businesses.iter().find(|business| business.id.0 == id)
    }

    fn resolve(raw: RawConfig, base: &Path) -> Result<Self, ConfigError> {
        let mut businesses: Vec<Business> = Vec::with_capacity(raw.business.len());
        for business in raw.business {
            if businesses.iter().any(|seen| seen.id == business.id) {
                return Err(ConfigError::DuplicateBusiness(business.id));
            }
            let keys = business
                .keys
                .iter()
                .enumerate()
                .map(|(index, key)| {
                    key.resolve(base).map_err(|reason| ConfigError::Key {
                        business: business.id.clone(),
                        index,
                        reason,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            businesses.push(Business {
                id: business.id,
                name: business.name,
                allowed_origins: business.allowed_origins,
                max_party_size: business.max_party_size,
                keys,
            });
        }
        Ok(Self {
            listen: raw.listen,
            database: resolve_sqlite_path(&raw.database, base),
            widget_dir: base.join(raw.widget_dir),
            www_dir: base.join(raw.www_dir),
            businesses,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_listen")]
    listen: SocketAddr,
    #[serde(default = "default_database")]
    database: String,
    #[serde(default = "default_widget_dir")]
    widget_dir: PathBuf,
    #[serde(default = "default_www_dir")]
    www_dir: PathBuf,
    #[serde(default)]
    business: Vec<RawBusiness>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBusiness {
    id: BusinessId,
    name: String,
    #[serde(default)]
    allowed_origins: Vec<String>,
    #[serde(default = "default_max_party_size")]
    max_party_size: u32,
    #[serde(default)]
    keys: Vec<RawKey>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    /// A PEM file (SubjectPublicKeyInfo), relative to the configuration file.
    file: Option<PathBuf>,
    /// Or the PEM inline.
    pem: Option<String>,
    #[serde(default = "default_status")]
    status: KeyStatus,
}

impl RawKey {
    fn resolve(&self, base: &Path) -> Result<BusinessKey, String> {
        let pem = match (&self.file, &self.pem) {
            (Some(file), None) => {
                let path = base.join(file);
                std::fs::read_to_string(&path)
                    .map_err(|error| format!("cannot read {}: {error}", path.display()))?
            }
            (None, Some(pem)) => pem.clone(),
            _ => return Err("give exactly one of `file` and `pem`".to_owned()),
        };
        let recipient = Recipient::from_spki_pem(&pem).map_err(|error| error.to_string())?;
        Ok(BusinessKey {
            kid: recipient.kid().clone(),
            spki_der: recipient.spki_der(),
            status: self.status,
        })
    }
}

/// A relative SQLite path is relative to the configuration file, like every other path.
fn resolve_sqlite_path(url: &str, base: &Path) -> String {
    match url.strip_prefix("sqlite://") {
        Some(path) if Path::new(path).is_relative() && !path.starts_with(':') => {
            format!("sqlite://{}", base.join(path).display())
        }
        _ => url.to_owned(),
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_database() -> String {
    "sqlite://data/sealbook.db".to_owned()
}

fn default_widget_dir() -> PathBuf {
    PathBuf::from("dist")
}

fn default_www_dir() -> PathBuf {
    PathBuf::from("www")
}

fn default_max_party_size() -> u32 {
    20
}

fn default_status() -> KeyStatus {
    KeyStatus::Active
}
