//! What one Rust source file says about modules: the `mod` items it declares,
//! its `use` trees and the `crate::…`/`super::…`/`self::…` paths written inline.
//! A small lexer (comments, strings and char literals skipped) is enough: no
//! macro expansion, no name resolution beyond what the caller does with the
//! module tree.

/// A `mod name;` item: a module in a file of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ModDecl {
    /// The inline modules (`mod a { … }`) it is written inside, outermost first.
    pub(super) inside: Vec<String>,
    pub(super) name: String,
    /// Its `#[path = "…"]`, if it has one.
    pub(super) path_attribute: Option<String>,
    pub(super) line: usize,
}

/// A path to something of this crate (or of another, the caller decides), as
/// written: `crate`, `super` and `self` segments kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PathRef {
    /// The inline module the path is written in, relative to the file's module.
    pub(super) inside: Vec<String>,
    pub(super) segments: Vec<String>,
    pub(super) line: usize,
}

/// A `pub use` (any visibility but private): `name` in the module stands for `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Reexport {
    pub(super) inside: Vec<String>,
    pub(super) name: String,
    pub(super) target: Vec<String>,
}

/// Everything the cycle check needs from one file.
#[derive(Debug, Default)]
pub(super) struct FileItems {
    pub(super) file_modules: Vec<ModDecl>,
    /// Every inline module, as a path relative to the file's module.
    pub(super) inline_modules: Vec<Vec<String>>,
    /// `use` trees (each leaf a path; a glob's path is its module) and inline paths.
    pub(super) paths: Vec<PathRef>,
    pub(super) reexports: Vec<Reexport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Ident(String),
    Str(String),
    /// `::`
    PathSep,
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    line: usize,
}

impl Token {
    fn is_ident(&self, word: &str) -> bool {
        matches!(&self.kind, Kind::Ident(ident) if ident == word)
    }

