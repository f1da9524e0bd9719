//! Sending one message: by e-mail through the business's own SMTP server, or
//! by SMS through its provider's HTTP API in the one generic webhook format
//! documented in docs/COURIER.md. Each message carries a reference that stays
//! the same across attempts (the e-mail's `Message-ID`, the webhook's
//! `reference`), so a provider that deduplicates can drop a repeat.

use std::time::Duration;

use anyhow::{Context, bail};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use sealbook_server::mail::SmtpConfig;
use sealbook_wire::contact_card::{Channel, ContactCard};
use serde_json::json;

use super::render::Message;
use super::settings::SmsSettings;

/// How long the SMS provider may take to answer.
const SMS_TIMEOUT: Duration = Duration::from_secs(20);

/// The ways out this courier was given.
pub(crate) struct Outlets {
    mail: Option<(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
    sms: Option<SmsSettings>,
    http: reqwest::Client,
}

impl std::fmt::Debug for Outlets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outlets")
            .field("mail", &self.mail.is_some())
            .field("sms", &self.sms.is_some())
            .finish_non_exhaustive()
    }
}

impl Outlets {
    pub(crate) fn new(
        smtp: Option<&SmtpConfig>,
        sms: Option<SmsSettings>,
        http: reqwest::Client,
    ) -> anyhow::Result<Self> {
        let mail = smtp
            .map(|smtp| -> anyhow::Result<_> {
                Ok((
                    smtp.transport()
                        .context("the SMTP settings are not usable")?,
                    smtp.from.clone(),
                ))
            })
            .transpose()?;
        Ok(Self { mail, sms, http })
    }

    /// Sends `message` to the visitor of `card`; `reference` names the job.
    pub(crate) async fn send(
        &self,
        card: &ContactCard,
        message: &Message,
        reference: &str,
    ) -> anyhow::Result<()> {
        match card.channel {
            Channel::Email => self.email(card, message, reference).await,
            Channel::Sms => self.sms(card, message, reference).await,
        }
    }

    async fn email(
        &self,
        card: &ContactCard,
        message: &Message,
        reference: &str,
    ) -> anyhow::Result<()> {
        let Some((transport, from)) = &self.mail else {
            bail!("this courier has no [smtp] to send e-mail with");
        };
        let to: Mailbox = card
            .address
            .parse()
            .context("the card's e-mail address is not one the mail server takes")?;
        let domain = from.email.domain();
        let email = lettre::Message::builder()
            .message_id(Some(format!("<{reference}@{domain}>")))
            .from(from.clone())
            .to(to)
            .subject(&message.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .context("cannot build the e-mail")?;
        transport
            .send(email)
            .await
            .context("the mail server did not take the message")?;
        Ok(())
    }

    async fn sms(
        &self,
        card: &ContactCard,
        message: &Message,
        reference: &str,
    ) -> anyhow::Result<()> {
        let Some(sms) = &self.sms else {
            bail!("this courier has no [sms] to send text messages with");
        };
        let mut request = self
            .http
            .post(&sms.webhook)
            .timeout(SMS_TIMEOUT)
            .json(&json!({
                "to": card.address,
                "text": message.body,
                "sender": sms.sender,
                "reference": reference,
            }));
        if let Some(token) = &sms.token {
            request = request.bearer_auth(&token.0);
        }
        let response = request
            .send()
            .await
            .context("the SMS provider did not answer")?;
        if !response.status().is_success() {
            bail!("the SMS provider answered {}", response.status());
        }
        Ok(())
    }
}
