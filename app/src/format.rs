//! Dates and numbers the way each language writes them.

use chrono::{Datelike, NaiveDate};

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
