//! Every string the visitor sees, in English, French and German, by key.
//!
//! The `texts!` table takes exactly three literals per key, so a key without a
//! translation does not compile; the tests check that none of them is empty.

/// A language the widget speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
    De,
}

impl Lang {
    /// Every language, in table column order.
    #[cfg(test)]
    pub const ALL: [Self; 3] = [Self::En, Self::Fr, Self::De];

    /// The BCP 47 primary tag, as written into `lang` attributes and the plaintext.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::De => "de",
        }
    }

    /// The language of a tag such as `fr-CA` or `de_AT`, if the widget speaks it.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?;
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "fr" => Some(Self::Fr),
            "de" => Some(Self::De),
            _ => None,
        }
    }

    /// The first candidate the widget speaks, in order of preference; English otherwise.
    pub fn negotiate<'a>(candidates: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        candidates
            .into_iter()
            .flatten()
            .find_map(Self::from_tag)
            .unwrap_or(Self::En)
    }

    /// `data-lang` first, then the host page's `<html lang>`, then the browser's language.
    pub fn detect(explicit: Option<&str>) -> Self {
        let window = web_sys::window();
        let html_lang = window
            .as_ref()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("lang"));
        let navigator_lang = window.and_then(|w| w.navigator().language());
        Self::negotiate([explicit, html_lang.as_deref(), navigator_lang.as_deref()])
    }

    fn column(self) -> usize {
        match self {
            Self::En => 0,
            Self::Fr => 1,
            Self::De => 2,
        }
    }
}

macro_rules! texts {
    ($($key:ident => [$en:literal, $fr:literal, $de:literal $(,)?],)*) => {
        /// A key into the string table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Text {
            $($key,)*
        }

        impl Text {
            /// Every key, in table order.
            #[cfg(test)]
            pub const ALL: &'static [Self] = &[$(Self::$key,)*];

            fn row(self) -> [&'static str; 3] {
                match self {
                    $(Self::$key => [$en, $fr, $de],)*
                }
            }
        }
    };
}

