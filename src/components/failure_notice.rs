//! Why the submission stopped, announced and focused.

use yew::prelude::*;

use crate::error::Failure;
use crate::i18n::{Lang, Text, t};

#[derive(Properties, PartialEq)]
pub struct FailureNoticeProps {
    pub lang: Lang,
    pub failure: Failure,
    pub node_ref: NodeRef,
}

#[function_component(FailureNotice)]
pub fn failure_notice(props: &FailureNoticeProps) -> Html {
    let lang = props.lang;
    let message = match &props.failure {
        Failure::Known(code) => html! { t(lang, code.text()) },
        // A code this widget does not know: the server's words are the best we have.
        Failure::Other { message, .. } if !message.trim().is_empty() => html! {
            <>{ t(lang, Text::ErrOther) }{ " " }{ message.clone() }</>
        },
        Failure::Other { .. } => html! { t(lang, Text::ErrOther) },
    };
    html! {
        <div
            class="sb-error"
            id="sb-error"
            role="alert"
            tabindex="-1"
            data-code={props.failure.code().to_owned()}
            ref={props.node_ref.clone()}
        >
            { message }
        </div>
    }
}
