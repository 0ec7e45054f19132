//! Setting up a process: administrators create it; its facilitators edit its
//! description, phases (adding and removing only those not started, so what
//! is open never changes behind people's backs), strategic directions,
//! platforms and zones, and choose who facilitates each platform. Every
//! change goes to the administrators' action log.

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::facilitation::{
    EditablePhase, EditableTopic, PhaseInput, PlatformFacilitator, ProcessEditor, ProcessInput,
    TopicInput,
};
use crate::model::{PhaseKind, Role};
use crate::service::common::authz::{Operation, Scope, authorize};
use crate::service::common::db::begin_write;
use crate::service::entity::{
    phase, platform, process, role_assignment, strategic_direction, user, zone,
};
use crate::service::processes::lookup::find_by_slug;
use crate::service::processes::phases::{self, ProcessPhases};
use crate::service::{Ctx, ServiceError, common::audit};

/// Which list of a process a topic belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopicKind {
    Direction,
    Platform,
    Zone,
}

impl TopicKind {
    /// Reads the form value (`direzione`, `piattaforma`, `zona`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "direzione" => Some(Self::Direction),
            "piattaforma" => Some(Self::Platform),
            "zona" => Some(Self::Zone),
            _ => None,
        }
    }
}

fn taken(field: &'static str) -> ServiceError {
    ServiceError::field(field, FieldProblem::AlreadyPresent)
}

