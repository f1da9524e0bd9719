//! Passphrases for key files: from a file (automation) or a no-echo prompt.

use std::path::Path;

use anyhow::{Context, bail};

/// Long enough that, with scrypt's cost, guessing offline is impractical.
const MIN_PASSPHRASE_CHARS: usize = 12;

/// Reads the passphrase; a prompt asks twice when `confirm` is set.
pub(crate) fn read(file: Option<&Path>, prompt: &str, confirm: bool) -> anyhow::Result<String> {
    let passphrase = match file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the passphrase file {}", path.display()))?
            .trim_end_matches(['\r', '\n'])
            .to_owned(),
        None => {
            let first = rpassword::prompt_password(prompt).context("cannot read the passphrase")?;
            if confirm && rpassword::prompt_password("Repeat the passphrase: ")? != first {
                bail!("the passphrases do not match");
            }
            first
        }
    };
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        bail!(
            "the passphrase must have at least {MIN_PASSPHRASE_CHARS} characters (a few words are easiest)"
        );
    }
    Ok(passphrase)
}
