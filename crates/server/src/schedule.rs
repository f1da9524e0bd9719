//! A business's schedule settings ([`ScheduleSettings`]: hours, closures,
//! exceptional days, slot rules, seating or services and practitioners with
//! their absences), checked and turned into what availability works with. The
//! same rules apply to `sealbook.toml` at start, to `sealbook business import`,
//! to a change made in the inbox and to what a server reads back from the
//! database. Every problem is reported against the field it is in, with a
//! stable code, so the inbox can show it beside that field in the staff
//! member's language; nothing is stored while one remains.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

pub use sealbook_wire::api::schedule::{
    Absence, Closure, ExceptionalDay, FieldProblem, PractitionerSettings, ScheduleSettings,
    Seating, ServiceSettings,
};

use sealbook_wire::api::localized::VISITOR_LANGUAGES;

use crate::profile::{
    Clinic, ClosedDays, Localized, Offer, Period, Practitioner, Restaurant, Schedule, Service,
    WeekdayKey,
};

/// The furthest ahead a business may take bookings, or ask them to be made.
pub const MAX_HORIZON_DAYS: u32 = 3650;

/// The longest public text (a closure's note, a service's or a
/// practitioner's name), in characters, per language.
pub const MAX_NOTE_CHARS: usize = 200;

/// The most covers a restaurant may hold at once.
pub const MAX_COVERS: u32 = 100_000;

/// The longest one booking may hold its capacity (a turn, a service and its
/// buffer): slots are laid out within a day's opening hours.
pub const MAX_BOOKING_MINUTES: u32 = 24 * 60;

/// A restaurant takes tables, a clinic appointments; set in `sealbook.toml`
/// and never changed by the schedule (the form's fields depend on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Restaurant,
    Clinic,
}

impl Kind {
    pub fn of(offer: &Offer) -> Self {
        match offer {
            Offer::Restaurant(_) => Self::Restaurant,
            Offer::Clinic(_) => Self::Clinic,
        }
    }
}

/// Settings that passed every check, in the form availability uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub schedule: Schedule,
    pub slot_interval_minutes: u32,
    pub min_lead_minutes: u32,
    pub horizon_days: u32,
    pub offer: Offer,
}

/// What a change is checked against besides the settings themselves: a
/// closure or an absence that is new must not lie wholly in the past (one kept
/// from before may: it simply no longer matters).
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub previous: Option<&'a ScheduleSettings>,
    /// Today in the business's time zone.
    pub today: Date,
}

/// The English sentence for a problem code: what `sealbook.toml` and
/// `sealbook business import` print, and the API's `message`.
pub fn describe(code: &str) -> &'static str {
    match code {
        "required" => "is required",
        "not_for_this_kind" => "does not apply to this kind of business",
        "not_a_weekday" => "is not a weekday (mon … sun)",
        "invalid_hours" => "is not HH:MM-HH:MM",
        "inverted_hours" => "ends before it starts",
        "overlapping_hours" => "overlaps another period of the same day",
        "invalid_date" => "is not a date (YYYY-MM-DD)",
        "inverted_dates" => "ends before it starts",
        "in_the_past" => "is in the past",
        "missing_end" => "has no end date",
        "duplicate" => "is listed twice",
        "must_divide_a_day" => "must divide a day (5, 10, 15, 30, 60 …)",
        "must_be_positive" => "must be more than 0",
        "longer_than_a_day" => "is longer than a day",
        "too_large" => "is too large",
        "too_long" => "is too long (at most 200 characters)",
        "invalid_id" => "is not an id (1 to 64 of a-z, 0-9 and -)",
        "unknown_language" => {
            "is not one of the visitors' languages (en, fr, de, es, it, nl, pt, pl)"
        }
        "party_size_out_of_range" => "must be between 1 and the covers",
        "unknown_service" => "names a service that does not exist",
        _ => "is not valid",
    }
}

/// Collects problems while the settings are read.
#[derive(Default)]
struct Problems(Vec<FieldProblem>);

impl Problems {
    fn add(&mut self, field: impl Into<String>, code: &'static str) {
        self.0.push(FieldProblem {
            field: field.into(),
            code: code.to_owned(),
        });
    }

    fn date(&mut self, field: String, text: &str) -> Option<Date> {
        let parsed = text.parse().ok();
        if parsed.is_none() {
            self.add(field, "invalid_date");
        }
        parsed
    }

