//! Generates the text tables from `i18n/<lang>.json` at the workspace root, and
//! fails the build when a translation file lacks a key of `en.json`, has one it
//! does not, gives a plural text without the forms its language needs, or
//! changes a text's `{placeholders}`, or writes markup characters where the
//! apps write texts into HTML.
//!
//! A file holds sections (`banner`, `loader`, `visitor`, `manage`, `messages`), each a map
//! from key to text. A text is a string, or for a count an object of CLDR plural
//! forms with `{n}` in each (`{"one": "{n} person", "other": "{n} people"}`).
//!
//! A section's table is a list of strings in slot order: its plain keys in name
//! order, then four slots (one, few, many, other) for each plural key in name
//! order; a language without few or many repeats `other` there.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;

#[path = "src/rules.rs"]
mod rules;

// The languages and their plural forms, as the library knows them: adding a
// language is its file in i18n/ and a variant of `Lang`. The build script reads
// only part of each module.
#[path = "src/lang.rs"]
#[expect(dead_code, reason = "the build reads the codes, not the parsing")]
mod lang;
#[path = "src/plural.rs"]
#[expect(dead_code, reason = "the build reads the forms, not the rules")]
mod plural;

use lang::Lang;
use rules::{holes, is_markup_free};

/// The forms `lang` writes for a count, by name, sorted as a JSON object's keys
/// are read.
fn plural_names(lang: Lang) -> Vec<&'static str> {
    let mut names: Vec<&str> = lang.plural_forms().iter().map(|form| form.name()).collect();
    names.sort_unstable();
    names
}

/// The sections, and whether the browser apps name its keys with a Rust enum
/// (the banner's keys are read by name in JavaScript).
const SECTIONS: &[(&str, bool)] = &[
    ("banner", false),
    ("loader", false),
    ("visitor", true),
    ("manage", true),
    ("messages", true),
];

const FORMS: [&str; 4] = ["one", "few", "many", "other"];

enum Entry {
    Plain(String),
    Plural(BTreeMap<String, String>),
}

type Section = BTreeMap<String, Entry>;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("../../i18n");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut problems = Vec::new();
    let mut files: Vec<(&str, BTreeMap<String, Section>)> = Vec::new();
    for lang in Lang::ALL {
        let code = lang.code();
        let path = root.join(format!("{code}.json"));
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let value: Value = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()));
        files.push((code, read_file(code, &value, &mut problems)));
    }
    for entry in std::fs::read_dir(&root)
        .expect("i18n/ is readable")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(code) = name.strip_suffix(".json")
            && Lang::from_exact_code(code).is_none()
        {
            problems.push(format!(
                "i18n/{name}: not a language of `Lang` (crates/texts/src/lang.rs)"
            ));
        }
    }
    // English too: its plural forms, and the same placeholders in each form.
    let english = &files[0].1;
    for (lang, (code, file)) in Lang::ALL.into_iter().zip(&files) {
        check(code, &plural_names(lang), english, file, &mut problems);
    }
    if !problems.is_empty() {
        panic!(
            "the translations in i18n/ do not match en.json:\n  {}",
            problems.join("\n  ")
        );
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("texts.rs");
    std::fs::write(out, generate(&files)).expect("OUT_DIR is writable");
}

fn read_file(code: &str, value: &Value, problems: &mut Vec<String>) -> BTreeMap<String, Section> {
    let mut sections = BTreeMap::new();
    let Some(object) = value.as_object() else {
        problems.push(format!("{code}.json: not an object of sections"));
        return sections;
    };
    for (name, section) in object {
        if !SECTIONS.iter().any(|(known, _)| known == name) {
            problems.push(format!("{code}.json: {name} is not a section"));
            continue;
        }
        let mut entries = Section::new();
        for (key, text) in section.as_object().into_iter().flatten() {
            let entry = match text {
                Value::String(text) => Entry::Plain(text.clone()),
                Value::Object(forms) => Entry::Plural(
                    forms
                        .iter()
                        .map(|(form, text)| (form.clone(), text.as_str().unwrap_or("").to_owned()))
                        .collect(),
                ),
                _ => {
                    problems.push(format!(
                        "{code}.{name}.{key}: not a string or plural object"
                    ));
                    continue;
                }
            };
            for text in texts(&entry) {
                if text.trim().is_empty() || text.trim() != text {
                    problems.push(format!("{code}.{name}.{key}: empty or padded with spaces"));
                }
                if name != "messages" && !is_markup_free(text) {
                    problems.push(format!(
                        "{code}.{name}.{key}: holds < > & or \" (write ’ “ ” instead of quotes)"
                    ));
                }
            }
            entries.insert(key.clone(), entry);
        }
        sections.insert(name.clone(), entries);
    }
    sections
}

