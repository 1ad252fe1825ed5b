//! Civil dates for scenarios that span months (7pace: October 2017 to March 2018).
//!
//! Days are counted from 1970-01-01 (day 0, a Thursday) in the proleptic Gregorian calendar, so
//! a date is one integer and a wall-clock reading needs no time-zone database: scenarios keep
//! simulated time in UTC and apply fixed regional offsets themselves.

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year, e.g. 2018.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

const fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

const fn month_len(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// A date (not checked; use [`Date::is_valid`]).
    pub const fn new(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    /// Whether the month and day exist.
    pub fn is_valid(&self) -> bool {
        (1..=12).contains(&self.month) && self.day >= 1 && self.day <= month_len(self.year, self.month)
    }

    /// Days since 1970-01-01 (a `const fn`, so a fixed date's count is computed once).
    pub const fn days(&self) -> i64 {
        let mut d: i64 = 0;
        let mut y = if self.year >= 1970 { 1970 } else { self.year };
        while y < self.year {
            d += if is_leap(y) { 366 } else { 365 };
            y += 1;
        }
        while y < 1970 {
            d -= if is_leap(y) { 366 } else { 365 };
            y += 1;
        }
        let mut m = 1;
        while m < self.month {
            d += month_len(self.year, m) as i64;
            m += 1;
        }
        d + self.day as i64 - 1
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let mut y = 1970;
        let mut d = days;
        loop {
            let len = if is_leap(y) { 366 } else { 365 };
            if d < 0 {
                y -= 1;
                d += if is_leap(y) { 366 } else { 365 };
            } else if d >= len {
                d -= len;
                y += 1;
            } else {
                break;
            }
        }
        let mut m = 1;
        while d >= month_len(y, m) as i64 {
            d -= month_len(y, m) as i64;
            m += 1;
        }
        Date { year: y, month: m, day: d as u32 + 1 }
    }
}

/// Day of the week of day `days` since 1970-01-01: 0 = Monday … 6 = Sunday.
pub fn weekday(days: i64) -> u32 {
    // 1970-01-01 was a Thursday (3).
    (days + 3).rem_euclid(7) as u32
}

/// The UTC date of `unix_s` seconds since 1970-01-01T00:00:00Z and the seconds since its midnight.
pub fn civil(unix_s: i64) -> (Date, i64) {
    (Date::from_days(unix_s.div_euclid(86_400)), unix_s.rem_euclid(86_400))
}

/// ISO 8601 UTC date-time of `unix_s` seconds since 1970-01-01T00:00:00Z, e.g.
/// `2018-01-02T13:00:00Z`.
pub fn iso_utc(unix_s: i64) -> String {
    let (d, s) = civil(unix_s);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", d.year, d.month, d.day, s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(Date::new(1970, 1, 1).days(), 0);
        assert_eq!(Date::new(2017, 10, 1).days(), 17_440);
        assert_eq!(Date::from_days(17_440), Date::new(2017, 10, 1));
        // 2017-10-01 was a Sunday, 2018-01-02 a Tuesday, 2017-11-28 a Tuesday.
        assert_eq!(weekday(Date::new(2017, 10, 1).days()), 6);
        assert_eq!(weekday(Date::new(2018, 1, 2).days()), 1);
        assert_eq!(weekday(Date::new(2017, 11, 28).days()), 1);
        assert_eq!(Date::new(2018, 3, 31).days() - Date::new(2017, 10, 1).days(), 181);
        assert_eq!(iso_utc(Date::new(2018, 1, 2).days() * 86_400 + 13 * 3600), "2018-01-02T13:00:00Z");
        assert_eq!(Date::from_days(Date::new(2016, 2, 29).days()), Date::new(2016, 2, 29));
        assert_eq!(Date::from_days(-1), Date::new(1969, 12, 31));
        assert!(!Date::new(2018, 2, 29).is_valid());
    }

    #[test]
    fn round_trip_over_a_decade() {
        for d in 16_000..20_000 {
            assert_eq!(Date::from_days(d).days(), d);
        }
    }
}
