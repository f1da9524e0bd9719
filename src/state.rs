//! The booking form's state machine:
//! editing → checking keys → sealing → sending → done(reference) | failed(error).
//!
//! The reducer holds what the visitor typed, the per-field errors and the step.
//! Actions that do not fit the current step are ignored, so a late answer from a
//! superseded request cannot move the form.

use std::rc::Rc;

use yew::Reducible;

use crate::error::Failure;
use crate::form::{ContactKind, Draft, Field, FieldError};

/// Where the form is in its flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Editing,
    CheckingKeys,
    Sealing,
    Sending,
    /// The server stored the booking under this reference.
    Done(String),
    Failed(Failure),
}

impl Step {
    /// `true` while a submission is in flight (the inputs are read-only).
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::CheckingKeys | Self::Sealing | Self::Sending)
    }

    /// `true` when the visitor may edit and submit.
    pub fn accepts_input(&self) -> bool {
        matches!(self, Self::Editing | Self::Failed(_))
    }
}

/// The form's whole state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormState {
    pub draft: Draft,
    pub errors: Vec<FieldError>,
    pub step: Step,
    /// Counts submit presses, so that the view can move focus after each one,
    /// even when it ends in the same errors as the last.
    pub attempts: u32,
}

impl Default for FormState {
    fn default() -> Self {
        Self {
            draft: Draft::default(),
            errors: Vec::new(),
            step: Step::Editing,
            attempts: 0,
        }
    }
}

impl FormState {
    /// The error shown next to `field`, if any.
    pub fn error_for(&self, field: Field) -> Option<&FieldError> {
        self.errors.iter().find(|e| e.field == field)
    }
}

/// Everything that can happen to the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The visitor changed a text field.
    Edit(Field, String),
    /// The visitor chose phone or e-mail.
    SetContactKind(ContactKind),
    /// Submit was pressed but fields are invalid.
    Invalid(Vec<FieldError>),
    /// Submit was pressed with a valid form: the key set is being fetched.
    Submit,
    /// Every active key was pinned and matched its kid.
    KeysVerified,
    /// The envelope is sealed and being uploaded.
    Sealed,
    /// The server answered 201 with this reference.
    Accepted(String),
    /// The submission stopped.
    Fail(Failure),
    /// Start a fresh booking after a completed one.
    Reset,
}

impl FormState {
    /// The state after `action`, or `None` when the action does not apply now.
    pub fn next(&self, action: Action) -> Option<Self> {
        let mut next = self.clone();
        match (action, &self.step) {
            (Action::Edit(field, value), step) if step.accepts_input() => {
                let slot = match field {
                    Field::Name => &mut next.draft.name,
                    Field::Contact => &mut next.draft.contact,
                    Field::Party => &mut next.draft.party,
                    Field::Date => &mut next.draft.date,
                    Field::Time => &mut next.draft.time,
                };
                *slot = value;
            }
            (Action::SetContactKind(kind), step) if step.accepts_input() => {
                next.draft.contact_kind = kind;
                // The old message talked about the other kind of contact.
                next.errors.retain(|e| e.field != Field::Contact);
            }
            (Action::Invalid(errors), step) if step.accepts_input() => {
                next.errors = errors;
                next.step = Step::Editing;
                next.attempts = self.attempts.wrapping_add(1);
            }
            (Action::Submit, step) if step.accepts_input() => {
                next.errors.clear();
                next.step = Step::CheckingKeys;
                next.attempts = self.attempts.wrapping_add(1);
            }
            (Action::KeysVerified, Step::CheckingKeys) => next.step = Step::Sealing,
            (Action::Sealed, Step::Sealing) => next.step = Step::Sending,
            (Action::Accepted(reference), Step::Sending) => next.step = Step::Done(reference),
            (Action::Fail(failure), step) if step.is_busy() => next.step = Step::Failed(failure),
            (Action::Reset, Step::Done(_)) => {
                next = Self {
                    draft: Draft {
                        // Keep the visitor's choice of contact, not their data.
                        contact_kind: self.draft.contact_kind,
                        ..Draft::default()
                    },
                    attempts: self.attempts,
                    ..Self::default()
                };
            }
            _ => return None,
        }
        Some(next)
    }
}

impl Reducible for FormState {
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
    use crate::error::ErrorCode;
    use crate::i18n::Text;

    fn editing() -> FormState {
        FormState::default()
    }

    fn at(step: Step) -> FormState {
        FormState {
            step,
            ..FormState::default()
        }
    }

    fn run(state: FormState, actions: impl IntoIterator<Item = Action>) -> FormState {
        actions.into_iter().fold(state, |state, action| {
            state
                .next(action.clone())
                .unwrap_or_else(|| panic!("{action:?} should apply in {:?}", state.step))
        })
    }

    fn name_error() -> FieldError {
        FieldError {
            field: Field::Name,
            text: Text::ErrNameRequired,
        }
    }

    #[test]
    fn the_happy_path_ends_with_the_reference() {
        let done = run(
            editing(),
            [
                Action::Edit(Field::Name, "Ada".to_owned()),
                Action::Submit,
                Action::KeysVerified,
                Action::Sealed,
                Action::Accepted("bk_123".to_owned()),
            ],
        );
        assert_eq!(done.step, Step::Done("bk_123".to_owned()));
        assert_eq!(done.draft.name, "Ada");
    }

