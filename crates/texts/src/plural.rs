//! CLDR plural rules for whole numbers, for the languages of `Lang`
//! (<https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html>).
//!
//! Only counts of whole things are written (people, days, hours), so the forms
//! CLDR gives fractions and millions (Spanish and Italian "many" for 1 000 000,
//! Polish "other") never apply: a table holds them as `other`.

use crate::Lang;

/// A plural form, in table slot order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    One = 0,
    Few = 1,
    Many = 2,
    Other = 3,
}

impl Form {
    /// The form's CLDR name, as the translation files write it.
    #[inline]
    pub fn name(self) -> &'static str {
        match self {
            Self::One => "one",
            Self::Few => "few",
            Self::Many => "many",
            Self::Other => "other",
        }
    }

    #[inline]
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::One, Self::Few, Self::Many, Self::Other]
            .into_iter()
            .find(|form| form.name() == name)
    }
}

impl Lang {
    /// The forms a translation of a count-dependent text gives in this language
    /// (`crates/texts/build.rs` requires them of the translation files).
    #[inline]
    pub fn plural_forms(self) -> &'static [Form] {
        match self {
            Self::Pl => &[Form::One, Form::Few, Form::Many, Form::Other],
            _ => &[Form::One, Form::Other],
        }
    }

    /// The form a count of `n` takes in this language.
    #[inline]
    pub fn plural_form(self, n: u32) -> Form {
        match self {
            // French (and Brazilian Portuguese) take the singular for 0 too; in
            // Portugal 0 is plural, as in English.
            Self::Fr if n <= 1 => Form::One,
            Self::Pl => polish(n),
            _ if n == 1 => Form::One,
            _ => Form::Other,
        }
    }
}

/// one: 1; few: 2–4, 22–24, … but not 12–14; many: every other whole number.
fn polish(n: u32) -> Form {
    let (ones, tens) = (n % 10, n % 100);
    if n == 1 {
        Form::One
    } else if (2..=4).contains(&ones) && !(12..=14).contains(&tens) {
        Form::Few
    } else {
        Form::Many
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_counts_take_one_few_and_many() {
        let forms = |ns: &[u32]| {
            ns.iter()
                .map(|&n| Lang::Pl.plural_form(n))
                .collect::<Vec<_>>()
        };
        assert!(forms(&[1]).iter().all(|f| *f == Form::One));
        assert!(
            forms(&[2, 3, 4, 22, 23, 24, 102, 1004])
                .iter()
                .all(|f| *f == Form::Few)
        );
        assert!(
            forms(&[0, 5, 11, 12, 13, 14, 21, 25, 111, 112])
                .iter()
                .all(|f| *f == Form::Many)
        );
    }

    #[test]
    fn french_takes_the_singular_for_zero_and_one() {
        assert_eq!(Lang::Fr.plural_form(0), Form::One);
        assert_eq!(Lang::Fr.plural_form(1), Form::One);
        assert_eq!(Lang::Fr.plural_form(2), Form::Other);
        assert_eq!(Lang::En.plural_form(0), Form::Other);
        assert_eq!(Lang::Pt.plural_form(0), Form::Other);
        assert_eq!(Lang::Es.plural_form(1), Form::One);
    }
}
