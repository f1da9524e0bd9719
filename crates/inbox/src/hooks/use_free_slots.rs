//! The free times of the day a form shows, asked again whenever the day, the
//! party, the service or the practitioner changes.

use std::cell::Cell;
use std::rc::Rc;

use sealbook_web::profile::Profile;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::slots::{SlotQuery, Slots, free_slots};

/// The free slots `query` asks for at `business`, `Loading` until they arrive.
/// Nothing is asked before the profile is in (it says what kind of business
/// this is, and so which parts of `query` count).
///
/// Only the answer to the latest question is shown: a late answer for a day the
/// staff member has already turned away from would otherwise list that day's
/// times under the new day's date, and a time chosen from it would book the
/// wrong day.
#[hook]
pub fn use_free_slots(
    lang: Lang,
    business: &str,
    profile: Option<&Profile>,
    query: SlotQuery<'_>,
) -> Slots {
    let slots = use_state(|| Slots::Loading);
    let key = (
        profile.cloned(),
        business.to_owned(),
        query.date.to_owned(),
        query.party.to_owned(),
        query.service.to_owned(),
        query.practitioner.to_owned(),
    );
    {
        let slots = slots.clone();
        use_effect_with(key, move |key| {
            let (profile, business, date, party, service, practitioner) = key.clone();
            // Cleared when the question changes or the form closes.
            let asked = Rc::new(Cell::new(true));
            if let Some(profile) = profile {
                slots.set(Slots::Loading);
                let still_asked = asked.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let query = SlotQuery {
                        date: &date,
                        party: &party,
                        service: &service,
                        practitioner: &practitioner,
                    };
                    let found = free_slots(lang, &business, &profile, &query).await;
                    if still_asked.get() {
                        slots.set(found);
                    }
                });
            }
            move || asked.set(false)
        });
    }
    (*slots).clone()
}