texts! {
    Heading => [
        "Make a booking",
        "Faire une réservation",
        "Reservierung",
    ],
    Intro => [
        "Your details are encrypted in your browser. Only the business can read them. All fields are required.",
        "Vos données sont chiffrées dans votre navigateur. Seul l’établissement peut les lire. Tous les champs sont obligatoires.",
        "Ihre Angaben werden in Ihrem Browser verschlüsselt. Nur der Betrieb kann sie lesen. Alle Felder sind Pflichtfelder.",
    ],
    NameLabel => ["Name", "Nom", "Name"],
    NameHint => [
        "So that the staff know whom to expect.",
        "Pour que l’équipe sache qui attendre.",
        "Damit das Team weiß, wen es erwartet.",
    ],
    ContactKindLabel => [
        "How can the business reach you?",
        "Comment l’établissement peut-il vous joindre ?",
        "Wie kann der Betrieb Sie erreichen?",
    ],
    ContactPhone => ["Phone", "Téléphone", "Telefon"],
    ContactEmail => ["E-mail", "E-mail", "E-Mail"],
    PhoneLabel => ["Phone number", "Numéro de téléphone", "Telefonnummer"],
    EmailLabel => ["E-mail address", "Adresse e-mail", "E-Mail-Adresse"],
    ContactHint => [
        "Used only for questions about this booking.",
        "Utilisé uniquement pour des questions sur cette réservation.",
        "Wird nur für Rückfragen zu dieser Reservierung verwendet.",
    ],
    PartyLabel => ["Number of people", "Nombre de personnes", "Anzahl der Personen"],
    DateLabel => ["Date", "Date", "Datum"],
    TimeLabel => ["Time", "Heure", "Uhrzeit"],
    Submit => ["Send booking", "Envoyer la réservation", "Reservierung senden"],
    StatusChecking => [
        "Checking the business’s encryption key…",
        "Vérification de la clé de chiffrement de l’établissement…",
        "Der Verschlüsselungsschlüssel des Betriebs wird geprüft …",
    ],
    StatusSealing => [
        "Encrypting your booking…",
        "Chiffrement de votre réservation…",
        "Ihre Reservierung wird verschlüsselt …",
    ],
    StatusSending => [
        "Sending your encrypted booking…",
        "Envoi de votre réservation chiffrée…",
        "Ihre verschlüsselte Reservierung wird gesendet …",
    ],
    DoneLead => [
        "Booking received. Your reference:",
        "Réservation reçue. Votre référence :",
        "Reservierung erhalten. Ihre Referenz:",
    ],
    DoneNote => [
        "Please keep this reference in case you need to contact the business.",
        "Conservez cette référence au cas où vous devriez contacter l’établissement.",
        "Bitte bewahren Sie diese Referenz auf, falls Sie den Betrieb kontaktieren müssen.",
    ],
    NewBooking => [
        "Make another booking",
        "Faire une autre réservation",
        "Weitere Reservierung",
    ],
    FixFields => [
        "Please correct the fields marked below.",
        "Veuillez corriger les champs signalés ci-dessous.",
        "Bitte korrigieren Sie die unten markierten Felder.",
    ],
    ErrNameRequired => [
        "Please enter your name.",
        "Veuillez indiquer votre nom.",
        "Bitte geben Sie Ihren Namen ein.",
    ],
    ErrPhoneInvalid => [
        "Please enter a phone number (digits, spaces and + ( ) - only).",
        "Veuillez saisir un numéro de téléphone (chiffres, espaces et + ( ) - uniquement).",
        "Bitte geben Sie eine Telefonnummer ein (nur Ziffern, Leerzeichen und + ( ) -).",
    ],
    ErrEmailInvalid => [
        "Please enter an e-mail address such as name@example.com.",
        "Veuillez saisir une adresse e-mail comme nom@exemple.fr.",
        "Bitte geben Sie eine E-Mail-Adresse wie name@beispiel.de ein.",
    ],
    ErrPartyRange => [
        "Please choose between 1 and 20 people.",
        "Veuillez choisir entre 1 et 20 personnes.",
        "Bitte wählen Sie zwischen 1 und 20 Personen.",
    ],
    ErrDateInvalid => [
        "Please choose a date.",
        "Veuillez choisir une date.",
        "Bitte wählen Sie ein Datum.",
    ],
    ErrTimeInvalid => [
        "Please choose a time.",
        "Veuillez choisir une heure.",
        "Bitte wählen Sie eine Uhrzeit.",
    ],
    ErrStartPast => [
        "This date and time has already passed. Please choose a later one.",
        "Cette date et cette heure sont déjà passées. Veuillez en choisir une plus tardive.",
        "Dieser Zeitpunkt liegt in der Vergangenheit. Bitte wählen Sie einen späteren.",
    ],
    ErrKeyNotPinned => [
        "This booking form could not verify the business’s encryption key, so nothing was sent. Please contact the business directly.",
        "Ce formulaire n’a pas pu vérifier la clé de chiffrement de l’établissement : rien n’a été envoyé. Veuillez contacter l’établissement directement.",
        "Dieses Formular konnte den Verschlüsselungsschlüssel des Betriebs nicht überprüfen, daher wurde nichts gesendet. Bitte wenden Sie sich direkt an den Betrieb.",
    ],
    ErrNetwork => [
        "The booking service could not be reached. Please check your connection and try again.",
        "Le service de réservation est injoignable. Vérifiez votre connexion et réessayez.",
        "Der Reservierungsdienst ist nicht erreichbar. Bitte prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
    ],
    ErrSealFailed => [
        "Your booking could not be encrypted, so nothing was sent. Please reload the page and try again.",
        "Votre réservation n’a pas pu être chiffrée : rien n’a été envoyé. Veuillez recharger la page et réessayer.",
        "Ihre Reservierung konnte nicht verschlüsselt werden, daher wurde nichts gesendet. Bitte laden Sie die Seite neu und versuchen Sie es erneut.",
    ],
    ErrUnexpectedResponse => [
        "The booking service gave an unexpected answer. Please try again later.",
        "Le service de réservation a donné une réponse inattendue. Veuillez réessayer plus tard.",
        "Der Reservierungsdienst hat unerwartet geantwortet. Bitte versuchen Sie es später erneut.",
    ],
    ErrUnknownBusiness => [
        "This booking form is not set up correctly (unknown business). Please contact the business directly.",
        "Ce formulaire de réservation est mal configuré (établissement inconnu). Veuillez contacter l’établissement directement.",
        "Dieses Reservierungsformular ist falsch eingerichtet (unbekannter Betrieb). Bitte wenden Sie sich direkt an den Betrieb.",
    ],
    ErrUnknownKey => [
        "The business’s encryption key has changed. Please reload the page and try again.",
        "La clé de chiffrement de l’établissement a changé. Veuillez recharger la page et réessayer.",
        "Der Verschlüsselungsschlüssel des Betriebs hat sich geändert. Bitte laden Sie die Seite neu und versuchen Sie es erneut.",
    ],
    ErrBusinessMismatch => [
        "This booking form is not set up correctly. Please contact the business directly.",
        "Ce formulaire de réservation est mal configuré. Veuillez contacter l’établissement directement.",
        "Dieses Reservierungsformular ist falsch eingerichtet. Bitte wenden Sie sich direkt an den Betrieb.",
    ],
    ErrMalformedEnvelope => [
        "Your encrypted booking was not accepted. Please reload the page and try again.",
        "Votre réservation chiffrée n’a pas été acceptée. Veuillez recharger la page et réessayer.",
        "Ihre verschlüsselte Reservierung wurde nicht angenommen. Bitte laden Sie die Seite neu und versuchen Sie es erneut.",
    ],
    ErrStartInPast => [
        "The chosen date and time has already passed. Please choose a later one.",
        "La date et l’heure choisies sont déjà passées. Veuillez en choisir une plus tardive.",
        "Der gewählte Zeitpunkt liegt in der Vergangenheit. Bitte wählen Sie einen späteren.",
    ],
    ErrInvalidPartySize => [
        "The business cannot take a booking for this number of people. Please choose another number or contact the business.",
        "L’établissement ne peut pas accepter une réservation pour ce nombre de personnes. Choisissez un autre nombre ou contactez l’établissement.",
        "Der Betrieb kann für diese Personenzahl keine Reservierung annehmen. Bitte wählen Sie eine andere Zahl oder wenden Sie sich an den Betrieb.",
    ],
    ErrPayloadTooLarge => [
        "Your booking is too large to send. Please shorten it and try again.",
        "Votre réservation est trop volumineuse pour être envoyée. Veuillez la raccourcir et réessayer.",
        "Ihre Reservierung ist zu groß zum Senden. Bitte kürzen Sie sie und versuchen Sie es erneut.",
    ],
    ErrUnsupportedMediaType => [
        "The booking could not be sent because of a technical problem in this form. Please contact the business directly.",
        "La réservation n’a pas pu être envoyée à cause d’un problème technique de ce formulaire. Veuillez contacter l’établissement directement.",
        "Die Reservierung konnte wegen eines technischen Problems dieses Formulars nicht gesendet werden. Bitte wenden Sie sich direkt an den Betrieb.",
    ],
    ErrBadRequest => [
        "The booking service did not accept this booking. Please check your details and try again.",
        "Le service de réservation n’a pas accepté cette réservation. Vérifiez vos informations et réessayez.",
        "Der Reservierungsdienst hat diese Reservierung nicht angenommen. Bitte prüfen Sie Ihre Angaben und versuchen Sie es erneut.",
    ],
    ErrRateLimited => [
        "Too many bookings were sent in a short time. Please wait a minute and try again.",
        "Trop de réservations ont été envoyées en peu de temps. Veuillez patienter une minute et réessayer.",
        "In kurzer Zeit wurden zu viele Reservierungen gesendet. Bitte warten Sie eine Minute und versuchen Sie es erneut.",
    ],
    ErrInternal => [
        "The booking service had a problem and nothing was booked. Please try again later.",
        "Le service de réservation a rencontré un problème et rien n’a été réservé. Veuillez réessayer plus tard.",
        "Beim Reservierungsdienst ist ein Fehler aufgetreten, es wurde nichts reserviert. Bitte versuchen Sie es später erneut.",
    ],
    ErrOther => [
        "The booking could not be completed.",
        "La réservation n’a pas pu être effectuée.",
        "Die Reservierung konnte nicht abgeschlossen werden.",
    ],
}

