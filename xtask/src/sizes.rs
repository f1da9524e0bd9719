//! The widget's download size, measured the way a host page pays for it.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, bail};

/// DESIGN §10: the whole widget, sealing code included.
const WIDGET_BUDGET_BROTLI: usize = 130 * 1024;
/// DESIGN §10: what a page downloads before the consent banner shows. The banner
/// is in embed.js (the consent layer) and the loader asks for the glue and the
/// wasm only once it is up (an E2E test checks that order), so this is embed.js.
const BEFORE_BANNER_BUDGET_BROTLI: usize = 80 * 1024;
const BANNER_FILE: &str = "embed.js";

#[derive(Debug)]
pub(crate) struct FileSize {
    name: &'static str,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

#[derive(Debug)]
pub(crate) struct Sizes(Vec<FileSize>);

const WIDGET_FILES: [&str; 3] = ["embed.js", "sealbook_widget.js", "sealbook_widget_bg.wasm"];

/// Measures and prints the widget's files in `dist`.
pub(crate) fn report(dist: &Path) -> anyhow::Result<Sizes> {
    let mut sizes = Vec::new();
    for name in WIDGET_FILES {
        let bytes = std::fs::read(dist.join(name))
            .with_context(|| format!("{name} is missing from dist/; build the widget first"))?;
        sizes.push(FileSize {
            name,
            raw: bytes.len(),
            gzip: gzip(&bytes)?,
            brotli: brotli(&bytes)?,
        });
    }
    eprintln!(
        "{:<26} {:>9} {:>9} {:>9}",
        "file", "raw", "gzip -9", "brotli 11"
    );
    for size in &sizes {
        eprintln!(
            "{:<26} {:>9} {:>9} {:>9}",
            size.name, size.raw, size.gzip, size.brotli
        );
    }
    let sizes = Sizes(sizes);
    eprintln!(
        "{:<26} {:>9} {:>9} {:>9}",
        "total",
        sizes.total(|s| s.raw),
        sizes.total(|s| s.gzip),
        sizes.total(|s| s.brotli)
    );
    Ok(sizes)
}

const MANAGE_FILES: [&str; 3] = [
    "index.html",
    "sealbook_manage.js",
    "sealbook_manage_bg.wasm",
];

const INBOX_FILES: [&str; 3] = ["index.html", "sealbook_inbox.js", "sealbook_inbox_bg.wasm"];

/// Prints the manage page's files in `dist/manage`: a standalone page that host
/// pages never load, so it is reported apart and not counted in the widget budget.
pub(crate) fn report_manage(dir: &Path) -> anyhow::Result<()> {
    report_app(dir, "manage page", &MANAGE_FILES)
}

/// Prints the staff inbox's files in `dist/inbox`: staff load it, visitors never do.
pub(crate) fn report_inbox(dir: &Path) -> anyhow::Result<()> {
    report_app(dir, "staff inbox", &INBOX_FILES)
}

fn report_app(dir: &Path, what: &str, files: &[&str]) -> anyhow::Result<()> {
    eprintln!(
        "{:<26} {:>9} {:>9} {:>9}",
        format!("{what} (no budget)"),
        "raw",
        "gzip -9",
        "brotli 11"
    );
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for name in files {
        let bytes = std::fs::read(dir.join(name))
            .with_context(|| format!("{name} is missing from {}; build it first", dir.display()))?;
        let (g, b) = (gzip(&bytes)?, brotli(&bytes)?);
        eprintln!("{:<26} {:>9} {:>9} {:>9}", name, bytes.len(), g, b);
        (raw, gz, br) = (raw + bytes.len(), gz + g, br + b);
    }
    eprintln!(
        "{:<26} {:>9} {:>9} {:>9}",
        format!("{what} total"),
        raw,
        gz,
        br
    );
    Ok(())
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

fn gzip(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn brotli(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut output = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut output, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(output.len())
}
