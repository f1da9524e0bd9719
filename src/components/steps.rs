//! The short steps: choose, slot, review and the confirmation.

use sealbook_web::clock::{self, DateStyle};
use sealbook_web::ics;
use sealbook_web::profile::{Kind, Slot};
use sealbook_web::visitor_texts::{Plural, Text, cancellation_policy, count};
use yew::prelude::*;

use super::controls::{Control, Field};
use super::labels::{label_of, marketing_label};
use super::markup::Out;
use super::{Ctx, failure_notice};
use crate::form::{ANY, Input};
use crate::state::{Confirmed, Loadable};

fn select<'a>(
    ctx: &Ctx<'_>,
    id: &'static str,
    label: Text,
    hint: Option<String>,
    value: &'a str,
    options: Vec<(String, String)>,
) -> Field<'a> {
    Field {
        id,
        label: ctx.t(label).to_owned(),
        hint,
        hint_id: "sb-choose-hint",
        error: None,
        error_id: "",
        value,
        required: true,
        control: Control::Select(options),
    }
}

/// Party size (restaurant), or service and practitioner (clinic).
pub fn choose(ctx: &Ctx<'_>) -> Vec<Html> {
    let (lang, profile, choice) = (ctx.lang, ctx.profile, &ctx.state.choice);
    let party = choice.party.to_string();
    let mut chunks = match profile.kind {
        Kind::Restaurant => {
            let parties = (1..=profile.max_party_size)
                .map(|n| {
                    let text = count(lang, n.into(), Plural::People);
                    (n.to_string(), text)
                })
                .collect();
            let large = profile
                .large_party_message
                .as_ref()
                .map(|m| m.get(lang))
                .filter(|m| !m.is_empty())
                .unwrap_or(ctx.t(Text::LargeParty));
            let hint = Some(large.to_owned());
            vec![select(ctx, "sb-party", Text::PartyLabel, hint, &party, parties).html()]
        }
        Kind::Clinic => {
            let services = profile
                .services
                .iter()
                .map(|s| {
                    let mut text = s.name.get(lang).to_owned();
                    if s.duration_minutes > 0 {
                        text.push_str(" · ");
                        text.push_str(&s.duration_minutes.to_string());
                        text.push(' ');
                        text.push_str(ctx.t(Text::Minutes));
                    }
                    (s.id.clone(), text)
                })
                .collect();
            let practitioners =
                std::iter::once((ANY.to_owned(), ctx.t(Text::AnyPractitioner).to_owned()))
                    .chain(
                        profile
                            .practitioners_for(&choice.service)
                            .map(|p| (p.id.clone(), p.name.clone())),
                    )
                    .collect();
            vec![
                select(
                    ctx,
                    "sb-service",
                    Text::ServiceLabel,
                    None,
                    &choice.service,
                    services,
                )
                .html(),
                select(
                    ctx,
                    "sb-practitioner",
                    Text::PractitionerLabel,
                    None,
                    &choice.practitioner,
                    practitioners,
                )
                .html(),
            ]
        }
    };
    let mut out = Out::default();
    out.raw("<div class=\"sb-nav\">")
        .button("sb-next", "sb-submit", "next", ctx.t(Text::Continue), false)
        .raw("</div>");
    chunks.push(out.html());
    chunks
}

/// Buttons for `slots`, each doing `action` with its index, as a list named by `label`.
fn slot_list(out: &mut Out, action: &str, label: &str, slots: &[Slot]) {
    if slots.is_empty() {
        return;
    }
    out.raw("<ul class=\"sb-slots\" aria-labelledby=\"")
        .raw(label)
        .raw("\">");
    for (i, slot) in slots.iter().enumerate() {
        out.raw("<li><button type=\"button\" class=\"sb-slot\" data-a=\"")
            .raw(action)
            .raw("\" data-v=\"")
            .raw(&i.to_string())
            .raw("\" data-start=\"")
            .text(&slot.start)
            .raw("\">")
            .text(&slot.local)
            .raw("</button></li>");
    }
    out.raw("</ul>");
}

