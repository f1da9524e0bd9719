//! The optional second factor: RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30-second
//! steps, one step of skew either way), as every authenticator app speaks it.

use totp_rs::{Algorithm, Builder, Secret, Totp};

/// 160 random bits, RFC 4226's recommended secret length.
pub const SECRET_BYTES: usize = 20;

fn totp(secret: &[u8]) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret.to_vec())
        .build()
        .ok()
}

/// A fresh secret.
pub fn generate() -> Result<Vec<u8>, getrandom::Error> {
    let mut secret = vec![0u8; SECRET_BYTES];
    getrandom::fill(&mut secret)?;
    Ok(secret)
}

/// The secret as an authenticator app takes it (RFC 4648 base32, no padding).
pub fn base32(secret: &[u8]) -> String {
    Secret::from(secret.to_vec())
        .to_base32()
        .trim_end_matches('=')
        .to_owned()
}

/// The secret from its base32 form (as an app or a test reads it).
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    Secret::try_from_base32(text)
        .ok()
        .map(|secret| secret.as_bytes().to_vec())
}

/// The `otpauth://` URL of a secret (Key Uri Format), for a QR code.
pub fn otpauth_url(secret: &[u8], account: &str) -> String {
    let account: String = account
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    format!(
        "otpauth://totp/Sealbook:{account}?secret={}&issuer=Sealbook&algorithm=SHA1&digits=6&period=30",
        base32(secret)
    )
}

/// The step a `code` is valid for at unix time `now`, if it is valid.
pub fn check(secret: &[u8], code: &str, now: i64) -> Option<i64> {
    let now = u64::try_from(now).ok()?;
    let step = totp(secret)?.check(code.trim(), now)?;
    i64::try_from(step).ok()
}

/// The code for unix time `now` (tests and tools compute what an app would show).
pub fn code(secret: &[u8], now: i64) -> Option<String> {
    Some(totp(secret)?.generate(u64::try_from(now).ok()?).to_string())
}

#[cfg(test)]
mod tests {
    /// RFC 6238, appendix B, SHA-1, truncated to 6 digits.
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        assert_eq!(super::code(secret, 59).as_deref(), Some("287082"));
        assert_eq!(
            super::code(secret, 1_111_111_109).as_deref(),
            Some("081804")
        );
        assert_eq!(
            super::check(secret, "081804", 1_111_111_109 + 30),
            Some(37_037_036)
        );
        assert_eq!(super::check(secret, "081804", 1_111_111_109 + 90), None);
    }
}