    /// A day's periods, each parsed, none overlapping another.
    fn periods(&mut self, field: &str, texts: &[String]) -> Vec<Period> {
        let mut periods: Vec<(usize, Period)> = Vec::with_capacity(texts.len());
        for (index, text) in texts.iter().enumerate() {
            match Period::parse(text) {
                Ok(period) => periods.push((index, period)),
                Err(_) => {
                    let inverted = text.split_once('-').is_some_and(|(start, end)| {
                        end.trim() <= start.trim() && end.trim() != "24:00"
                    });
                    self.add(
                        format!("{field}[{index}]"),
                        if inverted {
                            "inverted_hours"
                        } else {
                            "invalid_hours"
                        },
                    );
                }
            }
        }
        periods.sort_by_key(|(_, period)| period.start);
        for pair in periods.windows(2) {
            let ((_, earlier), (index, later)) = (&pair[0], &pair[1]);
            if crate::profile::minutes(later.start) < earlier.end_minutes() {
                self.add(format!("{field}[{index}]"), "overlapping_hours");
            }
        }
        periods.into_iter().map(|(_, period)| period).collect()
    }

    fn weekly(
        &mut self,
        field: &str,
        hours: &BTreeMap<String, Vec<String>>,
    ) -> BTreeMap<WeekdayKey, Vec<Period>> {
        let mut weekly = BTreeMap::new();
        for (day, texts) in hours {
            let field = format!("{field}.{day}");
            match WeekdayKey::parse(day) {
                Some(key) => {
                    weekly.insert(key, self.periods(&field, texts));
                }
                None => self.add(field, "not_a_weekday"),
            }
        }
        weekly
    }

    /// A range of dates; `None` when either end does not read or it is inverted.
    fn range(
        &mut self,
        field: &str,
        from: &str,
        to: Option<&str>,
        change: Option<Change<'_>>,
        is_new: bool,
    ) -> Option<(Date, Date)> {
        let from = self.date(format!("{field}.from"), from);
        let Some(to) = to else {
            self.add(format!("{field}.to"), "missing_end");
            return None;
        };
        let to = self.date(format!("{field}.to"), to);
        let (from, to) = (from?, to?);
        if to < from {
            self.add(format!("{field}.to"), "inverted_dates");
            return None;
        }
        if let Some(change) = change
            && is_new
            && to < change.today
        {
            self.add(format!("{field}.to"), "in_the_past");
        }
        Some((from, to))
    }

    /// An id bookings keep: what a URL and a query carry safely.
    fn id(&mut self, field: &str, id: &str) {
        if !crate::ids::is_url_safe_id(id) {
            self.add(field, "invalid_id");
        }
    }

    /// A public note: in the visitors' languages, each a line of reasonable length.
    fn note(&mut self, field: &str, note: &Localized) {
        for (lang, text) in &note.0 {
            if !VISITOR_LANGUAGES.contains(&lang.as_str()) {
                self.add(format!("{field}.{lang}"), "unknown_language");
            } else if text.chars().count() > MAX_NOTE_CHARS {
                self.add(format!("{field}.{lang}"), "too_long");
            }
        }
    }

    fn at_most(&mut self, field: &str, value: u32, max: u32, code: &'static str) {
        if value > max {
            self.add(field, code);
        }
    }

    fn duplicates<'a>(&mut self, field: &str, ids: impl Iterator<Item = &'a str>) {
        let mut seen = BTreeSet::new();
        for (index, id) in ids.enumerate() {
            if !seen.insert(id) {
                self.add(format!("{field}[{index}].id"), "duplicate");
            }
        }
    }
}

