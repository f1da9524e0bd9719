//! The languages the apps speak and the `texts!` macro that declares a string
//! table: each app (the widget and manage page share one, the inbox has its own)
//! writes its strings with it.
//!
//! A table takes exactly three literals per key, so a key without a translation
//! does not compile.

/// A language the apps speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
    De,
}

impl Lang {
    /// Every language, in table column order.
    pub const ALL: [Self; 3] = [Self::En, Self::Fr, Self::De];

    /// The BCP 47 primary tag, as written into `lang` attributes and the plaintext.
    #[inline]
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::De => "de",
        }
    }

    /// The language `embed.js` chose (from `data-lang`, then `<html lang>`, then the
    /// browser's language); English for anything else.
    #[inline]
    pub fn from_code(code: Option<&str>) -> Self {
        match code {
            Some("fr") => Self::Fr,
            Some("de") => Self::De,
            _ => Self::En,
        }
    }

    /// This language's column in a `texts!` table and in a
    /// [`Localized`](crate::profile::Localized) text: en, fr, de.
    #[inline]
    pub fn column(self) -> usize {
        match self {
            Self::En => 0,
            Self::Fr => 1,
            Self::De => 2,
        }
    }
}

/// Declares a `Text` key enum with its English, French and German strings, and
/// `t(lang, key)`, the string for a key in a language.
#[macro_export]
macro_rules! texts {
    ($($key:ident => [$en:literal, $fr:literal, $de:literal $(,)?],)*) => {
        /// A key into the string table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Text {
            $($key,)*
        }

        impl Text {
            /// Every key, in table order.
            #[cfg(test)]
            pub const ALL: &'static [Self] = &[$(Self::$key,)*];

            #[inline]
            fn row(self) -> [&'static str; 3] {
                match self {
                    $(Self::$key => [$en, $fr, $de],)*
                }
            }
        }

        /// The text for `key` in `lang`.
        #[inline]
        pub fn t(lang: $crate::i18n::Lang, key: Text) -> &'static str {
            key.row()[lang.column()]
        }
    };
}

/// What every `texts!` table's tests check, each app's table with its own list
/// of words that are spelt as in English.
pub mod checks {
    use std::collections::HashSet;
    use std::fmt::Debug;
    use std::hash::Hash;

    use super::Lang;

    /// Every key has a text in every language, without stray whitespace.
    #[inline]
    pub fn every_text_is_present<K: Copy + Debug>(keys: &[K], t: fn(Lang, K) -> &'static str) {
        for &key in keys {
            for lang in Lang::ALL {
                let text = t(lang, key);
                assert!(!text.trim().is_empty(), "{key:?} is empty in {lang:?}");
                assert_eq!(
                    text,
                    text.trim(),
                    "{key:?} in {lang:?} has stray whitespace"
                );
            }
        }
    }

    /// The French and German texts are not the English one, but for the entries
    /// in `same_as_english`.
    #[inline]
    pub fn translations_are_not_english_copies<K: Copy + Debug + PartialEq>(
        keys: &[K],
        t: fn(Lang, K) -> &'static str,
        same_as_english: &[(K, Lang)],
    ) {
        for &key in keys {
            for lang in [Lang::Fr, Lang::De] {
                if same_as_english.contains(&(key, lang)) {
                    continue;
                }
                assert_ne!(
                    t(lang, key),
                    t(Lang::En, key),
                    "{key:?} in {lang:?} is the English text"
                );
            }
        }
    }

    /// No key is listed twice.
    #[inline]
    pub fn keys_are_listed_once<K: Eq + Hash>(keys: &[K]) {
        let unique: HashSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_languages() {
        assert_eq!(Lang::from_code(Some("fr")), Lang::Fr);
        assert_eq!(Lang::from_code(Some("de")), Lang::De);
        assert_eq!(Lang::from_code(Some("it")), Lang::En);
        assert_eq!(Lang::from_code(None), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(Some(lang.code())), lang);
        }
    }
}
