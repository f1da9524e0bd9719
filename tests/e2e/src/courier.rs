//! The business's courier as the tests run it: its token made by the owner in
//! the inbox, the real `sealbook courier` on the business's side with a real
//! SMTP server on loopback standing in for the business's mail server, and the
//! visitor's mailbox read from that server's maildir.

use std::path::PathBuf;

use sealbook_testkit::KillOnDrop;
use tokio::process::Child;

use crate::inbox::{click, log_in, type_into};
use crate::{Browser, CourierKey, PASSPHRASE, Sealbook, eventually, free_port, spawn_courier};

/// Signs `browser` in to the inbox as the owner `(email, password)` (made
/// here) and makes a courier token labelled `label` in the settings; the
/// token, as the inbox shows it once.
pub async fn token_from_inbox(
    browser: &Browser,
    sealbook: &Sealbook,
    (email, password): (&str, &str),
    label: &str,
) -> anyhow::Result<String> {
    sealbook.init_owner(email, password).await?;
    browser.goto(&sealbook.url("/inbox/")).await?;
    log_in(browser, email, password, PASSPHRASE).await?;
    click(browser, "#sb-nav-settings").await?;
    type_into(browser, "#sb-courier-label", label).await?;
    click(browser, "#sb-courier-new").await?;
    let token = browser.wait_for_text("#sb-courier-token").await?;
    anyhow::ensure!(token.starts_with("sbc_"), "{token}");
    Ok(token)
}

/// A running courier and the mail server it sends through.
#[derive(Debug)]
pub struct Courier {
    child: Child,
    _smtp: KillOnDrop,
    maildir: PathBuf,
    log: PathBuf,
}

impl Courier {
    /// Writes `courier.toml` beside the server's files and starts `sealbook
    /// courier` with `token` and `key`, sending through an aiosmtpd run by
    /// `python` on a free loopback port.
    pub fn start(
        sealbook: &Sealbook,
        key: &CourierKey,
        token: &str,
        python: &str,
    ) -> anyhow::Result<Self> {
        let (smtp_port, dir) = (free_port(), sealbook.dir.path().to_owned());
        let maildir = dir.join("maildir");
        let smtp = sealbook_testkit::smtp_server(python, smtp_port, &maildir)?;
        std::fs::write(dir.join("courier.token"), token)?;
        std::fs::write(
            dir.join("courier.toml"),
            format!(
                "server = \"{server}\"\ntoken_file = \"courier.token\"\nkey_files = [\"{key}\"]\npassphrase_file = \"{passphrase}\"\n\
                 [smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\nsecurity = \"none\"\nfrom = \"Bistro <bistro@example.test>\"\n",
                server = sealbook.url("").trim_end_matches('/'),
                key = key.private.display(),
                passphrase = key.passphrase_file.display(),
            ),
        )?;
        let log = dir.join("courier.log");
        Ok(Self {
            child: spawn_courier(&dir.join("courier.toml"), &log)?,
            _smtp: smtp,
            maildir,
            log,
        })
    }

    /// The body of the first mail to `address` whose body holds `text`, once it came.
    pub async fn mail_to(&self, address: &str, text: &str) -> anyhow::Result<String> {
        eventually(&format!("a mail to {address} saying {text:?}"), || async {
            std::fs::read_dir(self.maildir.join("new"))
                .ok()?
                .flatten()
                .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
                .filter(|mail| mail.contains(address))
                .map(|mail| sealbook_testkit::mail_body(&mail))
                .find(|body| body.contains(text))
        })
        .await
    }

    /// Stops the courier; its log stays.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        Ok(self.child.kill().await?)
    }

    /// What the courier logged.
    pub fn log(&self) -> anyhow::Result<Vec<u8>> {
        Ok(std::fs::read(&self.log)?)
    }
}
