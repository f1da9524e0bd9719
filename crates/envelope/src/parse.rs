//! Structural parsing, without any key: what the server checks before storing.

use crate::primitives::{COMMIT_LEN, NONCE_LEN, TAG_LEN};
use crate::{
    Header, KeyId, Kind, MAGIC, MAX_HEADER_LEN, MAX_PLAINTEXT_LEN, ParseError, base64url, padding,
};

/// A structurally valid v1 envelope, borrowed from its bytes.
#[derive(Debug, Clone)]
pub struct Envelope<'a> {
    header: Header,
    header_bytes: &'a [u8],
    nonce: [u8; NONCE_LEN],
    commit: [u8; COMMIT_LEN],
    sealed: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// Checks everything that can be checked without a key: magic and version,
    /// header size, header JSON and suite, field encodings, and that the sealed
    /// part has a padded length plus the tag.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let magic = bytes.get(..4).ok_or(ParseError::Truncated)?;
        if magic != MAGIC {
            return Err(ParseError::Magic);
        }
        let len_field: [u8; 4] = bytes
            .get(4..8)
            .ok_or(ParseError::Truncated)?
            .try_into()
            .map_err(|_| ParseError::Truncated)?;
        let header_len = usize::try_from(u32::from_be_bytes(len_field))
            .map_err(|_| ParseError::HeaderTooLarge)?;
        if header_len > MAX_HEADER_LEN {
            return Err(ParseError::HeaderTooLarge);
        }
        let header_bytes = bytes.get(8..8 + header_len).ok_or(ParseError::Truncated)?;
        let sealed = &bytes[8 + header_len..];

        // One spelling per header, so every implementation accepts exactly what the others produce.
        let header = Header::from_canonical(header_bytes).ok_or(ParseError::Header)?;
        if !header.is_supported() {
            return Err(ParseError::Unsupported);
        }
        let nonce =
            base64url::decode_array::<NONCE_LEN>(&header.nonce).ok_or(ParseError::Header)?;
        let commit =
            base64url::decode_array::<COMMIT_LEN>(&header.commit).ok_or(ParseError::Header)?;
        for stanza in &header.recipients {
            KeyId::parse(stanza.kid.as_str()).ok_or(ParseError::Header)?;
            base64url::decode(&stanza.wk).ok_or(ParseError::Header)?;
        }
        let recipients_fit_kind = match header.kind {
            Kind::Booking | Kind::ContactCard => !header.recipients.is_empty(),
            Kind::VisitorCopy => header.recipients.is_empty(),
        };
        if !recipients_fit_kind {
            return Err(ParseError::Header);
        }
        let padded_len = sealed
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(ParseError::PayloadLength)?;
        if !padding::is_padded_len(padded_len)
            || padded_len > padding::padded_len(MAX_PLAINTEXT_LEN)
        {
            return Err(ParseError::PayloadLength);
        }
        Ok(Self {
            header,
            header_bytes,
            nonce,
            commit,
            sealed,
        })
    }

    /// The parsed header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The parsed header, for an opener done with the rest.
    pub(crate) fn into_header(self) -> Header {
        self.header
    }

    /// The header exactly as it appears in the envelope (the AEAD's associated data).
    pub fn header_bytes(&self) -> &'a [u8] {
        self.header_bytes
    }

    pub(crate) fn nonce(&self) -> &[u8; NONCE_LEN] {
        &self.nonce
    }

    pub(crate) fn commit(&self) -> &[u8; COMMIT_LEN] {
        &self.commit
    }

    pub(crate) fn sealed(&self) -> &'a [u8] {
        self.sealed
    }
}
