//! The contact card: how to reach a visitor about one booking, sealed in the
//! widget to the business's courier key and opened only by the courier
//! (docs/ENVELOPE.md §8.1). It holds a channel, an address, a language and the
//! cancel token — never a name, a note or the manage secret.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::plaintext::V1;

/// The plaintext of a `contact-card` envelope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactCard {
    /// `"v": 1`, required: cards were versioned from the first one.
    #[serde(rename = "v")]
    pub version: V1,
    pub channel: Channel,
    /// An e-mail address, or a phone number in E.164.
    pub address: String,
    /// The visitor's language code (`en`, `fr`, `de`).
    pub lang: String,
    /// The cancel token, base64url: what the cancel link carries.
    pub cancel: String,
    /// Members this version does not know, kept as for bookings.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ContactCard {
    /// A card for `address` on `channel`, refused when the address does not
    /// suit the channel (checked before sealing, so a courier never holds a
    /// card it cannot deliver).
    pub fn new(
        channel: Channel,
        address: &str,
        lang: &str,
        cancel: String,
    ) -> Result<Self, AddressError> {
        let address = channel.normalise(address)?;
        Ok(Self {
            version: V1,
            channel,
            address,
            lang: lang.to_owned(),
            cancel,
            extra: Map::new(),
        })
    }

    /// Reads an opened card.
    pub fn from_plaintext(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// The plaintext to seal: compact JSON in the specification's member order.
    pub fn to_plaintext(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a card is string-keyed JSON: it always serialises")
    }
}

/// How the visitor asked to be reached: the channels a business may send by.
pub use crate::api::profile::Channel;

/// Why an address was refused for its channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("not an e-mail address")]
    NotAnEmailAddress,
    #[error("not a phone number in international form (+ and 8 to 15 digits)")]
    NotAPhoneNumber,
}

impl Channel {
    /// The address as the card stores it: an e-mail address trimmed, a phone
    /// number with its spaces, dots, dashes and brackets taken out.
    pub fn normalise(self, address: &str) -> Result<String, AddressError> {
        let address = address.trim();
        match self {
            Self::Email => {
                let (local, domain) = address
                    .rsplit_once('@')
                    .ok_or(AddressError::NotAnEmailAddress)?;
                let plausible = !local.is_empty()
                    && local.len() <= 64
                    && domain.len() <= 253
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !address.chars().any(|c| {
                        c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';')
                    })
                    && !local.contains('@');
                if plausible {
                    Ok(address.to_owned())
                } else {
                    Err(AddressError::NotAnEmailAddress)
                }
            }
            Self::Sms => international_phone(address).ok_or(AddressError::NotAPhoneNumber),
        }
    }
}

/// A number an SMS provider takes, as a card stores it: `+`, then 8 to 15
/// digits, the first not 0 (E.164), with spaces, dots, dashes and brackets
/// taken out. The widget checks a number with this before it seals a card.
pub fn international_phone(phone: &str) -> Option<String> {
    let digits = phone.trim().strip_prefix('+')?;
    let mut normal = String::from("+");
    for byte in digits.bytes() {
        match byte {
            b'0'..=b'9' => normal.push(char::from(byte)),
            b' ' | b'.' | b'-' | b'(' | b')' => {}
            _ => return None,
        }
    }
    ((9..=16).contains(&normal.len()) && !normal.starts_with("+0")).then_some(normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_international_and_normalised() {
        assert_eq!(
            Channel::Sms.normalise(" +33 6 12-34.56 (78) ").as_deref(),
            Ok("+33612345678")
        );
        for refused in [
            "06 12 34 56 78",
            "+0612345678",
            "+1234567",
            "+1234567890123456",
            "+33 6 12 34 56 7x",
            "",
            "+",
        ] {
            assert_eq!(
                Channel::Sms.normalise(refused),
                Err(AddressError::NotAPhoneNumber),
                "{refused}"
            );
        }
    }

    #[test]
    fn email_addresses_are_checked_for_shape_only() {
        assert_eq!(
            Channel::Email.normalise(" camille@example.fr ").as_deref(),
            Ok("camille@example.fr")
        );
        for refused in [
            "camille",
            "@example.fr",
            "camille@localhost",
            "a b@example.fr",
            "a@b@example.fr",
            "a@example.fr.",
            "<a@example.fr>",
        ] {
            assert_eq!(
                Channel::Email.normalise(refused),
                Err(AddressError::NotAnEmailAddress),
                "{refused}"
            );
        }
    }

    #[test]
    fn a_card_round_trips_in_the_specified_order_and_keeps_unknown_members() {
        let card = ContactCard::new(
            Channel::Email,
            "camille.dupont@example.fr",
            "fr",
            "Uh2SSd7elIfXGY4XhQ-qqj50fPmDYexWEi0wgIwpufM".to_owned(),
        )
        .expect("valid");
        assert_eq!(
            String::from_utf8(card.to_plaintext()).expect("utf-8"),
            r#"{"v":1,"channel":"email","address":"camille.dupont@example.fr","lang":"fr","cancel":"Uh2SSd7elIfXGY4XhQ-qqj50fPmDYexWEi0wgIwpufM"}"#
        );
        let newer = br#"{"v":1,"channel":"sms","address":"+4915123456789","lang":"de","cancel":"x","window":"19:00-21:00"}"#;
        let read = ContactCard::from_plaintext(newer).expect("reads");
        assert_eq!(read.channel, Channel::Sms);
        assert_eq!(read.to_plaintext(), newer.to_vec());
        assert!(
            ContactCard::from_plaintext(
                br#"{"v":2,"channel":"sms","address":"+4915123456789","lang":"de","cancel":"x"}"#
            )
            .is_err()
        );
        assert!(
            ContactCard::from_plaintext(
                br#"{"channel":"sms","address":"+4915123456789","lang":"de","cancel":"x"}"#
            )
            .is_err()
        );
    }
}
