//! The free times of the day a form shows, asked again whenever the day, the
//! party, the service or the practitioner changes.

use std::cell::Cell;
use std::rc::Rc;

use sealbook_web::profile::Profile;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::slots::{SlotQuery, Slots, free_slots};

/// What the free slots are asked for: the profile, the business, the day, the
/// party, the service and the practitioner.
type Question = (Option<Profile>, String, String, String, String, String);

/// The free slots `query` asks for at `business`, `Loading` until they arrive.
/// Nothing is asked before the profile is in (it says what kind of business
/// this is, and so which parts of `query` count).
///
/// Only the answer to the question asked now is shown: a late answer for a day
/// the staff member has already turned away from would otherwise list that
/// day's times under the new day's date, and a time chosen from it would book
/// the wrong day. An answer is kept with its question, so a render for a new
/// question shows `Loading` at once (or, back at the question just answered,
/// that answer until the fresh one comes), and an answer that comes after its
/// question was replaced (or the form closed) is dropped.
#[hook]
pub fn use_free_slots(
    lang: Lang,
    business: &str,
    profile: Option<&Profile>,
    query: SlotQuery<'_>,
) -> Slots {
    let answered = use_state(|| None::<(Question, Slots)>);
    let question: Question = (
        profile.cloned(),
        business.to_owned(),
        query.date.to_owned(),
        query.party.to_owned(),
        query.service.to_owned(),
        query.practitioner.to_owned(),
    );
    let shown = match &*answered {
        Some((asked, slots)) if *asked == question => slots.clone(),
        _ => Slots::Loading,
    };
    {
        let answered = answered.clone();
        use_effect_with(question, move |question| {
            // Cleared when the question changes or the form closes.
            let asked = Rc::new(Cell::new(true));
            let (profile, business, date, party, service, practitioner) = question.clone();
            if let Some(profile) = profile {
                let (still_asked, question) = (asked.clone(), question.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let query = SlotQuery {
                        date: &date,
                        party: &party,
                        service: &service,
                        practitioner: &practitioner,
                    };
                    let found = free_slots(lang, &business, &profile, &query).await;
                    if still_asked.get() {
                        answered.set(Some((question, found)));
                    }
                });
            }
            move || asked.set(false)
        });
    }
    shown
}