fn texts(entry: &Entry) -> Vec<&str> {
    match entry {
        Entry::Plain(text) => vec![text],
        Entry::Plural(forms) => forms.values().map(String::as_str).collect(),
    }
}

fn check(
    code: &str,
    forms: &[&str],
    english: &BTreeMap<String, Section>,
    file: &BTreeMap<String, Section>,
    problems: &mut Vec<String>,
) {
    let empty = Section::new();
    for (name, _) in SECTIONS {
        let reference = english.get(*name).unwrap_or(&empty);
        let theirs = file.get(*name).unwrap_or(&empty);
        for key in reference.keys().filter(|key| !theirs.contains_key(*key)) {
            problems.push(format!("{code}.{name}.{key}: missing"));
        }
        for key in theirs.keys().filter(|key| !reference.contains_key(*key)) {
            problems.push(format!("{code}.{name}.{key}: not in en.json"));
        }
        for (key, base) in reference {
            let Some(text) = theirs.get(key) else {
                continue;
            };
            let expected = match base {
                Entry::Plain(base) => holes(base),
                Entry::Plural(base) => holes(base.get("other").map_or("", String::as_str)),
            };
            match (base, text) {
                (Entry::Plain(_), Entry::Plural(_)) => {
                    problems.push(format!("{code}.{name}.{key}: must be a string"));
                }
                (Entry::Plural(_), Entry::Plain(_)) => {
                    problems.push(format!(
                        "{code}.{name}.{key}: must be plural forms {forms:?}"
                    ));
                }
                (Entry::Plural(_), Entry::Plural(given)) => {
                    let given: Vec<&str> = given.keys().map(String::as_str).collect();
                    if given != forms {
                        problems.push(format!(
                            "{code}.{name}.{key}: plural forms {given:?}, {code} needs {forms:?}"
                        ));
                    }
                }
                (Entry::Plain(_), Entry::Plain(_)) => {}
            }
            for form in texts(text) {
                if holes(form) != expected {
                    problems.push(format!(
                        "{code}.{name}.{key}: placeholders {:?}, en.json has {expected:?}",
                        holes(form)
                    ));
                }
            }
        }
    }
}

/// A section's keys: plain ones, then plural ones, each in name order.
fn keys(section: &Section) -> (Vec<&str>, Vec<&str>) {
    let plain = section
        .iter()
        .filter(|(_, entry)| matches!(entry, Entry::Plain(_)))
        .map(|(key, _)| key.as_str())
        .collect();
    let plural = section
        .iter()
        .filter(|(_, entry)| matches!(entry, Entry::Plural(_)))
        .map(|(key, _)| key.as_str())
        .collect();
    (plain, plural)
}

/// A section's table in one language, in slot order.
fn slots(section: &Section, reference: &Section) -> Vec<String> {
    let (plain, plural) = keys(reference);
    let mut out: Vec<String> = plain
        .iter()
        .map(|key| match &section[*key] {
            Entry::Plain(text) => text.clone(),
            Entry::Plural(_) => unreachable!("checked"),
        })
        .collect();
    for key in plural {
        let Entry::Plural(forms) = &section[key] else {
            unreachable!("checked")
        };
        for form in FORMS {
            out.push(
                forms
                    .get(form)
                    .or_else(|| forms.get("other"))
                    .cloned()
                    .unwrap_or_default(),
            );
        }
    }
    out
}

