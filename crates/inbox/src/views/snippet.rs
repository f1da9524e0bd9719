//! The owner's script tag, exactly as the server would have it pasted: this
//! server's address, the active keys pinned, the integrity of this build.

use wasm_bindgen_futures::{JsFuture, spawn_local};
use yew::prelude::*;

use crate::api::{Api, ApiError, Snippet};
use crate::i18n::{Lang, Text, t};
use crate::ui::{ErrorBox, api_error_text};

#[derive(Properties, PartialEq)]
pub struct SnippetProps {
    pub lang: Lang,
    pub api: Api,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(SnippetPage)]
pub fn snippet_page(props: &SnippetProps) -> Html {
    let lang = props.lang;
    let snippet = use_state(|| None::<Snippet>);
    let copied = use_state(|| false);
    let error = use_state(|| None::<AttrValue>);
    {
        let (snippet, error) = (snippet.clone(), error.clone());
        let (api, on_logged_out) = (props.api.clone(), props.on_logged_out.clone());
        use_effect_with((), move |()| {
            spawn_local(async move {
                match api.snippet().await {
                    Ok(tag) => snippet.set(Some(tag)),
                    Err(failure) if failure.is_logged_out() => on_logged_out.emit(failure),
                    Err(failure) => error.set(Some(api_error_text(lang, &failure).into())),
                }
            });
        });
    }
    let copy = {
        let (snippet, copied) = (snippet.clone(), copied.clone());
        Callback::from(move |_| {
            let Some(html) = snippet.as_ref().map(|tag| tag.html.clone()) else {
                return;
            };
            let copied = copied.clone();
            spawn_local(async move {
                let Some(window) = web_sys::window() else {
                    return;
                };
                let written = window.navigator().clipboard().write_text(&html);
                if JsFuture::from(written).await.is_ok() {
                    copied.set(true);
                }
            });
        })
    };
    html! {
        <section aria-labelledby="sb-heading">
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::ScriptTag) }</h1>
            <p class="sb-muted">{ t(lang, Text::ScriptTagIntro) }</p>
            <ErrorBox message={(*error).clone()} />
            if let Some(tag) = &*snippet {
                <pre class="sb-code"><code id="sb-snippet">{ tag.html.clone() }</code></pre>
                <p class="sb-actions">
                    <button id="sb-copy-snippet" class="sb-secondary" type="button" onclick={copy}>
                        { t(lang, Text::Copy) }</button>
                    <span role="status">{ if *copied { t(lang, Text::Copied) } else { "" } }</span>
                </p>
                <h2>{ t(lang, Text::PinnedKeys) }</h2>
                <ul>{ for tag.kids.iter().map(|kid| html! { <li><code>{ kid.clone() }</code></li> }) }</ul>
            } else if error.is_none() {
                <p class="sb-muted">{ t(lang, Text::Loading) }</p>
            }
        </section>
    }
}
