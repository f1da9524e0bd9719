//! The header: compact JSON, keys in a fixed order, authenticated as the AEAD's
//! associated data exactly as the bytes appear in the envelope.

use serde::{Deserialize, Serialize};

use crate::{KeyId, SUITE};

/// What an envelope holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A booking, sealed to the business's keys.
    Booking,
    /// The visitor's own copy, sealed to a key derived from the manage secret.
    VisitorCopy,
    /// How to reach the visitor about one booking, sealed to the business's
    /// courier key: opened only by the courier, never by the inbox.
    ContactCard,
}

/// One `{ "kid", "wk" }` entry: the file key wrapped to one RSA key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipientStanza {
    /// The key id of the recipient's public key.
    pub kid: KeyId,
    /// base64url of `RSA-OAEP(file_key)`.
    pub wk: String,
}

/// The envelope header. Field order here is the serialisation order of the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Always 1.
    pub v: u32,
    /// Always [`SUITE`] in version 1.
    pub suite: String,
    /// The business the booking is for.
    pub business: String,
    /// Booking or visitor copy.
    pub kind: Kind,
    /// Seal time, unix seconds.
    pub iat: u64,
    /// One stanza per recipient key; empty for a visitor copy.
    pub recipients: Vec<RecipientStanza>,
    /// base64url of the 12-byte AES-GCM nonce (also the HKDF salt).
    pub nonce: String,
    /// base64url of the 32-byte key commitment.
    pub commit: String,
}

impl Header {
    /// `true` when version and suite are ones this implementation speaks.
    pub fn is_supported(&self) -> bool {
        self.v == 1 && self.suite == SUITE
    }

    /// The kids this envelope is sealed to, in order.
    pub fn kids(&self) -> impl Iterator<Item = &KeyId> {
        self.recipients.iter().map(|stanza| &stanza.kid)
    }

    /// Compact JSON in field order, byte for byte what `serde_json::to_vec`
    /// writes (a test holds them together). Written by hand so that a sealer
    /// links no JSON serialiser: the widget's size budget.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + 700 * self.recipients.len());
        out.extend_from_slice(b"{\"v\":");
        out.extend_from_slice(self.v.to_string().as_bytes());
        member(&mut out, "suite", &self.suite);
        member(&mut out, "business", &self.business);
        member(&mut out, "kind", self.kind.as_str());
        out.extend_from_slice(b",\"iat\":");
        out.extend_from_slice(self.iat.to_string().as_bytes());
        out.extend_from_slice(b",\"recipients\":[");
        for (index, stanza) in self.recipients.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            out.push(b'{');
            json_string(&mut out, "kid");
            out.push(b':');
            json_string(&mut out, stanza.kid.as_str());
            member(&mut out, "wk", &stanza.wk);
            out.push(b'}');
        }
        out.push(b']');
        member(&mut out, "nonce", &self.nonce);
        member(&mut out, "commit", &self.commit);
        out.push(b'}');
        out
    }

    /// Reads a header in canonical form (§4.2) and nothing else: the bytes must
    /// be exactly what [`Self::to_json`] writes for the values read. That is
    /// what the spec asks of an opener (parse strictly, then re-serialise and
    /// compare), done in one pass without a JSON parser, which the manage page
    /// would otherwise carry (a test holds the two ways together). What the
    /// values must be (the suite, decodable kids and keys) is the caller's check.
    pub(crate) fn from_canonical(bytes: &[u8]) -> Option<Self> {
        let mut reader = Canonical(bytes);
        reader.expect(b"{\"v\":")?;
        let v = u32::try_from(reader.integer()?).ok()?;
        reader.expect(b",\"suite\":")?;
        let suite = reader.string()?;
        reader.expect(b",\"business\":")?;
        let business = reader.string()?;
        reader.expect(b",\"kind\":")?;
        let kind = Kind::from_name(&reader.string()?)?;
        reader.expect(b",\"iat\":")?;
        let iat = reader.integer()?;
        reader.expect(b",\"recipients\":[")?;
        let mut recipients = Vec::new();
        if reader.expect(b"]").is_none() {
            loop {
                reader.expect(b"{\"kid\":")?;
                let kid = KeyId::unchecked(reader.string()?);
                reader.expect(b",\"wk\":")?;
                let wk = reader.string()?;
                reader.expect(b"}")?;
                recipients.push(RecipientStanza { kid, wk });
                if reader.expect(b"]").is_some() {
                    break;
                }
                reader.expect(b",")?;
            }
        }
        reader.expect(b",\"nonce\":")?;
        let nonce = reader.string()?;
        reader.expect(b",\"commit\":")?;
        let commit = reader.string()?;
        reader.expect(b"}")?;
        reader.0.is_empty().then_some(Self {
            v,
            suite,
            business,
            kind,
            iat,
            recipients,
            nonce,
            commit,
        })
    }
}

