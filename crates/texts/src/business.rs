//! A business's own texts, which replace the translation files' for its
//! visitors: checked against the key they replace, then laid over its table.

use std::collections::BTreeMap;

use crate::plural::Form;
use crate::rules::{holes, is_markup_free};
use crate::{Lang, Section};

/// A business's text for one key, as its configuration gives it.
#[derive(Clone, Copy, Debug)]
pub enum OwnText<'a> {
    Plain(&'a str),
    /// A count-dependent text: form name to text, for each form the language needs.
    Plural(&'a BTreeMap<String, String>),
}

/// Where an own text goes in its section's table: `(slot, text)` pairs.
pub type Slots = Vec<(usize, String)>;

/// Checks `text` as the business's `key` of `section` in `lang`, and gives the
/// slots it fills; the error says what is wrong in words a site owner reads.
#[inline]
pub fn own_text(
    section: Section,
    lang: Lang,
    key: &str,
    text: OwnText<'_>,
) -> Result<Slots, String> {
    if key.contains('.') {
        return Err(format!(
            "{key} is not a key: name the text, not one of its forms"
        ));
    }
    if section == Section::Messages && KEPT.contains(&key) {
        return Err(format!(
            "{key} tells visitors that no message holds the link that reads their booking; \
             it cannot be replaced"
        ));
    }
    let names = section.names();
    let english = section.table(Lang::En);
    let place = |name: &str| names.iter().position(|known| *known == name);
    match (text, place(key), place(&format!("{key}.one"))) {
        (OwnText::Plain(text), Some(slot), _) => {
            same_holes(section, key, text, english[slot])?;
            Ok(vec![(slot, text.to_owned())])
        }
        (OwnText::Plural(forms), None, Some(first)) => {
            let needed = lang.plural_forms();
            let given: Vec<&str> = forms.keys().map(String::as_str).collect();
            let mut wanted: Vec<&str> = needed.iter().map(|form| form.name()).collect();
            wanted.sort_unstable();
            if given != wanted {
                return Err(format!(
                    "{key} needs the plural forms {} in {}",
                    wanted.join(", "),
                    lang.code()
                ));
            }
            let reference = english[first + Form::Other as usize];
            let mut slots = Vec::new();
            for (form, text) in forms {
                same_holes(section, key, text, reference)?;
                slots.push((
                    first + Form::from_name(form).unwrap_or(Form::Other) as usize,
                    text.clone(),
                ));
            }
            // A language without few or many reads `other` in their slots.
            let other = forms.get("other");
            for form in [Form::Few, Form::Many] {
                if !needed.contains(&form)
                    && let Some(other) = other
                {
                    slots.push((first + form as usize, other.to_owned()));
                }
            }
            Ok(slots)
        }
        (OwnText::Plain(_), None, Some(_)) => Err(format!(
            "{key} depends on a count: give it as {{ one = \"…\", other = \"…\" }}"
        )),
        (OwnText::Plural(_), Some(_), _) => Err(format!("{key} is a plain text, not plural forms")),
        _ => Err(format!(
            "{key} is not a text of the {} section",
            section.name()
        )),
    }
}

/// Texts of the messages that visitors' safety rests on (docs/THREATS.md): a
/// phishing message imitating the business would have to contradict them.
const KEPT: [&str; 2] = ["KeptLink", "KeptLinkWaitlist"];

fn same_holes(section: Section, key: &str, text: &str, reference: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("{key} is empty"));
    }
    if section != Section::Messages && !is_markup_free(text) {
        return Err(format!(
            "{key} holds < > & or \", which the page would read as markup (write ’ “ ” instead)"
        ));
    }
    let (own, wanted) = (holes(text), holes(reference));
    if own == wanted {
        Ok(())
    } else {
        let list = |holes: &[&str]| {
            holes
                .iter()
                .map(|h| format!("{{{h}}}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        Err(format!(
            "{key} must hold the placeholders [{}] of the text it replaces, not [{}]",
            list(&wanted),
            list(&own)
        ))
    }
}

/// `section`'s table in `lang` with `slots` laid over it.
#[inline]
pub fn table_with(section: Section, lang: Lang, slots: &[(usize, String)]) -> Vec<String> {
    let mut table: Vec<String> = section
        .table(lang)
        .iter()
        .map(|text| (*text).to_owned())
        .collect();
    for (slot, text) in slots {
        if let Some(place) = table.get_mut(*slot) {
            place.clone_from(text);
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_own_text_keeps_the_placeholders_of_the_text_it_replaces() {
        let slots = own_text(
            Section::Visitor,
            Lang::Es,
            "Heading",
            OwnText::Plain("Reserve su mesa"),
        )
        .expect("a plain text");
        let table = table_with(Section::Visitor, Lang::Es, &slots);
        assert_eq!(table[slots[0].0], "Reserve su mesa");
        let err = own_text(
            Section::Messages,
            Lang::En,
            "Phone",
            OwnText::Plain("Call us"),
        )
        .expect_err("the phone number is missing");
        assert!(err.contains("{phone}"), "{err}");
        assert!(own_text(Section::Visitor, Lang::En, "Nope", OwnText::Plain("x")).is_err());
        let markup = OwnText::Plain("<img src=x onerror=alert(1)>");
        assert!(own_text(Section::Visitor, Lang::En, "Heading", markup).is_err());
        let quote = OwnText::Plain("Book \"now\"");
        assert!(own_text(Section::Banner, Lang::En, "title", quote).is_err());
        assert!(
            own_text(
                Section::Messages,
                Lang::En,
                "Hello",
                OwnText::Plain("Hi & welcome,")
            )
            .is_ok(),
            "messages are plain text"
        );
        let kept = OwnText::Plain("Reply with your link.");
        assert!(own_text(Section::Messages, Lang::En, "KeptLink", kept).is_err());
        let form = OwnText::Plain("{n} guest");
        assert!(own_text(Section::Visitor, Lang::En, "People.one", form).is_err());
    }

    #[test]
    fn an_own_plural_text_gives_the_forms_its_language_needs() {
        let english = [("one", "{n} guest"), ("other", "{n} guests")]
            .map(|(form, text)| (form.to_owned(), text.to_owned()))
            .into();
        let slots = own_text(
            Section::Visitor,
            Lang::En,
            "People",
            OwnText::Plural(&english),
        )
        .expect("English needs one and other");
        assert_eq!(slots.len(), 4, "few and many read other");
        let err = own_text(
            Section::Visitor,
            Lang::Pl,
            "People",
            OwnText::Plural(&english),
        )
        .expect_err("Polish needs few and many too");
        assert!(err.contains("few"), "{err}");
        assert!(
            own_text(
                Section::Visitor,
                Lang::En,
                "People",
                OwnText::Plain("guests")
            )
            .is_err()
        );
    }
}
