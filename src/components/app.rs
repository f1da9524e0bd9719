//! The widget's root: owns the flow's reducer, loads the profile and the visible
//! month's availability, maps the delegated events of the steps' markup to
//! actions, starts submissions, moves focus to each step's heading and narrates
//! step changes in a polite live region.

use std::rc::Rc;

use futures_util::future::join;
use js_sys::{Function, Reflect};
use sealbook_texts::Section;
use sealbook_web::calendar::Day;
use sealbook_web::clock;
use sealbook_web::i18n::Lang;
use sealbook_web::profile::{Channel, Kind};
use sealbook_web::public_api;
use sealbook_web::visitor_texts::{Text, t};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::markup::Out;
use super::{Ctx, calendar, details, steps};
use crate::api;
use crate::form::{ContactKind, Input};
use crate::options::Options;
use crate::state::{Action, FlowState, Focus, Stage, Step};
use crate::submit::{self, Submission};

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub options: Rc<Options>,
}

/// The element an event happened on, and a property of it.
fn target(event: &Event) -> Option<Element> {
    event.target()?.dyn_into::<Element>().ok()
}

fn property(element: &Element, name: &str) -> JsValue {
    Reflect::get(element, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// The input an `id` names.
fn input_of(id: &str) -> Option<Input> {
    [Input::Name, Input::Contact, Input::Note, Input::Reason]
        .into_iter()
        .find(|input| input.id() == id)
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    // Every text of the frame is read while this is alive: this form's own.
    let _texts = sealbook_texts::Drawing::scope(props.options.texts);
    let lang = props.options.lang;
    let state = use_reducer(FlowState::default);
    let root = use_node_ref();

    {
        // The profile, once, and the shown language's texts alongside it.
        let dispatcher = state.dispatcher();
        let options = Rc::clone(&props.options);
        use_effect_with((), move |()| {
            spawn_local(async move {
                let (api, business) = (options.api.as_str(), options.business.as_str());
                let (texts, scope) = (
                    public_api::texts_url(api, Some(business), lang, Section::Visitor),
                    options.texts,
                );
                let shown = async {
                    if lang != Lang::En {
                        // Without them the widget reads English: better than no form.
                        let _ =
                            public_api::install_texts(&texts, lang, Section::Visitor, scope).await;
                    }
                };
                let (profile, ()) = join(public_api::fetch_profile(api, business), shown).await;
                let action = match profile {
                    Ok(mut profile) => {
                        if lang == Lang::En && profile.has_own_texts(lang, Section::Visitor) {
                            // The business rewrote some English texts.
                            let _ =
                                public_api::install_texts(&texts, lang, Section::Visitor, scope)
                                    .await;
                        }
                        // A tag that pins no courier key offers no messages:
                        // the card could be sealed to nothing it trusts.
                        if options.courier_pins.is_empty() {
                            profile.messages.clear();
                        }
                        let today = clock::today_in(&profile.timezone);
                        Action::Loaded(Rc::new(profile), today)
                    }
                    Err(_) => Action::LoadFailed,
                };
                dispatcher.dispatch(action);
            });
        });
    }
    {
        // The visible month's availability, whenever what it depends on changes.
        let wanted = matches!(state.step, Step::Date | Step::Slot)
            .then(|| state.availability_key())
            .flatten();
        let kind = state.profile.as_ref().map_or(Kind::Restaurant, |p| p.kind);
        let dispatcher = state.dispatcher();
        let options = Rc::clone(&props.options);
        use_effect_with(wanted, move |wanted| {
            if let Some(key) = wanted.clone() {
                spawn_local(async move {
                    let result =
                        api::fetch_availability(&options.api, &options.business, kind, &key)
                            .await
                            .map(Rc::new);
                    dispatcher.dispatch(Action::Availability(key, result));
                });
            }
        });
    }
    {
        // Sealing is near once the visitor is at the details: warm it up.
        use_effect_with(state.step == Step::Details, |details| {
            if *details {
                spawn_local(sealbook_web::seal::warm_up());
            }
        });
    }
    {
        // Focus what the reducer says the visitor must read or use next.
        let root = root.clone();
        let target = state.focus;
        use_effect_with(state.focus_moves, move |_| {
            let selector = match target {
                Some(Focus::Heading) => "#sb-step".to_owned(),
                Some(Focus::Field(input)) => {
                    let mut selector = String::from("#");
                    selector.push_str(input.id());
                    selector
                }
                Some(Focus::Error) => "#sb-error".to_owned(),
                Some(Focus::Cursor) => "td[tabindex=\"0\"]".to_owned(),
                None => return,
            };
            focus(&root, &selector);
        });
    }

    let onclick = {
        let state = state.clone();
        let options = Rc::clone(&props.options);
        Callback::from(move |event: MouseEvent| {
            let Some(element) = target(&event).and_then(|e| e.closest("[data-a]").ok().flatten())
            else {
                return;
            };
            let value = element.get_attribute("data-v").unwrap_or_default();
            let action = match element.get_attribute("data-a").as_deref() {
                Some("next") => Action::Next,
                Some("back") => Action::Back,
                Some("pm") => Action::ShowMonth(-1),
                Some("nm") => Action::ShowMonth(1),
                Some("again") => Action::Reset,
                Some("day") => match Day::parse(&value) {
                    Some(day) => Action::PickDate(day),
                    None => return,
                },
                Some(action @ ("slot" | "wait")) => {
                    let slot = state.date.and_then(|date| {
                        let slots = if action == "slot" {
                            state.slots_on(date)?
                        } else {
                            state.full_on(date)
                        };
                        slots.get(value.parse::<usize>().ok()?).cloned()
                    });
                    match (slot, action) {
                        (Some(slot), "slot") => Action::PickSlot(slot),
                        (Some(slot), _) => Action::WaitFor(slot),
                        (None, _) => return,
                    }
                }
                Some("copy") => {
                    if let Some(confirmed) = state.confirmed.clone() {
                        let dispatcher = state.dispatcher();
                        spawn_local(async move {
                            if copy_text(&confirmed.manage_link).await.is_some() {
                                dispatcher.dispatch(Action::Copied);
                            }
                        });
                    }
                    return;
                }
                Some("submit") => {
                    start_submission(&state, &options);
                    return;
                }
                _ => return,
            };
            state.dispatch(action);
        })
    };
    let onkeydown = {
        let state = state.clone();
        Callback::from(move |event: KeyboardEvent| {
            let Some(element) = target(&event) else {
                return;
            };
            let action = if element.get_attribute("data-a").as_deref() == Some("day") {
                calendar::key_action(&event.key(), event.shift_key(), state.cursor)
            } else if event.key() == "Enter"
                && element.tag_name() == "INPUT"
                && state.step == Step::Details
            {
                // Enter in a details field continues, as a form's submit would.
                Some(Action::Next)
            } else {
                None
            };
            if let Some(action) = action {
                event.prevent_default();
                state.dispatch(action);
            }
        })
    };
    let oninput = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: InputEvent| {
            let Some(element) = target(&event) else {
                return;
            };
            if let (Some(input), Some(value)) = (
                input_of(&element.id()),
                property(&element, "value").as_string(),
            ) {
                dispatcher.dispatch(Action::Edit(input, value));
            }
        })
    };
    let onchange = {
        let dispatcher = state.dispatcher();
        Callback::from(move |event: Event| {
            let Some(element) = target(&event) else {
                return;
            };
            let value = property(&element, "value").as_string().unwrap_or_default();
            let action = match element.id().as_str() {
                "sb-party" => value.parse().ok().map(Action::SetParty),
                "sb-service" => Some(Action::SetService(value)),
                "sb-practitioner" => Some(Action::SetPractitioner(value)),
                "sb-contact-kind" => ContactKind::parse(&value).map(Action::SetContactKind),
                "sb-consent" => property(&element, "checked")
                    .as_bool()
                    .map(Action::SetConsent),
                "sb-messages" => property(&element, "checked")
                    .as_bool()
                    .map(Action::SetMessages),
                id => Channel::from_id(id)
                    .zip(property(&element, "checked").as_bool())
                    .map(|(channel, ticked)| Action::SetMarketing(channel, ticked)),
            };
            if let Some(action) = action {
                dispatcher.dispatch(action);
            }
        })
    };
    // Until the shown language is installed (with the profile), or if it could
    // not be, the texts are English: say so to screen readers.
    let english = lang != Lang::En && !sealbook_texts::installed(Section::Visitor, lang);
    let mut head = Out::default();
    head.raw("<h2 class=\"sb-heading\" id=\"sb-heading\">")
        .raw(t(lang, Text::Heading))
        .raw("</h2>");
    let Some(profile) = state.profile.clone() else {
        let text = if state.step == Step::Unavailable {
            Text::Unavailable
        } else {
            Text::Loading
        };
        head.raw("<p class=\"sb-status\" role=\"status\">")
            .raw(t(lang, text))
            .raw("</p>");
        return view(
            root,
            english,
            head,
            Vec::new(),
            None,
            (onclick, onkeydown, oninput, onchange),
        );
    };
    let ctx = Ctx {
        lang,
        state: &state,
        profile: &profile,
    };
    let heading = match (state.step, profile.kind) {
        (Step::Choose, Kind::Restaurant) => Text::StepParty,
        (Step::Choose, Kind::Clinic) => Text::StepService,
        (Step::Date, _) => Text::StepDate,
        (Step::Slot, _) => Text::StepSlot,
        (Step::Details, _) => Text::StepDetails,
        (Step::Review, _) => Text::StepReview,
        _ => Text::StepDone,
    };
    head.raw("<p class=\"sb-intro\">")
        .raw(t(lang, Text::Intro))
        .raw("</p><h3 class=\"sb-step\" id=\"sb-step\" tabindex=\"-1\">")
        .raw(t(lang, heading))
        .raw("</h3>");
    let announcement = match state.stage {
        Stage::CheckingKeys => Text::StatusChecking,
        Stage::Sealing => Text::StatusSealing,
        Stage::Sending => Text::StatusSending,
        Stage::Idle if state.copied => Text::Copied,
        Stage::Idle => heading,
    };
    let body = match state.step {
        Step::Choose => steps::choose(&ctx),
        Step::Date => calendar::date_step(&ctx),
        Step::Slot => steps::slot(&ctx),
        Step::Details => details::details(&ctx),
        Step::Review => steps::review(&ctx),
        _ => steps::done(&ctx),
    };

    view(
        root,
        english,
        head,
        body,
        Some(t(lang, announcement)),
        (onclick, onkeydown, oninput, onchange),
    )
}

