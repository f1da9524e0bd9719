//! E-mail and password, then the authenticator code when the account has one.
//! Whatever was wrong, the answer is the same "wrong e-mail or password".

use sealbook_wire::api::auth::SessionView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::i18n::{Lang, Text, t};
use crate::ui::{ErrorBox, Field, api_error_text};

#[derive(Properties, PartialEq)]
pub struct LoginProps {
    pub lang: Lang,
    /// Shown above the form, e.g. "your session has ended".
    pub notice: Option<AttrValue>,
    pub on_login: Callback<SessionView>,
}

#[function_component(Login)]
pub fn login(props: &LoginProps) -> Html {
    let lang = props.lang;
    let email = use_state(String::new);
    let password = use_state(String::new);
    let totp = use_state(String::new);
    let asks_totp = use_state(|| false);
    let busy = use_state(|| false);
    let error = use_state(|| props.notice.clone());

    let onsubmit = {
        let (email, password, totp) = (email.clone(), password.clone(), totp.clone());
        let (asks_totp, busy, error) = (asks_totp.clone(), busy.clone(), error.clone());
        let on_login = props.on_login.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            let (email, password) = ((*email).clone(), (*password).clone());
            let code = (*asks_totp).then(|| (*totp).clone());
            let (asks_totp, busy, error, on_login) = (
                asks_totp.clone(),
                busy.clone(),
                error.clone(),
                on_login.clone(),
            );
            spawn_local(async move {
                match Api::default()
                    .login(&email, &password, code.as_deref())
                    .await
                {
                    Ok(session) => on_login.emit(session),
                    Err(failure) => {
                        if matches!(failure.code(), "totp_required" | "totp_failed") {
                            asks_totp.set(true);
                        }
                        error.set(Some(api_error_text(lang, &failure).into()));
                        busy.set(false);
                    }
                }
            });
        })
    };

    html! {
        <main>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::AppName) }</h1>
            <h2>{ t(lang, Text::LoginHeading) }</h2>
            <ErrorBox message={(*error).clone()} />
            <form {onsubmit} novalidate=true>
                <Field id="sb-email" label={t(lang, Text::Email)} kind="email" value={(*email).clone()}
                    autocomplete={Some(AttrValue::Static("username"))}
                    oninput={Callback::from({ let email = email.clone(); move |v| email.set(v) })} />
                <Field id="sb-password" label={t(lang, Text::Password)} kind="password" value={(*password).clone()}
                    autocomplete={Some(AttrValue::Static("current-password"))}
                    oninput={Callback::from({ let password = password.clone(); move |v| password.set(v) })} />
                if *asks_totp {
                    <Field id="sb-totp" label={t(lang, Text::TotpCode)} kind="text" value={(*totp).clone()}
                        autocomplete={Some(AttrValue::Static("one-time-code"))}
                        oninput={Callback::from({ let totp = totp.clone(); move |v| totp.set(v) })} />
                }
                <p class="sb-actions">
                    <button id="sb-login" class="sb-submit" type="submit" disabled={*busy}>
                        { if *busy { t(lang, Text::Working) } else { t(lang, Text::LogIn) } }
                    </button>
                </p>
            </form>
        </main>
    }
}
