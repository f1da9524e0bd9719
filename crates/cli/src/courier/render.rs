//! The messages a courier sends, in the visitor's language (French, German or
//! English; anything else reads English): what happened, when (the date and
//! local time at the business), for how many or for which service, where, until
//! when it can be cancelled online, the cancel link, and that the link they kept
//! at booking reads or changes it. Nothing here comes from the booking's sealed
//! content: the card gives the channel, address, language and cancel token; the
//! rest is public metadata the server holds.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use sealbook_server::mail::StaffLanguage;
use sealbook_wire::api::courier::{CourierBusiness, MessageJob};
use sealbook_wire::contact_card::{Channel, ContactCard};

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// The e-mail's subject (an SMS has none).
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Fr,
    De,
    En,
}

impl Lang {
    fn of(code: &str) -> Self {
        match code {
            "fr" => Self::Fr,
            "de" => Self::De,
            _ => Self::En,
        }
    }

    /// The weekday and month names the server's notices use too.
    fn names(self) -> StaffLanguage {
        match self {
            Self::Fr => StaffLanguage::Fr,
            Self::De => StaffLanguage::De,
            Self::En => StaffLanguage::En,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::Fr => "fr",
            Self::De => "de",
            Self::En => "en",
        }
    }
}

/// Why a job cannot be written as a message.
#[derive(Debug)]
pub(crate) enum RenderError {
    UnknownPurpose(String),
    BadTime(String),
}

impl std::error::Error for RenderError {}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownPurpose(purpose) => write!(f, "unknown message purpose {purpose:?}"),
            Self::BadTime(time) => write!(f, "the booking's time {time:?} is not RFC 3339"),
        }
    }
}

/// The date and local time at the business: "samedi 12 décembre 2026 à 19:30".
fn when(start: Timestamp, zone: &TimeZone, lang: Lang, short: bool) -> String {
    let local = start.to_zoned(zone.clone());
    let names = lang.names();
    let (weekday, month_name) = (names.weekday(local.weekday()), names.month(local.month()));
    let month = local.month();
    let (day, year, time) = (
        local.day(),
        local.year(),
        format!("{:02}:{:02}", local.hour(), local.minute()),
    );
    match (lang, short) {
        (Lang::Fr, false) => format!("{weekday} {day} {month_name} {year} à {time}"),
        (Lang::Fr, true) => format!("{day:02}/{month:02} à {time}"),
        (Lang::De, false) => format!("{weekday}, {day}. {month_name} {year}, um {time} Uhr"),
        (Lang::De, true) => format!("{day:02}.{month:02}. um {time} Uhr"),
        (Lang::En, false) => format!("{weekday}, {day} {month_name} {year} at {time}"),
        (Lang::En, true) => format!("{day:02}/{month:02} at {time}"),
    }
}

/// "4 personnes", or "Kinésithérapie avec Anna Keller".
fn what(job: &MessageJob, business: &CourierBusiness, lang: Lang) -> String {
    if let Some(service) = &job.booking.service {
        let name = business
            .services
            .iter()
            .find(|known| &known.id == service)
            .and_then(|known| {
                known
                    .name
                    .0
                    .get(lang.code())
                    .or_else(|| known.name.0.values().next())
            })
            .cloned()
            .unwrap_or_else(|| service.clone());
        let practitioner = job.booking.practitioner.as_ref().and_then(|id| {
            business
                .practitioners
                .iter()
                .find(|known| &known.id == id)
                .map(|known| known.name.clone())
        });
        return match (practitioner, lang) {
            (None, _) => name,
            (Some(who), Lang::Fr) => format!("{name} avec {who}"),
            (Some(who), Lang::De) => format!("{name} bei {who}"),
            (Some(who), Lang::En) => format!("{name} with {who}"),
        };
    }
    let people = job.booking.party_size;
    match (lang, people) {
        (Lang::Fr, 1) => "1 personne".to_owned(),
        (Lang::Fr, _) => format!("{people} personnes"),
        (Lang::De, 1) => "1 Person".to_owned(),
        (Lang::De, _) => format!("{people} Personen"),
        (Lang::En, 1) => "1 person".to_owned(),
        (Lang::En, _) => format!("{people} people"),
    }
}

/// The cancel link: the manage page's cancel view in the visitor's language,
/// the token in the fragment (which browsers never send to a server).
pub(crate) fn cancel_link(public_url: &str, card: &ContactCard) -> String {
    let lang = Lang::of(&card.lang).code();
    format!("{public_url}/manage/cancel?lang={lang}#{}", card.cancel)
}

