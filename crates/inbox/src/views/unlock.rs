//! The key passphrase opens the staff member's wrapped copies here; only the
//! wrapped copies come from the server, nothing goes back.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError, WrappedKey};
use crate::i18n::{Lang, Text, t};
use crate::keyring::Keyring;
use crate::timing;
use crate::ui::{ErrorBox, Field, api_error_text, let_the_page_paint, unlock_error_text};

/// What an unlock hands on: the keys, the copies they came from, and — on a
/// first unlock with a grant code — the code, to re-wrap the copies under the
/// member's own passphrase.
#[derive(Clone, Debug, PartialEq)]
pub struct Unlocked {
    pub keyring: Keyring,
    pub wrapped: Rc<Vec<WrappedKey>>,
    pub grant_code: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct UnlockProps {
    pub lang: Lang,
    pub api: Api,
    /// Just joined: the passphrase is the owner's one-time grant code.
    pub first: bool,
    pub on_unlocked: Callback<Unlocked>,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(Unlock)]
pub fn unlock(props: &UnlockProps) -> Html {
    let lang = props.lang;
    let passphrase = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<AttrValue>);

    let onsubmit = {
        let (passphrase, busy, error) = (passphrase.clone(), busy.clone(), error.clone());
        let (api, first) = (props.api.clone(), props.first);
        let (on_unlocked, on_logged_out) = (props.on_unlocked.clone(), props.on_logged_out.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            error.set(None);
            let secret = (*passphrase).clone();
            let (api, busy, error) = (api.clone(), busy.clone(), error.clone());
            let (on_unlocked, on_logged_out) = (on_unlocked.clone(), on_logged_out.clone());
            spawn_local(async move {
                let wrapped = match api.keys().await {
                    Ok(wrapped) => wrapped,
                    Err(failure) if failure.is_logged_out() => return on_logged_out.emit(failure),
                    Err(failure) => {
                        error.set(Some(api_error_text(lang, &failure).into()));
                        busy.set(false);
                        return;
                    }
                };
                let_the_page_paint().await;
                match timing::measured("sealbook:unlock", Keyring::unlock(&wrapped, &secret)).await
                {
                    Ok(keyring) => on_unlocked.emit(Unlocked {
                        keyring,
                        wrapped: Rc::new(wrapped),
                        grant_code: first.then_some(secret),
                    }),
                    Err(failure) => {
                        error.set(Some(unlock_error_text(lang, failure).into()));
                        busy.set(false);
                    }
                }
            });
        })
    };

    html! {
        <main>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::UnlockHeading) }</h1>
            <p class="sb-muted">{ t(lang, Text::UnlockIntro) }</p>
            if props.first {
                <p class="sb-muted">{ t(lang, Text::FirstUnlockIntro) }</p>
            }
            <ErrorBox message={(*error).clone()} />
            <form {onsubmit} novalidate=true>
                <Field id="sb-passphrase"
                    label={t(lang, if props.first { Text::GrantCode } else { Text::KeyPassphrase })}
                    kind="password" value={(*passphrase).clone()}
                    autocomplete={Some(AttrValue::Static("off"))}
                    oninput={Callback::from({ let passphrase = passphrase.clone(); move |v| passphrase.set(v) })} />
                <p class="sb-actions">
                    <button id="sb-unlock" class="sb-submit" type="submit" disabled={*busy}>
                        { if *busy { t(lang, Text::Unlocking) } else { t(lang, Text::Unlock) } }
                    </button>
                </p>
            </form>
            <p class="sb-live" aria-live="polite">{ if *busy { t(lang, Text::Unlocking) } else { "" } }</p>
        </main>
    }
}
