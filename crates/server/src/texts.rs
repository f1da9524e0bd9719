//! A business's own texts: `[business.texts.<lang>.<section>]` in
//! `sealbook.toml`, which replace texts of the translation files for its
//! visitors. Each is checked at load against the text it replaces
//! (`sealbook_texts::own_text`: a known key, the plural forms the language
//! needs, the same placeholders), then laid over the tables the server serves
//! to the banner, the widget and the manage page, and handed to the courier
//! for its messages.

use std::collections::BTreeMap;
use std::fmt;

use sealbook_texts::{Lang, OwnText, Section, Slots, own_text, table_with};
use sealbook_wire::api::courier::OwnMessage;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

/// Whether the browser apps fetch `section` from the server (`GET
/// …/texts/{lang}/{section}`), which then lays the business's own texts over it.
pub fn served(section: Section) -> bool {
    match section {
        Section::Banner | Section::Visitor | Section::Manage => true,
        // Built into `embed.js`, the same file for every business.
        Section::Loader => false,
        // The courier's, which has every language compiled in.
        Section::Messages => false,
    }
}

/// Whether a business may write its own texts of `section`: those served,
/// and the courier's messages.
fn replaceable(section: Section) -> bool {
    served(section) || section == Section::Messages
}

/// `[business.texts]` as written: language code, section name, key, text.
pub(crate) type RawTexts = BTreeMap<String, BTreeMap<String, BTreeMap<String, RawText>>>;

/// One own text as written: a string, or a table of plural forms
/// (`{ one = "{n} guest", other = "{n} guests" }`), as the courier receives it
/// too. Read by hand so that a mistake says what is expected.
#[derive(Debug)]
pub(crate) struct RawText(OwnMessage);

/// `message` as [`own_text`] checks it.
fn as_own_text(message: &OwnMessage) -> OwnText<'_> {
    match message {
        OwnMessage::Plain(text) => OwnText::Plain(text),
        OwnMessage::Plural(forms) => OwnText::Plural(forms),
    }
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Expecting;

        impl<'de> Visitor<'de> for Expecting {
            type Value = RawText;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(
                    "a text, or plural forms like { one = \"{n} guest\", other = \"{n} guests\" }",
                )
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<RawText, E> {
                Ok(RawText(OwnMessage::Plain(text.to_owned())))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawText, A::Error> {
                let mut forms = BTreeMap::new();
                while let Some((form, text)) = map.next_entry::<String, String>()? {
                    forms.insert(form, text);
                }
                Ok(RawText(OwnMessage::Plural(forms)))
            }
        }

        deserializer.deserialize_any(Expecting)
    }
}

/// A business's own texts, checked: for each section and language it replaces
/// texts in, the slots of that section's table and their texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnTexts {
    tables: Vec<(Section, Lang, Slots)>,
    /// The `messages` texts as written, by language code and key: the courier
    /// checks them again with its own tables.
    messages: BTreeMap<String, BTreeMap<String, OwnMessage>>,
}

impl OwnTexts {
    /// Checks `[business.texts]`; the error names the table and the key that
    /// is wrong, in words a site owner reads.
    pub(crate) fn check(raw: &RawTexts) -> Result<Self, String> {
        let mut own = Vec::new();
        let mut messages = BTreeMap::new();
        for (code, sections) in raw {
            let lang = Lang::from_exact_code(code).ok_or_else(|| {
                let codes: Vec<&str> = Lang::ALL.iter().map(|lang| lang.code()).collect();
                format!(
                    "[business.texts.{code}]: {code:?} is not a language code of Sealbook ({})",
                    codes.join(", ")
                )
            })?;
            for (name, keys) in sections {
                let section = Section::from_name(name)
                    .filter(|section| replaceable(*section))
                    .ok_or_else(|| {
                        let names: Vec<&str> = Section::ALL
                            .into_iter()
                            .filter(|section| replaceable(*section))
                            .map(Section::name)
                            .collect();
                        format!(
                            "[business.texts.{code}.{name}]: {name:?} is not a section of texts a business may replace ({})",
                            names.join(", ")
                        )
                    })?;
                let mut slots = Slots::new();
                for (key, RawText(text)) in keys {
                    slots
                        .extend(own_text(section, lang, key, as_own_text(text)).map_err(
                            |reason| format!("[business.texts.{code}.{name}] {reason}"),
                        )?);
                }
                if !slots.is_empty() {
                    slots.sort_unstable_by_key(|(slot, _)| *slot);
                    own.push((section, lang, slots));
                }
                if section == Section::Messages && !keys.is_empty() {
                    let as_written = keys
                        .iter()
                        .map(|(key, RawText(text))| (key.clone(), text.clone()))
                        .collect();
                    messages.insert(code.clone(), as_written);
                }
            }
        }
        Ok(Self {
            tables: own,
            messages,
        })
    }

