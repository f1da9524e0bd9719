//! The languages the apps speak, and the `texts!` macro with which the staff
//! inbox declares its string table in English, French and German. (The texts
//! visitors read come from `i18n/<lang>.json` through `sealbook-texts`.)
//!
//! A table takes exactly three literals per key, so a key without a translation
//! does not compile.

pub use sealbook_texts::Lang;

/// This language's column in a `texts!` table (en, fr, de): the inbox's
/// languages; any other reads English there.
#[inline]
pub fn column(lang: Lang) -> usize {
    match lang {
        Lang::Fr => 1,
        Lang::De => 2,
        _ => 0,
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
            key.row()[$crate::i18n::column(lang)]
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
    fn the_inbox_columns_are_english_french_and_german() {
        assert_eq!(column(Lang::En), 0);
        assert_eq!(column(Lang::Fr), 1);
        assert_eq!(column(Lang::De), 2);
        assert_eq!(column(Lang::Pl), 0);
    }
}
