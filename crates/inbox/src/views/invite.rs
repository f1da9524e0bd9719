//! A one-time link from the owner (the fragment never reaches the server): an
//! invitation (`/inbox/#invite=<token>`), where the new member chooses their
//! login password, or a login reset (`/inbox/#reset=<token>`), where a member
//! locked out chooses a new one.

use sealbook_wire::api::auth::SessionView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::Api;
use crate::i18n::{Lang, Text, t};
use crate::ui::{ErrorBox, Field, api_error_text};

/// The server's minimum, checked here first so the member hears it at once.
const MIN_PASSWORD_CHARS: usize = 12;

/// Which link the page was opened from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Invite,
    Reset,
}

impl Link {
    /// The link in the page's address (`#invite=…` or `#reset=…`), if any.
    pub fn from_fragment(fragment: &str) -> Option<(Self, String)> {
        let (link, token) = if let Some(token) = fragment.strip_prefix("#invite=") {
            (Self::Invite, token)
        } else {
            (Self::Reset, fragment.strip_prefix("#reset=")?)
        };
        (!token.is_empty()).then(|| (link, token.to_owned()))
    }

    /// Heading, introduction, button, and what a link that does not work says.
    fn texts(self) -> [Text; 4] {
        match self {
            Self::Invite => [
                Text::InviteHeading,
                Text::InviteIntro,
                Text::CreateLogin,
                Text::InviteInvalid,
            ],
            Self::Reset => [
                Text::ResetHeading,
                Text::ResetIntro,
                Text::SetPassword,
                Text::ResetInvalid,
            ],
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct InviteProps {
    pub lang: Lang,
    pub link: Link,
    pub token: AttrValue,
    pub on_joined: Callback<SessionView>,
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
        let (link, token, on_joined) = (props.link, props.token.clone(), props.on_joined.clone());
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
                let api = Api::default();
                let answer = match link {
                    Link::Invite => api.accept_invite(&token, &password).await,
                    Link::Reset => api.use_reset(&token, &password).await,
                };
                match answer {
                    Ok(session) => on_joined.emit(session),
                    Err(failure) => {
                        let text = if failure.code() == "not_found" {
                            t(lang, link.texts()[3])
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

    let [heading, intro, button, _] = props.link.texts();
    html! {
        <main>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, heading) }</h1>
            <p class="sb-muted">{ t(lang, intro) }</p>
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
                        { if *busy { t(lang, Text::Working) } else { t(lang, button) } }
                    </button>
                </p>
            </form>
        </main>
    }
}
