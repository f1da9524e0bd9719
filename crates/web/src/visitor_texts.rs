//! Every string a visitor reads in the widget, and the manage page's labels and
//! error messages, which are the widget's words for the same things: the
//! `visitor` section of `i18n/<lang>.json`. English is compiled in; the shown
//! language is installed from the server before the widget draws
//! ([`crate::public_api::install_texts`]).

use crate::i18n::Lang;

pub use sealbook_texts::visitor::{Plural, Text};

/// The text for `key` in `lang` (English until `lang` is installed).
#[inline]
pub fn t(lang: Lang, key: Text) -> &'static str {
    sealbook_texts::t(lang, key)
}

/// `n` with the words that go with it in `lang`: "1 persona", "5 osób".
#[inline]
pub fn count(lang: Lang, n: u32, key: Plural) -> String {
    sealbook_texts::count(lang, key, n)
}

/// The business's cancellation policy in one sentence, for before booking.
#[inline]
pub fn cancellation_policy(lang: Lang, hours: u32) -> String {
    if hours == 0 {
        t(lang, Text::PolicyUntilStart).to_owned()
    } else {
        count(lang, hours, Plural::Policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_one_sentence() {
        assert_eq!(
            cancellation_policy(Lang::En, 24),
            "You can change or cancel online up to 24 hours before the booked time."
        );
        assert_eq!(
            cancellation_policy(Lang::En, 1),
            "You can change or cancel online up to 1 hour before the booked time."
        );
        assert_eq!(
            cancellation_policy(Lang::En, 0),
            "You can change or cancel online until the booked time."
        );
    }

    #[test]
    fn an_installed_language_is_read_with_its_plural_rules() {
        let names = sealbook_texts::Section::Visitor.names();
        let texts = names
            .iter()
            .map(|name| match *name {
                "People.one" => "{n} osoba".to_owned(),
                "People.few" => "{n} osoby".to_owned(),
                "People.many" => "{n} osób".to_owned(),
                other => format!("pl:{other}"),
            })
            .collect();
        let visitor = sealbook_texts::Section::Visitor;
        sealbook_texts::install(
            visitor,
            Lang::Pl,
            sealbook_texts::PAGE,
            visitor.shape(),
            texts,
        )
        .expect("the shape is this build's");
        assert_eq!(count(Lang::Pl, 1, Plural::People), "1 osoba");
        assert_eq!(count(Lang::Pl, 3, Plural::People), "3 osoby");
        assert_eq!(count(Lang::Pl, 12, Plural::People), "12 osób");
        assert_eq!(t(Lang::Pl, Text::Heading), "pl:Heading");
    }
}
