//! Newtype ids, so a booking id is never passed where a business id is expected.

use core::fmt;

use serde::{Deserialize, Serialize};

/// Declares an id held as text: the same text in JSON and in the database,
/// read through `as_str`, `into_string` and `Display`, and made only by the
/// constructors of its own `impl`.
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(String);

        impl $name {
            /// The text form.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text form, without a copy.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        /// Maps keyed by id are looked up with the text a request names.
        impl core::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_id! {
    /// A business id as configured (`bistro-du-coin`).
    BusinessId
}

impl BusinessId {
    /// The business an operator or a test names. Not checked here: the
    /// configuration checks the ids it declares, and an id no configuration
    /// declares only finds nothing in the database.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
}

text_id! {
    /// A booking reference: 80 random bits in Crockford base32, `7KQ2-M9XD-4T8R-B1ZC`,
    /// short enough to read out on the phone and impossible to guess.
    BookingId
}

impl BookingId {
    const ALPHABET: &'static [u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// A fresh random reference.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes)?;
        let bits = bytes
            .iter()
            .fold(0u128, |acc, &byte| (acc << 8) | u128::from(byte));
        let symbols: Vec<u8> = (0..16)
            .rev()
            .map(|i| Self::ALPHABET[((bits >> (i * 5)) & 31) as usize])
            .collect();
        let groups: Vec<&str> = symbols
            .chunks(4)
            .map(|chunk| core::str::from_utf8(chunk).expect("the alphabet is ASCII"))
            .collect();
        Ok(Self(groups.join("-")))
    }
}

/// `bytes` random bytes as base64url without padding: the form of every random
/// id and secret token of the inbox (staff ids, sessions, CSRF, invites).
/// 1 to 64 of `a-z`, `0-9` and `-`: safe in a URL path and a query (a
/// business's, a service's or a practitioner's id).
pub(crate) fn is_url_safe_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

pub fn random_base64url(bytes: usize) -> Result<String, getrandom::Error> {
    use base64::Engine as _;
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer))
}

text_id! {
    /// A staff account: 16 random bytes, base64url.
    StaffId
}

impl StaffId {
    /// A fresh random id.
    pub fn generate() -> Result<Self, getrandom::Error> {
        random_base64url(16).map(Self)
    }

    /// An account id read back from where it was stored, or fixed by a test.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_grouped_base32_and_distinct() {
        let first = BookingId::generate().expect("randomness");
        let second = BookingId::generate().expect("randomness");
        assert_ne!(first, second);
        assert_eq!(first.as_str().len(), 19);
        assert!(first.as_str().split('-').all(|group| group.len() == 4));
        assert!(
            first
                .as_str()
                .bytes()
                .all(|b| b == b'-' || BookingId::ALPHABET.contains(&b))
        );
    }

    #[test]
    fn an_id_is_its_bare_text_in_json() {
        let business = BusinessId::new("bistro-du-coin");
        let json = serde_json::to_string(&business).expect("serialises");
        assert_eq!(json, "\"bistro-du-coin\"");
        let back: BusinessId = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, business);
        assert_eq!(StaffId::new("m").to_string(), "m");
    }
}
