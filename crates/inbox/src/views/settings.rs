//! A member's own settings: two-step login (TOTP), their login password, their
//! key passphrase, the e-mail notices they receive, whether this device
//! remembers their keys, and, for the owner, the courier's tokens. The new
//! passphrase re-locks the member's copies here; the server gets the locked
//! copies only.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use sealbook_wire::api::auth::{StaffView, TotpSetup};
use sealbook_wire::api::inbox_keys::WrappedKeyView;
use sealbook_wire::api::notices::NoticePreferences;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::device;
use crate::hooks::{shown, use_calls};
use crate::i18n::{Lang, Text, t};
use crate::keyring;
use crate::ui::{ErrorBox, Field, focus, let_the_page_paint, unlock_error_text};
use crate::views::courier::Courier;

/// The server's minimum for passwords, and as long for key passphrases: a stolen
/// copy is attacked offline.
const MIN_PASSPHRASE_CHARS: usize = 12;

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub lang: Lang,
    pub api: Api,
    pub staff: StaffView,
    pub wrapped: Rc<Vec<WrappedKeyView>>,
    /// The copies were re-locked: the app keeps the new ones for the next change.
    pub on_rewrapped: Callback<Rc<Vec<WrappedKeyView>>>,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(Settings)]
pub fn settings(props: &SettingsProps) -> Html {
    let lang = props.lang;
    html! {
        <section aria-labelledby="sb-heading">
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::Settings) }</h1>
            <TwoStep {lang} api={props.api.clone()} enabled={props.staff.totp_enabled}
                on_logged_out={props.on_logged_out.clone()} />
            <LoginPassword {lang} api={props.api.clone()} on_logged_out={props.on_logged_out.clone()} />
            <Passphrase {lang} api={props.api.clone()} wrapped={props.wrapped.clone()}
                on_rewrapped={props.on_rewrapped.clone()} on_logged_out={props.on_logged_out.clone()} />
            <Notices {lang} api={props.api.clone()} on_logged_out={props.on_logged_out.clone()} />
            if props.staff.is_owner() {
                <Courier {lang} api={props.api.clone()} on_logged_out={props.on_logged_out.clone()} />
            }
            <ThisDevice {lang} staff_id={props.staff.id.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ThisDeviceProps {
    lang: Lang,
    staff_id: AttrValue,
}

/// Whether this device remembers the member's keys, and forgetting them.
#[function_component(ThisDevice)]
fn this_device(props: &ThisDeviceProps) -> Html {
    let lang = props.lang;
    let remembers = use_state(|| None::<bool>);
    let forgotten = use_state(|| false);
    {
        let (remembers, staff_id) = (remembers.clone(), props.staff_id.clone());
        use_effect_with((), move |()| {
            spawn_local(async move {
                let known = device::recall(&staff_id).await.ok().flatten().is_some();
                remembers.set(Some(known));
            });
        });
    }
    let forget = {
        let (remembers, forgotten, staff_id) =
            (remembers.clone(), forgotten.clone(), props.staff_id.clone());
        Callback::from(move |_: MouseEvent| {
            let (remembers, forgotten, staff_id) =
                (remembers.clone(), forgotten.clone(), staff_id.clone());
            spawn_local(async move {
                if device::forget(&staff_id).await.is_ok() {
                    remembers.set(Some(false));
                    forgotten.set(true);
                    focus("sb-device-forgotten");
                }
            });
        })
    };
    html! {
        <section aria-labelledby="sb-device-heading">
            <h2 id="sb-device-heading">{ t(lang, Text::ThisDevice) }</h2>
            if *forgotten {
                <p id="sb-device-forgotten" tabindex="-1" role="status"><strong>{ t(lang, Text::DeviceForgotten) }</strong></p>
            }
            { match *remembers {
                Some(true) => html! {
                    <>
                        <p class="sb-muted" id="sb-device-remembers">{ t(lang, Text::DeviceRemembers) }</p>
                        <p class="sb-actions">
                            <button id="sb-forget-device" class="sb-secondary" type="button" onclick={forget}>
                                { t(lang, Text::ForgetDevice) }</button>
                        </p>
                    </>
                },
                Some(false) => html! { <p class="sb-muted">{ t(lang, Text::DeviceForgets) }</p> },
                None => html! { <p class="sb-muted">{ t(lang, Text::Loading) }</p> },
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NoticesProps {
    lang: Lang,
    api: Api,
    on_logged_out: Callback<ApiError>,
}

/// One checkbox per kind of notice: its element id, its label, and its flag.
type NoticeFlag = (&'static str, Text, fn(&mut NoticePreferences) -> &mut bool);

const NOTICE_FLAGS: [NoticeFlag; 5] = [
    ("sb-notice-new", Text::NoticeNew, |chosen| &mut chosen.new),
    ("sb-notice-changed", Text::NoticeChanged, |chosen| {
        &mut chosen.changed
    }),
    ("sb-notice-cancelled", Text::NoticeCancelled, |chosen| {
        &mut chosen.cancelled
    }),
    ("sb-notice-erased", Text::NoticeErased, |chosen| {
        &mut chosen.erased
    }),
    (
        "sb-notice-late-cancelled",
        Text::NoticeLateCancelled,
        |chosen| &mut chosen.late_cancelled,
    ),
];

/// Which notices reach the member's own address (none until they choose).
#[function_component(Notices)]
fn notices(props: &NoticesProps) -> Html {
    let lang = props.lang;
    let chosen = use_state(|| None::<NoticePreferences>);
    let saved = use_state(|| false);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    {
        let (calls, chosen) = (calls.clone(), chosen.clone());
        use_effect_with((), move |()| {
            calls.spawn(async move |calls| {
                chosen.set(Some(calls.api().notice_preferences().await?));
                Ok(())
            });
        });
    }
    let onsubmit = {
        let (calls, chosen, saved) = (calls.clone(), chosen.clone(), saved.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(wanted) = *chosen else {
                return;
            };
            let (chosen, saved) = (chosen.clone(), saved.clone());
            calls.spawn(async move |calls| {
                chosen.set(Some(calls.api().set_notice_preferences(&wanted).await?));
                calls.clear();
                saved.set(true);
                focus("sb-notices-saved");
                Ok(())
            });
        })
    };
    let Some(current) = *chosen else {
        return html! {
            <section aria-labelledby="sb-notices-heading">
                <h2 id="sb-notices-heading">{ t(lang, Text::NoticesHeading) }</h2>
                <ErrorBox message={calls.error()} />
                <p class="sb-muted">{ t(lang, Text::Loading) }</p>
            </section>
        };
    };
    let boxes = NOTICE_FLAGS.iter().map(|&(id, label, flag)| {
        let onchange = {
            let (chosen, saved) = (chosen.clone(), saved.clone());
            Callback::from(move |event: Event| {
                let checked = event
                    .target_dyn_into::<web_sys::HtmlInputElement>()
                    .is_some_and(|input| input.checked());
                let mut next = current;
                *flag(&mut next) = checked;
                chosen.set(Some(next));
                saved.set(false);
            })
        };
        let mut copy = current;
        let checked = *flag(&mut copy);
        html! {
            <p class="sb-check">
                <input {id} type="checkbox" {checked} {onchange} />
                <label for={id}>{ t(lang, label) }</label>
            </p>
        }
    });
    html! {
        <section aria-labelledby="sb-notices-heading">
            <h2 id="sb-notices-heading">{ t(lang, Text::NoticesHeading) }</h2>
            <p class="sb-muted" id="sb-notices-intro">{ t(lang, Text::NoticesIntro) }</p>
            <ErrorBox message={calls.error()} />
            <form {onsubmit} novalidate=true>
                <fieldset aria-describedby="sb-notices-intro">
                    <legend>{ t(lang, Text::NoticesLegend) }</legend>
                    { for boxes }
                </fieldset>
                <p class="sb-actions">
                    <button id="sb-notices-save" class="sb-submit" type="submit">{ t(lang, Text::SaveNotices) }</button>
                </p>
            </form>
            if *saved {
                <p id="sb-notices-saved" tabindex="-1" role="status"><strong>{ t(lang, Text::NoticesSaved) }</strong></p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TwoStepProps {
    lang: Lang,
    api: Api,
    enabled: bool,
    on_logged_out: Callback<ApiError>,
}

#[function_component(TwoStep)]
fn two_step(props: &TwoStepProps) -> Html {
    let lang = props.lang;
    let enabled = use_state(|| props.enabled);
    let setup = use_state(|| None::<TotpSetup>);
    let code = use_state(String::new);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);

    let start = {
        let (calls, setup) = (calls.clone(), setup.clone());
        Callback::from(move |_| {
            let setup = setup.clone();
            calls.spawn(async move |calls| {
                setup.set(Some(calls.api().totp_setup().await?));
                focus("sb-totp-setup");
                Ok(())
            });
        })
    };
    let confirm = {
        let (calls, enabled, setup, code) =
            (calls.clone(), enabled.clone(), setup.clone(), code.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (enabled, setup) = (enabled.clone(), setup.clone());
            let typed = code.trim().to_owned();
            calls.spawn(async move |calls| {
                calls.api().totp_enable(&typed).await?;
                enabled.set(true);
                setup.set(None);
                calls.clear();
                focus("sb-totp-on");
                Ok(())
            });
        })
    };

    html! {
        <section aria-labelledby="sb-totp-heading">
            <h2 id="sb-totp-heading">{ t(lang, Text::TwoFactor) }</h2>
            <p class="sb-muted">{ t(lang, Text::TwoFactorIntro) }</p>
            <ErrorBox message={calls.error()} />
            if *enabled {
                <p id="sb-totp-on" tabindex="-1"><strong>{ t(lang, Text::TwoFactorOn) }</strong></p>
            } else if let Some(secret) = &*setup {
                <div class="sb-result" id="sb-totp-setup" tabindex="-1">
                    <p>{ t(lang, Text::TwoFactorSecret) }</p>
                    <p><code id="sb-totp-secret">{ secret.secret_base32.clone() }</code></p>
                    <p><a href={secret.otpauth_url.clone()}>{ secret.otpauth_url.clone() }</a></p>
                    <form onsubmit={confirm} novalidate=true>
                        <Field id="sb-totp-code" label={t(lang, Text::TotpCode)} value={(*code).clone()}
                            autocomplete={Some(AttrValue::Static("one-time-code"))}
                            oninput={Callback::from({ let code = code.clone(); move |v| code.set(v) })} />
                        <button id="sb-totp-confirm" class="sb-submit" type="submit">{ t(lang, Text::Confirm) }</button>
                    </form>
                </div>
            } else {
                <button id="sb-totp-start" class="sb-secondary" type="button" onclick={start}>
                    { t(lang, Text::SetUpTwoFactor) }</button>
            }
        </section>
    }
}

/// Carries out a change of secret, from the current one to the new one: `Ok`, or
/// the text to show (`Err(None)`: the session ended, already handled).
type Apply =
    Rc<dyn Fn(String, String) -> Pin<Box<dyn Future<Output = Result<(), Option<AttrValue>>>>>>;

/// Which secret a [`ChangeForm`] changes: its element ids and texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Secret {
    LoginPassword,
    KeyPassphrase,
}

impl Secret {
    /// The word in the form's element ids (`sb-current-{slug}`, …).
    fn slug(self) -> &'static str {
        match self {
            Self::LoginPassword => "password",
            Self::KeyPassphrase => "passphrase",
        }
    }

    /// Heading, introduction, current, new, repeat, done.
    fn texts(self) -> [Text; 6] {
        match self {
            Self::LoginPassword => [
                Text::LoginPassword,
                Text::LoginPasswordIntro,
                Text::CurrentPassword,
                Text::NewPassword,
                Text::RepeatPassword,
                Text::PasswordChanged,
            ],
            Self::KeyPassphrase => [
                Text::ChangePassphrase,
                Text::ChooseIntro,
                Text::CurrentPassphrase,
                Text::NewPassphrase,
                Text::RepeatPassphrase,
                Text::PassphraseChanged,
            ],
        }
    }

    /// What a password manager may fill into the current-secret field.
    fn current_autocomplete(self) -> &'static str {
        match self {
            Self::LoginPassword => "current-password",
            // The key passphrase is not a login: no password manager should offer it.
            Self::KeyPassphrase => "off",
        }
    }
}

#[derive(Properties)]
struct ChangeFormProps {
    lang: Lang,
    secret: Secret,
    apply: Apply,
}

impl PartialEq for ChangeFormProps {
    fn eq(&self, other: &Self) -> bool {
        self.lang == other.lang
            && self.secret == other.secret
            && Rc::ptr_eq(&self.apply, &other.apply)
    }
}

/// Current secret, new secret twice: checked here (length, repeat), applied by
/// `apply`, then the fields are cleared and the confirmation takes the focus.
#[function_component(ChangeForm)]
fn change_form(props: &ChangeFormProps) -> Html {
    let (lang, secret) = (props.lang, props.secret);
    let current = use_state(String::new);
    let new = use_state(String::new);
    let repeat = use_state(String::new);
    let busy = use_state(|| false);
    let done = use_state(|| false);
    let error = use_state(|| None::<AttrValue>);

    let onsubmit = {
        let (current, new, repeat, busy, done, error) = (
            current.clone(),
            new.clone(),
            repeat.clone(),
            busy.clone(),
            done.clone(),
            error.clone(),
        );
        let apply = props.apply.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            done.set(false);
            if new.chars().count() < MIN_PASSPHRASE_CHARS {
                error.set(Some(t(lang, Text::WeakPassword).into()));
                return;
            }
            if *new != *repeat {
                error.set(Some(t(lang, Text::PasswordsDiffer).into()));
                return;
            }
            busy.set(true);
            error.set(None);
            let change = apply((*current).clone(), (*new).clone());
            let (current, new, repeat, busy, done, error) = (
                current.clone(),
                new.clone(),
                repeat.clone(),
                busy.clone(),
                done.clone(),
                error.clone(),
            );
            spawn_local(async move {
                let_the_page_paint().await;
                match change.await {
                    Ok(()) => {
                        for field in [&current, &new, &repeat] {
                            field.set(String::new());
                        }
                        done.set(true);
                        focus(&format!("sb-{}-changed", secret.slug()));
                    }
                    Err(Some(text)) => error.set(Some(text)),
                    Err(None) => return,
                }
                busy.set(false);
            });
        })
    };

    let slug = secret.slug();
    let [
        heading,
        intro,
        current_label,
        new_label,
        repeat_label,
        done_text,
    ] = secret.texts();
    html! {
        <section aria-labelledby={format!("sb-{slug}-heading")}>
            <h2 id={format!("sb-{slug}-heading")}>{ t(lang, heading) }</h2>
            <p class="sb-muted">{ t(lang, intro) }</p>
            <ErrorBox message={(*error).clone()} />
            if *done {
                <p id={format!("sb-{slug}-changed")} tabindex="-1" role="status"><strong>{ t(lang, done_text) }</strong></p>
            }
            <form {onsubmit} novalidate=true>
                <Field id={format!("sb-current-{slug}")} label={t(lang, current_label)} kind="password"
                    value={(*current).clone()} autocomplete={Some(AttrValue::Static(secret.current_autocomplete()))}
                    oninput={Callback::from({ let current = current.clone(); move |v| current.set(v) })} />
                <Field id={format!("sb-changed-{slug}")} label={t(lang, new_label)} kind="password"
                    value={(*new).clone()} autocomplete={Some(AttrValue::Static("new-password"))}
                    oninput={Callback::from({ let new = new.clone(); move |v| new.set(v) })} />
                <Field id={format!("sb-changed-{slug}-repeat")} label={t(lang, repeat_label)} kind="password"
                    value={(*repeat).clone()} autocomplete={Some(AttrValue::Static("new-password"))}
                    oninput={Callback::from({ let repeat = repeat.clone(); move |v| repeat.set(v) })} />
                <p class="sb-actions">
                    <button id={format!("sb-change-{slug}")} class="sb-submit" type="submit" disabled={*busy}>
                        { if *busy { t(lang, Text::Working) } else { t(lang, Text::Save) } }
                    </button>
                </p>
            </form>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LoginPasswordProps {
    lang: Lang,
    api: Api,
    on_logged_out: Callback<ApiError>,
}

/// The login password: the server checks the current one and ends other sessions.
#[function_component(LoginPassword)]
fn login_password(props: &LoginPasswordProps) -> Html {
    let lang = props.lang;
    let apply: Apply = {
        let (api, on_logged_out) = (props.api.clone(), props.on_logged_out.clone());
        Rc::new(move |current: String, new: String| {
            let (api, on_logged_out) = (api.clone(), on_logged_out.clone());
            Box::pin(async move {
                api.change_password(&current, &new)
                    .await
                    .map_err(|failure| shown(lang, failure, &on_logged_out))
            })
        })
    };
    html! { <ChangeForm {lang} secret={Secret::LoginPassword} {apply} /> }
}

#[derive(Properties, PartialEq)]
struct PassphraseProps {
    lang: Lang,
    api: Api,
    wrapped: Rc<Vec<WrappedKeyView>>,
    on_rewrapped: Callback<Rc<Vec<WrappedKeyView>>>,
    on_logged_out: Callback<ApiError>,
}

/// The key passphrase: every copy is opened with the current one and locked under
/// the new one here; the server receives the locked copies.
#[function_component(Passphrase)]
fn passphrase(props: &PassphraseProps) -> Html {
    let lang = props.lang;
    let apply: Apply = {
        let (api, wrapped) = (props.api.clone(), props.wrapped.clone());
        let (on_rewrapped, on_logged_out) =
            (props.on_rewrapped.clone(), props.on_logged_out.clone());
        Rc::new(move |current: String, new: String| {
            let (api, wrapped) = (api.clone(), wrapped.clone());
            let (on_rewrapped, on_logged_out) = (on_rewrapped.clone(), on_logged_out.clone());
            Box::pin(async move {
                // Every copy is locked under the new passphrase before any is sent,
                // and the server stores them all or none.
                let replaced = wrapped
                    .iter()
                    .map(|copy| {
                        keyring::rewrap(copy, &current, &new).map(|locked| WrappedKeyView {
                            wrapped: locked,
                            ..copy.clone()
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|failure| Some(unlock_error_text(lang, failure).into()))?;
                api.replace_keys(&replaced)
                    .await
                    .map_err(|failure| shown(lang, failure, &on_logged_out))?;
                on_rewrapped.emit(Rc::new(replaced));
                Ok(())
            })
        })
    };
    html! { <ChangeForm {lang} secret={Secret::KeyPassphrase} {apply} /> }
}
