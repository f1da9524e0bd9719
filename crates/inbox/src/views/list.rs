//! A day or a week of bookings, with the period's counts. The server's list
//! arrives first (times, party or service, status, attendance) and the rows
//! open on this device in time order, several at a time on worker threads
//! (`unwrap_workers`), so the first screenful is readable before the rest is
//! done. Opened rows reach the page in batches (the first screenful at once,
//! then about every 200 ms: each batch lays the table out again); the table
//! holds the opened rows and one screenful more, so a thousand rows are not
//! drawn before the first one can be read, and it is drawn in blocks of rows,
//! so a batch redraws only the blocks it changed.

use std::rc::Rc;

use futures_util::future;
use futures_util::stream::{self, StreamExt};

use sealbook_web::calendar::Day;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use sealbook_export as export;
use sealbook_wire::api::auth::StaffView;
use sealbook_wire::plaintext::Booking;

use crate::api::{Api, ApiError};
use crate::booking::{Row, Sealed, attendance_text, status_text};
use crate::hooks::{unless_logged_out, use_calls};
use crate::i18n::{Lang, Text, t};
use crate::keyring::{Keyring, ReadError};
use crate::range::Range;
use crate::timing;
use crate::ui::{ErrorBox, api_error_text, download};
use crate::views::counts::Counts;

#[derive(Clone, Debug, Default, PartialEq)]
struct Listing {
    /// Bumped for every new request: answers for an older one are dropped.
    generation: u32,
    loading: bool,
    rows: Vec<Rc<Row>>,
    opened: usize,
    error: Option<ApiError>,
}

/// Rows shown as the first screenful: opened and shown before anything else.
const FIRST_SCREEN: usize = 50;
/// Opened rows wait at most this long (ms) before they are shown.
const BATCH_MS: f64 = 200.0;
/// Rows drawn as one component: a batch redraws the blocks it changed.
const BLOCK: usize = 50;
/// Bookings being opened at once: enough to keep every worker busy while the
/// page decrypts and draws what they unwrapped. A batch's layout holds the
/// page for tens of milliseconds, in which two workers unwrap tens of keys:
/// with 16 they ran dry (a thousand bookings opened about 10 % slower). 32
/// measured the same as 64 with two workers, and 128 no better; 64 leaves
/// room for four workers (`unwrap_workers`), which drain twice as fast
/// (docs/BENCHMARKS.md).
const IN_FLIGHT: usize = 64;

type Opened = (usize, Result<Booking, ReadError>);

enum Change {
    Start(u32),
    Listed(u32, Vec<Row>),
    Read(u32, Vec<Opened>),
    Failed(u32, ApiError),
}

impl Reducible for Listing {
    type Action = Change;

    fn reduce(self: Rc<Self>, action: Change) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Change::Start(generation) => {
                next = Self {
                    generation,
                    loading: true,
                    ..Self::default()
                };
            }
            Change::Listed(generation, rows) if generation == self.generation => {
                next.loading = false;
                next.rows = rows.into_iter().map(Rc::new).collect();
            }
            Change::Read(generation, batch) if generation == self.generation => {
                for (index, result) in batch {
                    if let Some(row) = next.rows.get_mut(index) {
                        let mut opened = (**row).clone();
                        opened.sealed = match result {
                            Ok(booking) => Sealed::Opened(Box::new(booking)),
                            Err(error) => Sealed::Failed(error),
                        };
                        *row = Rc::new(opened);
                        next.opened += 1;
                    }
                }
            }
            Change::Failed(generation, error) if generation == self.generation => {
                next.loading = false;
                next.error = Some(error);
            }
            _ => return self,
        }
        Rc::new(next)
    }
}

#[derive(Properties, PartialEq)]
pub struct ListProps {
    pub lang: Lang,
    pub api: Api,
    pub staff: StaffView,
    pub keyring: Keyring,
    pub range: Range,
    pub status: Option<AttrValue>,
    pub on_range: Callback<Range>,
    pub on_status: Callback<Option<AttrValue>>,
    pub on_open: Callback<AttrValue>,
    pub on_logged_out: Callback<ApiError>,
}

