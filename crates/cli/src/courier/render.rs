//! The messages a courier sends, in the visitor's language (any of
//! `sealbook_texts::Lang`; anything else reads English), with the words of the
//! translation files' `messages` section, or the business's own where it gives
//! them: what happened, when (the date and local time at the business), for
//! how many or for which service, where, until when it can be cancelled
//! online, the cancel link, and that the link they kept at booking reads or
//! changes it. The waitlist's messages say instead that the visitor is on it
//! and how to leave it (`waitlisted`), or that seats freed up and until when
//! they are held for the visitor, who takes them through the same link
//! (`offer`). Nothing here comes from the booking's sealed content: the card
//! gives the channel, address, language and cancel token; the rest is public
//! metadata the server holds.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use sealbook_texts::messages::{Plural, Text};
use sealbook_texts::{Key as _, Lang, OwnText, PluralKey as _, Section, own_text};
use sealbook_wire::api::courier::{CourierBusiness, MessageJob, OwnMessage};
use sealbook_wire::contact_card::{Channel, ContactCard};

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// The e-mail's subject (an SMS has none).
    pub subject: String,
    pub body: String,
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

/// The `messages` texts one visitor reads: the translation file's in their
/// language with the business's own laid over them.
struct Words {
    lang: Lang,
    table: Vec<String>,
}

impl Words {
    fn new(business: &CourierBusiness, lang: Lang) -> Self {
        Self {
            lang,
            table: sealbook_texts::table_with(Section::Messages, lang, &own_slots(business, lang)),
        }
    }

    fn text(&self, key: Text) -> &str {
        &self.table[key.slot()]
    }

    /// The text of `key` with its `{placeholders}` filled.
    fn fill(&self, key: Text, values: &[(&str, &str)]) -> String {
        sealbook_texts::fill(self.text(key), values)
    }

    /// The form of `key` that goes with `n`, with `{n}` written in.
    fn count(&self, key: Plural, n: u32) -> String {
        self.table[key.first_slot() + self.lang.plural_form(n) as usize]
            .replace("{n}", &n.to_string())
    }

    /// The restaurant's text or the clinic's.
    fn either(&self, clinic: bool, table: Text, appointment: Text) -> &str {
        self.text(if clinic { appointment } else { table })
    }
}

/// The business's own message texts in `lang`, each checked as the server
/// checks its configuration: the courier does not take the server's word for
/// what a visitor reads. One that fails is left out, with a warning, and the
/// translation file's is sent.
fn own_slots(business: &CourierBusiness, lang: Lang) -> sealbook_texts::Slots {
    let Some(given) = business.texts.get(lang.code()) else {
        return Vec::new();
    };
    let mut slots = Vec::new();
    for (key, text) in given {
        let text = match text {
            OwnMessage::Plain(text) => OwnText::Plain(text),
            OwnMessage::Plural(forms) => OwnText::Plural(forms),
        };
        match own_text(Section::Messages, lang, key, text) {
            Ok(own) => slots.extend(own),
            Err(reason) => tracing::warn!(
                business = %business.id,
                lang = lang.code(),
                key,
                %reason,
                "the business's own text is refused; the translation's is sent"
            ),
        }
    }
    slots
}

const WEEKDAYS: [Text; 7] = [
    Text::Weekday1,
    Text::Weekday2,
    Text::Weekday3,
    Text::Weekday4,
    Text::Weekday5,
    Text::Weekday6,
    Text::Weekday7,
];

const MONTHS: [Text; 12] = [
    Text::Month1,
    Text::Month2,
    Text::Month3,
    Text::Month4,
    Text::Month5,
    Text::Month6,
    Text::Month7,
    Text::Month8,
    Text::Month9,
    Text::Month10,
    Text::Month11,
    Text::Month12,
];

