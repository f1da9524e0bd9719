//! TOTP secrets at rest: sealed with AES-256-GCM under a key kept in a file
//! beside the configuration, never in the database. Whoever copies the
//! database or a backup then gets the sealed secrets only, and cannot compute
//! any member's codes without also taking the key file from the server.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use crate::ids::StaffId;

/// Marks a sealed secret (and its format's version) in the `staff` table.
const MAGIC: &[u8; 4] = b"SBT1";
const NONCE_BYTES: usize = 12;
/// Binds a sealed secret to its account: a row's secret moved to another
/// account does not open there.
const CONTEXT: &[u8] = b"sealbook totp secret v1\0";

/// The key that seals TOTP secrets.
#[derive(Clone)]
pub struct TotpKey([u8; 32]);

// Hand-written so that the key never reaches a log line or a panic message.
impl std::fmt::Debug for TotpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpKey(…)")
    }
}

/// Why the key file could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum TotpKeyError {
    #[error("cannot read the TOTP key file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the TOTP key file {path} is not 32 bytes in base64url; restore it from a backup (the two-step logins of every member depend on it)"
    )]
    Malformed { path: PathBuf },
    #[error("cannot create the TOTP key file {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no randomness for a new TOTP key: {0}")]
    Random(getrandom::Error),
}

impl TotpKey {
    /// A new random key.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)?;
        Ok(Self(key))
    }

    /// The key in `path` (32 bytes, base64url, one line), or `None` if there is
    /// no such file yet.
    pub fn load(path: &Path) -> Result<Option<Self>, TotpKeyError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(TotpKeyError::Read {
                    path: path.into(),
                    source,
                });
            }
        };
        warn_if_readable_by_others(path);
        URL_SAFE_NO_PAD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .map(|key| Some(Self(key)))
            .ok_or_else(|| TotpKeyError::Malformed { path: path.into() })
    }

    /// The key in `path`, made (readable by this user only) if there is none.
    /// The new key is written and synced to a temporary file first and then
    /// linked into place, which fails if another process got there first: the
    /// file at `path` is never empty or half written.
    pub fn load_or_create(path: &Path) -> Result<Self, TotpKeyError> {
        if let Some(key) = Self::load(path)? {
            return Ok(key);
        }
        let key = Self::generate().map_err(TotpKeyError::Random)?;
        let create = |source| TotpKeyError::Create {
            path: path.into(),
            source,
        };
        let temporary = path.with_extension(format!("new-{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&temporary).and_then(|mut file| {
            writeln!(file, "{}", URL_SAFE_NO_PAD.encode(key.0))?;
            file.sync_all()
        });
        let linked = written.and_then(|()| std::fs::hard_link(&temporary, path));
        let _ = std::fs::remove_file(&temporary);
        match linked {
            Ok(()) => {
                if let Some(folder) = path
                    .parent()
                    .filter(|folder| !folder.as_os_str().is_empty())
                {
                    // The link itself must survive a crash too.
                    std::fs::File::open(folder)
                        .and_then(|folder| folder.sync_all())
                        .map_err(create)?;
                }
                Ok(key)
            }
            // Another process made it a moment ago, whole: use theirs.
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                Self::load(path)?.ok_or_else(|| TotpKeyError::Malformed { path: path.into() })
            }
            Err(source) => Err(create(source)),
        }
    }

    /// A key for another purpose, `SHA-256(purpose ‖ 0 ‖ key)`: every process
    /// holding this file derives the same one, and the TOTP key cannot be
    /// recovered from it.
    pub fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(purpose);
        hasher.update([0]);
        hasher.update(self.0);
        hasher.finalize().into()
    }

    /// `secret` sealed for `staff`: magic, nonce, ciphertext with its tag.
    pub fn seal(&self, staff: &StaffId, secret: &[u8]) -> Result<Vec<u8>, getrandom::Error> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce)?;
        let aad = [CONTEXT, staff.as_str().as_bytes()].concat();
        let sealed = Aes256Gcm::new(&self.0.into())
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: secret,
                    aad: &aad,
                },
            )
            .expect("AES-GCM seals any TOTP-sized secret");
        Ok([MAGIC.as_slice(), &nonce, &sealed].concat())
    }

    /// The secret in `stored` if this key sealed it for `staff`.
    pub fn open(&self, staff: &StaffId, stored: &[u8]) -> Option<Vec<u8>> {
        let rest = stored.strip_prefix(MAGIC.as_slice())?;
        let (nonce, sealed) = rest.split_at_checked(NONCE_BYTES)?;
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().ok()?;
        let aad = [CONTEXT, staff.as_str().as_bytes()].concat();
        Aes256Gcm::new(&self.0.into())
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .ok()
    }

    /// Whether `stored` is a sealed secret (rather than one kept in clear by an
    /// older version, which [`crate::Storage::seal_plain_totp_secrets`] seals).
    pub fn is_sealed(stored: &[u8]) -> bool {
        stored.starts_with(MAGIC)
    }
}

/// A key file others can read is a key others may have: say so at start.
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(metadata) = std::fs::metadata(path)
            && metadata.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                path = %path.display(),
                "the TOTP key file can be read by other users; make it readable by this user only (chmod 600)"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::TotpKey;
    use crate::ids::StaffId;

    fn staff(id: &str) -> StaffId {
        StaffId::new(id)
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_account() {
        let key = TotpKey::generate().expect("randomness");
        let secret = [7u8; 20];
        let sealed = key.seal(&staff("anna"), &secret).expect("sealed");
        assert!(TotpKey::is_sealed(&sealed));
        assert!(
            !sealed.windows(secret.len()).any(|window| window == secret),
            "the secret is not in the sealed bytes"
        );
        assert_eq!(key.open(&staff("anna"), &sealed), Some(secret.to_vec()));
        assert_eq!(key.open(&staff("ben"), &sealed), None, "another account");
        let other = TotpKey::generate().expect("randomness");
        assert_eq!(other.open(&staff("anna"), &sealed), None, "another key");
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(key.open(&staff("anna"), &tampered), None, "tampered");
        assert_eq!(key.open(&staff("anna"), &secret), None, "a secret in clear");
        assert_eq!(key.open(&staff("anna"), b"SBT1"), None, "cut short");
    }

    #[test]
    fn the_key_file_is_made_once_readable_by_its_owner_only_and_read_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("totp.key");
        assert!(TotpKey::load(&path).expect("no error").is_none());
        let made = TotpKey::load_or_create(&path).expect("made");
        let again = TotpKey::load_or_create(&path).expect("read");
        assert_eq!(made.0, again.0, "the second start reads the first key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key\n").expect("overwrite");
        assert!(
            TotpKey::load(&path).is_err(),
            "a damaged file is an error, not a new key"
        );
    }
}
