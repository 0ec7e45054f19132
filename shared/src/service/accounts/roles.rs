//! Roles: who holds which, and the administrators who assign and remove them.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::model::accounts::{AdminUserPage, AdminUserRow, ScopeChoice};
use crate::model::common::FieldProblem;
use crate::model::{Role, RoleView};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::common::db::begin_write;
use crate::service::entity::{platform, process, residence_verification, role_assignment, user};
use crate::service::{Ctx, ServiceError, common::audit};

/// People per page of the administrators' list.
pub const PAGE_SIZE: u64 = 25;

/// The roles of each of `user_ids`, with process and platform titles.
pub(crate) async fn role_views_of(
    db: &impl ConnectionTrait,
    user_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<RoleView>>, ServiceError> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.is_in(user_ids.iter().copied()))
        .order_by_asc(role_assignment::Column::CreatedAt)
        .all(db)
        .await?;
    let process_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.process_id).collect();
    let platform_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.platform_id).collect();
    let processes: HashMap<Uuid, String> = if process_ids.is_empty() {
        HashMap::new()
    } else {
        process::Entity::find()
            .filter(process::Column::Id.is_in(process_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.title))
            .collect()
    };
    let platforms: HashMap<Uuid, String> = if platform_ids.is_empty() {
        HashMap::new()
    } else {
        platform::Entity::find()
            .filter(platform::Column::Id.is_in(platform_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.title))
            .collect()
    };
    let mut out: HashMap<Uuid, Vec<RoleView>> = HashMap::new();
    for row in rows {
        let Some(role) = Role::parse(&row.role) else {
            continue;
        };
        out.entry(row.user_id).or_default().push(RoleView {
            id: row.id,
            role,
            process: row.process_id.and_then(|id| processes.get(&id).cloned()),
            platform: row.platform_id.and_then(|id| platforms.get(&id).cloned()),
        });
    }
    Ok(out)
}

/// How many people are administrators.
pub(crate) async fn admin_count(db: &impl ConnectionTrait) -> Result<u64, ServiceError> {
    Ok(role_assignment::Entity::find()
        .filter(role_assignment::Column::Role.eq(Role::Admin.as_str()))
        .count(db)
        .await?)
}

/// People, newest first, optionally those whose name or email contains
/// `search`; `before` is the id of the last person already shown.
pub async fn list_users(
    ctx: &Ctx,
    search: Option<&str>,
    before: Option<&str>,
) -> Result<AdminUserPage, ServiceError> {
    authorize(ctx, Operation::ListUsers, Scope::Global)?;
    let mut select = user::Entity::find();
    if let Some(text) = search.map(str::trim).filter(|t| !t.is_empty()) {
        if text.chars().count() > 100 || text.chars().any(char::is_control) {
            return Err(ServiceError::field("q", FieldProblem::Malformed));
        }
        let escaped = text
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        let like = |column: user::Column| {
            Expr::expr(Func::lower(Expr::col(column)))
                .like(sea_orm::sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
        };
        select = select.filter(
            Condition::any()
                .add(like(user::Column::DisplayName))
                .add(like(user::Column::Email)),
        );
    }
    let total = select.clone().count(&ctx.db).await?;
    if let Some(cursor) = before.filter(|c| !c.is_empty()) {
        let id = Uuid::try_parse(cursor)
            .map_err(|_| ServiceError::field("dopo", FieldProblem::Malformed))?;
        select = select.filter(user::Column::Id.lt(id));
    }
    let mut rows = select
        .order_by_desc(user::Column::Id)
        .limit(PAGE_SIZE + 1)
        .all(&ctx.db)
        .await?;
    let next = (rows.len() as u64 > PAGE_SIZE).then(|| {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|r| r.id.to_string()).unwrap_or_default()
    });
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut roles = role_views_of(&ctx.db, &ids).await?;
    Ok(AdminUserPage {
        items: rows
            .into_iter()
            .map(|u| AdminUserRow {
                roles: roles.remove(&u.id).unwrap_or_default(),
                id: u.id,
                display_name: u.display_name,
                email: u.email,
                is_demo: u.is_demo,
                confirmed: u.email_confirmed_at.is_some(),
                created_at: u.created_at,
            })
            .collect(),
        next,
        total,
    })
}

/// Where a facilitator can be assigned: every process and its platforms.
pub async fn scope_choices(ctx: &Ctx) -> Result<Vec<ScopeChoice>, ServiceError> {
    authorize(ctx, Operation::ListRoleScopes, Scope::Global)?;
    let processes = process::Entity::find()
        .order_by_asc(process::Column::Title)
        .all(&ctx.db)
        .await?;
    let platforms = platform::Entity::find()
        .order_by_asc(platform::Column::Position)
        .all(&ctx.db)
        .await?;
    Ok(processes
        .into_iter()
        .map(|p| ScopeChoice {
            process_id: p.id,
            platforms: platforms
                .iter()
                .filter(|pl| pl.process_id == p.id)
                .map(|pl| (pl.id, pl.title.clone()))
                .collect(),
            process_title: p.title,
        })
        .collect())
}

