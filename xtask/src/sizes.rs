//! The widget's download size, measured the way a host page pays for it.

use std::path::Path;

use anyhow::{Context, bail};

use crate::delivery::{self, App, brotli, gzip};

/// DESIGN §10: the whole widget, sealing code included, ≤ 110 KB (sealing with
/// the browser's WebCrypto took the RSA and AES code out of the wasm).
const WIDGET_BUDGET_BROTLI: usize = 110_000;
/// DESIGN §10: what a page downloads before the consent banner shows, ≤ 10 KB.
/// The banner is in embed.js (the consent layer) and the loader asks for the
/// glue and the wasm only once it is up (an E2E test checks that order), so
/// this is embed.js.
const BEFORE_BANNER_BUDGET_BROTLI: usize = 10_000;
const BANNER_FILE: &str = "embed.js";

#[derive(Debug)]
pub(crate) struct FileSize {
    name: String,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

#[derive(Debug)]
pub(crate) struct Sizes(Vec<FileSize>);

/// Measures and prints the widget's files in `dist` (the loader, then the
/// glue and the wasm under their hashed names).
pub(crate) fn report(dist: &Path) -> anyhow::Result<Sizes> {
    let sizes = measure(dist, &delivery::WIDGET)?;
    print_table(&sizes, "file", "total");
    Ok(sizes)
}

/// Prints the manage page's files in `dist/manage`: a standalone page that host
/// pages never load, so it is reported apart and not counted in the widget budget.
pub(crate) fn report_manage(dist: &Path) -> anyhow::Result<()> {
    report_app(dist, &delivery::MANAGE, "manage page")
}

/// Prints the staff inbox's files in `dist/inbox`: staff load it, visitors never do.
pub(crate) fn report_inbox(dist: &Path) -> anyhow::Result<()> {
    report_app(dist, &delivery::INBOX, "staff inbox")
}

fn report_app(dist: &Path, app: &App, what: &str) -> anyhow::Result<()> {
    let sizes = measure(dist, app)?;
    print_table(
        &sizes,
        &format!("{what} (no budget)"),
        &format!("{what} total"),
    );
    Ok(())
}

/// One line per file of `sizes` under the header `heading`, then their sums as `total`.
fn print_table(sizes: &Sizes, heading: &str, total: &str) {
    fn line(name: &str, [raw, gzip, brotli]: [&dyn std::fmt::Display; 3]) {
        eprintln!("{name:<38} {raw:>9} {gzip:>9} {brotli:>9}");
    }
    line(heading, [&"raw", &"gzip -9", &"brotli 11"]);
    for size in &sizes.0 {
        line(&size.name, [&size.raw, &size.gzip, &size.brotli]);
    }
    line(
        total,
        [
            &sizes.total(|s| s.raw),
            &sizes.total(|s| s.gzip),
            &sizes.total(|s| s.brotli),
        ],
    );
}

/// The size of every file of `app` a first visit loads, as built in `dist`.
fn measure(dist: &Path, app: &App) -> anyhow::Result<Sizes> {
    let mut sizes = Vec::new();
    for path in delivery::files(dist, app)?.all() {
        let bytes = std::fs::read(path)
            .with_context(|| format!("{} is missing; build it first", path.display()))?;
        sizes.push(FileSize {
            name: file_name(path),
            raw: bytes.len(),
            gzip: gzip(&bytes)?.len(),
            brotli: brotli(&bytes)?.len(),
        });
    }
    Ok(Sizes(sizes))
}

/// The widget's, the manage page's and the inbox's files as markdown tables
/// (for `cargo xtask bench`), with the widget's budgets.
pub(crate) fn markdown(dist: &Path) -> anyhow::Result<String> {
    let mut text = String::new();
    for (app, what) in [
        (&delivery::WIDGET, "widget"),
        (&delivery::MANAGE, "manage page"),
        (&delivery::INBOX, "staff inbox"),
    ] {
        let sizes = measure(dist, app)?;
        text.push_str("| file | raw | gzip -9 | brotli 11 |\n|---|---:|---:|---:|\n");
        for size in &sizes.0 {
            text.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                size.name, size.raw, size.gzip, size.brotli
            ));
        }
        text.push_str(&format!(
            "| **{what}** | {} | {} | **{}** |\n\n",
            sizes.total(|s| s.raw),
            sizes.total(|s| s.gzip),
            sizes.total(|s| s.brotli)
        ));
    }
    text.push_str(&format!(
        "Budgets (brotli): the widget ≤ {WIDGET_BUDGET_BROTLI} B, `{BANNER_FILE}` (all a page loads before the banner) ≤ {BEFORE_BANNER_BUDGET_BROTLI} B."
    ));
    Ok(text)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned())
}

impl Sizes {
    fn total(&self, field: impl Fn(&FileSize) -> usize) -> usize {
        self.0.iter().map(field).sum()
    }

    pub(crate) fn check_budget(&self) -> anyhow::Result<()> {
        let before_banner = self
            .0
            .iter()
            .find(|size| size.name == BANNER_FILE)
            .map_or(0, |size| size.brotli);
        if before_banner > BEFORE_BANNER_BUDGET_BROTLI {
            bail!(
                "{BANNER_FILE} is {before_banner} bytes brotli, over the {BEFORE_BANNER_BUDGET_BROTLI} B budget before the consent banner"
            );
        }
        eprintln!(
            "xtask: before the consent banner {before_banner} B brotli ({BANNER_FILE}), budget {BEFORE_BANNER_BUDGET_BROTLI} B"
        );
        let brotli = self.total(|size| size.brotli);
        if brotli > WIDGET_BUDGET_BROTLI {
            bail!("the widget is {brotli} bytes brotli, over its budget of {WIDGET_BUDGET_BROTLI}");
        }
        eprintln!(
            "xtask: widget size {brotli} B brotli is within the {WIDGET_BUDGET_BROTLI} B budget"
        );
        Ok(())
    }
}
