//! The inbox's strings in English, French and German (the staff member's browser
//! language picks one), declared with the shared `texts!` table macro, so a
//! key without all three translations does not compile.

pub use sealbook_web::i18n::Lang;

use sealbook_web::texts;

texts! {
    AppName => ["Sealbook inbox", "Boîte Sealbook", "Sealbook-Posteingang"],
    LoginHeading => ["Log in", "Connexion", "Anmelden"],
    Email => ["E-mail", "E-mail", "E-Mail"],
    Password => ["Password", "Mot de passe", "Passwort"],
    TotpCode => [
        "Code from your authenticator app",
        "Code de votre application d’authentification",
        "Code aus Ihrer Authentifizierungs-App",
    ],
    LogIn => ["Log in", "Se connecter", "Anmelden"],
    Working => ["One moment…", "Un instant…", "Einen Moment …"],
    LoginFailed => [
        "Wrong e-mail or password.",
        "E-mail ou mot de passe incorrect.",
        "E-Mail oder Passwort falsch.",
    ],
    TotpRequired => [
        "Enter the 6-digit code from your authenticator app.",
        "Saisissez le code à 6 chiffres de votre application d’authentification.",
        "Geben Sie den 6-stelligen Code aus Ihrer Authentifizierungs-App ein.",
    ],
    TotpFailed => [
        "That code is not right. Enter the current one.",
        "Ce code n’est pas le bon. Saisissez le code actuel.",
        "Dieser Code stimmt nicht. Geben Sie den aktuellen ein.",
    ],
    RateLimited => [
        "Too many attempts. Wait a minute, then try again.",
        "Trop de tentatives. Attendez une minute, puis réessayez.",
        "Zu viele Versuche. Warten Sie eine Minute und versuchen Sie es erneut.",
    ],
    Network => [
        "The server cannot be reached. Check the connection and try again.",
        "Le serveur est injoignable. Vérifiez la connexion et réessayez.",
        "Der Server ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut.",
    ],
    SomethingWrong => [
        "That did not work. Please try again.",
        "Cela n’a pas fonctionné. Veuillez réessayer.",
        "Das hat nicht geklappt. Bitte versuchen Sie es erneut.",
    ],
    SessionEnded => [
        "Your session has ended. Please log in again.",
        "Votre session est terminée. Reconnectez-vous.",
        "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
    ],
    InviteHeading => ["Create your login", "Créez votre accès", "Zugang einrichten"],
    InviteIntro => [
        "You were invited to read this business’s bookings. Choose a password of at least 12 characters.",
        "Vous êtes invité·e à lire les réservations de cet établissement. Choisissez un mot de passe d’au moins 12 caractères.",
        "Sie wurden eingeladen, die Reservierungen dieses Betriebs zu lesen. Wählen Sie ein Passwort mit mindestens 12 Zeichen.",
    ],
    RepeatPassword => ["Repeat the password", "Répétez le mot de passe", "Passwort wiederholen"],
    CreateLogin => ["Create my login", "Créer mon accès", "Zugang anlegen"],
    PasswordsDiffer => [
        "The two entries differ.",
        "Les deux saisies diffèrent.",
        "Die beiden Eingaben unterscheiden sich.",
    ],
    WeakPassword => [
        "Use at least 12 characters.",
        "Utilisez au moins 12 caractères.",
        "Verwenden Sie mindestens 12 Zeichen.",
    ],
    InviteExpired => [
        "This invitation has expired. Ask the owner for a new one.",
        "Cette invitation a expiré. Demandez-en une nouvelle au responsable.",
        "Diese Einladung ist abgelaufen. Bitten Sie den Inhaber um eine neue.",
    ],
    InviteInvalid => [
        "This invitation is not valid or was already used.",
        "Cette invitation n’est pas valable ou a déjà servi.",
        "Diese Einladung ist ungültig oder wurde bereits verwendet.",
    ],
    UnlockHeading => ["Unlock the bookings", "Déverrouiller les réservations", "Reservierungen entsperren"],
    UnlockIntro => [
        "Your key passphrase opens the bookings here, on this device. It is never sent to the server.",
        "Votre phrase secrète ouvre les réservations ici, sur cet appareil. Elle n’est jamais envoyée au serveur.",
        "Ihre Schlüssel-Passphrase öffnet die Reservierungen hier auf diesem Gerät. Sie wird nie an den Server gesendet.",
    ],
    FirstUnlockIntro => [
        "First time: enter the grant code the owner gave you. You will then choose your own key passphrase.",
        "Première fois : saisissez le code d’accès que le responsable vous a donné. Vous choisirez ensuite votre propre phrase secrète.",
        "Beim ersten Mal: Geben Sie den Freigabecode ein, den Ihnen der Inhaber gegeben hat. Danach wählen Sie Ihre eigene Passphrase.",
    ],
    KeyPassphrase => ["Key passphrase", "Phrase secrète de la clé", "Schlüssel-Passphrase"],
    Unlock => ["Unlock", "Déverrouiller", "Entsperren"],
    Unlocking => [
        "Unlocking… this takes a few seconds.",
        "Déverrouillage… quelques secondes.",
        "Wird entsperrt … das dauert einige Sekunden.",
    ],
    WrongPassphrase => [
        "This passphrase does not open your key.",
        "Cette phrase secrète n’ouvre pas votre clé.",
        "Diese Passphrase öffnet Ihren Schlüssel nicht.",
    ],
    NoKeyGranted => [
        "You have no access to the bookings’ key. Ask the owner to grant it.",
        "Vous n’avez pas accès à la clé des réservations. Demandez-la au responsable.",
        "Sie haben keinen Zugriff auf den Schlüssel der Reservierungen. Bitten Sie den Inhaber darum.",
    ],
    KeyMismatch => [
        "Your copy of the key is damaged or not the business’s key. Ask the owner to grant it again.",
        "Votre copie de la clé est abîmée ou n’est pas celle de l’établissement. Demandez au responsable de vous la redonner.",
        "Ihre Kopie des Schlüssels ist beschädigt oder gehört nicht zum Betrieb. Bitten Sie den Inhaber, sie erneut freizugeben.",
    ],
    BrowserCannot => [
        "This browser cannot hold the key safely. Use a current browser over HTTPS.",
        "Ce navigateur ne peut pas garder la clé en sécurité. Utilisez un navigateur récent en HTTPS.",
        "Dieser Browser kann den Schlüssel nicht sicher halten. Verwenden Sie einen aktuellen Browser über HTTPS.",
    ],
    ChooseHeading => ["Choose your key passphrase", "Choisissez votre phrase secrète", "Eigene Passphrase wählen"],
    ChooseIntro => [
        "From now on only your own passphrase opens your copy of the key. Nobody can recover it for you: keep it safe.",
        "Désormais, seule votre phrase secrète ouvre votre copie de la clé. Personne ne peut la retrouver pour vous : conservez-la bien.",
        "Ab jetzt öffnet nur Ihre eigene Passphrase Ihre Kopie des Schlüssels. Niemand kann sie für Sie wiederherstellen: Bewahren Sie sie gut auf.",
    ],
    RepeatPassphrase => ["Repeat the passphrase", "Répétez la phrase secrète", "Passphrase wiederholen"],
    Save => ["Save", "Enregistrer", "Speichern"],
    Bookings => ["Bookings", "Réservations", "Reservierungen"],
    Staff => ["Staff", "Équipe", "Team"],
    AuditLog => ["Audit log", "Journal d’accès", "Zugriffsprotokoll"],
    LogOut => ["Log out", "Se déconnecter", "Abmelden"],
    LogOutEverywhere => ["Log out everywhere", "Se déconnecter partout", "Überall abmelden"],
    Day => ["Day", "Jour", "Tag"],
    Week => ["Week", "Semaine", "Woche"],
    From => ["From", "Du", "Ab"],
    Previous => ["Previous", "Précédent", "Zurück"],
    Next => ["Next", "Suivant", "Weiter"],
    Today => ["Today", "Aujourd’hui", "Heute"],
    StatusFilter => ["Status", "Statut", "Status"],
    AllStatuses => ["All", "Tous", "Alle"],
    Confirmed => ["Confirmed", "Confirmée", "Bestätigt"],
    Arrived => ["Arrived", "Arrivé·e", "Erschienen"],
    NoShow => ["No-show", "Absent·e", "Nicht erschienen"],
    Cancelled => ["Cancelled", "Annulée", "Storniert"],
    ExportCsv => ["Export CSV", "Exporter en CSV", "Als CSV exportieren"],
    ExportIcs => ["Export calendar (.ics)", "Exporter l’agenda (.ics)", "Kalender exportieren (.ics)"],
    Print => ["Print", "Imprimer", "Drucken"],
    DaySheet => [
        "Day sheet (to print or save as PDF)",
        "Feuille du jour (à imprimer ou enregistrer en PDF)",
        "Tagesblatt (zum Drucken oder als PDF)",
    ],
    Time => ["Time", "Heure", "Zeit"],
    What => ["Party or service", "Couverts ou prestation", "Personen oder Leistung"],
    Name => ["Name", "Nom", "Name"],
    Contact => ["Contact", "Contact", "Kontakt"],
    Notes => ["Notes", "Remarques", "Hinweise"],
    Status => ["Status", "Statut", "Status"],
    Open => ["Open", "Ouvrir", "Öffnen"],
    NoBookings => [
        "No bookings in this period.",
        "Aucune réservation sur cette période.",
        "Keine Reservierungen in diesem Zeitraum.",
    ],
    Loading => ["Loading…", "Chargement…", "Wird geladen …"],
    Decrypting => ["Decrypting", "Déchiffrement", "Entschlüsselung"],
    Of => ["of", "sur", "von"],
    Decrypted => [
        "Decrypted on this device.",
        "Déchiffré sur cet appareil.",
        "Auf diesem Gerät entschlüsselt.",
    ],
    NotForYourKeys => [
        "Sealed to a key you do not hold.",
        "Scellée pour une clé que vous n’avez pas.",
        "Für einen Schlüssel versiegelt, den Sie nicht haben.",
    ],
    Damaged => [
        "This booking is damaged and cannot be read.",
        "Cette réservation est abîmée et illisible.",
        "Diese Reservierung ist beschädigt und nicht lesbar.",
    ],
    People => ["people", "pers.", "Pers."],
    Back => ["Back to the list", "Retour à la liste", "Zurück zur Liste"],
    BookingHeading => ["Booking", "Réservation", "Reservierung"],
    Reference => ["Reference", "Référence", "Referenz"],
    Received => ["Received", "Reçue", "Eingegangen"],
    MarkArrived => ["Mark as arrived", "Marquer arrivé·e", "Als erschienen markieren"],
    MarkNoShow => ["Mark as no-show", "Marquer absent·e", "Als nicht erschienen markieren"],
    MarkConfirmed => ["Back to confirmed", "Remettre en confirmée", "Wieder bestätigt"],
    CancelBooking => ["Cancel the booking", "Annuler la réservation", "Reservierung stornieren"],
    Erase => ["Erase", "Effacer", "Löschen"],
    EraseQuestion => [
        "Erase this booking and all its data now? This cannot be undone.",
        "Effacer maintenant cette réservation et toutes ses données ? C’est irréversible.",
        "Diese Reservierung und alle ihre Daten jetzt löschen? Das lässt sich nicht rückgängig machen.",
    ],
    EraseYes => ["Yes, erase it", "Oui, effacer", "Ja, löschen"],
    Keep => ["No, keep it", "Non, garder", "Nein, behalten"],
    Erased => ["The booking is erased.", "La réservation est effacée.", "Die Reservierung ist gelöscht."],
    ConsentHeading => ["Consent record", "Preuve de consentement", "Einwilligungsnachweis"],
    ConsentNone => [
        "No consent record for this id (it may have expired).",
        "Aucune preuve pour cet identifiant (elle a peut-être expiré).",
        "Kein Nachweis zu dieser Kennung (er ist vielleicht abgelaufen).",
    ],
    Granted => ["Granted", "Acceptés", "Erteilt"],
    Refused => ["Refused", "Refusés", "Abgelehnt"],
    Action => ["Action", "Action", "Aktion"],
    Yes => ["yes", "oui", "ja"],
    No => ["no", "non", "nein"],
    MarketingEmail => ["Marketing by e-mail", "Marketing par e-mail", "Werbung per E-Mail"],
    MarketingSms => ["Marketing by SMS", "Marketing par SMS", "Werbung per SMS"],
    Reason => ["Reason for the visit", "Motif de la visite", "Grund des Besuchs"],
    HealthConsent => ["Health data consent", "Consentement données de santé", "Einwilligung Gesundheitsdaten"],
    Language => ["Language", "Langue", "Sprache"],
    Practitioner => ["With", "Avec", "Bei"],
    Service => ["Service", "Prestation", "Leistung"],
    PartySize => ["Party", "Couverts", "Personen"],
    Members => ["Members", "Membres", "Mitglieder"],
    Role => ["Role", "Rôle", "Rolle"],
    Owner => ["Owner", "Responsable", "Inhaber"],
    Member => ["Staff", "Équipe", "Team"],
    Manager => ["Manager", "Manager", "Leitung"],
    NewBooking => ["New booking", "Nouvelle réservation", "Neue Reservierung"],
    NewBookingExplain => [
        "For a phone call or a walk-in. It is sealed on this device to the business’s keys, like a booking made online.",
        "Pour un appel ou un client sans réservation. Elle est scellée sur cet appareil avec les clés de l’établissement, comme une réservation en ligne.",
        "Für einen Anruf oder Laufkundschaft. Sie wird auf diesem Gerät mit den Schlüsseln des Betriebs versiegelt, wie eine Online-Reservierung.",
    ],
    Date => ["Date", "Date", "Datum"],
    ChooseTime => ["Choose a time", "Choisissez une heure", "Wählen Sie eine Uhrzeit"],
    NoFreeTime => [
        "No free time on this day",
        "Aucun créneau libre ce jour-là",
        "An diesem Tag ist nichts frei",
    ],
    SqueezeIn => [
        "Squeeze in, even if the time is full",
        "Ajouter même si le créneau est complet",
        "Auch eintragen, wenn die Uhrzeit voll ist",
    ],
    SqueezeTime => ["Time (HH:MM)", "Heure (HH:MM)", "Uhrzeit (HH:MM)"],
    SqueezeInForbidden => [
        "Only the owner or a manager may squeeze a booking in.",
        "Seul·e le·la responsable ou un manager peut ajouter une réservation au-delà de la capacité.",
        "Nur der Inhaber oder die Leitung darf über die Kapazität hinaus buchen.",
    ],
    NameRequired => ["Enter a name.", "Saisissez un nom.", "Geben Sie einen Namen ein."],
    ContactRequired => [
        "Enter a phone number or an e-mail address.",
        "Saisissez un numéro de téléphone ou une adresse e-mail.",
        "Geben Sie eine Telefonnummer oder eine E-Mail-Adresse ein.",
    ],
    KeysNotHeld => [
        "This device does not hold every active key of the business, so it cannot seal a booking. Ask the owner to share the new key.",
        "Cet appareil ne détient pas toutes les clés actives de l’établissement : il ne peut pas sceller de réservation. Demandez au·à la responsable de partager la nouvelle clé.",
        "Dieses Gerät hat nicht alle aktiven Schlüssel des Betriebs und kann keine Reservierung versiegeln. Bitten Sie den Inhaber, den neuen Schlüssel zu teilen.",
    ],
    SaveBooking => ["Save booking", "Enregistrer la réservation", "Reservierung speichern"],
    Block => ["Block", "Blocage", "Sperre"],
    BlockTime => ["Block time", "Bloquer un créneau", "Zeit sperren"],
    BlockExplain => [
        "Hold capacity with no guest behind it: a private event, a broken oven. The label is sealed for staff only.",
        "Réserver de la capacité sans client : un événement privé, un four en panne. Le libellé est scellé, visible de l’équipe seule.",
        "Kapazität ohne Gast belegen: eine private Feier, ein kaputter Ofen. Die Bezeichnung wird versiegelt, nur für das Team.",
    ],
    BlockFrom => ["From (HH:MM)", "De (HH:MM)", "Von (HH:MM)"],
    BlockTo => ["Until (HH:MM)", "À (HH:MM)", "Bis (HH:MM)"],
    BlockCoversLabel => [
        "Covers to hold (empty: all)",
        "Couverts à bloquer (vide : tous)",
        "Zu sperrende Plätze (leer: alle)",
    ],
    BlockLabelField => ["Label (staff only)", "Libellé (équipe seule)", "Bezeichnung (nur Team)"],
    BlockSqueeze => [
        "Block even over existing bookings",
        "Bloquer même par-dessus des réservations",
        "Auch über bestehende Reservierungen sperren",
    ],
    BlockTimes => [
        "Enter a start and an end time on the same day, the end after the start, not in the past.",
        "Saisissez une heure de début et de fin le même jour, la fin après le début, pas dans le passé.",
        "Geben Sie Beginn und Ende am selben Tag an, das Ende nach dem Beginn, nicht in der Vergangenheit.",
    ],
    BlockCovers => [
        "Enter a number of covers the business has, or leave it empty for all.",
        "Saisissez un nombre de couverts que l’établissement a, ou laissez vide pour tous.",
        "Geben Sie eine Platzzahl ein, die der Betrieb hat, oder lassen Sie das Feld leer für alle.",
    ],
    BlockOverBookings => [
        "Bookings already use that capacity. Only the owner or a manager may block over them.",
        "Des réservations utilisent déjà cette capacité. Seul·e le·la responsable ou un manager peut bloquer par-dessus.",
        "Reservierungen belegen diese Kapazität schon. Nur der Inhaber oder die Leitung darf darüber sperren.",
    ],
    MoveBooking => ["Move", "Déplacer", "Verschieben"],
    NewTime => ["New time", "Nouvelle heure", "Neue Uhrzeit"],
    BookingMoved => [
        "Moved. The guest’s link shows the new time.",
        "Déplacée. Le lien du client affiche la nouvelle heure.",
        "Verschoben. Der Link des Gastes zeigt die neue Uhrzeit.",
    ],
    EnteredBy => ["Entered by", "Saisie par", "Eingetragen von"],
    EnteredByStaff => ["Staff", "L’équipe", "Team"],
    EnteredByVisitor => ["The guest, online", "Le client, en ligne", "Der Gast, online"],
    RolesExplain => [
        "A manager may also squeeze a booking in past capacity; only the owner manages staff.",
        "Un manager peut aussi ajouter une réservation au-delà de la capacité ; seul·e le·la responsable gère l’équipe.",
        "Die Leitung darf zusätzlich über die Kapazität hinaus buchen; nur der Inhaber verwaltet das Team.",
    ],
    TwoFactor => ["Two-step login", "Double authentification", "Zwei-Faktor-Anmeldung"],
    HasKey => ["Key access", "Accès à la clé", "Schlüsselzugriff"],
    Revoke => ["Revoke", "Retirer l’accès", "Zugriff entziehen"],
    RevokeQuestion => [
        "Revoke this member? Their copy of the key and their sessions are deleted at once.",
        "Retirer l’accès de ce membre ? Sa copie de la clé et ses sessions sont supprimées immédiatement.",
        "Diesem Mitglied den Zugriff entziehen? Seine Kopie des Schlüssels und seine Sitzungen werden sofort gelöscht.",
    ],
    Revoked => ["Access revoked.", "Accès retiré.", "Zugriff entzogen."],
    InviteMember => ["Invite a member", "Inviter un membre", "Mitglied einladen"],
    InviteExplain => [
        "Your key passphrase opens your copy of the key here; the copy for the new member is locked with a one-time grant code. Give them the code in person or by phone, never in the same message as the link.",
        "Votre phrase secrète ouvre ici votre copie de la clé ; la copie du nouveau membre est verrouillée par un code d’accès à usage unique. Donnez-lui ce code de vive voix ou par téléphone, jamais dans le même message que le lien.",
        "Ihre Passphrase öffnet hier Ihre Kopie des Schlüssels; die Kopie für das neue Mitglied wird mit einem einmaligen Freigabecode verschlossen. Geben Sie den Code persönlich oder telefonisch weiter, nie in derselben Nachricht wie den Link.",
    ],
    YourPassphrase => ["Your key passphrase", "Votre phrase secrète", "Ihre Passphrase"],
    CreateInvite => ["Create the invitation", "Créer l’invitation", "Einladung erstellen"],
    InviteLink => ["Invitation link", "Lien d’invitation", "Einladungslink"],
    GrantCode => ["Grant code", "Code d’accès", "Freigabecode"],
    When => ["When", "Quand", "Wann"],
    Who => ["Who", "Qui", "Wer"],
    SessionLabel => ["Session", "Session", "Sitzung"],
    Detail => ["Detail", "Détail", "Details"],
    DownloadCsv => ["Download as CSV", "Télécharger en CSV", "Als CSV herunterladen"],
    Settings => ["Settings", "Réglages", "Einstellungen"],
    TwoFactorIntro => [
        "A code from an authenticator app on your phone, asked at every login after your password.",
        "Un code d’une application d’authentification sur votre téléphone, demandé à chaque connexion après le mot de passe.",
        "Ein Code aus einer Authentifizierungs-App auf Ihrem Telefon, bei jeder Anmeldung nach dem Passwort abgefragt.",
    ],
    TwoFactorOn => [
        "Two-step login is on.",
        "La double authentification est activée.",
        "Die Zwei-Faktor-Anmeldung ist aktiv.",
    ],
    SetUpTwoFactor => ["Set up two-step login", "Activer la double authentification", "Zwei-Faktor-Anmeldung einrichten"],
    TwoFactorSecret => [
        "Add this key to your authenticator app (or open the link on your phone), then enter the code it shows.",
        "Ajoutez cette clé dans votre application d’authentification (ou ouvrez le lien sur votre téléphone), puis saisissez le code affiché.",
        "Fügen Sie diesen Schlüssel Ihrer Authentifizierungs-App hinzu (oder öffnen Sie den Link auf dem Telefon) und geben Sie den angezeigten Code ein.",
    ],
    Confirm => ["Confirm", "Confirmer", "Bestätigen"],
    ChangePassphrase => ["Change my key passphrase", "Changer ma phrase secrète", "Passphrase ändern"],
    CurrentPassphrase => ["Current key passphrase", "Phrase secrète actuelle", "Aktuelle Passphrase"],
    NewPassphrase => ["New key passphrase", "Nouvelle phrase secrète", "Neue Passphrase"],
    PassphraseChanged => [
        "Your key passphrase is changed.",
        "Votre phrase secrète est changée.",
        "Ihre Passphrase ist geändert.",
    ],
    LoginPassword => ["Login password", "Mot de passe de connexion", "Anmeldepasswort"],
    LoginPasswordIntro => [
        "A new password signs you out everywhere but here.",
        "Un nouveau mot de passe vous déconnecte partout sauf ici.",
        "Ein neues Passwort meldet Sie überall ab außer hier.",
    ],
    CurrentPassword => ["Current password", "Mot de passe actuel", "Aktuelles Passwort"],
    NewPassword => ["New password", "Nouveau mot de passe", "Neues Passwort"],
    WrongCurrentPassword => [
        "The current password is wrong.",
        "Le mot de passe actuel est incorrect.",
        "Das aktuelle Passwort ist falsch.",
    ],
    PasswordChanged => [
        "Your password is changed.",
        "Votre mot de passe est changé.",
        "Ihr Passwort ist geändert.",
    ],
    ScriptTag => ["Script tag", "Balise script", "Script-Tag"],
    ScriptTagIntro => [
        "Paste this tag where the booking form should appear on your site. It pins your keys and, with its integrity hash, this exact version of Sealbook: paste it again after a key change or an upgrade.",
        "Collez cette balise là où le formulaire de réservation doit apparaître sur votre site. Elle épingle vos clés et, avec son empreinte d’intégrité, cette version exacte de Sealbook : recollez-la après un changement de clé ou une mise à jour.",
        "Fügen Sie dieses Tag dort in Ihre Website ein, wo das Reservierungsformular erscheinen soll. Es legt Ihre Schlüssel fest und, mit seinem Integritäts-Hash, genau diese Sealbook-Version: Fügen Sie es nach einem Schlüsselwechsel oder Update erneut ein.",
    ],
    PinnedKeys => ["Pinned keys", "Clés épinglées", "Festgelegte Schlüssel"],
    PinnedKeysIntro => [
        "The keys you have opened on this device: the form encrypts to these and to no other key.",
        "Les clés que vous avez ouvertes sur cet appareil : le formulaire chiffre pour elles et pour aucune autre.",
        "Die Schlüssel, die Sie auf diesem Gerät geöffnet haben: Das Formular verschlüsselt nur für sie.",
    ],
    ForeignPins => [
        "The server asks to pin a key that you cannot open on this device, so no tag is shown. Do not paste a tag from elsewhere until you know why: the server's configuration may have been changed. Add your copy of the key below if it is yours.",
        "Le serveur demande d’épingler une clé que vous ne pouvez pas ouvrir sur cet appareil : aucune balise n’est affichée. Ne collez pas de balise venue d’ailleurs avant de savoir pourquoi : la configuration du serveur a pu être modifiée. Ajoutez ci-dessous votre copie de la clé si elle est à vous.",
        "Der Server verlangt, einen Schlüssel festzulegen, den Sie auf diesem Gerät nicht öffnen können; daher wird kein Tag angezeigt. Fügen Sie kein Tag von anderswo ein, bevor Sie wissen, warum: Die Konfiguration des Servers wurde womöglich geändert. Fügen Sie unten Ihre Kopie des Schlüssels hinzu, wenn er Ihnen gehört.",
    ],
    NoPins => [
        "None of the business's active keys is open on this device: add your copy below first.",
        "Aucune clé active de l’établissement n’est ouverte sur cet appareil : ajoutez d’abord votre copie ci-dessous.",
        "Keiner der aktiven Schlüssel des Betriebs ist auf diesem Gerät geöffnet: Fügen Sie zuerst unten Ihre Kopie hinzu.",
    ],
    Integrity => ["Integrity", "Intégrité", "Integrität"],
    IntegrityIntro => [
        "The fingerprint of this Sealbook version. After an upgrade only this value changes: replace the tag's integrity attribute with it, and keep your pins as they are.",
        "L’empreinte de cette version de Sealbook. Après une mise à jour, seule cette valeur change : remplacez par elle l’attribut integrity de la balise et gardez vos clés épinglées telles quelles.",
        "Der Fingerabdruck dieser Sealbook-Version. Nach einem Update ändert sich nur dieser Wert: Ersetzen Sie damit das integrity-Attribut des Tags und lassen Sie die festgelegten Schlüssel unverändert.",
    ],
    SharedKeyWaiting => [
        "The owner has shared a new business key with you. Enter the code they gave you to add it; leave it empty to unlock without it for now.",
        "Le responsable vous a transmis une nouvelle clé de l’établissement. Saisissez le code qu’il vous a donné pour l’ajouter ; laissez vide pour déverrouiller sans elle pour l’instant.",
        "Der Inhaber hat einen neuen Betriebsschlüssel für Sie freigegeben. Geben Sie den Code ein, den er Ihnen gegeben hat; lassen Sie das Feld leer, um vorerst ohne ihn zu entsperren.",
    ],
    SharedKeyCode => ["Code for the new key", "Code de la nouvelle clé", "Code für den neuen Schlüssel"],
    SharedCodeWrong => [
        "That code does not open the new key. Check it with the owner, or leave it empty for now.",
        "Ce code n’ouvre pas la nouvelle clé. Vérifiez-le avec le responsable, ou laissez vide pour l’instant.",
        "Dieser Code öffnet den neuen Schlüssel nicht. Prüfen Sie ihn mit dem Inhaber oder lassen Sie das Feld vorerst leer.",
    ],
    Keys => ["Keys", "Clés", "Schlüssel"],
    KeysIntro => [
        "Bookings are sealed to the active keys. During a rotation the new key is pending: it is already pinned in the tag above, so paste the tag before it goes active. A retired key still opens older bookings; a compromised one is never sealed to again.",
        "Les réservations sont scellées pour les clés actives. Pendant un changement de clé, la nouvelle clé est en attente : elle est déjà épinglée dans la balise ci-dessus, collez donc la balise avant son activation. Une clé retirée ouvre encore les anciennes réservations ; une clé compromise ne sert plus jamais.",
        "Reservierungen werden für die aktiven Schlüssel versiegelt. Bei einem Schlüsselwechsel ist der neue Schlüssel vorgemerkt: Er ist im Tag oben schon festgelegt, fügen Sie das Tag also ein, bevor er aktiv wird. Ein stillgelegter Schlüssel öffnet ältere Reservierungen weiterhin; ein kompromittierter wird nie wieder verwendet.",
    ],
    KeyId => ["Key", "Clé", "Schlüssel"],
    YourCopy => ["Your copy", "Votre copie", "Ihre Kopie"],
    KeyActive => ["Active", "Active", "Aktiv"],
    KeyPending => ["Pending", "En attente", "Vorgemerkt"],
    KeyRetired => ["Retired", "Retirée", "Stillgelegt"],
    KeyCompromised => ["Compromised", "Compromise", "Kompromittiert"],
    AddKeyHeading => [
        "Add your copy of a new key",
        "Ajouter votre copie d’une nouvelle clé",
        "Ihre Kopie eines neuen Schlüssels hinzufügen",
    ],
    AddKeyIntro => [
        "Choose the key file that `sealbook keygen` wrote. It is opened in this browser with its passphrase and locked under your own key passphrase; the server receives only the locked copy.",
        "Choisissez le fichier de clé écrit par `sealbook keygen`. Il est ouvert dans ce navigateur avec sa phrase secrète et verrouillé sous votre propre phrase secrète ; le serveur ne reçoit que la copie verrouillée.",
        "Wählen Sie die Schlüsseldatei, die `sealbook keygen` geschrieben hat. Sie wird in diesem Browser mit ihrer Passphrase geöffnet und unter Ihrer eigenen Schlüssel-Passphrase verschlossen; der Server erhält nur die verschlossene Kopie.",
    ],
    KeyFile => ["Key file", "Fichier de clé", "Schlüsseldatei"],
    KeyFilePassphrase => [
        "Passphrase of the key file",
        "Phrase secrète du fichier de clé",
        "Passphrase der Schlüsseldatei",
    ],
    AddKey => ["Add the key", "Ajouter la clé", "Schlüssel hinzufügen"],
    KeyAdded => [
        "Key added: bookings sealed to it open on this device now. Share it with your staff on the staff page.",
        "Clé ajoutée : les réservations scellées pour elle s’ouvrent dès maintenant sur cet appareil. Transmettez-la à votre équipe sur la page Équipe.",
        "Schlüssel hinzugefügt: Damit versiegelte Reservierungen öffnen sich jetzt auf diesem Gerät. Geben Sie ihn auf der Team-Seite für Ihr Team frei.",
    ],
    KeyFileInvalid => [
        "This is not a key file written by `sealbook keygen`.",
        "Ce n’est pas un fichier de clé écrit par `sealbook keygen`.",
        "Das ist keine von `sealbook keygen` geschriebene Schlüsseldatei.",
    ],
    KeyFileLocked => [
        "The passphrase does not open this key file.",
        "La phrase secrète n’ouvre pas ce fichier de clé.",
        "Die Passphrase öffnet diese Schlüsseldatei nicht.",
    ],
    KeyFileForeign => [
        "This key is not one of this business’s keys. Add it to the server’s configuration first (docs/KEYS.md).",
        "Cette clé n’est pas une clé de cet établissement. Ajoutez-la d’abord à la configuration du serveur (docs/KEYS.md).",
        "Dieser Schlüssel gehört nicht zu diesem Betrieb. Tragen Sie ihn zuerst in die Serverkonfiguration ein (docs/KEYS.md).",
    ],
    KeyHeld => [
        "You already hold this key.",
        "Vous détenez déjà cette clé.",
        "Sie haben diesen Schlüssel bereits.",
    ],
    ShareKey => ["Share new key", "Transmettre la nouvelle clé", "Neuen Schlüssel freigeben"],
    ShareExplain => [
        "The keys this member lacks are locked in this browser under a new one-time grant code. Pass the code on in person; the member enters it when they next unlock.",
        "Les clés qui manquent à ce membre sont verrouillées dans ce navigateur sous un nouveau code d’accès à usage unique. Transmettez le code en personne ; le membre le saisit au prochain déverrouillage.",
        "Die Schlüssel, die diesem Mitglied fehlen, werden in diesem Browser unter einem neuen Einmal-Freigabecode verschlossen. Geben Sie den Code persönlich weiter; das Mitglied gibt ihn beim nächsten Entsperren ein.",
    ],
    KeysComplete => ["All current keys", "Toutes les clés actuelles", "Alle aktuellen Schlüssel"],
    KeysMissing => ["Lacks the new key", "N’a pas la nouvelle clé", "Neuer Schlüssel fehlt"],
    KeysWaiting => [
        "Shared, waiting for the code",
        "Transmise, en attente du code",
        "Freigegeben, wartet auf den Code",
    ],
    KeyShared => [
        "Key shared. Give this code to the member in person:",
        "Clé transmise. Donnez ce code au membre en personne :",
        "Schlüssel freigegeben. Geben Sie dem Mitglied diesen Code persönlich:",
    ],
    Cancel => ["Cancel", "Annuler", "Abbrechen"],
    ResetHeading => ["Choose a new password", "Choisissez un nouveau mot de passe", "Neues Passwort wählen"],
    ResetIntro => [
        "The owner reset your login. Choose a new password of at least 12 characters. Two-step login is off until you set it up again in Settings; your key passphrase is unchanged.",
        "Le responsable a réinitialisé votre accès. Choisissez un nouveau mot de passe d’au moins 12 caractères. La connexion en deux étapes est désactivée jusqu’à ce que vous la configuriez à nouveau dans Réglages ; votre phrase secrète ne change pas.",
        "Der Inhaber hat Ihren Zugang zurückgesetzt. Wählen Sie ein neues Passwort mit mindestens 12 Zeichen. Die Anmeldung in zwei Schritten ist aus, bis Sie sie in den Einstellungen wieder einrichten; Ihre Schlüssel-Passphrase bleibt gleich.",
    ],
    SetPassword => ["Save and log in", "Enregistrer et se connecter", "Speichern und anmelden"],
    ResetInvalid => [
        "This link is not valid, was replaced by a newer one or was already used.",
        "Ce lien n’est pas valable, a été remplacé par un plus récent ou a déjà servi.",
        "Dieser Link ist ungültig, wurde durch einen neueren ersetzt oder schon benutzt.",
    ],
    ResetExpired => [
        "This link has expired. Ask the owner for a new one.",
        "Ce lien a expiré. Demandez-en un nouveau au responsable.",
        "Dieser Link ist abgelaufen. Bitten Sie den Inhaber um einen neuen.",
    ],
    Actions => ["Actions", "Actions", "Aktionen"],
    ResetLogin => ["Reset login", "Réinitialiser l’accès", "Zugang zurücksetzen"],
    ResetQuestion => [
        "Make a one-time link (good for 24 hours) with which this member chooses a new password? Their sessions end when they use it, and two-step login is turned off until they set it up again. Their key passphrase does not change.",
        "Créer un lien à usage unique (valable 24 heures) avec lequel ce membre choisit un nouveau mot de passe ? Ses sessions prennent fin quand il l’utilise et la connexion en deux étapes est désactivée jusqu’à ce qu’il la configure à nouveau. Sa phrase secrète ne change pas.",
        "Einen Einmal-Link (24 Stunden gültig) erstellen, mit dem dieses Mitglied ein neues Passwort wählt? Seine Sitzungen enden, wenn es ihn benutzt, und die Anmeldung in zwei Schritten ist aus, bis es sie wieder einrichtet. Seine Schlüssel-Passphrase ändert sich nicht.",
    ],
    ResetLink => [
        "Give this link to the member, in person or by a channel you trust:",
        "Donnez ce lien au membre, en personne ou par un canal de confiance :",
        "Geben Sie diesen Link dem Mitglied, persönlich oder über einen vertrauenswürdigen Weg:",
    ],
    MakeLink => ["Make the link", "Créer le lien", "Link erstellen"],
    OpenInvites => ["Open invitations", "Invitations en attente", "Offene Einladungen"],
    Expires => ["Expires", "Expire le", "Läuft ab"],
    Withdraw => ["Withdraw", "Retirer", "Zurückziehen"],
    InviteWithdrawn => [
        "Invitation withdrawn: its link no longer works.",
        "Invitation retirée : son lien ne fonctionne plus.",
        "Einladung zurückgezogen: Ihr Link funktioniert nicht mehr.",
    ],
    RememberDevice => [
        "Remember my keys on this device",
        "Mémoriser mes clés sur cet appareil",
        "Meine Schlüssel auf diesem Gerät merken",
    ],
    RememberHint => [
        "Next time, logging in is enough: the passphrase is not asked on this device. Anyone who can use this browser and log in as you can then read bookings. Only on a device that is yours alone.",
        "La prochaine fois, la connexion suffira : la phrase secrète ne sera plus demandée sur cet appareil. Quiconque peut utiliser ce navigateur et se connecter à votre nom pourra alors lire les réservations. Seulement sur un appareil qui n’est qu’à vous.",
        "Beim nächsten Mal genügt die Anmeldung: Die Passphrase wird auf diesem Gerät nicht mehr abgefragt. Wer diesen Browser benutzen und sich als Sie anmelden kann, kann dann Reservierungen lesen. Nur auf einem Gerät, das nur Ihnen gehört.",
    ],
    UnlockWithDevice => [
        "Open with the keys this device remembers",
        "Ouvrir avec les clés mémorisées sur cet appareil",
        "Mit den auf diesem Gerät gemerkten Schlüsseln öffnen",
    ],
    OrPassphrase => [
        "Or unlock with your key passphrase:",
        "Ou déverrouillez avec votre phrase secrète :",
        "Oder entsperren Sie mit Ihrer Schlüssel-Passphrase:",
    ],
    ThisDevice => ["This device", "Cet appareil", "Dieses Gerät"],
    DeviceRemembers => [
        "This device remembers your keys: after logging in, bookings open without your key passphrase.",
        "Cet appareil mémorise vos clés : après la connexion, les réservations s’ouvrent sans votre phrase secrète.",
        "Dieses Gerät merkt sich Ihre Schlüssel: Nach der Anmeldung öffnen sich Reservierungen ohne Ihre Schlüssel-Passphrase.",
    ],
    DeviceForgets => [
        "This device does not remember your keys: each visit asks for your key passphrase.",
        "Cet appareil ne mémorise pas vos clés : chaque visite demande votre phrase secrète.",
        "Dieses Gerät merkt sich Ihre Schlüssel nicht: Jeder Besuch fragt nach Ihrer Schlüssel-Passphrase.",
    ],
    ForgetDevice => [
        "Forget my keys on this device",
        "Oublier mes clés sur cet appareil",
        "Meine Schlüssel auf diesem Gerät vergessen",
    ],
    DeviceForgotten => [
        "Forgotten. The next visit asks for your key passphrase.",
        "Oubliées. La prochaine visite demandera votre phrase secrète.",
        "Vergessen. Der nächste Besuch fragt nach Ihrer Schlüssel-Passphrase.",
    ],
    Copy => ["Copy the tag", "Copier la balise", "Tag kopieren"],
    Copied => ["Copied.", "Copiée.", "Kopiert."],
    Forbidden => [
        "Only the owner can do this.",
        "Seul le responsable peut faire cela.",
        "Nur der Inhaber kann das tun.",
    ],
}

/// The staff member's language: the browser's first of French, German, English.
pub fn browser_lang() -> Lang {
    let languages = web_sys::window()
        .map(|window| window.navigator().languages())
        .map(|list| {
            list.iter()
                .filter_map(|value| value.as_string())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    languages
        .iter()
        .map(|tag| {
            tag.split(['-', '_'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        })
        .find(|code| matches!(code.as_str(), "fr" | "de" | "en"))
        .map_or(Lang::En, |code| Lang::from_code(Some(&code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_translated() {
        for key in Text::ALL {
            let row = key.row();
            assert!(row.iter().all(|text| !text.trim().is_empty()), "{key:?}");
        }
    }
}