/// Where a role is to be held, as the form sends it: empty, `processo:<id>`
/// or `piattaforma:<id>`.
fn parse_scope(raw: &str) -> Result<(Option<Uuid>, Option<Uuid>), ServiceError> {
    let bad = || ServiceError::field("scope", FieldProblem::Malformed);
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok((None, None));
    }
    let (kind, id) = raw.split_once(':').ok_or_else(bad)?;
    let id = Uuid::try_parse(id).map_err(|_| bad())?;
    match kind {
        "processo" => Ok((Some(id), None)),
        "piattaforma" => Ok((None, Some(id))),
        _ => Err(bad()),
    }
}

/// Gives `user_id` a role (a facilitator within a process or one platform).
pub async fn assign(ctx: &Ctx, user_id: Uuid, role: &str, scope: &str) -> Result<(), ServiceError> {
    authorize(ctx, Operation::AssignRole, Scope::Global)?;
    let role =
        Role::parse(role).ok_or_else(|| ServiceError::field("role", FieldProblem::Malformed))?;
    let (mut process_id, platform_id) = parse_scope(scope)?;
    let txn = begin_write(&ctx.db).await?;
    let person = user::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("user"))?;
    let mut scope_label = String::new();
    if let Some(platform_id) = platform_id {
        let found = platform::Entity::find_by_id(platform_id)
            .one(&txn)
            .await?
            .ok_or_else(|| ServiceError::field("scope", FieldProblem::NotRecognized))?;
        process_id = Some(found.process_id);
        scope_label = format!(" · piattaforma «{}»", found.title);
    } else if let Some(id) = process_id {
        let found = process::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| ServiceError::field("scope", FieldProblem::NotRecognized))?;
        scope_label = format!(" · percorso «{}»", found.title);
    }
    match (role.is_scoped(), process_id.is_some()) {
        (true, false) => return Err(ServiceError::field("scope", FieldProblem::Empty)),
        (false, true) => return Err(ServiceError::field("scope", FieldProblem::Malformed)),
        _ => {}
    }
    let mut same = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(user_id))
        .filter(role_assignment::Column::Role.eq(role.as_str()));
    same = match process_id {
        Some(id) => same.filter(role_assignment::Column::ProcessId.eq(id)),
        None => same.filter(role_assignment::Column::ProcessId.is_null()),
    };
    same = match platform_id {
        Some(id) => same.filter(role_assignment::Column::PlatformId.eq(id)),
        None => same.filter(role_assignment::Column::PlatformId.is_null()),
    };
    if same.one(&txn).await?.is_some() {
        return Err(ServiceError::field("role", FieldProblem::AlreadyPresent));
    }
    role_assignment::Entity::insert(role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        role: Set(role.as_str().to_owned()),
        process_id: Set(process_id),
        platform_id: Set(platform_id),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        ctx,
        "role_assigned",
        Some(person.id),
        format!("{}{scope_label}", role.as_str()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes one role assignment. The last administrator cannot be removed.
pub async fn revoke(ctx: &Ctx, assignment_id: Uuid) -> Result<(), ServiceError> {
    authorize(ctx, Operation::RevokeRole, Scope::Global)?;
    let txn = begin_write(&ctx.db).await?;
    let found = role_assignment::Entity::find_by_id(assignment_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("role assignment"))?;
    if found.role == Role::Admin.as_str() && admin_count(&txn).await? <= 1 {
        return Err(ServiceError::field("role", FieldProblem::LastAdmin));
    }
    let views = role_views_of(&txn, &[found.user_id]).await?;
    let label = views
        .get(&found.user_id)
        .and_then(|v| v.iter().find(|r| r.id == found.id))
        .map(|r| {
            let mut label = r.role.as_str().to_owned();
            if let Some(platform) = &r.platform {
                label.push_str(&format!(" · piattaforma «{platform}»"));
            } else if let Some(process) = &r.process {
                label.push_str(&format!(" · percorso «{process}»"));
            }
            label
        })
        .unwrap_or_else(|| found.role.clone());
    role_assignment::Entity::delete_by_id(found.id)
        .exec(&txn)
        .await?;
    if found.role == Role::Verified.as_str() {
        // No longer verified: the proof goes too (a new code can verify again).
        residence_verification::Entity::delete_by_id(found.user_id)
            .exec(&txn)
            .await?;
    }
    audit::record(&txn, ctx, "role_revoked", Some(found.user_id), label).await?;
    txn.commit().await?;
    Ok(())
}
