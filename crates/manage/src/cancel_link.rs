//! The cancel link a visitor's messages carry, `{server}/manage/cancel?lang=…#{cancel token}`:
//! it shows where and when the booking is — public facts the server holds —
//! and cancels it, and can do nothing else (docs/ENVELOPE.md §8.1). It opens
//! nothing: the token in the fragment is not the manage secret.

use sealbook_envelope::CancelToken;
use sealbook_web::clock;
use sealbook_web::error::{ErrorCode, Failure};
use sealbook_web::visitor_texts::{self as widget_i18n, Text as W};
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::answer::CancelLinkBooking;
use crate::i18n::{Lang, Text, t};
use crate::net;
use crate::view::{failure_text, row, set_document_lang};

/// The path the link's page is served at.
pub const PATH: &str = "/manage/cancel";

#[derive(Clone, Debug, PartialEq)]
enum Page {
    Loading,
    Invalid,
    Offline,
    Ready(CancelLinkBooking),
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

fn url() -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/api/v1/cancel")
}

async fn call(method: &str, token: &str) -> Result<CancelLinkBooking, Failure> {
    let answer = net::call(method, &url(), Some(token), None).await?;
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
                    page.set(Page::Invalid);
                    return;
                };
                page.set(match call("GET", &token).await {
                    Ok(booking) => Page::Ready(booking),
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
    set_document_lang(lang, tr(Text::CancelLinkHeading));
    let cancel = {
        let (page, busy, error) = (page.clone(), busy.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (page, busy, error) = (page.clone(), busy.clone(), error.clone());
            let Some(token) = token() else {
                page.set(Page::Invalid);
                return;
            };
            busy.set(true);
            spawn_local(async move {
                match call("POST", &token).await {
                    Ok(booking) => {
                        error.set(None);
                        page.set(Page::Ready(booking));
                    }
                    Err(failure) => error.set(Some(failure_text(lang, &failure))),
                }
                busy.set(false);
            });
        })
    };
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
        Page::Ready(booking) => {
            let confirmed = booking.confirmed;
            let when = clock::format_instant(lang, &booking.start, &booking.timezone);
            html! {
                <>
                    <dl class="sb-summary">
                        { row(tr(Text::BusinessLabel), html! { booking.business_name.clone() }) }
                        { row(widget_i18n::t(lang, W::WhenLabel), html! { <span id="sb-when">{ when }</span> }) }
                    </dl>
                    if confirmed {
                        <p id="sb-question">{ tr(Text::CancelQuestion) }</p>
                        if let Some(text) = *error {
                            <p id="sb-error" class="sb-error" role="alert" ref={focus.clone()} tabindex="-1">{ text }</p>
                        }
                        <div class="sb-nav">
                            <button type="button" id="sb-cancel-yes" class="sb-submit sb-danger"
                                disabled={*busy} onclick={cancel}>{ tr(Text::CancelYes) }</button>
                        </div>
                    } else {
                        <p id="sb-status" data-status="cancelled" role="status" ref={focus.clone()} tabindex="-1">
                            { tr(Text::CancelledNotice) }
                        </p>
                    }
                    <p class="sb-muted">{ tr(Text::CancelLinkOnly) }</p>
                </>
            }
        }
    };
    html! {
        <>
            <h1>{ tr(Text::CancelLinkHeading) }</h1>
            { body }
        </>
    }
}
