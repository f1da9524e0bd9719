//! Every text a visitor reads — the cookie banner, the booking widget, the
//! manage page and the messages the courier sends — in every language Sealbook
//! speaks, generated from `i18n/<lang>.json` by `build.rs`, which refuses a
//! translation file that lacks a key, adds one, or changes a placeholder.
//!
//! English is always compiled in, and is what a missing text falls back to. The
//! browser apps compile in nothing else: they fetch the one language they show
//! (with the business's overrides) and [`install`] it. Native code (the server,
//! which serves the tables, and the courier) builds with `every-language`.

use std::cell::RefCell;

mod business;
mod holes;
mod lang;
mod plural;

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

thread_local! {
    /// Tables installed at run time: the browser's one language, or a business's
    /// overrides of English. Leaked once per installed table, so texts stay `'static`.
    static INSTALLED: RefCell<Vec<(Section, Lang, &'static [&'static str])>> =
        const { RefCell::new(Vec::new()) };
}

/// Why a served table was not installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShapeMismatch;

/// Installs `texts` as `section`'s table in `lang`, replacing any installed
/// before; refused unless `shape` is this build's (see [`Section::shape`]) and
/// every slot is there.
#[inline]
pub fn install(
    section: Section,
    lang: Lang,
    shape: u64,
    texts: Vec<String>,
) -> Result<(), ShapeMismatch> {
    if shape != section.shape() || texts.len() != section.slots() {
        return Err(ShapeMismatch);
    }
    let leaked: Vec<&'static str> = texts
        .into_iter()
        .map(|text| &*Box::leak(text.into_boxed_str()))
        .collect();
    let table: &'static [&'static str] = Box::leak(leaked.into_boxed_slice());
    INSTALLED.with_borrow_mut(|installed| {
        installed.retain(|(s, l, _)| !(*s == section && *l == lang));
        installed.push((section, lang, table));
    });
    Ok(())
}

/// Whether a table for `section` in `lang` was installed.
#[inline]
pub fn installed(section: Section, lang: Lang) -> bool {
    lookup(section, lang).is_some()
}

fn lookup(section: Section, lang: Lang) -> Option<&'static [&'static str]> {
    INSTALLED.with_borrow(|installed| {
        installed
            .iter()
            .find(|(s, l, _)| *s == section && *l == lang)
            .map(|(_, _, table)| *table)
    })
}

/// The table of `section` in `lang`: installed, else compiled in (native
/// builds), else `english`.
fn table(
    section: Section,
    lang: Lang,
    english: &'static [&'static str],
) -> &'static [&'static str] {
    if let Some(installed) = lookup(section, lang) {
        return installed;
    }
    #[cfg(feature = "every-language")]
    if let Some(compiled) = section.compiled(lang) {
        return compiled;
    }
    english
}

/// The text for `key` in `lang`: the installed table's, else the compiled one's,
/// else English.
#[inline]
pub fn t<K: Key>(lang: Lang, key: K) -> &'static str {
    let slot = key.slot();
    table(K::SECTION, lang, K::ENGLISH)
        .get(slot)
        .copied()
        .unwrap_or(K::ENGLISH[slot])
}

/// The form of `key` that goes with `n` in `lang`, with `{n}` written in.
#[inline]
pub fn count<K: PluralKey>(lang: Lang, key: K, n: u32) -> String {
    let slot = key.first_slot() + lang.plural_form(n) as usize;
    let text = table(K::SECTION, lang, K::ENGLISH)
        .get(slot)
        .copied()
        .unwrap_or(K::ENGLISH[slot]);
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
