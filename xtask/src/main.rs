//! `cargo xtask demo | test [--fuzz] | build-widget | sizes | bench | fuzz [SECONDS] | schemathesis | cycles`: the two commands a newcomer needs, and parts of the second.
//!
//! Each command first installs what is missing (and only that), so the same
//! command works on a fresh machine and on a developer's laptop.

mod bench;
mod cycles;
mod delivery;
mod demo;
mod fuzz;
mod postgres;
mod schemathesis;
mod sizes;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    std::env::set_current_dir(&root).context("cannot enter the workspace root")?;
    match args.first().map(String::as_str) {
        Some("demo") => demo::run(&root, &args[1..]),
        Some("test") => test(&root, &args[1..]),
        Some("build-widget") => {
            tools::ensure_widget_tools(&root)?;
            build_widget(&root)
        }
        Some("sizes") => sizes::report(&root.join("dist")).map(|_| ()),
        Some("fuzz") => fuzz::command(&root, &args[1..]),
        Some("bench") => bench::run(&root),
        Some("cycles") => cycles::check(&root),
        Some("schemathesis") => {
            // Only the property-based API test of `test`, against a fresh debug build.
            let schemathesis = tools::ensure_schemathesis(&root)?;
            run(cargo().args(["build", "-p", "sealbook"]))?;
            schemathesis::run_against(&root, &root.join("target/debug/sealbook"), &schemathesis)
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <demo [--port N] | test [--fuzz] | build-widget | sizes | bench | fuzz [SECONDS] | schemathesis | cycles>"
            );
            bail!("unknown command")
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_owned()
}

/// Runs a command, failing with its name if it fails.
pub(crate) fn run(command: &mut Command) -> anyhow::Result<()> {
    let shown = format!("{command:?}");
    eprintln!("xtask: {shown}");
    let status = command
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `cargo test` of wasm tests, run by wasm-bindgen's runner in headless
/// Chromium; `path` holds the runner (`tools::path_with_tools`).
pub(crate) fn wasm_tests_in_chromium(path: &std::ffi::OsStr) -> Command {
    let mut command = cargo();
    command
        .args(["test", "--target", "wasm32-unknown-unknown"])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "600")
        .env("PATH", path);
    command
}

/// `trunk build --release --offline` with the tools on PATH: the widget into
/// `dist/`, then the visitor's manage page into `dist/manage/` and the staff inbox
/// into `dist/inbox/` (after the widget, whose build replaces `dist/`); then each
/// app's glue and wasm get their content-addressed names and every file it sends
/// its brotli and gzip copy. The manage page and the inbox have no size budget;
/// their sizes are printed apart from the widget's.
pub(crate) fn build_widget(root: &Path) -> anyhow::Result<()> {
    run(Command::new("trunk")
        .args(["build", "--release", "--offline"])
        .env("PATH", tools::path_with_tools(root)))?;
    for app in ["crates/manage", "crates/inbox"] {
        run(Command::new("trunk")
            .args(["build", "--release", "--offline"])
            .current_dir(root.join(app))
            .env("PATH", tools::path_with_tools(root)))?;
    }
    let dist = root.join("dist");
    for app in [&delivery::WIDGET, &delivery::MANAGE, &delivery::INBOX] {
        delivery::prepare(&dist, app)?;
    }
    sizes::report_manage(&dist)?;
    sizes::report_inbox(&dist)
}