/// The text for `key` in `lang`.
pub fn t(lang: Lang, key: Text) -> &'static str {
    key.row()[lang.column()]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Entries that are legitimately spelt as in English.
    const SAME_AS_ENGLISH: &[(Text, Lang)] = &[
        (Text::NameLabel, Lang::De),
        (Text::ContactEmail, Lang::Fr),
        (Text::DateLabel, Lang::Fr),
    ];

    #[test]
    fn every_key_has_a_non_empty_text_in_every_language() {
        for &key in Text::ALL {
            for lang in Lang::ALL {
                let text = t(lang, key);
                assert!(!text.trim().is_empty(), "{key:?} is empty in {lang:?}");
                assert_eq!(
                    text,
                    text.trim(),
                    "{key:?} in {lang:?} has stray whitespace"
                );
            }
        }
    }

    #[test]
    fn translations_are_not_english_copies() {
        for &key in Text::ALL {
            for lang in [Lang::Fr, Lang::De] {
                if SAME_AS_ENGLISH.contains(&(key, lang)) {
                    continue;
                }
                assert_ne!(
                    t(lang, key),
                    t(Lang::En, key),
                    "{key:?} in {lang:?} is the English text"
                );
            }
        }
    }

    #[test]
    fn keys_are_listed_once() {
        let unique: HashSet<_> = Text::ALL.iter().collect();
        assert_eq!(unique.len(), Text::ALL.len());
    }

    #[test]
    fn tags_map_to_languages() {
        assert_eq!(Lang::from_tag("fr"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("DE_at"), Some(Lang::De));
        assert_eq!(Lang::from_tag(" en-GB "), Some(Lang::En));
        assert_eq!(Lang::from_tag("it"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn negotiation_takes_the_first_spoken_language() {
        assert_eq!(
            Lang::negotiate([Some("de"), Some("fr"), Some("en")]),
            Lang::De
        );
        assert_eq!(Lang::negotiate([None, Some("fr-FR"), Some("de")]), Lang::Fr);
        assert_eq!(Lang::negotiate([Some("it"), None, Some("de-DE")]), Lang::De);
        assert_eq!(Lang::negotiate([Some("es"), Some("it"), None]), Lang::En);
        assert_eq!(Lang::negotiate([None, None, None]), Lang::En);
    }
}
