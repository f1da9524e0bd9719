//! Key checking and sealing: the widget's half of the trust boundary.
//!
//! A served key is used only if it is active, parses as an RSA key of at least
//! 3072 bits, hashes to the kid the server claims, and that kid is pinned in the
//! script tag. One key that fails any of this stops the booking before anything
//! is sealed or sent (DESIGN §3 step 4).

use sealbook_envelope::{
    KeyId, ManageSecret, OpenError, Opened, Recipient, SealError, SealParams, base64url,
};

use crate::error::{ErrorCode, Failure};
use crate::public_api::KeySet;

/// Why the served key set was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyCheckError {
    /// The set names another business than the one in the script tag.
    WrongBusiness,
    /// No key is active: nothing to seal to.
    NoActiveKey,
    /// An active key's SPKI does not decode or is not an acceptable RSA key.
    BadKey,
    /// An active key hashes to another kid than the server claims.
    KidMismatch,
    /// An active key is not among the pins.
    NotPinned,
}

/// The recipients to seal to: every active key, each verified against the pins.
#[inline]
pub fn verified_recipients(
    set: &KeySet,
    business: &str,
    pins: &[KeyId],
) -> Result<Vec<Recipient>, KeyCheckError> {
    if set.business != business {
        return Err(KeyCheckError::WrongBusiness);
    }
    verified(&set.keys, pins)
}

/// The courier keys to seal a contact card to: every active one, each
/// verified against the courier pins exactly as booking keys are.
#[inline]
pub fn verified_courier_recipients(
    set: &KeySet,
    business: &str,
    pins: &[KeyId],
) -> Result<Vec<Recipient>, KeyCheckError> {
    if set.business != business {
        return Err(KeyCheckError::WrongBusiness);
    }
    verified(&set.courier, pins)
}

fn verified(
    keys: &[crate::public_api::ServedKey],
    pins: &[KeyId],
) -> Result<Vec<Recipient>, KeyCheckError> {
    let recipients = keys
        .iter()
        .filter(|key| key.is_active())
        .map(|key| {
            let der = base64url::decode(&key.spki).ok_or(KeyCheckError::BadKey)?;
            let recipient = Recipient::from_spki_der(&der).map_err(|_| KeyCheckError::BadKey)?;
            let computed = recipient.kid();
            if computed.as_str() != key.kid {
                return Err(KeyCheckError::KidMismatch);
            }
            if !pins.contains(computed) {
                return Err(KeyCheckError::NotPinned);
            }
            Ok(recipient)
        })
        .collect::<Result<Vec<_>, _>>()?;
    if recipients.is_empty() {
        return Err(KeyCheckError::NoActiveKey);
    }
    Ok(recipients)
}

