//! The final plan of a process: facilitators compose it and save versions
//! (each kept whole, never changed), anyone reads and compares them, and the
//! council records its approval of one version, once.
//!
//! A version is a snapshot: the composition typed by the facilitators and
//! the document it produced from the process (sections per strategic
//! direction and platform, projects and accepted proposals with their
//! supporters, zones, answers, partners and DUP objectives, and the
//! participation figures). Editing a project afterwards changes the next
//! version, not the saved ones, so an approved plan reads as approved.

use crate::service::accounts::people;
use crate::service::common::db::begin_write;
use std::collections::{BTreeSet, HashMap};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, SqlErr, Value,
};
use uuid::Uuid;

use crate::model::PhaseKind;
use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::common::ProposalState;
use crate::model::common::Refusal;
use crate::model::common::Visibility;
use crate::model::facilitation::AgreementKind;
use crate::model::plan::{
    ApprovalInput, ApprovalView, ApprovingBody, ComposerSection, DiffHunk, DiffLine, LineChange,
    ParticipationFigures, PlanComposer, PlanComposition, PlanDiff, PlanDocument, PlanEntry,
    PlanEntryKind, PlanInput, PlanObjective, PlanOverview, PlanPlatformSection, PlanSection,
    PlanVersionSummary, PlanVersionView, ZoneFigures,
};
use crate::service::common::authz::{Operation, Scope, authorize, permits};
use crate::service::common::db::statement;
use crate::service::dup::tree::natural_key;
use crate::service::entity::{
    dup_edition, plan_approval, plan_version, platform, process, project, proposal,
    strategic_direction, zone,
};
use crate::service::processes::lookup;
use crate::service::{Ctx, ServiceError, common::audit, plan::render, processes::phases};

/// Lines of unchanged text kept around each change in a comparison.
const DIFF_CONTEXT: usize = 3;

/// The section key of a direction (`None`: the platforms without one).
fn direction_key(code: Option<&str>) -> String {
    format!("d:{}", code.unwrap_or(""))
}

/// The section key of a platform.
fn platform_key(slug: &str) -> String {
    format!("p:{slug}")
}

/// The plan page: versions newest first, the approval, and the version shown.
pub async fn overview(ctx: &Ctx, process_slug: &str) -> Result<PlanOverview, ServiceError> {
    authorize(ctx, Operation::ViewPlan, Scope::Global)?;
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    let versions = summaries(&ctx.db, process.id).await?;
    let approval = approval_of(&ctx.db, process.id).await?;
    let shown_number = approval
        .as_ref()
        .map(|a| a.version)
        .or_else(|| versions.first().map(|v| v.number));
    let shown = match shown_number {
        Some(number) => Some(version_view(&ctx.db, &process, number, approval.clone()).await?),
        None => None,
    };
    let in_approval =
        phases::load(&ctx.db, process.id).await?.current_kind() == Some(PhaseKind::Approval);
    let may_approve = permits(
        &ctx.actor,
        Operation::ApprovePlan,
        Scope::Process(process.id),
    );
    Ok(PlanOverview {
        process: NamedRef {
            key: process.slug.clone(),
            name: process.title.clone(),
        },
        can_compose: permits(
            &ctx.actor,
            Operation::SavePlanVersion,
            Scope::Process(process.id),
        ),
        can_approve: may_approve && in_approval && approval.is_none() && !versions.is_empty(),
        approval_closed: may_approve && !in_approval && approval.is_none(),
        versions,
        approval,
        shown,
    })
}

/// One saved version, whole.
pub async fn version(
    ctx: &Ctx,
    process_slug: &str,
    number: i32,
) -> Result<PlanVersionView, ServiceError> {
    authorize(ctx, Operation::ViewPlanVersion, Scope::Global)?;
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    let approval = approval_of(&ctx.db, process.id).await?;
    let mut view = version_view(&ctx.db, &process, number, approval).await?;
    if permits(
        &ctx.actor,
        Operation::RedactPlanVersion,
        Scope::Process(process.id),
    ) {
        view.redactable =
            crate::service::plan::redaction::redactable(&ctx.db, &view.document).await?;
    }
    Ok(view)
}