type Listeners = (
    Callback<MouseEvent>,
    Callback<KeyboardEvent>,
    Callback<InputEvent>,
    Callback<Event>,
);

/// The widget's one Yew-built frame: the heading markup, the step's fields and the
/// polite live region; marked English while its texts are (`english`).
fn view(
    root: NodeRef,
    english: bool,
    head: Out,
    body: Vec<Html>,
    status: Option<&'static str>,
    listeners: Listeners,
) -> Html {
    let (onclick, onkeydown, oninput, onchange) = listeners;
    html! {
        <section class="sb-app" aria-labelledby="sb-heading" ref={root} lang={english.then_some("en")}
            {onclick} {onkeydown} {oninput} {onchange}>
            { head.html() }
            <div class="sb-form">{ for body }</div>
            <p class="sb-sr" id="sb-status" role="status" aria-live="polite">{ status.unwrap_or_default() }</p>
        </section>
    }
}

/// Starts sealing and sending the reviewed booking.
fn start_submission(state: &UseReducerHandle<FlowState>, options: &Rc<Options>) {
    let (Some(slot), Some(profile)) = (state.slot.clone(), state.profile.clone()) else {
        return;
    };
    if state.step != Step::Review || state.stage != Stage::Idle {
        return;
    }
    state.dispatch(Action::Submit);
    let dispatcher = state.dispatcher();
    let submission = Submission {
        options: Rc::clone(options),
        profile,
        choice: state.choice.clone(),
        details: state.details.clone(),
        slot,
        waiting: state.waiting,
    };
    spawn_local(submit::run(submission, move |action| {
        dispatcher.dispatch(action);
    }));
}

/// Focuses the element matching `selector` inside the widget. Focus is a courtesy;
/// failing to move it must not break the booking.
fn focus(root: &NodeRef, selector: &str) {
    let target = root
        .cast::<Element>()
        .and_then(|root| root.query_selector(selector).ok().flatten())
        .and_then(|element| element.dyn_into::<HtmlElement>().ok());
    if let Some(target) = target {
        let _ = target.focus();
    }
}

/// `navigator.clipboard.writeText(text)`; `None` if the browser refused.
async fn copy_text(text: &str) -> Option<()> {
    let navigator = web_sys::window()?.navigator();
    let clipboard = Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok()?;
    let write: Function = Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()?
        .dyn_into()
        .ok()?;
    let promise = write.call1(&clipboard, &JsValue::from_str(text)).ok()?;
    JsFuture::from(js_sys::Promise::from(promise)).await.ok()?;
    Some(())
}