/// The date and local time at the business: "samedi 12 décembre 2026 à 19:30",
/// or for an SMS "12/12 à 19:30".
fn when(start: Timestamp, zone: &TimeZone, words: &Words, short: bool) -> String {
    let local = start.to_zoned(zone.clone());
    let time = format!("{:02}:{:02}", local.hour(), local.minute());
    if short {
        return words.fill(
            Text::DateShort,
            &[
                ("dd", &format!("{:02}", local.day())),
                ("mm", &format!("{:02}", local.month())),
                ("time", &time),
            ],
        );
    }
    let weekday = WEEKDAYS[usize::from(local.weekday().to_monday_zero_offset().unsigned_abs())];
    let month = MONTHS[usize::from(local.month().unsigned_abs()).clamp(1, 12) - 1];
    words.fill(
        Text::DateLong,
        &[
            ("weekday", words.text(weekday)),
            ("day", &local.day().to_string()),
            ("month", words.text(month)),
            ("year", &local.year().to_string()),
            ("time", &time),
        ],
    )
}

/// "4 personnes", or "Kinésithérapie avec Anna Keller".
fn what(job: &MessageJob, business: &CourierBusiness, words: &Words) -> String {
    let Some(service) = &job.booking.service else {
        return words.count(Plural::People, job.booking.party_size);
    };
    let name = business
        .services
        .iter()
        .find(|known| &known.id == service)
        .and_then(|known| {
            known
                .name
                .0
                .get(words.lang.code())
                .or_else(|| known.name.0.values().next())
        })
        .cloned()
        .unwrap_or_else(|| service.clone());
    let practitioner = job.booking.practitioner.as_ref().and_then(|id| {
        business
            .practitioners
            .iter()
            .find(|known| &known.id == id)
            .map(|known| known.name.as_str())
    });
    match practitioner {
        None => name,
        Some(who) => words.fill(
            Text::ServiceWith,
            &[("service", &name), ("practitioner", who)],
        ),
    }
}