/// Two versions compared line by line on their Markdown text.
pub async fn compare(
    ctx: &Ctx,
    process_slug: &str,
    from: i32,
    to: i32,
) -> Result<PlanDiff, ServiceError> {
    authorize(ctx, Operation::ComparePlanVersions, Scope::Global)?;
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    let approval = approval_of(&ctx.db, process.id).await?;
    let old = version_view(&ctx.db, &process, from, approval.clone())
        .await
        .map_err(|e| match e {
            ServiceError::NotFound(_) => ServiceError::field("da", FieldProblem::NotRecognized),
            other => other,
        })?;
    let new = version_view(&ctx.db, &process, to, approval.clone())
        .await
        .map_err(|e| match e {
            ServiceError::NotFound(_) => ServiceError::field("a", FieldProblem::NotRecognized),
            other => other,
        })?;
    let old_text = render::markdown(&old.document, old.approval.as_ref());
    let new_text = render::markdown(&new.document, new.approval.as_ref());
    let (hunks, added, removed) = line_diff(&old_text, &new_text);
    let mut numbers: Vec<i32> = summaries(&ctx.db, process.id)
        .await?
        .into_iter()
        .map(|v| v.number)
        .collect();
    numbers.sort_unstable();
    Ok(PlanDiff {
        process: NamedRef {
            key: process.slug,
            name: process.title,
        },
        from: old.summary,
        to: new.summary,
        added,
        removed,
        hunks,
        versions: numbers,
    })
}

/// The composition form: the newest version's texts and order over the
/// sections the process has today.
pub async fn composer(ctx: &Ctx, process_slug: &str) -> Result<PlanComposer, ServiceError> {
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    authorize(ctx, Operation::ComposePlan, Scope::Process(process.id))?;
    let latest = plan_version::Entity::find()
        .filter(plan_version::Column::ProcessId.eq(process.id))
        .order_by_desc(plan_version::Column::Number)
        .one(&ctx.db)
        .await?;
    let composition: PlanComposition = latest
        .as_ref()
        .and_then(|v| serde_json::from_str(&v.composition_json).ok())
        .unwrap_or_default();
    let document = assemble(&ctx.db, &process, &composition, false).await?;
    let mut sections = Vec::new();
    for section in &document.sections {
        sections.push(ComposerSection {
            key: section.key.clone(),
            label: section.title.clone(),
            is_platform: false,
            position: composition.section(&section.key).map(|s| s.position),
            text_md: section.text_md.clone(),
            entries: section
                .platforms
                .iter()
                .map(|p| p.entries.len() as i64)
                .sum(),
        });
        for platform in &section.platforms {
            sections.push(ComposerSection {
                key: platform.key.clone(),
                label: platform.title.clone(),
                is_platform: true,
                position: composition.section(&platform.key).map(|s| s.position),
                text_md: platform.text_md.clone(),
                entries: platform.entries.len() as i64,
            });
        }
    }
    let approved_version = approval_of(&ctx.db, process.id).await?.map(|a| a.version);
    Ok(PlanComposer {
        process: NamedRef {
            key: process.slug,
            name: process.title,
        },
        based_on: latest.map(|v| v.number),
        introduction_md: composition.introduction_md,
        closing_md: composition.closing_md,
        sections,
        approved_version,
    })
}

/// Saves a new version from the composition and today's data; returns its
/// number. An approved version is never changed: this always adds one.
pub async fn save(ctx: &Ctx, process_slug: &str, input: &PlanInput) -> Result<i32, ServiceError> {
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    authorize(ctx, Operation::SavePlanVersion, Scope::Process(process.id))?;
    let person = ctx.actor.person().map(|p| p.id);
    // Two facilitators saving at once: the unique (process, number) index
    // refuses the second number; take the next one and try again.
    for _ in 0..5 {
        let txn = begin_write(&ctx.db).await?;
        let latest: Option<i32> = plan_version::Entity::find()
            .select_only()
            .column_as(plan_version::Column::Number.max(), "n")
            .filter(plan_version::Column::ProcessId.eq(process.id))
            .into_tuple::<Option<i32>>()
            .one(&txn)
            .await?
            .flatten();
        let number = latest.unwrap_or(0) + 1;
        let mut document = assemble(&txn, &process, &input.composition, true).await?;
        document.version = number;
        document.saved_at = ctx.now;
        let inserted = plan_version::Entity::insert(plan_version::ActiveModel {
            id: Set(Uuid::now_v7()),
            process_id: Set(process.id),
            number: Set(number),
            note: Set(input.note.clone()),
            composition_json: Set(serde_json::to_string(&input.composition)
                .map_err(|e| broken(format!("plan composition: {e}")))?),
            document_json: Set(serde_json::to_string(&document)
                .map_err(|e| broken(format!("plan document: {e}")))?),
            created_by: Set(person),
            created_at: Set(ctx.now),
        })
        .exec_without_returning(&txn)
        .await;
        match inserted {
            Ok(_) => {}
            Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                txn.rollback().await?;
                continue;
            }
            Err(error) => return Err(error.into()),
        }
        audit::record(
            &txn,
            ctx,
            "plan.version_saved",
            None,
            format!("{}: versione {number}", process.slug),
        )
        .await?;
        txn.commit().await?;
        return Ok(number);
    }
    Err(broken(
        "plan version: the number kept being taken".to_owned(),
    ))
}

