//! Staff notices by e-mail: when a booking was made, changed, cancelled or
//! erased, when it starts, and how many people or which service — never who,
//! how to reach them or what they wrote, which stay sealed until staff open
//! the booking.
//!
//! Notices are written to the outbox table in the transaction of their change
//! (`Storage::enqueue_notice`); this module's sender, one per server process,
//! claims due rows with a lease, sends them over SMTP (STARTTLS, TLS or plain
//! on loopback) and marks them sent. A failure is retried with growing pauses
//! kept in the row, so a restart or another process picks up where this one
//! stopped; it is logged with the business, the kind and the attempt, nothing
//! else. Each e-mail's `Message-ID` comes from its outbox row, so the rare
//! resend (the process died between the mail server's yes and marking the row)
//! carries the same id and is recognisable as the same message.
//!
//! The text is written at send time, from the row's facts and the business as
//! this process serves it (name, language, time zone; service and practitioner
//! names from the stored schedule): the table then holds only public metadata,
//! never free text, and a notice reads the way the business is set up when it
//! goes out.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use tokio::sync::Notify;

use crate::businesses::Businesses;
use crate::config::{Business, Config};
use crate::mail::{SmtpConfig, StaffLanguage};
use crate::profile::{Localized, Offer};
use crate::storage::{ClaimedNotice, NoticeKind, NoticeRouting, Storage};

/// Pauses after each failed attempt: a mail server that is down for up to ~2
/// minutes still gets the notice. After the last, the notice is given up.
const RETRY_PAUSES: [Duration; 6] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
];

/// How long a claimed notice stays with its sender: longer than one SMTP
/// conversation may take, so a living sender never loses its row to another;
/// short enough that a dead sender's row goes out again soon.
const LEASE: Duration = Duration::from_secs(60);

/// How often the sender looks for notices written by other processes (or due
/// again after a failure); its own process wakes it at once.
const POLL: Duration = Duration::from_secs(1);

/// Wakes this process's sender; cheap to clone; does nothing when SMTP is not
/// configured.
#[derive(Debug, Clone, Default)]
pub struct Notifier {
    wake: Option<Arc<Notify>>,
}

impl Notifier {
    /// Starts the sender on the current Tokio runtime and lets `storage` write
    /// notices for it.
    pub fn start(
        smtp: &SmtpConfig,
        config: &Config,
        businesses: Businesses,
        storage: Storage,
    ) -> Result<Self, lettre::transport::smtp::Error> {
        let transport = smtp.transport()?;
        storage.route_notices(NoticeRouting {
            business_addresses: config
                .businesses
                .iter()
                .filter_map(|business| Some((business.id.clone(), business_address(business)?)))
                .collect(),
        });
        let owner = crate::ids::random_base64url(12)
            .unwrap_or_else(|_| format!("process-{}", std::process::id()));
        let wake = Arc::new(Notify::new());
        let sender = Sender {
            transport,
            from: smtp.from.clone(),
            businesses,
            storage,
            owner,
        };
        tokio::spawn(sender.run(Arc::clone(&wake)));
        Ok(Self { wake: Some(wake) })
    }

    /// Tells the sender that a change with notices was just committed.
    pub fn wake(&self) {
        if let Some(wake) = &self.wake {
            wake.notify_one();
        }
    }
}

/// The business's configured `notify` address, if it is a valid mailbox.
fn business_address(business: &Business) -> Option<String> {
    let address = business.notify.as_ref()?;
    if address.parse::<Mailbox>().is_err() {
        tracing::warn!(business = %business.id, "the notify address is not an e-mail address");
        return None;
    }
    Some(address.clone())
}

/// A configured text in the staff's language, else any.
fn in_language(text: &Localized, language: StaffLanguage) -> &str {
    let code = match language {
        StaffLanguage::En => "en",
        StaffLanguage::Fr => "fr",
        StaffLanguage::De => "de",
    };
    text.0
        .get(code)
        .or_else(|| text.0.values().next())
        .map_or("", String::as_str)
}

