//! The key passphrase opens the staff member's wrapped copies here; only the
//! wrapped copies come from the server, and only copies locked again in this
//! browser go back. After a rotation the owner may have shared a new key under a
//! grant code: given with the passphrase, the code opens it once and the copy is
//! locked under the member's own passphrase from then on. A member who asked this
//! device to remember their keys opens bookings without the passphrase (see
//! [`crate::device`]).

use std::rc::Rc;

use sealbook_wire::api::inbox_keys::{ConfiguredKey, WrappedKeyView, WrappedKeys};
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::device;
use crate::hooks::use_calls;
use crate::i18n::{Lang, Text, t};
use crate::keyring::{self, Keyring, UnlockError};
use crate::timing;
use crate::ui::{ErrorBox, Field, let_the_page_paint, unlock_error_text};

/// What an unlock hands on: the keys, the copies they came from (each under the
/// member's own passphrase), the business's keys, and — on a first unlock with a
/// grant code — the code, to re-wrap the copies under the member's own passphrase.
#[derive(Clone, Debug, PartialEq)]
pub struct Unlocked {
    pub keyring: Keyring,
    pub wrapped: Rc<Vec<WrappedKeyView>>,
    pub configured: Rc<Vec<ConfiguredKey>>,
    pub grant_code: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct UnlockProps {
    pub lang: Lang,
    pub api: Api,
    /// The member, whose keys this device may remember.
    pub staff_id: AttrValue,
    /// Just joined: the passphrase is the owner's one-time grant code.
    pub first: bool,
    pub on_unlocked: Callback<Unlocked>,
    pub on_logged_out: Callback<ApiError>,
}

/// Why an unlock stopped.
enum Stop {
    Api(ApiError),
    Unlock(UnlockError),
    /// The grant code does not open the shared key.
    SharedCode,
}

/// Opens the member's own copies with `secret`, then takes up the shared ones
/// with `code` (when given): opened with the code, locked under `secret`, stored.
/// A member who holds shared copies only (their old key was removed after a
/// rotation) has no passphrase to check yet: `secret` is then the grant code, and
/// they choose their passphrase next, as on a first unlock.
async fn open_all(
    api: &Api,
    set: WrappedKeys,
    secret: &str,
    code: &str,
    first: bool,
) -> Result<Unlocked, Stop> {
    let (shared, mut own): (Vec<_>, Vec<_>) = set.keys.into_iter().partition(|copy| copy.shared);
    if own.is_empty() && !shared.is_empty() {
        let keyring = Keyring::unlock(&shared, secret)
            .await
            .map_err(|error| match error {
                UnlockError::WrongPassphrase => Stop::SharedCode,
                other => Stop::Unlock(other),
            })?;
        return Ok(Unlocked {
            keyring,
            wrapped: Rc::new(shared),
            configured: Rc::new(set.configured),
            grant_code: Some(secret.to_owned()),
        });
    }
    let mut keyring = Keyring::unlock(&own, secret).await.map_err(Stop::Unlock)?;
    if !code.trim().is_empty() && !shared.is_empty() {
        let taken = shared
            .into_iter()
            .map(|copy| {
                keyring::rewrap(&copy, code.trim(), secret).map(|locked| WrappedKeyView {
                    wrapped: locked,
                    shared: false,
                    ..copy
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| match error {
                UnlockError::WrongPassphrase => Stop::SharedCode,
                other => Stop::Unlock(other),
            })?;
        api.replace_keys(&taken).await.map_err(Stop::Api)?;
        for copy in taken {
            keyring.add(&copy, secret).await.map_err(Stop::Unlock)?;
            own.push(copy);
        }
    }
    Ok(Unlocked {
        keyring,
        wrapped: Rc::new(own),
        configured: Rc::new(set.configured),
        grant_code: first.then(|| secret.to_owned()),
    })
}

#[function_component(Unlock)]
pub fn unlock(props: &UnlockProps) -> Html {
    let lang = props.lang;
    let passphrase = use_state(String::new);
    let code = use_state(String::new);
    let set = use_state(|| None::<WrappedKeys>);
    let remembered = use_state(|| None::<Keyring>);
    let remember = use_state(|| false);
    let busy = use_state(|| false);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);

    // The copies come first, so that a waiting shared key can be asked about, and
    // so that keys remembered here are offered only if they are all of them.
    {
        let (calls, set, remembered) = (calls.clone(), set.clone(), remembered.clone());
        let staff_id = props.staff_id.clone();
        use_effect_with((), move |()| {
            calls.spawn(async move |calls| {
                let keys = calls.api().keys().await?;
                let mut own = keys.keys.iter().filter(|copy| !copy.shared).peekable();
                let holds_own = own.peek().is_some();
                if holds_own
                    && let Ok(Some(keyring)) = device::recall(&staff_id).await
                    && own.all(|copy| keyring.holds(&copy.kid))
                {
                    remembered.set(Some(keyring));
                }
                set.set(Some(keys));
                Ok(())
            });
        });
    }
    // Shared copies only: the passphrase field takes the grant code, as on a first unlock.
    let only_shared = set
        .as_ref()
        .is_some_and(|set| !set.keys.is_empty() && set.keys.iter().all(|copy| copy.shared));
    let first = props.first || only_shared;
    let waiting = !first
        && set
            .as_ref()
            .is_some_and(|set| set.keys.iter().any(|copy| copy.shared));
    let offer_device = !first && remembered.is_some();

    let open_with_device = {
        let (set, remembered) = (set.clone(), remembered.clone());
        let on_unlocked = props.on_unlocked.clone();
        Callback::from(move |_: MouseEvent| {
            let (Some(keys), Some(keyring)) = ((*set).clone(), (*remembered).clone()) else {
                return;
            };
            let own = keys.keys.into_iter().filter(|copy| !copy.shared).collect();
            on_unlocked.emit(Unlocked {
                keyring,
                wrapped: Rc::new(own),
                configured: Rc::new(keys.configured),
                grant_code: None,
            });
        })
    };
    let on_remember = {
        let remember = remember.clone();
        Callback::from(move |event: Event| {
            let checked = event
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|input| input.checked());
            remember.set(checked);
        })
    };

    let onsubmit = {
        let (calls, passphrase, code, set, remember, busy) = (
            calls.clone(),
            passphrase.clone(),
            code.clone(),
            set.clone(),
            remember.clone(),
            busy.clone(),
        );
        let (first, staff_id, on_unlocked) = (
            props.first,
            props.staff_id.clone(),
            props.on_unlocked.clone(),
        );
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy {
                return;
            }
            busy.set(true);
            calls.clear();
            let (secret, shared_code, known) =
                ((*passphrase).clone(), (*code).clone(), (*set).clone());
            let (busy, staff_id, on_unlocked) =
                (busy.clone(), staff_id.clone(), on_unlocked.clone());
            let remember = *remember;
            calls.spawn(async move |calls| {
                let keys = match known {
                    Some(keys) => keys,
                    None => calls.api().keys().await.inspect_err(|_| busy.set(false))?,
                };
                let_the_page_paint().await;
                let opened = timing::measured(
                    "sealbook:unlock",
                    open_all(calls.api(), keys, &secret, &shared_code, first),
                )
                .await;
                let text = match opened {
                    Ok(unlocked) => {
                        // Best effort: a browser without IndexedDB still unlocks.
                        let _ = if remember {
                            device::remember(&staff_id, &unlocked.keyring).await
                        } else {
                            device::refresh(&staff_id, &unlocked.keyring).await
                        };
                        on_unlocked.emit(unlocked);
                        return Ok(());
                    }
                    Err(Stop::Api(failure)) => {
                        busy.set(false);
                        return Err(failure);
                    }
                    Err(Stop::Unlock(failure)) => unlock_error_text(lang, failure),
                    Err(Stop::SharedCode) => t(lang, Text::SharedCodeWrong),
                };
                calls.show(text);
                busy.set(false);
                Ok(())
            });
        })
    };

