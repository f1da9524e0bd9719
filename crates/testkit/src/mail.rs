//! A real SMTP server for the tests that send mail: aiosmtpd (from PyPI) on
//! loopback, writing each message it accepts into a Maildir, and the text of
//! what it wrote.

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

/// The decoded text of a plain-text mail as aiosmtpd stored it: lettre writes
/// non-ASCII text as quoted-printable or base64.
///
/// # Panics
/// If the mail has no body, or its body does not decode to UTF-8.
pub fn mail_body(mail: &str) -> String {
    use base64::Engine as _;
    let mail = mail.replace("\r\n", "\n");
    let (head, body) = mail.split_once("\n\n").expect("a head and a body");
    let head = head.to_ascii_lowercase();
    if head.contains("content-transfer-encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(joined)
            .expect("base64 body");
        return String::from_utf8(bytes).expect("utf-8 body");
    }
    if head.contains("content-transfer-encoding: quoted-printable") {
        let joined = body.replace("=\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let escaped = (bytes[i] == b'=')
                .then(|| joined.get(i + 1..i + 3))
                .flatten()
                .and_then(|hex| u8::from_str_radix(hex, 16).ok());
            if let Some(byte) = escaped {
                out.push(byte);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        return String::from_utf8(out).expect("utf-8 body");
    }
    body.to_owned()
}
