//! base64url without padding (RFC 4648 §5), the only text encoding of bytes in
//! the format. Written out here rather than taken from a general-purpose
//! crate: the widget links this crate, and a codec for one alphabet and one
//! rule is a fraction of the size (docs/ENVELOPE.md §1 states the rule).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The text of `bytes`, without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (i, &byte)| {
            group | u32::from(byte) << (16 - 8 * i)
        });
        for i in 0..=chunk.len() {
            let index = (group >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

fn value(symbol: u8) -> Option<u32> {
    let value = match symbol {
        b'A'..=b'Z' => symbol - b'A',
        b'a'..=b'z' => symbol - b'a' + 26,
        b'0'..=b'9' => symbol - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

/// Decodes canonical base64url: only the alphabet (no `=`, no whitespace), a
/// length that is not 1 modulo 4, and unused trailing bits that are zero — the
/// strings [`encode`] produces, and nothing else.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let symbols = text.as_bytes();
    if symbols.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3 + 2);
    for chunk in symbols.chunks(4) {
        let mut group = 0u32;
        for (i, &symbol) in chunk.iter().enumerate() {
            group |= value(symbol)? << (18 - 6 * i);
        }
        let produced = chunk.len() - 1;
        if group & ((1 << (24 - 8 * produced)) - 1) != 0 {
            return None;
        }
        out.extend_from_slice(&group.to_be_bytes()[1..=produced]);
    }
    Some(out)
}

/// Decodes into an exact-length array, as nonces, commitments and secrets must be.
pub(crate) fn decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    decode(text)?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::{decode, encode};

    #[test]
    fn agrees_with_a_general_purpose_codec_on_every_length_and_refuses_what_it_refuses() {
        let mut bytes = Vec::new();
        for length in 0..200u32 {
            bytes.push(u8::try_from(length.wrapping_mul(151) % 256).expect("a byte"));
            let text = encode(&bytes);
            assert_eq!(text, URL_SAFE_NO_PAD.encode(&bytes), "length {length}");
            assert_eq!(decode(&text).as_deref(), Some(&bytes[..]));
        }
        for text in [
            "", "A", "AA", "AB", "AAA", "AAB", "AAAA", "AAAAA", "QQ==", "QQ", "QR", "Q_", "Q-8",
            "a+b/", "a b", "ab\n", "ÿÿ", "____", "-_-_", "QUJD", "QUJDRA", "QUJDRB",
        ] {
            assert_eq!(decode(text), URL_SAFE_NO_PAD.decode(text).ok(), "{text:?}");
        }
    }
}
