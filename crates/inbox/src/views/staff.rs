//! The owner's staff page: who has access, revoking a member, and inviting one.
//! An invitation carries a copy of the business key locked in this browser with
//! a one-time grant code, which the owner passes on in person; the server only
//! ever holds the locked copy. After a key rotation, the new key reaches existing
//! members the same way: shared under a fresh grant code.

use std::rc::Rc;

use sealbook_wire::api::auth::Role;
use sealbook_wire::api::inbox_keys::{ConfiguredKey, KeyCopy, WrappedKeyView};
use sealbook_wire::api::staff::{InviteEntry, StaffEntry};
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::{unless_logged_out, use_calls};
use crate::i18n::{Lang, Text, t};
use crate::keyring;
use crate::ui::{ErrorBox, Field, focus, let_the_page_paint, unlock_error_text};

/// Letters and digits that cannot be mistaken for one another when read aloud.
const GRANT_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A grant code: 16 characters of 5 bits (80 bits), in groups of four.
fn grant_code() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    let mut code = String::with_capacity(19);
    for (index, byte) in bytes.iter().enumerate() {
        if index > 0 && index % 4 == 0 {
            code.push('-');
        }
        code.push(char::from(GRANT_ALPHABET[usize::from(byte & 31)]));
    }
    Some(code)
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Invited {
    url: String,
    code: String,
}

/// The owner's copies that `member` should hold and does not (a share not yet
/// taken up counts as missing: its code may be lost, and sharing again replaces it).
fn missing_copies<'a>(
    own: &'a [WrappedKeyView],
    configured: &[ConfiguredKey],
    member: &StaffEntry,
) -> Vec<&'a WrappedKeyView> {
    own.iter()
        .filter(|copy| {
            configured
                .iter()
                .any(|key| key.kid == copy.kid && key.status.is_current())
        })
        .filter(|copy| !member.kids.contains(&copy.kid))
        .collect()
}

