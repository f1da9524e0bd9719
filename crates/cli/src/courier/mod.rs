//! `sealbook courier`: the process a business runs on its own machine to send
//! its visitors their confirmation, reminders, change notices and waitlist
//! messages. It holds the courier's private key, which opens contact cards and
//! nothing else; the server holds only sealed cards and when each message is due.
//!
//! It long-polls the server for due jobs under a lease, opens each job's card,
//! writes the message in the visitor's language, sends it, and acknowledges it.
//! A courier that dies between claim and send leaves the job to return to the
//! queue when the lease ends; one that dies between send and acknowledge sends
//! that message again after restart (the only case of a duplicate). A message
//! is started only while enough of its lease remains for the send to finish
//! inside it, so two couriers never send one job. A message that cannot go now
//! (the mail server refused) is given back to be tried later.

mod deliver;
mod render;
mod settings;

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sealbook_envelope::{Identity, open_contact_card};
use sealbook_wire::api::courier::{
    ClaimRequest, Claimed, CourierBusiness, MessageJob, ReleaseRequest,
};
use sealbook_wire::api::error::ErrorBody;
use sealbook_wire::contact_card::ContactCard;

use deliver::Outlets;
use settings::{Secret, Settings};

/// How long one claim waits at the server for a due job.
const WAIT_SECONDS: u32 = 25;
/// A failed send is tried again after this long.
const RETRY_SECONDS: u32 = 60;
/// A card this courier cannot open (sealed to a key it does not hold) waits
/// this long: a key added to `key_files` and a restart will send it.
const UNOPENED_RETRY_SECONDS: u32 = 6 * 3600;
/// The longest pause after the server could not be reached.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// A message is started only while this much of its lease remains (at most
/// half the lease): longer than the mail server's or the SMS provider's
/// timeout, so a send never outlives its lease and hands its job to another
/// courier while it is still going out.
const SEND_MARGIN: Duration = Duration::from_secs(30);

/// The server's courier API, as this courier's token reaches it.
struct Server {
    http: reqwest::Client,
    base: String,
    token: Secret,
}

impl Server {
    async fn claim(&self, lease_seconds: u32) -> anyhow::Result<Claimed> {
        let request = ClaimRequest {
            wait_seconds: Some(WAIT_SECONDS),
            limit: Some(20),
            lease_seconds: Some(lease_seconds),
        };
        let response = self
            .http
            .post(format!("{}/api/v1/courier/claim", self.base))
            .bearer_auth(&self.token.0)
            .timeout(Duration::from_secs(u64::from(WAIT_SECONDS) + 30))
            .json(&request)
            .send()
            .await
            .context("the server did not answer")?;
        if !response.status().is_success() {
            bail!("the server refused the claim: {}", refusal(response).await);
        }
        response
            .json()
            .await
            .context("the server's answer is not a claim")
    }

    /// Marks a job sent. Already acknowledged (a lease that lapsed while this
    /// courier sent) is fine: the message went out.
    async fn acknowledge(&self, id: i64) -> anyhow::Result<()> {
        let response = self
            .http
            .post(format!("{}/api/v1/courier/jobs/{id}/ack", self.base))
            .bearer_auth(&self.token.0)
            .send()
            .await
            .context("the server did not answer")?;
        if response.status().is_success() {
            return Ok(());
        }
        let code = refusal(response).await;
        if code == "already_acknowledged" {
            tracing::info!(job = id, "already acknowledged by another courier");
            return Ok(());
        }
        bail!("the server refused the acknowledgement: {code}")
    }

    async fn release(&self, id: i64, lease: &str, retry_in_seconds: u32) -> anyhow::Result<()> {
        let response = self
            .http
            .post(format!("{}/api/v1/courier/jobs/{id}/release", self.base))
            .bearer_auth(&self.token.0)
            .json(&ReleaseRequest {
                lease: lease.to_owned(),
                retry_in_seconds,
            })
            .send()
            .await
            .context("the server did not answer")?;
        if !response.status().is_success() {
            bail!(
                "the server refused the release: {}",
                refusal(response).await
            );
        }
        Ok(())
    }
}

/// The stable code of an error answer, or its status.
async fn refusal(response: reqwest::Response) -> String {
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => body.error.code,
        Err(_) => status.to_string(),
    }
}