/// Everything CI checks; with `--fuzz`, then every fuzz target for a minute.
fn test(root: &Path, args: &[String]) -> anyhow::Result<()> {
    let with_fuzz = match args {
        [] => false,
        [flag] if flag == "--fuzz" => true,
        _ => bail!("usage: cargo xtask test [--fuzz]"),
    };
    tools::ensure_widget_tools(root)?;
    tools::ensure_browser()?;
    let geckodriver = tools::ensure_firefox(root)?;
    let axe = tools::ensure_axe_core(root)?;
    let smtp_python = tools::ensure_smtp_server(root)?;
    let python = tools::ensure_python_checker(root)?;
    let schemathesis = tools::ensure_schemathesis(root)?;
    let path = tools::path_with_tools(root);

    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The wasm apps, then sealbook-web alone: without the `gloo` feature that
    // the inbox and the manage page turn on, it is the widget's fetch path.
    let apps = [
        "-p",
        "sealbook-widget",
        "-p",
        "sealbook-manage",
        "-p",
        "sealbook-inbox",
        "-p",
        "sealbook-web",
    ];
    // All targets: the browser-only tests (`cfg(target_family = "wasm")`)
    // compile nowhere else before the wasm test run.
    for packages in [&apps[..], &["-p", "sealbook-web"]] {
        run(cargo().arg("clippy").args(packages).args([
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    check_trust_boundary()?;
    cycles::check(root)?;
    // Licenses, banned crates and sources only: the advisory database is on
    // GitHub, out of CI's reach (docs/THREATS.md says how operators check it).
    tools::ensure_cargo_tool(root, "cargo-deny", "cargo-deny", "0.20.2")?;
    run(cargo().args(["deny", "check", "licenses", "bans", "sources"]))?;

    build_widget(root)?;
    let sizes = sizes::report(&root.join("dist"))?;
    sizes.check_budget()?;

    run(cargo().args(["build", "-p", "sealbook", "-p", "sealbook-server", "--bins"]))?;
    let sealbook = root.join("target/debug/sealbook");
    check_server_binary(&root.join("target/debug"))?;
    // Every storage test runs on SQLite and on this PostgreSQL server.
    let postgres = postgres::Postgres::start(root)?;
    run(cargo()
        .args(["test", "--workspace"])
        .env("SEALBOOK_BIN", &sealbook)
        .env("SEALBOOK_AXE", &axe)
        .env("SEALBOOK_GECKODRIVER", &geckodriver)
        .env("SEALBOOK_TEST_SMTP_PYTHON", &smtp_python)
        .env("SEALBOOK_TEST_POSTGRES", &postgres.url)
        .env("SEALBOOK_REQUIRE_POSTGRES", "1")
        .env("PATH", &path))?;
    // The end-to-end suite again, every test server on PostgreSQL; the canary
    // scans then read pg_dump and the cluster's files.
    run(cargo()
        .args(["test", "-p", "sealbook-e2e"])
        .env("SEALBOOK_BIN", &sealbook)
        .env("SEALBOOK_AXE", &axe)
        .env("SEALBOOK_GECKODRIVER", &geckodriver)
        .env("SEALBOOK_E2E_POSTGRES", &postgres.url)
        .env("SEALBOOK_E2E_POSTGRES_DATA", &postgres.data)
        .env("PATH", &path))?;
    drop(postgres);

    // The same vectors, as wasm in headless Chromium; then the inbox's key ring
    // there (WebCrypto and wasm RSA open the same bookings; `--nocapture` prints
    // their times for docs/BENCHMARKS.md).
    for target in [
        &["-p", "sealbook-envelope", "--test", "vectors"][..],
        &["-p", "sealbook-inbox", "--lib"],
        // What the widget seals with WebCrypto, the envelope crate opens.
        &["-p", "sealbook-web", "--lib"],
    ] {
        run(wasm_tests_in_chromium(&path)
            .args(target)
            .args(["--", "--nocapture"]))?;
    }

    // An independent implementation (Python `cryptography`) opens every vector.
    run(Command::new(python)
        .arg("tests/vectors/check_vectors.py")
        .arg("tests/vectors"))?;

    // Requests generated from /api/v1/openapi.json against the real binary:
    // no 5xx, and every response as the document describes it.
    schemathesis::run_against(root, &sealbook, &schemathesis)?;
    if with_fuzz {
        fuzz::run_all(root, fuzz::TEST_SECONDS)?;
    }
    eprintln!("xtask: all tests passed");
    Ok(())
}

/// Code that opens a booking or decrypts a key file, by symbol (demangled):
/// large or generic functions that a build does not inline away (a small
/// wrapper such as `keyfile::decrypt_key` may vanish into its callers). The
/// CLI unwraps with AWS-LC (`EVP_PKEY_decrypt`, a C function, so never inlined
/// into Rust) and keeps the pure-Rust path as well.
const OPENING_SYMBOLS: [&str; 5] = [
    "sealbook_envelope::open::",
    "rsa::algorithms::rsa::rsa_decrypt",
    "oaep::decrypting_key::",
    "pkcs5::pbes2::Parameters::decrypt",
    "EVP_PKEY_decrypt",
];

/// The `sealbook-server` binary must hold none of [`OPENING_SYMBOLS`]; the
/// `sealbook` CLI, which opens bookings, must hold each (so a renamed symbol
/// fails this check instead of making it vacuous).
fn check_server_binary(binaries: &Path) -> anyhow::Result<()> {
    let symbols_of = |name: &str| -> anyhow::Result<String> {
        let output = Command::new("nm")
            .args(["--demangle", "--defined-only"])
            .arg(binaries.join(name))
            .output()
            .context("cannot run nm (binutils)")?;
        if !output.status.success() {
            bail!(
                "nm {name} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    let cli = symbols_of("sealbook")?;
    let server = symbols_of("sealbook-server")?;
    for symbol in OPENING_SYMBOLS {
        if !cli.contains(symbol) {
            bail!("the sealbook CLI has no {symbol}: update OPENING_SYMBOLS in xtask");
        }
        if let Some(line) = server.lines().find(|line| line.contains(symbol)) {
            bail!("the sealbook-server binary links code that opens bookings or keys: {line}");
        }
    }
    eprintln!("xtask: the sealbook-server binary holds no code that opens a booking or a key file");
    Ok(())
}

/// The server must build without the envelope's `open` feature: it must not be
/// able to decrypt a booking, whatever else the workspace links.
fn check_trust_boundary() -> anyhow::Result<()> {
    // The server stores, the widget and the manage page seal: none may link the
    // envelope's `open` feature. Only the CLI and the staff inbox open bookings.
    for package in ["sealbook-server", "sealbook-widget", "sealbook-manage"] {
        let output = cargo()
            .args([
                "tree",
                "-p",
                package,
                "--edges",
                "normal,features",
                "--prefix",
                "none",
            ])
            .output()
            .context("cannot run cargo tree")?;
        if !output.status.success() {
            bail!(
                "cargo tree failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let tree = String::from_utf8_lossy(&output.stdout);
        if tree
            .lines()
            .any(|line| line.starts_with("sealbook-envelope feature \"open\""))
        {
            bail!(
                "{package} links the envelope's `open` feature: it must not be able to open bookings"
            );
        }
    }
    eprintln!("xtask: trust boundary holds (server, widget and manage page build without `open`)");
    Ok(())
}
