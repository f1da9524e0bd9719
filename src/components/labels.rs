//! Which text names a declared field or a marketing opt-in: the details step
//! labels its inputs with them and the review step repeats them.

use sealbook_web::profile::{Channel, FieldId};
use sealbook_web::visitor_texts::Text;

use crate::form::ContactKind;

/// The label of a declared field.
pub fn label_of(id: FieldId, contact: ContactKind) -> Text {
    match id {
        FieldId::Name => Text::NameLabel,
        FieldId::Contact if contact == ContactKind::Email => Text::EmailLabel,
        FieldId::Contact => Text::PhoneLabel,
        FieldId::Note => Text::NoteLabel,
        FieldId::Reason => Text::ReasonLabel,
    }
}

/// The label of a channel's opt-in box.
pub fn marketing_label(channel: Channel) -> Text {
    match channel {
        Channel::Email => Text::MarketingEmail,
        Channel::Sms => Text::MarketingSms,
    }
}
