//! A business's schedule settings ([`ScheduleSettings`]: hours, closures,
//! exceptional days, slot rules, seating or services and practitioners),
//! checked and turned into what availability works with. The same rules apply
//! to `sealbook.toml` at start, to `sealbook business import`, and to the
//! settings a server reads back from the database.

use std::collections::BTreeMap;

use jiff::civil::Date;

pub use sealbook_wire::api::schedule::{
    ExceptionalDay, PractitionerSettings, ScheduleSettings, Seating, ServiceSettings,
};

use crate::profile::{
    Clinic, Offer, Period, Practitioner, Restaurant, Schedule, Service, WeekdayKey,
};

/// The furthest ahead a business may take bookings, or ask them to be made.
pub const MAX_HORIZON_DAYS: u32 = 3650;

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

/// `Err` naming `setting` when `value` is above `max`.
pub(crate) fn at_most(setting: &str, value: u32, max: u32, unit: &str) -> Result<(), String> {
    if value > max {
        return Err(format!("{setting} = {value} is more than {max} {unit}"));
    }
    Ok(())
}

fn date(setting: &str, text: &str) -> Result<Date, String> {
    text.parse()
        .map_err(|_| format!("{setting}: `{text}` is not a date (YYYY-MM-DD)"))
}

fn periods(texts: &[String]) -> Result<Vec<Period>, String> {
    texts.iter().map(|period| Period::parse(period)).collect()
}

fn weekly(
    hours: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<WeekdayKey, Vec<Period>>, String> {
    hours
        .iter()
        .map(|(day, texts)| {
            let key = WeekdayKey::parse(day)
                .ok_or_else(|| format!("`{day}` is not a weekday (mon … sun)"))?;
            Ok((key, periods(texts)?))
        })
        .collect()
}

/// Checks `settings` for a business of `kind`.
pub fn resolve(kind: Kind, settings: &ScheduleSettings) -> Result<Resolved, String> {
    let schedule = Schedule {
        weekly: weekly(&settings.hours)?,
        closures: settings
            .closures
            .iter()
            .map(|text| date("closures", text))
            .collect::<Result<_, _>>()?,
        exceptions: settings
            .exceptions
            .iter()
            .map(|day| Ok((date("exceptions", &day.date)?, periods(&day.hours)?)))
            .collect::<Result<_, String>>()?,
    };
    let interval = settings.slot_interval_minutes;
    if interval == 0 || 24 * 60 % interval != 0 {
        return Err("slot_interval_minutes must divide a day (5, 10, 15, 30, 60 …)".to_owned());
    }
    at_most(
        "horizon_days",
        settings.horizon_days,
        MAX_HORIZON_DAYS,
        "days",
    )?;
    at_most(
        "min_lead_minutes",
        settings.min_lead_minutes,
        MAX_HORIZON_DAYS * 24 * 60,
        "minutes",
    )?;
    let offer = match kind {
        Kind::Restaurant => Offer::Restaurant(restaurant(settings)?),
        Kind::Clinic => Offer::Clinic(clinic(settings, &schedule)?),
    };
    Ok(Resolved {
        schedule,
        slot_interval_minutes: interval,
        min_lead_minutes: settings.min_lead_minutes,
        horizon_days: settings.horizon_days,
        offer,
    })
}

fn restaurant(settings: &ScheduleSettings) -> Result<Restaurant, String> {
    let seating = settings
        .seating
        .as_ref()
        .ok_or("a restaurant needs `covers`")?;
    at_most(
        "turn_minutes",
        seating.turn_minutes,
        MAX_BOOKING_MINUTES,
        "minutes",
    )?;
    if seating.max_party_size == 0
        || seating.max_party_size > seating.covers
        || seating.turn_minutes == 0
    {
        return Err("max_party_size must be between 1 and covers, turn_minutes above 0".to_owned());
    }
    if !settings.services.is_empty() || !settings.practitioners.is_empty() {
        return Err("services and practitioners are for clinics".to_owned());
    }
    Ok(Restaurant {
        covers: seating.covers,
        max_party_size: seating.max_party_size,
        turn_minutes: seating.turn_minutes,
        large_party_message: seating.large_party_message.clone(),
    })
}

fn clinic(settings: &ScheduleSettings, schedule: &Schedule) -> Result<Clinic, String> {
    if settings.seating.is_some() {
        return Err("covers, max_party_size and turn_minutes are for restaurants".to_owned());
    }
    if settings.services.is_empty() || settings.practitioners.is_empty() {
        return Err("a clinic needs at least one service and one practitioner".to_owned());
    }
    for service in &settings.services {
        for (setting, minutes) in [
            ("duration_minutes", service.duration_minutes),
            ("buffer_minutes", service.buffer_minutes),
        ] {
            at_most(
                &format!("services.{}.{setting}", service.id),
                minutes,
                MAX_BOOKING_MINUTES,
                "minutes",
            )?;
        }
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
    let practitioners = settings
        .practitioners
        .iter()
        .map(|practitioner| {
            if let Some(unknown) = practitioner
                .services
                .iter()
                .find(|id| !services.iter().any(|s| s.id == **id))
            {
                return Err(format!(
                    "practitioner {} offers unknown service {unknown}",
                    practitioner.id
                ));
            }
            let schedule = match &practitioner.hours {
                Some(hours) => Schedule {
                    weekly: weekly(hours)?,
                    ..schedule.clone()
                },
                None => schedule.clone(),
            };
            Ok(Practitioner {
                id: practitioner.id.clone(),
                name: practitioner.name.clone(),
                services: practitioner.services.clone(),
                schedule,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Clinic {
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
            closures: vec!["2026-12-24".to_owned()],
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

    #[test]
    fn a_restaurant_resolves_with_its_days() {
        let resolved = resolve(Kind::Restaurant, &restaurant_settings()).expect("valid");
        assert_eq!(
            resolved.schedule.closures,
            vec![Date::constant(2026, 12, 24)]
        );
        assert_eq!(resolved.schedule.exceptions.len(), 1);
        assert!(matches!(resolved.offer, Offer::Restaurant(ref r) if r.covers == 20));
    }

    #[test]
    fn settings_for_the_other_kind_or_out_of_range_are_refused() {
        let settings = restaurant_settings();
        assert!(resolve(Kind::Clinic, &settings).is_err());
        for broken in [
            ScheduleSettings {
                closures: vec!["24/12/2026".to_owned()],
                ..restaurant_settings()
            },
            ScheduleSettings {
                slot_interval_minutes: 7,
                ..restaurant_settings()
            },
            ScheduleSettings {
                seating: None,
                ..restaurant_settings()
            },
            ScheduleSettings {
                hours: BTreeMap::from([("tue".to_owned(), vec!["14:00-12:00".to_owned()])]),
                ..restaurant_settings()
            },
        ] {
            assert!(resolve(Kind::Restaurant, &broken).is_err(), "{broken:?}");
        }
    }
}
