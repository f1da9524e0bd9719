//! Sealing: what the widget does in the visitor's browser.

use core::fmt;

use rand_core::TryCryptoRng;
use rsa::oaep::EncryptingKey;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::traits::RandomizedEncryptor;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::primitives::{self, FILE_KEY_LEN, FileKey, NONCE_LEN, TAG_LEN};
use crate::{
    Header, KeyError, KeyId, Kind, MAGIC, MAX_HEADER_LEN, MAX_PLAINTEXT_LEN, MIN_RSA_BITS,
    ManageSecret, OAEP_LABEL, RecipientStanza, SUITE, SealError, base64url, padding, spki,
};

/// A business public key that a booking can be sealed to: checked, not built.
/// The RSA arithmetic is set up only when sealing here, so a caller that wraps
/// with WebCrypto ([`Sealing`]) links none of it.
#[derive(Debug, Clone)]
pub struct Recipient {
    kid: KeyId,
    /// The canonical SPKI DER: what the kid hashes, and what WebCrypto imports.
    spki_der: Vec<u8>,
}

impl Recipient {
    /// From a DER SubjectPublicKeyInfo (what the key-set endpoint serves). Only the
    /// canonical DER encoding is accepted, so the kid can hash these exact bytes.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let bits = spki::rsa_spki_bits(der)?;
        if bits < MIN_RSA_BITS {
            return Err(KeyError::TooSmall(bits));
        }
        Ok(Self {
            kid: KeyId::from_spki_der(der),
            spki_der: der.to_vec(),
        })
    }

    /// From a `-----BEGIN PUBLIC KEY-----` PEM.
    pub fn from_spki_pem(pem: &str) -> Result<Self, KeyError> {
        Self::from_key(rsa::PublicKey::from_public_key_pem(pem).map_err(|_| KeyError::Malformed)?)
    }

    /// Re-encodes and goes through [`Self::from_spki_der`], so a key that arrived in
    /// any other spelling gets the same kid as its canonical DER. Native paths only
    /// (PEM, private keys): it links the DER encoder the widget avoids.
    pub(crate) fn from_key(key: rsa::PublicKey) -> Result<Self, KeyError> {
        let der = key.to_public_key_der().map_err(|_| KeyError::Malformed)?;
        Self::from_spki_der(der.as_bytes())
    }

    /// The key id to check against the pins.
    pub fn kid(&self) -> &KeyId {
        &self.kid
    }

    /// The canonical SubjectPublicKeyInfo DER (what the key id hashes).
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// RSA-OAEP (SHA-256, label [`OAEP_LABEL`]) of `file_key`, here in Rust.
    fn wrap<R: TryCryptoRng + ?Sized>(
        &self,
        file_key: &[u8; FILE_KEY_LEN],
        rng: &mut R,
    ) -> Result<RecipientStanza, SealError> {
        let key = spki::parse_rsa_spki(&self.spki_der).map_err(|_| SealError::Wrap)?;
        let wk = EncryptingKey::<Sha256>::new_with_label(key, OAEP_LABEL)
            .encrypt_with_rng(rng, file_key)
            .map_err(|_| SealError::Wrap)?;
        Ok(RecipientStanza {
            kid: self.kid.clone(),
            wk: base64url::encode(&wk),
        })
    }
}

/// The public fields of a booking envelope's header that the caller chooses.
#[derive(Debug, Clone, Copy)]
pub struct SealParams<'a> {
    /// The business id.
    pub business: &'a str,
    /// Seal time, unix seconds.
    pub iat: u64,
}