    #[test]
    fn each_busy_step_can_fail() {
        let failure = Failure::Known(ErrorCode::Network);
        for step in [Step::CheckingKeys, Step::Sealing, Step::Sending] {
            let failed = run(at(step), [Action::Fail(failure.clone())]);
            assert_eq!(failed.step, Step::Failed(failure.clone()));
        }
    }

    #[test]
    fn a_refused_key_never_reaches_sealing() {
        let failed = run(
            editing(),
            [Action::Submit, Action::Fail(ErrorCode::KeyNotPinned.into())],
        );
        assert_eq!(failed.step, Step::Failed(ErrorCode::KeyNotPinned.into()));
        assert_eq!(failed.next(Action::KeysVerified), None);
        assert_eq!(failed.next(Action::Sealed), None);
    }

    #[test]
    fn steps_cannot_be_skipped_or_repeated() {
        assert_eq!(editing().next(Action::KeysVerified), None);
        assert_eq!(editing().next(Action::Sealed), None);
        assert_eq!(editing().next(Action::Accepted("x".to_owned())), None);
        assert_eq!(at(Step::CheckingKeys).next(Action::Sealed), None);
        assert_eq!(
            at(Step::Sealing).next(Action::Accepted("x".to_owned())),
            None
        );
        assert_eq!(
            editing().next(Action::Fail(ErrorCode::Internal.into())),
            None
        );
        let done = at(Step::Done("x".to_owned()));
        assert_eq!(done.next(Action::Fail(ErrorCode::Internal.into())), None);
    }

    #[test]
    fn no_second_submit_while_busy() {
        for step in [Step::CheckingKeys, Step::Sealing, Step::Sending] {
            let busy = at(step);
            assert!(busy.step.is_busy());
            assert_eq!(busy.next(Action::Submit), None);
            assert_eq!(busy.next(Action::Edit(Field::Name, "x".to_owned())), None);
            assert_eq!(busy.next(Action::SetContactKind(ContactKind::Email)), None);
        }
        assert_eq!(at(Step::Done("x".to_owned())).next(Action::Submit), None);
    }

    #[test]
    fn invalid_fields_keep_the_form_editing_and_submit_clears_them() {
        let invalid = run(editing(), [Action::Invalid(vec![name_error()])]);
        assert_eq!(invalid.step, Step::Editing);
        assert_eq!(invalid.attempts, 1);
        let again = run(invalid.clone(), [Action::Invalid(vec![name_error()])]);
        assert_eq!(again.attempts, 2, "a repeated error is a new attempt");
        assert_eq!(invalid.error_for(Field::Name), Some(&name_error()));
        assert_eq!(invalid.error_for(Field::Date), None);
        let submitted = run(invalid, [Action::Submit]);
        assert!(submitted.errors.is_empty());
        assert_eq!(submitted.step, Step::CheckingKeys);
    }

    #[test]
    fn a_failed_submission_can_be_edited_and_retried() {
        let failed = at(Step::Failed(ErrorCode::RateLimited.into()));
        let edited = run(failed, [Action::Edit(Field::Party, "3".to_owned())]);
        // The message stays until the next attempt.
        assert_eq!(edited.step, Step::Failed(ErrorCode::RateLimited.into()));
        assert_eq!(edited.draft.party, "3");
        assert_eq!(run(edited, [Action::Submit]).step, Step::CheckingKeys);
    }

    #[test]
    fn switching_contact_kind_drops_the_contact_error_only() {
        let contact_error = FieldError {
            field: Field::Contact,
            text: Text::ErrPhoneInvalid,
        };
        let state = run(
            editing(),
            [
                Action::Invalid(vec![name_error(), contact_error]),
                Action::SetContactKind(ContactKind::Email),
            ],
        );
        assert_eq!(state.draft.contact_kind, ContactKind::Email);
        assert_eq!(state.errors, vec![name_error()]);
    }

    #[test]
    fn reset_forgets_the_booking_but_keeps_the_contact_kind() {
        let done = run(
            editing(),
            [
                Action::SetContactKind(ContactKind::Email),
                Action::Edit(Field::Contact, "a@b.c".to_owned()),
                Action::Submit,
                Action::KeysVerified,
                Action::Sealed,
                Action::Accepted("ref".to_owned()),
                Action::Reset,
            ],
        );
        assert_eq!(done.step, Step::Editing);
        assert_eq!(done.draft.contact, "");
        assert_eq!(done.draft.contact_kind, ContactKind::Email);
        assert_eq!(done.attempts, 1);
        assert_eq!(editing().next(Action::Reset), None);
    }

    #[test]
    fn reduce_keeps_the_same_state_for_ignored_actions() {
        let state = Rc::new(editing());
        let same = Rc::clone(&state).reduce(Action::Sealed);
        assert!(Rc::ptr_eq(&state, &same));
        let moved = state.reduce(Action::Submit);
        assert_eq!(moved.step, Step::CheckingKeys);
    }
}
