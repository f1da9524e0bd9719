//! The messages a courier sends, in the visitor's language (French, German or
//! English; anything else reads English): what happened, when (the date and
//! local time at the business), for how many or for which service, where, until
//! when it can be cancelled online, the cancel link, and that the link they kept
//! at booking reads or changes it. The waitlist's messages say instead that the
//! visitor is on it and how to leave it (`waitlisted`), or that seats freed up
//! and until when they are held for the visitor, who takes them through the same
//! link (`offer`). Nothing here comes from the booking's sealed content: the
//! card gives the channel, address, language and cancel token; the rest is
//! public metadata the server holds.

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
    /// An offer without its hold time, or with one that is not RFC 3339.
    BadHold(Option<String>),
}

impl std::error::Error for RenderError {}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownPurpose(purpose) => write!(f, "unknown message purpose {purpose:?}"),
            Self::BadTime(time) => write!(f, "the booking's time {time:?} is not RFC 3339"),
            Self::BadHold(None) => write!(f, "the offer says no time its seats are held until"),
            Self::BadHold(Some(time)) => {
                write!(f, "the offer's hold time {time:?} is not RFC 3339")
            }
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

/// What a message's link is offered for.
#[derive(Clone, Copy)]
enum LinkUse {
    /// Cancelling the booking, until the business's deadline.
    Cancel,
    /// Nothing: the booking is cancelled already.
    Nothing,
    /// Leaving the waitlist (always open).
    LeaveWaitlist,
    /// Taking the seats an offer holds until this time.
    TakeOffer(Timestamp),
}

/// For a `waitlisted` message: that a message follows if seats free up.
fn will_write(lang: Lang, clinic: bool) -> &'static str {
    match (lang, clinic) {
        (Lang::Fr, false) => "Nous vous écrirons si des places se libèrent.",
        (Lang::Fr, true) => "Nous vous écrirons si ce rendez-vous se libère.",
        (Lang::De, false) => "Wir schreiben Ihnen, wenn Plätze frei werden.",
        (Lang::De, true) => "Wir schreiben Ihnen, wenn dieser Termin frei wird.",
        (Lang::En, false) => "We will write to you if seats free up.",
        (Lang::En, true) => "We will write to you if this appointment frees up.",
    }
}

