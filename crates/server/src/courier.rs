//! `[business.courier]`: the business's courier — the process on its own
//! machine that opens visitors' contact cards and sends their confirmation,
//! reminders and change notices. The server holds only the courier's public
//! key (to check what a card is sealed to) and when messages are due.

use std::path::Path;

use sealbook_envelope::KeyId;
use sealbook_wire::contact_card::Channel;
use serde::Deserialize;

use crate::business_key::{BusinessKey, KeyStatus, RawKey};
use crate::storage::CourierPlan;

/// The largest reminder offset: a booking is at most a year ahead.
const MAX_OFFSET_SECONDS: i64 = 366 * 24 * 3600;

/// An offer's hold: long enough to read a message and follow its link, short
/// enough that the seats still go to someone.
const MIN_HOLD_SECONDS: i64 = 60;
const MAX_HOLD_SECONDS: i64 = 24 * 3600;

/// A business's courier, resolved.
#[derive(Debug, Clone)]
pub struct CourierSettings {
    /// The courier's keys: cards are sealed to the active ones; the script tag
    /// pins the active and pending ones, exactly as for booking keys.
    pub keys: Vec<BusinessKey>,
    /// The channels the widget offers.
    pub channels: Vec<Channel>,
    /// When reminders are due and how late one may still go out.
    pub plan: CourierPlan,
    /// How long freed seats are held for the visitor a waitlist offer goes
    /// to; `None`: the business keeps no waitlist.
    pub waitlist_hold_seconds: Option<i64>,
}

impl CourierSettings {
    /// The kids a card must be sealed to (all of them).
    pub fn active_kids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys
            .iter()
            .filter(|key| key.status == KeyStatus::Active)
            .map(|key| &key.kid)
    }

    /// The kids a script tag pins for the courier.
    pub fn pinned_kids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys
            .iter()
            .filter(|key| matches!(key.status, KeyStatus::Active | KeyStatus::Pending))
            .map(|key| &key.kid)
    }
}

/// `[business.courier]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCourier {
    keys: Vec<RawKey>,
    #[serde(default = "default_channels")]
    channels: Vec<Channel>,
    /// Before the start: `["24h", "2h"]`; `s`, `m`, `h` and `d` units.
    #[serde(default = "default_reminders")]
    reminders: Vec<String>,
    /// How late a reminder may still go out, e.g. `"30m"`.
    #[serde(default = "default_grace")]
    grace: String,
    /// How long an offer holds freed seats, e.g. `"15m"`; absent: no waitlist.
    #[serde(default)]
    waitlist_hold: Option<String>,
}

fn default_channels() -> Vec<Channel> {
    vec![Channel::Email]
}

fn default_reminders() -> Vec<String> {
    vec!["24h".to_owned(), "2h".to_owned()]
}

fn default_grace() -> String {
    "30m".to_owned()
}

impl RawCourier {
    pub(crate) fn resolve(&self, base: &Path) -> Result<CourierSettings, String> {
        let keys = self
            .keys
            .iter()
            .enumerate()
            .map(|(index, key)| {
                key.resolve(base)
                    .map_err(|reason| format!("courier key {index}: {reason}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let settings = CourierSettings {
            channels: self.channels.clone(),
            plan: CourierPlan {
                reminders: self
                    .reminders
                    .iter()
                    .map(|text| duration_seconds(text))
                    .collect::<Result<_, _>>()?,
                grace_seconds: duration_seconds(&self.grace)?,
            },
            waitlist_hold_seconds: self
                .waitlist_hold
                .as_deref()
                .map(duration_seconds)
                .transpose()?,
            keys,
        };
        if settings.active_kids().next().is_none() {
            return Err("the courier needs an active key".to_owned());
        }
        if settings.channels.is_empty() {
            return Err("the courier needs at least one channel".to_owned());
        }
        if settings
            .waitlist_hold_seconds
            .is_some_and(|hold| !(MIN_HOLD_SECONDS..=MAX_HOLD_SECONDS).contains(&hold))
        {
            return Err("waitlist_hold must be between 1 minute and 1 day".to_owned());
        }
        if settings.plan.reminders.len() > 4 {
            return Err("at most 4 reminders".to_owned());
        }
        Ok(settings)
    }
}

/// `"90s"`, `"15m"`, `"2h"`, `"1d"` in seconds.
fn duration_seconds(text: &str) -> Result<i64, String> {
    let problem = || format!("{text:?} is not a duration like \"24h\", \"30m\" or \"90s\"");
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let number: i64 = number.parse().map_err(|_| problem())?;
    let seconds = match unit {
        "s" => number,
        "m" => number * 60,
        "h" => number * 3600,
        "d" => number * 86_400,
        _ => return Err(problem()),
    };
    if (0..=MAX_OFFSET_SECONDS).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(format!("{text:?} is longer than a year"))
    }
}

#[cfg(test)]
mod tests {
    use super::duration_seconds;

    #[test]
    fn durations_read_with_their_unit() {
        assert_eq!(duration_seconds("24h"), Ok(86_400));
        assert_eq!(duration_seconds("30m"), Ok(1_800));
        assert_eq!(duration_seconds("90s"), Ok(90));
        assert_eq!(duration_seconds("1d"), Ok(86_400));
        for bad in ["", "h", "24", "2w", "-1h", "1.5h", "400d"] {
            assert!(duration_seconds(bad).is_err(), "{bad}");
        }
    }
}