/// Records the council's (or giunta's) approval of one version, in the
/// approval phase, once per process.
pub async fn approve(
    ctx: &Ctx,
    process_slug: &str,
    input: &ApprovalInput,
) -> Result<ApprovalView, ServiceError> {
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    authorize(ctx, Operation::ApprovePlan, Scope::Process(process.id))?;
    if let Some(existing) = approval_of(&ctx.db, process.id).await? {
        return Err(ServiceError::Refused(Refusal::PlanAlreadyApproved {
            version: existing.version,
        }));
    }
    if phases::load(&ctx.db, process.id).await?.current_kind() != Some(PhaseKind::Approval) {
        return Err(ServiceError::Refused(Refusal::ApprovalClosed));
    }
    let version = plan_version::Entity::find()
        .filter(plan_version::Column::ProcessId.eq(process.id))
        .filter(plan_version::Column::Number.eq(input.version))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| ServiceError::field("versione", FieldProblem::NotRecognized))?;
    let txn = begin_write(&ctx.db).await?;
    let inserted = plan_approval::Entity::insert(plan_approval::ActiveModel {
        id: Set(Uuid::now_v7()),
        process_id: Set(process.id),
        version_id: Set(version.id),
        body: Set(input.body.as_str().to_owned()),
        resolution_number: Set(input.resolution_number.clone()),
        resolution_date: Set(input.resolution_date),
        recorded_by: Set(ctx.actor.person().map(|p| p.id)),
        recorded_at: Set(ctx.now),
    })
    .exec_without_returning(&txn)
    .await;
    if let Err(error) = inserted {
        // Someone approved meanwhile: the unique index said so.
        if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
            txn.rollback().await?;
            let existing = approval_of(&ctx.db, process.id).await?;
            return Err(ServiceError::Refused(Refusal::PlanAlreadyApproved {
                version: existing.map(|a| a.version).unwrap_or(input.version),
            }));
        }
        return Err(error.into());
    }
    audit::record(
        &txn,
        ctx,
        "plan.approved",
        None,
        format!(
            "{}: versione {} approvata ({} n. {} del {})",
            process.slug,
            version.number,
            input.body.label_it(),
            input.resolution_number,
            input.resolution_date
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(ApprovalView {
        version: version.number,
        body: input.body,
        resolution_number: input.resolution_number.clone(),
        resolution_date: input.resolution_date,
        recorded_at: ctx.now,
    })
}

/// A version's id, number, note, author and time, as listed.
type VersionRow = (
    Uuid,
    i32,
    String,
    Option<Uuid>,
    chrono::DateTime<chrono::Utc>,
);

/// The versions of a process, newest first.
async fn summaries(
    db: &impl ConnectionTrait,
    process_id: Uuid,
) -> Result<Vec<PlanVersionSummary>, ServiceError> {
    let rows: Vec<VersionRow> = plan_version::Entity::find()
        .select_only()
        .column(plan_version::Column::Id)
        .column(plan_version::Column::Number)
        .column(plan_version::Column::Note)
        .column(plan_version::Column::CreatedBy)
        .column(plan_version::Column::CreatedAt)
        .filter(plan_version::Column::ProcessId.eq(process_id))
        .order_by_desc(plan_version::Column::Number)
        .into_tuple()
        .all(db)
        .await?;
    let approved: Option<Uuid> = plan_approval::Entity::find()
        .filter(plan_approval::Column::ProcessId.eq(process_id))
        .one(db)
        .await?
        .map(|a| a.version_id);
    let names = people::display_names(db, rows.iter().filter_map(|r| r.3)).await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, note, by, at)| PlanVersionSummary {
            number,
            note,
            saved_by: by.and_then(|id| names.get(&id).cloned()),
            saved_at: at,
            approved: approved == Some(id),
        })
        .collect())
}

