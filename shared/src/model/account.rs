//! People: parsed email addresses and display names.

use serde::{Deserialize, Serialize};

/// Why a value was refused; the UI words it per field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldProblem {
    Empty,
    TooLong { max: usize },
    Malformed,
    ControlCharacters,
}

/// An email address: trimmed, lower-cased domain, at most 254 characters, one `@`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an address as people type it.
    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldProblem::Empty);
        }
        if value.chars().count() > 254 {
            return Err(FieldProblem::TooLong { max: 254 });
        }
        if value.chars().any(char::is_control) {
            return Err(FieldProblem::ControlCharacters);
        }
        let (local, domain) = value.split_once('@').ok_or(FieldProblem::Malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if local.is_empty()
            || local.len() > 64
            || local.contains(char::is_whitespace)
            || domain.contains('@')
            || !domain_ok
        {
            return Err(FieldProblem::Malformed);
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name shown next to a person's contributions: 2 to 80 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses a name, collapsing inner runs of spaces.
    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        if raw.chars().any(char::is_control) {
            return Err(FieldProblem::ControlCharacters);
        }
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        match value.chars().count() {
            0 => Err(FieldProblem::Empty),
            1 => Err(FieldProblem::Malformed),
            n if n > 80 => Err(FieldProblem::TooLong { max: 80 }),
            _ => Ok(Self(value)),
        }
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_parse_as_people_type_them() {
        assert_eq!(
            EmailAddress::parse("  Anna.Rossi@Comune.Alessandria.IT ")
                .unwrap()
                .as_str(),
            "Anna.Rossi@comune.alessandria.it"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@comune.it",
            "anna@comune",
            "an na@comune.it",
            "a@b@c.it",
            "anna@comune..it",
            "anna\u{0}@comune.it",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            EmailAddress::parse(&format!("{}@x.it", "a".repeat(260))),
            Err(FieldProblem::TooLong { max: 254 })
        );
    }

    #[test]
    fn display_names_are_tidied_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Anna   Rossi ").unwrap().as_str(),
            "Anna Rossi"
        );
        assert_eq!(DisplayName::parse(""), Err(FieldProblem::Empty));
        assert_eq!(
            DisplayName::parse(&"x".repeat(81)),
            Err(FieldProblem::TooLong { max: 80 })
        );
        assert_eq!(
            DisplayName::parse("a\u{7}b"),
            Err(FieldProblem::ControlCharacters)
        );
    }
}