/// The unread rest of a header being read in canonical form.
struct Canonical<'a>(&'a [u8]);

impl Canonical<'_> {
    fn expect(&mut self, literal: &[u8]) -> Option<()> {
        self.0 = self.0.strip_prefix(literal)?;
        Some(())
    }

    fn next(&mut self) -> Option<u8> {
        let (&byte, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(byte)
    }

    /// Plain decimal: no sign, no leading zero, no fraction or exponent.
    fn integer(&mut self) -> Option<u64> {
        let digits = self
            .0
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        let (text, rest) = self.0.split_at(digits);
        if text.is_empty() || (text[0] == b'0' && text.len() > 1) {
            return None;
        }
        self.0 = rest;
        text.iter().try_fold(0u64, |value, &digit| {
            value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })
    }

    /// A string with exactly the escapes [`json_string`] writes, in UTF-8.
    fn string(&mut self) -> Option<String> {
        self.expect(b"\"")?;
        let mut out = Vec::new();
        loop {
            match self.next()? {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => out.push(match self.next()? {
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'b' => 0x08,
                    b'f' => 0x0C,
                    b'u' => {
                        self.expect(b"00")?;
                        let hex = |digit: u8| match digit {
                            b'0'..=b'9' => Some(digit - b'0'),
                            b'a'..=b'f' => Some(digit - b'a' + 10),
                            _ => None,
                        };
                        let byte = hex(self.next()?)? << 4 | hex(self.next()?)?;
                        // Only what has no short escape is written this way.
                        if byte >= 0x20 || matches!(byte, 0x08 | 0x09 | 0x0A | 0x0C | 0x0D) {
                            return None;
                        }
                        byte
                    }
                    _ => return None,
                }),
                0x00..=0x1F => return None,
                byte => out.push(byte),
            }
        }
    }
}

impl Kind {
    /// The name in the header.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booking => "booking",
            Self::VisitorCopy => "visitor-copy",
            Self::ContactCard => "contact-card",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "booking" => Some(Self::Booking),
            "visitor-copy" => Some(Self::VisitorCopy),
            "contact-card" => Some(Self::ContactCard),
            _ => None,
        }
    }
}

/// `,"key":"value"`.
fn member(out: &mut Vec<u8>, key: &str, value: &str) {
    out.push(b',');
    json_string(out, key);
    out.push(b':');
    json_string(out, value);
}

/// A JSON string escaped as serde_json escapes it: `"` and `\\`, the five
/// short escapes, other control characters as `\u00xx`; the rest as is.
fn json_string(out: &mut Vec<u8>, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for &byte in value.as_bytes() {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            0x00..=0x1F => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xF)],
            ]),
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}

