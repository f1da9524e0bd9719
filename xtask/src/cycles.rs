//! `cargo xtask cycles` (and a step of `cargo xtask test`): no two modules of
//! one crate depend on each other in a loop, in any crate of the workspace or
//! of `fuzz/` (every library, binary, test, example and build script).
//!
//! The graph is read from the sources: `use` trees and the `crate::…`,
//! `super::…` and `self::…` paths written inline (test modules included), each
//! resolved through the crate's module tree and its named `pub use`
//! re-exports (so `crate::Config` is `crate::config`). A path to another crate
//! or to a name brought in by a plain `use` adds nothing: that `use` line is
//! already an edge.
//!
//! **The nodes are files.** Each module with a file of its own is one node;
//! an inline module (`mod tests { … }`) belongs to its file's node, and a
//! module's children are nodes of their own. An edge `a → b` is a path written
//! in `a`'s file that lands in `b`'s. Edges between a module and its own
//! ancestors or descendants do not count: a parent file re-exporting its
//! children while a child reads its parent's types (`super::Row`) is one
//! concept split over files, not two concepts that need each other.
//!
//! (The stricter rule, a module and everything below it as one node, would
//! also reject a module whose children reach out to a sibling that reaches
//! back into another of those children, e.g. `auth::session` using `config`
//! and `config` using `auth::totp_seal`. That is layering, not a cycle between
//! two files, and is not checked.)

mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::cargo;

/// `cargo xtask cycles`: checks every crate; fails with the cycles found.
pub(crate) fn check(root: &Path) -> anyhow::Result<()> {
    let mut cycles = Vec::new();
    let mut crates = 0;
    for manifest in [root.join("Cargo.toml"), root.join("fuzz/Cargo.toml")] {
        for (name, root_file) in crate_roots(&manifest)? {
            let tree = CrateTree::load(&name, &root_file)?;
            cycles.extend(tree.cycles());
            crates += 1;
        }
    }
    if cycles.is_empty() {
        eprintln!("xtask: no module cycle in the {crates} crates of the workspace and fuzz/");
        return Ok(());
    }
    let shown: Vec<String> = cycles
        .iter()
        .map(|cycle| {
            cycle
                .to_string()
                .replace(&format!("{}/", root.display()), "")
        })
        .collect();
    bail!(
        "{} module cycle(s) in {crates} crates:\n{}",
        cycles.len(),
        shown.join("\n")
    )
}

/// Every target of the packages of a workspace: a name (`package/target`)
/// and its root file.
fn crate_roots(manifest: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let output = cargo()
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata --manifest-path {} failed: {}",
            manifest.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("cargo metadata printed no JSON")?;
    let mut roots = BTreeMap::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let package_name = package["name"].as_str().unwrap_or("?");
        for target in package["targets"].as_array().into_iter().flatten() {
            let (Some(name), Some(path)) = (target["name"].as_str(), target["src_path"].as_str())
            else {
                bail!("cargo metadata: a target of {package_name} without a name or path");
            };
            roots
                .entry(PathBuf::from(path))
                .or_insert_with(|| format!("{package_name}/{name}"));
        }
    }
    Ok(roots.into_iter().map(|(path, name)| (name, path)).collect())
}

/// Where a module path (absolute, from the crate root) uses another.
#[derive(Debug, Clone)]
struct Use {
    from: Vec<String>,
    /// As written, `crate`, `super` and `self` resolved.
    path: Vec<String>,
    file: PathBuf,
    line: usize,
}

/// The modules of one crate and what they use.
#[derive(Debug)]
struct CrateTree {
    name: String,
    /// Every module, inline ones (`mod tests { … }`) included.
    modules: BTreeSet<Vec<String>>,
    /// The modules that have a file of their own: the nodes of the graph.
    files: BTreeSet<Vec<String>>,
    /// Per module: a name it re-exports and the path (as written there) it stands for.
    reexports: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>,
    /// Per module: the paths written in it, still relative (`super`, a child's name).
    written: Vec<(Vec<String>, Vec<String>, PathBuf, usize)>,
}

