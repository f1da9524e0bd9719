//! `Envelope::parse` on arbitrary bytes: never panics, and whatever it accepts
//! has a header of bounded size and a supported kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbook_envelope::{Envelope, MAX_HEADER_LEN};

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = Envelope::parse(data) {
        assert!(envelope.header_bytes().len() <= MAX_HEADER_LEN);
        assert!(envelope.header_bytes().len() < data.len());
        let _ = envelope.header().kids().count();
    }
});
