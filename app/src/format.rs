//! Dates and numbers the way each language writes them.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

use leptos_i18n::I18nContext;

use crate::i18n::{Locale, tu_string};

/// "1 aprile 2015" / "1 April 2015".
pub fn date(i18n: I18nContext<Locale>, day: NaiveDate) -> String {
    let month = match day.month() {
        1 => tu_string!(i18n, month.m1),
        2 => tu_string!(i18n, month.m2),
        3 => tu_string!(i18n, month.m3),
        4 => tu_string!(i18n, month.m4),
        5 => tu_string!(i18n, month.m5),
        6 => tu_string!(i18n, month.m6),
        7 => tu_string!(i18n, month.m7),
        8 => tu_string!(i18n, month.m8),
        9 => tu_string!(i18n, month.m9),
        10 => tu_string!(i18n, month.m10),
        11 => tu_string!(i18n, month.m11),
        _ => tu_string!(i18n, month.m12),
    };
    format!("{} {month} {}", day.day(), day.year())
}

/// Thousands grouped: "12.345" in Italian, "12,345" in English.
pub fn number(i18n: I18nContext<Locale>, n: u64) -> String {
    let separator = match i18n.get_locale_untracked() {
        Locale::it => '.',
        Locale::en => ',',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

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

/// "22 novembre 2026, 14:05" in Italian time.
pub fn date_time(i18n: I18nContext<Locale>, at: DateTime<Utc>) -> String {
    let local = italian_time(at);
    format!(
        "{}, {:02}:{:02}",
        date(i18n, local.date()),
        local.hour(),
        local.minute()
    )
}

/// Text for inside a `<textarea>`. Leptos writes a textarea's children
/// unescaped when rendering on the server, so `</textarea>` typed by someone
/// would end the element: on the server the text is escaped (the browser
/// decodes it back inside the textarea); in the browser it is set as text.
pub fn textarea_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod time_tests {
    use super::*;

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
}