/// What became of one job.
enum Outcome {
    Sent,
    /// Given back: not now (a send failed) or not by this courier (a card it cannot open).
    Released,
}

struct Courier {
    server: Server,
    identities: Vec<Identity>,
    outlets: Outlets,
    public_url: String,
}

impl Courier {
    async fn handle(
        &self,
        job: &MessageJob,
        business: &CourierBusiness,
        lease: &str,
    ) -> anyhow::Result<Outcome> {
        let Some(card) = self.open(job, business) else {
            tracing::warn!(
                job = job.id,
                "the contact card does not open with this courier's keys; held back"
            );
            self.server
                .release(job.id, lease, UNOPENED_RETRY_SECONDS)
                .await?;
            return Ok(Outcome::Released);
        };
        let message = render::render(job, business, &card, &self.public_url)?;
        let reference = format!("sealbook-{}-{}", business.id, job.id);
        if let Err(error) = self.outlets.send(&card, &message, &reference).await {
            tracing::warn!(job = job.id, purpose = %job.purpose, error = %error, "not sent; tried again later");
            self.server.release(job.id, lease, RETRY_SECONDS).await?;
            return Ok(Outcome::Released);
        }
        self.server.acknowledge(job.id).await?;
        tracing::info!(job = job.id, purpose = %job.purpose, channel = ?card.channel, "sent");
        Ok(Outcome::Sent)
    }

    /// The card, if it opens with this courier's keys, is a card of this
    /// business, and reads as a card.
    fn open(&self, job: &MessageJob, business: &CourierBusiness) -> Option<ContactCard> {
        let bytes = URL_SAFE_NO_PAD.decode(&job.card).ok()?;
        let opened = open_contact_card(&self.identities, &bytes).ok()?;
        if opened.header.business != business.id {
            return None;
        }
        ContactCard::from_plaintext(&opened.plaintext).ok()
    }
}

