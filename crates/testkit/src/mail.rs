//! A real SMTP server for the tests that send mail: aiosmtpd (from PyPI) on
//! loopback, writing each message it accepts into a Maildir.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::KillOnDrop;

/// The Python with aiosmtpd, from `SEALBOOK_TEST_SMTP_PYTHON` (`cargo xtask
/// test` sets it, and then requires it); `None` (the test skips) elsewhere.
///
/// # Panics
/// When PostgreSQL tests are required (`SEALBOOK_REQUIRE_POSTGRES`, i.e. under
/// `cargo xtask test`) but no Python with aiosmtpd is named.
pub fn smtp_python() -> Option<String> {
    let python = std::env::var("SEALBOOK_TEST_SMTP_PYTHON")
        .ok()
        .filter(|path| !path.is_empty());
    if python.is_none() {
        assert!(
            std::env::var_os("SEALBOOK_REQUIRE_POSTGRES").is_none(),
            "SEALBOOK_TEST_SMTP_PYTHON is not set under cargo xtask test"
        );
        eprintln!("skipped: no aiosmtpd (run `cargo xtask test`)");
    }
    python
}

/// aiosmtpd from `python` on loopback `port`, writing into `maildir`
/// (`maildir/new/…`); stopped when dropped.
///
/// # Errors
/// When the process cannot be started.
pub fn smtp_server(python: &str, port: u16, maildir: &Path) -> std::io::Result<KillOnDrop> {
    KillOnDrop::spawn(
        Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}