#[function_component(List)]
pub fn list(props: &ListProps) -> Html {
    let lang = props.lang;
    let listing = use_reducer(Listing::default);
    let generation = use_mut_ref(|| 0u32);
    // A failed listing shows in the listing's place, not in an error box.
    let calls = use_calls(&props.api, lang, &props.on_logged_out);

    {
        let (calls, listing, generation) = (calls.clone(), listing.clone(), generation.clone());
        let keyring = props.keyring.clone();
        use_effect_with(
            (props.range, props.status.clone()),
            move |(range, status)| {
                let current = {
                    let mut counter = generation.borrow_mut();
                    *counter += 1;
                    *counter
                };
                listing.dispatch(Change::Start(current));
                let (range, status) = (*range, status.clone());
                let left = generation.clone();
                // Leaving the listing before its answer came cancels the request:
                // nobody reads a list of thousands the page has moved on from.
                let request = web_sys::AbortController::new().ok();
                let abort = request.as_ref().map(web_sys::AbortController::signal);
                calls.spawn(async move |calls| {
                    // No open starts for a listing that was left (another range,
                    // the login screen): the key goes to no worker for it.
                    let still_current = || *generation.borrow() == current;
                    if !still_current() {
                        return Ok(());
                    }
                    timing::mark("sealbook:list");
                    // The workers start, and take the keys, while the list is on its way.
                    keyring.prepare_workers();
                    let from = range.from.iso();
                    let to = range.to().iso();
                    let listed =
                        calls
                            .api()
                            .bookings(&from, &to, status.as_deref(), abort.as_ref());
                    let stored = match listed.await {
                        Ok(stored) => stored,
                        // Left, and perhaps cancelled: nobody shows its failure.
                        Err(_) if !still_current() => return Ok(()),
                        Err(failure) => {
                            let failure = unless_logged_out(failure)?;
                            listing.dispatch(Change::Failed(current, failure));
                            return Ok(());
                        }
                    };
                    timing::measure_from("sealbook:listed", "sealbook:list");
                    let envelopes: Vec<String> =
                        stored.iter().map(|b| b.envelope.clone()).collect();
                    listing.dispatch(Change::Listed(
                        current,
                        stored.into_iter().map(Row::new).collect(),
                    ));
                    let first_screen = envelopes.len().min(FIRST_SCREEN);
                    let mut batch = Vec::new();
                    let mut shown_at = timing::now();
                    // Several opens in flight, answered in order: the browser's crypto
                    // thread unwraps the next keys while this one decrypts and parses
                    // the bookings already unwrapped.
                    let mut opening = stream::iter(envelopes.iter())
                        .take_while(|_| future::ready(still_current()))
                        .map(|envelope| {
                            timing::measured("sealbook:open-in-list", keyring.read(envelope))
                        })
                        .buffered(IN_FLIGHT)
                        .enumerate();
                    while let Some((index, result)) = opening.next().await {
                        if !still_current() {
                            return Ok(());
                        }
                        batch.push((index, result));
                        let opened = index + 1;
                        let screen_done = opened == first_screen;
                        if screen_done
                            || opened == envelopes.len()
                            || timing::now() - shown_at >= BATCH_MS
                        {
                            listing.dispatch(Change::Read(current, std::mem::take(&mut batch)));
                            shown_at = timing::now();
                        }
                        if screen_done {
                            // The first screenful is painted before more rows are shown
                            // (the next few are already being opened).
                            timing::next_frame().await;
                            if !still_current() {
                                return Ok(());
                            }
                            timing::measure_from("sealbook:first-screen", "sealbook:list");
                        }
                    }
                    if !envelopes.is_empty() {
                        timing::next_frame().await;
                        // A listing left half-way (another range) has not opened
                        // everything, and the last mark is the next listing's.
                        if still_current() {
                            timing::measure_from("sealbook:all-opened", "sealbook:list");
                        }
                    }
                    Ok(())
                });
                // Leaving the list (the login screen, another view) ends its opening.
                move || {
                    *left.borrow_mut() += 1;
                    if let Some(request) = request {
                        request.abort();
                    }
                }
            },
        );
    }

    let range = props.range;
    let move_by = |days: i32| {
        let on_range = props.on_range.clone();
        Callback::from(move |_| {
            on_range.emit(Range {
                from: range.from.add_days(days),
                week: range.week,
            })
        })
    };
    let set_week = |week: bool| {
        let on_range = props.on_range.clone();
        Callback::from(move |_| {
            on_range.emit(Range {
                from: range.from,
                week,
            })
        })
    };
    let on_today = {
        let on_range = props.on_range.clone();
        Callback::from(move |_| {
            on_range.emit(Range {
                from: timing::today(),
                week: range.week,
            })
        })
    };
    let on_from = {
        let on_range = props.on_range.clone();
        Callback::from(move |event: Event| {
            let value = event
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|input| input.value())
                .unwrap_or_default();
            if let Some(from) = Day::parse(&value) {
                on_range.emit(Range {
                    from,
                    week: range.week,
                });
            }
        })
    };
    let on_status = {
        let on_status = props.on_status.clone();
        Callback::from(move |event: Event| {
            let value = event
                .target_dyn_into::<HtmlSelectElement>()
                .map(|select| select.value())
                .unwrap_or_default();
            on_status.emit((!value.is_empty()).then(|| value.into()));
        })
    };
    let export_as = |format: &'static str| {
        let (listing, api, business) = (
            listing.clone(),
            props.api.clone(),
            props.staff.business.clone(),
        );
        let (from, to) = (range.from.iso(), range.to().iso());
        Callback::from(move |_| {
            let rows: Vec<export::Row> = listing
                .rows
                .iter()
                .filter(|row| matches!(row.sealed, Sealed::Opened(_)))
                .map(|row| row.export(&business))
                .collect();
            let (name, mime, content) = match format {
                "csv" => (
                    format!("bookings-{from}-{to}.csv"),
                    "text/csv;charset=utf-8",
                    export::csv(&rows)
                        .ok()
                        .and_then(|bytes| String::from_utf8(bytes).ok()),
                ),
                _ => (
                    format!("bookings-{from}-{to}.ics"),
                    "text/calendar;charset=utf-8",
                    Some(export::ics(&rows)),
                ),
            };
            let Some(content) = content else { return };
            if download(&name, mime, &content).is_ok() {
                let (api, count) = (api.clone(), rows.len());
                spawn_local(async move {
                    // The audit log records the export; the file never leaves this device.
                    let _ = api.report_export(format, count).await;
                });
            }
        })
    };

    let on_print = Callback::from(|_| {
        if let Some(window) = web_sys::window() {
            // The print stylesheet leaves the heading, the day and the table.
            let _ = window.print();
        }
    });
    let on_day_sheet = {
        let (listing, api) = (listing.clone(), props.api.clone());
        let business_name = props.staff.business_name.clone();
        Callback::from(move |_| {
            let opened: Vec<&Rc<Row>> = listing
                .rows
                .iter()
                .filter(|row| matches!(row.sealed, Sealed::Opened(_)))
                .collect();
            // The waitlist's places are listed on the sheet, not counted as bookings.
            let bookings = opened
                .iter()
                .filter(|row| !matches!(row.stored.status.as_str(), "waiting" | "lapsed"))
                .count();
            let covers: u32 = opened
                .iter()
                // Covers expected: confirmed bookings and seats held for an offer.
                .filter(|row| matches!(row.stored.status.as_str(), "confirmed" | "offered"))
                .filter_map(|row| row.stored.party_size)
                .sum();
            let title = format!("{business_name} — {}", range.describe(lang));
            let summary = format!(
                "{}: {bookings} · {covers} {}",
                t(lang, Text::Bookings),
                t(lang, Text::People)
            );
            let headings = [
                Text::Time,
                Text::What,
                Text::Name,
                Text::Contact,
                Text::Notes,
                Text::Status,
                Text::Attendance,
            ]
            .map(|text| t(lang, text));
            let rows: Vec<Vec<String>> = opened
                .iter()
                .map(|row| {
                    vec![
                        row.when(range.week),
                        row.what(lang),
                        row.name(),
                        row.contact(),
                        row.notes(),
                        status_text(lang, &row.stored.status).to_owned(),
                        attendance_text(lang, row.stored.attendance).to_owned(),
                    ]
                })
                .collect();
            let page = export::day_sheet(&export::DaySheet {
                lang: lang.code(),
                title: &title,
                summary: &summary,
                headings: &headings,
                rows: &rows,
            });
            let name = format!("day-sheet-{}-{}.html", range.from.iso(), range.to().iso());
            if download(&name, "text/html;charset=utf-8", &page).is_ok() {
                let (api, count) = (api.clone(), rows.len());
                spawn_local(async move {
                    // The audit log records the export; the file never leaves this device.
                    let _ = api.report_export("html", count).await;
                });
            }
        })
    };

    let status_option = |value: &'static str, text: Text| {
        let selected = props.status.as_deref() == Some(value);
        html! { <option value={value} {selected}>{ t(lang, text) }</option> }
    };
    let total = listing.rows.len();
    let drawn = (listing.opened + FIRST_SCREEN).min(total);
    let progress = if !listing.loading && listing.opened < total {
        format!(
            "{} {} {} {}…",
            t(lang, Text::Decrypting),
            listing.opened,
            t(lang, Text::Of),
            total
        )
    } else {
        String::new()
    };

    html! {
        <section aria-labelledby="sb-heading">
            <h1 id="sb-heading" tabindex="-1">{ t(lang, Text::Bookings) }</h1>
            <p id="sb-range" class="sb-range">{ range.describe(lang) }</p>
            <div class="sb-nav" role="group" aria-label={t(lang, Text::Bookings)}>
                <button id="sb-day" class="sb-secondary" type="button" aria-pressed={(!range.week).to_string()}
                    onclick={set_week(false)}>{ t(lang, Text::Day) }</button>
                <button id="sb-week" class="sb-secondary" type="button" aria-pressed={range.week.to_string()}
                    onclick={set_week(true)}>{ t(lang, Text::Week) }</button>
                <button id="sb-previous" class="sb-secondary" type="button" onclick={move_by(-range.days())}>
                    { t(lang, Text::Previous) }</button>
                <button id="sb-today" class="sb-secondary" type="button" onclick={on_today}>
                    { t(lang, Text::Today) }</button>
                <button id="sb-next" class="sb-secondary" type="button" onclick={move_by(range.days())}>
                    { t(lang, Text::Next) }</button>
            </div>
            <div class="sb-nav">
                <label for="sb-from">{ t(lang, Text::From) }</label>
                <input id="sb-from" class="sb-input sb-narrow" type="date" value={range.from.iso()} onchange={on_from} />
                <label for="sb-status">{ t(lang, Text::StatusFilter) }</label>
                <select id="sb-status" class="sb-input sb-narrow" onchange={on_status}>
                    <option value="" selected={props.status.is_none()}>{ t(lang, Text::AllStatuses) }</option>
                    { status_option("confirmed", Text::Confirmed) }
                    { status_option("cancelled", Text::Cancelled) }
                    { status_option("waiting", Text::Waiting) }
                    { status_option("offered", Text::Offered) }
                    { status_option("lapsed", Text::Lapsed) }
                    { status_option("arrived", Text::Arrived) }
                    { status_option("no_show", Text::NoShow) }
                    { status_option("late_cancelled", Text::LateCancelled) }
                </select>
                <button id="sb-export-csv" class="sb-secondary" type="button" onclick={export_as("csv")}
                    disabled={listing.opened == 0}>{ t(lang, Text::ExportCsv) }</button>
                <button id="sb-export-ics" class="sb-secondary" type="button" onclick={export_as("ics")}
                    disabled={listing.opened == 0}>{ t(lang, Text::ExportIcs) }</button>
                <button id="sb-day-sheet" class="sb-secondary" type="button" onclick={on_day_sheet}
                    disabled={listing.opened == 0}>{ t(lang, Text::DaySheet) }</button>
                <button id="sb-print" class="sb-secondary" type="button" onclick={on_print}>
                    { t(lang, Text::Print) }</button>
            </div>
            <Counts {lang} api={props.api.clone()} {range} on_logged_out={props.on_logged_out.clone()} />
            <ErrorBox message={listing.error.as_ref().map(|e| AttrValue::from(api_error_text(lang, e)))} />
            <p class="sb-live" aria-live="polite">{ progress.clone() }</p>
            if listing.loading {
                <p class="sb-muted">{ t(lang, Text::Loading) }</p>
            } else if total == 0 && listing.error.is_none() {
                <p class="sb-muted" id="sb-empty">{ t(lang, Text::NoBookings) }</p>
            } else {
                <table class="sb-table" id="sb-bookings">
                    <thead><tr>
                        <th scope="col">{ t(lang, Text::Time) }</th>
                        <th scope="col">{ t(lang, Text::What) }</th>
                        <th scope="col">{ t(lang, Text::Name) }</th>
                        <th scope="col">{ t(lang, Text::Contact) }</th>
                        <th scope="col">{ t(lang, Text::Notes) }</th>
                        <th scope="col">{ t(lang, Text::Status) }</th>
                        <th scope="col">{ t(lang, Text::Attendance) }</th>
                    </tr></thead>
                    <tbody>
                        { for listing.rows[..drawn].chunks(BLOCK).enumerate().map(|(block, rows)| html! {
                            <RowBlock key={block} {lang} rows={Rc::<[Rc<Row>]>::from(rows)} week={range.week}
                                on_open={props.on_open.clone()} />
                        }) }
                    </tbody>
                </table>
                if !progress.is_empty() {
                    <p class="sb-muted" aria-hidden="true">{ progress }</p>
                }
            }
        </section>
    }
}

