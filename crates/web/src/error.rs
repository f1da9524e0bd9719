//! Why a visitor's request did not complete: the server's stable error codes
//! (docs/API.md) plus the widget's own, each with a translated message.

use crate::fetch::NoAnswer;
use crate::visitor_texts::Text;

macro_rules! codes {
    (server: [$($s:ident = $ss:literal => $st:ident,)*] own: [$($o:ident = $os:literal => $ot:ident,)*]) => {
        /// A failure the widget knows how to explain.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ErrorCode {
            $($s,)*
            $($o,)*
        }

        impl ErrorCode {
            /// Every code, for tests.
            #[cfg(test)]
            pub(crate) const ALL: &'static [Self] = &[$(Self::$s,)* $(Self::$o,)*];

            /// The code as written on the wire and in `#sb-error[data-code]`.
            #[inline]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$s => $ss,)*
                    $(Self::$o => $os,)*
                }
            }

            /// A code the server sent, if it is one of its documented ones.
            #[inline]
            pub fn from_server(code: &str) -> Option<Self> {
                Some(match code {
                    $($ss => Self::$s,)*
                    _ => return None,
                })
            }

            /// The human message.
            #[inline]
            pub fn text(self) -> Text {
                match self {
                    $(Self::$s => Text::$st,)*
                    $(Self::$o => Text::$ot,)*
                }
            }
        }
    };
}

codes! {
    server: [
    BadRequest = "bad_request" => ErrBadRequest,
    UnsupportedMediaType = "unsupported_media_type" => ErrUnsupportedMediaType,
    PayloadTooLarge = "payload_too_large" => ErrPayloadTooLarge,
    UnknownBusiness = "unknown_business" => ErrUnknownBusiness,
    MalformedEnvelope = "malformed_envelope" => ErrMalformedEnvelope,
    BusinessMismatch = "business_mismatch" => ErrBusinessMismatch,
    UnknownKey = "unknown_key" => ErrUnknownKey,
    InvalidStart = "invalid_start" => ErrInvalidStart,
    StartInPast = "start_in_past" => ErrStartInPast,
    TooSoon = "too_soon" => ErrTooSoon,
    TooFar = "too_far" => ErrTooFar,
    OutsideOpeningHours = "outside_opening_hours" => ErrOutsideOpeningHours,
    InvalidPartySize = "invalid_party_size" => ErrInvalidPartySize,
    PartyTooLarge = "party_too_large" => ErrPartyTooLarge,
    UnknownService = "unknown_service" => ErrUnknownService,
    UnknownPractitioner = "unknown_practitioner" => ErrUnknownPractitioner,
    SlotFull = "slot_full" => ErrSlotFull,
    SlotOpen = "slot_open" => ErrSlotOpen,
    NoWaitlist = "no_waitlist" => ErrNoWaitlist,
    OfferLapsed = "offer_lapsed" => ErrOfferLapsed,
    IdempotencyConflict = "idempotency_conflict" => ErrIdempotencyConflict,
    Replayed = "replayed" => ErrReplayed,
    BookingNotFound = "booking_not_found" => ErrBookingNotFound,
    CancellationClosed = "cancellation_closed" => ErrCancellationClosed,
    InvalidQuery = "invalid_query" => ErrInvalidQuery,
    RateLimited = "rate_limited" => ErrRateLimited,
    Internal = "internal" => ErrInternal,
    ]
    own: [
    // A served key failed the pin check: nothing was sealed or sent.
    KeyNotPinned = "key_not_pinned" => ErrKeyNotPinned,
    // `fetch` rejected: no answer from the server at all.
    Network = "network" => ErrNetwork,
    SealFailed = "seal_failed" => ErrSealFailed,
    // The host page is not a secure context: no WebCrypto, nothing sealed or sent.
    InsecurePage = "insecure_page" => ErrInsecurePage,
    // The server answered with something that is not the documented shape.
    UnexpectedResponse = "unexpected_response" => ErrUnexpectedResponse,
    ]
}

