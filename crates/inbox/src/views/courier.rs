//! The owner's courier tokens: one per machine that runs `sealbook courier`
//! (docs/COURIER.md). A new token is shown once, to be saved in the courier's
//! token file; the list says when each was last used, and revoking one stops
//! its courier at its next request. Both are in the audit log.

use sealbook_wire::api::courier::{CourierTokenInfo, IssuedCourierToken};
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::use_calls;
use crate::i18n::{Lang, Text, t};
use crate::ui::{ErrorBox, focus};

#[derive(Properties, PartialEq)]
pub struct CourierProps {
    pub lang: Lang,
    pub api: Api,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(Courier)]
pub fn courier(props: &CourierProps) -> Html {
    let lang = props.lang;
    let tokens = use_state(|| None::<Vec<CourierTokenInfo>>);
    let label = use_state(String::new);
    let issued = use_state(|| None::<IssuedCourierToken>);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    {
        let (calls, tokens) = (calls.clone(), tokens.clone());
        use_effect_with((), move |()| {
            calls.spawn(async move |calls| {
                tokens.set(Some(calls.api().courier_tokens().await?));
                Ok(())
            });
        });
    }
    let onsubmit = {
        let (calls, tokens, label, issued) =
            (calls.clone(), tokens.clone(), label.clone(), issued.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let wanted = label.trim().to_owned();
            if wanted.is_empty() {
                focus("sb-courier-label");
                return;
            }
            let (tokens, label, issued) = (tokens.clone(), label.clone(), issued.clone());
            calls.spawn(async move |calls| {
                let made = calls.api().create_courier_token(&wanted).await?;
                issued.set(Some(made));
                label.set(String::new());
                tokens.set(Some(calls.api().courier_tokens().await?));
                calls.clear();
                focus("sb-courier-issued");
                Ok(())
            });
        })
    };
    let revoke = |id: String| {
        let (calls, tokens, issued) = (calls.clone(), tokens.clone(), issued.clone());
        Callback::from(move |_: MouseEvent| {
            let (id, tokens, issued) = (id.clone(), tokens.clone(), issued.clone());
            calls.spawn(async move |calls| {
                calls.api().revoke_courier_token(&id).await?;
                issued.set(None);
                tokens.set(Some(calls.api().courier_tokens().await?));
                calls.clear();
                focus("sb-courier-heading");
                Ok(())
            });
        })
    };
    let rows = tokens.as_ref().map(|tokens| {
        tokens
            .iter()
            .map(|token| {
                let last_used = token
                    .last_used_at
                    .as_deref()
                    .map_or_else(|| t(lang, Text::CourierNeverUsed).to_owned(), str::to_owned);
                let state = match &token.revoked_at {
                    Some(at) => html! { <>{ t(lang, Text::CourierRevokedOn) }{ " " }{ at.clone() }</> },
                    None => html! {
                        <button type="button" class="sb-secondary sb-danger"
                            id={format!("sb-courier-revoke-{}", token.id)}
                            aria-label={format!("{} {}", t(lang, Text::CourierRevoke), token.label)}
                            onclick={revoke(token.id.clone())}>{ t(lang, Text::CourierRevoke) }</button>
                    },
                };
                html! {
                    <tr>
                        <th scope="row">{ token.label.clone() }</th>
                        <td>{ token.created_at.clone() }</td>
                        <td>{ last_used }</td>
                        <td>{ state }</td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    let listing = match rows {
        None => html! { <p class="sb-muted">{ t(lang, Text::Loading) }</p> },
        Some(rows) => html! {
            <table class="sb-table" aria-labelledby="sb-courier-heading">
                <thead>
                    <tr>
                        <th scope="col">{ t(lang, Text::CourierLabel) }</th>
                        <th scope="col">{ t(lang, Text::CourierCreated) }</th>
                        <th scope="col">{ t(lang, Text::CourierLastUsed) }</th>
                        <th scope="col">{ t(lang, Text::CourierState) }</th>
                    </tr>
                </thead>
                <tbody id="sb-courier-tokens">{ rows }</tbody>
            </table>
        },
    };
    let oninput = {
        let label = label.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                label.set(input.value());
            }
        })
    };
    html! {
        <section aria-labelledby="sb-courier-heading">
            <h2 id="sb-courier-heading" tabindex="-1">{ t(lang, Text::CourierHeading) }</h2>
            <p class="sb-muted" id="sb-courier-intro">{ t(lang, Text::CourierIntro) }</p>
            <ErrorBox message={calls.error()} />
            if let Some(made) = &*issued {
                <div id="sb-courier-issued" tabindex="-1" role="status">
                    <p><strong>{ t(lang, Text::CourierIssued) }</strong></p>
                    <p><code id="sb-courier-token">{ made.token.clone() }</code></p>
                </div>
            }
            { listing }
            <form {onsubmit} novalidate=true>
                <p class="sb-field">
                    <label for="sb-courier-label">{ t(lang, Text::CourierLabel) }</label>
                    <input id="sb-courier-label" class="sb-input" type="text" maxlength="80"
                        value={(*label).clone()} {oninput} aria-describedby="sb-courier-label-hint" />
                    <span class="sb-hint" id="sb-courier-label-hint">{ t(lang, Text::CourierLabelHint) }</span>
                </p>
                <p class="sb-actions">
                    <button id="sb-courier-new" class="sb-submit" type="submit">{ t(lang, Text::CourierNew) }</button>
                </p>
            </form>
        </section>
    }
}
