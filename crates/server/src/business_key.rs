//! A business's public key as `sealbook.toml` names it (a PEM file or inline
//! PEM, with a status), and as the server serves it: for booking keys and for
//! courier keys alike.

use std::path::{Path, PathBuf};

use sealbook_envelope::{KeyId, Recipient};
use serde::Deserialize;

// Each key's status is configured and served as is, so it is defined with
// the API bodies.
pub use sealbook_wire::api::keys::KeyStatus;

/// A business public key, as served to the widget.
#[derive(Debug, Clone)]
pub struct BusinessKey {
    pub kid: KeyId,
    pub spki_der: Vec<u8>,
    pub status: KeyStatus,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawKey {
    /// A PEM file (SubjectPublicKeyInfo), relative to the configuration file.
    file: Option<PathBuf>,
    /// Or the PEM inline.
    pem: Option<String>,
    #[serde(default = "default_status")]
    status: KeyStatus,
}

impl RawKey {
    pub(crate) fn resolve(&self, base: &Path) -> Result<BusinessKey, String> {
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
            spki_der: recipient.spki_der().to_vec(),
            status: self.status,
        })
    }
}

fn default_status() -> KeyStatus {
    KeyStatus::Active
}
