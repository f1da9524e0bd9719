//! `GET /businesses/{id}/keys`: the key set the widget checks against its pins,
//! and the lifecycle status every key listing carries.

use serde::{Deserialize, Serialize};

/// The business's public keys, without compromised ones.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeySet {
    pub business: String,
    pub keys: Vec<PublicKey>,
    /// The courier's keys, which contact cards are sealed to; absent when the
    /// business sends no messages. Pinned in the script tag like `keys`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub courier: Vec<PublicKey>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicKey {
    pub kid: String,
    /// base64url of the SubjectPublicKeyInfo DER.
    pub spki: String,
    pub status: KeyStatus,
}

/// The lifecycle of a business key (DESIGN §5).
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// Bookings are sealed to it.
    Active,
    /// Added for a rotation: pinned in the snippet, not sealed to yet, so that host
    /// pages can carry the new pin before the key goes active.
    Pending,
    /// Still opens old bookings; nothing new is sealed to it.
    Retired,
    /// Never sealed to again; uploads sealed to it are refused.
    Compromised,
}

impl KeyStatus {
    /// The wire form, for places that show or attach it as text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Pending => "pending",
            Self::Retired => "retired",
            Self::Compromised => "compromised",
        }
    }

    /// Active or about to be: pinned in the script tag, and every member
    /// should hold a copy.
    pub fn is_current(self) -> bool {
        matches!(self, Self::Active | Self::Pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_text_is_its_json() {
        for status in [
            KeyStatus::Active,
            KeyStatus::Pending,
            KeyStatus::Retired,
            KeyStatus::Compromised,
        ] {
            let json = serde_json::to_value(status).expect("a status serialises");
            assert_eq!(json, status.as_str());
            assert_eq!(
                serde_json::from_value::<KeyStatus>(json).expect("and reads back"),
                status
            );
        }
    }
}