/// What was booked, as far as the public metadata says.
#[derive(Debug, Clone, Copy)]
enum What<'a> {
    Party(u32),
    /// The service's name in the staff's language.
    Service(&'a str),
}

/// This process's sender of outbox notices.
struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Service and practitioner names as the schedule has them when it goes out.
    businesses: Businesses,
    storage: Storage,
    /// Names this process's leases.
    owner: String,
}

impl Sender {
    async fn run(self, wake: Arc<Notify>) {
        match self.storage.release_stale_leases().await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "notices of a stopped process are due again"),
            Err(error) => tracing::warn!(%error, "cannot release stale outbox leases"),
        }
        loop {
            self.send_due().await;
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Sends notices one at a time until none is due: one lease covers one
    /// SMTP conversation, however slow the mail server.
    async fn send_due(&self) {
        loop {
            let now = Timestamp::now().as_second();
            let lease = i64::try_from(LEASE.as_secs()).unwrap_or(i64::MAX);
            let claimed = match self.storage.claim_notices(&self.owner, now, lease, 1).await {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::warn!(%error, "cannot read the outbox");
                    return;
                }
            };
            if claimed.is_empty() {
                return;
            }
            for notice in claimed {
                if let Err(error) = self.deliver(&notice).await {
                    tracing::warn!(%error, "cannot record a notice's outcome in the outbox");
                }
            }
        }
    }

    async fn deliver(&self, notice: &ClaimedNotice) -> Result<(), sqlx::Error> {
        let attempt = notice.attempts;
        let kind = notice.kind.as_str();
        let business = &notice.business;
        let now = || Timestamp::now().as_second();
        let Some(message) = self.message(notice) else {
            tracing::error!(%business, kind, attempt, "cannot build the notice; given up");
            return self
                .storage
                .notice_given_up(notice.id, &self.owner, now())
                .await;
        };
        match self.transport.send(message).await {
            Ok(_) => {
                tracing::info!(%business, kind, attempt, "notice sent");
                self.storage.notice_sent(notice.id, now()).await
            }
            Err(error) => {
                // Not the error's text: the mail server's reply may quote the
                // recipient's address.
                let permanent = error.is_permanent();
                let pause = usize::try_from(attempt - 1)
                    .ok()
                    .and_then(|index| RETRY_PAUSES.get(index))
                    .filter(|_| !permanent);
                tracing::warn!(%business, kind, attempt, permanent, "notice not sent");
                match pause {
                    Some(pause) => {
                        let pause = i64::try_from(pause.as_secs()).unwrap_or(i64::MAX);
                        self.storage
                            .notice_failed(notice.id, &self.owner, now().saturating_add(pause))
                            .await
                    }
                    None => {
                        tracing::error!(%business, kind, attempt, "notice given up");
                        self.storage
                            .notice_given_up(notice.id, &self.owner, now())
                            .await
                    }
                }
            }
        }
    }

    /// The e-mail for `notice`, or `None` if its business, kind or recipient
    /// is no longer something a notice can be built for.
    fn message(&self, notice: &ClaimedNotice) -> Option<Message> {
        let business = self.businesses.get(notice.business.as_str())?;
        let kind = NoticeKind::parse(&notice.kind)?;
        let to = notice.recipient.parse::<Mailbox>().ok()?;
        let language = business.language;
        let party = u32::try_from(notice.party_size).unwrap_or(0);
        let (what, with) = match &business.profile.offer {
            Offer::Restaurant(_) => (What::Party(party), None),
            Offer::Clinic(clinic) => {
                let service = notice
                    .service
                    .as_deref()
                    .and_then(|id| clinic.service(id))
                    .map_or("", |service| in_language(&service.name, language));
                let with = notice
                    .practitioner
                    .as_deref()
                    .and_then(|id| clinic.practitioner(id))
                    .map(|practitioner| practitioner.name.as_str());
                (What::Service(service), with)
            }
        };
        let (subject, body) = text(&business, kind, notice.starts_at, what, with);
        Message::builder()
            .message_id(Some(message_id(notice, &self.from)))
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .ok()
    }
}

