//! Roles a person can hold. Being a citizen needs no role: it is being signed in.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
