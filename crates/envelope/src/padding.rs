//! `padded = u32-BE(len) ‖ json ‖ zeros`, to max(1024, next power of two).
//! Padding hides the length of a booking (a short note vs. a long medical history).

const MIN_PADDED_LEN: usize = 1024;

/// The one padded length for a plaintext of `len` bytes.
pub(crate) fn padded_len(len: usize) -> usize {
    (4 + len).next_power_of_two().max(MIN_PADDED_LEN)
}

/// Whether `len` could be a padded length at all (used before decrypting).
pub(crate) fn is_padded_len(len: usize) -> bool {
    len >= MIN_PADDED_LEN && len.is_power_of_two()
}

pub(crate) fn pad(plaintext: &[u8]) -> Vec<u8> {
    let len =
        u32::try_from(plaintext.len()).expect("plaintext length is bounded by MAX_PLAINTEXT_LEN");
    let mut padded = Vec::with_capacity(padded_len(plaintext.len()));
    padded.extend_from_slice(&len.to_be_bytes());
    padded.extend_from_slice(plaintext);
    padded.resize(padded_len(plaintext.len()), 0);
    padded
}

/// Strips the padding; `None` unless the length prefix fits, the buffer has exactly
/// the minimal padded size and every padding byte is zero.
pub(crate) fn unpad(mut padded: Vec<u8>) -> Option<Vec<u8>> {
    let prefix: [u8; 4] = padded.get(..4)?.try_into().ok()?;
    let len = usize::try_from(u32::from_be_bytes(prefix)).ok()?;
    let end = len.checked_add(4)?;
    if end > padded.len() || padded.len() != padded_len(len) {
        return None;
    }
    if padded[end..].iter().any(|&byte| byte != 0) {
        return None;
    }
    padded.truncate(end);
    padded.drain(..4);
    Some(padded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_spec() {
        assert_eq!(padded_len(0), 1024);
        assert_eq!(padded_len(1020), 1024);
        assert_eq!(padded_len(1021), 2048);
        assert_eq!(padded_len(4092), 4096);
        assert_eq!(padded_len(4093), 8192);
    }

    #[test]
    fn round_trips_and_rejects_tampering() {
        for len in [0, 1, 1020, 1021, 3000] {
            let plaintext = vec![b'x'; len];
            let padded = pad(&plaintext);
            assert_eq!(padded.len(), padded_len(len));
            assert_eq!(unpad(padded.clone()), Some(plaintext));
            let mut nonzero = padded.clone();
            if let Some(last) = nonzero.last_mut().filter(|_| len + 4 < padded.len()) {
                *last = 1;
                assert_eq!(unpad(nonzero), None);
            }
            let mut longer = padded.clone();
            longer.extend_from_slice(&[0; 1024]);
            assert_eq!(unpad(longer), None, "non-minimal padding must be refused");
        }
        let mut lying = pad(b"abc");
        lying[..4].copy_from_slice(&2000u32.to_be_bytes());
        assert_eq!(unpad(lying), None);
    }
}