/// What to seal, and to whom.
#[derive(Clone, Copy, Debug)]
pub enum Seal<'a> {
    /// A booking, to the verified business keys.
    Booking(&'a [Recipient]),
    /// A contact card, to the verified courier keys.
    ContactCard(&'a [Recipient]),
    /// The visitor's copy, under the manage secret.
    VisitorCopy(&'a ManageSecret),
}

/// Why nothing was sealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealFailure {
    /// The page is not a secure context, so the browser offers no WebCrypto. A
    /// page delivered without TLS could also have had its script tag's pins
    /// changed on the way, so the widget does not seal there at all.
    InsecurePage,
    /// The randomness, a key or the browser's cryptography failed.
    Failed,
}

impl From<SealFailure> for ErrorCode {
    #[inline]
    fn from(failure: SealFailure) -> Self {
        match failure {
            SealFailure::InsecurePage => Self::InsecurePage,
            SealFailure::Failed => Self::SealFailed,
        }
    }
}

impl From<SealFailure> for Failure {
    #[inline]
    fn from(failure: SealFailure) -> Self {
        Self::Known(failure.into())
    }
}

impl From<SealError> for SealFailure {
    #[inline]
    fn from(_: SealError) -> Self {
        Self::Failed
    }
}

/// Seals `plaintext` as `what` with the browser's randomness; returns the
/// envelope as base64url. A booking's sealing is recorded as the performance
/// measure `sealbook:seal`, which tests read with `performance.getEntriesByName`.
///
/// In the browser the RSA-OAEP wraps and AES-256-GCM run in WebCrypto, and the
/// envelope crate does the rest of the format (`Sealing`); natively (tests)
/// the envelope crate does it all. Both write the same format: the frozen
/// vectors pin the Rust path, and a browser test opens what WebCrypto sealed.
#[inline]
pub async fn seal(
    what: Seal<'_>,
    business: &str,
    iat: u64,
    plaintext: &[u8],
) -> Result<String, SealFailure> {
    let params = SealParams { business, iat };
    let envelope = if let Seal::Booking(_) = what {
        measured(seal_bytes(what, &params, plaintext)).await?
    } else {
        seal_bytes(what, &params, plaintext).await?
    };
    Ok(base64url::encode(&envelope))
}

#[cfg(target_family = "wasm")]
async fn seal_bytes(
    what: Seal<'_>,
    params: &SealParams<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealFailure> {
    use sealbook_envelope::{RecipientStanza, Sealing};

    use crate::webcrypto;

    let subtle = webcrypto::subtle().ok_or(SealFailure::InsecurePage)?;
    let rng = &mut getrandom::SysRng;
    let (sealing, recipients) = match what {
        Seal::Booking(recipients) => (Sealing::booking(rng)?, recipients),
        Seal::ContactCard(recipients) => (Sealing::contact_card(rng)?, recipients),
        Seal::VisitorCopy(secret) => (Sealing::visitor_copy(secret, rng)?, &[][..]),
    };
    let failed = |_| SealFailure::Failed;
    let mut stanzas = Vec::with_capacity(recipients.len());
    for recipient in recipients {
        let wk = webcrypto::rsa_oaep_encrypt(&subtle, recipient.spki_der(), sealing.file_key())
            .await
            .map_err(failed)?;
        stanzas.push(RecipientStanza {
            kid: recipient.kid().clone(),
            wk: base64url::encode(&wk),
        });
    }
    let payload = sealing.payload(stanzas, params, plaintext)?;
    let sealed = webcrypto::aes_gcm_encrypt(
        &subtle,
        payload.key(),
        payload.nonce(),
        payload.header(),
        payload.padded(),
    )
    .await
    .map_err(failed)?;
    Ok(payload.finish(&sealed)?)
}

#[cfg(not(target_family = "wasm"))]
async fn seal_bytes(
    what: Seal<'_>,
    params: &SealParams<'_>,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealFailure> {
    let rng = &mut getrandom::SysRng;
    Ok(match what {
        Seal::Booking(recipients) => sealbook_envelope::seal(recipients, params, plaintext, rng),
        Seal::ContactCard(recipients) => {
            sealbook_envelope::seal_contact_card(recipients, params, plaintext, rng)
        }
        Seal::VisitorCopy(secret) => {
            sealbook_envelope::seal_visitor_copy(secret, params, plaintext, rng)
        }
    }?)
}

/// Seals nothing to nobody once, and throws the envelope away: the first seal
/// of a page otherwise waits for the browser to start its cryptography and to
/// compile the sealing code, which this does while the visitor types. A visitor
/// copy needs no business key, and it runs the same format code and AES-GCM as
/// a booking. Measured in headless Chromium (BENCHMARKS): a page's first
/// booking seal took 2.6–3.4 ms after a bare digest, 1.0–1.2 ms after this.
#[inline]
pub async fn warm_up() {
    let params = SealParams {
        business: "",
        iat: 0,
    };
    if let Ok(secret) = ManageSecret::generate(&mut getrandom::SysRng) {
        // Best effort: sealing works the same without it.
        let _ = seal_bytes(Seal::VisitorCopy(&secret), &params, &[]).await;
    }
}

/// Opens the visitor's copy (raw envelope bytes) with the manage secret from
/// the link: in the browser, AES-256-GCM runs in WebCrypto and the envelope
/// crate does the rest (`Unsealing`); natively the envelope crate does it all.
/// Any failure is the one `OpenError`, as the format requires.
#[inline]
pub async fn open_visitor_copy(secret: &ManageSecret, bytes: &[u8]) -> Result<Opened, OpenError> {
    #[cfg(target_family = "wasm")]
    {
        let unsealing = sealbook_envelope::Unsealing::visitor_copy(secret, bytes)?;
        let subtle = crate::webcrypto::subtle().ok_or(OpenError)?;
        let padded = crate::webcrypto::aes_gcm_decrypt(
            &subtle,
            unsealing.key(),
            unsealing.nonce(),
            unsealing.header(),
            unsealing.sealed(),
        )
        .await
        .map_err(|_| OpenError)?;
        unsealing.finish(padded)
    }
    #[cfg(not(target_family = "wasm"))]
    {
        sealbook_envelope::open_visitor_copy(secret, bytes)
    }
}

/// Awaits `sealing` between two performance marks and records the measure `sealbook:seal`.
#[cfg(target_family = "wasm")]
async fn measured<T>(sealing: impl Future<Output = T>) -> T {
    const MEASURE: &str = "sealbook:seal";
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return sealing.await;
    };
    let (start, end) = ("sealbook:seal:start", "sealbook:seal:end");
    // Marks are best effort: a page that forbids them still gets its booking.
    let _ = performance.mark(start);
    let result = sealing.await;
    let _ = performance.mark(end);
    let _ = performance.measure_with_start_mark_and_end_mark(MEASURE, start, end);
    performance.clear_marks_with_mark_name(start);
    performance.clear_marks_with_mark_name(end);
    result
}

/// Native builds (tests) have no performance timeline.
#[cfg(not(target_family = "wasm"))]
async fn measured<T>(sealing: impl Future<Output = T>) -> T {
    sealing.await
}

#[cfg(test)]
mod tests {
    use sealbook_envelope::{Envelope, Kind};

    use super::*;
    use crate::public_api::ServedKey;

    /// Public keys of the frozen vectors `restaurant-3072` and `clinic-4096`
    /// (tests/vectors/v1.json), as the key-set endpoint serves them.
    const SPKI_3072: &str = "MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEAtAoPeAbFylYAqAMNoru0zvRcGWF-xVdN95bfjtQolOlSSae378Xtanr4WbgeTgE40PAet67S0PxinIgrDnoOpwR-9ZIK9mh0kdoJj-NOZg3xMLWIuIgqQSPoobSQ699ywn46MslJFE-91P9IxJ0_1c9ekKRkvY5e0_Bj8tdyVPchdwsO93T-X5jRioW0P26y47IbFGbLyPG8X0C39W8KKnWnQYCRAsNr7LOEYlaXaim0_J7-s_nPVPkznGBe8DaJvE4p1oE_1sSoU9Pq6dL-RQ-dO0k80YEQbRhVtVsffzvGpEV1ZqP1IkTvxWflOjFgzzd7_PXBUan5Y9Dwh9PnimNebiabGKMsVk6RTGkONZWpLc9c55x8PmugLNk-2JLVVNOoC0f7MVsSS20dz7A5y73eWdW-BjnTcbL533PyKsETAUyPOByg4NNhYlGdxtq1139UFRpOQQ5igWsHRu4-dtBkvKTJp7YAwfiTNHMmWR1PiOd8a3xGmHeO--KqQbbtAgMBAAE";
    const KID_3072: &str = "sha256:vOnD0T8K_Rzrrt5yyP7G5KIZiAk-zmsco-C0oRJfUdU";
    const SPKI_4096: &str = "MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAxrOMD_VcdWEknGXcBuAJczpJ9jaXg1SpXOkTLjdu_Rl9foz5HNPy-pDNoCdmgss2bIFR4Fy4CYCUOf7qjlsruy-aY5RXSaxPq0-BTTnXYRBNAmfv6GhDjpyGdEcyxI9exjemlfvKnSVN6n8CWRPDIF5x4d5OELriSU0HtYcbJXp0Ure7zk6VUbw8vuzrpK0nR9Cd6ZWvz8S_4iOHuX9V32J9zdfQpuBS3LopoWovwZsMZcDaX7D2uhQBvDYyuyE8CIghON27WO8gRrFNSbjJXZqiBSj7OK1zHem4yKoRUbFyfGOIb58KXd-8-6UXcGiaRdjQr9EhAt-9xeOxyJOWRXDyw5sk6XeIN00AdkfA-Jw0ck8whxADgtUo7DjrPE7_FZ0mCuGKj9Txx7EE-z9rj2Np65UGCUKO5aA9lOmFjVqvg7uBzxhio4y26EmynUG5qtB0YeM2xy49LDtp6QiGemQXE9eedcuCEDX9GQVXfipnPFiOx9rRrYJ3-ErjWoqNdcAj5mSiYqrEmgnl2_4LDQKXK3n5cugk2SQtpl2em1teGxHl9dHkHECJ4xOknejRQSFuCO4MEJ3hjQ5QZAdmN5xAOW0Tp53Q_XTLuyx8wJtAATlmMLEYGLJzs3AKd0RyMIAb_is_65nP6wDYiOHy3m-TiC5lFtPyTy5I2lYqvUcCAwEAAQ";
    const KID_4096: &str = "sha256:jA3irbt27LQ-l2SgaZzVbkOpd6_NFfyFnZQ5ukHaYFI";

    fn key(kid: &str, spki: &str, status: &str) -> ServedKey {
        ServedKey {
            kid: kid.to_owned(),
            spki: spki.to_owned(),
            status: status.to_owned(),
        }
    }

    fn set(keys: Vec<ServedKey>) -> KeySet {
        KeySet {
            business: "bistro".to_owned(),
            keys,
            courier: Vec::new(),
        }
    }

    fn pins(kids: &[&str]) -> Vec<KeyId> {
        kids.iter()
            .map(|k| KeyId::parse(k).expect("well-formed kid"))
            .collect()
    }

    #[test]
    fn pinned_active_keys_are_accepted_and_others_ignored() {
        let served = set(vec![
            key(KID_3072, SPKI_3072, "active"),
            key(KID_4096, SPKI_4096, "retired"),
            key("sha256:whatever", "not base64!", "compromised"),
        ]);
        let recipients =
            verified_recipients(&served, "bistro", &pins(&[KID_3072])).expect("verified");
        assert_eq!(recipients.len(), 1);
        assert_eq!(recipients[0].kid().as_str(), KID_3072);
    }

    #[test]
    fn every_active_key_must_be_pinned() {
        let served = set(vec![
            key(KID_3072, SPKI_3072, "active"),
            key(KID_4096, SPKI_4096, "active"),
        ]);
        assert_eq!(
            verified_recipients(&served, "bistro", &pins(&[KID_3072])).map(|r| r.len()),
            Err(KeyCheckError::NotPinned)
        );
        let both = verified_recipients(&served, "bistro", &pins(&[KID_4096, KID_3072]))
            .expect("both pinned");
        assert_eq!(both.len(), 2);
    }

    #[test]
    fn a_served_kid_must_match_the_key() {
        // The server claims the pinned kid but serves another key.
        let served = set(vec![key(KID_3072, SPKI_4096, "active")]);
        assert!(matches!(
            verified_recipients(&served, "bistro", &pins(&[KID_3072, KID_4096])),
            Err(KeyCheckError::KidMismatch)
        ));
    }

    #[test]
    fn empty_or_inactive_sets_are_refused() {
        let none_active = set(vec![key(KID_3072, SPKI_3072, "retired")]);
        for served in [set(Vec::new()), none_active] {
            assert_eq!(
                verified_recipients(&served, "bistro", &pins(&[KID_3072])).map(|r| r.len()),
                Err(KeyCheckError::NoActiveKey)
            );
        }
    }

    #[test]
    fn broken_keys_and_other_businesses_are_refused() {
        let garbled = set(vec![key(KID_3072, "AAAA", "active")]);
        assert!(matches!(
            verified_recipients(&garbled, "bistro", &pins(&[KID_3072])),
            Err(KeyCheckError::BadKey)
        ));
        let served = set(vec![key(KID_3072, SPKI_3072, "active")]);
        assert!(matches!(
            verified_recipients(&served, "other", &pins(&[KID_3072])),
            Err(KeyCheckError::WrongBusiness)
        ));
    }

    #[test]
    fn sealed_bookings_parse_as_envelopes_to_the_pinned_keys() {
        let served = set(vec![
            key(KID_3072, SPKI_3072, "active"),
            key(KID_4096, SPKI_4096, "active"),
        ]);
        let recipients =
            verified_recipients(&served, "bistro", &pins(&[KID_3072, KID_4096])).expect("ok");
        let sealing = seal(
            Seal::Booking(&recipients),
            "bistro",
            1_790_000_000,
            br#"{"v":1}"#,
        );
        let encoded = futures_executor::block_on(sealing).expect("sealed");
        let bytes = base64url::decode(&encoded).expect("base64url");
        let envelope = Envelope::parse(&bytes).expect("envelope");
        let header = envelope.header();
        assert_eq!(header.business, "bistro");
        assert_eq!(header.iat, 1_790_000_000);
        assert_eq!(header.kind, Kind::Booking);
        let kids: Vec<_> = header.kids().map(KeyId::as_str).collect();
        assert_eq!(kids, [KID_3072, KID_4096]);
    }
}

/// In headless Chromium (`cargo xtask test`): what the widget seals with
/// WebCrypto, the envelope crate opens (its pure-Rust path, compiled to wasm),
/// for every kind, to a 3072-bit and a 4096-bit key at once.
#[cfg(all(test, target_family = "wasm", target_os = "unknown"))]
mod browser_tests {
    use sealbook_envelope::{
        Envelope, Identity, Kind, ManageSecret, Recipient, base64url, open, open_contact_card,
        open_visitor_copy,
    };
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::{Seal, seal};

    wasm_bindgen_test_configure!(run_in_browser);

    const VECTORS: &str = include_str!("../../../tests/vectors/v1.json");

    fn vector_keys() -> (Vec<Identity>, Vec<Recipient>) {
        let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("vectors");
        vectors
            .as_array()
            .expect("a list")
            .iter()
            .filter(|v| matches!(v["name"].as_str(), Some("restaurant-3072" | "clinic-4096")))
            .map(|v| {
                let pem = |field: &str| v[field].as_str().expect("a PEM").to_owned();
                (
                    Identity::from_pkcs8_pem(&pem("private_key_pem")).expect("private key"),
                    Recipient::from_spki_pem(&pem("public_key_pem")).expect("public key"),
                )
            })
            .unzip()
    }

    fn decoded(envelope: &str) -> Vec<u8> {
        base64url::decode(envelope).expect("base64url")
    }

    fn now() -> f64 {
        web_sys::window()
            .and_then(|window| window.performance())
            .map_or(0.0, |performance| performance.now())
    }

    fn median(mut times: Vec<f64>) -> f64 {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    }

    /// Seal times, WebCrypto against the envelope crate's pure Rust in the same
    /// page, for docs/BENCHMARKS.md (printed with `--nocapture`, never asserted;
    /// `cargo xtask bench` runs it built for release).
    #[wasm_bindgen_test]
    async fn sealing_times_webcrypto_and_wasm() {
        const SEALS: usize = 50;
        let (_, recipients) = vector_keys();
        let one = &recipients[..1];
        let plaintext = br#"{"v":1,"name":"Guest","phone":"+33 6 12 34 56 78","party":2}"#;
        let mut webcrypto = Vec::with_capacity(SEALS);
        for _ in 0..SEALS {
            let started = now();
            seal(Seal::Booking(one), "bistro", 1, plaintext)
                .await
                .expect("sealed");
            webcrypto.push(now() - started);
        }
        let params = sealbook_envelope::SealParams {
            business: "bistro",
            iat: 1,
        };
        let mut wasm = Vec::with_capacity(SEALS);
        for _ in 0..SEALS {
            let started = now();
            sealbook_envelope::seal(one, &params, plaintext, &mut getrandom::SysRng)
                .expect("sealed");
            wasm.push(now() - started);
        }
        wasm_bindgen_test::console_log!(
            "seal one booking to a 3072-bit key, {SEALS} times in a test page: WebCrypto first {:.2} ms, median {:.2} ms; wasm RSA first {:.2} ms, median {:.2} ms",
            webcrypto[0],
            median(webcrypto.clone()),
            wasm[0],
            median(wasm.clone())
        );
    }

    #[wasm_bindgen_test]
    async fn what_webcrypto_seals_the_envelope_crate_opens() {
        let (identities, recipients) = vector_keys();
        assert_eq!(recipients.len(), 2);
        let plaintext = "{\"name\":\"Zoë Canary\",\"party\":2}".repeat(40);
        let plaintext = plaintext.as_bytes();

        let booking = decoded(
            &seal(
                Seal::Booking(&recipients),
                "bistro",
                1_795_000_000,
                plaintext,
            )
            .await
            .expect("sealed with WebCrypto"),
        );
        let header = Envelope::parse(&booking).expect("parses").header().clone();
        assert_eq!(
            (header.kind, header.business.as_str(), header.iat),
            (Kind::Booking, "bistro", 1_795_000_000)
        );
        // Each key alone opens it: every wrap is right, not just the first.
        for identity in &identities {
            let opened = open(std::slice::from_ref(identity), &booking).expect("opens");
            assert_eq!(opened.plaintext, plaintext);
        }
        assert!(open_contact_card(&identities, &booking).is_err());

        let card = decoded(
            &seal(
                Seal::ContactCard(&recipients[..1]),
                "bistro",
                1,
                b"{\"v\":1}",
            )
            .await
            .expect("sealed with WebCrypto"),
        );
        let opened = open_contact_card(&identities, &card).expect("opens");
        assert_eq!(opened.plaintext, b"{\"v\":1}");
        assert!(open(&identities, &card).is_err(), "a card is not a booking");

        let secret = ManageSecret::generate(&mut getrandom::SysRng).expect("randomness");
        let copy = decoded(
            &seal(Seal::VisitorCopy(&secret), "bistro", 2, plaintext)
                .await
                .expect("sealed with WebCrypto"),
        );
        let opened = open_visitor_copy(&secret, &copy).expect("opens");
        assert_eq!(opened.plaintext, plaintext);
        assert_eq!(opened.header.kind, Kind::VisitorCopy);
        assert!(opened.header.recipients.is_empty());
        let other = ManageSecret::generate(&mut getrandom::SysRng).expect("randomness");
        assert!(open_visitor_copy(&other, &copy).is_err());

        // And the manage page's WebCrypto opening reads what either path sealed,
        // and refuses a wrong secret and a changed byte alike.
        let by_rust = sealbook_envelope::seal_visitor_copy(
            &secret,
            &sealbook_envelope::SealParams {
                business: "bistro",
                iat: 3,
            },
            plaintext,
            &mut getrandom::SysRng,
        )
        .expect("sealed in Rust");
        for envelope in [&copy, &by_rust] {
            let opened = super::open_visitor_copy(&secret, envelope)
                .await
                .expect("WebCrypto opens");
            assert_eq!(opened.plaintext, plaintext);
            assert!(super::open_visitor_copy(&other, envelope).await.is_err());
            let mut changed = envelope.clone();
            let last = changed.len() - 1;
            changed[last] ^= 1;
            assert!(super::open_visitor_copy(&secret, &changed).await.is_err());
        }
        assert!(
            super::open_visitor_copy(&secret, &booking).await.is_err(),
            "a booking is not a visitor copy"
        );
    }
}
