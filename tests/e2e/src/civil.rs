//! Calendar arithmetic the tests need without a date library: days since
//! 1970-01-01 (a Thursday) to and from a civil date in the proleptic Gregorian
//! calendar (Howard Hinnant's `days_from_civil` and `civil_from_days`).
//! The widget's own calendar (`sealbook_web::calendar`) does the same; the
//! tests keep their own so that they do not check the widget's dates with it.

/// Days from 1970-01-01 to `year-month-day`.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The `(year, month, day)` that is `days` days after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    (era * 400 + year_of_era + i64::from(month <= 2), month, day)
}

/// `YYYY-MM-DD` of the day `days` days after 1970-01-01.
pub fn iso_date(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Seconds since the epoch of an RFC 3339 UTC time as the widget writes a
/// slot's start (`2026-12-04T18:30:00Z`).
pub fn unix_seconds(rfc3339: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| rfc3339.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// `YYYY-MM-DD` of the day `days` days after the UTC day of `rfc3339`.
pub fn days_after(rfc3339: &str, days: i64) -> anyhow::Result<String> {
    let seconds =
        unix_seconds(rfc3339).ok_or_else(|| anyhow::anyhow!("not a start time: {rfc3339}"))?;
    Ok(iso_date(seconds.div_euclid(86_400) + days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_agree_both_ways() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(-1), "1969-12-31");
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(iso_date(days_from_civil(2024, 2, 29) + 1), "2024-03-01");
        for days in (-800_000..800_000).step_by(997) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
    }

    #[test]
    fn slot_starts_read_as_unix_seconds() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(unix_seconds("2026-12-04T18:30:00Z"), Some(1_796_409_000));
        assert_eq!(unix_seconds("not a time"), None);
    }

    #[test]
    fn days_after_count_from_the_utc_day() {
        assert_eq!(
            days_after("2026-12-31T23:45:00Z", 1).ok().as_deref(),
            Some("2027-01-01")
        );
        assert_eq!(
            days_after("2024-02-28T00:00:00Z", 2).ok().as_deref(),
            Some("2024-03-01")
        );
        assert!(days_after("tomorrow", 1).is_err());
    }
}
