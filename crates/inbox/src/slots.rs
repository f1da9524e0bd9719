//! The free times of a day, as the new booking and move forms offer them: from
//! the availability API the widget uses, for a party (restaurants) or a
//! service and practitioner (clinics), drawn as the options of a select.

use sealbook_web::calendar::Day;
use sealbook_web::error::{ErrorCode, Failure};
use sealbook_web::profile::{Kind, Profile, Slot};
use sealbook_web::public_api::{self, endpoint, path_segment};
use sealbook_web::visitor_texts;
use yew::prelude::*;

use crate::i18n::{Lang, Text, t};

/// Whoever is free (clinics).
pub const ANY: &str = "any";

/// Free slots of one day, or why there are none.
#[derive(Clone, Debug, PartialEq)]
pub enum Slots {
    Loading,
    Ready(Vec<Slot>),
    Failed(String),
}

/// Which day, for what.
#[derive(Clone, Copy, Debug)]
pub struct SlotQuery<'a> {
    pub date: &'a str,
    pub party: &'a str,
    pub service: &'a str,
    /// A practitioner's id, or [`ANY`].
    pub practitioner: &'a str,
}

/// The visitor's message for a public API error code, in `lang`.
pub fn visitor_text(lang: Lang, code: &str) -> Option<&'static str> {
    ErrorCode::from_server(code).map(|code| visitor_texts::t(lang, code.text()))
}

/// The free slots `query` asks for, or why there are none.
pub async fn free_slots(
    lang: Lang,
    business: &str,
    profile: &Profile,
    query: &SlotQuery<'_>,
) -> Slots {
    match fetch_slots(business, profile, query).await {
        Ok(found) => Slots::Ready(found),
        Err(failure) => Slots::Failed(
            visitor_text(lang, failure.code())
                .unwrap_or_else(|| t(lang, Text::SomethingWrong))
                .to_owned(),
        ),
    }
}

async fn fetch_slots(
    business: &str,
    profile: &Profile,
    query: &SlotQuery<'_>,
) -> Result<Vec<Slot>, Failure> {
    let SlotQuery {
        date,
        party,
        service,
        practitioner,
    } = *query;
    let mut url = endpoint("", business, "availability");
    for (name, value) in [("?from=", date), ("&to=", date)] {
        url.push_str(name);
        url.push_str(&path_segment(value));
    }
    match profile.kind {
        Kind::Restaurant => {
            url.push_str("&party=");
            url.push_str(&path_segment(party.trim()));
        }
        Kind::Clinic => {
            url.push_str("&service=");
            url.push_str(&path_segment(service));
            if practitioner != ANY {
                url.push_str("&practitioner=");
                url.push_str(&path_segment(practitioner));
            }
        }
    }
    let body = public_api::get(&url).await?;
    let availability =
        public_api::availability(&body).ok_or(Failure::Known(ErrorCode::UnexpectedResponse))?;
    let day = Day::parse(date);
    Ok(availability
        .days
        .into_iter()
        .filter(|found| Some(found.date) == day)
        .flat_map(|found| found.slots)
        .collect())
}

/// `chosen` if it is one of the free times listed now. A time chosen before the
/// day, the party, the service or the practitioner changed is not, and the
/// select no longer shows it either.
pub fn listed_choice(slots: &Slots, chosen: &str) -> Option<String> {
    match slots {
        Slots::Ready(found) if found.iter().any(|slot| slot.start == chosen) => {
            Some(chosen.to_owned())
        }
        _ => None,
    }
}

/// The options of a time select: a prompt and the free times, or a single
/// option saying why there are none; `chosen` is selected.
pub fn slot_options(lang: Lang, slots: &Slots, chosen: &str) -> Html {
    match slots {
        Slots::Loading => html! { <option value="">{ t(lang, Text::Loading) }</option> },
        Slots::Failed(text) => html! { <option value="">{ text.clone() }</option> },
        Slots::Ready(found) if found.is_empty() => {
            html! { <option value="">{ t(lang, Text::NoFreeTime) }</option> }
        }
        Slots::Ready(found) => html! {
            <>
                <option value="" selected={chosen.is_empty()}>{ t(lang, Text::ChooseTime) }</option>
                { for found.iter().map(|slot| html! {
                    <option value={slot.start.clone()} selected={chosen == slot.start}>{ slot.local.clone() }</option>
                }) }
            </>
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(starts: &[&str]) -> Slots {
        Slots::Ready(
            starts
                .iter()
                .map(|start| Slot {
                    start: (*start).to_owned(),
                    local: String::new(),
                })
                .collect(),
        )
    }

    #[test]
    fn only_a_time_listed_now_is_a_choice() {
        let slots = listed(&["2026-12-08T18:00:00Z", "2026-12-08T18:15:00Z"]);
        assert_eq!(
            listed_choice(&slots, "2026-12-08T18:15:00Z").as_deref(),
            Some("2026-12-08T18:15:00Z")
        );
        // Chosen for another day, party or practitioner, then the question changed.
        assert_eq!(listed_choice(&slots, "2026-12-07T18:15:00Z"), None);
        assert_eq!(listed_choice(&slots, ""), None);
        assert_eq!(listed_choice(&Slots::Loading, "2026-12-08T18:15:00Z"), None);
        assert_eq!(
            listed_choice(&Slots::Failed("offline".to_owned()), "2026-12-08T18:15:00Z"),
            None
        );
    }
}