    /// The slots the business fills in `section` in `lang` (none: it keeps
    /// the translation file's texts).
    pub fn slots(&self, section: Section, lang: Lang) -> &[(usize, String)] {
        self.tables
            .iter()
            .find(|(s, l, _)| *s == section && *l == lang)
            .map_or(&[], |(_, _, slots)| slots.as_slice())
    }

    /// `section`'s table in `lang`, with the business's own texts laid over it.
    pub fn table(&self, section: Section, lang: Lang) -> Vec<String> {
        table_with(section, lang, self.slots(section, lang))
    }

    /// The `messages` texts as the configuration writes them, by language
    /// code and key, for the courier.
    pub fn messages(&self) -> &BTreeMap<String, BTreeMap<String, OwnMessage>> {
        &self.messages
    }

    /// The business's own texts of `section` in `lang`, by slot name.
    #[cfg(test)]
    pub fn named(&self, section: Section, lang: Lang) -> BTreeMap<String, String> {
        let names = section.names();
        self.slots(section, lang)
            .iter()
            .filter_map(|(slot, text)| Some(((*names.get(*slot)?).to_owned(), text.clone())))
            .collect()
    }

    /// The tables the business has own texts in that the server serves (see
    /// [`served`]), as `lang/section` (`en/banner`), sorted: the banner, the
    /// widget and the manage page fetch theirs even in English.
    pub fn served_sections(&self) -> Vec<String> {
        let mut entries: Vec<String> = self
            .tables
            .iter()
            .filter(|(section, _, _)| served(*section))
            .map(|(section, lang, _)| format!("{}/{}", lang.code(), section.name()))
            .collect();
        entries.sort_unstable();
        entries.dedup();
        entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_names_every_language_of_the_translation_files() {
        let mut wire = sealbook_wire::api::localized::VISITOR_LANGUAGES.to_vec();
        let mut texts: Vec<&str> = Lang::ALL.iter().map(|lang| lang.code()).collect();
        wire.sort_unstable();
        texts.sort_unstable();
        assert_eq!(wire, texts);
    }

    fn check(toml: &str) -> Result<OwnTexts, String> {
        let raw: RawTexts = toml::from_str(toml).map_err(|error| error.to_string())?;
        OwnTexts::check(&raw)
    }

    #[test]
    fn own_texts_fill_their_slots_and_name_them() {
        let own = check(
            r#"
            [es.visitor]
            Heading = "Reserve su mesa"
            People = { one = "{n} comensal", other = "{n} comensales" }
            [en.banner]
            title = "Cookies at Chez Nous"
            [fr.messages]
            Hello = "Bonjour et merci,"
            [de.manage]
            "#,
        )
        .expect("valid");
        let names = Section::Visitor.names();
        let heading = names
            .iter()
            .position(|name| *name == "Heading")
            .expect("a visitor key");
        let table = own.table(Section::Visitor, Lang::Es);
        assert_eq!(table.len(), names.len());
        assert_eq!(table[heading], "Reserve su mesa");
        let people = own.named(Section::Visitor, Lang::Es);
        assert_eq!(people["People.one"], "{n} comensal");
        assert_eq!(
            people["People.many"], "{n} comensales",
            "Spanish reads other there"
        );
        assert_eq!(
            own.named(Section::Messages, Lang::Fr)["Hello"],
            "Bonjour et merci,"
        );
        assert!(own.slots(Section::Visitor, Lang::Fr).is_empty());
        assert_eq!(
            own.served_sections(),
            ["en/banner", "es/visitor"],
            "an empty table replaces nothing; messages are the courier's"
        );
    }
}
