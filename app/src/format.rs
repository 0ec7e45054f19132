//! Dates and numbers the way each language writes them.

use chrono::{Datelike, NaiveDate};

use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};

/// "1 aprile 2015" / "1 April 2015".
pub fn date(i18n: I18nContext<Locale>, day: NaiveDate) -> String {
    let month = match day.month() {
        1 => t_string!(i18n, month.m1),
        2 => t_string!(i18n, month.m2),
        3 => t_string!(i18n, month.m3),
        4 => t_string!(i18n, month.m4),
        5 => t_string!(i18n, month.m5),
        6 => t_string!(i18n, month.m6),
        7 => t_string!(i18n, month.m7),
        8 => t_string!(i18n, month.m8),
        9 => t_string!(i18n, month.m9),
        10 => t_string!(i18n, month.m10),
        11 => t_string!(i18n, month.m11),
        _ => t_string!(i18n, month.m12),
    };
    format!("{} {month} {}", day.day(), day.year())
}

/// Thousands grouped: "12.345" in Italian, "12,345" in English.
pub fn number(i18n: I18nContext<Locale>, n: u64) -> String {
    let separator = match i18n.get_locale() {
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
