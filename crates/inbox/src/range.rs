//! The days the bookings screen shows: one day or seven, from a day. The list
//! and its counts both read it.

use sealbook_web::calendar::Day;
use sealbook_web::clock::{DateStyle, format_day};

use crate::i18n::Lang;

/// What the list shows: one day or seven, from a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub from: Day,
    pub week: bool,
}

impl Range {
    pub fn days(self) -> i32 {
        if self.week { 7 } else { 1 }
    }

    pub fn to(self) -> Day {
        self.from.add_days(self.days() - 1)
    }

    /// "Tuesday, 8 December 2026", or the first and last day of a week.
    pub fn describe(self, lang: Lang) -> String {
        let from = format_day(lang, self.from, DateStyle::Full);
        if self.week {
            format!("{from} – {}", format_day(lang, self.to(), DateStyle::Full))
        } else {
            from
        }
    }
}
