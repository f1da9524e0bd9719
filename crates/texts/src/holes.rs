//! A text's `{placeholders}`: shared by the build script, which checks the
//! translation files, and by the checks of a business's own texts.

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