/// FNV-1a of the slot names: a table served for another build of the keys does
/// not install.
fn shape(names: &[String]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in names.join("\n").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn camel(code: &str) -> String {
    let mut chars = code.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

fn generate(files: &[(&str, BTreeMap<String, Section>)]) -> String {
    let english = &files[0].1;
    let mut out = String::from("// Generated by crates/texts/build.rs from i18n/*.json.\n\n");
    for (name, has_enum) in SECTIONS {
        let reference = &english[*name];
        let (plain, plural) = keys(reference);
        let mut names: Vec<String> = plain.iter().map(|key| (*key).to_owned()).collect();
        for key in &plural {
            names.extend(FORMS.iter().map(|form| format!("{key}.{form}")));
        }
        let _ = writeln!(out, "/// The `{name}` section of the translation files.");
        let _ = writeln!(out, "pub mod {name} {{");
        if *has_enum {
            out.push_str("    /// A plain text of this section.\n");
            out.push_str(
                "    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n    pub enum Text {\n",
            );
            for key in &plain {
                let _ = writeln!(out, "        {key},");
            }
            out.push_str("    }\n\n    impl Text {\n        /// Every key, in slot order.\n        pub const ALL: &'static [Self] = &[");
            for key in &plain {
                let _ = write!(out, "Self::{key}, ");
            }
            out.push_str("];\n    }\n\n");
            out.push_str("    impl crate::Key for Text {\n        const SECTION: crate::Section = crate::Section::");
            let _ = writeln!(
                out,
                "{};\n        const ENGLISH: &'static [&'static str] = EN;\n        #[inline]\n        fn slot(self) -> usize {{\n            self as usize\n        }}\n    }}\n",
                camel(name)
            );
            out.push_str("    /// A text that depends on a count (its `{n}`).\n");
            out.push_str(
                "    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n    pub enum Plural {\n",
            );
            for key in &plural {
                let _ = writeln!(out, "        {key},");
            }
            out.push_str("    }\n\n");
            out.push_str("    impl crate::PluralKey for Plural {\n        const SECTION: crate::Section = crate::Section::");
            let _ = writeln!(
                out,
                "{};\n        const ENGLISH: &'static [&'static str] = EN;\n        #[inline]\n        fn first_slot(self) -> usize {{\n            {} + self as usize * 4\n        }}\n    }}\n",
                camel(name),
                plain.len()
            );
        }
        let _ = writeln!(
            out,
            "    pub(crate) const SHAPE: u64 = {:#x};",
            shape(&names)
        );
        let _ = writeln!(out, "    pub(crate) const LEN: usize = {};", names.len());
        let _ = writeln!(out, "    pub(crate) const NAMES: &[&str] = &{names:?};");
        for (code, file) in files {
            let cfg = if *code == "en" {
                ""
            } else {
                "    #[cfg(feature = \"every-language\")]\n"
            };
            let table = slots(&file[*name], reference);
            let _ = writeln!(
                out,
                "{cfg}    pub(crate) const {}: &[&str] = &{table:?};",
                code.to_uppercase()
            );
        }
        out.push_str("}\n\n");
    }
    // Which table a section has in a language.
    out.push_str("impl Section {\n    /// The table compiled in for `lang`, if any.\n    #[inline]\n    pub(crate) fn compiled(self, lang: Lang) -> Option<&'static [&'static str]> {\n        match (self, lang) {\n");
    for (name, _) in SECTIONS {
        for (code, _) in files {
            let cfg = if *code == "en" {
                ""
            } else {
                "            #[cfg(feature = \"every-language\")]\n"
            };
            let _ = writeln!(
                out,
                "{cfg}            (Self::{}, Lang::{}) => Some({name}::{}),",
                camel(name),
                camel(code),
                code.to_uppercase()
            );
        }
    }
    out.push_str(
        "            #[allow(unreachable_patterns)]\n            _ => None,\n        }\n    }\n\n",
    );
    out.push_str("    /// The slot names, for tables served and overridden by name.\n    #[inline]\n    pub fn names(self) -> &'static [&'static str] {\n        match self {\n");
    for (name, _) in SECTIONS {
        let _ = writeln!(out, "            Self::{} => {name}::NAMES,", camel(name));
    }
    out.push_str("        }\n    }\n\n    /// How many slots the section's table has.\n    #[inline]\n    pub fn slots(self) -> usize {\n        match self {\n");
    for (name, _) in SECTIONS {
        let _ = writeln!(out, "            Self::{} => {name}::LEN,", camel(name));
    }
    out.push_str("        }\n    }\n\n    /// A digest of the slot names: tables with the same shape fit each other.\n    #[inline]\n    pub fn shape(self) -> u64 {\n        match self {\n");
    for (name, _) in SECTIONS {
        let _ = writeln!(out, "            Self::{} => {name}::SHAPE,", camel(name));
    }
    out.push_str("        }\n    }\n}\n");
    out
}
