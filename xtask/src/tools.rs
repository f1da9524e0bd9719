//! Installs what the build and the tests need, skipping whatever is already there.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::bail;

use crate::run;

pub(crate) const CHROMIUM: &str = "/usr/bin/chromium";
pub(crate) const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const FIREFOX: &str = "/usr/bin/firefox-esr";
/// The newest geckodriver on crates.io that builds with this toolchain.
const GECKODRIVER_VERSION: &str = "0.37.1";
const WASM_BINDGEN_VERSION: &str = "0.2.130";
const BINARYEN_VERSION: &str = "132";
const AXE_CORE_VERSION: &str = "4.14.1";
/// Minifies the widget's glue and embed.js in the widget build's hook (Trunk.toml).
const TERSER_VERSION: &str = "5.51.4";
/// The consent manager `cargo xtask bench` times Sealbook's banner against.
pub(crate) const VANILLA_COOKIECONSENT_VERSION: &str = "3.1.0";
const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// PATH with cargo's bin folder and the npm-installed binaryen in front.
pub(crate) fn path_with_tools(root: &Path) -> OsString {
    let mut folders = vec![root.join(".tools/node_modules/.bin"), cargo_bin()];
    folders.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(folders).expect("tool folders contain no path separator")
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from("/root/.cargo"))
        .join("bin")
}

fn version_of(program: &str, root: &Path) -> Option<String> {
    let output = Command::new(program)
        .arg("--version")
        .env("PATH", path_with_tools(root))
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The wasm target, wasm-bindgen-cli, trunk, binaryen's wasm-opt and terser.
pub(crate) fn ensure_widget_tools(root: &Path) -> anyhow::Result<()> {
    let targets = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    if !targets
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("wasm32-unknown-unknown"))
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if !version_of("wasm-bindgen", root).is_some_and(|v| v.contains(WASM_BINDGEN_VERSION)) {
        run(crate::cargo().args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN_VERSION,
        ]))?;
    }
    if !version_of("trunk", root).is_some_and(|v| v.starts_with("trunk 0.21")) {
        run(crate::cargo().args(["install", "trunk", "--version", "~0.21", "--locked"]))?;
    }
    if !root.join(".tools/node_modules/.bin/wasm-opt").exists() {
        // Debian's binaryen is too old for this rustc's wasm output.
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix", ".tools"])
            .arg(format!("binaryen@{BINARYEN_VERSION}")))?;
    }
    ensure_npm_package(root, "terser", TERSER_VERSION)?;
    Ok(())
}

/// A cargo subcommand from crates.io (`cargo install --locked`), unless this
/// version is on PATH already.
pub(crate) fn ensure_cargo_tool(
    root: &Path,
    binary: &str,
    package: &str,
    version: &str,
) -> anyhow::Result<()> {
    if !version_of(binary, root).is_some_and(|v| v.contains(version)) {
        run(crate::cargo().args(["install", package, "--version", version, "--locked"]))?;
    }
    Ok(())
}

/// axe-core's browser build, which the end-to-end tests inject into each step.
pub(crate) fn ensure_axe_core(root: &Path) -> anyhow::Result<PathBuf> {
    Ok(ensure_npm_package(root, "axe-core", AXE_CORE_VERSION)?.join("axe.min.js"))
}

/// The npm package `name` at exactly `version` in `.tools/node_modules`;
/// returns its folder.
pub(crate) fn ensure_npm_package(
    root: &Path,
    name: &str,
    version: &str,
) -> anyhow::Result<PathBuf> {
    let folder = root.join(".tools/node_modules").join(name);
    let installed = std::fs::read_to_string(folder.join("package.json"))
        .is_ok_and(|json| json.contains(&format!("\"version\": \"{version}\"")));
    if !installed {
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix", ".tools"])
            .arg(format!("{name}@{version}"))
            .current_dir(root))?;
    }
    Ok(folder)
}

/// Debian's chromium and chromium-driver.
pub(crate) fn ensure_browser() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// Debian's Firefox ESR, and geckodriver built from crates.io into
/// `.tools/bin` (Debian packages no geckodriver). Returns geckodriver's path.
pub(crate) fn ensure_firefox(root: &Path) -> anyhow::Result<PathBuf> {
    if !Path::new(FIREFOX).exists() {
        apt_install(&["firefox-esr"])?;
    }
    let tools = root.join(".tools");
    let geckodriver = tools.join("bin/geckodriver");
    let installed = Command::new(&geckodriver)
        .arg("--version")
        .output()
        .is_ok_and(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .is_some_and(|line| line.trim() == format!("geckodriver {GECKODRIVER_VERSION}"))
        });
    if !installed {
        run(crate::cargo()
            .args([
                "install",
                "geckodriver",
                "--version",
                GECKODRIVER_VERSION,
                "--locked",
                "--root",
            ])
            .arg(&tools))?;
    }
    Ok(geckodriver)
}

/// Debian's `openssl` command: the benchmark compares opening with
/// `openssl speed rsa3072` (minimal images leave it out).
pub(crate) fn ensure_openssl() -> anyhow::Result<()> {
    let present = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|out| out.status.success());
    if present {
        return Ok(());
    }
    apt_install(&["openssl"])
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

pub(crate) fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let as_root = is_root();
    let apt = |args: &[&str]| {
        let mut command = if as_root {
            Command::new("apt-get")
        } else {
            Command::new("sudo")
        };
        if !as_root {
            command.arg("apt-get");
        }
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run(&mut apt(&["update"]))?;
    let mut install = apt(&["install", "-y", "--no-install-recommends"]);
    install.args(packages);
    run(&mut install)
}

/// A virtualenv with `cryptography` for the independent vector check.
pub(crate) fn ensure_python_checker(root: &Path) -> anyhow::Result<PathBuf> {
    let venv = root.join(".tools/venv");
    let python = venv.join("bin/python");
    let has_cryptography = |python: &Path| {
        Command::new(python)
            .args(["-c", "import cryptography"])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if python.exists() && has_cryptography(&python) {
        return Ok(python);
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "cryptography"]))?;
    if !has_cryptography(&python) {
        bail!("cryptography did not install into {}", venv.display());
    }
    Ok(python)
}

/// schemathesis (the property-based API test) in the same virtualenv as the
/// vector checker, which [`ensure_python_checker`] makes.
/// The virtualenv's Python with aiosmtpd, the real SMTP server the notice tests
/// talk to.
pub(crate) fn ensure_smtp_server(root: &Path) -> anyhow::Result<PathBuf> {
    let python = ensure_python_checker(root)?;
    let installed = |python: &Path| {
        Command::new(python)
            .args([
                "-c",
                "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '1.4.6')",
            ])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if !installed(&python) {
        run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "aiosmtpd==1.4.6"]))?;
        if !installed(&python) {
            bail!("aiosmtpd 1.4.6 did not install into .tools/venv");
        }
    }
    Ok(python)
}

pub(crate) fn ensure_schemathesis(root: &Path) -> anyhow::Result<PathBuf> {
    let python = ensure_python_checker(root)?;
    let schemathesis = root.join(".tools/venv/bin/schemathesis");
    let installed = |schemathesis: &Path| {
        Command::new(schemathesis)
            .arg("--version")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(SCHEMATHESIS_VERSION))
    };
    if installed(&schemathesis) {
        return Ok(schemathesis);
    }
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet"])
        .arg(format!("schemathesis=={SCHEMATHESIS_VERSION}")))?;
    if !installed(&schemathesis) {
        bail!("schemathesis {SCHEMATHESIS_VERSION} did not install into .tools/venv");
    }
    Ok(schemathesis)
}
