//! The booking plaintext: the JSON sealed inside a booking envelope.
