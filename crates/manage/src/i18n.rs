//! The manage page's own strings, in English, French and German. Labels the
//! booking widget already has (name, party size, …) come from the visitors' table
//! (`sealbook_web::visitor_texts`).

pub use sealbook_web::i18n::Lang;

use sealbook_web::texts;

texts! {
    Title => ["Your booking", "Votre réservation", "Ihre Reservierung"],
    Opening => [
        "Opening your booking…",
        "Ouverture de votre réservation…",
        "Ihre Reservierung wird geöffnet …",
    ],
    InvalidLink => [
        "This link is not valid, or the booking no longer exists. Please check that you copied the whole link.",
        "Ce lien n’est pas valable, ou la réservation n’existe plus. Vérifiez que vous avez copié le lien en entier.",
        "Dieser Link ist ungültig oder die Reservierung besteht nicht mehr. Bitte prüfen Sie, ob Sie den ganzen Link kopiert haben.",
    ],
    InvalidHeading => [
        "Link not valid",
        "Lien non valable",
        "Link ungültig",
    ],
    Decrypted => [
        "Decrypted in your browser with your private link.",
        "Déchiffrée dans votre navigateur grâce à votre lien privé.",
        "In Ihrem Browser mit Ihrem privaten Link entschlüsselt.",
    ],
    BusinessLabel => ["At", "Chez", "Bei"],
    StatusLabel => ["Status", "Statut", "Status"],
    StatusConfirmed => ["Confirmed", "Confirmée", "Bestätigt"],
    StatusCancelled => ["Cancelled", "Annulée", "Storniert"],
    StatusWaiting => ["On the waitlist", "Sur la liste d’attente", "Auf der Warteliste"],
    Cancel => ["Cancel the booking", "Annuler la réservation", "Reservierung stornieren"],
    CancelLinkHeading => [
        "Cancel your booking",
        "Annuler votre réservation",
        "Reservierung stornieren",
    ],
    CancelLinkOnly => [
        "This link can only cancel. To read or change your booking, use the link you kept when you booked.",
        "Ce lien permet seulement d’annuler. Pour consulter ou modifier votre réservation, utilisez le lien gardé en réservant.",
        "Dieser Link kann nur stornieren. Zum Ansehen oder Ändern nutzen Sie den Link, den Sie bei der Buchung gespeichert haben.",
    ],
    CancelQuestion => [
        "Cancel this booking? The time is given back to the business.",
        "Annuler cette réservation ? L’horaire est rendu à l’établissement.",
        "Diese Reservierung stornieren? Die Zeit wird für den Betrieb wieder frei.",
    ],
    CancelYes => ["Yes, cancel", "Oui, annuler", "Ja, stornieren"],
    Keep => ["No, go back", "Non, revenir", "Nein, zurück"],
    CancelledNotice => [
        "Your booking is cancelled.",
        "Votre réservation est annulée.",
        "Ihre Reservierung ist storniert.",
    ],
    WaitlistHeading => [
        "Your place on the waitlist",
        "Votre place sur la liste d’attente",
        "Ihr Platz auf der Warteliste",
    ],
    WaitlistLinkOnly => [
        "This link can only take up offered seats or leave the waitlist. To read your booking, use the link you kept when you joined the waitlist.",
        "Ce lien permet seulement de réserver les places proposées ou de quitter la liste d’attente. Pour consulter votre réservation, utilisez le lien gardé en vous inscrivant.",
        "Dieser Link kann nur angebotene Plätze buchen oder die Warteliste verlassen. Zum Ansehen nutzen Sie den Link, den Sie bei der Anmeldung gespeichert haben.",
    ],
    WaitingNotice => [
        "You are on the waitlist for this time. We will write to you if seats free up.",
        "Vous êtes sur la liste d’attente pour cet horaire. Nous vous écrirons si des places se libèrent.",
        "Sie stehen für diese Zeit auf der Warteliste. Wir schreiben Ihnen, wenn Plätze frei werden.",
    ],
    LeaveWaitlist => ["Leave the waitlist", "Quitter la liste d’attente", "Warteliste verlassen"],
    LeftNotice => [
        "You have left the waitlist.",
        "Vous avez quitté la liste d’attente.",
        "Sie haben die Warteliste verlassen.",
    ],
    // `{}` is the local time the seats are held until.
    OfferedNotice => [
        "Seats are free for you! They are held until {}.",
        "Des places se sont libérées pour vous ! Elles vous sont réservées jusqu’au {}.",
        "Für Sie sind Plätze frei! Sie sind bis {} für Sie reserviert.",
    ],
    TakeOffer => ["Book these seats", "Réserver ces places", "Diese Plätze buchen"],
    DeclineOffer => [
        "No thanks, leave the waitlist",
        "Non merci, quitter la liste d’attente",
        "Nein danke, Warteliste verlassen",
    ],
    BookedNotice => [
        "Your booking is confirmed. A confirmation message is on its way.",
        "Votre réservation est confirmée. Un message de confirmation va vous parvenir.",
        "Ihre Reservierung ist bestätigt. Eine Bestätigung ist unterwegs.",
    ],
    LapsedNotice => [
        "The hold has ended; the seats went to the next person on the waitlist.",
        "Le délai est passé ; les places sont allées à la personne suivante sur la liste d’attente.",
        "Die Frist ist abgelaufen; die Plätze gingen an die nächste Person auf der Warteliste.",
    ],
    Erase => [
        "Erase the booking and its data",
        "Effacer la réservation et ses données",
        "Reservierung und Daten löschen",
    ],
    EraseQuestion => [
        "This deletes the booking and all its data at once, for you and for the business. It cannot be undone.",
        "Cela supprime immédiatement la réservation et toutes ses données, pour vous et pour l’établissement. C’est irréversible.",
        "Damit werden die Reservierung und alle ihre Daten sofort gelöscht, für Sie und für den Betrieb. Das lässt sich nicht rückgängig machen.",
    ],
    EraseYes => ["Yes, erase everything", "Oui, tout effacer", "Ja, alles löschen"],
    ErasedHeading => ["Booking erased", "Réservation effacée", "Reservierung gelöscht"],
    ErasedNotice => [
        "Your booking and all its data have been erased. Nothing is left on this page or on the server.",
        "Votre réservation et toutes ses données ont été effacées. Il n’en reste rien sur cette page ni sur le serveur.",
        "Ihre Reservierung und alle ihre Daten wurden gelöscht. Auf dieser Seite und auf dem Server ist nichts mehr davon.",
    ],
    Change => ["Change the time", "Changer l’horaire", "Uhrzeit ändern"],
    ChangeQuestion => [
        "Choose a new day and time. Your booking is encrypted again in your browser.",
        "Choisissez un nouveau jour et un nouvel horaire. Votre réservation est de nouveau chiffrée dans votre navigateur.",
        "Wählen Sie einen neuen Tag und eine neue Uhrzeit. Ihre Reservierung wird erneut in Ihrem Browser verschlüsselt.",
    ],
    DayLabel => ["Day", "Jour", "Tag"],
    ChangedNotice => [
        "Your booking has been moved.",
        "Votre réservation a été déplacée.",
        "Ihre Reservierung wurde verschoben.",
    ],
    NoPins => [
        "This booking cannot be moved online: the business’s keys cannot be verified for it. Please contact the business.",
        "Cette réservation ne peut pas être déplacée en ligne : les clés de l’établissement ne peuvent pas être vérifiées. Contactez l’établissement.",
        "Diese Reservierung kann nicht online verschoben werden: Die Schlüssel des Betriebs lassen sich dafür nicht prüfen. Bitte kontaktieren Sie den Betrieb.",
    ],
    Working => ["Please wait…", "Veuillez patienter…", "Bitte warten …"],
    DeadlineLabel => [
        "Change or cancel online until",
        "Modification ou annulation en ligne jusqu’au",
        "Online ändern oder stornieren bis",
    ],
    ClosedCall => [
        "It is too late to change or cancel this booking online. To change or cancel it, call the business:",
        "Il est trop tard pour modifier ou annuler cette réservation en ligne. Pour la modifier ou l’annuler, appelez l’établissement :",
        "Diese Reservierung lässt sich online nicht mehr ändern oder stornieren. Rufen Sie dafür den Betrieb an:",
    ],
    ClosedContact => [
        "It is too late to change or cancel this booking online. To change or cancel it, contact the business directly.",
        "Il est trop tard pour modifier ou annuler cette réservation en ligne. Pour la modifier ou l’annuler, contactez directement l’établissement.",
        "Diese Reservierung lässt sich online nicht mehr ändern oder stornieren. Wenden Sie sich dafür direkt an den Betrieb.",
    ],
}

#[cfg(test)]
mod tests {
    use sealbook_web::i18n::checks;

    use super::*;

    /// Entries that are legitimately spelt as in English.
    const SAME_AS_ENGLISH: &[(Text, Lang)] = &[(Text::StatusLabel, Lang::De)];

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
}