/// Checks `settings` for a business of `kind` and turns them into a
/// [`Resolved`] schedule, or names every problem by field.
pub fn check(
    kind: Kind,
    settings: &ScheduleSettings,
    change: Option<Change<'_>>,
) -> Result<Resolved, Vec<FieldProblem>> {
    let mut problems = Problems::default();
    let previous_closures: &[Closure] = change
        .and_then(|change| change.previous)
        .map_or(&[], |previous| previous.closures.as_slice());
    let weekly = problems.weekly("hours", &settings.hours);
    let closures = settings
        .closures
        .iter()
        .enumerate()
        .filter_map(|(index, closure)| {
            let is_new = !previous_closures.contains(closure);
            let field = format!("closures[{index}]");
            if let Some(note) = &closure.note {
                problems.note(&format!("{field}.note"), note);
            }
            let (from, to) =
                problems.range(&field, &closure.from, Some(&closure.to), change, is_new)?;
            Some(ClosedDays {
                from,
                to,
                note: closure.note.clone().filter(|note| !note.0.is_empty()),
            })
        })
        .collect();
    let mut exceptions = BTreeMap::new();
    for (index, day) in settings.exceptions.iter().enumerate() {
        let field = format!("exceptions[{index}]");
        let periods = problems.periods(&format!("{field}.hours"), &day.hours);
        if let Some(date) = problems.date(format!("{field}.date"), &day.date)
            && exceptions.insert(date, periods).is_some()
        {
            problems.add(format!("{field}.date"), "duplicate");
        }
    }
    let schedule = Schedule {
        weekly,
        closures,
        exceptions,
    };
    let interval = settings.slot_interval_minutes;
    if interval == 0 || 24 * 60 % interval != 0 {
        problems.add("slot_interval_minutes", "must_divide_a_day");
    }
    problems.at_most(
        "horizon_days",
        settings.horizon_days,
        MAX_HORIZON_DAYS,
        "too_large",
    );
    problems.at_most(
        "min_lead_minutes",
        settings.min_lead_minutes,
        MAX_HORIZON_DAYS * 24 * 60,
        "too_large",
    );
    let offer = match kind {
        Kind::Restaurant => restaurant(&mut problems, settings).map(Offer::Restaurant),
        Kind::Clinic => clinic(&mut problems, settings, &schedule, change).map(Offer::Clinic),
    };
    match offer {
        Some(offer) if problems.0.is_empty() => Ok(Resolved {
            schedule,
            slot_interval_minutes: interval,
            min_lead_minutes: settings.min_lead_minutes,
            horizon_days: settings.horizon_days,
            offer,
        }),
        _ => Err(problems.0),
    }
}

