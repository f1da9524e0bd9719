//! `open_visitor_copy` with the visitor vector's fixed manage secret: never
//! panics, and only a parsable visitor copy opens.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sealbook_envelope::{Envelope, Kind, open_visitor_copy};

fuzz_target!(|data: &[u8]| {
    let secret = sealbook_fuzz::visitor_secret();
    if let Ok(opened) = open_visitor_copy(secret, data) {
        let envelope = Envelope::parse(data).expect("what opens, parses");
        assert_eq!(opened.header.kind, Kind::VisitorCopy);
        assert_eq!(&opened.header, envelope.header());
    }
});
