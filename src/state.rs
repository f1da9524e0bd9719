//! The visitor's flow as a state machine:
//! loading → choose → date → slot → details → review → (sending) → done.
//!
//! The reducer holds the profile, the visitor's choices, the visible month and its
//! availability, and what was typed. Actions that do not fit the current step are
//! ignored, so a late answer from a superseded request cannot move the flow.

use std::rc::Rc;

use sealbook_web::calendar::{self, Day};
use sealbook_web::error::{ErrorCode, Failure};
use sealbook_web::profile::{Availability, Channel, Kind, Localized, Profile, Slot};
use sealbook_web::visitor_texts::Text;
use yew::Reducible;

use crate::form::{ANY, Choice, ContactKind, Details, FieldError, Input};

/// Where the visitor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Loading,
    /// The profile could not be loaded: nothing can be booked.
    Unavailable,
    Choose,
    Date,
    Slot,
    Details,
    Review,
    Done,
}

/// Where a submission is (on the review step).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Idle,
    CheckingKeys,
    Sealing,
    Sending,
}

/// What the view should focus after an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The new step's heading.
    Heading,
    /// The first invalid input.
    Field(Input),
    /// The error message.
    Error,
    /// The calendar's focused day.
    Cursor,
}

/// What identifies one availability request: a change of any part needs a new one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AvailabilityKey {
    pub from: Day,
    pub to: Day,
    pub party: u8,
    pub service: String,
    pub practitioner: String,
    /// Bumped to fetch the same range again (after `slot_full`).
    pub generation: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loadable {
    Loading,
    Loaded(Rc<Availability>),
    Failed(Failure),
}

/// The confirmed booking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirmed {
    pub reference: String,
    pub start: String,
    pub manage_link: String,
    /// A clinic's practitioner as the server assigned them.
    pub practitioner: Option<String>,
    /// A place on the waitlist, not a booking.
    pub waiting: bool,
}

/// The whole state of the flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowState {
    pub step: Step,
    pub profile: Option<Rc<Profile>>,
    /// Today in the business's time zone.
    pub today: Day,
    pub choice: Choice,
    /// The visible month (its first day).
    pub month: Day,
    /// The calendar's focused day.
    pub cursor: Day,
    /// Bumped when the keyboard moves the cursor, so the view moves focus.
    pub cursor_moves: u32,
    pub availability_generation: u32,
    pub availability: Loadable,
    pub date: Option<Day>,
    pub slot: Option<Slot>,
    /// The slot is full: the visitor joins its waitlist.
    pub waiting: bool,
    pub details: Details,
    pub errors: Vec<FieldError>,
    /// Bumped on each failed "continue", so the view focuses the first error again.
    pub attempts: u32,
    /// A message for the current step (`slot_full` on the slot step).
    pub notice: Option<Text>,
    pub stage: Stage,
    pub failure: Option<Failure>,
    pub confirmed: Option<Confirmed>,
    /// The manage link was copied (announced until the next step).
    pub copied: bool,
    /// Where the focus goes, and a counter bumped each time it should move.
    pub focus: Option<Focus>,
    pub focus_moves: u32,
}

impl Default for FlowState {
    fn default() -> Self {
        Self {
            step: Step::Loading,
            profile: None,
            today: Day::default(),
            choice: Choice::default(),
            month: Day::default(),
            cursor: Day::default(),
            cursor_moves: 0,
            availability_generation: 0,
            availability: Loadable::Loading,
            date: None,
            slot: None,
            waiting: false,
            details: Details::default(),
            errors: Vec::new(),
            attempts: 0,
            notice: None,
            stage: Stage::Idle,
            failure: None,
            confirmed: None,
            copied: false,
            focus: None,
            focus_moves: 0,
        }
    }
}