#[derive(Properties)]
struct BlockProps {
    lang: Lang,
    rows: Rc<[Rc<Row>]>,
    week: bool,
    on_open: Callback<AttrValue>,
}

impl PartialEq for BlockProps {
    /// A block is redrawn only when one of its rows changed (or another view):
    /// a batch of opened rows redraws their blocks, not the whole table.
    fn eq(&self, other: &Self) -> bool {
        self.rows.len() == other.rows.len()
            && self
                .rows
                .iter()
                .zip(other.rows.iter())
                .all(|(one, other)| Rc::ptr_eq(one, other))
            && self.lang == other.lang
            && self.week == other.week
            && self.on_open == other.on_open
    }
}

/// [`BLOCK`] consecutive rows of the table, as one component.
#[function_component(RowBlock)]
fn row_block(props: &BlockProps) -> Html {
    html! {
        { for props.rows.iter().map(|row| html! {
            <BookingRow key={row.stored.id.clone()} lang={props.lang} row={row.clone()} week={props.week}
                on_open={props.on_open.clone()} />
        }) }
    }
}

#[derive(Properties)]
struct RowProps {
    lang: Lang,
    row: Rc<Row>,
    week: bool,
    on_open: Callback<AttrValue>,
}

impl PartialEq for RowProps {
    /// A row is redrawn only when it changed: a new `Rc` (opened) or another view.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.row, &other.row)
            && self.lang == other.lang
            && self.week == other.week
            && self.on_open == other.on_open
    }
}

