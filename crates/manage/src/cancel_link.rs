//! The cancel link a visitor's messages carry, `{server}/manage/cancel?lang=…#{cancel token}`:
//! it shows where and when the booking is — public facts the server holds —
//! and cancels it, and can do nothing else (docs/ENVELOPE.md §8.1). On the
//! waitlist, the same link leaves the waitlist, or takes up seats offered and
//! held until a time. It opens nothing: the token in the fragment is not the
//! manage secret.

use sealbook_envelope::CancelToken;
use sealbook_web::clock;
use sealbook_web::error::{ErrorCode, Failure};
use sealbook_web::visitor_texts::{self as widget_i18n, Text as W};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::answer::CancelLinkBooking;
use crate::i18n::{self, Lang, Text, t};
use crate::net;
use crate::view::{failure_text, row, set_document_lang};

/// The path the link's page is served at.
pub const PATH: &str = "/manage/cancel";

/// What the visitor just did here, which the answer's status alone does not tell.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Done {
    /// Left the waitlist (the answer says `cancelled`).
    Left,
    /// Took up an offer (the answer says `confirmed`).
    Booked,
}

#[derive(Clone, Debug, PartialEq)]
enum Page {
    Loading,
    Invalid,
    Offline,
    Ready(CancelLinkBooking, Option<Done>),
}

/// The link's token, if the fragment holds a well-formed one.
fn token() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let token = hash.strip_prefix('#')?;
    CancelToken::from_base64url(token).map(|token| token.to_base64url())
}

/// `?lang=` of the link (the courier writes the visitor's language there), else the browser's.
fn link_lang() -> Lang {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let asked = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="));
    match asked {
        Some(code) => Lang::from_code(Some(code)),
        None => crate::view::browser_lang(),
    }
}

/// The page's origin, which serves the API.
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// `/api/v1/{action}`: `cancel` or `offer`.
fn url(action: &str) -> String {
    format!("{}/api/v1/{action}", origin())
}

async fn call(method: &str, action: &str, token: &str) -> Result<CancelLinkBooking, Failure> {
    let answer = net::call(method, &url(action), Some(token), None).await?;
    CancelLinkBooking::read(&answer).ok_or(Failure::Known(ErrorCode::UnexpectedResponse))
}

