//! Monitoring the approved plan: staff record progress on the objectives
//! linked to a process and on its projects (status, percent, a dated note,
//! indicator actuals per year); everyone reads the progress page; the
//! followers of the linked proposals are told.

use std::collections::{HashMap, HashSet};

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Value,
};
use uuid::Uuid;

use crate::model::PhaseKind;
use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::common::Refusal;
use crate::model::common::Visibility;
use crate::model::dup::{MonitoredItem, Monitoring, ProgressInput, format_number};
use crate::model::participation::NotificationKind;
use crate::service::common::authz::{Operation, Scope, authorize, permits};
use crate::service::common::db::begin_write;
use crate::service::common::db::statement;
use crate::service::dup::tree::{indicators_of, natural_key, progress_dto, put_value};
use crate::service::entity::{
    dup_edition, dup_indicator, dup_objective, dup_progress, process, project, proposal,
};
use crate::service::processes::lookup;
use crate::service::{Ctx, ServiceError, common::audit, notifications::inbox, processes::phases};

/// What progress is recorded on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Monitored {
    Objective(Uuid),
    Project(Uuid),
}

impl Monitored {
    /// `obiettivo:<id>` or `progetto:<id>`, as forms send it.
    pub fn key(self) -> String {
        match self {
            Monitored::Objective(id) => format!("obiettivo:{id}"),
            Monitored::Project(id) => format!("progetto:{id}"),
        }
    }

    /// Reads [`Monitored::key`].
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, id) = text.split_once(':')?;
        let id = Uuid::parse_str(id.trim()).ok()?;
        match kind {
            "obiettivo" => Some(Monitored::Objective(id)),
            "progetto" => Some(Monitored::Project(id)),
            _ => None,
        }
    }
}

/// Whether the process has reached monitoring (its plan is approved).
async fn monitoring_open(
    db: &impl ConnectionTrait,
    process_id: Uuid,
) -> Result<bool, ServiceError> {
    let state = phases::load(db, process_id).await?;
    Ok(state.current_kind() == Some(PhaseKind::Monitoring))
}

/// The objectives linked to the process's plan (through its proposals and
/// projects), in code order.
async fn linked_objectives(
    db: &impl ConnectionTrait,
    process: &process::Model,
) -> Result<Vec<dup_objective::Model>, ServiceError> {
    let Some(edition_id) = process.dup_edition_id else {
        return Ok(Vec::new());
    };
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            "SELECT DISTINCT l.objective_id FROM dup_links l \
             LEFT JOIN proposals p ON p.id = l.proposal_id \
             LEFT JOIN projects j ON j.id = l.project_id \
             WHERE (p.process_id = ? AND p.visibility = 'visibile' AND p.state <> 'withdrawn') \
             OR (j.process_id = ? AND j.dissolved_at IS NULL)",
            [Value::from(process.id), Value::from(process.id)],
        ))
        .await?;
    let objective_ids: Vec<Uuid> = rows
        .iter()
        .map(|row| row.try_get_by_index(0))
        .collect::<Result<_, _>>()?;
    let mut objectives = dup_objective::Entity::find()
        .filter(dup_objective::Column::Id.is_in(objective_ids))
        .filter(dup_objective::Column::EditionId.eq(edition_id))
        .all(db)
        .await?;
    objectives.sort_by_key(|o| natural_key(&o.code));
    Ok(objectives)
}