/// Opens the owner's `copies` with their passphrase and locks each under a fresh
/// grant code; returns the code and the locked copies, or the text to show.
fn lock_for_grant(
    lang: Lang,
    copies: &[&WrappedKeyView],
    passphrase: &str,
) -> Result<(String, Vec<KeyCopy>), &'static str> {
    let code = grant_code().ok_or_else(|| t(lang, Text::BrowserCannot))?;
    let granted = copies
        .iter()
        .map(|copy| {
            keyring::rewrap(copy, passphrase, &code).map(|locked| KeyCopy {
                kid: copy.kid.clone(),
                wrapped: locked,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|failure| unlock_error_text(lang, failure))?;
    Ok((code, granted))
}

#[derive(Properties, PartialEq)]
pub struct StaffProps {
    pub lang: Lang,
    pub api: Api,
    /// The owner's own wrapped copies, opened again with their passphrase to invite.
    pub wrapped: Rc<Vec<WrappedKeyView>>,
    /// The business's keys and their status.
    pub configured: Rc<Vec<ConfiguredKey>>,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(StaffPage)]
pub fn staff_page(props: &StaffProps) -> Html {
    let lang = props.lang;
    let members = use_state(|| None::<Vec<StaffEntry>>);
    let reload = use_state(|| 0u32);
    let confirming = use_state(|| None::<String>);
    let email = use_state(String::new);
    let passphrase = use_state(String::new);
    let invited = use_state(|| None::<Invited>);
    let busy = use_state(|| false);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    let sharing = use_state(|| None::<StaffEntry>);
    let invites = use_state(Vec::<InviteEntry>::new);
    let resetting = use_state(|| None::<String>);
    let reset_link = use_state(|| None::<String>);
    let withdrawn = use_state(|| false);
    let share_passphrase = use_state(String::new);
    let shared = use_state(|| None::<String>);

    {
        let (calls, members, invites) = (calls.clone(), members.clone(), invites.clone());
        use_effect_with(*reload, move |_| {
            calls.spawn(async move |calls| {
                match calls.api().staff().await {
                    Ok(list) => members.set(Some(list)),
                    // The open invites are listed even when the members are not.
                    Err(failure) => calls.fail(unless_logged_out(failure)?),
                }
                if let Ok(open) = calls.api().open_invites().await {
                    invites.set(open);
                }
                Ok(())
            });
        });
    }

    let set_role = |member: StaffEntry| {
        let (calls, reload) = (calls.clone(), reload.clone());
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let (reload, id, role) = (reload.clone(), member.id.clone(), select.value());
            calls.spawn(async move |calls| {
                calls.api().set_role(&id, &role).await?;
                reload.set(*reload + 1);
                calls.clear();
                Ok(())
            });
        })
    };
    let role_cell = |member: &StaffEntry| {
        let name = |role: Role| match role {
            Role::Owner => Text::Owner,
            Role::Manager => Text::Manager,
            Role::Staff => Text::Member,
        };
        if member.role == Role::Owner || member.revoked {
            return html! { { t(lang, name(member.role)) } };
        }
        let option = |role: Role, value: &'static str| {
            html! {
                <option {value} selected={member.role == role}>{ t(lang, name(role)) }</option>
            }
        };
        html! {
            <select class="sb-role" aria-label={format!("{} · {}", t(lang, Text::Role), member.email)}
                onchange={set_role(member.clone())}>
                { option(Role::Staff, "staff") }
                { option(Role::Manager, "manager") }
            </select>
        }
    };

    let revoke = |id: String| {
        let (calls, reload, confirming) = (calls.clone(), reload.clone(), confirming.clone());
        Callback::from(move |_| {
            let (reload, confirming, id) = (reload.clone(), confirming.clone(), id.clone());
            calls.spawn(async move |calls| {
                calls.api().revoke(&id).await?;
                confirming.set(None);
                reload.set(*reload + 1);
                calls.clear();
                Ok(())
            });
        })
    };
    let ask = |id: String| {
        let confirming = confirming.clone();
        Callback::from(move |_| {
            confirming.set(Some(id.clone()));
            focus("sb-revoke-question");
        })
    };
    let keep = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(None))
    };

    let onsubmit = {
        let (calls, email, passphrase, invited, busy, reload) = (
            calls.clone(),
            email.clone(),
            passphrase.clone(),
            invited.clone(),
            busy.clone(),
            reload.clone(),
        );
        let wrapped = props.wrapped.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *busy || email.trim().is_empty() {
                return;
            }
            busy.set(true);
            calls.clear();
            let (address, secret) = (email.trim().to_owned(), (*passphrase).clone());
            let wrapped = wrapped.clone();
            let (invited, busy, reload, passphrase, email) = (
                invited.clone(),
                busy.clone(),
                reload.clone(),
                passphrase.clone(),
                email.clone(),
            );
            calls.spawn(async move |calls| {
                let_the_page_paint().await;
                let copies: Vec<&WrappedKeyView> = wrapped.iter().collect();
                let (code, granted) = match lock_for_grant(lang, &copies, &secret) {
                    Ok(locked) => locked,
                    Err(text) => {
                        calls.show(text);
                        busy.set(false);
                        return Ok(());
                    }
                };
                let answer = calls.api().invite(&address, &granted).await;
                busy.set(false);
                let url = answer?;
                invited.set(Some(Invited { url, code }));
                passphrase.set(String::new());
                email.set(String::new());
                reload.set(*reload + 1);
                focus("sb-invited");
                Ok(())
            });
        })
    };

    let withdraw = |id: String| {
        let (calls, reload, withdrawn) = (calls.clone(), reload.clone(), withdrawn.clone());
        Callback::from(move |_| {
            let (reload, withdrawn, id) = (reload.clone(), withdrawn.clone(), id.clone());
            calls.spawn(async move |calls| {
                calls.api().withdraw_invite(&id).await?;
                withdrawn.set(true);
                reload.set(*reload + 1);
                focus("sb-withdrawn");
                Ok(())
            });
        })
    };
    let ask_reset = |id: String| {
        let (resetting, reset_link) = (resetting.clone(), reset_link.clone());
        Callback::from(move |_| {
            reset_link.set(None);
            resetting.set(Some(id.clone()));
            focus("sb-reset-question");
        })
    };
    let keep_login = {
        let resetting = resetting.clone();
        Callback::from(move |_| resetting.set(None))
    };
    let reset = |id: String| {
        let (calls, resetting, reset_link) = (calls.clone(), resetting.clone(), reset_link.clone());
        Callback::from(move |_| {
            let (resetting, reset_link, id) = (resetting.clone(), reset_link.clone(), id.clone());
            calls.spawn(async move |calls| {
                let url = calls.api().reset_login(&id).await?;
                resetting.set(None);
                reset_link.set(Some(url));
                focus("sb-reset-result");
                Ok(())
            });
        })
    };
    let start_share = |member: StaffEntry| {
        let (sharing, shared) = (sharing.clone(), shared.clone());
        Callback::from(move |_| {
            shared.set(None);
            sharing.set(Some(member.clone()));
            focus("sb-share-passphrase");
        })
    };
    let stop_share = {
        let sharing = sharing.clone();
        Callback::from(move |_| sharing.set(None))
    };
    let share = {
        let (calls, sharing, share_passphrase, shared, busy, reload) = (
            calls.clone(),
            sharing.clone(),
            share_passphrase.clone(),
            shared.clone(),
            busy.clone(),
            reload.clone(),
        );
        let (wrapped, configured) = (props.wrapped.clone(), props.configured.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(member) = (*sharing).clone() else {
                return;
            };
            if *busy {
                return;
            }
            busy.set(true);
            calls.clear();
            let secret = (*share_passphrase).clone();
            let (wrapped, configured) = (wrapped.clone(), configured.clone());
            let (sharing, share_passphrase, shared, busy, reload) = (
                sharing.clone(),
                share_passphrase.clone(),
                shared.clone(),
                busy.clone(),
                reload.clone(),
            );
            calls.spawn(async move |calls| {
                let_the_page_paint().await;
                let missing = missing_copies(&wrapped, &configured, &member);
                let (code, granted) = match lock_for_grant(lang, &missing, &secret) {
                    Ok(locked) => locked,
                    Err(text) => {
                        calls.show(text);
                        busy.set(false);
                        return Ok(());
                    }
                };
                let answer = calls.api().share_keys(&member.id, &granted).await;
                busy.set(false);
                answer?;
                sharing.set(None);
                share_passphrase.set(String::new());
                shared.set(Some(code));
                reload.set(*reload + 1);
                focus("sb-shared");
                Ok(())
            });
        })
    };
    let key_state = |member: &StaffEntry| {
        if member.role == Role::Owner || member.revoked {
            return None;
        }
        let missing = missing_copies(&props.wrapped, &props.configured, member);
        Some(if missing.is_empty() {
            Text::KeysComplete
        } else if missing
            .iter()
            .all(|copy| member.shared_kids.contains(&copy.kid))
        {
            Text::KeysWaiting
        } else {
            Text::KeysMissing
        })
    };

    let yes_no = |value: bool| t(lang, if value { Text::Yes } else { Text::No });
    html! {
        <section aria-labelledby="sb-heading">
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::Staff) }</h1>
            <ErrorBox message={calls.error()} />
            <h2>{ t(lang, Text::Members) }</h2>
            <p class="sb-muted">{ t(lang, Text::RolesExplain) }</p>
            if let Some(list) = &*members {
                <table class="sb-table" id="sb-members">
                    <thead><tr>
                        <th scope="col">{ t(lang, Text::Email) }</th>
                        <th scope="col">{ t(lang, Text::Role) }</th>
                        <th scope="col">{ t(lang, Text::TwoFactor) }</th>
                        <th scope="col">{ t(lang, Text::HasKey) }</th>
                        <th scope="col"><span class="sb-live">{ t(lang, Text::Actions) }</span></th>
                    </tr></thead>
                    <tbody>
                        { for list.iter().map(|member| html! {
                            <tr data-member={member.email.clone()}>
                                <td>{ member.email.clone() }</td>
                                <td>{ role_cell(member) }</td>
                                <td>{ yes_no(member.totp_enabled) }</td>
                                <td>
                                    { match key_state(member) {
                                        Some(state) => t(lang, state),
                                        None => yes_no(member.has_key),
                                    } }
                                    if matches!(key_state(member), Some(Text::KeysMissing | Text::KeysWaiting)) {
                                        { " " }
                                        <button class="sb-secondary sb-share" type="button"
                                            onclick={start_share(member.clone())}>{ t(lang, Text::ShareKey) }</button>
                                    }
                                </td>
                                <td>
                                    if member.role != Role::Owner && !member.revoked {
                                        <button class="sb-secondary sb-reset" type="button"
                                            onclick={ask_reset(member.id.clone())}>{ t(lang, Text::ResetLogin) }</button>
                                        { " " }
                                    }
                                    if member.role != Role::Owner {
                                        <button class="sb-secondary sb-danger sb-revoke" type="button"
                                            onclick={ask(member.id.clone())}>{ t(lang, Text::Revoke) }</button>
                                    }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            } else {
                <p class="sb-muted">{ t(lang, Text::Loading) }</p>
            }
            if let Some(id) = &*confirming {
                <div class="sb-confirm" role="group" aria-labelledby="sb-revoke-question">
                    <p id="sb-revoke-question" tabindex="-1">{ t(lang, Text::RevokeQuestion) }</p>
                    <div class="sb-actions">
                        <button id="sb-revoke-yes" class="sb-submit sb-danger" type="button"
                            onclick={revoke(id.clone())}>{ t(lang, Text::Revoke) }</button>
                        <button class="sb-secondary" type="button" onclick={keep}>{ t(lang, Text::Keep) }</button>
                    </div>
                </div>
            }
            if let Some(id) = &*resetting {
                <div class="sb-confirm" role="group" aria-labelledby="sb-reset-question">
                    <p id="sb-reset-question" tabindex="-1">{ t(lang, Text::ResetQuestion) }</p>
                    <div class="sb-actions">
                        <button id="sb-reset-yes" class="sb-submit" type="button"
                            onclick={reset(id.clone())}>{ t(lang, Text::MakeLink) }</button>
                        <button class="sb-secondary" type="button" onclick={keep_login}>{ t(lang, Text::Cancel) }</button>
                    </div>
                </div>
            }
            if let Some(url) = &*reset_link {
                <div class="sb-result" id="sb-reset-result" tabindex="-1">
                    <p><strong>{ t(lang, Text::ResetLink) }</strong></p>
                    <p><code id="sb-reset-url">{ url.clone() }</code></p>
                </div>
            }
            if let Some(member) = &*sharing {
                <form class="sb-confirm" aria-labelledby="sb-share-title" onsubmit={share} novalidate=true>
                    <p id="sb-share-title"><strong>{ t(lang, Text::ShareKey) }{ " · " }{ member.email.clone() }</strong></p>
                    <p class="sb-muted">{ t(lang, Text::ShareExplain) }</p>
                    <Field id="sb-share-passphrase" label={t(lang, Text::YourPassphrase)} kind="password"
                        value={(*share_passphrase).clone()} autocomplete={Some(AttrValue::Static("off"))}
                        oninput={Callback::from({ let share_passphrase = share_passphrase.clone(); move |v| share_passphrase.set(v) })} />
                    <div class="sb-actions">
                        <button id="sb-share-yes" class="sb-submit" type="submit" disabled={*busy}>
                            { if *busy { t(lang, Text::Working) } else { t(lang, Text::ShareKey) } }</button>
                        <button class="sb-secondary" type="button" onclick={stop_share}>{ t(lang, Text::Cancel) }</button>
                    </div>
                </form>
            }
            if let Some(code) = &*shared {
                <div class="sb-result" id="sb-shared" tabindex="-1">
                    <p><strong>{ t(lang, Text::KeyShared) }</strong></p>
                    <p><code id="sb-share-code">{ code.clone() }</code></p>
                </div>
            }
            if *withdrawn {
                <p class="sb-result" id="sb-withdrawn" tabindex="-1" role="status">{ t(lang, Text::InviteWithdrawn) }</p>
            }
            if !invites.is_empty() {
                <h2>{ t(lang, Text::OpenInvites) }</h2>
                <table class="sb-table" id="sb-open-invites">
                    <thead><tr>
                        <th scope="col">{ t(lang, Text::Email) }</th>
                        <th scope="col">{ t(lang, Text::Expires) }</th>
                        <th scope="col"><span class="sb-live">{ t(lang, Text::Withdraw) }</span></th>
                    </tr></thead>
                    <tbody>
                        { for invites.iter().map(|invite| html! {
                            <tr data-invite={invite.email.clone()}>
                                <td>{ invite.email.clone() }</td>
                                <td>{ format!("{} UTC", invite.expires_at.get(..16).unwrap_or(&invite.expires_at).replace('T', " ")) }</td>
                                <td><button class="sb-secondary sb-withdraw" type="button"
                                    onclick={withdraw(invite.id.clone())}>{ t(lang, Text::Withdraw) }</button></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <h2>{ t(lang, Text::InviteMember) }</h2>
            <p class="sb-muted">{ t(lang, Text::InviteExplain) }</p>
            <form {onsubmit} novalidate=true>
                <Field id="sb-invite-email" label={t(lang, Text::Email)} kind="email" value={(*email).clone()}
                    autocomplete={Some(AttrValue::Static("off"))}
                    oninput={Callback::from({ let email = email.clone(); move |v| email.set(v) })} />
                <Field id="sb-owner-passphrase" label={t(lang, Text::YourPassphrase)} kind="password"
                    value={(*passphrase).clone()} autocomplete={Some(AttrValue::Static("off"))}
                    oninput={Callback::from({ let passphrase = passphrase.clone(); move |v| passphrase.set(v) })} />
                <p class="sb-actions">
                    <button id="sb-invite" class="sb-submit" type="submit" disabled={*busy}>
                        { if *busy { t(lang, Text::Working) } else { t(lang, Text::CreateInvite) } }
                    </button>
                </p>
            </form>
            if let Some(done) = &*invited {
                <div class="sb-result" id="sb-invited" tabindex="-1">
                    <p><strong>{ t(lang, Text::InviteLink) }</strong></p>
                    <p><code id="sb-invite-url">{ done.url.clone() }</code></p>
                    <p><strong>{ t(lang, Text::GrantCode) }</strong></p>
                    <p><code id="sb-grant-code">{ done.code.clone() }</code></p>
                </div>
            }
        </section>
    }
}
