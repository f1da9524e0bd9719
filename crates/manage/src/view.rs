//! The page: loading, the booking with its actions, the confirmation steps, and
//! the two end states (a link that does not open, an erased booking). The
//! business's cancellation deadline is shown before the visitor tries; after it,
//! change and cancel are disabled beside the business's phone number (erasure
//! never is), and a server that answers `cancellation_closed` says the same.

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::future::join;
use js_sys::{Array, Date};
use sealbook_envelope::base64url;
use sealbook_texts::Section;
use sealbook_web::clock;
use sealbook_web::error::{ErrorCode, Failure};
use sealbook_web::ics;
use sealbook_web::profile::{Booked, Profile, Slot};
use sealbook_web::public_api as api;
use sealbook_web::seal;
use sealbook_web::visitor_texts::{self as widget_i18n, Text as W};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Blob, BlobPropertyBag, HtmlElement, HtmlInputElement, Url};
use yew::prelude::*;

use crate::answer::{self, Managed};
use crate::change::{self, ChangeError, Target};
use crate::copy::VisitorCopy;
use crate::i18n::{self, Lang, Text, t};
use crate::link;
use crate::net;

/// Everything shown about an opened booking.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    target: Target,
    lang: Lang,
    business_name: String,
    timezone: String,
    start: String,
    /// A booking to keep, change or cancel (not cancelled, not on the waitlist).
    confirmed: bool,
    /// On the waitlist: the visitor may leave it.
    waiting: bool,
    /// The waitlist's offer ran out, or the slot began first.
    lapsed: bool,
    /// Seats offered from the waitlist: until when they are held (RFC 3339),
    /// and the cancel token, derived from the link's secret, that takes them.
    offer: Option<(String, String)>,
    /// The party or the service, the practitioner, the length.
    booked: Booked,
    /// The opened visitor copy: what the visitor typed, and the pins.
    copy: VisitorCopy,
    /// A Blob URL for the .ics file; revoked when the booking is erased.
    ics_url: Option<String>,
    /// Online change and cancel close at this instant (RFC 3339).
    deadline: String,
    /// The deadline has passed: change and cancel are for the phone.
    closed: bool,
    /// The business's public phone number, if it gives one.
    phone: Option<String>,
}

/// When online change and cancel close for a booking starting at `start`
/// under a business's `cancel_until_hours`, and whether they have.
fn deadline(start: &str, cancel_until_hours: u32) -> (String, bool) {
    let at = Date::parse(start) - f64::from(cancel_until_hours) * 3_600_000.0;
    let iso: String = Date::new(&JsValue::from_f64(at)).to_iso_string().into();
    (iso, Date::now() >= at)
}

/// The business's policy as its profile states it now: hours and phone.
async fn policy(target: &Target) -> Option<(u32, Option<String>)> {
    let url = api::endpoint(&target.api, &target.business, "profile");
    answer::policy(&net::call("GET", &url, None, None).await.ok()?)
}

#[derive(Clone, Debug, PartialEq)]
enum Page {
    Loading,
    /// A wrong, tampered or expired link: one message, nothing else.
    Invalid,
    /// No answer from the server: worth a retry.
    Offline,
    Ready(Rc<Loaded>),
    Erased,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    View,
    ConfirmCancel,
    ConfirmErase,
    /// Choosing a new day and time.
    Change,
    Busy,
}

