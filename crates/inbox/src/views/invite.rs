//! An invitation link (`/inbox/#invite=<token>`; the fragment never reaches the
//! server): the new member chooses their login password.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Api, Session};
use crate::i18n::{Lang, Text, t};
use crate::ui::{ErrorBox, Field, api_error_text};

/// The server's minimum, checked here first so the member hears it at once.
const MIN_PASSWORD_CHARS: usize = 12;

#[derive(Properties, PartialEq)]
pub struct InviteProps {
    pub lang: Lang,
    pub token: AttrValue,
    pub on_joined: Callback<Session>,
}

#[function_component(Invite)]
pub fn invite(props: &InviteProps) -> Html {
    let lang = props.lang;
    let password = use_state(String::new);
    let repeat = use_state(String::new);
    let busy = use_state(|| false);
    let error = use_state(|| None::<AttrValue>);

    let onsubmit = {
        let (password, repeat, busy, error) = (
            password.clone(),
            repeat.clone(),
            busy.clone(),
            error.clone(),
        );
        let (token, on_joined) = (props.token.clone(), props.on_joined.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            if password.chars().count() < MIN_PASSWORD_CHARS {
                error.set(Some(t(lang, Text::WeakPassword).into()));
                return;
            }
            if *password != *repeat {
                error.set(Some(t(lang, Text::PasswordsDiffer).into()));
                return;
            }
            busy.set(true);
            let (password, token) = ((*password).clone(), token.clone());
            let (busy, error, on_joined) = (busy.clone(), error.clone(), on_joined.clone());
            spawn_local(async move {
                match Api::default().accept_invite(&token, &password).await {
                    Ok(session) => on_joined.emit(session),
                    Err(failure) => {
                        let text = if failure.code() == "not_found" {
                            t(lang, Text::InviteInvalid)
                        } else {
                            api_error_text(lang, &failure)
                        };
                        error.set(Some(text.into()));
                        busy.set(false);
                    }
                }
            });
        })
    };

    html! {
        <main>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::InviteHeading) }</h1>
            <p class="sb-muted">{ t(lang, Text::InviteIntro) }</p>
            <ErrorBox message={(*error).clone()} />
            <form {onsubmit} novalidate=true>
                <Field id="sb-new-password" label={t(lang, Text::Password)} kind="password"
                    value={(*password).clone()} autocomplete={Some(AttrValue::Static("new-password"))}
                    oninput={Callback::from({ let password = password.clone(); move |v| password.set(v) })} />
                <Field id="sb-repeat-password" label={t(lang, Text::RepeatPassword)} kind="password"
                    value={(*repeat).clone()} autocomplete={Some(AttrValue::Static("new-password"))}
                    oninput={Callback::from({ let repeat = repeat.clone(); move |v| repeat.set(v) })} />
                <p class="sb-actions">
                    <button id="sb-join" class="sb-submit" type="submit" disabled={*busy}>
                        { if *busy { t(lang, Text::Working) } else { t(lang, Text::CreateLogin) } }
                    </button>
                </p>
            </form>
        </main>
    }
}
