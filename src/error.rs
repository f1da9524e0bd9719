//! Why a booking was not completed: the server's stable error codes plus the
//! widget's own, each with a translated message.

use crate::i18n::Text;

/// A failure the widget knows how to explain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    // The server's stable codes (`{"error":{"code":…}}`).
    UnknownBusiness,
    UnknownKey,
    BusinessMismatch,
    MalformedEnvelope,
    StartInPast,
    InvalidPartySize,
    PayloadTooLarge,
    UnsupportedMediaType,
    BadRequest,
    RateLimited,
    Internal,
    // The widget's own.
    /// A served key failed the pin check: nothing was sealed or sent.
    KeyNotPinned,
    /// `fetch` rejected: no answer from the server at all.
    Network,
    /// Sealing failed in the browser.
    SealFailed,
    /// The server answered with something that is not the documented shape.
    UnexpectedResponse,
}

impl ErrorCode {
    /// Every code, for tests.
    #[cfg(test)]
    pub const ALL: [Self; 15] = [
        Self::UnknownBusiness,
        Self::UnknownKey,
        Self::BusinessMismatch,
        Self::MalformedEnvelope,
        Self::StartInPast,
        Self::InvalidPartySize,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::BadRequest,
        Self::RateLimited,
        Self::Internal,
        Self::KeyNotPinned,
        Self::Network,
        Self::SealFailed,
        Self::UnexpectedResponse,
    ];

    /// The code as written on the wire and in `#sb-error[data-code]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnknownBusiness => "unknown_business",
            Self::UnknownKey => "unknown_key",
            Self::BusinessMismatch => "business_mismatch",
            Self::MalformedEnvelope => "malformed_envelope",
            Self::StartInPast => "start_in_past",
            Self::InvalidPartySize => "invalid_party_size",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::BadRequest => "bad_request",
            Self::RateLimited => "rate_limited",
            Self::Internal => "internal",
            Self::KeyNotPinned => "key_not_pinned",
            Self::Network => "network",
            Self::SealFailed => "seal_failed",
            Self::UnexpectedResponse => "unexpected_response",
        }
    }

    /// A code the server sent, if it is one of its documented ones.
    pub fn from_server(code: &str) -> Option<Self> {
        Some(match code {
            "unknown_business" => Self::UnknownBusiness,
            "unknown_key" => Self::UnknownKey,
            "business_mismatch" => Self::BusinessMismatch,
            "malformed_envelope" => Self::MalformedEnvelope,
            "start_in_past" => Self::StartInPast,
            "invalid_party_size" => Self::InvalidPartySize,
            "payload_too_large" => Self::PayloadTooLarge,
            "unsupported_media_type" => Self::UnsupportedMediaType,
            "bad_request" => Self::BadRequest,
            "rate_limited" => Self::RateLimited,
            "internal" => Self::Internal,
            _ => return None,
        })
    }

    /// The human message.
    pub fn text(self) -> Text {
        match self {
            Self::UnknownBusiness => Text::ErrUnknownBusiness,
            Self::UnknownKey => Text::ErrUnknownKey,
            Self::BusinessMismatch => Text::ErrBusinessMismatch,
            Self::MalformedEnvelope => Text::ErrMalformedEnvelope,
            Self::StartInPast => Text::ErrStartInPast,
            Self::InvalidPartySize => Text::ErrInvalidPartySize,
            Self::PayloadTooLarge => Text::ErrPayloadTooLarge,
            Self::UnsupportedMediaType => Text::ErrUnsupportedMediaType,
            Self::BadRequest => Text::ErrBadRequest,
            Self::RateLimited => Text::ErrRateLimited,
            Self::Internal => Text::ErrInternal,
            Self::KeyNotPinned => Text::ErrKeyNotPinned,
            Self::Network => Text::ErrNetwork,
            Self::SealFailed => Text::ErrSealFailed,
            Self::UnexpectedResponse => Text::ErrUnexpectedResponse,
        }
    }
}

/// Why a submitted booking did not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    Known(ErrorCode),
    /// A code this widget does not know yet: its server message is the fallback text.
    Other {
        code: String,
        message: String,
    },
}

impl Failure {
    /// The value of `#sb-error[data-code]`.
    pub fn code(&self) -> &str {
        match self {
            Self::Known(code) => code.as_str(),
            Self::Other { code, .. } => code,
        }
    }
}

impl From<ErrorCode> for Failure {
    fn from(code: ErrorCode) -> Self {
        Self::Known(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_codes_round_trip() {
        for code in ErrorCode::ALL {
            match ErrorCode::from_server(code.as_str()) {
                Some(parsed) => assert_eq!(parsed, code),
                // The widget's own codes are never taken from the server.
                None => assert!(matches!(
                    code,
                    ErrorCode::KeyNotPinned
                        | ErrorCode::Network
                        | ErrorCode::SealFailed
                        | ErrorCode::UnexpectedResponse
                )),
            }
        }
        assert_eq!(ErrorCode::from_server("teapot"), None);
    }

    #[test]
    fn every_code_has_its_own_message() {
        let mut texts: Vec<_> = ErrorCode::ALL.iter().map(|c| c.text()).collect();
        texts.sort_by_key(|t| format!("{t:?}"));
        texts.dedup();
        assert_eq!(texts.len(), ErrorCode::ALL.len());
    }
}
