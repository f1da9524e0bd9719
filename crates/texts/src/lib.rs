//! Every text a visitor reads — the cookie banner, the booking widget, the
//! manage page and the messages the courier sends — in every language Sealbook
//! speaks, generated from `i18n/<lang>.json` by `build.rs`, which refuses a
//! translation file that lacks a key, adds one, or changes a placeholder.
//!
//! English is always compiled in, and is what a missing text falls back to. The
//! browser apps compile in nothing else: they fetch the one language they show
//! (with the business's overrides) and [`install`] it. Native code (the server,
//! which serves the tables, and the courier) builds with `every-language`.

use std::cell::{Cell, RefCell};

mod business;
mod lang;
mod plural;
mod rules;

pub use business::{OwnText, Slots, own_text, table_with};
pub use lang::Lang;
pub use plural::Form;

include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// A section of the translation files: what one surface shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    /// The cookie banner, its settings and embed placeholders (read by name in JavaScript).
    Banner,
    /// What `embed.js` says when the widget cannot load at all (inlined at build).
    Loader,
    /// The booking widget, and what the manage page shares with it.
    Visitor,
    /// The manage page and the cancel-link page.
    Manage,
    /// The courier's e-mails and SMS.
    Messages,
}

impl Section {
    pub const ALL: [Self; 5] = [
        Self::Banner,
        Self::Loader,
        Self::Visitor,
        Self::Manage,
        Self::Messages,
    ];

    /// The section's name in the translation files and in URLs.
    #[inline]
    pub fn name(self) -> &'static str {
        match self {
            Self::Banner => "banner",
            Self::Loader => "loader",
            Self::Visitor => "visitor",
            Self::Manage => "manage",
            Self::Messages => "messages",
        }
    }

    #[inline]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|section| section.name() == name)
    }

    /// The table of `lang` as compiled in (every language with
    /// `every-language`, else English only), English when it is not.
    #[inline]
    pub fn table(self, lang: Lang) -> &'static [&'static str] {
        self.compiled(lang)
            .or_else(|| self.compiled(Lang::En))
            .unwrap_or_default()
    }
}

/// A plain text's key.
pub trait Key: Copy {
    const SECTION: Section;
    /// The section's English table (named here, so that a browser app links
    /// only the tables of the sections it reads).
    const ENGLISH: &'static [&'static str];
    /// Its index in the section's table.
    fn slot(self) -> usize;
}

/// A count-dependent text's key.
pub trait PluralKey: Copy {
    const SECTION: Section;
    const ENGLISH: &'static [&'static str];
    /// The index of its `one` form; `few`, `many` and `other` follow.
    fn first_slot(self) -> usize;
}

/// Whose texts are installed: the page's (the manage page, the inbox), or one of
/// several booking forms on a host page, each with its business's own texts.
pub type Scope = u32;

/// The page's one set of texts.
pub const PAGE: Scope = 0;

/// A table installed at run time.
#[derive(Debug)]
struct Installed {
    section: Section,
    lang: Lang,
    scope: Scope,
    table: &'static [&'static str],
}

thread_local! {
    /// Tables installed at run time: the browser's one language, or a business's
    /// overrides of English. Leaked once per installed table, so texts stay `'static`.
    static INSTALLED: RefCell<Vec<Installed>> = const { RefCell::new(Vec::new()) };
    /// The scope being drawn (see [`Drawing`]).
    static DRAWING: Cell<Scope> = const { Cell::new(PAGE) };
}

/// Why a served table was not installed: another build's keys, or a text that
/// is not plain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShapeMismatch;

/// Installs `texts` as `section`'s table in `lang` for `scope`, replacing any
/// installed before; refused unless `shape` is this build's (see
/// [`Section::shape`]), every slot is there and no text holds a markup
/// character (the server that sent them is not trusted with the page's HTML).
#[inline]
pub fn install(
    section: Section,
    lang: Lang,
    scope: Scope,
    shape: u64,
    texts: Vec<String>,
) -> Result<(), ShapeMismatch> {
    if shape != section.shape()
        || texts.len() != section.slots()
        || !texts.iter().all(|text| rules::is_markup_free(text))
    {
        return Err(ShapeMismatch);
    }
    let leaked: Vec<&'static str> = texts
        .into_iter()
        .map(|text| &*Box::leak(text.into_boxed_str()))
        .collect();
    let table: &'static [&'static str] = Box::leak(leaked.into_boxed_slice());
    INSTALLED.with_borrow_mut(|installed| {
        installed.retain(|i| !(i.section == section && i.lang == lang && i.scope == scope));
        installed.push(Installed {
            section,
            lang,
            scope,
            table,
        });
    });
    Ok(())
}

/// While alive, [`t`] and [`count`] read the tables installed for its scope
/// (then the page's): a booking form draws its whole frame synchronously
/// inside one, so two forms of two businesses on a page each read their own.
#[derive(Debug)]
#[must_use = "the scope ends when this is dropped"]
pub struct Drawing {
    before: Scope,
}

