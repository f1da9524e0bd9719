//! After the first unlock with the owner's grant code, the new member locks their
//! copies under a passphrase only they know; the server then holds that copy.

use std::rc::Rc;

use sealbook_wire::api::inbox_keys::WrappedKeyView;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::use_calls;
use crate::i18n::{Lang, Text, t};
use crate::keyring;
use crate::ui::{ErrorBox, Field, let_the_page_paint, unlock_error_text};

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
    let calls = use_calls(&props.api, lang, &props.on_logged_out);

    let onsubmit = {
        let (calls, passphrase, repeat, busy) = (
            calls.clone(),
            passphrase.clone(),
            repeat.clone(),
            busy.clone(),
        );
        let (wrapped, grant, on_done) = (
            props.wrapped.clone(),
            props.grant_code.clone(),
            props.on_done.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
                calls.show(t(lang, Text::WeakPassword));
                return;
            }
            if *passphrase != *repeat {
                calls.show(t(lang, Text::PasswordsDiffer));
                return;
            }
            busy.set(true);
            let new_secret = (*passphrase).clone();
            let (wrapped, grant, busy, on_done) = (
                wrapped.clone(),
                grant.clone(),
                busy.clone(),
                on_done.clone(),
            );
            calls.spawn(async move |calls| {
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
                        calls.show(unlock_error_text(lang, failure));
                        busy.set(false);
                        return Ok(());
                    }
                };
                calls
                    .api()
                    .replace_keys(&own)
                    .await
                    .inspect_err(|_| busy.set(false))?;
                on_done.emit(Rc::new(own));
                Ok(())
            });
        })
    };

    html! {
        <main>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::ChooseHeading) }</h1>
            <p class="sb-muted">{ t(lang, Text::ChooseIntro) }</p>
            <ErrorBox message={calls.error()} />
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
