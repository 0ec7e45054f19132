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

pub use shared::model::common::time::italian_time;

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

/// The document's title, as the head gets it: escaped here, at the one
/// place that writes it, whatever each page passes and whatever the
/// framework does (leptos_meta 0.8.7 turns `<` and `>` into entities but
/// leaves `&`, so a title typed as `&lt;` would read as `<`; older versions
/// wrote the title raw, and `</title><meta http-equiv="refresh" …>` in a
/// proposal's title then sent every visitor elsewhere). In the browser it is
/// set as `document.title`, which is text.
pub fn head_title(text: &str) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text.to_owned()
    }
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