/// An administrator creates a process (with no phases yet). Returns its slug.
pub async fn create_process(ctx: &Ctx, input: &ProcessInput) -> Result<String, ServiceError> {
    authorize(ctx, Operation::CreateProcess, Scope::Global)?;
    if process::Entity::find()
        .filter(process::Column::Slug.eq(&input.slug))
        .one(&ctx.db)
        .await?
        .is_some()
    {
        return Err(taken("slug"));
    }
    let txn = begin_write(&ctx.db).await?;
    process::Entity::insert(process::ActiveModel {
        id: Set(Uuid::now_v7()),
        slug: Set(input.slug.clone()),
        title: Set(input.title.clone()),
        organization: Set(input.organization.clone()),
        scope: Set(input.scope.clone()),
        summary: Set(input.summary.clone()),
        description_md: Set(input.description_md.clone()),
        is_demo: Set(false),
        created_at: Set(ctx.now),
        updated_at: Set(ctx.now),
        ..Default::default()
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(&txn, ctx, "percorso.creato", None, input.slug.clone()).await?;
    txn.commit().await?;
    Ok(input.slug.clone())
}

/// Facilitators of the process change its description (the slug stays:
/// links to it must keep working).
pub async fn update_process(
    ctx: &Ctx,
    slug: &str,
    input: &ProcessInput,
) -> Result<(), ServiceError> {
    let found = find_by_slug(ctx, slug).await?;
    authorize(ctx, Operation::EditProcess, Scope::Process(found.id))?;
    let txn = begin_write(&ctx.db).await?;
    process::Entity::update_many()
        .col_expr(process::Column::Title, Expr::value(input.title.as_str()))
        .col_expr(
            process::Column::Organization,
            Expr::value(input.organization.as_str()),
        )
        .col_expr(process::Column::Scope, Expr::value(input.scope.as_str()))
        .col_expr(
            process::Column::Summary,
            Expr::value(input.summary.as_str()),
        )
        .col_expr(
            process::Column::DescriptionMd,
            Expr::value(input.description_md.as_str()),
        )
        .col_expr(process::Column::UpdatedAt, Expr::value(ctx.now))
        .filter(process::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    audit::record(&txn, ctx, "percorso.modificato", None, found.slug.clone()).await?;
    txn.commit().await?;
    Ok(())
}

/// Whether the phase at `index` has not started yet.
fn upcoming(state: &ProcessPhases, index: usize) -> bool {
    let cursor = state.cursor();
    index > cursor.cursor || (index == cursor.cursor && !cursor.open)
}

/// Refuses dates that overlap the phases before or after.
fn check_neighbours(
    phases: &[phase::Model],
    index: usize,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
) -> Result<(), ServiceError> {
    if let Some(before) = index.checked_sub(1).and_then(|i| phases.get(i))
        && starts_on <= before.ends_on
    {
        return Err(ServiceError::field("inizio", FieldProblem::Malformed));
    }
    if let Some(after) = phases.get(index + 1)
        && ends_on >= after.starts_on
    {
        return Err(ServiceError::field("fine", FieldProblem::Malformed));
    }
    Ok(())
}

/// Adds a phase at the end (`phase_id` none) or changes one. The kind of a
/// phase that started cannot change; dates may not overlap its neighbours.
pub async fn save_phase(
    ctx: &Ctx,
    slug: &str,
    phase_id: Option<Uuid>,
    input: &PhaseInput,
) -> Result<(), ServiceError> {
    let found = find_by_slug(ctx, slug).await?;
    authorize(ctx, Operation::SavePhase, Scope::Process(found.id))?;
    let state = phases::load(&ctx.db, found.id).await?;
    let txn = begin_write(&ctx.db).await?;
    match phase_id {
        None => {
            if state.phases.len() >= 20 {
                return Err(ServiceError::field(
                    "fasi",
                    FieldProblem::TooLong { max: 20 },
                ));
            }
            let index = state.phases.len();
            let mut all = state.phases.clone();
            all.push(phase::Model {
                id: Uuid::nil(),
                process_id: found.id,
                position: 0,
                kind: String::new(),
                title: String::new(),
                description_md: String::new(),
                starts_on: input.starts_on,
                ends_on: input.ends_on,
                supports_per_platform: None,
                support_counts_visible: true,
            });
            check_neighbours(&all, index, input.starts_on, input.ends_on)?;
            let position = state.phases.last().map_or(1, |p| p.position + 1);
            phase::Entity::insert(phase::ActiveModel {
                id: Set(Uuid::now_v7()),
                process_id: Set(found.id),
                position: Set(position),
                kind: Set(input.kind.as_str().to_owned()),
                title: Set(input.title.clone()),
                description_md: Set(input.description_md.clone()),
                starts_on: Set(input.starts_on),
                ends_on: Set(input.ends_on),
                supports_per_platform: Set(None),
                support_counts_visible: Set(true),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        Some(id) => {
            let index = state
                .phases
                .iter()
                .position(|p| p.id == id)
                .ok_or(ServiceError::NotFound("phase"))?;
            let current = &state.phases[index];
            if current.kind != input.kind.as_str() && !upcoming(&state, index) {
                return Err(ServiceError::field("tipo", FieldProblem::NotRecognized));
            }
            check_neighbours(&state.phases, index, input.starts_on, input.ends_on)?;
            phase::Entity::update_many()
                .col_expr(phase::Column::Kind, Expr::value(input.kind.as_str()))
                .col_expr(phase::Column::Title, Expr::value(input.title.as_str()))
                .col_expr(
                    phase::Column::DescriptionMd,
                    Expr::value(input.description_md.as_str()),
                )
                .col_expr(phase::Column::StartsOn, Expr::value(input.starts_on))
                .col_expr(phase::Column::EndsOn, Expr::value(input.ends_on))
                .filter(phase::Column::Id.eq(id))
                .exec(&txn)
                .await?;
        }
    }
    audit::record(
        &txn,
        ctx,
        "fase.salvata",
        None,
        format!(
            "{}: «{}» ({}, {} → {})",
            found.slug,
            input.title,
            input.kind.as_str(),
            input.starts_on,
            input.ends_on
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a phase that has not started.
pub async fn delete_phase(ctx: &Ctx, slug: &str, phase_id: Uuid) -> Result<(), ServiceError> {
    let found = find_by_slug(ctx, slug).await?;
    authorize(ctx, Operation::DeletePhase, Scope::Process(found.id))?;
    let state = phases::load(&ctx.db, found.id).await?;
    let index = state
        .phases
        .iter()
        .position(|p| p.id == phase_id)
        .ok_or(ServiceError::NotFound("phase"))?;
    if !upcoming(&state, index) {
        return Err(ServiceError::field("fase", FieldProblem::NotRecognized));
    }
    let txn = begin_write(&ctx.db).await?;
    phase::Entity::delete_by_id(phase_id).exec(&txn).await?;
    audit::record(
        &txn,
        ctx,
        "fase.eliminata",
        None,
        format!("{}: «{}»", found.slug, state.phases[index].title),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Adds (`topic_id` none) or changes a strategic direction, platform or zone.
pub async fn save_topic(
    ctx: &Ctx,
    slug: &str,
    kind: TopicKind,
    topic_id: Option<Uuid>,
    input: &TopicInput,
) -> Result<(), ServiceError> {
    let found = find_by_slug(ctx, slug).await?;
    authorize(ctx, Operation::SaveTopic, Scope::Process(found.id))?;
    let txn = begin_write(&ctx.db).await?;
    let key = input.key.as_str();
    match kind {
        TopicKind::Direction => {
            let clash = strategic_direction::Entity::find()
                .filter(strategic_direction::Column::ProcessId.eq(found.id))
                .filter(strategic_direction::Column::Code.eq(key))
                .one(&txn)
                .await?;
            if clash.is_some_and(|c| Some(c.id) != topic_id) {
                return Err(taken("codice"));
            }
            match topic_id {
                None => {
                    let position = strategic_direction::Entity::find()
                        .filter(strategic_direction::Column::ProcessId.eq(found.id))
                        .order_by_desc(strategic_direction::Column::Position)
                        .one(&txn)
                        .await?
                        .map_or(1, |d| d.position + 1);
                    strategic_direction::Entity::insert(strategic_direction::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        process_id: Set(found.id),
                        position: Set(position),
                        code: Set(key.to_owned()),
                        title: Set(input.title.clone()),
                        motto: Set(input.motto.clone()),
                        description_md: Set(input.description_md.clone()),
                    })
                    .exec_without_returning(&txn)
                    .await?;
                }
                Some(id) => {
                    let changed = strategic_direction::Entity::update_many()
                        .col_expr(strategic_direction::Column::Code, Expr::value(key))
                        .col_expr(
                            strategic_direction::Column::Title,
                            Expr::value(input.title.as_str()),
                        )
                        .col_expr(
                            strategic_direction::Column::Motto,
                            Expr::value(input.motto.as_str()),
                        )
                        .col_expr(
                            strategic_direction::Column::DescriptionMd,
                            Expr::value(input.description_md.as_str()),
                        )
                        .filter(strategic_direction::Column::Id.eq(id))
                        .filter(strategic_direction::Column::ProcessId.eq(found.id))
                        .exec(&txn)
                        .await?
                        .rows_affected;
                    if changed == 0 {
                        return Err(ServiceError::NotFound("direction"));
                    }
                }
            }
        }
        TopicKind::Platform => {
            let clash = platform::Entity::find()
                .filter(platform::Column::ProcessId.eq(found.id))
                .filter(platform::Column::Slug.eq(key))
                .one(&txn)
                .await?;
            if clash.is_some_and(|c| Some(c.id) != topic_id) {
                return Err(taken("slug"));
            }
            let direction_id = match &input.direction {
                None => None,
                Some(code) => Some(
                    strategic_direction::Entity::find()
                        .filter(strategic_direction::Column::ProcessId.eq(found.id))
                        .filter(strategic_direction::Column::Code.eq(code.as_str()))
                        .one(&txn)
                        .await?
                        .ok_or_else(|| {
                            ServiceError::field("direzione", FieldProblem::NotRecognized)
                        })?
                        .id,
                ),
            };
            match topic_id {
                None => {
                    let position = platform::Entity::find()
                        .filter(platform::Column::ProcessId.eq(found.id))
                        .order_by_desc(platform::Column::Position)
                        .one(&txn)
                        .await?
                        .map_or(1, |p| p.position + 1);
                    platform::Entity::insert(platform::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        process_id: Set(found.id),
                        position: Set(position),
                        slug: Set(key.to_owned()),
                        title: Set(input.title.clone()),
                        description_md: Set(input.description_md.clone()),
                        direction_id: Set(direction_id),
                    })
                    .exec_without_returning(&txn)
                    .await?;
                }
                Some(id) => {
                    let changed = platform::Entity::update_many()
                        .col_expr(platform::Column::Slug, Expr::value(key))
                        .col_expr(platform::Column::Title, Expr::value(input.title.as_str()))
                        .col_expr(
                            platform::Column::DescriptionMd,
                            Expr::value(input.description_md.as_str()),
                        )
                        .col_expr(platform::Column::DirectionId, Expr::value(direction_id))
                        .filter(platform::Column::Id.eq(id))
                        .filter(platform::Column::ProcessId.eq(found.id))
                        .exec(&txn)
                        .await?
                        .rows_affected;
                    if changed == 0 {
                        return Err(ServiceError::NotFound("platform"));
                    }
                }
            }
        }
        TopicKind::Zone => {
            let clash = zone::Entity::find()
                .filter(zone::Column::ProcessId.eq(found.id))
                .filter(zone::Column::Slug.eq(key))
                .one(&txn)
                .await?;
            if clash.is_some_and(|c| Some(c.id) != topic_id) {
                return Err(taken("slug"));
            }
            match topic_id {
                None => {
                    let position = zone::Entity::find()
                        .filter(zone::Column::ProcessId.eq(found.id))
                        .order_by_desc(zone::Column::Position)
                        .one(&txn)
                        .await?
                        .map_or(1, |z| z.position + 1);
                    zone::Entity::insert(zone::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        process_id: Set(found.id),
                        position: Set(position),
                        slug: Set(key.to_owned()),
                        name: Set(input.title.clone()),
                        description: Set(input.description_md.clone()),
                    })
                    .exec_without_returning(&txn)
                    .await?;
                }
                Some(id) => {
                    let changed = zone::Entity::update_many()
                        .col_expr(zone::Column::Slug, Expr::value(key))
                        .col_expr(zone::Column::Name, Expr::value(input.title.as_str()))
                        .col_expr(
                            zone::Column::Description,
                            Expr::value(input.description_md.as_str()),
                        )
                        .filter(zone::Column::Id.eq(id))
                        .filter(zone::Column::ProcessId.eq(found.id))
                        .exec(&txn)
                        .await?
                        .rows_affected;
                    if changed == 0 {
                        return Err(ServiceError::NotFound("zone"));
                    }
                }
            }
        }
    }
    audit::record(
        &txn,
        ctx,
        "percorso.voce_salvata",
        None,
        format!("{}: {kind:?} {key} «{}»", found.slug, input.title),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Makes the person with `email` a facilitator of one platform of the process.
pub async fn assign_facilitator(
    ctx: &Ctx,
    slug: &str,
    platform_slug: &str,
    email: &str,
) -> Result<(), ServiceError> {
    let found = find_by_slug(ctx, slug).await?;
    authorize(
        ctx,
        Operation::AssignPlatformFacilitator,
        Scope::Process(found.id),
    )?;
    let platform = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(found.id))
        .filter(platform::Column::Slug.eq(platform_slug.trim()))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| ServiceError::field("piattaforma", FieldProblem::NotRecognized))?;
    let email = crate::model::accounts::EmailAddress::parse(email)
        .map_err(|problem| ServiceError::field("email", problem))?;
    let person = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| ServiceError::field("email", FieldProblem::NotRecognized))?;
    let txn = begin_write(&ctx.db).await?;
    let already = role_assignment::Entity::find()
        .filter(role_assignment::Column::UserId.eq(person.id))
        .filter(role_assignment::Column::Role.eq(Role::Facilitator.as_str()))
        .filter(role_assignment::Column::PlatformId.eq(platform.id))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(ServiceError::field("email", FieldProblem::AlreadyPresent));
    }
    role_assignment::Entity::insert(role_assignment::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(person.id),
        role: Set(Role::Facilitator.as_str().to_owned()),
        process_id: Set(Some(found.id)),
        platform_id: Set(Some(platform.id)),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(&txn)
    .await?;
    audit::record(
        &txn,
        ctx,
        "role_assigned",
        Some(person.id),
        format!("facilitator · piattaforma «{}»", platform.title),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a platform facilitator of the process.
pub async fn remove_facilitator(
    ctx: &Ctx,
    slug: &str,
    assignment_id: Uuid,
) -> Result<(), ServiceError> {
    let found = find_by_slug(ctx, slug).await?;
    authorize(
        ctx,
        Operation::RemovePlatformFacilitator,
        Scope::Process(found.id),
    )?;
    let assignment = role_assignment::Entity::find_by_id(assignment_id)
        .one(&ctx.db)
        .await?
        .filter(|a| a.process_id == Some(found.id) && a.platform_id.is_some())
        .ok_or(ServiceError::NotFound("role assignment"))?;
    let txn = begin_write(&ctx.db).await?;
    role_assignment::Entity::delete_by_id(assignment.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        ctx,
        "role_revoked",
        Some(assignment.user_id),
        format!("facilitator · piattaforma di {}", found.slug),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Everything the process editor shows.
pub async fn editor(ctx: &Ctx, slug: &str) -> Result<ProcessEditor, ServiceError> {
    let found = find_by_slug(ctx, slug).await?;
    authorize(ctx, Operation::ViewProcessEditor, Scope::Process(found.id))?;
    let state = phases::load(&ctx.db, found.id).await?;
    let directions = strategic_direction::Entity::find()
        .filter(strategic_direction::Column::ProcessId.eq(found.id))
        .order_by_asc(strategic_direction::Column::Position)
        .all(&ctx.db)
        .await?;
    let platforms = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(found.id))
        .order_by_asc(platform::Column::Position)
        .all(&ctx.db)
        .await?;
    let zones = zone::Entity::find()
        .filter(zone::Column::ProcessId.eq(found.id))
        .order_by_asc(zone::Column::Position)
        .all(&ctx.db)
        .await?;
    let assignments = role_assignment::Entity::find()
        .filter(role_assignment::Column::ProcessId.eq(found.id))
        .filter(role_assignment::Column::PlatformId.is_not_null())
        .all(&ctx.db)
        .await?;
    let people: std::collections::HashMap<Uuid, user::Model> = if assignments.is_empty() {
        Default::default()
    } else {
        user::Entity::find()
            .filter(user::Column::Id.is_in(assignments.iter().map(|a| a.user_id)))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect()
    };
    let code_of = |id: Option<Uuid>| {
        id.and_then(|id| directions.iter().find(|d| d.id == id))
            .map(|d| d.code.clone())
    };
    Ok(ProcessEditor {
        process: ProcessInput {
            slug: found.slug.clone(),
            title: found.title.clone(),
            organization: found.organization.clone(),
            scope: found.scope.clone(),
            summary: found.summary.clone(),
            description_md: found.description_md.clone(),
        },
        phases: state
            .phases
            .iter()
            .enumerate()
            .map(|(i, p)| EditablePhase {
                id: p.id,
                kind: PhaseKind::parse(&p.kind).unwrap_or(PhaseKind::Information),
                title: p.title.clone(),
                description_md: p.description_md.clone(),
                starts_on: p.starts_on,
                ends_on: p.ends_on,
                upcoming: upcoming(&state, i),
            })
            .collect(),
        directions: directions
            .iter()
            .map(|d| EditableTopic {
                id: d.id,
                key: d.code.clone(),
                title: d.title.clone(),
                motto: d.motto.clone(),
                description_md: d.description_md.clone(),
                direction: None,
            })
            .collect(),
        platforms: platforms
            .iter()
            .map(|p| EditableTopic {
                id: p.id,
                key: p.slug.clone(),
                title: p.title.clone(),
                motto: String::new(),
                description_md: p.description_md.clone(),
                direction: code_of(p.direction_id),
            })
            .collect(),
        zones: zones
            .iter()
            .map(|z| EditableTopic {
                id: z.id,
                key: z.slug.clone(),
                title: z.name.clone(),
                motto: String::new(),
                description_md: z.description.clone(),
                direction: None,
            })
            .collect(),
        facilitators: assignments
            .iter()
            .filter_map(|a| {
                let person = people.get(&a.user_id)?;
                let platform = platforms.iter().find(|p| Some(p.id) == a.platform_id)?;
                Some(PlatformFacilitator {
                    assignment_id: a.id,
                    name: person.display_name.clone(),
                    email: person.email.clone(),
                    platform: NamedRef {
                        key: platform.slug.clone(),
                        name: platform.title.clone(),
                    },
                })
            })
            .collect(),
    })
}
