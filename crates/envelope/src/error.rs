//! Errors. Opening has exactly one error on purpose: telling a caller *why* an
//! envelope failed to open (bad tag, bad padding, wrong key) would be an oracle.

use thiserror::Error;

/// The one error every failed open returns, whatever went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("cannot open this envelope")]
pub struct OpenError;

/// Why a sealer refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SealError {
    #[error("a booking must be sealed to at least one key")]
    NoRecipients,
    #[error("the plaintext is larger than {max} bytes", max = crate::MAX_PLAINTEXT_LEN)]
    PlaintextTooLarge,
    #[error("the header would be larger than {max} bytes", max = crate::MAX_HEADER_LEN)]
    HeaderTooLarge,
    #[error("the random number generator failed")]
    Randomness,
    #[error("RSA-OAEP encryption failed")]
    Wrap,
    #[error("a visitor copy is sealed to no key")]
    RecipientsOnVisitorCopy,
    #[error("the sealed payload is not the padded plaintext plus a 16-byte tag")]
    SealedLength,
}

/// Why a public or private key was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    #[error("the key is not a valid RSA key in the expected encoding")]
    Malformed,
    #[error("the RSA key has {0} bits; at least {min} are required", min = crate::MIN_RSA_BITS)]
    TooSmall(usize),
    #[error("the key file does not open with this passphrase")]
    Locked,
}

/// Why an envelope is structurally invalid (checked without any key, e.g. by the server).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("not a Sealbook v1 envelope (bad magic)")]
    Magic,
    #[error("the envelope is truncated")]
    Truncated,
    #[error("the header is larger than allowed")]
    HeaderTooLarge,
    #[error("the header is not valid v1 header JSON")]
    Header,
    #[error("unsupported format version or suite")]
    Unsupported,
    #[error("the sealed payload does not have a valid padded length")]
    PayloadLength,
}