/// Writes `job` for the visitor of `card`.
pub(crate) fn render(
    job: &MessageJob,
    business: &CourierBusiness,
    card: &ContactCard,
    public_url: &str,
) -> Result<Message, RenderError> {
    let lang = Lang::of(&card.lang);
    let zone = TimeZone::get(&business.timezone).unwrap_or(TimeZone::UTC);
    let start: Timestamp = job
        .booking
        .start
        .parse()
        .map_err(|_| RenderError::BadTime(job.booking.start.clone()))?;
    let clinic = job.booking.service.is_some();
    let name = &business.name;
    let headline = match (job.purpose.as_str(), lang, clinic) {
        ("confirmation", Lang::Fr, false) => format!("Votre réservation chez {name} est confirmée"),
        ("confirmation", Lang::Fr, true) => format!("Votre rendez-vous chez {name} est confirmé"),
        ("confirmation", Lang::De, false) => format!("Ihre Reservierung bei {name} ist bestätigt"),
        ("confirmation", Lang::De, true) => format!("Ihr Termin bei {name} ist bestätigt"),
        ("confirmation", Lang::En, false) => format!("Your booking at {name} is confirmed"),
        ("confirmation", Lang::En, true) => format!("Your appointment at {name} is confirmed"),
        ("reminder", Lang::Fr, false) => format!("Rappel : votre réservation chez {name}"),
        ("reminder", Lang::Fr, true) => format!("Rappel : votre rendez-vous chez {name}"),
        ("reminder", Lang::De, false) => format!("Erinnerung: Ihre Reservierung bei {name}"),
        ("reminder", Lang::De, true) => format!("Erinnerung: Ihr Termin bei {name}"),
        ("reminder", Lang::En, false) => format!("Reminder: your booking at {name}"),
        ("reminder", Lang::En, true) => format!("Reminder: your appointment at {name}"),
        ("changed", Lang::Fr, false) => format!("Votre réservation chez {name} a changé"),
        ("changed", Lang::Fr, true) => format!("Votre rendez-vous chez {name} a changé"),
        ("changed", Lang::De, false) => format!("Ihre Reservierung bei {name} wurde geändert"),
        ("changed", Lang::De, true) => format!("Ihr Termin bei {name} wurde geändert"),
        ("changed", Lang::En, false) => format!("Your booking at {name} has changed"),
        ("changed", Lang::En, true) => format!("Your appointment at {name} has changed"),
        ("cancelled", Lang::Fr, false) => format!("{name} a annulé votre réservation"),
        ("cancelled", Lang::Fr, true) => format!("{name} a annulé votre rendez-vous"),
        ("cancelled", Lang::De, false) => format!("{name} hat Ihre Reservierung storniert"),
        ("cancelled", Lang::De, true) => format!("{name} hat Ihren Termin abgesagt"),
        ("cancelled", Lang::En, false) => format!("{name} cancelled your booking"),
        ("cancelled", Lang::En, true) => format!("{name} cancelled your appointment"),
        (other, _, _) => return Err(RenderError::UnknownPurpose(other.to_owned())),
    };
    let cancelled = job.purpose == "cancelled";
    let deadline =
        Timestamp::from_second(start.as_second() - i64::from(business.cancel_until_minutes) * 60)
            .unwrap_or(start);
    let link = cancel_link(public_url, card);
    if card.channel == Channel::Sms {
        let mut text = format!(
            "{headline}: {}, {}.",
            when(start, &zone, lang, true),
            what(job, business, lang)
        );
        if !cancelled {
            text.push_str(match lang {
                Lang::Fr => " Annuler : ",
                Lang::De => " Absagen: ",
                Lang::En => " Cancel: ",
            });
            text.push_str(&link);
        }
        return Ok(Message {
            subject: headline,
            body: text,
        });
    }

    let mut lines = vec![
        match lang {
            Lang::Fr => "Bonjour,".to_owned(),
            Lang::De => "Guten Tag,".to_owned(),
            Lang::En => "Hello,".to_owned(),
        },
        String::new(),
        format!("{headline}:"),
        format!("  {}", when(start, &zone, lang, false)),
        format!("  {}", what(job, business, lang)),
    ];
    if let Some(address) = &business.address {
        lines.push(format!("  {address}"));
    }
    lines.push(String::new());
    if !cancelled {
        lines.push(match lang {
            Lang::Fr => format!(
                "Vous pouvez annuler en ligne jusqu'au {}. Pour annuler :",
                when(deadline, &zone, lang, false)
            ),
            Lang::De => format!(
                "Online absagen können Sie bis {}. Zum Absagen:",
                when(deadline, &zone, lang, false)
            ),
            Lang::En => format!(
                "You can cancel online until {}. To cancel:",
                when(deadline, &zone, lang, false)
            ),
        });
        lines.push(link);
        lines.push(String::new());
        lines.push(
            match lang {
                Lang::Fr => "Pour consulter ou modifier votre réservation, utilisez le lien que vous avez gardé en réservant : ce message ne le contient pas.",
                Lang::De => "Um Ihre Buchung anzusehen oder zu ändern, nutzen Sie den Link, den Sie bei der Buchung gespeichert haben: Diese Nachricht enthält ihn nicht.",
                Lang::En => "To read or change your booking, use the link you kept when you booked: this message does not contain it.",
            }
            .to_owned(),
        );
    }
    if let Some(phone) = &business.phone {
        lines.push(match lang {
            Lang::Fr => format!("Téléphone : {phone}"),
            Lang::De => format!("Telefon: {phone}"),
            Lang::En => format!("Phone: {phone}"),
        });
    }
    lines.push(String::new());
    lines.push(format!("— {name}"));
    Ok(Message {
        subject: headline,
        body: lines.join("\n") + "\n",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sealbook_wire::api::courier::{CourierPractitioner, CourierService, JobBooking};
    use sealbook_wire::api::localized::Localized;

    fn business(clinic: bool) -> CourierBusiness {
        CourierBusiness {
            id: "bistro-du-coin".to_owned(),
            name: "Bistro du Coin".to_owned(),
            timezone: "Europe/Paris".to_owned(),
            phone: Some("+33 1 23 45 67 89".to_owned()),
            address: Some("12 rue des Lilas, Paris".to_owned()),
            kind: if clinic { "clinic" } else { "restaurant" }.to_owned(),
            cancel_until_minutes: 120,
            services: vec![CourierService {
                id: "physio-30".to_owned(),
                name: Localized(
                    [
                        ("fr".to_owned(), "Kinésithérapie".to_owned()),
                        ("en".to_owned(), "Physiotherapy".to_owned()),
                    ]
                    .into(),
                ),
            }],
            practitioners: vec![CourierPractitioner {
                id: "anna".to_owned(),
                name: "Anna Keller".to_owned(),
            }],
        }
    }

    fn job(purpose: &str, service: Option<&str>) -> MessageJob {
        MessageJob {
            id: 7,
            purpose: purpose.to_owned(),
            booking: JobBooking {
                id: "b1".to_owned(),
                status: "confirmed".to_owned(),
                start: "2026-12-12T18:30:00Z".to_owned(),
                end: "2026-12-12T20:00:00Z".to_owned(),
                party_size: 4,
                service: service.map(str::to_owned),
                practitioner: service.map(|_| "anna".to_owned()),
            },
            card: String::new(),
        }
    }

    fn card(channel: Channel, lang: &str) -> ContactCard {
        ContactCard::new(
            channel,
            if channel == Channel::Sms {
                "+33612345678"
            } else {
                "camille@example.fr"
            },
            lang,
            "TOKEN".to_owned(),
        )
        .expect("card")
    }

    #[test]
    fn a_confirmation_says_when_what_where_and_how_to_cancel_in_the_visitors_language() {
        let message = render(
            &job("confirmation", None),
            &business(false),
            &card(Channel::Email, "fr"),
            "https://book.test",
        )
        .expect("renders");
        assert_eq!(
            message.subject,
            "Votre réservation chez Bistro du Coin est confirmée"
        );
        for expected in [
            "samedi 12 décembre 2026 à 19:30",
            "4 personnes",
            "12 rue des Lilas, Paris",
            "jusqu'au samedi 12 décembre 2026 à 17:30",
            "https://book.test/manage/cancel?lang=fr#TOKEN",
            "le lien que vous avez gardé",
            "+33 1 23 45 67 89",
        ] {
            assert!(
                message.body.contains(expected),
                "{expected} in {}",
                message.body
            );
        }
        let german = render(
            &job("reminder", Some("physio-30")),
            &business(true),
            &card(Channel::Email, "de"),
            "https://book.test",
        )
        .expect("renders");
        assert_eq!(german.subject, "Erinnerung: Ihr Termin bei Bistro du Coin");
        assert!(
            german
                .body
                .contains("Samstag, 12. Dezember 2026, um 19:30 Uhr"),
            "{}",
            german.body
        );
        assert!(
            german.body.contains("Physiotherapy bei Anna Keller"),
            "a name in another language rather than an id: {}",
            german.body
        );
    }

    #[test]
    fn an_sms_is_short_and_a_cancellation_offers_no_cancel_link() {
        let sms = render(
            &job("reminder", None),
            &business(false),
            &card(Channel::Sms, "en"),
            "https://book.test",
        )
        .expect("renders");
        assert_eq!(
            sms.body,
            "Reminder: your booking at Bistro du Coin: 12/12 at 19:30, 4 people. Cancel: https://book.test/manage/cancel?lang=en#TOKEN"
        );
        let cancelled = render(
            &job("cancelled", None),
            &business(false),
            &card(Channel::Email, "en"),
            "https://book.test",
        )
        .expect("renders");
        assert!(
            !cancelled.body.contains("manage/cancel"),
            "{}",
            cancelled.body
        );
        assert!(
            render(
                &job("waitlist", None),
                &business(false),
                &card(Channel::Email, "en"),
                "https://book.test"
            )
            .is_err()
        );
    }
}
