//! Sealing: what the widget does in the visitor's browser.

use rand_core::TryCryptoRng;
use rsa::oaep::EncryptingKey;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::traits::{PublicKeyParts, RandomizedEncryptor};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::primitives::{self, FILE_KEY_LEN, NONCE_LEN};
use crate::{
    Header, KeyError, KeyId, Kind, MAGIC, MAX_HEADER_LEN, MAX_PLAINTEXT_LEN, MIN_RSA_BITS,
    ManageSecret, OAEP_LABEL, RecipientStanza, SUITE, SealError, base64url, padding, spki,
};

/// A business public key that a booking can be sealed to.
#[derive(Debug, Clone)]
pub struct Recipient {
    kid: KeyId,
    key: rsa::PublicKey,
    /// The canonical SPKI DER, kept so the widget never needs a DER encoder.
    spki_der: Vec<u8>,
}

impl Recipient {
    /// From a DER SubjectPublicKeyInfo (what the key-set endpoint serves). Only the
    /// canonical DER encoding is accepted, so the kid can hash these exact bytes.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = spki::parse_rsa_spki(der)?;
        let bits = usize::try_from(key.n().bit_width()).unwrap_or(0);
        if bits < MIN_RSA_BITS {
            return Err(KeyError::TooSmall(bits));
        }
        Ok(Self {
            kid: KeyId::from_spki_der(der),
            key,
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
    pub fn spki_der(&self) -> Vec<u8> {
        self.spki_der.clone()
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
    if recipients.is_empty() {
        return Err(SealError::NoRecipients);
    }
    check_plaintext(plaintext)?;
    let mut file_key = Zeroizing::new([0u8; FILE_KEY_LEN]);
    rng.try_fill_bytes(file_key.as_mut())
        .map_err(|_| SealError::Randomness)?;
    let nonce = random_nonce(rng)?;
    let stanzas = recipients
        .iter()
        .map(|recipient| {
            let wrapping =
                EncryptingKey::<Sha256>::new_with_label(recipient.key.clone(), OAEP_LABEL);
            let wk = wrapping
                .encrypt_with_rng(rng, file_key.as_ref())
                .map_err(|_| SealError::Wrap)?;
            Ok(RecipientStanza {
                kid: recipient.kid.clone(),
                wk: base64url::encode(&wk),
            })
        })
        .collect::<Result<Vec<_>, SealError>>()?;
    assemble(&file_key, &nonce, kind, stanzas, params, plaintext)
}

/// Seals the visitor's copy: no recipients, file key derived from the manage secret.
pub fn seal_visitor_copy<R: TryCryptoRng + ?Sized>(
    secret: &ManageSecret,
    params: &SealParams<'_>,
    plaintext: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, SealError> {
    check_plaintext(plaintext)?;
    let nonce = random_nonce(rng)?;
    assemble(
        &secret.visitor_file_key(),
        &nonce,
        Kind::VisitorCopy,
        Vec::new(),
        params,
        plaintext,
    )
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

/// `envelope = magic ‖ header_len ‖ header ‖ sealed`.
fn assemble(
    file_key: &[u8; FILE_KEY_LEN],
    nonce: &[u8; NONCE_LEN],
    kind: Kind,
    recipients: Vec<RecipientStanza>,
    params: &SealParams<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let header = Header {
        v: 1,
        suite: SUITE.to_owned(),
        business: params.business.to_owned(),
        kind,
        iat: params.iat,
        recipients,
        nonce: base64url::encode(nonce),
        commit: base64url::encode(&primitives::commitment(file_key, nonce)),
    };
    let header_json = header.to_json();
    if header_json.len() > MAX_HEADER_LEN {
        return Err(SealError::HeaderTooLarge);
    }
    let padded = Zeroizing::new(padding::pad(plaintext));
    let payload_key = primitives::payload_key(file_key, nonce);
    let sealed = primitives::aead_seal(&payload_key, nonce, &header_json, &padded);

    let header_len =
        u32::try_from(header_json.len()).expect("header length is bounded by MAX_HEADER_LEN");
    let mut envelope = Vec::with_capacity(8 + header_json.len() + sealed.len());
    envelope.extend_from_slice(&MAGIC);
    envelope.extend_from_slice(&header_len.to_be_bytes());
    envelope.extend_from_slice(&header_json);
    envelope.extend_from_slice(&sealed);
    Ok(envelope)
}
