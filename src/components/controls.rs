//! The few elements that stay Yew nodes: fields whose value the visitor edits
//! (so typing or choosing never replaces the focused element) and their labels.
//! They carry no listeners: the app's root handles `input` and `change` for them.

use yew::prelude::*;

use super::markup::Out;

/// What to put inside a field.
#[derive(Debug)]
pub enum Control {
    /// `<input type=…>` with its type, `autocomplete` and `maxlength`.
    Input(&'static str, &'static str, usize),
    TextArea(usize),
    /// `<select>` with `(value, text)` options.
    Select(Vec<(String, String)>),
}

/// A labelled control with its hint (why it is asked) and its error.
#[derive(Debug)]
pub struct Field<'a> {
    pub id: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub hint_id: &'static str,
    pub error: Option<&'static str>,
    pub error_id: &'static str,
    pub value: &'a str,
    pub required: bool,
    pub control: Control,
}

impl Field<'_> {
    pub fn html(self) -> Html {
        let id = self.id;
        let described = match (&self.hint, self.error) {
            (Some(_), Some(_)) => {
                // Pushed, not `concat`: the slice joiner costs the widget's budget.
                let mut both = String::from(self.hint_id);
                both.push(' ');
                both.push_str(self.error_id);
                Some(both)
            }
            (Some(_), None) => Some(self.hint_id.to_owned()),
            (None, Some(_)) => Some(self.error_id.to_owned()),
            (None, None) => None,
        };
        let invalid = self.error.map(|_| "true");
        let value = self.value.to_owned();
        let control = match self.control {
            Control::Input(kind, autocomplete, max) => html! {
                <input class="sb-input" {id} name={id} type={kind} {autocomplete}
                    maxlength={max.to_string()} required={self.required}
                    aria-invalid={invalid} aria-describedby={described} {value} />
            },
            Control::TextArea(max) => html! {
                <textarea class="sb-input" {id} name={id} rows="3" maxlength={max.to_string()}
                    required={self.required} aria-invalid={invalid} aria-describedby={described}
                    {value} />
            },
            Control::Select(options) => html! {
                <select class="sb-input" {id} name={id} aria-describedby={described}>
                    { for options.into_iter().map(|(v, text)| {
                        let selected = v == self.value;
                        html! { <option value={v} {selected}>{ text }</option> }
                    }) }
                </select>
            },
        };
        let mut head = Out::default();
        head.raw("<label class=\"sb-label\" for=\"")
            .raw(id)
            .raw("\">")
            .text(&self.label)
            .raw("</label>");
        if let Some(hint) = &self.hint {
            head.raw("<p class=\"sb-hint\" id=\"")
                .raw(self.hint_id)
                .raw("\">")
                .text(hint)
                .raw("</p>");
        }
        html! {
            <div class="sb-field">{ head.html() }{ control }{ error_markup(self.error_id, self.error) }</div>
        }
    }
}

/// A field's error message, or nothing.
fn error_markup(id: &str, error: Option<&str>) -> Html {
    let mut out = Out::default();
    if let Some(error) = error {
        out.raw("<p class=\"sb-field-error\" id=\"")
            .raw(id)
            .raw("\">")
            .raw(error)
            .raw("</p>");
    }
    out.html()
}

/// A checkbox with its label, its hint and its error; checked only by the
/// visitor (the explicit consent for a health field, a marketing opt-in).
/// `described` lists the ids of the texts that explain it.
pub fn checkbox(
    id: &'static str,
    checked: bool,
    label: &str,
    hint: Option<(&'static str, &str)>,
    described: String,
    error: Option<(&'static str, &'static str)>,
) -> Html {
    let mut text = Out::default();
    text.raw("<label class=\"sb-label\" for=\"")
        .raw(id)
        .raw("\">")
        .text(label)
        .raw("</label>");
    if let Some((hint_id, hint)) = hint {
        text.raw("<p class=\"sb-hint\" id=\"")
            .raw(hint_id)
            .raw("\">")
            .text(hint)
            .raw("</p>");
    }
    let (error_id, error) = match error {
        Some((error_id, error)) => (error_id, Some(error)),
        None => ("", None),
    };
    html! {
        <div class="sb-field sb-check">
            <input type="checkbox" {id} {checked}
                aria-invalid={error.map(|_| "true")} aria-describedby={described} />
            { text.html() }{ error_markup(error_id, error) }
        </div>
    }
}