/// Seals `plaintext` to every recipient as a `booking` envelope.
///
/// Randomness is drawn in the spec's order: file key (32 bytes), nonce (12), then
/// one OAEP seed per recipient, so a seeded `rng` reproduces the test vectors.
pub fn seal<R: TryCryptoRng + ?Sized>(
    recipients: &[Recipient],
    params: &SealParams<'_>,
    plaintext: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, SealError> {
    seal_to_keys(Kind::Booking, recipients, params, plaintext, rng)
}

/// Seals a visitor's contact card to the business's courier key(s) as a
/// `contact-card` envelope: the same steps as a booking, another `kind`, so the
/// courier cannot be handed a booking and the inbox refuses a card.
pub fn seal_contact_card<R: TryCryptoRng + ?Sized>(
    recipients: &[Recipient],
    params: &SealParams<'_>,
    plaintext: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, SealError> {
    seal_to_keys(Kind::ContactCard, recipients, params, plaintext, rng)
}

fn seal_to_keys<R: TryCryptoRng + ?Sized>(
    kind: Kind,
    recipients: &[Recipient],
    params: &SealParams<'_>,
    plaintext: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, SealError> {
    // Refused before any RSA work; `payload` checks both again for callers that wrap elsewhere.
    if recipients.is_empty() {
        return Err(SealError::NoRecipients);
    }
    check_plaintext(plaintext)?;
    let sealing = Sealing::to_keys(kind, rng)?;
    let stanzas = recipients
        .iter()
        .map(|recipient| recipient.wrap(sealing.file_key(), rng))
        .collect::<Result<Vec<_>, SealError>>()?;
    sealing.payload(stanzas, params, plaintext)?.seal_here()
}

/// Seals the visitor's copy: no recipients, file key derived from the manage secret.
pub fn seal_visitor_copy<R: TryCryptoRng + ?Sized>(
    secret: &ManageSecret,
    params: &SealParams<'_>,
    plaintext: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, SealError> {
    Sealing::visitor_copy(secret, rng)?
        .payload(Vec::new(), params, plaintext)?
        .seal_here()
}

/// Sealing in steps, for a caller that runs RSA-OAEP and AES-256-GCM elsewhere:
/// the widget hands them to the browser's WebCrypto, which is built in and so
/// costs it no bytes. Everything else about the format stays here: the order
/// randomness is drawn in, the header, the commitment, the payload key, the
/// padding and the layout, so both ways write the same envelope.
///
/// ```text
/// Sealing::booking(rng)  →  wrap file_key() to each key (RSA-OAEP-256, label)
///   →  payload(stanzas, …)  →  AES-256-GCM(key(), nonce(), aad = header(), padded())
///   →  finish(ciphertext ‖ tag)
/// ```
pub struct Sealing {
    kind: Kind,
    file_key: FileKey,
    nonce: [u8; NONCE_LEN],
}

impl Sealing {
    /// A booking: draws the file key (32 bytes), then the nonce (12).
    pub fn booking<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, SealError> {
        Self::to_keys(Kind::Booking, rng)
    }

    /// A contact card, for the courier keys: drawn as a booking is.
    pub fn contact_card<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, SealError> {
        Self::to_keys(Kind::ContactCard, rng)
    }

    /// The visitor's copy: its file key comes from the manage secret; draws the nonce.
    pub fn visitor_copy<R: TryCryptoRng + ?Sized>(
        secret: &ManageSecret,
        rng: &mut R,
    ) -> Result<Self, SealError> {
        Ok(Self {
            kind: Kind::VisitorCopy,
            file_key: secret.visitor_file_key(),
            nonce: random_nonce(rng)?,
        })
    }

    fn to_keys<R: TryCryptoRng + ?Sized>(kind: Kind, rng: &mut R) -> Result<Self, SealError> {
        let mut file_key = Zeroizing::new([0u8; FILE_KEY_LEN]);
        rng.try_fill_bytes(file_key.as_mut())
            .map_err(|_| SealError::Randomness)?;
        let nonce = random_nonce(rng)?;
        Ok(Self {
            kind,
            file_key,
            nonce,
        })
    }

    /// What each recipient's RSA-OAEP (SHA-256, label [`OAEP_LABEL`]) wraps.
    pub fn file_key(&self) -> &[u8; FILE_KEY_LEN] {
        &self.file_key
    }

    /// The header naming `recipients` (one stanza per key the file key was
    /// wrapped to; none for a visitor copy), and what AES-256-GCM seals.
    pub fn payload(
        self,
        recipients: Vec<RecipientStanza>,
        params: &SealParams<'_>,
        plaintext: &[u8],
    ) -> Result<Payload, SealError> {
        check_plaintext(plaintext)?;
        match (self.kind, recipients.is_empty()) {
            (Kind::VisitorCopy, false) => return Err(SealError::RecipientsOnVisitorCopy),
            (Kind::Booking | Kind::ContactCard, true) => return Err(SealError::NoRecipients),
            _ => {}
        }
        let header = Header {
            v: 1,
            suite: SUITE.to_owned(),
            business: params.business.to_owned(),
            kind: self.kind,
            iat: params.iat,
            recipients,
            nonce: base64url::encode(&self.nonce),
            commit: base64url::encode(&primitives::commitment(&self.file_key, &self.nonce)),
        }
        .to_json();
        if header.len() > MAX_HEADER_LEN {
            return Err(SealError::HeaderTooLarge);
        }
        Ok(Payload {
            key: primitives::payload_key(&self.file_key, &self.nonce),
            nonce: self.nonce,
            padded: Zeroizing::new(padding::pad(plaintext)),
            header,
        })
    }
}

impl fmt::Debug for Sealing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealing")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// The last step of [`Sealing`]: what AES-256-GCM seals, and with what.
pub struct Payload {
    header: Vec<u8>,
    key: Zeroizing<[u8; 32]>,
    nonce: [u8; NONCE_LEN],
    padded: Zeroizing<Vec<u8>>,
}

impl Payload {
    /// The header bytes: the additional authenticated data.
    pub fn header(&self) -> &[u8] {
        &self.header
    }

    /// The payload key.
    pub fn key(&self) -> &[u8; 32] {
        &self.key
    }

    /// The AES-GCM nonce (the header's `nonce`).
    pub fn nonce(&self) -> &[u8; NONCE_LEN] {
        &self.nonce
    }

    /// The padded plaintext.
    pub fn padded(&self) -> &[u8] {
        &self.padded
    }

    /// `envelope = magic ‖ header_len ‖ header ‖ sealed`, where `sealed` is the
    /// AES-256-GCM output (ciphertext ‖ 16-byte tag) of [`Self::padded`].
    pub fn finish(self, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        if sealed.len() != self.padded.len() + TAG_LEN {
            return Err(SealError::SealedLength);
        }
        let header_len =
            u32::try_from(self.header.len()).expect("header length is bounded by MAX_HEADER_LEN");
        let mut envelope = Vec::with_capacity(8 + self.header.len() + sealed.len());
        envelope.extend_from_slice(&MAGIC);
        envelope.extend_from_slice(&header_len.to_be_bytes());
        envelope.extend_from_slice(&self.header);
        envelope.extend_from_slice(sealed);
        Ok(envelope)
    }

    /// AES-256-GCM here in Rust, then [`Self::finish`].
    fn seal_here(self) -> Result<Vec<u8>, SealError> {
        let sealed = primitives::aead_seal(&self.key, &self.nonce, &self.header, &self.padded);
        self.finish(&sealed)
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("header_len", &self.header.len())
            .field("padded_len", &self.padded.len())
            .finish_non_exhaustive()
    }
}

fn check_plaintext(plaintext: &[u8]) -> Result<(), SealError> {
    if plaintext.len() > MAX_PLAINTEXT_LEN {
        return Err(SealError::PlaintextTooLarge);
    }
    Ok(())
}

fn random_nonce<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<[u8; NONCE_LEN], SealError> {
    let mut nonce = [0u8; NONCE_LEN];
    rng.try_fill_bytes(&mut nonce)
        .map_err(|_| SealError::Randomness)?;
    Ok(nonce)
}
