//! The inbox's phases: log in (or join by invitation), unlock the keys on this
//! device, then the bookings and — for the owner — staff, audit log and cookie choices. Logging
//! out or a session that ends drops the unlocked keys with the rest.

use sealbook_texts::{PAGE, Section};
use sealbook_web::public_api::{install_texts, texts_url};
use sealbook_wire::api::auth::SessionView;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Api, ApiError};
use crate::i18n::{Lang, Text, browser_lang, t};
use crate::range::Range;
use crate::timing;
use crate::ui::{api_error_text, focus};
use crate::unwrap_workers;
use crate::views::audit::AuditPage;
use crate::views::block::BlockPage;
use crate::views::choose::Choose;
use crate::views::consent_stats::ConsentStatsPage;
use crate::views::detail::Detail;
use crate::views::invite::{Invite, Link};
use crate::views::list::List;
use crate::views::login::Login;
use crate::views::new_booking::NewBooking;
use crate::views::schedule::SchedulePage;
use crate::views::settings::Settings;
use crate::views::snippet::SnippetPage;
use crate::views::staff::StaffPage;
use crate::views::unlock::{Unlock, Unlocked};

#[derive(Clone, Debug, PartialEq)]
enum Page {
    List,
    Detail(AttrValue),
    New,
    Block,
    Staff,
    Audit,
    Settings,
    Snippet,
    Schedule,
    ConsentStats,
}

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Starting,
    Login(Option<AttrValue>),
    /// Opened from an owner's one-time link.
    Link(Link, AttrValue),
    Unlock {
        session: SessionView,
        first: bool,
    },
    Choose {
        session: SessionView,
        unlocked: Unlocked,
    },
    Inbox {
        session: SessionView,
        unlocked: Unlocked,
        page: Page,
    },
}

/// The owner's link (`#invite=<token>` or `#reset=<token>`) the page was opened from.
fn link_in_address() -> Option<(Link, String)> {
    let fragment = web_sys::window()?.location().hash().ok()?;
    Link::from_fragment(&fragment)
}