/// Records progress on an objective linked to the process, or on one of
/// its projects, once the process is in monitoring (staff, the process's
/// facilitators, administrators).
pub async fn record(
    ctx: &Ctx,
    process_slug: &str,
    target: Monitored,
    input: &ProgressInput,
) -> Result<Uuid, ServiceError> {
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    authorize(ctx, Operation::RecordProgress, Scope::Process(process.id))?;
    if !monitoring_open(&ctx.db, process.id).await? {
        return Err(ServiceError::Refused(Refusal::MonitoringClosed));
    }
    let (title, objective_id, project_id, proposals_told) = match target {
        Monitored::Objective(id) => {
            let objective = linked_objectives(&ctx.db, &process)
                .await?
                .into_iter()
                .find(|o| o.id == id)
                .ok_or_else(|| ServiceError::field("voce", FieldProblem::NotRecognized))?;
            // Followers of the visible proposals of this process linked to
            // it, and of the originals of its live projects linked to it.
            let rows = ctx
                .db
                .query_all_raw(statement(
                    ctx.db.get_database_backend(),
                    "SELECT p.id FROM dup_links l JOIN proposals p ON p.id = l.proposal_id \
                     WHERE l.objective_id = ? AND p.process_id = ? \
                     AND p.visibility = 'visibile' AND p.state <> 'withdrawn' \
                     UNION \
                     SELECT m.id FROM dup_links l JOIN projects j ON j.id = l.project_id \
                     JOIN proposals m ON m.project_id = j.id \
                     WHERE l.objective_id = ? AND j.process_id = ? \
                     AND j.dissolved_at IS NULL AND m.visibility = 'visibile'",
                    [
                        Value::from(id),
                        Value::from(process.id),
                        Value::from(id),
                        Value::from(process.id),
                    ],
                ))
                .await?;
            let told: Vec<Uuid> = rows
                .iter()
                .map(|row| row.try_get_by_index(0))
                .collect::<Result<_, _>>()?;
            (
                format!("{} {}", objective.code, objective.title),
                Some(id),
                None,
                told,
            )
        }
        Monitored::Project(id) => {
            let project = project::Entity::find_by_id(id)
                .one(&ctx.db)
                .await?
                .filter(|p| p.process_id == process.id && p.dissolved_at.is_none())
                .ok_or_else(|| ServiceError::field("voce", FieldProblem::NotRecognized))?;
            let originals: Vec<Uuid> = proposal::Entity::find()
                .select_only()
                .column(proposal::Column::Id)
                .filter(proposal::Column::ProjectId.eq(id))
                .filter(proposal::Column::Visibility.eq(Visibility::Visible.as_str()))
                .into_tuple()
                .all(&ctx.db)
                .await?;
            (project.title, None, Some(id), originals)
        }
    };
    // Indicator actuals must belong to the objective.
    if !input.actuals.is_empty() {
        let Some(objective_id) = objective_id else {
            return Err(ServiceError::field("valori", FieldProblem::NotRecognized));
        };
        let own: HashSet<Uuid> = dup_indicator::Entity::find()
            .select_only()
            .column(dup_indicator::Column::Id)
            .filter(dup_indicator::Column::ObjectiveId.eq(objective_id))
            .into_tuple::<Uuid>()
            .all(&ctx.db)
            .await?
            .into_iter()
            .collect();
        for (indicator, year, _) in &input.actuals {
            if !own.contains(indicator) || !(2000..=2100).contains(year) {
                return Err(ServiceError::field(
                    &format!("valore_{indicator}_{year}"),
                    FieldProblem::NotRecognized,
                ));
            }
        }
    }
    let txn = begin_write(&ctx.db).await?;
    let id = Uuid::now_v7();
    dup_progress::Entity::insert(dup_progress::ActiveModel {
        id: Set(id),
        objective_id: Set(objective_id),
        project_id: Set(project_id),
        status: Set(input.status.as_str().to_owned()),
        percent: Set(input.percent),
        note_md: Set((!input.note_md.is_empty()).then(|| input.note_md.clone())),
        recorded_by: Set(ctx.actor.person().map(|p| p.id)),
        recorded_on: Set(input.recorded_on),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(&txn)
    .await?;
    if !input.actuals.is_empty() {
        let ids: Vec<Uuid> = input.actuals.iter().map(|(i, _, _)| *i).collect();
        let current = indicators_of(&txn, &objective_id.into_iter().collect::<Vec<_>>()).await?;
        let targets: HashMap<(Uuid, i32), Option<f64>> = current
            .values()
            .flatten()
            .filter(|i| ids.contains(&i.id))
            .flat_map(|i| i.years.iter().map(move |y| ((i.id, y.year), y.target)))
            .collect();
        let actuals: HashMap<(Uuid, i32), Option<f64>> = current
            .values()
            .flatten()
            .flat_map(|i| i.years.iter().map(move |y| ((i.id, y.year), y.actual)))
            .collect();
        for (indicator, year, value) in &input.actuals {
            // Only what changed: a form shows every value, most untouched.
            if actuals.get(&(*indicator, *year)).copied().flatten() == Some(*value) {
                continue;
            }
            let target = targets.get(&(*indicator, *year)).copied().flatten();
            put_value(&txn, *indicator, *year, target, Some(*value)).await?;
        }
    }
    let detail = format!(
        "{title}: {}, {}%",
        match input.status {
            crate::model::dup::ProgressStatus::NotStarted => "non avviato",
            crate::model::dup::ProgressStatus::InProgress => "in corso",
            crate::model::dup::ProgressStatus::Completed => "completato",
            crate::model::dup::ProgressStatus::Cancelled => "annullato",
        },
        input.percent
    );
    inbox::progress_recorded(
        &txn,
        ctx,
        process.id,
        &proposals_told,
        NotificationKind::Progress,
        &detail,
    )
    .await?;
    audit::record(
        &txn,
        ctx,
        "dup.progress",
        None,
        format!(
            "{}: {detail}{}",
            target.key(),
            input
                .actuals
                .iter()
                .map(|(_, y, v)| format!(" · {y}: {}", format_number(*v)))
                .collect::<String>()
        ),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(id)
}

/// The public progress page of a process: the objectives linked to its
/// plan and its live projects, each with the latest record and indicators
/// (target against actual), and the timeline of every record.
pub async fn overview(ctx: &Ctx, process_slug: &str) -> Result<Monitoring, ServiceError> {
    authorize(ctx, Operation::ViewMonitoring, Scope::Global)?;
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    let open = monitoring_open(&ctx.db, process.id).await?;
    let objectives = linked_objectives(&ctx.db, &process).await?;
    let projects = project::Entity::find()
        .filter(project::Column::ProcessId.eq(process.id))
        .filter(project::Column::DissolvedAt.is_null())
        .order_by_asc(project::Column::Title)
        .all(&ctx.db)
        .await?;
    let objective_ids: Vec<Uuid> = objectives.iter().map(|o| o.id).collect();
    let project_ids: Vec<Uuid> = projects.iter().map(|p| p.id).collect();
    let mut indicators = indicators_of(&ctx.db, &objective_ids).await?;
    let records = dup_progress::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(dup_progress::Column::ObjectiveId.is_in(objective_ids))
                .add(dup_progress::Column::ProjectId.is_in(project_ids)),
        )
        .order_by_desc(dup_progress::Column::RecordedOn)
        .order_by_desc(dup_progress::Column::CreatedAt)
        .limit(500)
        .all(&ctx.db)
        .await?;
    let mut titles: HashMap<String, String> = HashMap::new();
    for o in &objectives {
        titles.insert(
            format!("obiettivo:{}", o.id),
            format!("{} {}", o.code, o.title),
        );
    }
    for p in &projects {
        titles.insert(format!("progetto:{}", p.id), p.title.clone());
    }
    let timeline: Vec<_> = records
        .into_iter()
        .filter_map(|r| {
            let key = match (r.objective_id, r.project_id) {
                (Some(id), _) => format!("obiettivo:{id}"),
                (None, Some(id)) => format!("progetto:{id}"),
                (None, None) => return None,
            };
            let title = titles.get(&key)?.clone();
            Some(progress_dto(r, title, key))
        })
        .collect();
    let latest = |key: &str| timeline.iter().find(|r| r.item_key == key).cloned();
    let mut items = Vec::new();
    for o in &objectives {
        let key = format!("obiettivo:{}", o.id);
        items.push(MonitoredItem {
            latest: latest(&key),
            title: o.title.clone(),
            code: Some(o.code.clone()),
            href: format!("/obiettivi/{}", o.id),
            indicators: indicators.remove(&o.id).unwrap_or_default(),
            key,
        });
    }
    for p in &projects {
        let key = format!("progetto:{}", p.id);
        items.push(MonitoredItem {
            latest: latest(&key),
            title: p.title.clone(),
            code: None,
            href: format!("/progetti/{}", p.id),
            indicators: Vec::new(),
            key,
        });
    }
    let edition = match process.dup_edition_id {
        Some(id) => dup_edition::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    Ok(Monitoring {
        process: NamedRef {
            key: process.slug.clone(),
            name: process.title.clone(),
        },
        edition: edition.map(|e| NamedRef {
            key: e.id.to_string(),
            name: format!("{} – {}", e.organization, e.title),
        }),
        items,
        timeline,
        can_record: open
            && permits(
                &ctx.actor,
                Operation::RecordProgress,
                Scope::Process(process.id),
            ),
        open,
        today: ctx.now.date_naive(),
    })
}