// proptest is a native dev-dependency only.
#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn header(business: String, iat: u64, recipients: usize, kind: Kind) -> Header {
        Header {
            v: 1,
            suite: SUITE.to_owned(),
            business,
            kind,
            iat,
            recipients: (0..recipients)
                .map(|index| RecipientStanza {
                    kid: KeyId::parse("sha256:vOnD0T8K_Rzrrt5yyP7G5KIZiAk-zmsco-C0oRJfUdU")
                        .expect("a kid"),
                    wk: format!("wrapped-{index}"),
                })
                .collect(),
            nonce: "bm9uY2U".to_owned(),
            commit: "Y29tbWl0".to_owned(),
        }
    }

    #[test]
    fn every_control_character_and_quote_is_escaped_as_serde_json_does() {
        let business: String = (0u8..0x80).map(char::from).chain("é€😀".chars()).collect();
        let header = header(business, u64::MAX, 2, Kind::ContactCard);
        assert_eq!(
            header.to_json(),
            serde_json::to_vec(&header).expect("serialises")
        );
    }

    /// What the spec asks of an opener, done with serde_json: strict JSON,
    /// then re-serialised to the very bytes read.
    fn reference(bytes: &[u8]) -> Option<Header> {
        let header: Header = serde_json::from_slice(bytes).ok()?;
        (header.to_json() == bytes).then_some(header)
    }

    #[test]
    fn non_canonical_spellings_are_refused_as_serde_json_and_a_comparison_refuse_them() {
        let canonical = header("bistro".to_owned(), 1_790_000_000, 2, Kind::Booking).to_json();
        let text = String::from_utf8(canonical.clone()).expect("UTF-8");
        let spellings = [
            text.replacen(':', ": ", 1),
            text.replacen("\"v\":1", "\"v\":1.0", 1),
            text.replacen("\"v\":1", "\"v\":01", 1),
            text.replacen("\"v\":1", "\"v\":true", 1),
            text.replacen("\"v\":1", "\"v\":4294967297", 1),
            text.replacen("1790000000", "\"1790000000\"", 1),
            text.replacen("1790000000", "18446744073709551616", 1),
            text.replacen("bistro", "bi\\u0073tro", 1),
            text.replacen("bistro", "bi\\/stro", 1),
            text.replacen("bistro", "bi\\u001Fstro", 1),
            text.replacen("bistro", "bi\\u000astro", 1),
            text.replacen("\"booking\"", "\"Booking\"", 1),
            text.replacen("\"kid\"", "\"KID\"", 1),
            text.replacen(",\"wk\"", ",\"wk\":\"x\",\"wk\"", 1),
            format!("{text} "),
            format!("\u{feff}{text}"),
            text.replacen('{', "{\"v\":1,", 1),
        ];
        assert_eq!(Header::from_canonical(&canonical), reference(&canonical));
        assert!(Header::from_canonical(&canonical).is_some());
        for spelling in spellings {
            assert_ne!(spelling.as_bytes(), canonical.as_slice());
            assert_eq!(
                Header::from_canonical(spelling.as_bytes()),
                None,
                "{spelling}"
            );
            assert_eq!(reference(spelling.as_bytes()), None, "{spelling}");
        }
        let control: String = (0u8..0x20).map(char::from).collect();
        let odd = header(control, 0, 0, Kind::VisitorCopy).to_json();
        assert_eq!(Header::from_canonical(&odd), reference(&odd));
        assert!(Header::from_canonical(&odd).is_some());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Whatever the one-pass reader accepts, strict JSON and a comparison
        /// accept too, to the same header, and the other way round.
        #[test]
        fn the_canonical_reader_agrees_with_serde_json_and_a_comparison(
            business in any::<String>(),
            iat in any::<u64>(),
            recipients in 0..3usize,
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 0..3),
        ) {
            let mut bytes = header(business, iat, recipients, Kind::Booking).to_json();
            for (index, byte, how) in edits {
                let at = index.index(bytes.len());
                match how {
                    0 => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ => { bytes.remove(at); }
                }
            }
            prop_assert_eq!(Header::from_canonical(&bytes), reference(&bytes));
        }

        #[test]
        fn the_header_is_written_as_serde_json_writes_it(
            business in any::<String>(),
            iat in any::<u64>(),
            recipients in 0..4usize,
            kind in prop_oneof![
                Just(Kind::Booking),
                Just(Kind::VisitorCopy),
                Just(Kind::ContactCard),
            ],
        ) {
            let header = header(business, iat, recipients, kind);
            prop_assert_eq!(header.to_json(), serde_json::to_vec(&header).expect("serialises"));
        }
    }
}
