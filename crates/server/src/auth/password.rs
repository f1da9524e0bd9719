//! Staff passwords: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane),
//! stored as PHC strings. An unknown e-mail is checked against a dummy hash so
//! that it costs as long as a wrong password.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted (an invite's or `sealbook business init`'s).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A password could not be hashed (no randomness, or an absurd length).
#[derive(Debug, thiserror::Error)]
#[error("cannot hash the password: {0}")]
pub struct HashError(String);

fn hasher() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// argon2id of `password`, with a fresh random salt, as a PHC string.
pub fn hash(password: &str) -> Result<String, HashError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

/// Whether `password` matches `phc` (the comparison inside is constant-time).
/// A hash that does not parse matches nothing.
pub fn verify(password: &str, phc: &str) -> bool {
    hasher().verify_password(password.as_bytes(), phc).is_ok()
}

fn dummy() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("not a password anyone types: the dummy").unwrap_or_default())
}

/// Makes the dummy hash now, so that the first login with an unknown e-mail
/// does not take one hash longer than a wrong password (a timing oracle).
pub fn warm_up() {
    let _ = dummy();
}

/// Spends the time of one verification on an account that does not exist.
pub fn verify_dummy(password: &str) {
    let _ = verify(password, dummy());
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_hash_is_argon2id_and_verifies_only_its_password() {
        let phc = super::hash("correct horse battery").expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(super::verify("correct horse battery", &phc));
        assert!(!super::verify("correct horse batterx", &phc));
        assert!(!super::verify("correct horse battery", "not a hash"));
    }
}