/// Everything that can happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The profile arrived; `today` is the date in the business's time zone.
    Loaded(Rc<Profile>, Day),
    LoadFailed,
    SetParty(u8),
    SetService(String),
    SetPractitioner(String),
    /// Continue from the current step.
    Next,
    Back,
    /// Move the calendar's focus (arrow keys, page keys); the month follows.
    MoveCursor(Day),
    /// Show another month (previous / next buttons).
    ShowMonth(i32),
    Availability(AvailabilityKey, Result<Rc<Availability>, Failure>),
    PickDate(Day),
    PickSlot(Slot),
    /// Join the waitlist of a full slot.
    WaitFor(Slot),
    Edit(Input, String),
    SetContactKind(ContactKind),
    SetConsent(bool),
    /// A marketing opt-in box was ticked or unticked.
    SetMarketing(Channel, bool),
    /// The confirmation-and-reminders box was ticked or unticked.
    SetMessages(bool),
    /// Send was pressed on the review step.
    Submit,
    KeysVerified,
    Sealed,
    Accepted(Confirmed),
    Fail(Failure),
    /// Start a new booking after a confirmed one.
    Reset,
    /// The manage link is on the clipboard.
    Copied,
}

impl FlowState {
    fn profile(&self) -> Option<&Profile> {
        self.profile.as_deref()
    }

    /// The last bookable date.
    pub fn last_day(&self) -> Day {
        let horizon = self.profile().map_or(0, |p| p.horizon_days);
        self.today
            .add_days(i32::try_from(horizon).unwrap_or(i32::MAX / 2))
    }

    /// The availability request for the visible month, or `None` when no day of it
    /// can be booked.
    pub fn availability_key(&self) -> Option<AvailabilityKey> {
        let from = self.month.first_of_month().max(self.today);
        let to = self.month.last_of_month().min(self.last_day());
        (from <= to).then(|| AvailabilityKey {
            from,
            to,
            party: self.choice.party,
            service: self.choice.service.clone(),
            practitioner: self.choice.practitioner.clone(),
            generation: self.availability_generation,
        })
    }

    /// The loaded availability of `day`, if any.
    pub fn slots_on(&self, day: Day) -> Option<&[Slot]> {
        match &self.availability {
            Loadable::Loaded(availability) => availability
                .day(day)
                .filter(|d| d.open)
                .map(|d| d.slots.as_slice()),
            _ => None,
        }
    }

    /// The full slots of `day` whose waitlist the visitor may join.
    pub fn full_on(&self, day: Day) -> &[Slot] {
        match &self.availability {
            Loadable::Loaded(availability) => {
                availability.day(day).map_or(&[][..], |d| d.full.as_slice())
            }
            _ => &[],
        }
    }

    /// Whether `day` has a slot to book or a waitlist to join.
    pub fn pickable(&self, day: Day) -> bool {
        self.slots_on(day).is_some_and(|slots| !slots.is_empty()) || !self.full_on(day).is_empty()
    }

    /// Why the business is closed on `day`, if its closure says.
    pub fn note_on(&self, day: Day) -> Option<&Localized> {
        match &self.availability {
            Loadable::Loaded(availability) => availability.day(day)?.note.as_ref(),
            _ => None,
        }
    }

