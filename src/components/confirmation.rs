//! The confirmation with the booking's reference.

use yew::prelude::*;

use crate::i18n::{Lang, Text, t};

#[derive(Properties, PartialEq)]
pub struct ConfirmationProps {
    pub lang: Lang,
    pub reference: AttrValue,
    pub node_ref: NodeRef,
    pub onreset: Callback<()>,
}

#[function_component(Confirmation)]
pub fn confirmation(props: &ConfirmationProps) -> Html {
    let lang = props.lang;
    let onclick = props.onreset.reform(|_: MouseEvent| ());
    html! {
        <div class="sb-result" id="sb-result" role="status" tabindex="-1" ref={props.node_ref.clone()}>
            <p class="sb-result-lead">
                { t(lang, Text::DoneLead) }{ " " }
                <strong class="sb-reference" id="sb-reference">{ props.reference.clone() }</strong>
            </p>
            <p>{ t(lang, Text::DoneNote) }</p>
            <button class="sb-secondary" type="button" {onclick}>{ t(lang, Text::NewBooking) }</button>
        </div>
    }
}