impl CrateTree {
    fn load(name: &str, root_file: &Path) -> anyhow::Result<Self> {
        let mut tree = Self {
            name: name.to_owned(),
            modules: BTreeSet::new(),
            files: BTreeSet::new(),
            reexports: BTreeMap::new(),
            written: Vec::new(),
        };
        tree.load_file(root_file, Vec::new(), true)?;
        Ok(tree)
    }

    /// Reads the module `module` from `file` and, recursively, its file modules.
    /// `owns_directory`: a crate root, a `mod.rs` or a file named by `#[path]`,
    /// whose children sit beside it, not in a folder named after it.
    fn load_file(
        &mut self,
        file: &Path,
        module: Vec<String>,
        owns_directory: bool,
    ) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("{}: cannot read {}", self.name, file.display()))?;
        let items = source::scan(&text);
        let absolute = |inside: &[String]| [module.as_slice(), inside].concat();
        self.modules.insert(module.clone());
        self.files.insert(module.clone());
        for inline in &items.inline_modules {
            self.modules.insert(absolute(inline));
        }
        for reexport in items.reexports {
            self.reexports
                .entry(absolute(&reexport.inside))
                .or_default()
                .insert(reexport.name, reexport.target);
        }
        for path in items.paths {
            self.written.push((
                absolute(&path.inside),
                path.segments,
                file.to_owned(),
                path.line,
            ));
        }
        let directory = file.parent().unwrap_or(Path::new("."));
        let own_directory = if owns_directory {
            directory.to_owned()
        } else {
            let stem = file.file_stem().unwrap_or_default();
            directory.join(stem)
        };
        for declared in items.file_modules {
            let child = [absolute(&declared.inside), vec![declared.name.clone()]].concat();
            let folder = declared
                .inside
                .iter()
                .fold(own_directory.clone(), |folder, inline| folder.join(inline));
            let (child_file, child_owns_directory) = match &declared.path_attribute {
                Some(path) if declared.inside.is_empty() => (directory.join(path), true),
                Some(path) => (folder.join(path), true),
                None => {
                    let flat = folder.join(format!("{}.rs", declared.name));
                    if flat.exists() {
                        (flat, false)
                    } else {
                        (folder.join(&declared.name).join("mod.rs"), true)
                    }
                }
            };
            if !child_file.exists() {
                bail!(
                    "{}: {}:{} declares `mod {}` but {} does not exist",
                    self.name,
                    file.display(),
                    declared.line,
                    declared.name,
                    child_file.display()
                );
            }
            self.load_file(&child_file, child, child_owns_directory)?;
        }
        Ok(())
    }

    /// `segments` as written in `module`, from the crate root; `None` for
    /// another crate's path or a name this tree does not know.
    fn absolute(&self, module: &[String], segments: &[String]) -> Option<Vec<String>> {
        let (first, rest) = segments.split_first()?;
        match first.as_str() {
            "crate" => Some(rest.to_vec()),
            "self" => Some([module, rest].concat()),
            "super" => {
                let ups = segments
                    .iter()
                    .take_while(|segment| *segment == "super")
                    .count();
                let base = module.get(..module.len().checked_sub(ups)?)?;
                Some([base, &segments[ups..]].concat())
            }
            child => {
                let mut path = module.to_vec();
                path.push(child.to_owned());
                self.modules
                    .contains(&path)
                    .then(|| [module, segments].concat())
            }
        }
    }

    /// The module an absolute path lands in, following named re-exports.
    fn module_of(&self, path: &[String], hops: usize) -> Vec<String> {
        let mut module = Vec::new();
        for (index, segment) in path.iter().enumerate() {
            let mut child = module.clone();
            child.push(segment.clone());
            if self.modules.contains(&child) {
                module = child;
                continue;
            }
            let reexported = self
                .reexports
                .get(&module)
                .and_then(|names| names.get(segment));
            if let Some(target) = reexported
                && hops < 8
                && let Some(target) = self.absolute(&module, target)
            {
                return self.module_of(&[target.as_slice(), &path[index + 1..]].concat(), hops + 1);
            }
            break;
        }
        module
    }

    /// Every use of one module by another.
    fn uses(&self) -> Vec<Use> {
        self.written
            .iter()
            .filter_map(|(from, segments, file, line)| {
                let path = self.absolute(from, segments)?;
                Some(Use {
                    from: from.clone(),
                    path,
                    file: file.clone(),
                    line: *line,
                })
            })
            .collect()
    }

    /// The file module that `module` (perhaps an inline one) is written in.
    fn file_of(&self, module: &[String]) -> Vec<String> {
        (0..=module.len())
            .rev()
            .map(|length| module[..length].to_vec())
            .find(|prefix| self.files.contains(prefix))
            .unwrap_or_default()
    }

    /// The groups of file modules that depend on each other.
    fn cycles(&self) -> Vec<Cycle> {
        // File module → file module → the first place that makes the edge.
        let mut graph: BTreeMap<String, BTreeMap<String, Use>> = BTreeMap::new();
        for found in self.uses() {
            let from = self.file_of(&found.from);
            let to = self.file_of(&self.module_of(&found.path, 0));
            if from.starts_with(&to) || to.starts_with(&from) {
                continue;
            }
            graph
                .entry(qualified(&from))
                .or_default()
                .entry(qualified(&to))
                .or_insert(found);
        }
        strongly_connected(&graph)
            .into_iter()
            .map(|modules| {
                let steps = modules
                    .iter()
                    .flat_map(|from| {
                        graph[from]
                            .iter()
                            .filter(|(to, _)| modules.contains(to))
                            .map(|(to, found)| Step {
                                from: from.clone(),
                                to: to.clone(),
                                found: found.clone(),
                            })
                    })
                    .collect();
                Cycle {
                    crate_name: self.name.clone(),
                    modules,
                    steps,
                }
            })
            .collect()
    }
}

