//! The visitor's manage secret and what is derived from it.
//!
//! The secret lives in the manage link's URL fragment and never reaches the
//! server. From it come the visitor copy's file key, the token the server
//! checks for cancel / change / erase, and the cancel token that travels in a
//! contact card; the server stores only the SHA-256 of each token.

use core::fmt;

use rand_core::TryCryptoRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::{SealError, base64url, primitives};

/// 32 random bytes, made by the visitor's browser.
pub struct ManageSecret(Zeroizing<[u8; 32]>);

impl ManageSecret {
    /// Draws a fresh secret.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, SealError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rng.try_fill_bytes(bytes.as_mut())
            .map_err(|_| SealError::Randomness)?;
        Ok(Self(bytes))
    }

    /// From its base64url text (the URL fragment).
    pub fn from_base64url(text: &str) -> Option<Self> {
        base64url::decode_array::<32>(text).map(|bytes| Self(Zeroizing::new(bytes)))
    }

    /// The text that goes into the URL fragment.
    pub fn to_base64url(&self) -> String {
        base64url::encode(self.0.as_ref())
    }

    /// `HKDF-SHA256(ikm = secret, salt = empty, info = "sealbook/v1 visitor")`.
    pub(crate) fn visitor_file_key(&self) -> primitives::FileKey {
        primitives::hkdf_sha256_32(self.0.as_ref(), &[], b"sealbook/v1 visitor")
    }

    /// `token = HKDF-SHA256(ikm = secret, salt = empty, info = "sealbook/v1 manage token")`.
    pub fn token(&self) -> ManageToken {
        ManageToken(*primitives::hkdf_sha256_32(
            self.0.as_ref(),
            &[],
            b"sealbook/v1 manage token",
        ))
    }
}

impl ManageSecret {
    /// `cancel token = HKDF-SHA256(ikm = secret, salt = empty, info = "sealbook/v1 cancel token")`:
    /// another HKDF output, so it says nothing about the secret, the visitor
    /// copy's key or the manage token.
    pub fn cancel_token(&self) -> CancelToken {
        CancelToken(ManageToken(*primitives::hkdf_sha256_32(
            self.0.as_ref(),
            &[],
            b"sealbook/v1 cancel token",
        )))
    }
}

impl fmt::Debug for ManageSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ManageSecret(…)")
    }
}

/// What the visitor presents to the server to manage a booking.
#[derive(Clone, PartialEq, Eq)]
pub struct ManageToken([u8; 32]);

impl ManageToken {
    /// From its base64url text (as sent in a request).
    pub fn from_base64url(text: &str) -> Option<Self> {
        base64url::decode_array::<32>(text).map(Self)
    }

    /// The text sent to the server.
    pub fn to_base64url(&self) -> String {
        base64url::encode(&self.0)
    }

    /// `SHA-256(token)`, the only form the server stores.
    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0).into())
    }
}

impl fmt::Debug for ManageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ManageToken(…)")
    }
}

/// `SHA-256(token)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    /// base64url text form.
    pub fn to_base64url(&self) -> String {
        base64url::encode(&self.0)
    }

    /// From base64url text.
    pub fn from_base64url(text: &str) -> Option<Self> {
        base64url::decode_array::<32>(text).map(Self)
    }
}

/// What a contact card carries so that the visitor's messages can offer a
/// cancel link: the server accepts it to cancel its booking and for nothing
/// else. Its own type so that it is never taken for a manage token.
#[derive(Clone, PartialEq, Eq)]
pub struct CancelToken(ManageToken);

impl CancelToken {
    /// From its base64url text (as sent in a request or found in a card).
    pub fn from_base64url(text: &str) -> Option<Self> {
        ManageToken::from_base64url(text).map(Self)
    }

    /// The text in the cancel link.
    pub fn to_base64url(&self) -> String {
        self.0.to_base64url()
    }

    /// `SHA-256(cancel token)`, the only form the server stores.
    pub fn hash(&self) -> TokenHash {
        self.0.hash()
    }
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CancelToken(…)")
    }
}
