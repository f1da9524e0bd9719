//! `sealbook-server [--config FILE]`: the server alone, for the server host.
//!
//! It runs exactly what `sealbook serve` runs, but this binary links no code
//! that opens a booking or decrypts a key file (`cargo xtask test` checks its
//! symbols), so a compromised server host holds no such code to misuse.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: sealbook-server [--config FILE]   (default: sealbook.toml)";

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let mut config = PathBuf::from("sealbook.toml");
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--config") => match args.next() {
                Some(path) => config = PathBuf::from(path),
                None => return usage(),
            },
            Some("--help" | "-h") => return say(USAGE),
            Some("--version" | "-V") => {
                return say(concat!("sealbook-server ", env!("CARGO_PKG_VERSION")));
            }
            _ => return usage(),
        }
    }
    match sealbook_server::process::run(&config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let mut message = format!("error: {error}");
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                message.push_str(&format!("\n  caused by: {cause}"));
                source = cause.source();
            }
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn say(text: &str) -> ExitCode {
    use std::io::Write as _;
    match writeln!(std::io::stdout().lock(), "{text}") {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
