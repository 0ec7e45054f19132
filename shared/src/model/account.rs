//! People: parsed email addresses and display names.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::role::{RoleGrant, RoleView};

/// Why a value was refused; the UI words it per field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum FieldProblem {
    Empty,
    TooLong {
        max: usize,
    },
    Malformed,
    ControlCharacters,
    TooShort {
        min: usize,
    },
    /// A password among the most common or easily guessed ones.
    TooCommon,
    /// A confirmation that must be given (checkbox, typed word) was not.
    NotConfirmed,
    /// The value is well formed but not accepted (wrong current password, unknown or used code).
    NotRecognized,
    /// Removing this would leave the platform without an administrator.
    LastAdmin,
    /// The person already has it.
    AlreadyPresent,
    /// A file over the size limit, in megabytes.
    TooLarge {
        max: usize,
    },
}

/// An email address: trimmed, lower-cased domain, at most 254 characters, one `@`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
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

/// The password of every named demo persona (published on the sign-in page
/// in demo mode; demo data only).
pub const DEMO_PASSWORD: &str = "piazza-demo-2026";

/// A new password: 10 to 128 characters, no control characters. Whether it is
/// too common is checked by the server, which has the word lists.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// The shortest password accepted.
    pub const MIN_CHARS: usize = 10;
    /// The longest password accepted (hashing cost stays bounded).
    pub const MAX_CHARS: usize = 128;

    /// Parses a password as typed (never trimmed: spaces count).
    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        if raw.is_empty() {
            return Err(FieldProblem::Empty);
        }
        if raw.chars().any(char::is_control) {
            return Err(FieldProblem::ControlCharacters);
        }
        match raw.chars().count() {
            n if n < Self::MIN_CHARS => Err(FieldProblem::TooShort {
                min: Self::MIN_CHARS,
            }),
            n if n > Self::MAX_CHARS => Err(FieldProblem::TooLong {
                max: Self::MAX_CHARS,
            }),
            _ => Ok(Self(raw.to_owned())),
        }
    }

    /// The password itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A residence code as typed: a fiscal code or a one-time code from the
/// municipality. Spaces and dashes are ignored, letters upper-cased.
#[derive(Clone, PartialEq, Eq)]
pub struct CensusCode(String);

impl CensusCode {
    /// Parses a code: 6 to 64 letters or digits once normalized.
    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        if raw.chars().any(char::is_control) {
            return Err(FieldProblem::ControlCharacters);
        }
        let value: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect();
        if value.is_empty() {
            return Err(FieldProblem::Empty);
        }
        if value.chars().count() > 64 {
            return Err(FieldProblem::TooLong { max: 64 });
        }
        if value.chars().count() < 6 || !value.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(FieldProblem::Malformed);
        }
        Ok(Self(value))
    }

    /// The normalized code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for CensusCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CensusCode(***)")
    }
}

/// The person signed in, as every page's header needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: Uuid,
    pub display_name: String,
    pub is_demo: bool,
    pub grants: Vec<RoleGrant>,
}

impl CurrentUser {
    /// Holds the administrator role.
    pub fn is_admin(&self) -> bool {
        self.grants.iter().any(|g| g.role == super::Role::Admin)
    }

    /// Holds the staff role (works at the counter).
    pub fn is_staff(&self) -> bool {
        self.grants.iter().any(|g| g.role == super::Role::Staff)
    }

    /// Is a verified resident.
    pub fn is_verified(&self) -> bool {
        self.grants.iter().any(|g| g.role == super::Role::Verified)
    }
}

/// Who is signed in (if anyone) and whether this instance runs on demo data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub user: Option<CurrentUser>,
    pub demo_mode: bool,
    /// Unread notifications of the signed-in person.
    pub unread_notifications: u64,
}

/// A demo persona anyone may sign in as, listed on the sign-in page in demo mode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DemoAccount {
    pub email: String,
    pub display_name: String,
    pub roles: Vec<RoleView>,
}

/// How a person proved residence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ResidenceView {
    /// `census_code`, `admin`, later `oidc`.
    pub method: String,
    pub verified_at: DateTime<Utc>,
}

/// The profile page: the person's own account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AccountOverview {
    pub display_name: String,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub is_demo: bool,
    pub has_password: bool,
    pub roles: Vec<RoleView>,
    pub residence: Option<ResidenceView>,
    /// Signed-in browsers, this one included.
    pub active_sessions: u64,
    /// Unread notifications are emailed in a digest.
    pub email_digest: bool,
}

/// A person as the administrators' list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AdminUserRow {
    pub id: Uuid,
    pub display_name: String,
    pub email: Option<String>,
    pub is_demo: bool,
    pub confirmed: bool,
    pub created_at: DateTime<Utc>,
    pub roles: Vec<RoleView>,
}

/// One page of the administrators' list of people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AdminUserPage {
    pub items: Vec<AdminUserRow>,
    pub next: Option<String>,
    pub total: u64,
}

/// Where a scoped role can be held: processes and their platforms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ScopeChoice {
    pub process_id: Uuid,
    pub process_title: String,
    pub platforms: Vec<(Uuid, String)>,
}

/// One line of the administrators' action log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AuditEntryView {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub details: String,
}

/// One page of the action log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntryView>,
    pub next: Option<String>,
}

/// An email in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OutboxView {
    pub id: Uuid,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// `smtp` or `log`; `None` while pending.
    pub delivery: Option<String>,
    pub last_error: Option<String>,
}

/// One page of the outbox, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OutboxPage {
    pub items: Vec<OutboxView>,
    pub next: Option<String>,
}

/// What a census upload did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CensusUploadReport {
    pub added: u64,
    /// Codes already in the list (from this or an earlier upload).
    pub duplicates: u64,
    /// Line numbers (1-based) that held no valid code; at most 20 listed.
    pub invalid_lines: Vec<u64>,
    pub invalid_count: u64,
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
    fn passwords_have_bounds_and_hide_in_debug() {
        assert_eq!(NewPassword::parse(""), Err(FieldProblem::Empty));
        assert_eq!(
            NewPassword::parse("short"),
            Err(FieldProblem::TooShort { min: 10 })
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(129)),
            Err(FieldProblem::TooLong { max: 128 })
        );
        let ok = NewPassword::parse(" lunga frase segreta ").unwrap();
        assert_eq!(ok.expose(), " lunga frase segreta ");
        assert_eq!(format!("{ok:?}"), "NewPassword(***)");
    }

    #[test]
    fn census_codes_are_normalized() {
        assert_eq!(
            CensusCode::parse(" rss-mra 80a01 h501u ").unwrap().as_str(),
            "RSSMRA80A01H501U"
        );
        assert_eq!(CensusCode::parse("  "), Err(FieldProblem::Empty));
        assert_eq!(CensusCode::parse("abc"), Err(FieldProblem::Malformed));
        assert_eq!(CensusCode::parse("àbcdefg"), Err(FieldProblem::Malformed));
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
