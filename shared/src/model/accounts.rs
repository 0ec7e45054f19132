//! People and their access: parsed email addresses and display names,
//! accounts, roles, the REST API's personal access tokens.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::common::FieldProblem;

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
        // One address, one account: `Mario@` and `mario@` are the same
        // mailbox everywhere people actually receive mail.
        Ok(Self(format!(
            "{}@{}",
            local.to_lowercase(),
            domain.to_lowercase()
        )))
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
        self.grants
            .iter()
            .any(|g| g.role == crate::model::Role::Admin)
    }

    /// Holds the staff role (works at the counter).
    pub fn is_staff(&self) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == crate::model::Role::Staff)
    }

    /// Is a verified resident.
    pub fn is_verified(&self) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == crate::model::Role::Verified)
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

/// A role an administrator assigns (or, for `Verified`, a census code grants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum Role {
    /// A resident whose residence was verified.
    Verified,
    /// Municipal staff (helps people at the counter).
    Staff,
    /// Runs a process, or one platform of it.
    Facilitator,
    /// Member of the council (approves the plan).
    Council,
    /// Administers the platform.
    Admin,
}

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 5] = [
        Role::Verified,
        Role::Staff,
        Role::Facilitator,
        Role::Council,
        Role::Admin,
    ];

    /// The name stored in the database and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Verified => "verified",
            Role::Staff => "staff",
            Role::Facilitator => "facilitator",
            Role::Council => "council",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Whether the role is held within a process or platform (and needs one).
    pub fn is_scoped(self) -> bool {
        matches!(self, Role::Facilitator)
    }
}

/// A role as held: for a facilitator, the process and possibly one platform of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RoleGrant {
    pub role: Role,
    pub process_id: Option<Uuid>,
    pub platform_id: Option<Uuid>,
}

/// A role assignment as the administration pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct RoleView {
    /// The assignment's id (to remove it).
    pub id: Uuid,
    pub role: Role,
    /// The process (title) a scoped role is held in.
    pub process: Option<String>,
    /// The platform (title) a scoped role is limited to.
    pub platform: Option<String>,
}

stored_names! {
    /// What a personal access token may do.
    TokenScope {
        /// Read what the person may read.
        Read = "lettura",
        /// Also write (propose, comment, support…) as the person.
        Write = "scrittura",
    }
}

/// Longest name of a token.
pub const TOKEN_NAME_MAX: usize = 100;
/// Most live tokens one person may hold.
pub const MAX_TOKENS: u64 = 20;

/// A token's fields, parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TokenInput {
    pub name: String,
    pub scope: TokenScope,
}

impl TokenInput {
    /// Parses the form; errors name the field.
    pub fn parse(name: &str, scope: &str) -> Result<Self, (&'static str, FieldProblem)> {
        let name = name.trim();
        if name.is_empty() {
            return Err(("nome_token", FieldProblem::Empty));
        }
        if name.chars().count() > TOKEN_NAME_MAX {
            return Err((
                "nome_token",
                FieldProblem::TooLong {
                    max: TOKEN_NAME_MAX,
                },
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(("nome_token", FieldProblem::ControlCharacters));
        }
        let scope = TokenScope::parse(scope.trim()).ok_or(("ambito", FieldProblem::Malformed))?;
        Ok(Self {
            name: name.to_owned(),
            scope,
        })
    }
}

/// A token as its owner sees it in the profile (never the secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TokenDto {
    pub id: Uuid,
    pub name: String,
    pub scope: TokenScope,
    /// The first characters, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The profile's token section: the live tokens and, right after creating
/// one, its secret (this once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensView {
    pub tokens: Vec<TokenDto>,
    pub created: Option<NewToken>,
}

/// A token just created: the secret is shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewToken {
    pub token: TokenDto,
    pub secret: String,
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
            "anna.rossi@comune.alessandria.it",
            "one address whatever its capitals"
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

    #[test]
    fn the_form_names_the_wrong_field() {
        assert_eq!(
            TokenInput::parse(" ", "lettura").unwrap_err().0,
            "nome_token"
        );
        assert_eq!(TokenInput::parse("Sito", "tutto").unwrap_err().0, "ambito");
        let ok = TokenInput::parse(" Sito del Comune ", "scrittura").unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.scope),
            ("Sito del Comune", TokenScope::Write)
        );
    }
}
