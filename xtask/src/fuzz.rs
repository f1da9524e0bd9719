//! `cargo xtask fuzz [SECONDS]` and `cargo xtask test --fuzz`: every cargo-fuzz
//! target of `fuzz/` for a bounded time each (docs/FUZZING.md). Runs on the
//! stable toolchain with `--sanitizer none`: libFuzzer's coverage guidance and
//! Rust's own checks (panics, overflow with debug assertions), no AddressSanitizer.

use std::path::Path;

use anyhow::Context;

use crate::{cargo, run, tools};

/// Seconds per target in `cargo xtask test --fuzz`.
pub(crate) const TEST_SECONDS: u64 = 60;
/// Seconds per target in `cargo xtask fuzz` without an argument.
const LONG_SECONDS: u64 = 600;
/// Every target in fuzz/Cargo.toml.
const TARGETS: &[&str] = &[
    "envelope_parse",
    "envelope_open",
    "visitor_copy_open",
    "booking_body",
    "change_body",
    "availability_query",
    "consent_body",
    "inbox_body",
];

/// `cargo xtask fuzz [SECONDS]`.
pub(crate) fn command(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let seconds = match args.first() {
        None => LONG_SECONDS,
        Some(text) => text
            .parse()
            .with_context(|| format!("usage: cargo xtask fuzz [SECONDS], not {text:?}"))?,
    };
    run_all(root, seconds)
}

/// Installs cargo-fuzz if missing, then runs each target for `seconds`; fails
/// on the first crash (libFuzzer keeps the input under fuzz/artifacts/).
pub(crate) fn run_all(root: &Path, seconds: u64) -> anyhow::Result<()> {
    tools::ensure_cargo_tool(root, "cargo-fuzz", "cargo-fuzz", "0.13.2")?;
    let fuzz = root.join("fuzz");
    for target in TARGETS {
        // The first folder collects what libFuzzer finds; the second is the
        // committed seed corpus (test vectors and valid bodies).
        let corpus = fuzz.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .with_context(|| format!("cannot create {}", corpus.display()))?;
        let mut command = cargo();
        command
            .current_dir(&fuzz)
            .args(["fuzz", "run", "--sanitizer", "none", target])
            .arg(&corpus)
            .arg(fuzz.join("seeds").join(target))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .env("PATH", tools::path_with_tools(root));
        run(&mut command)?;
    }
    eprintln!(
        "xtask: {} fuzz targets ran {seconds} s each without a crash",
        TARGETS.len()
    );
    Ok(())
}