/// The free times of the chosen day, and the full ones whose waitlist may be joined.
pub fn slot(ctx: &Ctx<'_>) -> Vec<Html> {
    let state = ctx.state;
    let mut out = Out::default();
    let Some(date) = state.date else {
        return Vec::new();
    };
    out.raw("<p class=\"sb-lead\">")
        .text(&clock::format_day(ctx.lang, date, DateStyle::Full))
        .raw("</p>");
    if let Some(notice) = state.notice {
        out.raw("<p class=\"sb-error\" id=\"sb-notice\" role=\"alert\">")
            .raw(ctx.t(notice))
            .raw("</p>");
    }
    match &state.availability {
        Loadable::Loading => {
            out.raw("<p class=\"sb-status\">")
                .raw(ctx.t(Text::LoadingTimes))
                .raw("</p>");
        }
        Loadable::Failed(failure) => failure_notice(&mut out, ctx.lang, failure),
        Loadable::Loaded(_) => {
            let slots = state.slots_on(date).unwrap_or_default();
            let full = state.full_on(date);
            if slots.is_empty() && full.is_empty() {
                out.raw("<p class=\"sb-status\" id=\"sb-no-times\">")
                    .raw(ctx.t(Text::NoTimes))
                    .raw("</p>");
            }
            slot_list(&mut out, "slot", "sb-step", slots);
            if !full.is_empty() {
                out.raw("<p class=\"sb-hint\" id=\"sb-wait\">")
                    .raw(ctx.t(Text::WaitlistLead))
                    .raw("</p>");
                slot_list(&mut out, "wait", "sb-wait", full);
            }
        }
    }
    ctx.nav(&mut out, None);
    vec![out.html()]
}

fn row(out: &mut Out, label: &str, value: &str) {
    out.raw("<dt>")
        .raw(label)
        .raw("</dt><dd>")
        .text(value)
        .raw("</dd>");
}

/// Everything that will be sealed, to check before sending.
pub fn review(ctx: &Ctx<'_>) -> Vec<Html> {
    let (lang, profile, state) = (ctx.lang, ctx.profile, ctx.state);
    let (choice, details) = (&state.choice, &state.details);
    let mut out = Out::default();
    out.raw("<dl class=\"sb-review\">");
    match profile.kind {
        Kind::Restaurant => {
            let people = count(lang, choice.party.into(), Plural::People);
            row(&mut out, ctx.t(Text::PartyLabel), &people);
        }
        Kind::Clinic => {
            let service = profile.service(&choice.service).map(|s| s.name.get(lang));
            row(
                &mut out,
                ctx.t(Text::ServiceLabel),
                service.unwrap_or_default(),
            );
            let practitioner = profile
                .practitioner(&choice.practitioner)
                .map_or(ctx.t(Text::AnyPractitioner), |p| p.name.as_str());
            row(&mut out, ctx.t(Text::PractitionerLabel), practitioner);
        }
    }
    if let Some(slot) = &state.slot {
        let when = clock::format_instant(lang, &slot.start, &profile.timezone);
        row(&mut out, ctx.t(Text::WhenLabel), &when);
    }
    for field in &profile.fields {
        let value = details.get(Input::of(field.id)).trim();
        if !value.is_empty() {
            row(
                &mut out,
                ctx.t(label_of(field.id, details.contact_kind)),
                value,
            );
        }
    }
    for optin in &profile.marketing {
        let channel = optin.channel;
        let ticked = details.marketing[channel.index()];
        row(
            &mut out,
            ctx.t(marketing_label(channel)),
            ctx.t(if ticked { Text::Yes } else { Text::No }),
        );
    }
    out.raw("</dl><p class=\"sb-hint\">")
        .raw(ctx.t(Text::ReviewNote))
        .raw("</p><p class=\"sb-hint\" id=\"sb-policy\">")
        .text(&cancellation_policy(lang, profile.cancel_until_hours))
        .raw("</p>");
    if let Some(failure) = &state.failure {
        failure_notice(&mut out, lang, failure);
    }
    let submit = if state.waiting {
        Text::JoinWaitlist
    } else {
        Text::Submit
    };
    ctx.nav(&mut out, Some(("sb-submit", "submit", submit)));
    vec![out.html()]
}

