//! After the first unlock with the owner's grant code, the new member locks their
//! copies under a passphrase only they know; the server then holds that copy.

use std::rc::Rc;

use sealbook_wire::api::inbox_keys::WrappedKeyView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::i18n::{Lang, Text, t};
use crate::keyring;
use crate::ui::{ErrorBox, Field, api_error_text, let_the_page_paint, unlock_error_text};

/// As long as the login password's minimum: the copy is attacked offline if stolen.
const MIN_PASSPHRASE_CHARS: usize = 12;

#[derive(Properties, PartialEq)]
pub struct ChooseProps {
    pub lang: Lang,
    pub api: Api,
    pub wrapped: Rc<Vec<WrappedKeyView>>,
    pub grant_code: AttrValue,
    /// The copies, now under the member's own passphrase.
    pub on_done: Callback<Rc<Vec<WrappedKeyView>>>,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(Choose)]
pub fn choose(props: &ChooseProps) -> Html {
    let lang = props.lang;
    let passphrase = use_state(String::new);
    let repeat = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<AttrValue>);

    let onsubmit = {
        let (passphrase, repeat, busy, error) = (
            passphrase.clone(),
            repeat.clone(),
            busy.clone(),
            error.clone(),
        );
        let (api, wrapped, grant) = (
            props.api.clone(),
            props.wrapped.clone(),
            props.grant_code.clone(),
        );
        let (on_done, on_logged_out) = (props.on_done.clone(), props.on_logged_out.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
                error.set(Some(t(lang, Text::WeakPassword).into()));
                return;
            }
            if *passphrase != *repeat {
                error.set(Some(t(lang, Text::PasswordsDiffer).into()));
                return;
            }
            busy.set(true);
            let new_secret = (*passphrase).clone();
            let (api, wrapped, grant) = (api.clone(), wrapped.clone(), grant.clone());
            let (busy, error) = (busy.clone(), error.clone());
            let (on_done, on_logged_out) = (on_done.clone(), on_logged_out.clone());
            spawn_local(async move {
                let_the_page_paint().await;
                let own = wrapped
                    .iter()
                    .map(|copy| {
                        keyring::rewrap(copy, &grant, &new_secret).map(|rewrapped| WrappedKeyView {
                            wrapped: rewrapped,
                            shared: false,
                            ..copy.clone()
                        })
                    })
                    .collect::<Result<Vec<_>, _>>();
                let own = match own {
                    Ok(own) => own,
                    Err(failure) => {
                        error.set(Some(unlock_error_text(lang, failure).into()));
                        busy.set(false);
                        return;
                    }
                };
                if let Err(failure) = api.replace_keys(&own).await {
                    if failure.is_logged_out() {
                        return on_logged_out.emit(failure);
                    }
                    error.set(Some(api_error_text(lang, &failure).into()));
                    busy.set(false);
                    return;
                }
                on_done.emit(Rc::new(own));
            });
        })
    };

    html! {
        <main>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::ChooseHeading) }</h1>
            <p class="sb-muted">{ t(lang, Text::ChooseIntro) }</p>
            <ErrorBox message={(*error).clone()} />
            <form {onsubmit} novalidate=true>
                <Field id="sb-new-passphrase" label={t(lang, Text::KeyPassphrase)} kind="password"
                    value={(*passphrase).clone()} autocomplete={Some(AttrValue::Static("new-password"))}
                    oninput={Callback::from({ let passphrase = passphrase.clone(); move |v| passphrase.set(v) })} />
                <Field id="sb-repeat-passphrase" label={t(lang, Text::RepeatPassphrase)} kind="password"
                    value={(*repeat).clone()} autocomplete={Some(AttrValue::Static("new-password"))}
                    oninput={Callback::from({ let repeat = repeat.clone(); move |v| repeat.set(v) })} />
                <p class="sb-actions">
                    <button id="sb-save-passphrase" class="sb-submit" type="submit" disabled={*busy}>
                        { if *busy { t(lang, Text::Working) } else { t(lang, Text::Save) } }
                    </button>
                </p>
            </form>
        </main>
    }
}