/// The free times of the day chosen in the change step.
#[derive(Clone, Debug, PartialEq)]
enum Slots {
    Loading,
    Ready(Vec<Slot>),
    Failed(&'static str),
}

pub(crate) fn browser_lang() -> Lang {
    let code = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    Lang::from_code(code.get(0..2))
}

/// Opens the link: the booking, its visitor copy and the business's profile.
async fn load(lang: Lang) -> Result<Loaded, Failure> {
    let invalid = Failure::Known(ErrorCode::BookingNotFound);
    let window = web_sys::window().ok_or(invalid.clone())?;
    let location = window.location();
    let (pathname, hash) = (
        location.pathname().unwrap_or_default(),
        location.hash().unwrap_or_default(),
    );
    let api = location.origin().unwrap_or_default();
    // The browser's language while the booking is fetched: the page speaks it
    // if the link is not valid. (Done before the business's texts, which
    // replace these.)
    let texts = async {
        if lang != Lang::En {
            i18n::install(&api, None, lang).await;
        }
    };
    let Some((id, secret)) = link::parse(&pathname, &hash) else {
        texts.await;
        return Err(invalid);
    };
    let token = secret.token().to_base64url();
    let url = net::booking_url(&api, &id, None);
    let (answer, ()) = join(net::call("GET", &url, Some(&token), None), texts).await;
    let Managed {
        business,
        start,
        party_size: party,
        service,
        practitioner,
        status,
        visitor_copy,
        hold_until,
    } = Managed::read(&answer?).ok_or(invalid.clone())?;
    let copy = visitor_copy
        .and_then(|text| base64url::decode(&text))
        .ok_or(invalid.clone())?;
    let opened = seal::open_visitor_copy(&secret, &copy)
        .await
        .map_err(|_| invalid.clone())?;
    let offer = hold_until
        .filter(|_| status == "offered")
        .map(|hold| (hold, secret.cancel_token().to_base64url()));
    drop(secret);
    let copy = VisitorCopy::parse(&opened.plaintext).ok_or(invalid.clone())?;
    if opened.header.business != business {
        return Err(invalid);
    }
    let lang = copy
        .text("lang")
        .map_or(lang, |code| Lang::from_code(Some(&code)));
    let target_service = service.clone().unwrap_or_default();
    let target_practitioner = practitioner.clone().unwrap_or_default();

    let profile_url = api::endpoint(&api, &business, "profile");
    let business_texts = async {
        if lang != Lang::En {
            i18n::install(&api, Some(&business), lang).await;
        }
    };
    let (profile_json, ()) = join(net::call("GET", &profile_url, None, None), business_texts).await;
    let profile_json = profile_json?;
    let profile: Profile = api::profile(&profile_json).ok_or(invalid.clone())?;
    let own_english = [Section::Manage, Section::Visitor]
        .iter()
        .any(|section| profile.has_own_texts(Lang::En, *section));
    if lang == Lang::En && own_english {
        // The business rewrote some English texts.
        i18n::install(&api, Some(&business), lang).await;
    }

    let business_name = if profile.name.is_empty() {
        business.clone()
    } else {
        profile.name.clone()
    };
    let phone = answer::policy(&profile_json).and_then(|(_, phone)| phone);
    let (deadline, closed) = deadline(&start, profile.cancel_until_hours);
    let booked = profile.booked(
        lang,
        party,
        service.as_deref().unwrap_or_default(),
        practitioner.as_deref().unwrap_or_default(),
    );
    let mut loaded = Loaded {
        target: Target {
            api,
            id,
            token,
            business,
            kind: profile.kind,
            party,
            service: target_service,
            practitioner: target_practitioner,
        },
        lang,
        business_name,
        timezone: profile.timezone.clone(),
        start,
        confirmed: status == "confirmed",
        waiting: matches!(status.as_str(), "waiting" | "offered"),
        lapsed: status == "lapsed",
        offer,
        booked,
        copy,
        ics_url: None,
        deadline,
        closed,
        phone,
    };
    // A place on the waitlist is no appointment yet: nothing for a calendar.
    if loaded.confirmed {
        loaded.ics_url = ics_url(&loaded);
    }
    Ok(loaded)
}

/// The booking as an .ics file behind a Blob URL.
fn ics_url(loaded: &Loaded) -> Option<String> {
    let text = ics::calendar(&ics::Event {
        id: &loaded.target.id,
        start: &loaded.start,
        duration_minutes: loaded.booked.minutes,
        summary: &loaded.business_name,
        description: &loaded.booked.line(),
        stamp: clock::now_unix_seconds(),
    })?;
    let parts = Array::of1(&JsValue::from_str(&text));
    let options = BlobPropertyBag::new();
    options.set_type("text/calendar;charset=utf-8");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    Url::create_object_url_with_blob(&blob).ok()
}

/// Sets the page's `lang` to what it reads in: `lang` once installed, English
/// until then (or when its texts could not be fetched).
pub(crate) fn set_document_lang(lang: Lang, title: &str) {
    let shown = if sealbook_texts::installed(Section::Manage, lang) {
        lang
    } else {
        Lang::En
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        if let Some(html) = document.document_element() {
            // Best effort: the page works without it.
            let _ = html.set_attribute("lang", shown.code());
        }
        document.set_title(title);
    }
}

#[function_component]
pub fn App() -> Html {
    let first_lang = use_memo((), |_| browser_lang());
    let page = use_state(|| Page::Loading);
    let step = use_state(|| Step::View);
    let error = use_state(|| None::<&'static str>);
    let announce = use_state(String::new);
    let day = use_state(String::new);
    let slots = use_state(|| Slots::Loading);
    let days_asked = use_mut_ref(|| 0u32);
    let focus = use_node_ref();

    {
        let page = page.clone();
        let lang = *first_lang;
        use_effect_with((), move |_| {
            spawn_local(async move {
                page.set(match load(lang).await {
                    Ok(loaded) => Page::Ready(Rc::new(loaded)),
                    Err(Failure::Known(ErrorCode::Network)) => Page::Offline,
                    Err(_) => Page::Invalid,
                });
            });
        });
    }
    {
        // Focus follows each change of state, so screen-reader and keyboard users
        // land on what changed.
        let focus = focus.clone();
        let key = (page.clone(), *step, *error);
        use_effect_with(key, move |_| {
            if let Some(element) = focus.cast::<HtmlElement>() {
                // Best effort: focus is a courtesy, not a requirement.
                let _ = element.focus();
            }
        });
    }

    let lang = match &*page {
        Page::Ready(loaded) => loaded.lang,
        _ => *first_lang,
    };
    let tr = move |key: Text| t(lang, key);
    set_document_lang(lang, tr(Text::Title));

    let body = match &*page {
        Page::Loading => html! {
            <>
                <h1>{ tr(Text::Title) }</h1>
                <p class="sb-muted" aria-busy="true">{ tr(Text::Opening) }</p>
            </>
        },
        Page::Invalid => html! {
            <>
                <h1 ref={focus.clone()} tabindex="-1">{ tr(Text::InvalidHeading) }</h1>
                <p id="sb-invalid" class="sb-error" role="alert">{ tr(Text::InvalidLink) }</p>
            </>
        },
        Page::Offline => html! {
            <>
                <h1 ref={focus.clone()} tabindex="-1">{ tr(Text::Title) }</h1>
                <p id="sb-invalid" class="sb-error" role="alert">
                    { widget_i18n::t(lang, W::ErrNetwork) }
                </p>
            </>
        },
        Page::Erased => html! {
            <>
                <h1 ref={focus.clone()} tabindex="-1" id="sb-erased">{ tr(Text::ErasedHeading) }</h1>
                <p>{ tr(Text::ErasedNotice) }</p>
            </>
        },
        Page::Ready(loaded) => ready(
            loaded,
            *step,
            *error,
            &focus,
            Actions {
                page: page.clone(),
                step: step.clone(),
                error: error.clone(),
                announce: announce.clone(),
                day: day.clone(),
                slots: slots.clone(),
                days_asked: days_asked.clone(),
            },
        ),
    };
    html! {
        <>
            { body }
            <p class="sb-live" role="status" aria-live="polite">{ (*announce).clone() }</p>
        </>
    }
}

/// The state handles the action buttons change.
#[derive(Clone)]
struct Actions {
    page: UseStateHandle<Page>,
    step: UseStateHandle<Step>,
    error: UseStateHandle<Option<&'static str>>,
    announce: UseStateHandle<String>,
    day: UseStateHandle<String>,
    slots: UseStateHandle<Slots>,
    /// How many days the change step has asked for: only the latest answer is
    /// shown, so a late one for a day already left cannot list its times under
    /// the new day's date.
    days_asked: Rc<RefCell<u32>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    Cancel,
    Erase,
    /// Book the seats a waitlist offer holds.
    TakeOffer,
}

impl Actions {
    fn to(&self, next: Step) -> Callback<MouseEvent> {
        let (step, error) = (self.step.clone(), self.error.clone());
        Callback::from(move |_| {
            error.set(None);
            step.set(next);
        })
    }

    /// Opens the change step on the booking's own day.
    fn open_change(&self, loaded: &Rc<Loaded>) -> Callback<MouseEvent> {
        let this = self.clone();
        let loaded = loaded.clone();
        Callback::from(move |_| {
            this.error.set(None);
            this.step.set(Step::Change);
            let day = change::local_day(&loaded.start, &loaded.timezone);
            this.load_slots(&loaded, day);
        })
    }

    /// A day was picked in the change step.
    fn pick_day(&self, loaded: &Rc<Loaded>) -> Callback<Event> {
        let this = self.clone();
        let loaded = loaded.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                this.load_slots(&loaded, input.value());
            }
        })
    }

    fn load_slots(&self, loaded: &Rc<Loaded>, day: String) {
        let this = self.clone();
        let loaded = loaded.clone();
        let asked = {
            let mut counter = this.days_asked.borrow_mut();
            *counter = counter.wrapping_add(1);
            *counter
        };
        this.day.set(day.clone());
        this.slots.set(Slots::Loading);
        spawn_local(async move {
            let lang = loaded.lang;
            let answer = match change::slots(&loaded.target, &day).await {
                Ok(slots) => Slots::Ready(
                    slots
                        .into_iter()
                        .filter(|slot| slot.start != loaded.start)
                        .collect(),
                ),
                Err(failure) => Slots::Failed(failure_text(lang, &failure)),
            };
            if *this.days_asked.borrow() == asked {
                this.slots.set(answer);
            }
        });
    }

    /// Moves the booking to `start`.
    fn move_to(&self, loaded: &Rc<Loaded>, start: String) -> Callback<MouseEvent> {
        let this = self.clone();
        let loaded = loaded.clone();
        Callback::from(move |_| {
            let this = this.clone();
            let loaded = loaded.clone();
            let start = start.clone();
            this.step.set(Step::Busy);
            this.announce.set(t(loaded.lang, Text::Working).to_owned());
            spawn_local(async move {
                let lang = loaded.lang;
                match change::change(&loaded.target, &loaded.copy, &start).await {
                    Ok(()) => {
                        let mut moved = (*loaded).clone();
                        if let Some(url) = &moved.ics_url {
                            // Best effort: the old file describes the old time.
                            let _ = Url::revoke_object_url(url);
                        }
                        moved.start = start;
                        if let Some(copy) = moved.copy.with_start(&moved.start) {
                            moved.copy = copy;
                        }
                        moved.ics_url = ics_url(&moved);
                        this.page.set(Page::Ready(Rc::new(moved)));
                        this.announce.set(t(lang, Text::ChangedNotice).to_owned());
                        this.step.set(Step::View);
                    }
                    Err(error) => {
                        let text = match error {
                            ChangeError::NoPins => t(lang, Text::NoPins),
                            ChangeError::Failed(failure) => {
                                this.close_if_late(&loaded, &failure).await;
                                failure_text(lang, &failure)
                            }
                        };
                        this.error.set(Some(text));
                        this.announce.set(String::new());
                        this.step.set(Step::View);
                    }
                }
            });
        })
    }

    /// After `cancellation_closed`: the page takes the deadline the business
    /// has now (it may have changed since the page opened) and closes.
    async fn close_if_late(&self, loaded: &Rc<Loaded>, failure: &Failure) {
        if *failure != Failure::Known(ErrorCode::CancellationClosed) {
            return;
        }
        let mut closed = (**loaded).clone();
        if let Some((hours, phone)) = policy(&loaded.target).await {
            closed.deadline = deadline(&loaded.start, hours).0;
            closed.phone = phone;
        }
        closed.closed = true;
        self.page.set(Page::Ready(Rc::new(closed)));
    }

    fn run(&self, loaded: &Rc<Loaded>, act: Act) -> Callback<MouseEvent> {
        let this = self.clone();
        let loaded = loaded.clone();
        Callback::from(move |_| {
            let this = this.clone();
            let loaded = loaded.clone();
            this.step.set(Step::Busy);
            this.announce.set(t(loaded.lang, Text::Working).to_owned());
            spawn_local(async move {
                let lang = loaded.lang;
                let target = &loaded.target;
                let result = match (act, &loaded.offer) {
                    (Act::TakeOffer, Some((_, token))) => {
                        let url = format!("{}/api/v1/offer", target.api);
                        net::call("POST", &url, Some(token), None).await
                    }
                    _ => {
                        let (method, action) = match act {
                            Act::Erase => ("DELETE", None),
                            _ => ("POST", Some("cancel")),
                        };
                        let url = net::booking_url(&target.api, &target.id, action);
                        net::call(method, &url, Some(&target.token), None).await
                    }
                };
                match (act, result) {
                    (Act::TakeOffer, Ok(_)) => {
                        let mut booked = (*loaded).clone();
                        booked.confirmed = true;
                        booked.waiting = false;
                        booked.offer = None;
                        booked.ics_url = ics_url(&booked);
                        this.page.set(Page::Ready(Rc::new(booked)));
                        this.announce.set(t(lang, Text::BookedNotice).to_owned());
                        this.step.set(Step::View);
                    }
                    (Act::Cancel, Ok(_)) => {
                        let mut cancelled = (*loaded).clone();
                        cancelled.confirmed = false;
                        let notice = if cancelled.waiting {
                            Text::LeftNotice
                        } else {
                            Text::CancelledNotice
                        };
                        cancelled.waiting = false;
                        cancelled.offer = None;
                        this.page.set(Page::Ready(Rc::new(cancelled)));
                        this.announce.set(t(lang, notice).to_owned());
                        this.step.set(Step::View);
                    }
                    (Act::Erase, Ok(_)) => {
                        if let Some(url) = &loaded.ics_url {
                            // Best effort: the page holds nothing else of the booking.
                            let _ = Url::revoke_object_url(url);
                        }
                        this.page.set(Page::Erased);
                        this.announce.set(t(lang, Text::ErasedHeading).to_owned());
                        this.step.set(Step::View);
                    }
                    (_, Err(failure)) => {
                        this.close_if_late(&loaded, &failure).await;
                        this.error.set(Some(failure_text(lang, &failure)));
                        this.announce.set(String::new());
                        this.step.set(Step::View);
                    }
                }
            });
        })
    }
}