    html! {
        <main>
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::UnlockHeading) }</h1>
            <p class="sb-muted">{ t(lang, Text::UnlockIntro) }</p>
            if first {
                <p class="sb-muted">{ t(lang, Text::FirstUnlockIntro) }</p>
            }
            <ErrorBox message={calls.error()} />
            if offer_device {
                <p class="sb-actions">
                    <button id="sb-unlock-device" class="sb-submit" type="button" onclick={open_with_device}>
                        { t(lang, Text::UnlockWithDevice) }</button>
                </p>
                <p class="sb-muted">{ t(lang, Text::OrPassphrase) }</p>
            }
            <form {onsubmit} novalidate=true>
                <Field id="sb-passphrase"
                    label={t(lang, if first { Text::GrantCode } else { Text::KeyPassphrase })}
                    kind="password" value={(*passphrase).clone()}
                    autocomplete={Some(AttrValue::Static("off"))}
                    oninput={Callback::from({ let passphrase = passphrase.clone(); move |v| passphrase.set(v) })} />
                if waiting {
                    <p class="sb-muted" id="sb-shared-waiting">{ t(lang, Text::SharedKeyWaiting) }</p>
                    <Field id="sb-shared-code" label={t(lang, Text::SharedKeyCode)} kind="text"
                        value={(*code).clone()} autocomplete={Some(AttrValue::Static("off"))}
                        oninput={Callback::from({ let code = code.clone(); move |v| code.set(v) })} />
                }
                if !first {
                    <p class="sb-check">
                        <input id="sb-remember" type="checkbox" checked={*remember} onchange={on_remember}
                            aria-describedby="sb-remember-hint" />
                        <label for="sb-remember">{ t(lang, Text::RememberDevice) }</label>
                    </p>
                    <p class="sb-muted" id="sb-remember-hint">{ t(lang, Text::RememberHint) }</p>
                }
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
