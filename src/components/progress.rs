//! The polite live region that narrates a submission's stages.

use yew::prelude::*;

use crate::i18n::{Lang, Text, t};
use crate::state::Step;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    pub lang: Lang,
    pub step: Step,
}

#[function_component(Progress)]
pub fn progress(props: &ProgressProps) -> Html {
    let text = match props.step {
        Step::CheckingKeys => Some(Text::StatusChecking),
        Step::Sealing => Some(Text::StatusSealing),
        Step::Sending => Some(Text::StatusSending),
        Step::Editing | Step::Done(_) | Step::Failed(_) => None,
    };
    // The region stays in the DOM so screen readers notice its changes.
    html! {
        <p class="sb-status" id="sb-status" role="status" aria-live="polite">
            { text.map(|text| t(props.lang, text)).unwrap_or_default() }
        </p>
    }
}