/// The booking as a `data:` URL of an .ics file with its alarm, for a download
/// link: the same event, UID included, as the manage page's.
fn calendar_href(ctx: &Ctx<'_>, confirmed: &Confirmed) -> Option<String> {
    let choice = &ctx.state.choice;
    // "Whoever is free" became someone: the event names them, as the manage page does.
    let practitioner = confirmed
        .practitioner
        .as_deref()
        .unwrap_or(&choice.practitioner);
    let booked = ctx.profile.booked(
        ctx.lang,
        u32::from(choice.party),
        &choice.service,
        practitioner,
    );
    let text = ics::calendar(&ics::Event {
        id: &confirmed.reference,
        start: &confirmed.start,
        duration_minutes: booked.minutes,
        summary: &ctx.profile.name,
        description: &booked.line(),
        stamp: clock::now_unix_seconds(),
    })?;
    let mut href = "data:text/calendar;charset=utf-8,".to_owned();
    href.push_str(&String::from(js_sys::encode_uri_component(&text)));
    Some(href)
}

/// The confirmation: reference, time, the manage link with a copy button, and
/// the calendar download.
pub fn done(ctx: &Ctx<'_>) -> Vec<Html> {
    let Some(confirmed) = ctx.state.confirmed.as_ref() else {
        return Vec::new();
    };
    let when = clock::format_instant(ctx.lang, &confirmed.start, &ctx.profile.timezone);
    let mut out = Out::default();
    let (lead, note) = if confirmed.waiting {
        (Text::WaitingLead, Text::WaitingNote)
    } else {
        (Text::DoneLead, Text::DoneNote)
    };
    out.raw("<div class=\"sb-result\" id=\"sb-result\"><p>")
        .raw(ctx.t(lead))
        .raw(" <strong class=\"sb-reference\" id=\"sb-reference\">")
        .text(&confirmed.reference)
        .raw("</strong></p><dl class=\"sb-review\" id=\"sb-when\">");
    row(&mut out, ctx.t(Text::WhenLabel), &when);
    out.raw("</dl><p>")
        .raw(ctx.t(note))
        .raw("</p><div class=\"sb-field\"><label class=\"sb-label\" for=\"sb-manage\">")
        .raw(ctx.t(Text::ManageLabel))
        .raw("</label><input class=\"sb-input\" id=\"sb-manage\" readonly aria-describedby=\"sb-manage-hint\" value=\"")
        .text(&confirmed.manage_link)
        .raw("\"><p class=\"sb-hint\" id=\"sb-manage-hint\">")
        .raw(ctx.t(Text::ManageNote))
        .raw("</p></div><div class=\"sb-nav\">")
        .button("sb-copy", "sb-submit", "copy", ctx.t(Text::Copy), false);
    // A place on the waitlist is no appointment yet: nothing to put in a calendar.
    if !confirmed.waiting
        && let Some(href) = calendar_href(ctx, confirmed)
    {
        // A download, made here: the calendar entry never touches a server.
        out.raw("<a id=\"sb-ics\" class=\"sb-secondary\" download=\"booking.ics\" href=\"")
            .text(&href)
            .raw("\">")
            .raw(ctx.t(Text::AddToCalendar))
            .raw("</a>");
    }
    out.button(
        "sb-again",
        "sb-secondary",
        "again",
        ctx.t(Text::NewBooking),
        false,
    )
    .raw("</div></div>");
    vec![out.html()]
}
