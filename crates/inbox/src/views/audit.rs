//! The owner's view of the audit log: who logged in, listed, opened, exported,
//! changed or erased which booking, when, from which session. No booking content
//! is in it; the server's CSV export is one link away.

use sealbook_wire::api::audit::AuditView;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::hooks::use_calls;
use crate::i18n::{Lang, Text, t};
use crate::ui::ErrorBox;

#[derive(Properties, PartialEq)]
pub struct AuditProps {
    pub lang: Lang,
    pub api: Api,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(AuditPage)]
pub fn audit_page(props: &AuditProps) -> Html {
    let lang = props.lang;
    let entries = use_state(|| None::<Vec<AuditView>>);
    let calls = use_calls(&props.api, lang, &props.on_logged_out);
    {
        let (calls, entries) = (calls.clone(), entries.clone());
        use_effect_with((), move |()| {
            calls.spawn(async move |calls| {
                entries.set(Some(calls.api().audit().await?));
                Ok(())
            });
        });
    }
    html! {
        <section aria-labelledby="sb-heading">
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::AuditLog) }</h1>
            <p><a id="sb-audit-csv" class="sb-secondary" href="/api/v1/inbox/audit?format=csv"
                download="sealbook-audit.csv">{ t(lang, Text::DownloadCsv) }</a></p>
            <ErrorBox message={calls.error()} />
            if let Some(list) = &*entries {
                <table class="sb-table" id="sb-audit">
                    <thead><tr>
                        <th scope="col">{ t(lang, Text::When) }</th>
                        <th scope="col">{ t(lang, Text::Who) }</th>
                        <th scope="col">{ t(lang, Text::SessionLabel) }</th>
                        <th scope="col">{ t(lang, Text::Action) }</th>
                        <th scope="col">{ t(lang, Text::Reference) }</th>
                        <th scope="col">{ t(lang, Text::Detail) }</th>
                    </tr></thead>
                    <tbody>
                        { for list.iter().map(|entry| html! {
                            <tr>
                                <td>{ entry.at.clone() }</td>
                                <td>{ entry.staff_email.clone().unwrap_or_default() }</td>
                                <td><code>{ entry.session.clone().unwrap_or_default() }</code></td>
                                <td class="sb-audit-action">{ entry.action.clone() }</td>
                                <td>{ entry.booking_id.clone().unwrap_or_default() }</td>
                                <td>{ entry.detail.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            } else if calls.error().is_none() {
                <p class="sb-muted">{ t(lang, Text::Loading) }</p>
            }
        </section>
    }
}
