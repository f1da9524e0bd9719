//! Key checking and sealing: the widget's half of the trust boundary.
//!
//! A served key is used only if it is active, parses as an RSA key of at least
//! 3072 bits, hashes to the kid the server claims, and that kid is pinned in the
//! script tag. One key that fails any of this stops the booking before anything
//! is sealed or sent (DESIGN §3 step 4).

use sealbook_envelope::{KeyId, Recipient, SealError, SealParams, base64url, seal};

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

/// Seals `plaintext` to `recipients` with the browser's randomness; returns the
/// envelope as base64url. The sealing is recorded as the performance measure
/// `sealbook:seal`, which tests read with `performance.getEntriesByName`.
#[inline]
pub fn seal_booking(
    recipients: &[Recipient],
    business: &str,
    iat: u64,
    plaintext: &[u8],
) -> Result<String, SealError> {
    let params = SealParams { business, iat };
    let envelope = measured(|| seal(recipients, &params, plaintext, &mut getrandom::SysRng))?;
    Ok(base64url::encode(&envelope))
}

/// Runs `f` between two performance marks and records the measure `sealbook:seal`.
#[cfg(target_family = "wasm")]
#[inline]
fn measured<T>(f: impl FnOnce() -> T) -> T {
    const MEASURE: &str = "sealbook:seal";
    let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
        return f();
    };
    let (start, end) = ("sealbook:seal:start", "sealbook:seal:end");
    // Marks are best effort: a page that forbids them still gets its booking.
    let _ = performance.mark(start);
    let result = f();
    let _ = performance.mark(end);
    let _ = performance.measure_with_start_mark_and_end_mark(MEASURE, start, end);
    performance.clear_marks_with_mark_name(start);
    performance.clear_marks_with_mark_name(end);
    result
}

/// Native builds (tests) have no performance timeline.
#[cfg(not(target_family = "wasm"))]
#[inline]
fn measured<T>(f: impl FnOnce() -> T) -> T {
    f()
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
        let encoded =
            seal_booking(&recipients, "bistro", 1_790_000_000, br#"{"v":1}"#).expect("sealed");
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