    pub fn error_for(&self, input: Input) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.input == input)
    }

    fn show(&mut self, month: Day) {
        let month = calendar::clamp(month, self.today, self.last_day()).first_of_month();
        if month != self.month {
            self.month = month;
            self.availability = Loadable::Loading;
        }
    }

    fn reload(&mut self) {
        self.availability_generation = self.availability_generation.wrapping_add(1);
        self.availability = Loadable::Loading;
    }

    /// The state after `action`, or `None` when the action does not apply now.
    /// Also decides where the focus goes: a new step's heading (except when the
    /// flow first appears: the host page keeps its focus), the first invalid
    /// field, a new error, or the calendar's moved cursor.
    pub fn next(&self, action: Action) -> Option<Self> {
        let mut next = self.transition(action)?;
        let focus = if next.step != self.step {
            next.copied = false;
            (self.step != Step::Loading).then_some(Focus::Heading)
        } else if next.attempts != self.attempts {
            next.errors.first().map(|e| Focus::Field(e.input))
        } else if next.failure.is_some() && self.failure.is_none() {
            Some(Focus::Error)
        } else if next.cursor_moves != self.cursor_moves {
            Some(Focus::Cursor)
        } else {
            None
        };
        if focus.is_some() {
            next.focus = focus;
            next.focus_moves = self.focus_moves.wrapping_add(1);
        }
        Some(next)
    }

    fn transition(&self, action: Action) -> Option<Self> {
        let mut next = self.clone();
        let busy = self.stage != Stage::Idle;
        match (action, self.step) {
            (Action::Loaded(profile, today), Step::Loading) => {
                next.choice.party = next.choice.party.min(profile.max_party_size).max(1);
                if let Some(service) = profile.services.first() {
                    next.choice.service = service.id.clone();
                }
                next.profile = Some(profile);
                next.today = today;
                next.month = today.first_of_month();
                next.cursor = today;
                next.step = Step::Choose;
            }
            (Action::LoadFailed, Step::Loading) => next.step = Step::Unavailable,
            (Action::SetParty(party), Step::Choose) => {
                let max = self.profile().map_or(1, |p| p.max_party_size);
                if !(1..=max).contains(&party) {
                    return None;
                }
                next.choice.party = party;
            }
            (Action::SetService(service), Step::Choose) => {
                let profile = self.profile()?;
                profile.service(&service)?;
                // A practitioner who does not offer the new service is dropped.
                if !profile
                    .practitioners_for(&service)
                    .any(|p| p.id == self.choice.practitioner)
                {
                    next.choice.practitioner = ANY.to_owned();
                }
                next.choice.service = service;
            }
            (Action::SetPractitioner(practitioner), Step::Choose) => {
                let profile = self.profile()?;
                if practitioner != ANY
                    && !profile
                        .practitioners_for(&self.choice.service)
                        .any(|p| p.id == practitioner)
                {
                    return None;
                }
                next.choice.practitioner = practitioner;
            }
            (Action::Next, Step::Choose) => {
                let profile = self.profile()?;
                if profile.kind == Kind::Clinic && profile.service(&self.choice.service).is_none() {
                    return None;
                }
                next.step = Step::Date;
                // Availability depends on the choice: fetch it afresh.
                next.reload();
                next.notice = None;
            }
            (Action::Next, Step::Details) => {
                let profile = self.profile()?;
                next.errors = self.details.validate(profile);
                // The waitlist writes when seats free up: it needs the messages.
                if self.waiting && self.details.messages_channel(profile).is_none() {
                    let input = match self.details.offered_channel(profile) {
                        Some(_) => Input::Messages,
                        None => Input::Contact,
                    };
                    if !next.errors.iter().any(|e| e.input == input) {
                        next.errors.push(FieldError {
                            input,
                            text: Text::ErrWaitlistMessages,
                        });
                    }
                }
                if next.errors.is_empty() {
                    next.step = Step::Review;
                    next.failure = None;
                } else {
                    next.attempts = self.attempts.wrapping_add(1);
                }
            }
            (Action::Back, step) if !busy => {
                next.step = match step {
                    Step::Date => Step::Choose,
                    Step::Slot => Step::Date,
                    Step::Details => Step::Slot,
                    Step::Review => Step::Details,
                    _ => return None,
                };
                next.notice = None;
                next.failure = None;
            }
            (Action::MoveCursor(day), Step::Date) => {
                next.cursor = calendar::clamp(day, self.today, self.last_day());
                next.cursor_moves = self.cursor_moves.wrapping_add(1);
                next.show(next.cursor);
            }
            (Action::ShowMonth(delta), Step::Date) => {
                next.show(self.month.add_months(delta));
                next.cursor = calendar::clamp(next.month, self.today, self.last_day());
                // The month's buttons are redrawn with it: the focus goes to the grid.
                next.cursor_moves = self.cursor_moves.wrapping_add(1);
            }
            (Action::Availability(key, result), Step::Date | Step::Slot) => {
                if self.availability_key().as_ref() != Some(&key) {
                    return None;
                }
                next.availability = match result {
                    Ok(availability) => Loadable::Loaded(availability),
                    Err(failure) => Loadable::Failed(failure),
                };
            }
            (Action::PickDate(day), Step::Date) => {
                if !self.pickable(day) {
                    return None;
                }
                next.date = Some(day);
                next.cursor = day;
                next.step = Step::Slot;
                next.notice = None;
            }
            (Action::PickSlot(slot), Step::Slot) => {
                let day = self.date?;
                if !self.slots_on(day)?.contains(&slot) {
                    return None;
                }
                next.slot = Some(slot);
                next.waiting = false;
                next.step = Step::Details;
                next.notice = None;
            }
            (Action::WaitFor(slot), Step::Slot) => {
                if !self.full_on(self.date?).contains(&slot) {
                    return None;
                }
                next.slot = Some(slot);
                next.waiting = true;
                next.step = Step::Details;
                next.notice = None;
            }
            (Action::Edit(input, value), Step::Details) => {
                *next.details.slot(input)? = value;
                if !next.details.needs_consent(self.profile()?) {
                    next.details.health_consent = false;
                }
            }
            (Action::SetContactKind(kind), Step::Details) => {
                next.details.contact_kind = kind;
                // The old message talked about the other kind of contact.
                next.errors.retain(|e| e.input != Input::Contact);
            }
            (Action::SetConsent(consent), Step::Details) => {
                next.details.health_consent = consent;
                if consent {
                    next.errors.retain(|e| e.input != Input::Consent);
                }
            }
            (Action::SetMessages(ticked), Step::Details) => {
                let details = &self.details;
                details.offered_channel(self.profile()?)?;
                next.details.messages = ticked;
                if ticked {
                    next.errors.retain(|e| e.input != Input::Messages);
                } else {
                    // What the box asked of the contact no longer applies.
                    next.errors.retain(|e| e.input != Input::Contact);
                }
            }
            (Action::SetMarketing(channel, ticked), Step::Details) => {
                if !self
                    .profile()?
                    .marketing
                    .iter()
                    .any(|o| o.channel == channel)
                {
                    return None;
                }
                next.details.marketing[channel.index()] = ticked;
            }
            (Action::Submit, Step::Review) if !busy => {
                next.stage = Stage::CheckingKeys;
                next.failure = None;
            }
            (Action::KeysVerified, Step::Review) if self.stage == Stage::CheckingKeys => {
                next.stage = Stage::Sealing;
            }
            (Action::Sealed, Step::Review) if self.stage == Stage::Sealing => {
                next.stage = Stage::Sending;
            }
            (Action::Accepted(confirmed), Step::Review) if self.stage == Stage::Sending => {
                next.stage = Stage::Idle;
                next.confirmed = Some(confirmed);
                next.step = Step::Done;
            }
            (Action::Fail(failure), Step::Review) if busy => {
                next.stage = Stage::Idle;
                if let Failure::Known(code @ (ErrorCode::SlotFull | ErrorCode::SlotOpen)) = failure
                {
                    // Someone was faster (or a seat freed): choose again from fresh availability.
                    next.step = Step::Slot;
                    next.slot = None;
                    next.notice = Some(code.text());
                    next.reload();
                } else {
                    next.failure = Some(failure);
                }
            }
            (Action::Reset, Step::Done) => {
                let fresh = Self {
                    step: Step::Loading,
                    focus_moves: self.focus_moves,
                    ..Self::default()
                };
                next = fresh.transition(Action::Loaded(self.profile.clone()?, self.today))?;
            }
            (Action::Copied, Step::Done) => next.copied = true,
            _ => return None,
        }
        Some(next)
    }
}