#[function_component(BookingRow)]
fn booking_row(props: &RowProps) -> Html {
    let RowProps {
        lang,
        row,
        week,
        on_open,
    } = props;
    let (lang, week) = (*lang, *week);
    let id: AttrValue = row.stored.id.clone().into();
    let onclick = {
        let (id, on_open) = (id.clone(), on_open.clone());
        Callback::from(move |_| on_open.emit(id.clone()))
    };
    let when = row.when(week);
    let sealed = match &row.sealed {
        Sealed::Pending => html! { <td colspan="3" class="sb-muted">{ "…" }</td> },
        Sealed::Failed(ReadError::NoKey) => {
            html! { <td colspan="3" class="sb-muted">{ t(lang, Text::NotForYourKeys) }</td> }
        }
        Sealed::Failed(ReadError::Damaged) => {
            html! { <td colspan="3" class="sb-error-text">{ t(lang, Text::Damaged) }</td> }
        }
        Sealed::Opened(_) => html! {
            <>
                <td class="sb-name">{ row.name() }</td>
                <td>{ row.contact() }</td>
                <td>{ row.notes() }</td>
            </>
        },
    };
    html! {
        <tr data-booking={id.clone()}>
            <td><button class="sb-link" type="button" {onclick}>{ when }</button></td>
            <td>{ row.what(lang) }</td>
            { sealed }
            <td>{ status_text(lang, &row.stored.status) }
                if row.stored.needs_attention {
                    <span class="sb-attention">{ " · " }{ t(lang, Text::NeedsAttention) }</span>
                }
            </td>
            <td class="sb-attendance">{ attendance_text(lang, row.stored.attendance) }</td>
        </tr>
    }
}
