//! `cargo xtask bench`: every timing and size the budgets name (DESIGN §10,
//! docs/BENCHMARKS.md), measured in one run on this machine, and written to the
//! top of docs/BENCHMARKS.md with the date, the commit and the core count. The
//! sections below it are the history, written by hand; a run replaces only
//! what the last run wrote. Timings stay out of `cargo xtask test`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::{build_widget, cargo, postgres, sizes, tools, wasm_tests_in_chromium};

/// Bookings made in fresh pages for the widget's first-seal time.
const FIRST_SEALS: usize = 7;

/// Where the generated part of docs/BENCHMARKS.md starts and ends.
const START: &str = "<!-- Written by `cargo xtask bench`: this part is replaced on each run. -->";
const END: &str = "<!-- End of what `cargo xtask bench` writes. -->";

/// Runs every measurement, then rewrites the generated part of docs/BENCHMARKS.md.
pub(crate) fn run(root: &Path) -> anyhow::Result<()> {
    let mut report = String::new();
    let envelope_example = |name: &str| {
        let mut command = cargo();
        command.args([
            "run",
            "--release",
            "-p",
            "sealbook-envelope",
            "--example",
            name,
        ]);
        command
    };
    section(
        &mut report,
        "Sealing and opening, native (median of 101 rounds, pure-Rust RSA)",
        &fenced(&capture(&mut envelope_example("timing"))?),
    )?;
    // Opening throughput on all cores against `openssl speed rsa3072`.
    tools::ensure_openssl()?;
    section(
        &mut report,
        "Opening on all cores against OpenSSL",
        &fenced(&capture(&mut envelope_example("open_throughput"))?),
    )?;
    let postgres = postgres::Postgres::start(root)?;
    let load = capture(
        cargo()
            .args([
                "run",
                "--release",
                "-p",
                "sealbook-server",
                "--example",
                "load",
            ])
            .env("SEALBOOK_TEST_POSTGRES", &postgres.socket_url),
    )?;
    drop(postgres);
    section(
        &mut report,
        "Ingest and availability, SQLite and PostgreSQL (`load` example)",
        &load,
    )?;

    tools::ensure_widget_tools(root)?;
    tools::ensure_browser()?;
    tools::ensure_npm_package(
        root,
        "vanilla-cookieconsent",
        tools::VANILLA_COOKIECONSENT_VERSION,
    )?;
    build_widget(root)?;
    section(
        &mut report,
        "Sizes (bytes; a first visit downloads the brotli column, which the delivery test holds to 1.05×)",
        &sizes::markdown(&root.join("dist"))?,
    )?;
    // As in production: a release server, and the pages' own servers (the
    // example's) built for release too, so that no page is served by debug code.
    crate::run(cargo().args([
        "build",
        "--release",
        "-p",
        "sealbook",
        "-p",
        "sealbook-server",
        "--bins",
    ]))?;
    let against_release_server = |args: &[&str]| {
        let mut command = cargo();
        command
            .args(args)
            .env("SEALBOOK_BIN", root.join("target/release/sealbook"))
            .env("PATH", tools::path_with_tools(root));
        command
    };
    // "Reject all" visible: Sealbook's banner against vanilla-cookieconsent and
    // a static banner, fresh loads interleaved in headless Chromium.
    section(
        &mut report,
        "The consent banner against vanilla-cookieconsent",
        &capture(&mut against_release_server(&[
            "run",
            "--release",
            "-p",
            "sealbook-e2e",
            "--example",
            "banner_time",
        ]))?,
    )?;
    // The test prints its figures as a table row; the harness's own lines are dropped.
    let inbox = capture(&mut against_release_server(&[
        "test",
        "-p",
        "sealbook-e2e",
        "--test",
        "inbox",
        "a_thousand_bookings_open_in_the_inbox_first_screenful_first",
        "--",
        "--exact",
        "--nocapture",
    ]))?;
    // Sealing in the browser: the widget's first seal of a page (what a
    // visitor waits for), from the keyboard booking test in fresh pages; then
    // many seals in one page, WebCrypto against the envelope crate's pure
    // Rust, built for release as the widget is.
    let mut first_seals = Vec::with_capacity(FIRST_SEALS);
    for _ in 0..FIRST_SEALS {
        let booked = capture(&mut against_release_server(&[
            "test",
            "-p",
            "sealbook-e2e",
            "--test",
            "booking",
            "a_restaurant_booking_is_made_by_keyboard_and_only_ciphertext_reaches_the_server::in_chromium",
            "--",
            "--exact",
            "--nocapture",
        ]))?;
        first_seals.extend(
            booked
                .lines()
                .filter_map(|line| line.strip_prefix("first seal of the page, Chromium: "))
                .filter_map(|rest| rest.trim_end_matches(" ms").parse::<f64>().ok()),
        );
    }
    let many_seals = capture(wasm_tests_in_chromium(&tools::path_with_tools(root)).args([
        "--release",
        "-p",
        "sealbook-web",
        "--lib",
        "sealing_times",
        "--",
        "--nocapture",
    ]))?;
    let many_seals = lines_with(&many_seals, "seal one booking");
    if first_seals.len() != FIRST_SEALS || many_seals.is_empty() {
        bail!(
            "sealing in the browser: {} of {FIRST_SEALS} first seals, and {} from the wasm test",
            first_seals.len(),
            if many_seals.is_empty() {
                "nothing"
            } else {
                "a line"
            }
        );
    }
    section(
        &mut report,
        "Sealing in the browser (release widget, headless Chromium, RSA-3072)",
        &fenced(&format!(
            "{}\n{many_seals}",
            first_seal_line(&mut first_seals)
        )),
    )?;
    section(
        &mut report,
        "The staff inbox opening 1 000 bookings (release server, headless Chromium; one open is WebCrypto RSA-OAEP on a worker and wasm AES-GCM, its wait in the queue included)",
        &table_lines(&inbox),
    )?;
    write(&root.join("docs/BENCHMARKS.md"), &header()?, &report)
}