impl Reducible for FlowState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match self.next(action) {
            Some(next) => Rc::new(next),
            None => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::tests::{clinic, restaurant};
    use sealbook_web::profile::DayAvailability;

    fn day(text: &str) -> Day {
        Day::parse(text).expect("date")
    }

    fn slot(start: &str, local: &str) -> Slot {
        Slot {
            start: start.to_owned(),
            local: local.to_owned(),
        }
    }

    fn run(state: FlowState, actions: impl IntoIterator<Item = Action>) -> FlowState {
        actions.into_iter().fold(state, |state, action| {
            state
                .next(action.clone())
                .unwrap_or_else(|| panic!("{action:?} should apply in {:?}", state.step))
        })
    }

    fn loaded(profile: Profile) -> FlowState {
        run(
            FlowState::default(),
            [Action::Loaded(Rc::new(profile), day("2026-11-26"))],
        )
    }

    fn availability(state: &FlowState) -> Action {
        let key = state.availability_key().expect("a bookable month");
        Action::Availability(
            key,
            Ok(Rc::new(Availability {
                days: vec![
                    DayAvailability {
                        date: day("2026-11-27"),
                        open: true,
                        note: None,
                        slots: vec![slot("2026-11-27T18:00:00Z", "19:00")],
                        full: Vec::new(),
                    },
                    DayAvailability {
                        date: day("2026-11-28"),
                        open: false,
                        note: None,
                        slots: Vec::new(),
                        full: Vec::new(),
                    },
                    DayAvailability {
                        date: day("2026-11-29"),
                        open: false,
                        note: None,
                        slots: Vec::new(),
                        full: vec![slot("2026-11-29T18:00:00Z", "19:00")],
                    },
                ],
            })),
        )
    }