/// Forgets the fragment, so a reload does not offer the used link again.
fn clear_fragment() {
    if let Some(window) = web_sys::window()
        && let Ok(history) = window.history()
    {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/inbox/"));
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let lang = use_memo((), |()| browser_lang());
    let lang: Lang = *lang;
    let phase = use_state(|| Phase::Starting);
    let range = use_state(|| Range {
        from: timing::today(),
        week: false,
    });
    let status = use_state(|| None::<AttrValue>);

    {
        use_effect_with((), move |()| {
            // The visitors' words the inbox shares (its booking form's labels,
            // the API's errors), in French or German: fetched while staff log in.
            if lang != Lang::En {
                spawn_local(async move {
                    let url = texts_url("", None, lang, Section::Visitor);
                    // Without them those labels read English: the inbox still works.
                    let _ = install_texts(&url, lang, Section::Visitor, PAGE).await;
                });
            }
        });
    }
    {
        let phase = phase.clone();
        use_effect_with((), move |()| {
            if let Some((link, token)) = link_in_address() {
                phase.set(Phase::Link(link, token.into()));
            } else {
                spawn_local(async move {
                    phase.set(match Api::default().session().await {
                        Ok(session) => Phase::Unlock {
                            session,
                            first: false,
                        },
                        Err(_) => Phase::Login(None),
                    });
                });
            }
        });
    }
    // Every new screen starts at its heading, for keyboard and screen reader users.
    {
        let key = match &*phase {
            Phase::Starting => "starting".to_owned(),
            Phase::Login(_) => "login".to_owned(),
            Phase::Link(link, _) => format!("{link:?}"),
            Phase::Unlock { .. } => "unlock".to_owned(),
            Phase::Choose { .. } => "choose".to_owned(),
            Phase::Inbox { page, .. } => format!("{page:?}"),
        };
        use_effect_with(key, |_| focus("sb-heading"));
    }
    // Out of the inbox (logged out, the session ended, not yet unlocked), no
    // worker keeps a key, and none starts for a request still on its way.
    {
        let unlocked = matches!(*phase, Phase::Choose { .. } | Phase::Inbox { .. });
        use_effect_with(unlocked, |unlocked| {
            if !unlocked {
                unwrap_workers::end();
            }
        });
    }

    let logged_out = {
        let phase = phase.clone();
        Callback::from(move |error: ApiError| {
            phase.set(Phase::Login(Some(api_error_text(lang, &error).into())));
        })
    };
    let on_login = {
        let phase = phase.clone();
        Callback::from(move |session: SessionView| {
            phase.set(Phase::Unlock {
                session,
                first: false,
            })
        })
    };

    let body = match &*phase {
        Phase::Starting => {
            html! { <main><p class="sb-muted">{ t(lang, Text::Loading) }</p></main> }
        }
        Phase::Login(notice) => html! { <Login {lang} notice={notice.clone()} {on_login} /> },
        Phase::Link(link, token) => {
            let (phase, link) = (phase.clone(), *link);
            let on_joined = Callback::from(move |session: SessionView| {
                clear_fragment();
                phase.set(Phase::Unlock {
                    session,
                    // A new member's first unlock takes the grant code.
                    first: link == Link::Invite,
                });
            });
            html! { <Invite {lang} {link} token={token.clone()} {on_joined} /> }
        }
        Phase::Unlock { session, first } => {
            let (phase, session_now) = (phase.clone(), session.clone());
            let on_unlocked = Callback::from(move |unlocked: Unlocked| {
                let session = session_now.clone();
                phase.set(if unlocked.grant_code.is_some() {
                    Phase::Choose { session, unlocked }
                } else {
                    Phase::Inbox {
                        session,
                        unlocked,
                        page: Page::List,
                    }
                });
            });
            html! {
                <Unlock {lang} api={Api::with_csrf(&session.csrf)} staff_id={session.staff.id.clone()} first={*first}
                    {on_unlocked} on_logged_out={logged_out.clone()} />
            }
        }
        Phase::Choose { session, unlocked } => {
            let (phase, session_now, unlocked_now) =
                (phase.clone(), session.clone(), unlocked.clone());
            let on_done = Callback::from(move |own| {
                let mut unlocked = unlocked_now.clone();
                unlocked.grant_code = None;
                unlocked.wrapped = own;
                phase.set(Phase::Inbox {
                    session: session_now.clone(),
                    unlocked,
                    page: Page::List,
                });
            });
            html! {
                <Choose {lang} api={Api::with_csrf(&session.csrf)} wrapped={unlocked.wrapped.clone()}
                    grant_code={unlocked.grant_code.clone().unwrap_or_default()}
                    {on_done} on_logged_out={logged_out.clone()} />
            }
        }
        Phase::Inbox {
            session,
            unlocked,
            page,
        } => {
            let api = Api::with_csrf(&session.csrf);
            let go = |to: Page| {
                let (phase, session, unlocked) = (phase.clone(), session.clone(), unlocked.clone());
                Callback::from(move |_: MouseEvent| {
                    phase.set(Phase::Inbox {
                        session: session.clone(),
                        unlocked: unlocked.clone(),
                        page: to.clone(),
                    })
                })
            };
            let log_out = |everywhere: bool| {
                let (phase, api) = (phase.clone(), api.clone());
                Callback::from(move |_| {
                    let (phase, api) = (phase.clone(), api.clone());
                    spawn_local(async move {
                        let _ = api.logout(everywhere).await;
                        phase.set(Phase::Login(None));
                    });
                })
            };
            let on_open = {
                let (phase, session, unlocked) = (phase.clone(), session.clone(), unlocked.clone());
                Callback::from(move |id: AttrValue| {
                    phase.set(Phase::Inbox {
                        session: session.clone(),
                        unlocked: unlocked.clone(),
                        page: Page::Detail(id),
                    })
                })
            };
            let on_back = {
                let (phase, session, unlocked) = (phase.clone(), session.clone(), unlocked.clone());
                Callback::from(move |()| {
                    phase.set(Phase::Inbox {
                        session: session.clone(),
                        unlocked: unlocked.clone(),
                        page: Page::List,
                    })
                })
            };
            let on_range = {
                let range = range.clone();
                Callback::from(move |next: Range| range.set(next))
            };
            let on_status = {
                let status = status.clone();
                Callback::from(move |next: Option<AttrValue>| status.set(next))
            };
            let owner = session.staff.is_owner();
            let manages = session.staff.may_squeeze_in();
            let current = |which: &Page| (page == which).then_some("page");
            let content = match page {
                Page::List => html! {
                    <List {lang} api={api.clone()} staff={session.staff.clone()} keyring={unlocked.keyring.clone()}
                        range={*range} status={(*status).clone()} {on_range} {on_status} {on_open}
                        on_logged_out={logged_out.clone()} />
                },
                Page::Detail(id) => html! {
                    <Detail {lang} api={api.clone()} keyring={unlocked.keyring.clone()} staff={session.staff.clone()} id={id.clone()}
                        {on_back} on_logged_out={logged_out.clone()} />
                },
                Page::New => html! {
                    <NewBooking {lang} api={api.clone()} staff={session.staff.clone()} keyring={unlocked.keyring.clone()}
                        on_created={on_open.clone()} on_cancel={on_back.clone()} on_logged_out={logged_out.clone()} />
                },
                Page::Block => html! {
                    <BlockPage {lang} api={api.clone()} staff={session.staff.clone()} keyring={unlocked.keyring.clone()}
                        on_created={on_open.clone()} on_cancel={on_back.clone()} on_logged_out={logged_out.clone()} />
                },
                Page::Staff => html! {
                    <StaffPage {lang} api={api.clone()} wrapped={unlocked.wrapped.clone()}
                        configured={unlocked.configured.clone()} on_logged_out={logged_out.clone()} />
                },
                Page::Audit => {
                    html! { <AuditPage {lang} api={api.clone()} on_logged_out={logged_out.clone()} /> }
                }
                Page::ConsentStats => html! {
                    <ConsentStatsPage {lang} api={api.clone()} on_logged_out={logged_out.clone()} />
                },
                Page::Schedule => html! {
                    <SchedulePage {lang} api={api.clone()} keyring={unlocked.keyring.clone()}
                        on_logged_out={logged_out.clone()} />
                },
                Page::Snippet => {
                    let on_key_added = {
                        let (phase, session) = (phase.clone(), session.clone());
                        Callback::from(move |unlocked: Unlocked| {
                            let (staff_id, keyring) =
                                (session.staff.id.clone(), unlocked.keyring.clone());
                            spawn_local(async move {
                                // A key added here joins the keys this device remembers.
                                let _ = crate::device::refresh(&staff_id, &keyring).await;
                            });
                            phase.set(Phase::Inbox {
                                session: session.clone(),
                                unlocked,
                                page: Page::Snippet,
                            })
                        })
                    };
                    html! {
                        <SnippetPage {lang} api={api.clone()} unlocked={unlocked.clone()} {on_key_added}
                            business={session.staff.business.clone()} on_logged_out={logged_out.clone()} />
                    }
                }
                Page::Settings => {
                    let on_rewrapped = {
                        let (phase, session, unlocked) =
                            (phase.clone(), session.clone(), unlocked.clone());
                        Callback::from(move |wrapped| {
                            let mut unlocked = unlocked.clone();
                            unlocked.wrapped = wrapped;
                            phase.set(Phase::Inbox {
                                session: session.clone(),
                                unlocked,
                                page: Page::Settings,
                            })
                        })
                    };
                    html! {
                        <Settings {lang} api={api.clone()} staff={session.staff.clone()}
                            wrapped={unlocked.wrapped.clone()} {on_rewrapped}
                            on_logged_out={logged_out.clone()} />
                    }
                }
            };
            html! {
                <>
                    <header class="sb-header">
                        <p class="sb-brand">{ session.staff.business_name.clone() }
                            <span class="sb-muted">{ " · " }{ session.staff.email.clone() }</span></p>
                        <nav aria-label={t(lang, Text::AppName)} class="sb-nav">
                            <button id="sb-nav-bookings" class="sb-link" type="button"
                                aria-current={current(&Page::List)} onclick={go(Page::List)}>{ t(lang, Text::Bookings) }</button>
                            <button id="sb-nav-new" class="sb-link" type="button"
                                aria-current={current(&Page::New)} onclick={go(Page::New)}>{ t(lang, Text::NewBooking) }</button>
                            <button id="sb-nav-block" class="sb-link" type="button"
                                aria-current={current(&Page::Block)} onclick={go(Page::Block)}>{ t(lang, Text::BlockTime) }</button>
                            if manages {
                                <button id="sb-nav-schedule" class="sb-link" type="button"
                                    aria-current={current(&Page::Schedule)} onclick={go(Page::Schedule)}>{ t(lang, Text::Schedule) }</button>
                            }
                            if owner {
                                <button id="sb-nav-staff" class="sb-link" type="button"
                                    aria-current={current(&Page::Staff)} onclick={go(Page::Staff)}>{ t(lang, Text::Staff) }</button>
                                <button id="sb-nav-audit" class="sb-link" type="button"
                                    aria-current={current(&Page::Audit)} onclick={go(Page::Audit)}>{ t(lang, Text::AuditLog) }</button>
                                <button id="sb-nav-snippet" class="sb-link" type="button"
                                    aria-current={current(&Page::Snippet)} onclick={go(Page::Snippet)}>{ t(lang, Text::ScriptTag) }</button>
                                <button id="sb-nav-consents" class="sb-link" type="button"
                                    aria-current={current(&Page::ConsentStats)} onclick={go(Page::ConsentStats)}>{ t(lang, Text::ConsentStats) }</button>
                            }
                            <button id="sb-nav-settings" class="sb-link" type="button"
                                aria-current={current(&Page::Settings)} onclick={go(Page::Settings)}>{ t(lang, Text::Settings) }</button>
                            <button id="sb-logout" class="sb-link" type="button" onclick={log_out(false)}>{ t(lang, Text::LogOut) }</button>
                            <button id="sb-logout-everywhere" class="sb-link" type="button" onclick={log_out(true)}>
                                { t(lang, Text::LogOutEverywhere) }</button>
                        </nav>
                    </header>
                    <main>{ content }</main>
                </>
            }
        }
    };
    html! { <div lang={lang.code()}>{ body }</div> }
}
