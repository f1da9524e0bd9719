//! The owner's script tag. Its pins are built here, from the keys the owner
//! has unlocked on this device (their kids computed from the keys themselves),
//! never taken from the server: a tampered server configuration could
//! otherwise get its own key pinned at the next re-paste. If the server asks
//! for a key to be pinned that the owner cannot open, no tag is shown. The
//! integrity value (the server's `embed.js`) is shown apart too, so that an
//! upgrade changes only it. Below, the business's keys, and — during a
//! rotation — the owner adds their copy of the new key from the file
//! `sealbook keygen` wrote: opened and locked again here, so the server only
//! ever receives the locked copy.
//!
//! The courier's key is pinned the same way: the owner does not hold its
//! private half here, so they choose its public key file, and its kid, computed
//! here, must be the one the server names before the tag pins it.

use std::rc::Rc;

use sealbook_envelope::Recipient;
use sealbook_wire::api::inbox_keys::WrappedKeyView;
use sealbook_wire::api::keys::KeyStatus;
use sealbook_wire::api::snippet::{Snippet, script_tag};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::use_calls;
use crate::i18n::{Lang, Text, t};
use crate::keyring::{self, KeyFileError, UnlockError};
use crate::ui::{ErrorBox, Field, focus, let_the_page_paint, unlock_error_text};
use crate::views::unlock::Unlocked;

#[derive(Properties, PartialEq)]
pub struct SnippetProps {
    pub lang: Lang,
    pub api: Api,
    /// The owner's keys on this device; a key added here joins them.
    pub unlocked: Unlocked,
    pub on_key_added: Callback<Unlocked>,
    /// The owner's business, as the session names it.
    pub business: String,
    pub on_logged_out: Callback<ApiError>,
}

fn status_text(status: KeyStatus) -> Text {
    match status {
        KeyStatus::Active => Text::KeyActive,
        KeyStatus::Pending => Text::KeyPending,
        KeyStatus::Retired => Text::KeyRetired,
        KeyStatus::Compromised => Text::KeyCompromised,
    }
}

/// The text of the file chosen in the input `id`.
async fn chosen_file_text(id: &str) -> Option<String> {
    let input: HtmlInputElement = web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into()
        .ok()?;
    let file = input.files()?.get(0)?;
    JsFuture::from(file.text()).await.ok()?.as_string()
}

