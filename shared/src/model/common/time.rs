//! Italian local time (CET/CEST), computed without a time-zone database:
//! dates on screen and the day phases open and close follow it.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The last Sunday of `month` in `year`.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap_or_default();
    let last = next.pred_opt().unwrap_or(next);
    last - chrono::Duration::days(i64::from(last.weekday().num_days_from_sunday()))
}

/// A UTC instant in Italian time (CET, or CEST from the last Sunday of March
/// to the last Sunday of October, switching at 01:00 UTC).
pub fn italian_time(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    let year = at.year();
    let summer_from = last_sunday(year, 3)
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let summer_to = last_sunday(year, 10)
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let offset = if at >= summer_from && at < summer_to {
        2
    } else {
        1
    };
    (at + chrono::Duration::hours(offset)).naive_utc()
}

/// The calendar day in Italy at `at`.
pub fn italian_date(at: DateTime<Utc>) -> NaiveDate {
    italian_time(at).date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn italian_time_follows_summer_time() {
        let winter = DateTime::parse_from_rfc3339("2026-01-10T12:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(italian_time(winter).hour(), 13);
        let summer = DateTime::parse_from_rfc3339("2026-07-10T12:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(italian_time(summer).hour(), 14);
        // 2026: summer time from 29 March to 25 October, 01:00 UTC.
        let before = DateTime::parse_from_rfc3339("2026-03-29T00:59:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(italian_time(before).hour(), 1);
        let after = DateTime::parse_from_rfc3339("2026-10-25T01:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(italian_time(after).hour(), 2);
    }

    #[test]
    fn the_italian_day_starts_at_local_midnight() {
        // 23:30 UTC on 21 November is 00:30 on the 22nd in Italy.
        let late = DateTime::parse_from_rfc3339("2026-11-21T23:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(italian_date(late).to_string(), "2026-11-22");
    }
}