/// `crate::a::b`.
fn qualified(module: &[String]) -> String {
    std::iter::once("crate")
        .chain(module.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("::")
}

/// The components of more than one node (Tarjan's algorithm).
fn strongly_connected(graph: &BTreeMap<String, BTreeMap<String, Use>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeMap<String, Use>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        let index = state.index.len();
        state.index.insert(node, index);
        state.low.insert(node, index);
        state.stack.push(node);
        state.on_stack.insert(node);
        for next in state.graph.get(node).into_iter().flat_map(BTreeMap::keys) {
            if !state.index.contains_key(next.as_str()) {
                visit(state, next);
                let low = state.low[node].min(state.low[next.as_str()]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next.as_str()) {
                let low = state.low[node].min(state.index[next.as_str()]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(member.to_owned());
                if member == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.components.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.components.sort();
    state.components
}

/// One edge of a cycle: `from` uses `to` at `found`.
#[derive(Debug)]
struct Step {
    from: String,
    to: String,
    found: Use,
}

/// File modules that depend on each other (a strongly connected component of
/// the graph), with a place for each edge among them.
#[derive(Debug)]
struct Cycle {
    crate_name: String,
    modules: Vec<String>,
    steps: Vec<Step>,
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "cycle in {}: {} depend on each other",
            self.crate_name,
            self.modules.join(", ")
        )?;
        for step in &self.steps {
            writeln!(
                f,
                "  {} → {}: {}:{} uses {}",
                step.from,
                step.to,
                step.found.file.display(),
                step.found.line,
                qualified(&step.found.path)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::CrateTree;

    /// Writes `files` (path, text) under a new temporary folder.
    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
            std::fs::write(path, text).expect("file");
        }
        dir
    }

    fn cycles_in(dir: &Path) -> Vec<String> {
        let tree = CrateTree::load("made-up/lib", &dir.join("src/lib.rs")).expect("loads");
        tree.cycles()
            .iter()
            .map(|cycle| {
                cycle
                    .to_string()
                    .replace(&format!("{}/", dir.display()), "")
            })
            .collect()
    }

    #[test]
    fn finds_two_sibling_modules_that_use_each_other_and_says_where() {
        let dir = tree(&[
            (
                "src/lib.rs",
                "mod config;\nmod notify;\npub use config::Config;\n",
            ),
            (
                "src/config.rs",
                "use crate::notify::Smtp;\npub struct Config;\n",
            ),
            (
                "src/notify.rs",
                "pub struct Smtp;\n#[cfg(test)]\nmod tests {\n    fn f(_: crate::Config) {}\n}\n",
            ),
        ]);
        assert_eq!(
            cycles_in(dir.path()),
            [
                "cycle in made-up/lib: crate::config, crate::notify depend on each other\n  \
              crate::config → crate::notify: src/config.rs:1 uses crate::notify::Smtp\n  \
              crate::notify → crate::config: src/notify.rs:4 uses crate::Config\n"
            ]
        );
    }

    #[test]
    fn finds_a_loop_between_nested_siblings_through_super_and_a_longer_loop() {
        let dir = tree(&[
            (
                "src/lib.rs",
                "pub mod components;\nmod a;\nmod b;\nmod c;\n",
            ),
            ("src/components/mod.rs", "mod details;\nmod steps;\n"),
            ("src/components/details.rs", "use super::steps::Step;\n"),
            (
                "src/components/steps.rs",
                "pub struct Step;\nfn f() { super::details::g() }\n",
            ),
            ("src/a.rs", "use crate::b::B;\n"),
            ("src/b.rs", "pub struct B;\nuse crate::c::C;\n"),
            ("src/c.rs", "pub struct C;\nuse crate::a;\n"),
        ]);
        let cycles = cycles_in(dir.path());
        assert_eq!(cycles.len(), 2, "{cycles:#?}");
        assert!(
            cycles[0].starts_with(
                "cycle in made-up/lib: crate::a, crate::b, crate::c depend on each other\n"
            ),
            "{cycles:#?}"
        );
        assert!(
            cycles[1].starts_with(
                "cycle in made-up/lib: crate::components::details, crate::components::steps depend on each other\n"
            ),
            "{cycles:#?}"
        );
    }

    #[test]
    fn a_parent_and_its_children_and_one_way_uses_are_no_cycle() {
        let dir = tree(&[
            (
                "src/lib.rs",
                "mod auth;\nmod storage;\nmod mail;\nmod config;\npub use storage::Storage;\n",
            ),
            (
                "src/storage.rs",
                "mod rows;\npub use rows::Row;\npub struct Storage;\nfn f(_: rows::Row) {}\n",
            ),
            (
                "src/storage/rows.rs",
                "pub struct Row;\nfn g(_: super::Storage) {}\n",
            ),
            (
                "src/mail.rs",
                "pub struct Smtp;\nfn f(_: crate::config::Config) {}\n",
            ),
            (
                "src/config.rs",
                "pub struct Config;\nuse crate::auth::seal::Key;\nuse crate::Storage;\n// crate::mail::x in a comment\n",
            ),
            // A child of `auth` uses `config`, which uses another child of `auth`.
            ("src/auth/mod.rs", "pub mod seal;\nmod session;\n"),
            ("src/auth/seal.rs", "pub struct Key;\n"),
            ("src/auth/session.rs", "use crate::config::Config;\n"),
        ]);
        assert_eq!(cycles_in(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_module_declared_without_its_file_is_an_error_not_a_pass() {
        let dir = tree(&[("src/lib.rs", "mod gone;\n")]);
        let error = CrateTree::load("made-up/lib", &dir.path().join("src/lib.rs"))
            .expect_err("a missing module file");
        assert!(error.to_string().contains("declares `mod gone`"), "{error}");
    }
}