/// `<notice.ID.WRITTEN@sender's domain>`: the same for every attempt at one
/// outbox row, and distinct from any other row's (the time it was written
/// tells apart rows of a database that was restored or recreated).
fn message_id(notice: &ClaimedNotice, from: &Mailbox) -> String {
    format!(
        "<notice.{}.{}@{}>",
        notice.id,
        notice.created_at,
        from.email.domain()
    )
}

/// Subject and body in the staff's language.
fn text(
    business: &Business,
    kind: NoticeKind,
    starts_at: i64,
    what: What<'_>,
    with: Option<&str>,
) -> (String, String) {
    let language = business.language;
    let when = Timestamp::from_second(starts_at)
        .map(|instant| instant.to_zoned(business.profile.timezone.clone()))
        .map_or_else(
            |_| starts_at.to_string(),
            |local| local_time(language, &local),
        );
    let what = match (what, language) {
        (What::Party(1), StaffLanguage::En) => "party of 1".to_owned(),
        (What::Party(n), StaffLanguage::En) => format!("party of {n}"),
        (What::Party(1), StaffLanguage::Fr) => "1 personne".to_owned(),
        (What::Party(n), StaffLanguage::Fr) => format!("{n} personnes"),
        (What::Party(1), StaffLanguage::De) => "1 Person".to_owned(),
        (What::Party(n), StaffLanguage::De) => format!("{n} Personen"),
        (What::Service(name), _) => name.to_owned(),
    };
    let what = match (with, language) {
        (Some(who), StaffLanguage::En) => format!("{what}, with {who}"),
        (Some(who), StaffLanguage::Fr) => format!("{what}, avec {who}"),
        (Some(who), StaffLanguage::De) => format!("{what}, bei {who}"),
        (None, _) => what,
    };
    let name = &business.name;
    let (subject, first_line) = headline(kind, language, &when, &what);
    // A booking that is still there can be opened; a cancelled or erased one
    // has nothing more to tell.
    let readable = matches!(kind, NoticeKind::New | NoticeKind::Changed);
    let body = match language {
        StaffLanguage::En => format!(
            "{first_line}{}\n\n\
             {name}: names, contact details and notes are never sent by e-mail; they stay \
             encrypted until you open the booking.\n",
            if readable {
                " — open it in Sealbook to read it."
            } else {
                "."
            }
        ),
        StaffLanguage::Fr => format!(
            "{first_line}{}\n\n\
             {name} : les noms, coordonnées et remarques ne sont jamais envoyés par e-mail ; ils \
             restent chiffrés jusqu’à l’ouverture de la réservation.\n",
            if readable {
                " — ouvrez-la dans Sealbook pour la lire."
            } else {
                "."
            }
        ),
        StaffLanguage::De => format!(
            "{first_line}{}\n\n\
             {name}: Namen, Kontaktdaten und Notizen werden nie per E-Mail verschickt; sie \
             bleiben verschlüsselt, bis Sie die Buchung öffnen.\n",
            if readable {
                " — öffnen Sie sie in Sealbook, um sie zu lesen."
            } else {
                "."
            }
        ),
    };
    (subject, body)
}