/// [`check`] without a change to compare with, its problems as one line each
/// (`sealbook.toml` and the stored settings).
pub fn resolve(kind: Kind, settings: &ScheduleSettings) -> Result<Resolved, String> {
    check(kind, settings, None).map_err(|problems| {
        problems
            .iter()
            .map(|problem| format!("{} {}", problem.field, describe(&problem.code)))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

fn restaurant(problems: &mut Problems, settings: &ScheduleSettings) -> Option<Restaurant> {
    if !settings.services.is_empty() {
        problems.add("services", "not_for_this_kind");
    }
    if !settings.practitioners.is_empty() {
        problems.add("practitioners", "not_for_this_kind");
    }
    let Some(seating) = settings.seating.as_ref() else {
        problems.add("seating.covers", "required");
        return None;
    };
    if seating.covers == 0 {
        problems.add("seating.covers", "must_be_positive");
    }
    problems.at_most("seating.covers", seating.covers, MAX_COVERS, "too_large");
    if seating.max_party_size == 0 || seating.max_party_size > seating.covers {
        problems.add("seating.max_party_size", "party_size_out_of_range");
    }
    if seating.turn_minutes == 0 {
        problems.add("seating.turn_minutes", "must_be_positive");
    }
    problems.at_most(
        "seating.turn_minutes",
        seating.turn_minutes,
        MAX_BOOKING_MINUTES,
        "longer_than_a_day",
    );
    Some(Restaurant {
        covers: seating.covers,
        max_party_size: seating.max_party_size,
        turn_minutes: seating.turn_minutes,
        large_party_message: seating.large_party_message.clone(),
    })
}

fn clinic(
    problems: &mut Problems,
    settings: &ScheduleSettings,
    schedule: &Schedule,
    change: Option<Change<'_>>,
) -> Option<Clinic> {
    if settings.seating.is_some() {
        problems.add("seating", "not_for_this_kind");
    }
    if settings.services.is_empty() {
        problems.add("services", "required");
    }
    if settings.practitioners.is_empty() {
        problems.add("practitioners", "required");
    }
    problems.duplicates("services", settings.services.iter().map(|s| s.id.as_str()));
    problems.duplicates(
        "practitioners",
        settings.practitioners.iter().map(|p| p.id.as_str()),
    );
    for (index, service) in settings.services.iter().enumerate() {
        let field = format!("services[{index}]");
        problems.id(&format!("{field}.id"), &service.id);
        if service.name.0.values().all(|name| name.trim().is_empty()) {
            problems.add(format!("{field}.name"), "required");
        }
        problems.note(&format!("{field}.name"), &service.name);
        if service.duration_minutes == 0 {
            problems.add(format!("{field}.duration_minutes"), "must_be_positive");
        }
        problems.at_most(
            &format!("{field}.duration_minutes"),
            service.duration_minutes,
            MAX_BOOKING_MINUTES,
            "longer_than_a_day",
        );
        problems.at_most(
            &format!("{field}.buffer_minutes"),
            service.buffer_minutes,
            MAX_BOOKING_MINUTES,
            "longer_than_a_day",
        );
    }
    let services: Vec<Service> = settings
        .services
        .iter()
        .map(|service| Service {
            id: service.id.clone(),
            name: service.name.clone(),
            duration_minutes: service.duration_minutes,
            buffer_minutes: service.buffer_minutes,
        })
        .collect();
    let previous = change.and_then(|change| change.previous);
    let practitioners = settings
        .practitioners
        .iter()
        .enumerate()
        .map(|(index, practitioner)| {
            let field = format!("practitioners[{index}]");
            problems.id(&format!("{field}.id"), &practitioner.id);
            if practitioner.name.trim().is_empty() {
                problems.add(format!("{field}.name"), "required");
            } else if practitioner.name.chars().count() > MAX_NOTE_CHARS {
                problems.add(format!("{field}.name"), "too_long");
            }
            if practitioner.services.is_empty() {
                problems.add(format!("{field}.services"), "required");
            }
            for (position, id) in practitioner.services.iter().enumerate() {
                if !services.iter().any(|service| service.id == *id) {
                    problems.add(format!("{field}.services[{position}]"), "unknown_service");
                }
            }
            let schedule = match &practitioner.hours {
                Some(hours) => Schedule {
                    weekly: problems.weekly(&format!("{field}.hours"), hours),
                    ..schedule.clone()
                },
                None => schedule.clone(),
            };
            let before: &[Absence] = previous
                .and_then(|previous| {
                    previous
                        .practitioners
                        .iter()
                        .find(|earlier| earlier.id == practitioner.id)
                })
                .map_or(&[], |earlier| earlier.absences.as_slice());
            let absences = practitioner
                .absences
                .iter()
                .enumerate()
                .filter_map(|(position, absence)| {
                    problems.range(
                        &format!("{field}.absences[{position}]"),
                        &absence.from,
                        absence.to.as_deref(),
                        change,
                        !before.contains(absence),
                    )
                })
                .collect();
            Practitioner {
                id: practitioner.id.clone(),
                name: practitioner.name.clone(),
                services: practitioner.services.clone(),
                schedule,
                absences,
            }
        })
        .collect();
    Some(Clinic {
        services,
        practitioners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restaurant_settings() -> ScheduleSettings {
        ScheduleSettings {
            hours: BTreeMap::from([("tue".to_owned(), vec!["12:00-14:00".to_owned()])]),
            closures: vec![Closure {
                from: "2026-12-24".to_owned(),
                to: "2026-12-26".to_owned(),
                note: None,
            }],
            exceptions: vec![ExceptionalDay {
                date: "2026-12-31".to_owned(),
                hours: vec!["19:00-24:00".to_owned()],
            }],
            slot_interval_minutes: 15,
            min_lead_minutes: 60,
            horizon_days: 60,
            seating: Some(Seating {
                covers: 20,
                max_party_size: 6,
                turn_minutes: 90,
                large_party_message: None,
            }),
            services: Vec::new(),
            practitioners: Vec::new(),
        }
    }

    fn clinic_settings() -> ScheduleSettings {
        ScheduleSettings {
            seating: None,
            services: vec![ServiceSettings {
                id: "physio".to_owned(),
                name: Localized(BTreeMap::from([(
                    "de".to_owned(),
                    "Krankengymnastik".to_owned(),
                )])),
                duration_minutes: 30,
                buffer_minutes: 5,
            }],
            practitioners: vec![PractitionerSettings {
                id: "anna".to_owned(),
                name: "Anna".to_owned(),
                services: vec!["physio".to_owned()],
                hours: None,
                absences: vec![Absence {
                    from: "2026-12-28".to_owned(),
                    to: Some("2026-12-30".to_owned()),
                }],
            }],
            ..restaurant_settings()
        }
    }

    fn codes(
        kind: Kind,
        settings: &ScheduleSettings,
        change: Option<Change<'_>>,
    ) -> Vec<(String, String)> {
        check(kind, settings, change)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|problem| (problem.field, problem.code))
            .collect()
    }

    fn pair(field: &str, code: &str) -> (String, String) {
        (field.to_owned(), code.to_owned())
    }

    #[test]
    fn a_restaurant_resolves_with_its_ranges() {
        let resolved = check(Kind::Restaurant, &restaurant_settings(), None).expect("valid");
        let christmas = Date::constant(2026, 12, 25);
        assert!(resolved.schedule.periods_on(christmas).is_empty());
        assert_eq!(resolved.schedule.exceptions.len(), 1);
        assert!(matches!(resolved.offer, Offer::Restaurant(ref r) if r.covers == 20));
    }

    #[test]
    fn a_practitioner_has_no_hours_while_away() {
        let resolved = check(Kind::Clinic, &clinic_settings(), None).expect("valid");
        let Offer::Clinic(clinic) = resolved.offer else {
            unreachable!("a clinic")
        };
        let anna = &clinic.practitioners[0];
        let tuesday_away = Date::constant(2026, 12, 29);
        let tuesday_back = Date::constant(2027, 1, 5);
        assert!(anna.periods_on(tuesday_away).is_empty());
        assert_eq!(anna.periods_on(tuesday_back).len(), 1);
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let mut settings = restaurant_settings();
        settings.hours.insert(
            "tue".to_owned(),
            vec![
                "12:00-15:00".to_owned(),
                "14:00-16:00".to_owned(),
                "22:00-19:00".to_owned(),
            ],
        );
        settings.hours.insert("tues".to_owned(), Vec::new());
        settings.seating = Some(Seating {
            covers: 0,
            max_party_size: 2,
            turn_minutes: 25 * 60,
            large_party_message: None,
        });
        settings.slot_interval_minutes = 7;
        settings.closures.push(Closure {
            from: "2026-12-10".to_owned(),
            to: "2026-12-01".to_owned(),
            note: None,
        });
        assert_eq!(
            codes(Kind::Restaurant, &settings, None),
            [
                pair("hours.tue[2]", "inverted_hours"),
                pair("hours.tue[1]", "overlapping_hours"),
                pair("hours.tues", "not_a_weekday"),
                pair("closures[1].to", "inverted_dates"),
                pair("slot_interval_minutes", "must_divide_a_day"),
                pair("seating.covers", "must_be_positive"),
                pair("seating.max_party_size", "party_size_out_of_range"),
                pair("seating.turn_minutes", "longer_than_a_day"),
            ]
        );
    }

    #[test]
    fn a_new_closure_in_the_past_is_refused_an_old_one_kept() {
        let previous = restaurant_settings();
        let change = Change {
            previous: Some(&previous),
            today: Date::constant(2027, 2, 1),
        };
        // The Christmas closure was there before: it may stay.
        assert!(check(Kind::Restaurant, &previous, Some(change)).is_ok());
        let mut settings = previous.clone();
        settings.closures.push(Closure {
            from: "2027-01-10".to_owned(),
            to: "2027-01-12".to_owned(),
            note: None,
        });
        assert_eq!(
            codes(Kind::Restaurant, &settings, Some(change)),
            [pair("closures[1].to", "in_the_past")]
        );
        // Without a change (the file, the stored settings) dates are not judged.
        assert!(check(Kind::Restaurant, &settings, None).is_ok());
    }

    #[test]
    fn clinic_problems_name_the_service_and_the_absence() {
        let mut settings = clinic_settings();
        settings.practitioners[0]
            .services
            .push("massage".to_owned());
        settings.practitioners[0].absences.push(Absence {
            from: "2027-03-01".to_owned(),
            to: None,
        });
        settings.services[0].duration_minutes = 0;
        settings.services.push(ServiceSettings {
            id: "Massage 60".to_owned(),
            name: Localized(BTreeMap::from([("sv".to_owned(), "Massage".to_owned())])),
            duration_minutes: 60,
            buffer_minutes: 0,
        });
        settings.practitioners.push(PractitionerSettings {
            id: "jonas".to_owned(),
            name: " ".to_owned(),
            services: Vec::new(),
            hours: None,
            absences: Vec::new(),
        });
        assert_eq!(
            codes(Kind::Clinic, &settings, None),
            [
                pair("services[0].duration_minutes", "must_be_positive"),
                pair("services[1].id", "invalid_id"),
                pair("services[1].name.sv", "unknown_language"),
                pair("practitioners[0].services[1]", "unknown_service"),
                pair("practitioners[0].absences[1].to", "missing_end"),
                pair("practitioners[1].name", "required"),
                pair("practitioners[1].services", "required"),
            ]
        );
        assert_eq!(
            codes(Kind::Restaurant, &clinic_settings(), None),
            [
                pair("services", "not_for_this_kind"),
                pair("practitioners", "not_for_this_kind"),
                pair("seating.covers", "required"),
            ]
        );
    }
}