async fn approval_of(
    db: &impl ConnectionTrait,
    process_id: Uuid,
) -> Result<Option<ApprovalView>, ServiceError> {
    let Some(row) = plan_approval::Entity::find()
        .filter(plan_approval::Column::ProcessId.eq(process_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let number = plan_version::Entity::find_by_id(row.version_id)
        .one(db)
        .await?
        .map(|v| v.number)
        .unwrap_or(0);
    Ok(Some(ApprovalView {
        version: number,
        body: ApprovingBody::parse(&row.body).unwrap_or(ApprovingBody::Council),
        resolution_number: row.resolution_number,
        resolution_date: row.resolution_date,
        recorded_at: row.recorded_at,
    }))
}

async fn version_view(
    db: &impl ConnectionTrait,
    process: &process::Model,
    number: i32,
    approval: Option<ApprovalView>,
) -> Result<PlanVersionView, ServiceError> {
    let row = plan_version::Entity::find()
        .filter(plan_version::Column::ProcessId.eq(process.id))
        .filter(plan_version::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("plan version"))?;
    let document: PlanDocument = serde_json::from_str(&row.document_json)
        .map_err(|e| broken(format!("plan version {number}: {e}")))?;
    let names = people::display_names(db, row.created_by).await?;
    let approval = approval.filter(|a| a.version == number);
    Ok(PlanVersionView {
        summary: PlanVersionSummary {
            number,
            note: row.note,
            saved_by: row.created_by.and_then(|id| names.get(&id).cloned()),
            saved_at: row.created_at,
            approved: approval.is_some(),
        },
        html: render::html_body(&document, approval.as_ref()),
        document,
        approval,
        redactable: Vec::new(),
    })
}

/// The changed lines of `new` against `old`, with context, and how many
/// lines were added and removed.
fn line_diff(old: &str, new: &str) -> (Vec<DiffHunk>, usize, usize) {
    let diff = similar::TextDiff::from_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    let mut hunks = Vec::new();
    for group in diff.grouped_ops(DIFF_CONTEXT) {
        let Some(first) = group.first() else { continue };
        let mut lines = Vec::new();
        for op in &group {
            for change in diff.iter_changes(op) {
                let kind = match change.tag() {
                    similar::ChangeTag::Equal => LineChange::Same,
                    similar::ChangeTag::Insert => {
                        added += 1;
                        LineChange::Added
                    }
                    similar::ChangeTag::Delete => {
                        removed += 1;
                        LineChange::Removed
                    }
                };
                lines.push(DiffLine {
                    change: kind,
                    text: change.value().trim_end_matches('\n').to_owned(),
                });
            }
        }
        hunks.push(DiffHunk {
            old_start: first.old_range().start + 1,
            new_start: first.new_range().start + 1,
            lines,
        });
    }
    (hunks, added, removed)
}

/// Builds the plan of `process` from its data and a composition. With
/// `figures`, also counts the participation (saving); the form does not need it.
async fn assemble(
    db: &impl ConnectionTrait,
    process: &process::Model,
    composition: &PlanComposition,
    figures: bool,
) -> Result<PlanDocument, ServiceError> {
    let backend = db.get_database_backend();
    let counts_hidden = phases::load(db, process.id).await?.counts_hidden();
    let directions = strategic_direction::Entity::find()
        .filter(strategic_direction::Column::ProcessId.eq(process.id))
        .order_by_asc(strategic_direction::Column::Position)
        .all(db)
        .await?;
    let platforms = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .order_by_asc(platform::Column::Position)
        .all(db)
        .await?;
    let zones: HashMap<Uuid, String> = zone::Entity::find()
        .filter(zone::Column::ProcessId.eq(process.id))
        .all(db)
        .await?
        .into_iter()
        .map(|z| (z.id, z.name))
        .collect();
    let projects = project::Entity::find()
        .filter(project::Column::ProcessId.eq(process.id))
        .filter(project::Column::DissolvedAt.is_null())
        .order_by_asc(project::Column::CreatedAt)
        .all(db)
        .await?;
    // Accepted proposals standing on their own, and the originals of projects.
    let proposals_in_plan = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible.as_str()))
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(proposal::Column::State.eq(ProposalState::Accepted.as_str()))
                        .add(proposal::Column::ProjectId.is_null()),
                )
                .add(proposal::Column::ProjectId.is_not_null()),
        )
        .order_by_asc(proposal::Column::PublishedAt)
        .all(db)
        .await?;
    let project_supporters: HashMap<Uuid, i64> = db
        .query_all_raw(statement(
            backend,
            "SELECT p.project_id, CAST(COUNT(DISTINCT s.user_id) + \
             SUM(CASE WHEN s.user_id IS NULL THEN 1 ELSE 0 END) AS BIGINT) \
             FROM supports s JOIN proposals p ON p.id = s.proposal_id \
             WHERE p.process_id = ? AND p.project_id IS NOT NULL GROUP BY p.project_id",
            [Value::from(process.id)],
        ))
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
        .collect::<Result<_, sea_orm::DbErr>>()?;
    let mut objectives: HashMap<Uuid, Vec<PlanObjective>> = HashMap::new();
    for row in db
        .query_all_raw(statement(
            backend,
            "SELECT COALESCE(l.proposal_id, l.project_id), o.id, o.code, o.mission_code, o.title \
             FROM dup_links l JOIN dup_objectives o ON o.id = l.objective_id \
             LEFT JOIN proposals p ON p.id = l.proposal_id \
             LEFT JOIN projects j ON j.id = l.project_id \
             WHERE p.process_id = ? OR j.process_id = ?",
            [Value::from(process.id), Value::from(process.id)],
        ))
        .await?
    {
        let item: Uuid = row.try_get_by_index(0)?;
        objectives.entry(item).or_default().push(PlanObjective {
            id: row.try_get_by_index(1)?,
            code: row.try_get_by_index(2)?,
            mission_code: row.try_get_by_index(3)?,
            title: row.try_get_by_index(4)?,
        });
    }
    for list in objectives.values_mut() {
        list.sort_by_key(|o| natural_key(&o.code));
        list.dedup_by_key(|o| o.id);
    }

    let mut originals: HashMap<Uuid, Vec<&proposal::Model>> = HashMap::new();
    let mut entries: HashMap<Uuid, Vec<PlanEntry>> = HashMap::new();
    for p in &proposals_in_plan {
        match p.project_id {
            Some(project) => originals.entry(project).or_default().push(p),
            None => entries.entry(p.platform_id).or_default().push(PlanEntry {
                kind: PlanEntryKind::Proposal,
                id: p.id,
                title: p.title.clone(),
                description_md: p.body_md.clone(),
                supporters: (!counts_hidden).then_some(i64::from(p.support_count)),
                zones: p
                    .zone_id
                    .and_then(|z| zones.get(&z).cloned())
                    .into_iter()
                    .collect(),
                answer_md: p.answer_md.clone().filter(|a| !a.trim().is_empty()),
                partners: Vec::new(),
                agreement: None,
                originals: Vec::new(),
                objectives: objectives.get(&p.id).cloned().unwrap_or_default(),
            }),
        }
    }
    let mut project_entries: HashMap<Uuid, Vec<PlanEntry>> = HashMap::new();
    for j in &projects {
        let members = originals.get(&j.id).map(Vec::as_slice).unwrap_or_default();
        let zone_names: BTreeSet<String> = members
            .iter()
            .filter_map(|p| p.zone_id.and_then(|z| zones.get(&z).cloned()))
            .collect();
        let agreement = AgreementKind::parse(&j.agreement)
            .filter(|a| *a != AgreementKind::None)
            .map(|a| agreement_label(a).to_owned());
        project_entries
            .entry(j.platform_id)
            .or_default()
            .push(PlanEntry {
                kind: PlanEntryKind::Project,
                id: j.id,
                title: j.title.clone(),
                description_md: j.description_md.clone(),
                supporters: (!counts_hidden)
                    .then(|| project_supporters.get(&j.id).copied().unwrap_or(0)),
                zones: zone_names.into_iter().collect(),
                answer_md: None,
                partners: j
                    .partners
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                agreement,
                originals: members.iter().map(|p| p.title.clone()).collect(),
                objectives: objectives.get(&j.id).cloned().unwrap_or_default(),
            });
    }

    // Platforms under their direction; positions typed by the facilitators
    // first, then the process's own order.
    let position = |key: &str, natural: usize| {
        (
            composition
                .section(key)
                .map(|s| s.position)
                .unwrap_or(i32::MAX),
            natural,
        )
    };
    let text = |key: &str| {
        composition
            .section(key)
            .map(|s| s.text_md.clone())
            .unwrap_or_default()
    };
    let mut sections: Vec<((i32, usize), PlanSection)> = Vec::new();
    let direction_ids: Vec<Option<&strategic_direction::Model>> = directions
        .iter()
        .map(Some)
        .chain(std::iter::once(None))
        .collect();
    for (d_index, direction) in direction_ids.into_iter().enumerate() {
        let key = direction_key(direction.map(|d| d.code.as_str()));
        let mut platform_sections: Vec<((i32, usize), PlanPlatformSection)> = Vec::new();
        for (p_index, p) in platforms
            .iter()
            .enumerate()
            .filter(|(_, p)| p.direction_id == direction.map(|d| d.id))
        {
            let mut list = project_entries.remove(&p.id).unwrap_or_default();
            list.sort_by(|a, b| b.supporters.cmp(&a.supporters).then(a.title.cmp(&b.title)));
            let mut accepted = entries.remove(&p.id).unwrap_or_default();
            accepted.sort_by(|a, b| b.supporters.cmp(&a.supporters).then(a.title.cmp(&b.title)));
            list.extend(accepted);
            let p_key = platform_key(&p.slug);
            let p_text = text(&p_key);
            if list.is_empty() && p_text.is_empty() {
                continue;
            }
            platform_sections.push((
                position(&p_key, p_index),
                PlanPlatformSection {
                    title: p.title.clone(),
                    text_md: p_text,
                    entries: list,
                    key: p_key,
                },
            ));
        }
        let d_text = text(&key);
        if platform_sections.is_empty() && d_text.is_empty() {
            continue;
        }
        platform_sections.sort_by_key(|(order, _)| *order);
        sections.push((
            position(&key, d_index),
            PlanSection {
                title: direction
                    .map(|d| d.title.clone())
                    .unwrap_or_else(|| "Altre piattaforme".to_owned()),
                text_md: d_text,
                platforms: platform_sections.into_iter().map(|(_, p)| p).collect(),
                key,
            },
        ));
    }
    sections.sort_by_key(|(order, _)| *order);

    let dup_edition = match process.dup_edition_id {
        Some(id) => dup_edition::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|e| e.title),
        None => None,
    };
    let figures = if figures {
        participation_figures(db, process.id, counts_hidden).await?
    } else {
        ParticipationFigures::default()
    };
    Ok(PlanDocument {
        process: NamedRef {
            key: process.slug.clone(),
            name: process.title.clone(),
        },
        dup_edition,
        version: 0,
        saved_at: process.updated_at,
        introduction_md: composition.introduction_md.clone(),
        closing_md: composition.closing_md.clone(),
        figures,
        sections: sections.into_iter().map(|(_, s)| s).collect(),
        redactions: Vec::new(),
    })
}

