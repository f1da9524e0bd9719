//! The manage link, `{server}/manage/{id}#{secret}`, and the decrypted booking.

use sealbook_envelope::ManageSecret;
use serde_json::Value;

/// The booking id from `location.pathname` and the secret from `location.hash`.
/// `None` for anything that is not a well-formed link.
pub fn parse(pathname: &str, hash: &str) -> Option<(String, ManageSecret)> {
    let id = pathname.strip_prefix("/manage/")?;
    let well_formed = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !well_formed {
        return None;
    }
    let secret = ManageSecret::from_base64url(hash.strip_prefix('#')?)?;
    Some((id.to_owned(), secret))
}

/// What the visitor typed, as sealed in the visitor copy (`form::plaintext`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Booking {
    pub name: String,
    /// `phone` or `email`, and the value.
    pub contact: Option<(String, String)>,
    pub note: String,
    pub reason: String,
    pub lang: Option<String>,
    /// The pins the widget checked the keys against (visitor copies only).
    pub pins: Vec<String>,
    /// The whole plaintext, to re-seal with a new start.
    pub raw: Value,
}

impl Booking {
    /// Reads the plaintext JSON; `None` if it is not a booking.
    pub fn from_plaintext(bytes: &[u8]) -> Option<Self> {
        let value: Value = serde_json::from_slice(bytes).ok()?;
        if value.get("v")?.as_u64()? != 1 {
            return None;
        }
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let contact = value
            .get("contact")
            .and_then(Value::as_object)
            .and_then(|c| {
                c.iter()
                    .find_map(|(kind, v)| Some((kind.clone(), v.as_str()?.to_owned())))
            });
        Some(Self {
            name: text("name"),
            contact,
            note: text("note"),
            reason: text("reason"),
            lang: value.get("lang").and_then(Value::as_str).map(str::to_owned),
            pins: value
                .get("pins")
                .and_then(Value::as_array)
                .map(|pins| {
                    pins.iter()
                        .filter_map(|p| p.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            raw: value,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    #[test]
    fn well_formed_links_parse() {
        let (id, secret) = parse("/manage/7KQ2-M9XD", &format!("#{SECRET}")).expect("ok");
        assert_eq!(id, "7KQ2-M9XD");
        assert_eq!(secret.to_base64url(), SECRET);
    }

    #[test]
    fn broken_links_do_not() {
        for (path, hash) in [
            ("/manage/7KQ2", ""),
            ("/manage/7KQ2", "#"),
            ("/manage/7KQ2", "#AAEC"),
            ("/manage/", &format!("#{SECRET}")),
            ("/other/7KQ2", &format!("#{SECRET}")),
            ("/manage/a/b", &format!("#{SECRET}")),
            ("/manage/7KQ2", &format!("#{SECRET}x")),
        ] {
            assert!(parse(path, hash).is_none(), "{path}{hash}");
        }
    }

    #[test]
    fn plaintexts_are_read() {
        let booking = Booking::from_plaintext(
            br#"{"v":1,"kind":"restaurant","name":"Ada","contact":{"phone":"+33 6"},"party_size":4,"start":"2026-12-04T18:00:00Z","lang":"fr"}"#,
        )
        .expect("booking");
        assert_eq!(booking.name, "Ada");
        assert_eq!(
            booking.contact,
            Some(("phone".to_owned(), "+33 6".to_owned()))
        );
        assert_eq!(booking.lang.as_deref(), Some("fr"));
        assert!(booking.pins.is_empty());
        let pinned =
            Booking::from_plaintext(br#"{"v":1,"pins":["sha256:a","sha256:b"]}"#).expect("booking");
        assert_eq!(pinned.pins, ["sha256:a", "sha256:b"]);
        assert!(Booking::from_plaintext(b"{\"v\":2}").is_none());
        assert!(Booking::from_plaintext(b"not json").is_none());
    }
}
