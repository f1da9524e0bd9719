//! The languages Sealbook speaks to visitors.

/// A language of the translation files (`i18n/<code>.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Fr,
    De,
    Es,
    It,
    Nl,
    Pt,
    Pl,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Self; 8] = [
        Self::En,
        Self::Fr,
        Self::De,
        Self::Es,
        Self::It,
        Self::Nl,
        Self::Pt,
        Self::Pl,
    ];

    /// The BCP 47 primary tag, as written into `lang` attributes and plaintexts.
    #[inline]
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::De => "de",
            Self::Es => "es",
            Self::It => "it",
            Self::Nl => "nl",
            Self::Pt => "pt",
            Self::Pl => "pl",
        }
    }

    /// The language of a primary tag (`es`, or `es-MX` and `ES`), if spoken.
    #[inline]
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        Self::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// The language whose code is exactly `code` (`es`; not `ES` or `es-MX`,
    /// which [`Lang::parse`] reads as Spanish): one spelling per language where
    /// a code is written by hand (configuration) or named (URLs).
    pub fn from_exact_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The language of `code`; English for anything else.
    #[inline]
    pub fn from_code(code: Option<&str>) -> Self {
        code.and_then(Self::parse).unwrap_or(Self::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_to_languages() {
        assert_eq!(Lang::from_code(Some("fr")), Lang::Fr);
        assert_eq!(Lang::from_code(Some("pt-BR")), Lang::Pt);
        assert_eq!(Lang::from_code(Some("PL")), Lang::Pl);
        assert_eq!(Lang::from_code(Some("sv")), Lang::En);
        assert_eq!(Lang::from_code(Some("")), Lang::En);
        assert_eq!(Lang::from_code(None), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(Some(lang.code())), lang);
        }
    }

    #[test]
    fn exact_codes_have_one_spelling() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_exact_code(lang.code()), Some(lang));
        }
        for other in ["ES", "es-MX", "pt_BR", " fr", "sv", ""] {
            assert_eq!(Lang::from_exact_code(other), None, "{other}");
        }
    }
}