/// Runs the courier of the settings file `config` until Ctrl-C or SIGTERM.
pub(crate) fn run(config: &Path) -> anyhow::Result<()> {
    let settings = Settings::load(config)?;
    let identities =
        crate::bookings::load_identities(&settings.key_files, settings.passphrase_file.as_deref())?;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    tokio::runtime::Runtime::new()
        .context("cannot start the async runtime")?
        .block_on(async move {
            let http = reqwest::Client::builder()
                .user_agent(concat!("sealbook-courier/", env!("CARGO_PKG_VERSION")))
                .build()
                .context("cannot start the HTTP client")?;
            let courier = Courier {
                outlets: Outlets::new(settings.smtp.as_ref(), settings.sms, http.clone())?,
                server: Server {
                    http,
                    base: settings.server.clone(),
                    token: settings.token,
                },
                identities,
                public_url: settings.public_url,
            };
            tracing::info!(server = %settings.server, keys = courier.identities.len(), "courier started");
            let shutdown = sealbook_server::process::shutdown_signal();
            tokio::pin!(shutdown);
            let mut backoff = Duration::from_secs(1);
            loop {
                // The lease began after this instant, so it ends after `leased_until`.
                let asked = tokio::time::Instant::now();
                let lease = Duration::from_secs(u64::from(settings.lease_seconds));
                let leased_until = asked + lease;
                let margin = SEND_MARGIN.min(lease / 2);
                let claimed = tokio::select! {
                    () = &mut shutdown => break,
                    claimed = courier.server.claim(settings.lease_seconds) => claimed,
                };
                let claimed = match claimed {
                    Ok(claimed) => {
                        backoff = Duration::from_secs(1);
                        claimed
                    }
                    Err(error) => {
                        tracing::warn!(error = %format!("{error:#}"), wait = ?backoff, "cannot reach the server");
                        tokio::select! {
                            () = &mut shutdown => break,
                            () = tokio::time::sleep(backoff) => {}
                        }
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                };
                // A job in hand is finished before a shutdown is heard: what
                // was sent is acknowledged.
                for job in &claimed.jobs {
                    if tokio::time::Instant::now() + margin > leased_until {
                        // Too little lease left to send safely: back to the
                        // queue now, for this courier's next claim or another's.
                        if let Err(error) = courier.server.release(job.id, &claimed.lease, 0).await {
                            tracing::info!(job = job.id, error = %format!("{error:#}"), "left to its lease");
                        }
                        continue;
                    }
                    match courier.handle(job, &claimed.business, &claimed.lease).await {
                        Ok(Outcome::Sent | Outcome::Released) => {}
                        Err(error) => {
                            tracing::warn!(job = job.id, error = %format!("{error:#}"), "left to its lease");
                        }
                    }
                }
            }
            tracing::info!("courier stopped");
            Ok(())
        })
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use sealbook_envelope::{Identity, Recipient, SealParams, seal_contact_card};
    use sealbook_wire::api::courier::{CourierBusiness, JobBooking, MessageJob};
    use sealbook_wire::contact_card::ContactCard;

    use super::render;

    /// docs/BENCHMARKS.md, "Courier": cards opened and messages written per
    /// second on one core (sending excluded). Prints, never asserts, a time:
    /// `cargo test --release -p sealbook --bin sealbook -- --ignored --nocapture courier_throughput`.
    #[test]
    #[ignore = "a benchmark: run by hand in release"]
    fn courier_throughput() {
        let vector = sealbook_testkit::contact_card_vector(0);
        let pem = |field: &str| vector[field].as_str().expect("pem").to_owned();
        let identity = Identity::from_pkcs8_pem(&pem("private_key_pem")).expect("key");
        let recipient = Recipient::from_spki_pem(&pem("public_key_pem")).expect("key");
        let business = CourierBusiness {
            id: "bistro-du-coin".to_owned(),
            name: "Bistro du Coin".to_owned(),
            timezone: "Europe/Paris".to_owned(),
            phone: Some("+33 1 23 45 67 89".to_owned()),
            address: Some("12 rue des Lilas, Paris".to_owned()),
            kind: "restaurant".to_owned(),
            cancel_until_minutes: 120,
            services: Vec::new(),
            practitioners: Vec::new(),
            texts: Default::default(),
        };
        const CARDS: usize = 1_000;
        let jobs: Vec<MessageJob> = (0..CARDS)
            .map(|index| {
                let card = ContactCard::new(
                    sealbook_wire::contact_card::Channel::Email,
                    &format!("visitor{index}@example.org"),
                    ["fr", "de", "en"][index % 3],
                    "Uh2SSd7elIfXGY4XhQ-qqj50fPmDYexWEi0wgIwpufM".to_owned(),
                )
                .expect("a card");
                let sealed = seal_contact_card(
                    std::slice::from_ref(&recipient),
                    &SealParams {
                        business: "bistro-du-coin",
                        iat: 1_790_000_000,
                    },
                    &card.to_plaintext(),
                    &mut getrandom::SysRng,
                )
                .expect("sealed");
                MessageJob {
                    id: i64::try_from(index).expect("small"),
                    purpose: ["confirmation", "reminder", "changed"][index % 3].to_owned(),
                    booking: JobBooking {
                        id: format!("b{index}"),
                        status: "confirmed".to_owned(),
                        start: "2026-12-12T18:30:00Z".to_owned(),
                        end: "2026-12-12T20:00:00Z".to_owned(),
                        party_size: 4,
                        service: None,
                        practitioner: None,
                        hold_until: None,
                    },
                    card: URL_SAFE_NO_PAD.encode(sealed),
                }
            })
            .collect();
        let identities = [identity];
        let began = Instant::now();
        let mut written = 0usize;
        for job in &jobs {
            let bytes = URL_SAFE_NO_PAD.decode(&job.card).expect("base64url");
            let opened = sealbook_envelope::open_contact_card(&identities, &bytes).expect("opens");
            let card = ContactCard::from_plaintext(&opened.plaintext).expect("a card");
            written += render::render(job, &business, &card, "https://book.example.com")
                .expect("renders")
                .body
                .len();
        }
        let seconds = began.elapsed().as_secs_f64();
        eprintln!(
            "courier: {CARDS} cards opened and messages written in {seconds:.3} s: {:.0} messages/s on one core (native RSA: {}; {written} bytes written)",
            CARDS as f64 / seconds,
            identities[0].opens_natively()
        );
    }
}
