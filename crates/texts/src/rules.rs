//! What every text must be, shared by the build script (the translation files),
//! the checks of a business's own texts and the install of a fetched table.

/// The `{name}` placeholders of `text` (lower-case ASCII names), sorted.
pub fn holes(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = text
        .match_indices('{')
        .filter_map(|(at, _)| {
            let rest = &text[at + 1..];
            let name = &rest[..rest.find('}')?];
            (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase())).then_some(name)
        })
        .collect();
    found.sort_unstable();
    found
}

/// Whether `text` holds none of the characters that would be markup: the
/// widget writes its texts into HTML as they are, so a text fetched from the
/// server (or a business's own) must not be able to add an element or leave
/// an attribute. (Messages are plain text and may hold them.)
pub fn is_markup_free(text: &str) -> bool {
    !text.contains(['<', '>', '&', '"'])
}
