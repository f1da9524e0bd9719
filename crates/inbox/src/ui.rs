//! Small pieces every view uses: a labelled field, the error box that takes the
//! focus, reading an input, a file download, and the text for an API error.

use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlElement, HtmlInputElement, Url};
use yew::prelude::*;

use crate::api::ApiError;
use crate::i18n::{Lang, Text, t};
use crate::keyring::UnlockError;

/// The text of `input`'s event target.
pub fn value_of(event: &InputEvent) -> String {
    event
        .target_dyn_into::<HtmlInputElement>()
        .map(|input| input.value())
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub invalid: bool,
}

/// A labelled input on its own line.
#[function_component(Field)]
pub fn field(props: &FieldProps) -> Html {
    let oninput = props.oninput.reform(|event: InputEvent| value_of(&event));
    html! {
        <p class="sb-field">
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <input id={props.id.clone()} class="sb-input" type={props.kind.clone()}
                value={props.value.clone()} {oninput}
                autocomplete={props.autocomplete.clone()}
                aria-invalid={props.invalid.then_some("true")} />
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorProps {
    pub message: Option<AttrValue>,
}

/// An alert that takes the focus when it appears, so a screen reader hears it
/// and a keyboard user is where the problem is.
#[function_component(ErrorBox)]
pub fn error_box(props: &ErrorProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.message.clone(), move |message| {
            if message.is_some()
                && let Some(element) = node.cast::<HtmlElement>()
            {
                let _ = element.focus();
            }
        });
    }
    match &props.message {
        Some(message) => html! {
            <p ref={node} class="sb-error" role="alert" tabindex="-1">{ message.clone() }</p>
        },
        None => html! {},
    }
}

/// A form's page while what it needs loads: the heading comes second, as in
/// the form's page (after the back link), so it stays the same element and
/// keeps its focus when the form is drawn.
pub fn loading_page(lang: Lang, heading: Text) -> Html {
    html! {
        <section aria-labelledby="sb-heading">
            <p class="sb-muted">{ t(lang, Text::Loading) }</p>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, heading) }</h1>
        </section>
    }
}

/// What to tell the staff member about a failed request.
pub fn api_error_text(lang: Lang, error: &ApiError) -> &'static str {
    t(
        lang,
        match error.code() {
            "login_failed" => Text::LoginFailed,
            "totp_required" => Text::TotpRequired,
            "totp_failed" => Text::TotpFailed,
            "rate_limited" => Text::RateLimited,
            "network" => Text::Network,
            "not_logged_in" | "session_expired" => Text::SessionEnded,
            "invite_expired" => Text::InviteExpired,
            "reset_expired" => Text::ResetExpired,
            "weak_password" => Text::WeakPassword,
            "wrong_password" => Text::WrongCurrentPassword,
            "forbidden" => Text::Forbidden,
            "no_courier" => Text::NoCourier,
            "booking_cancelled" => Text::AlreadyCancelled,
            "squeeze_in_forbidden" => Text::SqueezeInForbidden,
            _ => Text::SomethingWrong,
        },
    )
}

/// What to tell the staff member when a key copy does not open (or re-lock).
pub fn unlock_error_text(lang: Lang, error: UnlockError) -> &'static str {
    t(
        lang,
        match error {
            UnlockError::WrongPassphrase => Text::WrongPassphrase,
            UnlockError::NoKey => Text::NoKeyGranted,
            UnlockError::Mismatch => Text::KeyMismatch,
            UnlockError::Browser => Text::BrowserCannot,
        },
    )
}

/// Offers `content` as a file named `name` (built here, in the browser).
pub fn download(name: &str, mime: &str, content: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let anchor: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The download reads the Blob after this returns; free it a little later.
    Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Moves the focus to the element with `id` (a view's heading when it opens),
/// once the render that the caller's state change scheduled has run: Yew renders
/// in a microtask, this runs in the next task, so the element exists by then.
pub fn focus(id: &str) {
    let id = id.to_owned();
    Timeout::new(0, move || {
        if let Some(element) = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id(&id))
            .and_then(|element| element.dyn_into::<HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    })
    .forget();
}

/// Lets the browser paint before a long computation (the scrypt of an unlock
/// runs on this thread, so "unlocking…" must be on screen first).
pub async fn let_the_page_paint() {
    TimeoutFuture::new(50).await;
}
