//! A labelled input with an optional hint and error message.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::form::Field;

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub field: Field,
    pub label: &'static str,
    pub value: AttrValue,
    /// The input's `type`.
    pub kind: &'static str,
    pub onedit: Callback<(Field, String)>,
    #[prop_or_default]
    pub hint: Option<&'static str>,
    #[prop_or_default]
    pub error: Option<&'static str>,
    #[prop_or_default]
    pub autocomplete: Option<&'static str>,
    #[prop_or_default]
    pub inputmode: Option<&'static str>,
    #[prop_or_default]
    pub min: Option<AttrValue>,
    #[prop_or_default]
    pub max: Option<AttrValue>,
    #[prop_or_default]
    pub maxlength: Option<AttrValue>,
    #[prop_or_default]
    pub readonly: bool,
}

#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let field = props.field;
    let id = field.id();
    let described_by = match (props.hint, props.error) {
        (Some(_), Some(_)) => Some(format!("{} {}", field.hint_id(), field.error_id())),
        (Some(_), None) => Some(field.hint_id().to_owned()),
        (None, Some(_)) => Some(field.error_id().to_owned()),
        (None, None) => None,
    };
    let oninput = props.onedit.reform(move |event: InputEvent| {
        let input: HtmlInputElement = event.target_unchecked_into();
        (field, input.value())
    });
    html! {
        <div class={if props.error.is_some() { "sb-field sb-invalid" } else { "sb-field" }}>
            <label class="sb-label" for={id}>{ props.label }</label>
            if let Some(hint) = props.hint {
                <p class="sb-hint" id={field.hint_id()}>{ hint }</p>
            }
            <input
                class="sb-input"
                id={id}
                name={id}
                type={props.kind}
                value={props.value.clone()}
                required=true
                aria-required="true"
                aria-invalid={props.error.map(|_| "true")}
                aria-describedby={described_by}
                autocomplete={props.autocomplete}
                inputmode={props.inputmode}
                min={props.min.clone()}
                max={props.max.clone()}
                maxlength={props.maxlength.clone()}
                readonly={props.readonly}
                {oninput}
            />
            if let Some(error) = props.error {
                <p class="sb-field-error" id={field.error_id()}>{ error }</p>
            }
        </div>
    }
}
