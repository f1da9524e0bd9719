//! The test vectors of `tests/vectors/v1.json`: their key pairs are the test
//! businesses' keys.

/// The test vectors, as JSON.
pub const VECTORS: &str = include_str!("../../../tests/vectors/v1.json");

/// Test vector `index`, parsed.
///
/// # Panics
/// If the vectors do not parse or there is no vector `index`.
pub fn vector(index: usize) -> serde_json::Value {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).expect("the vectors parse");
    let vector = vectors.get(index).expect("a test vector at this index");
    vector.clone()
}

/// The public key (SPKI PEM) of test vector `index`.
///
/// # Panics
/// As [`vector`], or if the vector has no public key.
pub fn vector_public_key(index: usize) -> String {
    vector(index)["public_key_pem"]
        .as_str()
        .expect("each vector has a public key")
        .to_owned()
}

/// An active entry of a business's `keys`: test vector `index`'s public key.
pub fn vector_key(index: usize) -> toml::Table {
    toml::Table::from_iter([("pem".to_owned(), vector_public_key(index).into())])
}

/// An entry of a business's `keys` with a `status` (`pending`, `retired`,
/// `compromised`).
pub fn vector_key_with_status(index: usize, status: &str) -> toml::Table {
    let mut key = vector_key(index);
    key.insert("status".to_owned(), status.into());
    key
}

/// The contact-card vectors, as JSON: their keys are the test couriers' keys.
pub const CONTACT_CARD_VECTORS: &str = include_str!("../../../tests/vectors/v1-contact-card.json");

/// Contact-card vector `index`, parsed.
///
/// # Panics
/// If the vectors do not parse or there is no vector `index`.
pub fn contact_card_vector(index: usize) -> serde_json::Value {
    let vectors: serde_json::Value =
        serde_json::from_str(CONTACT_CARD_VECTORS).expect("the contact-card vectors parse");
    vectors
        .get(index)
        .expect("a contact-card vector at this index")
        .clone()
}

/// An active entry of a courier's `keys`: contact-card vector `index`'s public key.
pub fn courier_key(index: usize) -> toml::Table {
    let pem = contact_card_vector(index)["public_key_pem"]
        .as_str()
        .expect("each vector has a public key")
        .to_owned();
    toml::Table::from_iter([("pem".to_owned(), pem.into())])
}
