//! Every string a visitor reads, in English, French and German, by key: the
//! widget's, and the manage page's labels and error messages, which are the
//! widget's words for the same things. The tests check that none of them is empty.

use crate::i18n::Lang;

crate::texts! {
    Heading => [
        "Make a booking",
        "Faire une réservation",
        "Reservierung",
    ],
    Intro => [
        "Encrypted in your browser: only the business can read your details.",
        "Chiffré dans votre navigateur : seul l’établissement peut lire vos données.",
        "In Ihrem Browser verschlüsselt: Nur der Betrieb kann Ihre Angaben lesen.",
    ],
    Loading => ["Loading…", "Chargement…", "Wird geladen …"],
    Unavailable => [
        "Online booking is unavailable. Please contact the business.",
        "Réservation en ligne indisponible. Contactez l’établissement.",
        "Online-Reservierung nicht verfügbar. Bitte kontaktieren Sie den Betrieb.",
    ],
    StepParty => ["How many people?", "Combien de personnes ?", "Wie viele Personen?"],
    StepService => ["Which appointment?", "Quel rendez-vous ?", "Welcher Termin?"],
    StepDate => ["Choose a day", "Choisissez un jour", "Wählen Sie einen Tag"],
    StepSlot => ["Choose a time", "Choisissez un horaire", "Wählen Sie eine Uhrzeit"],
    StepDetails => ["Your details", "Vos coordonnées", "Ihre Angaben"],
    StepReview => [
        "Check and send",
        "Vérifiez et envoyez",
        "Prüfen und senden",
    ],
    StepDone => ["Booking confirmed", "Réservation confirmée", "Reservierung bestätigt"],
    PartyLabel => ["Number of people", "Nombre de personnes", "Anzahl der Personen"],
    PersonOne => ["person", "personne", "Person"],
    PersonOther => ["people", "personnes", "Personen"],
    LargeParty => [
        "Larger groups: please contact the business.",
        "Groupes plus nombreux : contactez l’établissement.",
        "Größere Gruppen: Bitte kontaktieren Sie den Betrieb.",
    ],
    ServiceLabel => ["Appointment type", "Type de rendez-vous", "Terminart"],
    Minutes => ["min", "min", "Min."],
    PractitionerLabel => ["With", "Avec", "Bei"],
    AnyPractitioner => [
        "Whoever is free first",
        "Le premier disponible",
        "Wer zuerst frei ist",
    ],
    Continue => ["Continue", "Continuer", "Weiter"],
    Back => ["Back", "Retour", "Zurück"],
    PrevMonth => ["Previous month", "Mois précédent", "Vorheriger Monat"],
    NextMonth => ["Next month", "Mois suivant", "Nächster Monat"],
    CalendarHint => [
        "Arrow keys: day. Page keys: month. Enter: choose.",
        "Flèches : jour. Touches Page : mois. Entrée : choisir.",
        "Pfeiltasten: Tag. Bildtasten: Monat. Eingabe: wählen.",
    ],
    AddToCalendar => [
        "Add to my calendar (.ics)",
        "Ajouter à mon agenda (.ics)",
        "In meinen Kalender (.ics)",
    ],
    DayFree => ["free times", "horaires libres", "freie Zeiten"],
    DayFull => ["fully booked", "complet", "ausgebucht"],
    DayWaitlist => [
        "fully booked, waitlist open",
        "complet, liste d’attente ouverte",
        "ausgebucht, Warteliste offen",
    ],
    WaitlistLead => [
        "Fully booked. On the waitlist, you hear from us if seats free up.",
        "Complet. Sur la liste d’attente, vous êtes prévenu si des places se libèrent.",
        "Ausgebucht. Auf der Warteliste hören Sie von uns, wenn Plätze frei werden.",
    ],
    DayClosed => ["closed", "fermé", "geschlossen"],
    LoadingTimes => [
        "Loading free times…",
        "Chargement des horaires libres…",
        "Freie Zeiten werden geladen …",
    ],
    NoTimes => [
        "No free times on this day.",
        "Aucun horaire libre ce jour-là.",
        "An diesem Tag gibt es keine freien Zeiten.",
    ],
    NameLabel => ["Name", "Nom", "Name"],
    ContactKindLabel => [
        "How can the business reach you?",
        "Comment l’établissement peut-il vous joindre ?",
        "Wie kann der Betrieb Sie erreichen?",
    ],
    ContactPhone => ["Phone", "Téléphone", "Telefon"],
    ContactEmail => ["E-mail", "E-mail", "E-Mail"],
    PhoneLabel => ["Phone number", "Numéro de téléphone", "Telefonnummer"],
    EmailLabel => ["E-mail address", "Adresse e-mail", "E-Mail-Adresse"],
    NoteLabel => [
        "Note (allergies, requests)",
        "Remarque (allergies, demandes)",
        "Hinweis (Allergien, Wünsche)",
    ],
    ReasonLabel => ["Reason for the visit", "Motif de la visite", "Grund des Besuchs"],
    Optional => ["optional", "facultatif", "freiwillig"],
    KeptFor => ["Kept for", "Conservé", "Aufbewahrt für"],
    DayOne => ["day", "jour", "Tag"],
    DayOther => ["days", "jours", "Tage"],
    ConsentLabel => [
        "I explicitly consent to the business using this health information for my visit.",
        "J’accepte explicitement que l’établissement utilise cette information de santé pour ma venue.",
        "Ich willige ausdrücklich ein, dass der Betrieb diese Gesundheitsangabe für meinen Besuch nutzt.",
    ],
    ConsentHint => [
        "This field may hold health data. You may leave it empty instead.",
        "Ce champ peut contenir des données de santé. Vous pouvez aussi le laisser vide.",
        "Dieses Feld kann Gesundheitsdaten enthalten. Sie können es auch leer lassen.",
    ],
    MessagesLabel => [
        "Send me a confirmation and reminders (optional)",
        "M’envoyer une confirmation et des rappels (facultatif)",
        "Bestätigung und Erinnerungen senden (freiwillig)",
    ],
    MessagesHint => [
        "Sent to the contact above by the business only; deleted after the booking.",
        "Envoyés au contact ci-dessus par l’établissement seul ; effacé ensuite.",
        "An den Kontakt oben, nur vom Betrieb; danach gelöscht.",
    ],
    ErrPhoneInternational => [
        "For SMS, start with + and the country code.",
        "Pour les SMS, commencez par + et l’indicatif.",
        "Für SMS mit + und Landesvorwahl beginnen.",
    ],
    MarketingLabel => [
        "News and offers (optional)",
        "Actualités et offres (facultatif)",
        "Neuigkeiten und Angebote (freiwillig)",
    ],
    MarketingHint => [
        "Not needed to book. You can unsubscribe at any time.",
        "Inutile pour réserver. Désinscription à tout moment.",
        "Für die Reservierung nicht nötig. Jederzeit abbestellbar.",
    ],
    MarketingEmail => [
        "Send me news and offers by e-mail",
        "Recevoir les actualités et offres par e-mail",
        "Neuigkeiten und Angebote per E-Mail erhalten",
    ],
    MarketingSms => [
        "Send me news and offers by SMS",
        "Recevoir les actualités et offres par SMS",
        "Neuigkeiten und Angebote per SMS erhalten",
    ],
    Yes => ["Yes", "Oui", "Ja"],
    No => ["No", "Non", "Nein"],
    FixFields => [
        "Please correct the fields below.",
        "Corrigez les champs ci-dessous.",
        "Bitte korrigieren Sie die Felder unten.",
    ],
    WhenLabel => ["When", "Quand", "Wann"],
    ReviewNote => [
        "Nothing has been sent yet.",
        "Rien n’a encore été envoyé.",
        "Noch wurde nichts gesendet.",
    ],
    Submit => ["Send booking", "Envoyer la réservation", "Reservierung senden"],
    JoinWaitlist => [
        "Join the waitlist",
        "M’inscrire sur la liste d’attente",
        "Auf die Warteliste",
    ],
    StatusChecking => [
        "Checking the encryption key…",
        "Vérification de la clé…",
        "Schlüssel wird geprüft …",
    ],
    StatusSealing => [
        "Encrypting…",
        "Chiffrement…",
        "Wird verschlüsselt …",
    ],
    StatusSending => [
        "Sending…",
        "Envoi…",
        "Wird gesendet …",
    ],
    DoneLead => [
        "Your reference:",
        "Votre référence :",
        "Ihre Referenz:",
    ],
    WaitingLead => [
        "You are on the waitlist. Your reference:",
        "Vous êtes sur la liste d’attente. Votre référence :",
        "Sie stehen auf der Warteliste. Ihre Referenz:",
    ],
    WaitingNote => [
        "Not a booking yet: we write to you if seats free up.",
        "Pas encore une réservation : nous vous écrivons si des places se libèrent.",
        "Noch keine Reservierung: Wir schreiben Ihnen, wenn Plätze frei werden.",
    ],
    ErrWaitlistMessages => [
        "The waitlist tells you by message when seats free up: ask for messages.",
        "La liste d’attente vous prévient par message : demandez les messages.",
        "Die Warteliste benachrichtigt Sie per Nachricht: Fordern Sie Nachrichten an.",
    ],
    DoneNote => [
        "Keep it in case you contact the business.",
        "Conservez-la si vous contactez l’établissement.",
        "Bewahren Sie sie für Rückfragen beim Betrieb auf.",
    ],
    ManageLabel => [
        "Your private link to read, change, cancel or erase the booking",
        "Votre lien privé pour consulter, modifier, annuler ou effacer",
        "Ihr privater Link zum Ansehen, Ändern, Stornieren oder Löschen",
    ],
    ManageNote => [
        "Copy it now: it is stored nowhere, and whoever has it can manage the booking.",
        "Copiez-le maintenant : il n’est stocké nulle part, et qui l’a peut gérer la réservation.",
        "Jetzt kopieren: Er wird nirgends gespeichert, und wer ihn hat, kann die Reservierung verwalten.",
    ],
    Copy => ["Copy link", "Copier le lien", "Link kopieren"],
    Copied => ["Link copied.", "Lien copié.", "Link kopiert."],
    NewBooking => [
        "Make another booking",
        "Faire une autre réservation",
        "Weitere Reservierung",
    ],
    ErrNameRequired => [
        "Please enter your name.",
        "Veuillez indiquer votre nom.",
        "Bitte geben Sie Ihren Namen ein.",
    ],
    ErrPhoneInvalid => [
        "Please enter a phone number (digits, spaces, + ( ) -).",
        "Saisissez un numéro de téléphone (chiffres, espaces, + ( ) -).",
        "Bitte Telefonnummer eingeben (Ziffern, Leerzeichen, + ( ) -).",
    ],
    ErrEmailInvalid => [
        "Please enter an e-mail address (name@example.com).",
        "Saisissez une adresse e-mail (nom@exemple.fr).",
        "Bitte E-Mail-Adresse eingeben (name@beispiel.de).",
    ],
    ErrRequired => [
        "Please fill in this field.",
        "Veuillez remplir ce champ.",
        "Bitte füllen Sie dieses Feld aus.",
    ],
    ErrTooLong => [
        "Please shorten this text to 1000 characters.",
        "Veuillez raccourcir ce texte à 1000 caractères.",
        "Bitte kürzen Sie diesen Text auf 1000 Zeichen.",
    ],
    ErrConsent => [
        "Tick the consent box, or empty the field above.",
        "Cochez la case de consentement, ou videz le champ ci-dessus.",
        "Einwilligung ankreuzen oder das Feld darüber leeren.",
    ],
    ErrKeyNotPinned => [
        "The business’s encryption key could not be verified, so nothing was sent. Please contact the business.",
        "La clé de chiffrement de l’établissement n’a pas pu être vérifiée : rien n’a été envoyé. Contactez l’établissement.",
        "Der Schlüssel des Betriebs konnte nicht geprüft werden, daher wurde nichts gesendet. Bitte kontaktieren Sie den Betrieb.",
    ],
    ErrNetwork => [
        "The booking service could not be reached. Please try again.",
        "Le service de réservation est injoignable. Veuillez réessayer.",
        "Der Reservierungsdienst ist nicht erreichbar. Bitte versuchen Sie es erneut.",
    ],
    ErrSealFailed => [
        "Encryption failed, so nothing was sent. Please reload the page.",
        "Le chiffrement a échoué : rien n’a été envoyé. Rechargez la page.",
        "Die Verschlüsselung ist fehlgeschlagen, nichts wurde gesendet. Bitte laden Sie die Seite neu.",
    ],
    ErrInsecurePage => [
        "This page is not served securely (HTTPS), so your booking cannot be encrypted and nothing was sent. Please book from the site’s secure address.",
        "Cette page n’est pas servie de façon sécurisée (HTTPS) : votre réservation ne peut pas être chiffrée et rien n’a été envoyé. Réservez depuis l’adresse sécurisée du site.",
        "Diese Seite wird nicht sicher (HTTPS) ausgeliefert, daher kann Ihre Buchung nicht verschlüsselt werden und nichts wurde gesendet. Bitte buchen Sie über die sichere Adresse der Website.",
    ],
    ErrUnexpectedResponse => [
        "The booking service answered unexpectedly. Please try again later.",
        "Le service de réservation a répondu de façon inattendue. Réessayez plus tard.",
        "Der Reservierungsdienst hat unerwartet geantwortet. Bitte später erneut versuchen.",
    ],
    ErrUnknownBusiness => [
        "This form is not set up correctly (unknown business). Please contact the business.",
        "Ce formulaire est mal configuré (établissement inconnu). Contactez l’établissement.",
        "Dieses Formular ist falsch eingerichtet (unbekannter Betrieb). Bitte kontaktieren Sie den Betrieb.",
    ],
    ErrUnknownKey => [
        "The business’s key has changed. Please reload the page.",
        "La clé de l’établissement a changé. Rechargez la page.",
        "Der Schlüssel des Betriebs hat sich geändert. Bitte laden Sie die Seite neu.",
    ],
    ErrBusinessMismatch => [
        "This form is not set up correctly. Please contact the business.",
        "Ce formulaire est mal configuré. Contactez l’établissement.",
        "Dieses Formular ist falsch eingerichtet. Bitte kontaktieren Sie den Betrieb.",
    ],
    ErrMalformedEnvelope => [
        "Your encrypted booking was refused. Please reload the page.",
        "Votre réservation chiffrée a été refusée. Rechargez la page.",
        "Ihre verschlüsselte Reservierung wurde abgelehnt. Bitte laden Sie die Seite neu.",
    ],
    ErrInvalidStart => [
        "The chosen time could not be read. Please choose it again.",
        "L’horaire choisi est illisible. Choisissez-le à nouveau.",
        "Die gewählte Uhrzeit ist ungültig. Bitte wählen Sie sie erneut.",
    ],
    ErrStartInPast => [
        "The chosen time has passed. Please choose a later one.",
        "L’horaire choisi est passé. Choisissez-en un plus tardif.",
        "Die gewählte Uhrzeit ist vorbei. Bitte wählen Sie eine spätere.",
    ],
    ErrTooSoon => [
        "This time is too soon to book online. Please choose a later one.",
        "Cet horaire est trop proche pour réserver en ligne. Choisissez-en un plus tardif.",
        "Diese Uhrzeit ist zu kurzfristig. Bitte wählen Sie eine spätere.",
    ],
    ErrTooFar => [
        "This date is too far ahead. Please choose an earlier one.",
        "Cette date est trop lointaine. Choisissez-en une plus proche.",
        "Dieses Datum liegt zu weit voraus. Bitte wählen Sie ein früheres.",
    ],
    ErrOutsideOpeningHours => [
        "This time cannot be booked. Please choose another one.",
        "Cet horaire n’est pas réservable. Choisissez-en un autre.",
        "Diese Uhrzeit ist nicht buchbar. Bitte wählen Sie eine andere.",
    ],
    ErrInvalidPartySize => [
        "The number of people is not valid.",
        "Le nombre de personnes n’est pas valable.",
        "Die Personenzahl ist ungültig.",
    ],
    ErrPartyTooLarge => [
        "This group is too large to book online. Please contact the business.",
        "Ce groupe est trop nombreux pour réserver en ligne. Contactez l’établissement.",
        "Diese Gruppe ist zu groß für eine Online-Reservierung. Bitte kontaktieren Sie den Betrieb.",
    ],
    ErrUnknownService => [
        "This appointment type is no longer offered. Please reload the page.",
        "Ce type de rendez-vous n’est plus proposé. Rechargez la page.",
        "Diese Terminart wird nicht mehr angeboten. Bitte laden Sie die Seite neu.",
    ],
    ErrUnknownPractitioner => [
        "This person no longer offers this appointment. Please choose again.",
        "Cette personne ne propose plus ce rendez-vous. Choisissez à nouveau.",
        "Diese Person bietet den Termin nicht mehr an. Bitte wählen Sie erneut.",
    ],
    ErrSlotFull => [
        "Sorry, this time has just been taken. Please choose another.",
        "Désolé, cet horaire vient d’être pris. Choisissez-en un autre.",
        "Diese Uhrzeit wurde gerade vergeben. Bitte wählen Sie eine andere.",
    ],
    ErrSlotOpen => [
        "This time has room again: you can book it now.",
        "Cet horaire a de nouveau de la place : vous pouvez le réserver.",
        "Zu dieser Zeit ist wieder Platz frei: Sie können jetzt reservieren.",
    ],
    ErrNoWaitlist => [
        "There is no waitlist here.",
        "Pas de liste d’attente ici.",
        "Hier gibt es keine Warteliste.",
    ],
    ErrOfferLapsed => [
        "The hold has ended: the seats went to the next person on the waitlist.",
        "Le délai est passé : les places sont allées à la personne suivante sur la liste d’attente.",
        "Die Frist ist vorbei: Die Plätze gingen an die nächste Person auf der Warteliste.",
    ],
    ErrIdempotencyConflict => [
        "This booking was already sent differently. Please reload the page.",
        "Cette réservation a déjà été envoyée autrement. Rechargez la page.",
        "Diese Reservierung wurde schon anders gesendet. Bitte laden Sie die Seite neu.",
    ],
    ErrReplayed => [
        "This booking has already been received.",
        "Cette réservation a déjà été reçue.",
        "Diese Reservierung ist bereits eingegangen.",
    ],
    ErrBookingNotFound => [
        "Booking not found, or the link is not valid.",
        "Réservation introuvable, ou lien non valable.",
        "Reservierung nicht gefunden oder Link ungültig.",
    ],
    ErrCancellationClosed => [
        "It is too late to change or cancel this booking online. Please call the business.",
        "Il est trop tard pour modifier ou annuler cette réservation en ligne. Appelez l’établissement.",
        "Für eine Online-Änderung oder -Stornierung ist es zu spät. Bitte rufen Sie den Betrieb an.",
    ],
    PolicyUntilStart => [
        "You can change or cancel online until the booked time.",
        "Vous pourrez modifier ou annuler en ligne jusqu’à l’heure réservée.",
        "Sie können online bis zur gebuchten Zeit ändern oder stornieren.",
    ],
    PolicyLead => [
        "You can change or cancel online up to",
        "Vous pourrez modifier ou annuler en ligne jusqu’à",
        "Sie können bis",
    ],
    PolicyTail => [
        "before the booked time.",
        "avant l’heure réservée.",
        "vor der gebuchten Zeit online ändern oder stornieren.",
    ],
    HourOne => ["hour", "heure", "Stunde"],
    HourOther => ["hours", "heures", "Stunden"],
    ErrInvalidQuery => [
        "The free times could not be loaded. Please try again.",
        "Les horaires libres n’ont pas pu être chargés. Réessayez.",
        "Die freien Zeiten konnten nicht geladen werden. Bitte erneut versuchen.",
    ],
    ErrPayloadTooLarge => [
        "Your booking is too long to send. Please shorten it.",
        "Votre réservation est trop longue. Raccourcissez-la.",
        "Ihre Reservierung ist zu lang. Bitte kürzen Sie sie.",
    ],
    ErrUnsupportedMediaType => [
        "A technical problem in this form stopped the booking. Please contact the business.",
        "Un problème technique de ce formulaire a bloqué la réservation. Contactez l’établissement.",
        "Ein technisches Problem dieses Formulars hat die Reservierung verhindert. Bitte kontaktieren Sie den Betrieb.",
    ],
    ErrBadRequest => [
        "The booking was not accepted. Please check your details.",
        "La réservation n’a pas été acceptée. Vérifiez vos informations.",
        "Die Reservierung wurde nicht angenommen. Bitte prüfen Sie Ihre Angaben.",
    ],
    ErrRateLimited => [
        "Too many bookings in a short time. Please wait a minute.",
        "Trop de réservations en peu de temps. Patientez une minute.",
        "Zu viele Reservierungen in kurzer Zeit. Bitte warten Sie eine Minute.",
    ],
    ErrInternal => [
        "The booking service had a problem; nothing was booked. Please try again later.",
        "Le service a rencontré un problème ; rien n’a été réservé. Réessayez plus tard.",
        "Beim Dienst trat ein Fehler auf, nichts wurde reserviert. Bitte später erneut versuchen.",
    ],
    ErrOther => [
        "The booking could not be completed.",
        "La réservation n’a pas pu être effectuée.",
        "Die Reservierung konnte nicht abgeschlossen werden.",
    ],
}