    fn at_date(profile: Profile) -> FlowState {
        let state = run(loaded(profile), [Action::Next]);
        let answer = availability(&state);
        run(state, [answer])
    }

    fn at_review() -> FlowState {
        run(
            at_date(restaurant()),
            [
                Action::PickDate(day("2026-11-27")),
                Action::PickSlot(slot("2026-11-27T18:00:00Z", "19:00")),
                Action::Edit(Input::Name, "Ada".to_owned()),
                Action::Edit(Input::Contact, "+33 6 12 34 56 78".to_owned()),
                Action::Next,
            ],
        )
    }

    #[test]
    fn the_happy_path_ends_confirmed() {
        let review = at_review();
        assert_eq!(review.step, Step::Review);
        let confirmed = Confirmed {
            reference: "7KQ2".to_owned(),
            start: "2026-11-27T18:00:00Z".to_owned(),
            manage_link: "x/manage/7KQ2#s".to_owned(),
            practitioner: None,
            waiting: false,
        };
        let done = run(
            review,
            [
                Action::Submit,
                Action::KeysVerified,
                Action::Sealed,
                Action::Accepted(confirmed.clone()),
            ],
        );
        assert_eq!(done.step, Step::Done);
        assert_eq!(done.confirmed, Some(confirmed));
        let again = run(done, [Action::Reset]);
        assert_eq!(again.step, Step::Choose);
        assert_eq!(again.details, Details::default());
    }

    #[test]
    fn party_size_stays_within_the_profile() {
        let state = loaded(restaurant());
        assert_eq!(state.choice.party, 2);
        assert_eq!(run(state.clone(), [Action::SetParty(8)]).choice.party, 8);
        assert_eq!(state.next(Action::SetParty(9)), None);
        assert_eq!(state.next(Action::SetParty(0)), None);
    }

    #[test]
    fn clinics_choose_a_service_and_any_or_a_matching_practitioner() {
        let state = loaded(clinic());
        assert_eq!(state.choice.service, "physio-30");
        assert_eq!(state.choice.practitioner, ANY);
        assert_eq!(state.next(Action::SetPractitioner("bob".to_owned())), None);
        let anna = run(state, [Action::SetPractitioner("anna".to_owned())]);
        assert_eq!(anna.choice.practitioner, "anna");
        assert_eq!(anna.next(Action::SetService("massage".to_owned())), None);
    }

    #[test]
    fn only_days_with_free_slots_or_a_waitlist_can_be_picked() {
        let state = at_date(restaurant());
        assert_eq!(
            state.next(Action::PickDate(day("2026-11-28"))),
            None,
            "closed"
        );
        assert_eq!(
            state.next(Action::PickDate(day("2026-11-30"))),
            None,
            "unknown"
        );
        let slots = run(state, [Action::PickDate(day("2026-11-27"))]);
        assert_eq!(slots.step, Step::Slot);
        assert_eq!(
            slots.next(Action::PickSlot(slot("2026-11-27T19:00:00Z", "20:00"))),
            None
        );
    }