#[function_component(SnippetPage)]
pub fn snippet_page(props: &SnippetProps) -> Html {
    let lang = props.lang;
    let snippet = use_state(|| None::<Snippet>);
    let copied = use_state(|| false);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    let file_passphrase = use_state(String::new);
    let own_passphrase = use_state(String::new);
    let busy = use_state(|| false);
    // Adding a key has its own error box, beside its form.
    let key_calls = use_calls(&props.api, lang, &props.on_logged_out);
    let added = use_state(|| false);
    // Courier kids checked against a public key file chosen on this page.
    let courier_pins = use_state(Vec::<String>::new);
    let courier_error = use_state(|| None::<Text>);
    {
        let (calls, snippet) = (calls.clone(), snippet.clone());
        use_effect_with((), move |()| {
            calls.spawn(async move |calls| {
                snippet.set(Some(calls.api().snippet().await?));
                Ok(())
            });
        });
    }
    // The keys to pin: those the business seals to (active, pending) that this
    // device has opened. A kid the server asks to pin beyond them is refused.
    let pins: Vec<&str> = props
        .unlocked
        .configured
        .iter()
        .filter(|key| key.status.is_current())
        .map(|key| key.kid.as_str())
        .filter(|kid| props.unlocked.keyring.holds(kid))
        .collect();
    let foreign: Vec<String> = snippet
        .as_ref()
        .map(|tag| {
            tag.kids
                .iter()
                .filter(|kid| !props.unlocked.keyring.holds(kid))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    let courier_named: Vec<String> = snippet
        .as_ref()
        .map(|tag| tag.courier_kids.clone())
        .unwrap_or_default();
    // Only kids the server still names: a courier key retired since is dropped.
    let courier_pinned: Vec<&str> = courier_pins
        .iter()
        .filter(|kid| courier_named.contains(kid))
        .map(String::as_str)
        .collect();
    let courier_unpinned = courier_named.len() > courier_pinned.len();
    let tag_html = snippet
        .as_ref()
        .filter(|_| foreign.is_empty() && !pins.is_empty())
        .map(|tag| {
            script_tag(
                &origin,
                &props.business,
                &pins,
                &courier_pinned,
                tag.integrity.as_deref(),
            )
        });
    let check_courier_key = {
        let (courier_pins, courier_error) = (courier_pins.clone(), courier_error.clone());
        let named = courier_named.clone();
        Callback::from(move |_: Event| {
            let (courier_pins, courier_error, named) =
                (courier_pins.clone(), courier_error.clone(), named.clone());
            spawn_local(async move {
                let kid = chosen_file_text("sb-courier-file")
                    .await
                    .and_then(|pem| Recipient::from_spki_pem(&pem).ok())
                    .map(|recipient| recipient.kid().as_str().to_owned());
                match kid {
                    None => courier_error.set(Some(Text::CourierKeyInvalid)),
                    Some(kid) if !named.contains(&kid) => {
                        courier_error.set(Some(Text::CourierKeyForeign));
                    }
                    Some(kid) => {
                        courier_error.set(None);
                        if !courier_pins.contains(&kid) {
                            let mut next = (*courier_pins).clone();
                            next.push(kid);
                            courier_pins.set(next);
                        }
                    }
                }
            });
        })
    };
    let copy = {
        let copied = copied.clone();
        let tag_html = tag_html.clone();
        Callback::from(move |_| {
            let Some(html) = tag_html.clone() else {
                return;
            };
            let copied = copied.clone();
            spawn_local(async move {
                let Some(window) = web_sys::window() else {
                    return;
                };
                let written = window.navigator().clipboard().write_text(&html);
                if JsFuture::from(written).await.is_ok() {
                    copied.set(true);
                }
            });
        })
    };
    let add_key = {
        let (key_calls, file_passphrase, own_passphrase, busy, added) = (
            key_calls.clone(),
            file_passphrase.clone(),
            own_passphrase.clone(),
            busy.clone(),
            added.clone(),
        );
        let (unlocked, on_key_added) = (props.unlocked.clone(), props.on_key_added.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            key_calls.clear();
            added.set(false);
            let (file_secret, own_secret) = ((*file_passphrase).clone(), (*own_passphrase).clone());
            let (unlocked, on_key_added) = (unlocked.clone(), on_key_added.clone());
            let (file_passphrase, own_passphrase, busy, added) = (
                file_passphrase.clone(),
                own_passphrase.clone(),
                busy.clone(),
                added.clone(),
            );
            key_calls.spawn(async move |calls| {
                let fail = |text: &'static str| {
                    calls.show(text);
                    busy.set(false);
                    Ok(())
                };
                let Some(pem) = chosen_file_text("sb-key-file").await else {
                    return fail(t(lang, Text::KeyFileInvalid));
                };
                let_the_page_paint().await;
                // Nothing is locked under a mistyped passphrase: it must open a copy first.
                let Some(copy) = unlocked.wrapped.first() else {
                    return fail(unlock_error_text(lang, UnlockError::NoKey));
                };
                if let Err(failure) = keyring::check_passphrase(copy, &own_secret) {
                    return fail(unlock_error_text(lang, failure));
                }
                let (kid, locked) = match keyring::adopt_key_file(&pem, &file_secret, &own_secret) {
                    Ok(adopted) => adopted,
                    Err(KeyFileError::WrongPassphrase) => {
                        return fail(t(lang, Text::KeyFileLocked));
                    }
                    Err(KeyFileError::NotAKeyFile | KeyFileError::Unusable) => {
                        return fail(t(lang, Text::KeyFileInvalid));
                    }
                };
                let Some(configured) = unlocked
                    .configured
                    .iter()
                    .find(|key| key.kid == kid.as_str())
                else {
                    return fail(t(lang, Text::KeyFileForeign));
                };
                if unlocked.wrapped.iter().any(|copy| copy.kid == kid.as_str()) {
                    return fail(t(lang, Text::KeyHeld));
                }
                let copy = WrappedKeyView {
                    kid: kid.as_str().to_owned(),
                    status: configured.status,
                    wrapped: locked,
                    shared: false,
                };
                calls
                    .api()
                    .replace_keys(std::slice::from_ref(&copy))
                    .await
                    .inspect_err(|_| busy.set(false))?;
                let mut next = unlocked.clone();
                if let Err(failure) = next.keyring.add(&copy, &own_secret).await {
                    return fail(unlock_error_text(lang, failure));
                }
                let mut copies = (*unlocked.wrapped).clone();
                copies.push(copy);
                next.wrapped = Rc::new(copies);
                file_passphrase.set(String::new());
                own_passphrase.set(String::new());
                busy.set(false);
                added.set(true);
                on_key_added.emit(next);
                focus("sb-key-added");
                Ok(())
            });
        })
    };
    let held = |kid: &str| props.unlocked.wrapped.iter().any(|copy| copy.kid == kid);
    let lacking = props
        .unlocked
        .configured
        .iter()
        .any(|key| key.status != KeyStatus::Compromised && !held(&key.kid));

    html! {
        <section aria-labelledby="sb-heading">
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::ScriptTag) }</h1>
            <p class="sb-muted">{ t(lang, Text::ScriptTagIntro) }</p>
            <ErrorBox message={calls.error()} />
            if !foreign.is_empty() {
                <div class="sb-error" id="sb-foreign-pins" role="alert">
                    <p>{ t(lang, Text::ForeignPins) }</p>
                    <ul>{ for foreign.iter().map(|kid| html! { <li><code>{ kid.clone() }</code></li> }) }</ul>
                </div>
            } else if let (Some(tag), Some(html)) = (&*snippet, &tag_html) {
                <pre class="sb-code"><code id="sb-snippet">{ html.clone() }</code></pre>
                if courier_unpinned {
                    <p class="sb-muted" id="sb-courier-unpinned">{ t(lang, Text::CourierNotPinned) }</p>
                }
                <p class="sb-actions">
                    <button id="sb-copy-snippet" class="sb-secondary" type="button" onclick={copy}>
                        { t(lang, Text::Copy) }</button>
                    <span role="status">{ if *copied { t(lang, Text::Copied) } else { "" } }</span>
                </p>
                <h2>{ t(lang, Text::PinnedKeys) }</h2>
                <p class="sb-muted">{ t(lang, Text::PinnedKeysIntro) }</p>
                <ul id="sb-pins">{ for pins.iter().map(|kid| html! { <li><code>{ *kid }</code></li> }) }</ul>
                if !courier_named.is_empty() {
                    <h2>{ t(lang, Text::CourierKeys) }</h2>
                    <p class="sb-muted">{ t(lang, Text::CourierKeysIntro) }</p>
                    <ul id="sb-courier-pins">{ for courier_pinned.iter().map(|kid| html! { <li><code>{ *kid }</code></li> }) }</ul>
                    if courier_unpinned {
                        <p class="sb-field">
                            <label for="sb-courier-file">{ t(lang, Text::CourierKeyFile) }</label>
                            <input id="sb-courier-file" type="file" accept=".pem,application/x-pem-file,text/plain"
                                aria-describedby={courier_error.map(|_| "sb-courier-error")}
                                onchange={check_courier_key} />
                        </p>
                    }
                    if let Some(text) = *courier_error {
                        <p class="sb-error" id="sb-courier-error" role="alert">{ t(lang, text) }</p>
                    }
                }
                if let Some(integrity) = &tag.integrity {
                    <h2>{ t(lang, Text::Integrity) }</h2>
                    <p class="sb-muted">{ t(lang, Text::IntegrityIntro) }</p>
                    <pre class="sb-code"><code id="sb-integrity">{ integrity.clone() }</code></pre>
                }
            } else if snippet.is_some() {
                <p class="sb-error" id="sb-no-pins" role="alert">{ t(lang, Text::NoPins) }</p>
            } else if calls.error().is_none() {
                <p class="sb-muted">{ t(lang, Text::Loading) }</p>
            }
            <h2>{ t(lang, Text::Keys) }</h2>
            <p class="sb-muted">{ t(lang, Text::KeysIntro) }</p>
            <table class="sb-table" id="sb-keys">
                <thead><tr>
                    <th scope="col">{ t(lang, Text::KeyId) }</th>
                    <th scope="col">{ t(lang, Text::Status) }</th>
                    <th scope="col">{ t(lang, Text::YourCopy) }</th>
                </tr></thead>
                <tbody>
                    { for props.unlocked.configured.iter().map(|key| html! {
                        <tr data-kid={key.kid.clone()} data-status={key.status.as_str()}>
                            <td><code>{ key.kid.clone() }</code></td>
                            <td>{ t(lang, status_text(key.status)) }</td>
                            <td>{ t(lang, if held(&key.kid) { Text::Yes } else { Text::No }) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if *added {
                <p class="sb-result" id="sb-key-added" tabindex="-1" role="status">{ t(lang, Text::KeyAdded) }</p>
            }
            if lacking {
                <h3>{ t(lang, Text::AddKeyHeading) }</h3>
                <p class="sb-muted">{ t(lang, Text::AddKeyIntro) }</p>
                <ErrorBox message={key_calls.error()} />
                <form onsubmit={add_key} novalidate=true>
                    <p class="sb-field">
                        <label for="sb-key-file">{ t(lang, Text::KeyFile) }</label>
                        <input id="sb-key-file" type="file" accept=".pem,.key,application/x-pem-file,text/plain" />
                    </p>
                    <Field id="sb-key-file-passphrase" label={t(lang, Text::KeyFilePassphrase)} kind="password"
                        value={(*file_passphrase).clone()} autocomplete={Some(AttrValue::Static("off"))}
                        oninput={Callback::from({ let file_passphrase = file_passphrase.clone(); move |v| file_passphrase.set(v) })} />
                    <Field id="sb-own-passphrase" label={t(lang, Text::YourPassphrase)} kind="password"
                        value={(*own_passphrase).clone()} autocomplete={Some(AttrValue::Static("off"))}
                        oninput={Callback::from({ let own_passphrase = own_passphrase.clone(); move |v| own_passphrase.set(v) })} />
                    <p class="sb-actions">
                        <button id="sb-add-key" class="sb-submit" type="submit" disabled={*busy}>
                            { if *busy { t(lang, Text::Working) } else { t(lang, Text::AddKey) } }</button>
                    </p>
                </form>
            }
        </section>
    }
}