#[function_component]
pub fn CancelLink() -> Html {
    let lang = *use_memo((), |_| link_lang());
    let page = use_state(|| Page::Loading);
    let busy = use_state(|| false);
    let error = use_state(|| None::<&'static str>);
    let focus = use_node_ref();
    {
        let page = page.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                let Some(token) = token() else {
                    if lang != Lang::En {
                        i18n::install(&origin(), None, lang).await;
                    }
                    page.set(Page::Invalid);
                    return;
                };
                let answer = call("GET", "cancel", &token).await;
                // The business's texts in the link's language (with its own),
                // or the translation file's when the link leads nowhere.
                let business = answer
                    .as_ref()
                    .ok()
                    .map(|booking| booking.business.as_str());
                if lang != Lang::En || business.is_some() {
                    i18n::install(&origin(), business, lang).await;
                }
                page.set(match answer {
                    Ok(booking) => Page::Ready(booking, None),
                    Err(Failure::Known(ErrorCode::Network)) => Page::Offline,
                    Err(_) => Page::Invalid,
                });
            });
        });
    }
    {
        // Focus follows each change, so keyboard and screen-reader users land on it.
        let focus = focus.clone();
        use_effect_with((page.clone(), *error), move |_| {
            if let Some(element) = focus.cast::<HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    let tr = move |key: Text| t(lang, key);
    let (waitlisted, waitlist_page) = match &*page {
        Page::Ready(booking, done) => {
            let waitlisted = matches!(booking.status.as_str(), "waiting" | "offered");
            let page = waitlisted || booking.status == "lapsed" || *done == Some(Done::Left);
            (waitlisted, page)
        }
        _ => (false, false),
    };
    let heading = tr(if waitlist_page {
        Text::WaitlistHeading
    } else {
        Text::CancelLinkHeading
    });
    set_document_lang(lang, heading);
    // `POST /api/v1/{action}`; on success the page shows the booking it answers.
    let act = |action: &'static str, done: Option<Done>| {
        let (page, busy, error) = (page.clone(), busy.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (page, busy, error) = (page.clone(), busy.clone(), error.clone());
            let Some(token) = token() else {
                page.set(Page::Invalid);
                return;
            };
            busy.set(true);
            spawn_local(async move {
                match call("POST", action, &token).await {
                    Ok(booking) => {
                        error.set(None);
                        page.set(Page::Ready(booking, done));
                    }
                    Err(failure) => error.set(Some(failure_text(lang, &failure))),
                }
                busy.set(false);
            });
        })
    };
    let cancel = act("cancel", waitlisted.then_some(Done::Left));
    let take = act("offer", Some(Done::Booked));
    let body = match &*page {
        Page::Loading => html! {
            <p class="sb-muted" aria-busy="true">{ tr(Text::Opening) }</p>
        },
        Page::Invalid => html! {
            <p id="sb-invalid" class="sb-error" role="alert" ref={focus.clone()} tabindex="-1">
                { tr(Text::InvalidLink) }
            </p>
        },
        Page::Offline => html! {
            <p id="sb-invalid" class="sb-error" role="alert" ref={focus.clone()} tabindex="-1">
                { widget_i18n::t(lang, W::ErrNetwork) }
            </p>
        },
        Page::Ready(booking, done) => {
            let when = clock::format_instant(lang, &booking.start, &booking.timezone);
            // One element holds the focus: an error, else the status that just changed.
            let status = |key: &'static str, text: Text| {
                let focus = if error.is_some() {
                    NodeRef::default()
                } else {
                    focus.clone()
                };
                html! {
                    <p id="sb-status" data-status={key} role="status" ref={focus} tabindex="-1">
                        { tr(text) }
                    </p>
                }
            };
            let failed = error.map(|text| html! {
                <p id="sb-error" class="sb-error" role="alert" ref={focus.clone()} tabindex="-1">{ text }</p>
            });
            let leave = |class: &'static str, text: Text| {
                html! {
                    <button type="button" id="sb-cancel-yes" {class} disabled={*busy} onclick={cancel.clone()}>
                        { tr(text) }
                    </button>
                }
            };
            let state = match (booking.status.as_str(), done) {
                ("confirmed", _) => html! {
                    <>
                        if *done == Some(Done::Booked) { { status("booked", Text::BookedNotice) } }
                        <p id="sb-question">{ tr(Text::CancelQuestion) }</p>
                        { failed }
                        <div class="sb-nav">{ leave("sb-submit sb-danger", Text::CancelYes) }</div>
                    </>
                },
                ("waiting", _) => html! {
                    <>
                        <p id="sb-question" data-status="waiting">{ tr(Text::WaitingNotice) }</p>
                        { failed }
                        <div class="sb-nav">{ leave("sb-submit", Text::LeaveWaitlist) }</div>
                    </>
                },
                ("offered", _) => {
                    let hold = booking
                        .hold_until
                        .as_deref()
                        .map(|hold| clock::format_instant(lang, hold, &booking.timezone))
                        .unwrap_or_default();
                    html! {
                        <>
                            <p id="sb-question" data-status="offered">
                                { tr(Text::OfferedNotice).replace("{time}", &hold) }
                            </p>
                            { failed }
                            <div class="sb-nav">
                                <button type="button" id="sb-take-offer" class="sb-submit"
                                    disabled={*busy} onclick={take}>{ tr(Text::TakeOffer) }</button>
                                { leave("sb-secondary", Text::DeclineOffer) }
                            </div>
                        </>
                    }
                }
                ("lapsed", _) => status("lapsed", Text::LapsedNotice),
                (_, Some(Done::Left)) => status("left", Text::LeftNotice),
                _ => status("cancelled", Text::CancelledNotice),
            };
            html! {
                <>
                    <dl class="sb-summary">
                        { row(tr(Text::BusinessLabel), html! { booking.business_name.clone() }) }
                        { row(widget_i18n::t(lang, W::WhenLabel), html! { <span id="sb-when">{ when }</span> }) }
                    </dl>
                    { state }
                    <p class="sb-muted">
                        { tr(if waitlist_page { Text::WaitlistLinkOnly } else { Text::CancelLinkOnly }) }
                    </p>
                </>
            }
        }
    };
    html! {
        <>
            <h1>{ heading }</h1>
            { body }
        </>
    }
}