/// Until when an `offer`'s seats are held: an offer without it cannot be written.
fn hold_until(job: &MessageJob) -> Result<Timestamp, RenderError> {
    let hold = job
        .booking
        .hold_until
        .as_deref()
        .ok_or(RenderError::BadHold(None))?;
    hold.parse()
        .map_err(|_| RenderError::BadHold(Some(hold.to_owned())))
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
        ("waitlisted", Lang::Fr, false) => format!("Vous êtes sur la liste d'attente de {name}"),
        ("waitlisted", Lang::Fr, true) => {
            format!("Vous êtes sur la liste d'attente pour un rendez-vous chez {name}")
        }
        ("waitlisted", Lang::De, false) => format!("Sie stehen auf der Warteliste von {name}"),
        ("waitlisted", Lang::De, true) => {
            format!("Sie stehen auf der Warteliste für einen Termin bei {name}")
        }
        ("waitlisted", Lang::En, false) => format!("You are on the waitlist at {name}"),
        ("waitlisted", Lang::En, true) => {
            format!("You are on the waitlist for an appointment at {name}")
        }
        ("offer", Lang::Fr, false) => format!("Des places se sont libérées chez {name}"),
        ("offer", Lang::Fr, true) => format!("Un rendez-vous s'est libéré chez {name}"),
        ("offer", Lang::De, false) => format!("Bei {name} sind Plätze frei geworden"),
        ("offer", Lang::De, true) => format!("Bei {name} ist ein Termin frei geworden"),
        ("offer", Lang::En, false) => format!("Seats have freed up at {name}"),
        ("offer", Lang::En, true) => format!("An appointment has freed up at {name}"),
        (other, _, _) => return Err(RenderError::UnknownPurpose(other.to_owned())),
    };
    let link_use = match job.purpose.as_str() {
        "cancelled" => LinkUse::Nothing,
        "waitlisted" => LinkUse::LeaveWaitlist,
        "offer" => LinkUse::TakeOffer(hold_until(job)?),
        _ => LinkUse::Cancel,
    };
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
        let label = match link_use {
            LinkUse::Nothing => None,
            LinkUse::Cancel => Some(
                match lang {
                    Lang::Fr => " Annuler : ",
                    Lang::De => " Absagen: ",
                    Lang::En => " Cancel: ",
                }
                .to_owned(),
            ),
            LinkUse::LeaveWaitlist => Some(format!(
                " {}{}",
                will_write(lang, clinic),
                match lang {
                    Lang::Fr => " Quitter la liste d'attente : ",
                    Lang::De => " Warteliste verlassen: ",
                    Lang::En => " Leave the waitlist: ",
                }
            )),
            LinkUse::TakeOffer(hold) => {
                let hold = when(hold, &zone, lang, true);
                Some(match (lang, clinic) {
                    (Lang::Fr, false) => format!(
                        " Réservées pour vous jusqu'au {hold}, puis proposées à la personne suivante. Réserver ces places : "
                    ),
                    (Lang::Fr, true) => format!(
                        " Réservé pour vous jusqu'au {hold}, puis proposé à la personne suivante. Prendre ce rendez-vous : "
                    ),
                    (Lang::De, false) => format!(
                        " Für Sie frei bis {hold}, danach für die nächste Person. Plätze buchen: "
                    ),
                    (Lang::De, true) => format!(
                        " Für Sie frei bis {hold}, danach für die nächste Person. Termin buchen: "
                    ),
                    (Lang::En, false) => format!(
                        " Held for you until {hold}, then offered to the next person. Take these seats: "
                    ),
                    (Lang::En, true) => format!(
                        " Held for you until {hold}, then offered to the next person. Take this appointment: "
                    ),
                })
            }
        };
        if let Some(label) = label {
            text.push_str(&label);
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
    match link_use {
        LinkUse::Nothing => {}
        LinkUse::Cancel => lines.push(match lang {
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
        }),
        LinkUse::LeaveWaitlist => lines.push(format!(
            "{} {}",
            will_write(lang, clinic),
            match lang {
                Lang::Fr => "Pour quitter la liste d'attente :",
                Lang::De => "Zum Verlassen der Warteliste:",
                Lang::En => "To leave the waitlist:",
            }
        )),
        LinkUse::TakeOffer(hold) => {
            let hold = when(hold, &zone, lang, false);
            lines.push(match (lang, clinic) {
                (Lang::Fr, false) => format!("Ces places vous sont réservées jusqu'au {hold}. Passé ce délai, elles iront à la personne suivante sur la liste d'attente."),
                (Lang::Fr, true) => format!("Ce rendez-vous vous est réservé jusqu'au {hold}. Passé ce délai, il ira à la personne suivante sur la liste d'attente."),
                (Lang::De, false) => format!("Wir halten diese Plätze bis {hold} für Sie frei. Danach gehen sie an die nächste Person auf der Warteliste."),
                (Lang::De, true) => format!("Wir halten diesen Termin bis {hold} für Sie frei. Danach geht er an die nächste Person auf der Warteliste."),
                (Lang::En, false) => format!("These seats are held for you until {hold}. After that, they go to the next person on the waitlist."),
                (Lang::En, true) => format!("This appointment is held for you until {hold}. After that, it goes to the next person on the waitlist."),
            });
            lines.push(
                match (lang, clinic) {
                    (Lang::Fr, false) => {
                        "Réserver ces places (ouvrez le lien, puis confirmez avec le bouton) :"
                    }
                    (Lang::Fr, true) => {
                        "Prendre ce rendez-vous (ouvrez le lien, puis confirmez avec le bouton) :"
                    }
                    (Lang::De, false) => {
                        "Plätze buchen (Link öffnen, dann mit der Schaltfläche bestätigen):"
                    }
                    (Lang::De, true) => {
                        "Termin buchen (Link öffnen, dann mit der Schaltfläche bestätigen):"
                    }
                    (Lang::En, false) => {
                        "Take these seats (open the link, then confirm with the button):"
                    }
                    (Lang::En, true) => {
                        "Take this appointment (open the link, then confirm with the button):"
                    }
                }
                .to_owned(),
            );
        }
    }
    if !matches!(link_use, LinkUse::Nothing) {
        lines.push(link);
        lines.push(String::new());
        let waitlist = matches!(link_use, LinkUse::LeaveWaitlist | LinkUse::TakeOffer(_));
        lines.push(
            match (lang, waitlist) {
                (Lang::Fr, false) => "Pour consulter ou modifier votre réservation, utilisez le lien que vous avez gardé en réservant : ce message ne le contient pas.",
                (Lang::De, false) => "Um Ihre Buchung anzusehen oder zu ändern, nutzen Sie den Link, den Sie bei der Buchung gespeichert haben: Diese Nachricht enthält ihn nicht.",
                (Lang::En, false) => "To read or change your booking, use the link you kept when you booked: this message does not contain it.",
                // A waitlist row's visitor copy reads like a booking's, with the link kept on joining.
                (Lang::Fr, true) => "Pour consulter votre réservation, utilisez le lien que vous avez gardé en vous inscrivant sur la liste d'attente : ce message ne le contient pas.",
                (Lang::De, true) => "Um Ihre Buchung anzusehen, nutzen Sie den Link, den Sie bei der Anmeldung zur Warteliste gespeichert haben: Diese Nachricht enthält ihn nicht.",
                (Lang::En, true) => "To read your booking, use the link you kept when you joined the waitlist: this message does not contain it.",
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
                hold_until: None,
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
    }

    #[test]
    fn an_unknown_purpose_is_not_written() {
        assert!(matches!(
            render(
                &job("newsletter", None),
                &business(false),
                &card(Channel::Email, "en"),
                "https://book.test"
            ),
            Err(RenderError::UnknownPurpose(purpose)) if purpose == "newsletter"
        ));
    }

    /// An offer whose seats are held until 17:45 in Paris.
    fn offer(service: Option<&str>) -> MessageJob {
        let mut offer = job("offer", service);
        offer.booking.status = "offered".to_owned();
        offer.booking.hold_until = Some("2026-12-12T16:45:00Z".to_owned());
        offer
    }

    #[test]
    fn an_offer_gives_the_local_hold_time_and_the_link_that_takes_the_seats() {
        for (lang, channel, hold, take) in [
            (
                "fr",
                Channel::Email,
                "jusqu'au samedi 12 décembre 2026 à 17:45",
                "Réserver ces places",
            ),
            (
                "de",
                Channel::Email,
                "bis Samstag, 12. Dezember 2026, um 17:45 Uhr",
                "Plätze buchen",
            ),
            (
                "en",
                Channel::Email,
                "until Saturday, 12 December 2026 at 17:45",
                "Take these seats",
            ),
            (
                "fr",
                Channel::Sms,
                "jusqu'au 12/12 à 17:45",
                "Réserver ces places : ",
            ),
            (
                "de",
                Channel::Sms,
                "bis 12.12. um 17:45 Uhr",
                "Plätze buchen: ",
            ),
            (
                "en",
                Channel::Sms,
                "until 12/12 at 17:45",
                "Take these seats: ",
            ),
        ] {
            let message = render(
                &offer(None),
                &business(false),
                &card(channel, lang),
                "https://book.test",
            )
            .expect("renders");
            let link = format!("https://book.test/manage/cancel?lang={lang}#TOKEN");
            for expected in [hold, take, link.as_str()] {
                assert!(
                    message.body.contains(expected),
                    "{lang} {channel:?}: {expected} in {}",
                    message.body
                );
            }
            // The hold replaces the cancel deadline: leaving needs no deadline.
            assert!(!message.body.contains("17:30"), "{}", message.body);
        }
        let clinic = render(
            &offer(Some("physio-30")),
            &business(true),
            &card(Channel::Email, "en"),
            "https://book.test",
        )
        .expect("renders");
        assert_eq!(
            clinic.subject,
            "An appointment has freed up at Bistro du Coin"
        );
        for expected in [
            "This appointment is held for you until Saturday, 12 December 2026 at 17:45",
            "next person on the waitlist",
            "Take this appointment",
            "the link you kept when you joined the waitlist",
        ] {
            assert!(
                clinic.body.contains(expected),
                "{expected} in {}",
                clinic.body
            );
        }
    }

    #[test]
    fn an_offer_without_a_readable_hold_time_is_not_written() {
        let mut missing = offer(None);
        missing.booking.hold_until = None;
        let mut garbled = offer(None);
        garbled.booking.hold_until = Some("tomorrow".to_owned());
        for (job, expected) in [(missing, None), (garbled, Some("tomorrow".to_owned()))] {
            let refused = render(
                &job,
                &business(false),
                &card(Channel::Sms, "fr"),
                "https://book.test",
            );
            assert!(
                matches!(&refused, Err(RenderError::BadHold(hold)) if *hold == expected),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn joining_the_waitlist_gives_the_link_that_leaves_it() {
        for (lang, channel, leave) in [
            ("fr", Channel::Email, "Pour quitter la liste d'attente :"),
            ("de", Channel::Email, "Zum Verlassen der Warteliste:"),
            ("en", Channel::Email, "To leave the waitlist:"),
            ("fr", Channel::Sms, "Quitter la liste d'attente : "),
            ("de", Channel::Sms, "Warteliste verlassen: "),
            ("en", Channel::Sms, "Leave the waitlist: "),
        ] {
            let message = render(
                &job("waitlisted", None),
                &business(false),
                &card(channel, lang),
                "https://book.test",
            )
            .expect("renders");
            let link = format!("https://book.test/manage/cancel?lang={lang}#TOKEN");
            assert!(
                message.body.contains(&format!(
                    "{leave}{}",
                    if channel == Channel::Sms { "" } else { "\n" }
                )) && message.body.contains(&link),
                "{lang} {channel:?}: {}",
                message.body
            );
        }
        let english = render(
            &job("waitlisted", Some("physio-30")),
            &business(true),
            &card(Channel::Sms, "en"),
            "https://book.test",
        )
        .expect("renders");
        assert_eq!(
            english.body,
            "You are on the waitlist for an appointment at Bistro du Coin: 12/12 at 19:30, Physiotherapy with Anna Keller. We will write to you if this appointment frees up. Leave the waitlist: https://book.test/manage/cancel?lang=en#TOKEN"
        );
    }
}