/// Why a request did not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    Known(ErrorCode),
    /// A code this widget does not know yet (shown with a generic message).
    Other {
        code: String,
    },
}

impl Failure {
    /// The value of `#sb-error[data-code]`.
    #[inline]
    pub fn code(&self) -> &str {
        match self {
            Self::Known(code) => code.as_str(),
            Self::Other { code, .. } => code,
        }
    }
}

impl From<ErrorCode> for Failure {
    #[inline]
    fn from(code: ErrorCode) -> Self {
        Self::Known(code)
    }
}

/// No answer at all is a network failure.
impl From<NoAnswer> for Failure {
    #[inline]
    fn from(_: NoAnswer) -> Self {
        Self::Known(ErrorCode::Network)
    }
}

/// Maps an error answer to a failure: by its stable code (`{"error":{"code":…}}`)
/// when it has the documented shape, else by the HTTP status (proxies and load
/// balancers answer in their own words).
#[inline]
pub fn failure_from(status: u16, code: Option<String>) -> Failure {
    if let Some(code) = code {
        return match ErrorCode::from_server(&code) {
            Some(code) => Failure::Known(code),
            None => Failure::Other { code },
        };
    }
    Failure::Known(match status {
        413 => ErrorCode::PayloadTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        429 => ErrorCode::RateLimited,
        500..=599 => ErrorCode::Internal,
        _ => ErrorCode::UnexpectedResponse,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code of docs/API.md's table.
    const DOCUMENTED: &[&str] = &[
        "bad_request",
        "unsupported_media_type",
        "payload_too_large",
        "unknown_business",
        "malformed_envelope",
        "business_mismatch",
        "unknown_key",
        "invalid_start",
        "start_in_past",
        "too_soon",
        "too_far",
        "outside_opening_hours",
        "invalid_party_size",
        "party_too_large",
        "unknown_service",
        "unknown_practitioner",
        "slot_full",
        "slot_open",
        "no_waitlist",
        "offer_lapsed",
        "idempotency_conflict",
        "replayed",
        "booking_not_found",
        "invalid_query",
        "internal",
    ];

    #[test]
    fn every_documented_code_is_known() {
        for code in DOCUMENTED {
            let known = ErrorCode::from_server(code).expect(code);
            assert_eq!(known.as_str(), *code);
        }
    }

    #[test]
    fn server_codes_round_trip() {
        for &code in ErrorCode::ALL {
            match ErrorCode::from_server(code.as_str()) {
                Some(parsed) => assert_eq!(parsed, code),
                // The widget's own codes are never taken from the server.
                None => assert!(matches!(
                    code,
                    ErrorCode::KeyNotPinned
                        | ErrorCode::Network
                        | ErrorCode::SealFailed
                        | ErrorCode::InsecurePage
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

    fn code(code: &str) -> Option<String> {
        Some(code.to_owned())
    }

    #[test]
    fn documented_error_codes_are_recognised() {
        assert_eq!(
            failure_from(422, code("start_in_past")),
            ErrorCode::StartInPast.into()
        );
        assert_eq!(
            failure_from(409, code("slot_full")),
            ErrorCode::SlotFull.into()
        );
        // The code wins over the status.
        assert_eq!(
            failure_from(500, code("rate_limited")),
            ErrorCode::RateLimited.into()
        );
    }

    #[test]
    fn unknown_codes_are_kept_for_the_generic_message() {
        assert_eq!(
            failure_from(409, code("table_on_fire")),
            Failure::Other {
                code: "table_on_fire".to_owned(),
            }
        );
    }

    #[test]
    fn answers_without_the_error_shape_map_by_status() {
        assert_eq!(failure_from(413, None), ErrorCode::PayloadTooLarge.into());
        assert_eq!(
            failure_from(415, None),
            ErrorCode::UnsupportedMediaType.into()
        );
        assert_eq!(failure_from(502, None), ErrorCode::Internal.into());
        assert_eq!(failure_from(429, None), ErrorCode::RateLimited.into());
        assert_eq!(
            failure_from(404, None),
            ErrorCode::UnexpectedResponse.into()
        );
    }
}
