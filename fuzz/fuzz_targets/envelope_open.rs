//! Parse and open with a fixed test identity (the first vector's private key):
//! never panics, and nothing that fails to parse opens.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbook_envelope::{Envelope, Kind, open};

fuzz_target!(|data: &[u8]| {
    let identity = sealbook_fuzz::identity();
    let opened = open(std::slice::from_ref(identity), data);
    match Envelope::parse(data) {
        Err(_) => assert!(opened.is_err(), "an unparsable envelope opened"),
        Ok(envelope) => {
            if let Ok(opened) = opened {
                assert_eq!(opened.header.kind, Kind::Booking);
                assert_eq!(&opened.header, envelope.header());
            }
        }
    }
});
