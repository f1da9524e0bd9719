//! The details step: only the fields the business declares, each with why it is
//! asked and how long it is kept; explicit consent for a filled health field.
//! Every field keeps a fixed number of chunks, so typing never moves a node.

use sealbook_web::profile::{FieldId, FieldSpec};
use sealbook_web::visitor_texts::{Plural, Text, count};
use yew::prelude::*;

use super::controls::{self, Control, Field};
use super::labels::{label_of, marketing_label};
use super::markup::Out;
use super::{Ctx, nothing};
use crate::form::{ContactKind, EMAIL_MAX, Input, NAME_MAX, PHONE_MAX, TEXT_MAX};

/// A box of the form with its label, hint and, after a failed "continue", its error.
fn checkbox(ctx: &Ctx<'_>, input: Input, checked: bool, (label, hint): (Text, Text)) -> Html {
    let error = error_text(ctx, input).map(|error| (input.error_id(), error));
    let mut described = input.hint_id().to_owned();
    if error.is_some() {
        described.push(' ');
        described.push_str(input.error_id());
    }
    controls::checkbox(
        input.id(),
        checked,
        ctx.t(label),
        Some((input.hint_id(), ctx.t(hint))),
        described,
        error,
    )
}

fn error_text(ctx: &Ctx<'_>, input: Input) -> Option<&'static str> {
    ctx.state.error_for(input).map(|e| ctx.t(e.text))
}

/// The contact-kind choice, the field itself, and its consent box (or nothing).
fn field(ctx: &Ctx<'_>, spec: &FieldSpec, chunks: &mut Vec<Html>) {
    let details = &ctx.state.details;
    let input = Input::of(spec.id);
    let mut label = ctx.t(label_of(spec.id, details.contact_kind)).to_owned();
    if !spec.required {
        for part in [" (", ctx.t(Text::Optional), ")"] {
            label.push_str(part);
        }
    }
    let mut hint = spec.purpose.get(ctx.lang).to_owned();
    if spec.retention_days > 0 {
        for part in [" ", ctx.t(Text::KeptFor), " "] {
            hint.push_str(part);
        }
        hint.push_str(&count(ctx.lang, spec.retention_days, Plural::Days));
        hint.push('.');
    }
    let control = match (spec.id, details.contact_kind) {
        (FieldId::Name, _) => Control::Input("text", "name", NAME_MAX),
        (FieldId::Contact, ContactKind::Phone) => Control::Input("tel", "tel", PHONE_MAX),
        (FieldId::Contact, ContactKind::Email) => Control::Input("email", "email", EMAIL_MAX),
        (FieldId::Note | FieldId::Reason, _) => Control::TextArea(TEXT_MAX),
    };
    chunks.push(if spec.id == FieldId::Contact {
        let kinds = [
            (ContactKind::Phone, Text::ContactPhone),
            (ContactKind::Email, Text::ContactEmail),
        ];
        Field {
            id: "sb-contact-kind",
            label: ctx.t(Text::ContactKindLabel).to_owned(),
            hint: None,
            hint_id: "",
            error: None,
            error_id: "",
            value: details.contact_kind.as_str(),
            required: true,
            control: Control::Select(
                kinds
                    .iter()
                    .map(|(kind, text)| (kind.as_str().to_owned(), ctx.t(*text).to_owned()))
                    .collect(),
            ),
        }
        .html()
    } else {
        nothing()
    });
    chunks.push(
        Field {
            id: input.id(),
            label,
            hint: Some(hint),
            hint_id: input.hint_id(),
            error: error_text(ctx, input),
            error_id: input.error_id(),
            value: details.get(input),
            required: spec.required,
            control,
        }
        .html(),
    );
    chunks.push(if spec.health && !details.get(input).trim().is_empty() {
        checkbox(
            ctx,
            Input::Consent,
            details.health_consent,
            (Text::ConsentLabel, Text::ConsentHint),
        )
    } else {
        nothing()
    });
}

/// The confirmation-and-reminders box, when the business's courier sends by
/// the channel of the contact given: never pre-ticked, with where the contact
/// goes and how long it is kept.
fn messages(ctx: &Ctx<'_>, chunks: &mut Vec<Html>) {
    let details = &ctx.state.details;
    chunks.push(if details.offered_channel(ctx.profile).is_some() {
        checkbox(
            ctx,
            Input::Messages,
            details.messages,
            (Text::MessagesLabel, Text::MessagesHint),
        )
    } else {
        nothing()
    });
}

/// The marketing opt-ins the business offers: a heading saying they are optional,
/// then one box per channel, each never pre-ticked, with the business's text.
fn marketing(ctx: &Ctx<'_>, chunks: &mut Vec<Html>) {
    let optins = &ctx.profile.marketing;
    let mut head = Out::default();
    if !optins.is_empty() {
        head.raw("<p class=\"sb-label\" id=\"sb-marketing\">")
            .raw(ctx.t(Text::MarketingLabel))
            .raw("</p><p class=\"sb-hint\" id=\"sb-marketing-hint\">")
            .raw(ctx.t(Text::MarketingHint))
            .raw("</p>");
    }
    chunks.push(head.html());
    for optin in optins {
        let channel = optin.channel;
        let text = optin.text.get(ctx.lang);
        let hint = (!text.is_empty()).then_some((channel.hint_id(), text));
        let mut described = String::from("sb-marketing sb-marketing-hint");
        if hint.is_some() {
            described.push(' ');
            described.push_str(channel.hint_id());
        }
        chunks.push(controls::checkbox(
            channel.id(),
            ctx.state.details.marketing[channel.index()],
            ctx.t(marketing_label(channel)),
            hint,
            described,
            None,
        ));
    }
}

pub fn details(ctx: &Ctx<'_>) -> Vec<Html> {
    let mut chunks = Vec::new();
    let mut summary = Out::default();
    if !ctx.state.errors.is_empty() {
        summary
            .raw("<p class=\"sb-summary\" role=\"alert\">")
            .raw(ctx.t(Text::FixFields))
            .raw("</p>");
    }
    chunks.push(summary.html());
    for spec in &ctx.profile.fields {
        field(ctx, spec, &mut chunks);
    }
    messages(ctx, &mut chunks);
    marketing(ctx, &mut chunks);
    let mut nav = Out::default();
    ctx.nav(&mut nav, Some(("sb-next", "next", Text::Continue)));
    chunks.push(nav.html());
    chunks
}
