//! The REST API's own DTOs: personal access tokens.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::account::FieldProblem;

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