impl Drawing {
    #[inline]
    pub fn scope(scope: Scope) -> Self {
        Self {
            before: DRAWING.replace(scope),
        }
    }
}

impl Drop for Drawing {
    fn drop(&mut self) {
        DRAWING.set(self.before);
    }
}

/// Whether a table for `section` in `lang` was installed (for the scope drawn).
#[inline]
pub fn installed(section: Section, lang: Lang) -> bool {
    lookup(section, lang).is_some()
}

fn lookup(section: Section, lang: Lang) -> Option<&'static [&'static str]> {
    let drawing = DRAWING.get();
    INSTALLED.with_borrow(|installed| {
        let find = |scope: Scope| {
            installed
                .iter()
                .find(|i| i.section == section && i.lang == lang && i.scope == scope)
                .map(|i| i.table)
        };
        find(drawing).or_else(|| find(PAGE))
    })
}

/// The table of `section` in `lang` and the language it is in: installed,
/// else compiled in (native builds), else `english`.
fn table(
    section: Section,
    lang: Lang,
    english: &'static [&'static str],
) -> (&'static [&'static str], Lang) {
    if let Some(installed) = lookup(section, lang) {
        return (installed, lang);
    }
    #[cfg(feature = "every-language")]
    if let Some(compiled) = section.compiled(lang) {
        return (compiled, lang);
    }
    (english, Lang::En)
}

/// The text for `key` in `lang`: the installed table's, else the compiled one's,
/// else English.
#[inline]
pub fn t<K: Key>(lang: Lang, key: K) -> &'static str {
    let slot = key.slot();
    table(K::SECTION, lang, K::ENGLISH)
        .0
        .get(slot)
        .copied()
        .unwrap_or(K::ENGLISH[slot])
}

/// The form of `key` that goes with `n` in `lang` (by the rules of the
/// language the table is in: English until `lang` is installed), with `{n}`
/// written in.
#[inline]
pub fn count<K: PluralKey>(lang: Lang, key: K, n: u32) -> String {
    let (table, read_in) = table(K::SECTION, lang, K::ENGLISH);
    let slot = key.first_slot() + read_in.plural_form(n) as usize;
    let text = table.get(slot).copied().unwrap_or(K::ENGLISH[slot]);
    text.replace("{n}", &n.to_string())
}

/// `text` with each `{name}` replaced by its value.
#[inline]
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The visitor table with every text `text(name)`.
    fn table(text: impl Fn(&str) -> String) -> Vec<String> {
        Section::Visitor
            .names()
            .iter()
            .map(|name| text(name))
            .collect()
    }

    #[test]
    fn each_booking_form_reads_the_texts_installed_for_it() {
        let visitor = Section::Visitor;
        let heading = visitor::Text::Heading;
        install(
            visitor,
            Lang::Nl,
            PAGE,
            visitor.shape(),
            table(|n| format!("page {n}")),
        )
        .expect("installs");
        install(
            visitor,
            Lang::Nl,
            7,
            visitor.shape(),
            table(|n| format!("seven {n}")),
        )
        .expect("installs");
        assert_eq!(t(Lang::Nl, heading), "page Heading");
        {
            let _drawing = Drawing::scope(7);
            assert_eq!(t(Lang::Nl, heading), "seven Heading");
            let _nested = Drawing::scope(8);
            assert_eq!(
                t(Lang::Nl, heading),
                "page Heading",
                "8 has none: the page's"
            );
        }
        assert_eq!(t(Lang::Nl, heading), "page Heading", "the scope ended");
    }

    #[test]
    fn a_table_with_markup_or_of_another_build_is_refused() {
        let visitor = Section::Visitor;
        let plain = table(|n| format!("it {n}"));
        let mut markup = plain.clone();
        markup[visitor::Text::Heading.slot()] = "<img src=x onerror=alert(1)>".to_owned();
        assert_eq!(
            install(visitor, Lang::It, PAGE, visitor.shape(), markup),
            Err(ShapeMismatch)
        );
        let mut quote = plain.clone();
        quote[0] = "a\" onfocus=\"x".to_owned();
        assert_eq!(
            install(visitor, Lang::It, PAGE, visitor.shape(), quote),
            Err(ShapeMismatch)
        );
        assert_eq!(
            install(visitor, Lang::It, PAGE, visitor.shape() ^ 1, plain.clone()),
            Err(ShapeMismatch)
        );
        assert_eq!(
            install(
                visitor,
                Lang::It,
                PAGE,
                visitor.shape(),
                plain[1..].to_vec()
            ),
            Err(ShapeMismatch)
        );
        assert!(!installed(visitor, Lang::It));
    }

    #[test]
    fn an_english_fallback_counts_by_english_rules() {
        // Not installed (and, without every-language, not compiled): French
        // would say "0 personne", English reads "0 people".
        if Section::Visitor.compiled(Lang::Fr).is_none() {
            assert_eq!(count(Lang::Fr, visitor::Plural::People, 0), "0 people");
        }
        assert_eq!(count(Lang::En, visitor::Plural::People, 1), "1 person");
    }
}