    fn is_punct(&self, punct: char) -> bool {
        self.kind == Kind::Punct(punct)
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Tokens of `text`, without comments, white space, numbers' insides, char
/// literals and lifetimes; strings kept (for `#[path = "…"]`).
fn lex(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let at = |index: usize| chars.get(index).copied().unwrap_or('\0');
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Counts the newlines of chars[from..to] (strings and comments span lines).
    let lines_in = |from: usize, to: usize| {
        chars[from..to.min(chars.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count()
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            line += lines_in(start, i);
        } else if let Some((content, end)) = string_at(&chars, i) {
            tokens.push(Token {
                kind: Kind::Str(content),
                line,
            });
            line += lines_in(start, end);
            i = end;
        } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
            let quote = if c == 'b' { i + 1 } else { i };
            if at(quote + 1) == '\\' {
                // An escaped char literal: up to the closing quote.
                i = quote + 3;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(quote + 2) == '\'' {
                i = quote + 3;
            } else {
                // A lifetime or a label.
                i = quote + 1;
                while i < chars.len() && is_ident_continue(chars[i]) {
                    i += 1;
                }
            }
        } else if c == 'r' && at(i + 1) == '#' && is_ident_start(at(i + 2)) {
            i += 2;
            let begin = i;
            while i < chars.len() && is_ident_continue(chars[i]) {
                i += 1;
            }
            tokens.push(Token {
                kind: Kind::Ident(chars[begin..i].iter().collect()),
                line,
            });
        } else if is_ident_start(c) {
            while i < chars.len() && is_ident_continue(chars[i]) {
                i += 1;
            }
            tokens.push(Token {
                kind: Kind::Ident(chars[start..i].iter().collect()),
                line,
            });
        } else if c.is_ascii_digit() {
            while i < chars.len() && is_ident_continue(chars[i]) {
                i += 1;
            }
        } else if c == ':' && at(i + 1) == ':' {
            tokens.push(Token {
                kind: Kind::PathSep,
                line,
            });
            i += 2;
        } else {
            tokens.push(Token {
                kind: Kind::Punct(c),
                line,
            });
            i += 1;
        }
    }
    tokens
}

/// A string literal starting at `i` (plain, byte, C, raw): its content (escapes
/// left as written) and the index after it.
fn string_at(chars: &[char], i: usize) -> Option<(String, usize)> {
    let at = |index: usize| chars.get(index).copied().unwrap_or('\0');
    let mut j = i;
    if matches!(at(j), 'b' | 'c') {
        j += 1;
    }
    let raw = at(j) == 'r';
    if raw {
        j += 1;
    }
    let mut hashes = 0;
    while raw && at(j) == '#' {
        hashes += 1;
        j += 1;
    }
    if at(j) != '"' {
        return None;
    }
    let begin = j + 1;
    let mut k = begin;
    loop {
        if k >= chars.len() {
            return Some((chars[begin..].iter().collect(), chars.len()));
        }
        if !raw && chars[k] == '\\' {
            k += 2;
            continue;
        }
        if chars[k] == '"' && (k + 1..=k + hashes).all(|h| at(h) == '#') {
            return Some((chars[begin..k].iter().collect(), k + 1 + hashes));
        }
        k += 1;
    }
}

/// Reads the modules, paths and re-exports of one file.
pub(super) fn scan(text: &str) -> FileItems {
    let tokens = lex(text);
    let mut items = FileItems::default();
    // Inline modules open at this point, with the brace depth inside each.
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let inside = |open: &[(String, usize)]| open.iter().map(|(name, _)| name.clone()).collect();
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        match &token.kind {
            Kind::Punct('{') => depth += 1,
            Kind::Punct('}') => {
                if open.last().is_some_and(|(_, inner)| *inner == depth) {
                    open.pop();
                }
                depth -= 1;
            }
            Kind::Ident(word) if word == "mod" => {
                if let (Some(Kind::Ident(name)), Some(next)) = (
                    tokens.get(i + 1).map(|token| &token.kind),
                    tokens.get(i + 2),
                ) {
                    if next.is_punct(';') {
                        items.file_modules.push(ModDecl {
                            inside: inside(&open),
                            name: name.clone(),
                            path_attribute: path_attribute(&tokens, i),
                            line: token.line,
                        });
                    } else if next.is_punct('{') {
                        open.push((name.clone(), depth + 1));
                        items.inline_modules.push(inside(&open));
                    }
                }
            }
            Kind::Ident(word) if word == "use" && !is_macro_fragment(&tokens, i) => {
                let public = is_public(&tokens, i);
                let mut leaves = Vec::new();
                let end = use_tree(&tokens, i + 1, &[], &mut leaves);
                for leaf in leaves {
                    if public && !leaf.glob {
                        let name = leaf.alias.clone().or_else(|| leaf.segments.last().cloned());
                        if let Some(name) = name.filter(|name| name != "_") {
                            items.reexports.push(Reexport {
                                inside: inside(&open),
                                name,
                                target: leaf.segments.clone(),
                            });
                        }
                    }
                    items.paths.push(PathRef {
                        inside: inside(&open),
                        segments: leaf.segments,
                        line: leaf.line,
                    });
                }
                i = end;
                continue;
            }
            Kind::Ident(word)
                if matches!(word.as_str(), "crate" | "super" | "self")
                    && tokens
                        .get(i + 1)
                        .is_some_and(|next| next.kind == Kind::PathSep)
                    && !i
                        .checked_sub(1)
                        .and_then(|before| tokens.get(before))
                        .is_some_and(|before| {
                            before.kind == Kind::PathSep
                                || before.is_punct('$')
                                || before.is_ident("in")
                        }) =>
            {
                let mut segments = vec![word.clone()];
                let mut j = i + 1;
                while tokens.get(j).is_some_and(|sep| sep.kind == Kind::PathSep) {
                    match tokens.get(j + 1).map(|token| &token.kind) {
                        Some(Kind::Ident(segment)) => segments.push(segment.clone()),
                        _ => break,
                    }
                    j += 2;
                }
                items.paths.push(PathRef {
                    inside: inside(&open),
                    segments,
                    line: token.line,
                });
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    items
}

/// `$use` or a macro's `use` written as `$…`: not a use item.
fn is_macro_fragment(tokens: &[Token], i: usize) -> bool {
    i.checked_sub(1)
        .and_then(|before| tokens.get(before))
        .is_some_and(|before| before.is_punct('$'))
}

/// Whether the `use` at `i` has a visibility (`pub`, `pub(crate)`, `pub(super)`…).
fn is_public(tokens: &[Token], i: usize) -> bool {
    let Some(mut j) = i.checked_sub(1) else {
        return false;
    };
    if tokens[j].is_punct(')') {
        while j > 0 && !tokens[j].is_punct('(') {
            j -= 1;
        }
        let Some(before) = j.checked_sub(1) else {
            return false;
        };
        j = before;
    }
    tokens[j].is_ident("pub")
}

/// The `#[path = "…"]` among the attributes before the `mod` at `i`.
fn path_attribute(tokens: &[Token], i: usize) -> Option<String> {
    let mut j = i;
    loop {
        let before = j.checked_sub(1)?;
        let token = &tokens[before];
        if token.is_punct(']') {
            // Back to this attribute's `#[`.
            let mut k = before;
            let mut nesting = 0;
            loop {
                if tokens[k].is_punct(']') {
                    nesting += 1;
                } else if tokens[k].is_punct('[') {
                    nesting -= 1;
                    if nesting == 0 {
                        break;
                    }
                }
                k = k.checked_sub(1)?;
            }
            if let (
                Some(name),
                Some(equals),
                Some(Token {
                    kind: Kind::Str(path),
                    ..
                }),
            ) = (tokens.get(k + 1), tokens.get(k + 2), tokens.get(k + 3))
                && name.is_ident("path")
                && equals.is_punct('=')
            {
                return Some(path.clone());
            }
            j = k.checked_sub(1)?;
            if !tokens[j].is_punct('#') {
                return None;
            }
        } else if matches!(&token.kind, Kind::Ident(word) if matches!(word.as_str(), "pub" | "crate" | "super" | "self" | "in"))
            || token.is_punct('(')
            || token.is_punct(')')
        {
            j = before;
        } else {
            return None;
        }
    }
}

/// One leaf of a use tree.
#[derive(Debug)]
struct Leaf {
    segments: Vec<String>,
    alias: Option<String>,
    glob: bool,
    line: usize,
}

/// Reads the use tree from `i` (after `use`, or after a `{` or `,` inside one)
/// with the path so far in `prefix`; returns the index after it (after the
/// `;` at the top level).
fn use_tree(tokens: &[Token], mut i: usize, prefix: &[String], leaves: &mut Vec<Leaf>) -> usize {
    let mut segments = prefix.to_vec();
    let top = prefix.is_empty();
    if tokens
        .get(i)
        .is_some_and(|token| token.kind == Kind::PathSep)
    {
        // `use ::other_crate::…`: never this crate.
        segments.push(String::new());
        i += 1;
    }
    while let Some(token) = tokens.get(i) {
        match &token.kind {
            Kind::Ident(word) if word == "as" => {
                let alias = match tokens.get(i + 1).map(|token| &token.kind) {
                    Some(Kind::Ident(alias)) => Some(alias.clone()),
                    _ => None,
                };
                leaves.push(Leaf {
                    segments: segments.clone(),
                    alias,
                    glob: false,
                    line: token.line,
                });
                i += 2;
                break;
            }
            Kind::Ident(word) => {
                // `a::{self, …}` names `a` itself.
                if word != "self" || segments.is_empty() {
                    segments.push(word.clone());
                }
                if tokens
                    .get(i + 1)
                    .is_some_and(|next| next.kind == Kind::PathSep)
                {
                    i += 2;
                    continue;
                }
                i += 1;
                if !tokens.get(i).is_some_and(|next| next.is_ident("as")) {
                    leaves.push(Leaf {
                        segments: segments.clone(),
                        alias: None,
                        glob: false,
                        line: token.line,
                    });
                    break;
                }
            }
            Kind::Punct('*') => {
                leaves.push(Leaf {
                    segments: segments.clone(),
                    alias: None,
                    glob: true,
                    line: token.line,
                });
                i += 1;
                break;
            }
            Kind::Punct('{') => {
                i += 1;
                while tokens.get(i).is_some_and(|token| !token.is_punct('}')) {
                    i = use_tree(tokens, i, &segments, leaves);
                    if tokens.get(i).is_some_and(|token| token.is_punct(',')) {
                        i += 1;
                    }
                }
                i += 1;
                break;
            }
            _ => break,
        }
    }
    if top {
        while tokens.get(i).is_some_and(|token| !token.is_punct(';')) {
            i += 1;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::scan;

    fn paths(text: &str) -> Vec<String> {
        scan(text)
            .paths
            .into_iter()
            .map(|path| {
                let inside = path.inside.join("/");
                format!("{inside}>{}", path.segments.join("::"))
            })
            .collect()
    }

    #[test]
    fn use_trees_become_one_path_per_leaf() {
        assert_eq!(
            paths("use crate::a::{self, b::{C, D as E}, f::*};\npub(crate) use super::g;"),
            [
                ">crate::a",
                ">crate::a::b::C",
                ">crate::a::b::D",
                ">crate::a::f",
                ">super::g"
            ]
        );
    }

    #[test]
    fn inline_paths_count_and_comments_strings_and_macros_do_not() {
        let text = r##"
            // crate::in_a_comment::X
            /* crate::in /* a nested */ block::X */
            fn f() -> crate::a::B { let _ = "crate::in_a_string"; let _ = r#"super::raw"#;
                let _c = 'x'; let _q = '\''; let _l: &'static str = ""; $crate::macro_path::Y;
                super::super::c::d() }
            pub(crate) fn g() {} pub(in crate::a) fn h() {}
        "##;
        assert_eq!(paths(text), [">crate::a::B", ">super::super::c::d"]);
    }

    #[test]
    fn modules_inline_and_in_files_with_their_path_attributes() {
        let text = "mod a;\n#[cfg(test)]\n#[path = \"../x/mod.rs\"]\npub(crate) mod x;\n\
                    #[cfg(test)]\nmod tests {\n    use super::a::Thing;\n    mod deeper { use crate::b; }\n}\nuse crate::c;";
        let items = scan(text);
        let declared: Vec<_> = items
            .file_modules
            .iter()
            .map(|module| {
                (
                    module.name.as_str(),
                    module.path_attribute.as_deref(),
                    module.line,
                )
            })
            .collect();
        assert_eq!(declared, [("a", None, 1), ("x", Some("../x/mod.rs"), 4)]);
        assert_eq!(
            items.inline_modules,
            [
                vec!["tests".to_owned()],
                vec!["tests".to_owned(), "deeper".to_owned()]
            ]
        );
        assert_eq!(
            paths(text),
            [
                "tests>super::a::Thing",
                "tests/deeper>crate::b",
                ">crate::c"
            ]
        );
    }

    #[test]
    fn public_uses_are_reexports() {
        let items =
            scan("pub use config::{Config, Business as Shop};\nuse notify::Hidden;\npub use x::*;");
        let reexports: Vec<_> = items
            .reexports
            .iter()
            .map(|reexport| format!("{}={}", reexport.name, reexport.target.join("::")))
            .collect();
        assert_eq!(
            reexports,
            ["Config=config::Config", "Shop=config::Business"]
        );
    }
}
