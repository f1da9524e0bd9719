//! Tests that compare what the server counts for "this week" with what they
//! recorded: the week turns at Monday 00:00 in the test businesses' time zone
//! (Europe/Paris and Europe/Berlin, Central European Time), and records made
//! just before the turn and read just after it fall in a week that is no longer
//! the current one.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY: u64 = 86_400;

/// How long a test that takes at most `span` waits before it starts, so that
/// it does not run across Monday 00:00 Central European Time (Sunday 22:00 UTC
/// in summer, 23:00 in winter; both are avoided, whatever the season): until
/// five seconds past the turn if it would start within `span` before it, else
/// zero. Meant for spans of minutes: one of an hour or more could be sent
/// past the first turn into the second.
pub fn wait_clear_of_the_week_turn(span: Duration) -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    wait_from(now, span.as_secs())
}

/// [`wait_clear_of_the_week_turn`] at `now` (unix seconds).
fn wait_from(now: u64, span: u64) -> Duration {
    // 1970-01-01 was a Thursday: a Monday 00:00 UTC came three days before it.
    let into_week = (now + 3 * DAY) % (7 * DAY);
    [6 * DAY + 22 * 3600, 6 * DAY + 23 * 3600]
        .into_iter()
        .find(|turn| (turn.saturating_sub(span)..turn + 5).contains(&into_week))
        .map_or(Duration::ZERO, |turn| {
            Duration::from_secs(turn + 5 - into_week)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-06 was a Sunday; at 23:00 UTC it is Monday 00:00 in Paris.
    const SUNDAY_23_UTC: u64 = 1_796_598_000;

    #[test]
    fn a_test_about_to_cross_the_turn_waits_until_past_it() {
        assert_eq!(wait_from(SUNDAY_23_UTC - 30, 60), Duration::from_secs(35));
        assert_eq!(wait_from(SUNDAY_23_UTC + 2, 60), Duration::from_secs(3));
        // The summer turn, an hour earlier.
        assert_eq!(
            wait_from(SUNDAY_23_UTC - 3600 - 10, 60),
            Duration::from_secs(15)
        );
    }

    #[test]
    fn a_test_clear_of_the_turn_starts_at_once() {
        for now in [
            SUNDAY_23_UTC - 61,
            SUNDAY_23_UTC + 5,
            SUNDAY_23_UTC + 3 * DAY,
            SUNDAY_23_UTC - 3600 + 5,
        ] {
            assert_eq!(wait_from(now, 60), Duration::ZERO, "at {now}");
        }
    }
}