/// The business's cancellation policy in one sentence, for before booking.
#[inline]
pub fn cancellation_policy(lang: Lang, hours: u32) -> String {
    if hours == 0 {
        return t(lang, Text::PolicyUntilStart).to_owned();
    }
    let hours = count(lang, hours, Text::HourOne, Text::HourOther);
    format!(
        "{} {hours} {}",
        t(lang, Text::PolicyLead),
        t(lang, Text::PolicyTail)
    )
}

/// `n` and the word that goes with it: "1 personne", "2 personnes", "0 personne".
#[inline]
pub fn count(lang: Lang, n: u32, one: Text, other: Text) -> String {
    // French uses the singular for 0 and 1; English and German only for 1.
    let singular = n == 1 || (lang == Lang::Fr && n == 0);
    let mut out = n.to_string();
    out.push(' ');
    out.push_str(t(lang, if singular { one } else { other }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::checks;

    /// Entries that are legitimately spelt as in English.
    const SAME_AS_ENGLISH: &[(Text, Lang)] = &[
        (Text::NameLabel, Lang::De),
        (Text::ContactEmail, Lang::Fr),
        (Text::Minutes, Lang::Fr),
    ];

    #[test]
    fn the_policy_is_one_sentence_in_each_language() {
        assert_eq!(
            cancellation_policy(Lang::En, 24),
            "You can change or cancel online up to 24 hours before the booked time."
        );
        assert_eq!(
            cancellation_policy(Lang::Fr, 1),
            "Vous pourrez modifier ou annuler en ligne jusqu’à 1 heure avant l’heure réservée."
        );
        assert_eq!(
            cancellation_policy(Lang::De, 48),
            "Sie können bis 48 Stunden vor der gebuchten Zeit online ändern oder stornieren."
        );
        assert_eq!(
            cancellation_policy(Lang::En, 0),
            "You can change or cancel online until the booked time."
        );
    }

    #[test]
    fn every_key_has_a_non_empty_text_in_every_language() {
        checks::every_text_is_present(Text::ALL, t);
    }

    #[test]
    fn translations_are_not_english_copies() {
        checks::translations_are_not_english_copies(Text::ALL, t, SAME_AS_ENGLISH);
    }

    #[test]
    fn keys_are_listed_once() {
        checks::keys_are_listed_once(Text::ALL);
    }

    #[test]
    fn plurals_follow_each_language() {
        let people = |lang, n| count(lang, n, Text::PersonOne, Text::PersonOther);
        assert_eq!(people(Lang::Fr, 1), "1 personne");
        assert_eq!(people(Lang::Fr, 2), "2 personnes");
        assert_eq!(people(Lang::Fr, 0), "0 personne");
        assert_eq!(people(Lang::De, 1), "1 Person");
        assert_eq!(people(Lang::De, 2), "2 Personen");
        assert_eq!(people(Lang::En, 0), "0 people");
        assert_eq!(count(Lang::De, 30, Text::DayOne, Text::DayOther), "30 Tage");
    }
}
