//! `POST /businesses/{id}/bookings` (and `PUT /bookings/{id}`): a sealed
//! booking with the public metadata that holds its slot.

use serde::{Deserialize, Serialize};

/// The upload: envelopes plus the public metadata needed to hold the slot.
// The server hashes this type's own serialisation as the request an
// Idempotency-Key stands for: the field order and the nulls are part of it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    /// base64url of the booking envelope.
    pub envelope: String,
    /// RFC 3339 start time.
    pub start: String,
    #[serde(default)]
    pub party_size: Option<u32>,
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub practitioner: Option<String>,
    /// base64url of the visitor-copy envelope.
    #[serde(default)]
    pub visitor_copy: Option<String>,
    /// base64url of SHA-256(manage token); only on creation.
    #[serde(default)]
    pub manage_token_hash: Option<String>,
    /// base64url of the contact-card envelope, sealed to the business's
    /// courier key, when the visitor asked for a confirmation and reminders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_card: Option<String>,
    /// base64url of SHA-256(cancel token); with `contact_card` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_token_hash: Option<String>,
}

/// The stored booking's reference.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Created {
    pub id: String,
    pub start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub practitioner: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_with_an_unknown_field_is_refused() {
        let upload = r#"{"envelope": "AAAA", "start": "2026-12-04T18:30:00Z", "name": "Ada"}"#;
        assert!(serde_json::from_str::<BookingRequest>(upload).is_err());
    }

    #[test]
    fn the_idempotency_form_of_an_upload_is_stable() {
        // A change here changes the hash of every stored Idempotency-Key request.
        let upload = BookingRequest {
            envelope: "AAAA".to_owned(),
            start: "2026-12-04T18:30:00Z".to_owned(),
            party_size: Some(2),
            service: None,
            practitioner: None,
            visitor_copy: None,
            manage_token_hash: None,
            contact_card: None,
            cancel_token_hash: None,
        };
        assert_eq!(
            serde_json::to_string(&upload).expect("an upload serialises"),
            r#"{"envelope":"AAAA","start":"2026-12-04T18:30:00Z","party_size":2,"service":null,"practitioner":null,"visitor_copy":null,"manage_token_hash":null}"#
        );
    }
}