/// How many took part and how, in four grouped queries.
async fn participation_figures(
    db: &impl ConnectionTrait,
    process_id: Uuid,
    counts_hidden: bool,
) -> Result<ParticipationFigures, ServiceError> {
    let backend = db.get_database_backend();
    let visible = Visibility::Visible.as_str();
    let one = |sql: &str, values: Vec<Value>| statement(backend, sql, values);
    let row = db
        .query_one_raw(one(
            "SELECT COUNT(*), CAST(COALESCE(SUM(comment_count), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN assisted_by IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM proposals WHERE process_id = ? AND visibility = ?",
            vec![process_id.into(), visible.into()],
        ))
        .await?
        .ok_or_else(|| broken("plan figures: no row".to_owned()))?;
    let proposals: i64 = row.try_get_by_index(0)?;
    let comments: i64 = number(&row, 1)?;
    let assisted_proposals: i64 = number(&row, 2)?;
    let row = db
        .query_one_raw(one(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN s.assisted_by IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM supports s JOIN proposals p ON p.id = s.proposal_id \
             WHERE p.process_id = ? AND p.visibility = ?",
            vec![process_id.into(), visible.into()],
        ))
        .await?
        .ok_or_else(|| broken("plan figures: no row".to_owned()))?;
    let supports: i64 = row.try_get_by_index(0)?;
    let assisted_supports: i64 = number(&row, 1)?;
    let participants: i64 = db
        .query_one_raw(one(
            "SELECT COUNT(*) FROM (\
             SELECT author_id AS person FROM proposals WHERE process_id = ? AND author_id IS NOT NULL \
             UNION SELECT c.author_id FROM comments c JOIN proposals p ON p.id = c.proposal_id \
             WHERE p.process_id = ? AND c.author_id IS NOT NULL \
             UNION SELECT s.user_id FROM supports s JOIN proposals p ON p.id = s.proposal_id \
             WHERE p.process_id = ? AND s.user_id IS NOT NULL) people",
            vec![process_id.into(), process_id.into(), process_id.into()],
        ))
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    let per_zone: HashMap<Option<Uuid>, (i64, i64)> = db
        .query_all_raw(one(
            "SELECT zone_id, COUNT(*), CAST(COALESCE(SUM(support_count), 0) AS BIGINT) FROM proposals \
             WHERE process_id = ? AND visibility = ? GROUP BY zone_id",
            vec![process_id.into(), visible.into()],
        ))
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get_by_index(0)?, (row.try_get_by_index(1)?, number(&row, 2)?))))
        .collect::<Result<_, ServiceError>>()?;
    let mut zones = Vec::new();
    for z in zone::Entity::find()
        .filter(zone::Column::ProcessId.eq(process_id))
        .order_by_asc(zone::Column::Position)
        .all(db)
        .await?
    {
        let (proposals, supports) = per_zone.get(&Some(z.id)).copied().unwrap_or((0, 0));
        zones.push(ZoneFigures {
            zone: z.name,
            proposals,
            supports,
        });
    }
    if let Some((proposals, supports)) = per_zone.get(&None).copied() {
        zones.push(ZoneFigures {
            zone: "Senza zona".to_owned(),
            proposals,
            supports,
        });
    }
    if counts_hidden {
        for z in &mut zones {
            z.supports = 0;
        }
    }
    Ok(ParticipationFigures {
        participants,
        proposals,
        comments,
        supports: (!counts_hidden).then_some(supports),
        assisted_proposals,
        assisted_supports: if counts_hidden { 0 } else { assisted_supports },
        zones,
    })
}

