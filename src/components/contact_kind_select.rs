//! The choice between phone and e-mail.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::form::ContactKind;
use crate::i18n::{Lang, Text, t};

#[derive(Properties, PartialEq)]
pub struct ContactKindSelectProps {
    pub lang: Lang,
    pub value: ContactKind,
    pub onchange: Callback<ContactKind>,
    #[prop_or_default]
    pub disabled: bool,
}

#[function_component(ContactKindSelect)]
pub fn contact_kind_select(props: &ContactKindSelectProps) -> Html {
    let lang = props.lang;
    let onchange = {
        let onchange = props.onchange.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            if let Some(kind) = ContactKind::parse(&select.value()) {
                onchange.emit(kind);
            }
        })
    };
    let option = |kind: ContactKind, text: Text| {
        html! {
            <option value={kind.as_str()} selected={props.value == kind}>{ t(lang, text) }</option>
        }
    };
    html! {
        <div class="sb-field">
            <label class="sb-label" for="sb-contact-kind">{ t(lang, Text::ContactKindLabel) }</label>
            <select
                class="sb-input"
                id="sb-contact-kind"
                name="sb-contact-kind"
                disabled={props.disabled}
                {onchange}
            >
                { option(ContactKind::Phone, Text::ContactPhone) }
                { option(ContactKind::Email, Text::ContactEmail) }
            </select>
        </div>
    }
}