    #[test]
    fn the_cursor_stays_in_the_horizon_and_the_month_follows_it() {
        let state = at_date(restaurant());
        let before = run(state.clone(), [Action::MoveCursor(day("2026-11-20"))]);
        assert_eq!(before.cursor, day("2026-11-26"));
        let december = run(state.clone(), [Action::MoveCursor(day("2026-12-03"))]);
        assert_eq!(december.month, day("2026-12-01"));
        assert_eq!(december.availability, Loadable::Loading);
        let far = run(state.clone(), [Action::MoveCursor(day("2027-06-01"))]);
        assert_eq!(far.cursor, day("2027-01-25"), "60 days ahead");
        let previous = run(state.clone(), [Action::ShowMonth(-1)]);
        assert_eq!(previous.month, day("2026-11-01"), "no month before today");
        let next = run(state, [Action::ShowMonth(1)]);
        assert_eq!(next.cursor, day("2026-12-01"));
        assert_eq!(
            next.focus,
            Some(Focus::Cursor),
            "the redrawn grid takes the focus"
        );
    }

    #[test]
    fn stale_availability_is_ignored() {
        let state = run(loaded(restaurant()), [Action::Next]);
        let stale = availability(&state);
        let moved = run(state, [Action::ShowMonth(1)]);
        assert_eq!(moved.next(stale), None);
        let key = moved.availability_key().expect("december");
        assert_eq!(key.from, day("2026-12-01"));
        assert_eq!(key.to, day("2026-12-31"));
    }

    #[test]
    fn details_need_consent_for_filled_health_fields() {
        let state = run(
            at_date(restaurant()),
            [
                Action::PickDate(day("2026-11-27")),
                Action::PickSlot(slot("2026-11-27T18:00:00Z", "19:00")),
                Action::Edit(Input::Name, "Ada".to_owned()),
                Action::Edit(Input::Contact, "+33 6 12 34 56 78".to_owned()),
                Action::Edit(Input::Note, "peanuts".to_owned()),
                Action::Next,
            ],
        );
        assert_eq!(state.step, Step::Details);
        assert_eq!(state.errors[0].input, Input::Consent);
        let consented = run(state, [Action::SetConsent(true), Action::Next]);
        assert_eq!(consented.step, Step::Review);
        // Emptying the field withdraws the consent box with it.
        let emptied = run(
            consented,
            [Action::Back, Action::Edit(Input::Note, String::new())],
        );
        assert!(!emptied.details.health_consent);
    }

    #[test]
    fn a_full_slot_is_waited_for_and_the_waitlist_needs_the_messages() {
        let mut profile = restaurant();
        profile.messages = vec![Channel::Sms];
        let full = slot("2026-11-29T18:00:00Z", "19:00");
        let slots = run(at_date(profile), [Action::PickDate(day("2026-11-29"))]);
        assert_eq!(slots.step, Step::Slot);
        assert_eq!(
            slots.next(Action::PickSlot(full.clone())),
            None,
            "a full slot is not booked"
        );
        let details = run(
            slots,
            [
                Action::WaitFor(full),
                Action::Edit(Input::Name, "Ada".to_owned()),
                Action::Edit(Input::Contact, "+33 6 12 34 56 78".to_owned()),
            ],
        );
        assert!(details.waiting);
        let refused = run(details, [Action::Next]);
        assert_eq!(refused.step, Step::Details);
        assert_eq!(
            refused.errors,
            [FieldError {
                input: Input::Messages,
                text: Text::ErrWaitlistMessages,
            }]
        );
        let ticked = run(refused, [Action::SetMessages(true)]);
        assert!(
            ticked.errors.is_empty(),
            "ticking the box answers its error"
        );
        let review = run(ticked, [Action::Next]);
        assert_eq!(review.step, Step::Review);
        // A seat freed meanwhile: back to fresh slots, where it can be booked.
        let open = run(
            review,
            [Action::Submit, Action::Fail(ErrorCode::SlotOpen.into())],
        );
        assert_eq!(
            (open.step, open.notice, open.availability),
            (Step::Slot, Some(Text::ErrSlotOpen), Loadable::Loading)
        );
    }

