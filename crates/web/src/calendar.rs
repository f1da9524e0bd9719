//! Civil dates in the business's time zone, without a date crate (wasm size):
//! days since the epoch, weekdays and months, for the calendar grid.

/// A calendar date (`YYYY-MM-DD` on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    /// `YYYY-MM-DD`, checked against the calendar.
    #[inline]
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = i32::try_from(number(0..4)?).ok()?;
        let month = u8::try_from(number(5..7)?).ok()?;
        let day = u8::try_from(number(8..10)?).ok()?;
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Self { year, month, day })
    }

    /// `YYYY-MM-DD`.
    #[inline]
    pub fn iso(self) -> String {
        let mut out = String::with_capacity(10);
        push_padded(&mut out, self.year.unsigned_abs(), 4);
        out.push('-');
        push_padded(&mut out, self.month.into(), 2);
        out.push('-');
        push_padded(&mut out, self.day.into(), 2);
        out
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    #[inline]
    pub fn ordinal(self) -> i32 {
        let y = self.year - i32::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i32::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i32::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days since 1970-01-01 (`civil_from_days`).
    #[inline]
    pub fn from_ordinal(days: i32) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        Self {
            year: yoe + era * 400 + i32::from(month <= 2),
            month: u8::try_from(month).expect("a month is 1..=12"),
            day: u8::try_from(day).expect("a day is 1..=31"),
        }
    }

    #[inline]
    pub fn add_days(self, days: i32) -> Self {
        Self::from_ordinal(self.ordinal() + days)
    }

    /// 0 = Monday … 6 = Sunday.
    #[inline]
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday.
        u8::try_from((self.ordinal() + 3).rem_euclid(7)).expect("0..7")
    }

    /// The first day of this date's month.
    #[inline]
    pub fn first_of_month(self) -> Self {
        Self { day: 1, ..self }
    }

    /// The last day of this date's month.
    #[inline]
    pub fn last_of_month(self) -> Self {
        Self {
            day: days_in_month(self.year, self.month),
            ..self
        }
    }

    /// The same day `months` months later, clamped to the end of the month.
    #[inline]
    pub fn add_months(self, months: i32) -> Self {
        let index = self.year * 12 + i32::from(self.month) - 1 + months;
        let year = index.div_euclid(12);
        let month = u8::try_from(index.rem_euclid(12) + 1).expect("1..=12");
        Self {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    /// The month grid: weeks from Monday to Sunday covering this date's month.
    #[inline]
    pub fn month_weeks(self) -> Vec<[Self; 7]> {
        let first = self.first_of_month();
        let last = self.last_of_month();
        let mut monday = first.add_days(-i32::from(first.weekday()));
        let mut weeks = Vec::with_capacity(6);
        while monday <= last {
            weeks.push(std::array::from_fn(|i| {
                monday.add_days(i32::try_from(i).expect("i < 7"))
            }));
            monday = monday.add_days(7);
        }
        weeks
    }

    /// Milliseconds since the epoch of this date's UTC midnight (for `Intl` formatting).
    #[inline]
    pub fn utc_ms(self) -> f64 {
        f64::from(self.ordinal()) * 86_400_000.0
    }
}

/// Clamps `day` into `[min, max]`.
#[inline]
pub fn clamp(day: Day, min: Day, max: Day) -> Day {
    day.max(min).min(max.max(min))
}

#[inline]
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Appends `value` in decimal, zero-padded to `width` digits.
#[inline]
pub fn push_padded(out: &mut String, value: u32, width: usize) {
    let digits = value.to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).expect("a valid date")
    }

    #[test]
    fn dates_parse_and_print() {
        assert_eq!(day("2028-02-29").iso(), "2028-02-29");
        assert_eq!(day("2026-12-04").iso(), "2026-12-04");
        for bad in [
            "2027-02-29",
            "2026-04-31",
            "2026-13-01",
            "2026-1-01",
            "",
            "abcd-ef-gh",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ordinals_round_trip() {
        assert_eq!(day("1970-01-01").ordinal(), 0);
        assert_eq!(day("2000-03-01").ordinal(), 11_017);
        for n in -800_000..800_000 {
            if n % 997 == 0 {
                assert_eq!(Day::from_ordinal(n).ordinal(), n);
            }
        }
        assert_eq!(day("2026-12-31").add_days(1), day("2027-01-01"));
        assert_eq!(day("2028-03-01").add_days(-1), day("2028-02-29"));
    }

    #[test]
    fn weekdays_start_on_monday() {
        assert_eq!(day("2026-11-26").weekday(), 3, "a Thursday");
        assert_eq!(day("2026-11-30").weekday(), 0, "a Monday");
        assert_eq!(day("2026-11-29").weekday(), 6, "a Sunday");
    }

    #[test]
    fn months_add_and_clamp() {
        assert_eq!(day("2026-01-31").add_months(1), day("2026-02-28"));
        assert_eq!(day("2026-12-15").add_months(1), day("2027-01-15"));
        assert_eq!(day("2027-01-15").add_months(-1), day("2026-12-15"));
    }

    #[test]
    fn the_grid_covers_the_month_in_whole_weeks() {
        let weeks = day("2026-11-26").month_weeks();
        assert_eq!(weeks.len(), 6);
        assert_eq!(weeks[0][0], day("2026-10-26"));
        assert_eq!(weeks[5][6], day("2026-12-06"));
        let february = day("2027-02-10").month_weeks();
        assert_eq!(february.len(), 4, "February 2027 starts on a Monday");
    }

    #[test]
    fn clamping_keeps_the_range() {
        let (min, max) = (day("2026-11-26"), day("2027-01-25"));
        assert_eq!(clamp(day("2026-11-01"), min, max), min);
        assert_eq!(clamp(day("2027-02-01"), min, max), max);
        assert_eq!(clamp(day("2026-12-01"), min, max), day("2026-12-01"));
    }
}