/// Runs `command` with its standard output captured (its progress on standard
/// error still shows); what it printed, also shown (on standard error, as
/// everything xtask says) once it is done.
fn capture(command: &mut Command) -> anyhow::Result<String> {
    let shown = format!("{command:?}");
    eprintln!("xtask: {shown}");
    let output = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot start {shown}"))?;
    let printed = String::from_utf8(output.stdout).context("the report is not UTF-8")?;
    eprint!("{printed}");
    if !output.status.success() {
        bail!("{shown} failed with {}", output.status);
    }
    Ok(printed)
}

/// Adds a measurement's report; an empty one means the measurement did not
/// run (a renamed test, a report sent to the wrong stream), not that there was
/// nothing to say.
fn section(report: &mut String, title: &str, body: &str) -> anyhow::Result<()> {
    let body = body.trim();
    if body.is_empty() || body == fenced("") {
        bail!("\"{title}\" printed no figures");
    }
    let _ = write!(report, "### {title}\n\n{body}\n\n");
    Ok(())
}

fn fenced(text: &str) -> String {
    format!("```text\n{}\n```", text.trim_end())
}

/// The widget's first seal of a page, each booking's and their median.
fn first_seal_line(times: &mut [f64]) -> String {
    times.sort_by(f64::total_cmp);
    let each: Vec<String> = times.iter().map(|ms| format!("{ms:.1}")).collect();
    format!(
        "the widget's first seal of a page, {} bookings in fresh pages: {} ms; median {:.1} ms",
        times.len(),
        each.join(", "),
        times[times.len() / 2]
    )
}

/// The lines of `printed` that hold `needle`, trimmed.
fn lines_with(printed: &str, needle: &str) -> String {
    printed
        .lines()
        .filter(|line| line.contains(needle))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines of a markdown table in `printed`.
fn table_lines(printed: &str) -> String {
    printed
        .lines()
        .filter(|line| line.starts_with('|'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// When, on what and from which commit the figures were measured.
fn header() -> anyhow::Result<String> {
    let output = |program: &str, args: &[&str]| -> anyhow::Result<String> {
        let output = Command::new(program)
            .args(args)
            .output()
            .with_context(|| format!("cannot run {program}"))?;
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let date = output("date", &["-u", "+%Y-%m-%d %H:%M UTC"])?;
    let commit = output("git", &["rev-parse", "--short", "HEAD"])?;
    let changed = !output("git", &["status", "--porcelain"])?.is_empty();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    Ok(format!(
        "## The last `cargo xtask bench`\n\n{date}, commit {commit}{}, {cores} cores. \
         Timings are of this machine at that time; compare ratios within this run. \
         The sections after this one are earlier measurements and what was learnt \
         from them.",
        if changed {
            " with uncommitted changes"
        } else {
            ""
        }
    ))
}

/// Replaces the generated part of `file` (or puts one before its first section).
fn write(file: &Path, header: &str, report: &str) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let generated = format!("{START}\n{header}\n\n{}\n{END}", report.trim_end());
    let updated = match (text.find(START), text.find(END)) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{generated}{}", &text[..start], &text[end + END.len()..])
        }
        (Some(_), _) | (_, Some(_)) => {
            bail!(
                "{} has one marker of the generated part without the other, or them out of order; mend it by hand",
                file.display()
            )
        }
        (None, None) => {
            let first_section = text.find("\n## ").map_or(text.len(), |at| at + 1);
            format!(
                "{}{generated}\n\n{}",
                &text[..first_section],
                &text[first_section..]
            )
        }
    };
    std::fs::write(file, updated).with_context(|| format!("cannot write {}", file.display()))?;
    eprintln!("xtask: the figures are in {}", file.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_replaces_what_the_last_run_wrote_and_nothing_else() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("BENCHMARKS.md");
        std::fs::write(&file, "# Benchmarks\n\nIntro.\n\n## History\n\nOld.\n").expect("write");
        write(&file, "## Last", "### A\n\n1\n").expect("first run");
        let first = std::fs::read_to_string(&file).expect("read");
        assert_eq!(
            first,
            format!(
                "# Benchmarks\n\nIntro.\n\n{START}\n## Last\n\n### A\n\n1\n{END}\n\n## History\n\nOld.\n"
            )
        );
        write(&file, "## Last", "### A\n\n2\n").expect("second run");
        let second = std::fs::read_to_string(&file).expect("read");
        assert_eq!(second, first.replace("\n1\n", "\n2\n"));
        std::fs::write(&file, second.replace(END, "")).expect("write");
        assert!(
            write(&file, "## Last", "### A\n\n3\n").is_err(),
            "a lone marker is refused, not answered with a second generated part"
        );
    }

    #[test]
    fn a_measurement_that_printed_nothing_fails_the_run() {
        let mut report = String::new();
        assert!(section(&mut report, "A", "\n").is_err());
        assert!(section(&mut report, "B", &fenced("")).is_err());
        assert!(section(&mut report, "C", "| 1 |").is_ok());
        assert_eq!(report, "### C\n\n| 1 |\n\n");
    }

    #[test]
    fn only_table_lines_are_kept_from_a_tests_output() {
        assert_eq!(
            table_lines("running 1 test\n| a | b |\n|---|---|\ntest x ... ok\n| 1 | 2 |\n"),
            "| a | b |\n|---|---|\n| 1 | 2 |"
        );
    }
}