    #[test]
    fn marketing_boxes_start_unticked_and_only_offered_ones_tick() {
        let mut profile = restaurant();
        profile.marketing = vec![sealbook_web::profile::OptIn {
            channel: Channel::Email,
            text: Localized::default(),
        }];
        let state = run(
            at_date(profile),
            [
                Action::PickDate(day("2026-11-27")),
                Action::PickSlot(slot("2026-11-27T18:00:00Z", "19:00")),
                Action::Edit(Input::Name, "Ada".to_owned()),
                Action::Edit(Input::Contact, "+33 6 12 34 56 78".to_owned()),
            ],
        );
        assert_eq!(state.details.marketing, [false, false]);
        assert_eq!(state.next(Action::SetMarketing(Channel::Sms, true)), None);
        let ticked = run(state, [Action::SetMarketing(Channel::Email, true)]);
        assert_eq!(ticked.details.marketing, [true, false]);
        let unticked = run(ticked, [Action::SetMarketing(Channel::Email, false)]);
        assert_eq!(
            run(unticked, [Action::Next]).step,
            Step::Review,
            "booking works with every box unticked"
        );
    }

    #[test]
    fn slot_full_goes_back_to_fresh_slots_with_a_message() {
        let state = run(
            at_review(),
            [Action::Submit, Action::KeysVerified, Action::Sealed],
        );
        let generation = state.availability_generation;
        let full = run(state, [Action::Fail(ErrorCode::SlotFull.into())]);
        assert_eq!(full.step, Step::Slot);
        assert_eq!(full.notice, Some(Text::ErrSlotFull));
        assert_eq!(full.slot, None);
        assert_eq!(full.availability, Loadable::Loading);
        assert_ne!(full.availability_generation, generation);
    }

    #[test]
    fn other_failures_stay_on_review_and_can_be_retried() {
        let state = run(at_review(), [Action::Submit]);
        assert_eq!(
            state.next(Action::Submit),
            None,
            "no second submit while busy"
        );
        assert_eq!(state.next(Action::Back), None, "no going back while busy");
        let failed = run(state, [Action::Fail(ErrorCode::Network.into())]);
        assert_eq!(failed.step, Step::Review);
        assert_eq!(failed.failure, Some(ErrorCode::Network.into()));
        assert_eq!(run(failed, [Action::Submit]).stage, Stage::CheckingKeys);
    }

    #[test]
    fn back_walks_the_steps_in_reverse() {
        let mut state = at_review();
        for expected in [Step::Details, Step::Slot, Step::Date, Step::Choose] {
            state = run(state, [Action::Back]);
            assert_eq!(state.step, expected);
        }
        assert_eq!(state.next(Action::Back), None);
    }

    #[test]
    fn focus_follows_the_visitor() {
        let first = loaded(restaurant());
        assert_eq!(first.focus, None, "the host page keeps its focus on load");
        let date = run(first, [Action::Next]);
        assert_eq!(date.focus, Some(Focus::Heading));
        let moved = run(date.clone(), [Action::MoveCursor(day("2026-11-27"))]);
        assert_eq!(moved.focus, Some(Focus::Cursor));
        assert_ne!(moved.focus_moves, date.focus_moves);
        let details = run(
            at_date(restaurant()),
            [
                Action::PickDate(day("2026-11-27")),
                Action::PickSlot(slot("2026-11-27T18:00:00Z", "19:00")),
                Action::Next,
            ],
        );
        assert_eq!(details.focus, Some(Focus::Field(Input::Name)));
        let failed = run(
            at_review(),
            [Action::Submit, Action::Fail(ErrorCode::Internal.into())],
        );
        assert_eq!(failed.focus, Some(Focus::Error));
    }

    #[test]
    fn reduce_keeps_the_same_state_for_ignored_actions() {
        let state = Rc::new(FlowState::default());
        let same = Rc::clone(&state).reduce(Action::Sealed);
        assert!(Rc::ptr_eq(&state, &same));
    }
}