/// The subject and the body's first sentence of a notice of `kind`.
fn headline(kind: NoticeKind, language: StaffLanguage, when: &str, what: &str) -> (String, String) {
    use NoticeKind as K;
    use StaffLanguage as L;
    match (kind, language) {
        (K::New, L::En) => (
            format!("New booking: {when}"),
            format!("New booking for {when}, {what}"),
        ),
        (K::New, L::Fr) => (
            format!("Nouvelle réservation : {when}"),
            format!("Nouvelle réservation pour {when}, {what}"),
        ),
        (K::New, L::De) => (
            format!("Neue Buchung: {when}"),
            format!("Neue Buchung für {when}, {what}"),
        ),
        (K::Changed, L::En) => (
            format!("Booking changed: {when}"),
            format!("A booking was changed; it is now for {when}, {what}"),
        ),
        (K::Changed, L::Fr) => (
            format!("Réservation modifiée : {when}"),
            format!("Une réservation a été modifiée ; elle est désormais pour {when}, {what}"),
        ),
        (K::Changed, L::De) => (
            format!("Buchung geändert: {when}"),
            format!("Eine Buchung wurde geändert; sie gilt jetzt für {when}, {what}"),
        ),
        (K::Cancelled, L::En) => (
            format!("Booking cancelled: {when}"),
            format!("The booking for {when}, {what}, was cancelled"),
        ),
        (K::Cancelled, L::Fr) => (
            format!("Réservation annulée : {when}"),
            format!("La réservation pour {when}, {what}, a été annulée"),
        ),
        (K::Cancelled, L::De) => (
            format!("Buchung storniert: {when}"),
            format!("Die Buchung für {when}, {what}, wurde storniert"),
        ),
        (K::LateCancelled, L::En) => (
            format!("Late cancellation: {when}"),
            format!(
                "The booking for {when}, {what}, was cancelled after the cancellation deadline"
            ),
        ),
        (K::LateCancelled, L::Fr) => (
            format!("Annulation tardive : {when}"),
            format!(
                "La réservation pour {when}, {what}, a été annulée après le délai d’annulation"
            ),
        ),
        (K::LateCancelled, L::De) => (
            format!("Späte Stornierung: {when}"),
            format!(
                "Die Buchung für {when}, {what}, wurde nach Ablauf der Stornierungsfrist storniert"
            ),
        ),
        (K::Erased, L::En) => (
            format!("Booking erased: {when}"),
            format!("The booking for {when}, {what}, was erased with everything it held"),
        ),
        (K::Erased, L::Fr) => (
            format!("Réservation effacée : {when}"),
            format!("La réservation pour {when}, {what}, a été effacée avec tout son contenu"),
        ),
        (K::Erased, L::De) => (
            format!("Buchung gelöscht: {when}"),
            format!("Die Buchung für {when}, {what}, wurde mit ihrem ganzen Inhalt gelöscht"),
        ),
    }
}

/// `Friday 4 December, 19:30` in the staff's language and the business's time zone.
fn local_time(language: StaffLanguage, local: &jiff::Zoned) -> String {
    let (weekday, month) = (
        language.weekday(local.weekday()),
        language.month(local.month()),
    );
    let (day, hour, minute) = (local.day(), local.hour(), local.minute());
    match language {
        StaffLanguage::En => format!("{weekday} {day} {month}, {hour:02}:{minute:02}"),
        StaffLanguage::Fr => format!("{weekday} {day} {month}, {hour:02}:{minute:02}"),
        StaffLanguage::De => format!("{weekday}, {day}. {month}, {hour:02}:{minute:02}"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{What, text};
    use crate::Config;
    use crate::storage::NoticeKind;

    fn business(language: &str) -> crate::config::Business {
        let config = Config::from_toml(
            &format!(
                "[[business]]\nid = \"b\"\nname = \"B\"\nlanguage = \"{language}\"\ntimezone = \"Europe/Berlin\"\n\
                 hours = {{ mon = [\"09:00-17:00\"] }}\nkind = \"restaurant\"\ncovers = 8\n"
            ),
            Path::new("."),
        )
        .expect("config");
        config.businesses[0].clone()
    }

    /// 2026-03-29 07:30 UTC is 09:30 in Berlin, on the day summer time starts.
    const SUNDAY_MORNING: i64 = 1_774_769_400;

    #[test]
    fn notices_say_when_in_local_time_and_what_in_the_staffs_language() {
        let (subject, body) = text(
            &business("en"),
            NoticeKind::New,
            SUNDAY_MORNING,
            What::Party(1),
            None,
        );
        assert_eq!(subject, "New booking: Sunday 29 March, 09:30");
        assert!(
            body.starts_with("New booking for Sunday 29 March, 09:30, party of 1 — "),
            "{body}"
        );
        let (subject, body) = text(
            &business("de"),
            NoticeKind::New,
            SUNDAY_MORNING,
            What::Service("Krankengymnastik"),
            Some("Anna Keller"),
        );
        assert_eq!(subject, "Neue Buchung: Sonntag, 29. März, 09:30");
        assert!(
            body.contains("Krankengymnastik, bei Anna Keller — "),
            "{body}"
        );
    }
}