/// A failure in the visitor's words (the widget's table).
pub(crate) fn failure_text(lang: Lang, failure: &Failure) -> &'static str {
    match failure {
        Failure::Known(code) => widget_i18n::t(lang, code.text()),
        Failure::Other { .. } => widget_i18n::t(lang, W::ErrOther),
    }
}

pub(crate) fn row(label: &str, value: Html) -> Html {
    html! {
        <div class="sb-row"><dt>{ label.to_owned() }</dt><dd>{ value }</dd></div>
    }
}

fn ready(
    loaded: &Rc<Loaded>,
    step: Step,
    error: Option<&'static str>,
    focus: &NodeRef,
    actions: Actions,
) -> Html {
    let lang = loaded.lang;
    let tr = |key: Text| t(lang, key);
    let wt = |key: W| widget_i18n::t(lang, key);
    let copy = &loaded.copy;
    let when = clock::format_instant(lang, &loaded.start, &loaded.timezone);
    let (status, status_code) = if loaded.confirmed {
        (tr(Text::StatusConfirmed), "confirmed")
    } else if loaded.waiting {
        (tr(Text::StatusWaiting), "waiting")
    } else if loaded.lapsed {
        (tr(Text::LapsedNotice), "lapsed")
    } else {
        (tr(Text::StatusCancelled), "cancelled")
    };
    let mut rows = vec![
        row(
            tr(Text::BusinessLabel),
            html! { loaded.business_name.clone() },
        ),
        row(
            wt(W::WhenLabel),
            html! { <span id="sb-when">{ when }</span> },
        ),
    ];
    let what = html! { loaded.booked.what.clone() };
    if loaded.booked.with.is_some() {
        rows.push(row(wt(W::ServiceLabel), what));
    } else {
        rows.push(row(wt(W::PartyLabel), what));
    }
    if let Some(with) = &loaded.booked.with {
        rows.push(row(wt(W::PractitionerLabel), html! { with.clone() }));
    }
    if let Some(name) = copy.text("name") {
        rows.push(row(
            wt(W::NameLabel),
            html! { <span id="sb-manage-name">{ name }</span> },
        ));
    }
    let typed = [
        (W::ContactPhone, copy.contact("phone")),
        (W::ContactEmail, copy.contact("email")),
        (W::NoteLabel, copy.text("note")),
        (W::ReasonLabel, copy.text("reason")),
    ];
    for (label, value) in typed {
        if let Some(value) = value {
            rows.push(row(wt(label), html! { value }));
        }
    }
    rows.push(row(
        wt(W::DoneLead).trim_end_matches([':', ' ']),
        html! { loaded.target.id.clone() },
    ));
    if loaded.confirmed {
        let until = clock::format_instant(lang, &loaded.deadline, &loaded.timezone);
        rows.push(row(
            tr(Text::DeadlineLabel),
            html! { <span id="sb-deadline" data-deadline={loaded.deadline.clone()}>{ until }</span> },
        ));
    }
    let closed = loaded.confirmed && loaded.closed;
    // Disabled buttons say why, and where to call instead.
    let closed_note = closed.then_some("sb-closed");
    // The heading takes the focus when the page opens and after each action.
    let heading_focus = matches!(step, Step::View) && error.is_none();
    let busy = step == Step::Busy;
    let confirm = |question: Text, yes: Text, yes_id: &str, act: Act| {
        html! {
            <div class="sb-confirm" role="group" aria-labelledby="sb-question">
                <p id="sb-question" ref={focus.clone()} tabindex="-1">{ tr(question) }</p>
                <div class="sb-nav">
                    <button type="button" id="sb-keep" class="sb-secondary" onclick={actions.to(Step::View)}>
                        { tr(Text::Keep) }
                    </button>
                    <button type="button" id={yes_id.to_owned()} class="sb-submit sb-danger" onclick={actions.run(loaded, act)}>
                        { tr(yes) }
                    </button>
                </div>
            </div>
        }
    };
    let buttons = match step {
        Step::ConfirmCancel => confirm(
            Text::CancelQuestion,
            Text::CancelYes,
            "sb-cancel-yes",
            Act::Cancel,
        ),
        Step::ConfirmErase => confirm(
            Text::EraseQuestion,
            Text::EraseYes,
            "sb-erase-yes",
            Act::Erase,
        ),
        Step::Change => {
            let times = match &*actions.slots {
                Slots::Loading => html! { <p aria-busy="true">{ wt(W::LoadingTimes) }</p> },
                Slots::Failed(text) => html! { <p class="sb-error" role="alert">{ *text }</p> },
                Slots::Ready(slots) if slots.is_empty() => html! { <p>{ wt(W::NoTimes) }</p> },
                Slots::Ready(slots) => html! {
                    <ul class="sb-slots" aria-label={wt(W::StepSlot)}>
                        { for slots.iter().map(|slot| html! {
                            <li>
                                <button type="button" class="sb-secondary sb-slot" data-start={slot.start.clone()}
                                    onclick={actions.move_to(loaded, slot.start.clone())}>
                                    { slot.local.clone() }
                                </button>
                            </li>
                        }) }
                    </ul>
                },
            };
            html! {
                <div class="sb-confirm" role="group" aria-labelledby="sb-question">
                    <p id="sb-question" ref={focus.clone()} tabindex="-1">{ tr(Text::ChangeQuestion) }</p>
                    <p>
                        <label for="sb-change-day">{ tr(Text::DayLabel) }</label>{ " " }
                        <input type="date" id="sb-change-day" value={(*actions.day).clone()}
                            onchange={actions.pick_day(loaded)} />
                    </p>
                    <div aria-live="polite">{ times }</div>
                    <div class="sb-nav">
                        <button type="button" id="sb-keep" class="sb-secondary" onclick={actions.to(Step::View)}>
                            { wt(W::Back) }
                        </button>
                    </div>
                </div>
            }
        }

        Step::View | Step::Busy => html! {
            <div class="sb-actions">
                if let Some(url) = &loaded.ics_url {
                    <a id="sb-ics" class="sb-button" href={url.clone()} download="booking.ics">
                        { wt(W::AddToCalendar) }
                    </a>
                }
                if loaded.confirmed {
                    <button type="button" id="sb-change" class="sb-secondary" disabled={busy || closed}
                        aria-describedby={closed_note} onclick={actions.open_change(loaded)}>{ tr(Text::Change) }</button>
                }
                if loaded.confirmed {
                    <button type="button" id="sb-cancel" class="sb-secondary" disabled={busy || closed}
                        aria-describedby={closed_note} onclick={actions.to(Step::ConfirmCancel)}>{ tr(Text::Cancel) }</button>
                }
                if loaded.offer.is_some() {
                    <button type="button" id="sb-take-offer" class="sb-submit" disabled={busy}
                        onclick={actions.run(loaded, Act::TakeOffer)}>{ tr(Text::TakeOffer) }</button>
                }
                if loaded.waiting {
                    <button type="button" id="sb-cancel" class="sb-secondary" disabled={busy}
                        onclick={actions.run(loaded, Act::Cancel)}>{ tr(Text::LeaveWaitlist) }</button>
                }
                <button type="button" id="sb-erase" class="sb-secondary sb-danger" disabled={busy}
                    onclick={actions.to(Step::ConfirmErase)}>{ tr(Text::Erase) }</button>
            </div>
        },
    };
    html! {
        <>
            <h1 ref={if heading_focus { focus.clone() } else { NodeRef::default() }} tabindex="-1">
                { tr(Text::Title) }
            </h1>
            <p class="sb-muted">{ tr(Text::Decrypted) }</p>
            <p>
                { tr(Text::StatusLabel) }{ ": " }
                <strong id="sb-status" data-status={status_code}>
                    { status }
                </strong>
            </p>
            if let Some((hold, _)) = &loaded.offer {
                <p id="sb-offer">
                    { tr(Text::OfferedNotice).replace("{time}", &clock::format_instant(lang, hold, &loaded.timezone)) }
                </p>
            } else if loaded.waiting {
                <p id="sb-waiting">{ tr(Text::WaitingNotice) }</p>
            }
            <dl class="sb-summary">{ for rows }</dl>
            if closed {
                <p id="sb-closed" class="sb-notice">
                    if let Some(phone) = &loaded.phone {
                        { tr(Text::ClosedCall) }{ " " }
                        <a id="sb-phone" href={format!("tel:{}", phone.replace(' ', ""))}>{ phone.clone() }</a>
                    } else {
                        { tr(Text::ClosedContact) }
                    }
                </p>
            }
            if let Some(text) = error {
                <p id="sb-error" class="sb-error" role="alert" ref={focus.clone()} tabindex="-1">{ text }</p>
            }
            { buttons }
        </>
    }
}
