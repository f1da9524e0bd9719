//! The widget's root: owns the form's reducer, starts submissions and moves focus
//! to whatever the visitor needs to read next.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::booking_form::BookingForm;
use super::confirmation::Confirmation;
use crate::clock;
use crate::form::Field;
use crate::i18n::{Text, t};
use crate::options::Options;
use crate::state::{Action, FormState, Step};
use crate::submit;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub options: Rc<Options>,
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let lang = props.options.lang;
    let state = use_reducer(FormState::default);
    let form_ref = use_node_ref();
    let result_ref = use_node_ref();
    let error_ref = use_node_ref();
    let today = use_memo((), |()| AttrValue::from(clock::today_local()));

    {
        // After each submit press or stage change, focus what the visitor must read:
        // the first invalid field, the error, or the confirmation.
        let first_invalid = state.errors.first().map(|e| e.field);
        let (form_ref, result_ref, error_ref) =
            (form_ref.clone(), result_ref.clone(), error_ref.clone());
        use_effect_with(
            (state.attempts, state.step.clone()),
            move |(attempts, step)| {
                match (step, first_invalid) {
                    (Step::Done(_), _) => focus(&result_ref),
                    (Step::Failed(_), _) => focus(&error_ref),
                    (Step::Editing, Some(field)) => focus_field(&form_ref, field),
                    // Back from a confirmation: start again at the top (never on page load).
                    (Step::Editing, None) if *attempts > 0 => focus_field(&form_ref, Field::Name),
                    _ => {}
                }
            },
        );
    }

    let onsubmit = {
        let state = state.clone();
        let options = Rc::clone(&props.options);
        Callback::from(move |()| {
            if !state.step.accepts_input() {
                return;
            }
            match submit::prepare(&state.draft) {
                Err(errors) => state.dispatch(Action::Invalid(errors)),
                Ok((booking, start)) => {
                    state.dispatch(Action::Submit);
                    let dispatcher = state.dispatcher();
                    let options = Rc::clone(&options);
                    spawn_local(async move {
                        submit::run(&options, booking, start, |action| {
                            dispatcher.dispatch(action)
                        })
                        .await;
                    });
                }
            }
        })
    };
    let onreset = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Reset))
    };

    html! {
        <section class="sb-app" aria-labelledby="sb-heading">
            <h2 class="sb-heading" id="sb-heading">{ t(lang, Text::Heading) }</h2>
            if let Step::Done(reference) = &state.step {
                <Confirmation
                    {lang}
                    reference={reference.clone()}
                    node_ref={result_ref}
                    {onreset}
                />
            } else {
                <p class="sb-intro">{ t(lang, Text::Intro) }</p>
                <BookingForm
                    {lang}
                    state={state.clone()}
                    {onsubmit}
                    {form_ref}
                    {error_ref}
                    today={(*today).clone()}
                />
            }
        </section>
    }
}

fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<HtmlElement>() {
        // Focus is a courtesy; failing to move it must not break the booking.
        let _ = element.focus();
    }
}

fn focus_field(form: &NodeRef, field: Field) {
    let input = form
        .cast::<Element>()
        .and_then(|form| form.query_selector(field.selector()).ok().flatten())
        .and_then(|input| input.dyn_into::<HtmlElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
    }
}
