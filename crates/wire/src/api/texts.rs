//! `GET /businesses/{id}/texts/{lang}/{section}` and `GET /texts/{lang}/{section}`:
//! one section of the visitor texts in one language, the translation file's
//! (with the business's own laid over them on the first route), for the
//! browser apps to install.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A section's texts, and the shape of the build that made them.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectionTexts {
    /// The section's shape (`sealbook_texts::Section::shape`) as 16 lowercase
    /// hex digits: an app built with other keys does not install the texts.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{16}$"))]
    pub shape: String,
    pub texts: Texts,
}

/// The texts themselves: by slot for the Rust apps, by name for the banner's
/// JavaScript.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Texts {
    /// `visitor` and `manage`: every slot's text, in slot order
    /// (`sealbook_texts::Section::names`).
    Slots(Vec<String>),
    /// `banner`: slot name to text.
    Named(BTreeMap<String, String>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_a_list_and_named_texts_an_object() {
        let slots = SectionTexts {
            shape: "00000000000000ff".to_owned(),
            texts: Texts::Slots(vec!["Back".to_owned()]),
        };
        let json = serde_json::to_string(&slots).expect("serialises");
        assert_eq!(json, r#"{"shape":"00000000000000ff","texts":["Back"]}"#);
        let named: SectionTexts =
            serde_json::from_str(r#"{"shape":"00000000000000ff","texts":{"title":"Cookies"}}"#)
                .expect("reads");
        assert_eq!(
            named.texts,
            Texts::Named(BTreeMap::from([("title".to_owned(), "Cookies".to_owned())]))
        );
        assert_eq!(
            serde_json::from_str::<SectionTexts>(&json).expect("reads"),
            slots
        );
    }
}