/// The cancel link: the manage page's cancel view in the visitor's language,
/// the token in the fragment (which browsers never send to a server).
pub(crate) fn cancel_link(public_url: &str, card: &ContactCard) -> String {
    let lang = Lang::from_code(Some(&card.lang)).code();
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
    let words = Words::new(business, Lang::from_code(Some(&card.lang)));
    let zone = TimeZone::get(&business.timezone).unwrap_or(TimeZone::UTC);
    let start: Timestamp = job
        .booking
        .start
        .parse()
        .map_err(|_| RenderError::BadTime(job.booking.start.clone()))?;
    let clinic = job.booking.service.is_some();
    let name = &business.name;
    let (table, appointment) = match job.purpose.as_str() {
        "confirmation" => (Text::ConfirmedTable, Text::ConfirmedClinic),
        "reminder" => (Text::ReminderTable, Text::ReminderClinic),
        "changed" => (Text::ChangedTable, Text::ChangedClinic),
        "cancelled" => (Text::CancelledTable, Text::CancelledClinic),
        "waitlisted" => (Text::WaitlistedTable, Text::WaitlistedClinic),
        "offer" => (Text::OfferTable, Text::OfferClinic),
        other => return Err(RenderError::UnknownPurpose(other.to_owned())),
    };
    let headline =
        sealbook_texts::fill(words.either(clinic, table, appointment), &[("name", name)]);
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
    // For a `waitlisted` message: that a message follows if seats free up.
    let will_write = words.either(clinic, Text::WillWriteTable, Text::WillWriteClinic);
    if card.channel == Channel::Sms {
        let mut text = format!(
            "{headline}: {}, {}.",
            when(start, &zone, &words, true),
            what(job, business, &words)
        );
        let label = match link_use {
            LinkUse::Nothing => None,
            LinkUse::Cancel => Some(words.text(Text::SmsCancel).to_owned()),
            LinkUse::LeaveWaitlist => Some(format!(
                "{will_write} {}",
                words.text(Text::SmsLeaveWaitlist)
            )),
            LinkUse::TakeOffer(hold) => Some(sealbook_texts::fill(
                words.either(clinic, Text::SmsOfferTable, Text::SmsOfferClinic),
                &[("hold", &when(hold, &zone, &words, true))],
            )),
        };
        if let Some(label) = label {
            text.push_str(&format!(" {label} {link}"));
        }
        return Ok(Message {
            subject: headline,
            body: text,
        });
    }

    let mut lines = vec![
        words.text(Text::Hello).to_owned(),
        String::new(),
        format!("{headline}:"),
        format!("  {}", when(start, &zone, &words, false)),
        format!("  {}", what(job, business, &words)),
    ];
    if let Some(address) = &business.address {
        lines.push(format!("  {address}"));
    }
    lines.push(String::new());
    match link_use {
        LinkUse::Nothing => {}
        LinkUse::Cancel => lines.push(words.fill(
            Text::CancelUntil,
            &[("deadline", &when(deadline, &zone, &words, false))],
        )),
        LinkUse::LeaveWaitlist => {
            lines.push(format!("{will_write} {}", words.text(Text::LeaveWaitlist)));
        }
        LinkUse::TakeOffer(hold) => {
            lines.push(sealbook_texts::fill(
                words.either(clinic, Text::HeldTable, Text::HeldClinic),
                &[("hold", &when(hold, &zone, &words, false))],
            ));
            lines.push(
                words
                    .either(clinic, Text::TakeOfferTable, Text::TakeOfferClinic)
                    .to_owned(),
            );
        }
    }
    if !matches!(link_use, LinkUse::Nothing) {
        lines.push(link);
        lines.push(String::new());
        // A waitlist row's visitor copy reads like a booking's, with the link kept on joining.
        let waitlist = matches!(link_use, LinkUse::LeaveWaitlist | LinkUse::TakeOffer(_));
        lines.push(
            words
                .text(if waitlist {
                    Text::KeptLinkWaitlist
                } else {
                    Text::KeptLink
                })
                .to_owned(),
        );
    }
    if let Some(phone) = &business.phone {
        lines.push(words.fill(Text::Phone, &[("phone", phone)]));
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
    use std::collections::BTreeMap;

    use super::*;
    use sealbook_texts::{count, fill, t};
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
            texts: BTreeMap::new(),
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

    fn plain(text: &str) -> OwnMessage {
        OwnMessage::Plain(text.to_owned())
    }

    /// A count's own text: each form given, by name.
    fn plural(forms: &[(&str, &str)]) -> OwnMessage {
        OwnMessage::Plural(
            forms
                .iter()
                .map(|(form, text)| ((*form).to_owned(), (*text).to_owned()))
                .collect(),
        )
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

    #[test]
    fn a_polish_visitor_reads_the_polish_texts() {
        let pl = Lang::Pl;
        let message = render(
            &job("confirmation", None),
            &business(false),
            &card(Channel::Email, "pl"),
            "https://book.test",
        )
        .expect("renders");
        assert_eq!(
            message.subject,
            fill(t(pl, Text::ConfirmedTable), &[("name", "Bistro du Coin")])
        );
        let date = fill(
            t(pl, Text::DateLong),
            &[
                ("weekday", t(pl, Text::Weekday6)),
                ("day", "12"),
                ("month", t(pl, Text::Month12)),
                ("year", "2026"),
                ("time", "19:30"),
            ],
        );
        for expected in [
            format!("{}\n\n", t(pl, Text::Hello)),
            format!("\n  {date}\n"),
            format!("\n  {}\n", count(pl, Plural::People, 4)),
            fill(t(pl, Text::Phone), &[("phone", "+33 1 23 45 67 89")]),
            t(pl, Text::KeptLink).to_owned(),
            "https://book.test/manage/cancel?lang=pl#TOKEN".to_owned(),
        ] {
            assert!(
                message.body.contains(&expected),
                "{expected} in {}",
                message.body
            );
        }
        // Each count takes its own form: one, few (2–4, 22–24) and many.
        for people in [1, 2, 5, 12, 22] {
            let mut booking = job("reminder", None);
            booking.booking.party_size = people;
            let sms = render(
                &booking,
                &business(false),
                &card(Channel::Sms, "pl"),
                "https://book.test",
            )
            .expect("renders");
            let short = fill(
                t(pl, Text::DateShort),
                &[("dd", "12"), ("mm", "12"), ("time", "19:30")],
            );
            assert_eq!(
                sms.body,
                format!(
                    "{}: {short}, {}. {} https://book.test/manage/cancel?lang=pl#TOKEN",
                    fill(t(pl, Text::ReminderTable), &[("name", "Bistro du Coin")]),
                    count(pl, Plural::People, people),
                    t(pl, Text::SmsCancel),
                )
            );
        }
    }

    #[test]
    fn every_language_has_its_cancel_link_and_an_unknown_one_reads_english() {
        for lang in Lang::ALL {
            assert_eq!(
                cancel_link("https://book.test", &card(Channel::Email, lang.code())),
                format!("https://book.test/manage/cancel?lang={}#TOKEN", lang.code())
            );
        }
        for channel in [Channel::Email, Channel::Sms] {
            let english = render(
                &offer(Some("physio-30")),
                &business(true),
                &card(channel, "en"),
                "https://book.test",
            )
            .expect("renders");
            for unknown in ["sv", "", "klingon"] {
                let message = render(
                    &offer(Some("physio-30")),
                    &business(true),
                    &card(channel, unknown),
                    "https://book.test",
                )
                .expect("renders");
                assert_eq!(message, english, "{unknown:?} {channel:?}");
            }
        }
    }

    #[test]
    fn a_business_own_count_takes_each_form_its_language_needs() {
        let mut own = business(false);
        own.texts.insert(
            "pl".to_owned(),
            [(
                "People".to_owned(),
                plural(&[
                    ("one", "{n} gość"),
                    ("few", "{n} gości (few)"),
                    ("many", "{n} gości (many)"),
                    ("other", "{n} gościa"),
                ]),
            )]
            .into(),
        );
        // English needs one and other: a table without "one" is refused.
        own.texts.insert(
            "en".to_owned(),
            [("People".to_owned(), plural(&[("other", "{n} diners")]))].into(),
        );
        for (people, expected) in [(1, "1 gość"), (3, "3 gości (few)"), (5, "5 gości (many)")] {
            let mut booking = job("reminder", None);
            booking.booking.party_size = people;
            let sms = render(
                &booking,
                &own,
                &card(Channel::Sms, "pl"),
                "https://book.test",
            )
            .expect("renders");
            assert!(sms.body.contains(expected), "{expected} in {}", sms.body);
        }
        let sms = render(
            &job("reminder", None),
            &own,
            &card(Channel::Sms, "en"),
            "https://book.test",
        )
        .expect("renders");
        assert!(
            sms.body.contains("4 people") && !sms.body.contains("diners"),
            "{}",
            sms.body
        );
    }

    #[test]
    fn a_business_own_text_replaces_the_translation_files_in_its_language() {
        let mut own = business(false);
        own.texts.insert(
            "en".to_owned(),
            [
                ("Hello", plain("Dear guest,")),
                (
                    "People",
                    plural(&[("one", "{n} guest"), ("other", "{n} guests")]),
                ),
                ("ConfirmedTable", plain("See you soon at {name}")),
                // Refused by the courier's own check, whatever the server sent:
                // the phone number left out, the sentence visitors rely on, and
                // a key the messages do not have.
                ("Phone", plain("Call us")),
                ("KeptLink", plain("Reply with your link.")),
                ("Days", plain("{n} days")),
            ]
            .map(|(key, text)| (key.to_owned(), text))
            .into(),
        );
        let message = render(
            &job("confirmation", None),
            &own,
            &card(Channel::Email, "en"),
            "https://book.test",
        )
        .expect("renders");
        assert_eq!(message.subject, "See you soon at Bistro du Coin");
        assert!(
            message
                .body
                .starts_with("Dear guest,\n\nSee you soon at Bistro du Coin:\n  Saturday, 12 December 2026 at 19:30\n  4 guests\n"),
            "{}",
            message.body
        );
        // Keys it does not replace, or may not, keep the translation file's text.
        assert!(
            message.body.contains("Phone: +33 1 23 45 67 89"),
            "{}",
            message.body
        );
        assert!(
            message
                .body
                .contains("use the link you kept when you booked")
                && !message.body.contains("Reply with your link."),
            "{}",
            message.body
        );
        let mut alone = job("reminder", None);
        alone.booking.party_size = 1;
        let sms =
            render(&alone, &own, &card(Channel::Sms, "en"), "https://book.test").expect("renders");
        assert!(sms.body.contains(", 1 guest. Cancel: "), "{}", sms.body);
        // Another language's visitors read the translation file.
        let french = render(
            &job("confirmation", None),
            &own,
            &card(Channel::Email, "fr"),
            "https://book.test",
        )
        .expect("renders");
        assert!(french.body.starts_with("Bonjour,\n"), "{}", french.body);
        assert!(french.body.contains("4 personnes"), "{}", french.body);
    }
}