/// A whole number from a row (sums are cast to BIGINT in the queries, so
/// PostgreSQL and SQLite answer alike).
fn number(row: &sea_orm::QueryResult, index: usize) -> Result<i64, ServiceError> {
    Ok(row.try_get_by_index::<i64>(index)?)
}

/// A failure that is not the user's: logged, answered without details.
fn broken(what: String) -> ServiceError {
    tracing::error!("{what}");
    ServiceError::Database(sea_orm::DbErr::Custom(what))
}

/// The agreement's name in the plan (Italian, as in the resolution).
fn agreement_label(kind: AgreementKind) -> &'static str {
    match kind {
        AgreementKind::None => "nessuno",
        AgreementKind::MemorandumOfUnderstanding => "Protocollo d'intesa",
        AgreementKind::Convention => "Convenzione",
        AgreementKind::ProgramAgreement => "Accordo di programma",
        AgreementKind::Other => "Altro accordo",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_counts_and_places_its_changes() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nl\nm\nn\no\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nl\nm\nn\no\nk\n";
        let (hunks, added, removed) = line_diff(old, new);
        assert_eq!((added, removed), (2, 1));
        assert_eq!(hunks.len(), 2, "two changes far apart make two hunks");
        assert_eq!(hunks[0].old_start, 1);
        assert!(
            hunks[0]
                .lines
                .iter()
                .any(|l| l.change == LineChange::Removed && l.text == "d")
        );
        assert!(
            hunks[0]
                .lines
                .iter()
                .any(|l| l.change == LineChange::Added && l.text == "D")
        );
        assert_eq!(hunks[1].lines.last().map(|l| l.text.as_str()), Some("k"));
        assert_eq!(line_diff(old, old), (Vec::new(), 0, 0));
    }

    #[test]
    fn section_keys_match_the_form() {
        assert!(crate::model::plan::is_section_key(&direction_key(Some(
            "AGILE"
        ))));
        assert!(crate::model::plan::is_section_key(&direction_key(None)));
        assert!(crate::model::plan::is_section_key(&platform_key(
            "mobilita"
        )));
    }
}
