//! E-mail to the business when a booking arrives: when, and how many people or
//! which service — never who, how to reach them or what they wrote, which stay
//! sealed until staff open the booking. Sent by a background task over SMTP
//! (STARTTLS, TLS or plain on loopback), retried with growing pauses; a failure
//! is logged with the business and the attempt, nothing else.

use std::time::Duration;

use jiff::Timestamp;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use tokio::sync::mpsc;

use crate::config::Business;
use crate::ids::BusinessId;
use crate::mail::{Security, SmtpConfig, StaffLanguage};
use crate::profile::{Localized, Offer};
use crate::storage::NewBooking;

/// Pauses before each retry: a mail server that is down for up to ~2 minutes
/// still gets the notice.
const RETRY_PAUSES: [Duration; 6] = [
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(5),
    Duration::from_secs(10),
    Duration::from_secs(30),
    Duration::from_secs(60),
];

/// Notices waiting for the mailer; beyond this, new ones are dropped (and logged).
const QUEUE: usize = 1024;

/// One notice for one business.
#[derive(Debug)]
struct Notice {
    business: BusinessId,
    to: Mailbox,
    subject: String,
    body: String,
}

/// Hands notices to the mailer task; cheap to clone; does nothing when SMTP is
/// not configured.
#[derive(Debug, Clone, Default)]
pub struct Notifier {
    queue: Option<mpsc::Sender<Notice>>,
}

impl Notifier {
    /// Starts the mailer on the current Tokio runtime.
    pub fn start(config: &SmtpConfig) -> Result<Self, lettre::transport::smtp::Error> {
        let builder = match config.security {
            Security::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)?
            }
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host)?,
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host),
        };
        let mut builder = builder.port(config.port);
        if let Some((username, password)) = &config.credentials {
            builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
        }
        let transport = builder.timeout(Some(Duration::from_secs(30))).build();
        let (queue, notices) = mpsc::channel(QUEUE);
        tokio::spawn(mailer(transport, config.from.clone(), notices));
        Ok(Self { queue: Some(queue) })
    }

    /// Tells `business` that `booking` arrived, from its public metadata only.
    pub fn booking_created(&self, business: &Business, booking: &NewBooking) {
        let (Some(queue), Some(to)) = (&self.queue, &business.notify) else {
            return;
        };
        let Ok(to) = to.parse::<Mailbox>() else {
            tracing::warn!(business = %business.id, "the notify address is not an e-mail address");
            return;
        };
        let language = business.language;
        let (what, with) = match &business.profile.offer {
            Offer::Restaurant(_) => (What::Party(booking.party_size), None),
            Offer::Clinic(clinic) => {
                let service = booking
                    .service
                    .as_deref()
                    .and_then(|id| clinic.service(id))
                    .map_or("", |service| in_language(&service.name, language));
                let with = booking
                    .practitioner
                    .as_deref()
                    .and_then(|id| clinic.practitioner(id))
                    .map(|practitioner| practitioner.name.as_str());
                (What::Service(service), with)
            }
        };
        let (subject, body) = text(business, booking.starts_at, what, with);
        let notice = Notice {
            business: business.id.clone(),
            to,
            subject,
            body,
        };
        if queue.try_send(notice).is_err() {
            tracing::warn!(business = %business.id, "notification queue full; notice dropped");
        }
    }
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

async fn mailer(
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    mut notices: mpsc::Receiver<Notice>,
) {
    while let Some(notice) = notices.recv().await {
        let message = Message::builder()
            .from(from.clone())
            .to(notice.to.clone())
            .subject(notice.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(notice.body.clone());
        let message = match message {
            Ok(message) => message,
            Err(error) => {
                tracing::error!(business = %notice.business, %error, "cannot build the notice");
                continue;
            }
        };
        let mut pauses = RETRY_PAUSES.iter();
        for attempt in 1.. {
            match transport.send(message.clone()).await {
                Ok(_) => {
                    tracing::info!(business = %notice.business, attempt, "booking notice sent");
                    break;
                }
                Err(error) => {
                    let permanent = error.is_permanent();
                    // The error's text is the mail server's reply about the
                    // business's own address, never about a visitor.
                    tracing::warn!(business = %notice.business, attempt, permanent, %error, "booking notice not sent");
                    match pauses.next() {
                        Some(pause) if !permanent => tokio::time::sleep(*pause).await,
                        _ => {
                            tracing::error!(business = %notice.business, "booking notice given up");
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// Subject and body in the staff's language.
fn text(
    business: &Business,
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
    match language {
        StaffLanguage::En => (
            format!("New booking: {when}"),
            format!(
                "New booking for {when}, {what} — open it in Sealbook to read it.\n\n\
                 {name}: names, contact details and notes are never sent by e-mail; they stay \
                 encrypted until you open the booking.\n"
            ),
        ),
        StaffLanguage::Fr => (
            format!("Nouvelle réservation : {when}"),
            format!(
                "Nouvelle réservation pour {when}, {what} — ouvrez-la dans Sealbook pour la lire.\n\n\
                 {name} : les noms, coordonnées et remarques ne sont jamais envoyés par e-mail ; ils \
                 restent chiffrés jusqu’à l’ouverture de la réservation.\n"
            ),
        ),
        StaffLanguage::De => (
            format!("Neue Buchung: {when}"),
            format!(
                "Neue Buchung für {when}, {what} — öffnen Sie sie in Sealbook, um sie zu lesen.\n\n\
                 {name}: Namen, Kontaktdaten und Notizen werden nie per E-Mail verschickt; sie \
                 bleiben verschlüsselt, bis Sie die Buchung öffnen.\n"
            ),
        ),
    }
}

/// `Friday 4 December, 19:30` in the staff's language and the business's time zone.
fn local_time(language: StaffLanguage, local: &jiff::Zoned) -> String {
    const WEEKDAYS: [[&str; 7]; 3] = [
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ],
        [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
        [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ],
    ];
    const MONTHS: [[&str; 12]; 3] = [
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ],
    ];
    let row = match language {
        StaffLanguage::En => 0,
        StaffLanguage::Fr => 1,
        StaffLanguage::De => 2,
    };
    let weekday =
        WEEKDAYS[row][usize::from(local.weekday().to_monday_zero_offset().unsigned_abs())];
    let month = MONTHS[row][usize::from(local.month().unsigned_abs()) - 1];
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
        let (subject, body) = text(&business("en"), SUNDAY_MORNING, What::Party(1), None);
        assert_eq!(subject, "New booking: Sunday 29 March, 09:30");
        assert!(
            body.starts_with("New booking for Sunday 29 March, 09:30, party of 1 — "),
            "{body}"
        );
        let (subject, body) = text(
            &business("de"),
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
