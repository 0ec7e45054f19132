//! DUP editions: creating an edition, importing and exporting its tree (CSV
//! and JSON, see [`format`](super::format)), copying it into a new edition,
//! attaching it to a process, and an edition's page. The tree's rows are read
//! and written in [`tree`](super::tree); an objective's page is in
//! [`objectives`](super::objectives).
//!
//! An import is all or nothing: every line is checked first, and the
//! changes are written in one transaction. Items are matched by code, so
//! importing the same file twice changes nothing the second time; items
//! missing from the file are kept (links and monitoring may point to them).

use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Value,
};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::common::Refusal;
use crate::model::dup::{
    DupFormat, EditionDetail, EditionInput, EditionList, EditionSummary, ImportOutcome,
    ImportProblem, ImportResult, MissionNode, ObjectiveLevel, ObjectiveNode, ProgrammeNode,
};
use crate::service::common::authz::{Operation, Scope, authorize, permits};
use crate::service::common::db::begin_write;
use crate::service::common::db::statement;
use crate::service::dup::format::{self, DupTree, IndicatorRow};
use crate::service::dup::tree::{
    YearValues, find_edition, linkable_missions, load_tree, natural_key, put_resource, put_value,
    resources_of, values_of,
};
use crate::service::entity::{
    dup_edition, dup_indicator, dup_link, dup_mission, dup_objective, dup_programme, process,
};
use crate::service::{Ctx, ServiceError, common::audit};

/// Largest file an import accepts (bytes).
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

async fn summaries(
    ctx: &Ctx,
    editions: Vec<dup_edition::Model>,
) -> Result<Vec<EditionSummary>, ServiceError> {
    let ids: Vec<Uuid> = editions.iter().map(|e| e.id).collect();
    let counts: Vec<(Uuid, i64)> = dup_objective::Entity::find()
        .select_only()
        .column(dup_objective::Column::EditionId)
        .column_as(dup_objective::Column::Id.count(), "n")
        .filter(dup_objective::Column::EditionId.is_in(ids.clone()))
        .group_by(dup_objective::Column::EditionId)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let counts: HashMap<Uuid, i64> = counts.into_iter().collect();
    let attached = process::Entity::find()
        .filter(process::Column::DupEditionId.is_in(ids))
        .order_by_asc(process::Column::Title)
        .all(&ctx.db)
        .await?;
    Ok(editions
        .into_iter()
        .map(|e| EditionSummary {
            objective_count: counts.get(&e.id).copied().unwrap_or(0),
            processes: attached
                .iter()
                .filter(|p| p.dup_edition_id == Some(e.id))
                .map(|p| NamedRef {
                    key: p.slug.clone(),
                    name: p.title.clone(),
                })
                .collect(),
            id: e.id,
            organization: e.organization,
            title: e.title,
            first_year: e.first_year,
            last_year: e.last_year,
            simplified: e.simplified,
        })
        .collect())
}

/// Every edition, newest period first.
pub async fn editions(ctx: &Ctx) -> Result<EditionList, ServiceError> {
    authorize(ctx, Operation::ListDupEditions, Scope::Global)?;
    let editions = dup_edition::Entity::find()
        .order_by_desc(dup_edition::Column::FirstYear)
        .order_by_asc(dup_edition::Column::Organization)
        .order_by_desc(dup_edition::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    Ok(EditionList {
        editions: summaries(ctx, editions).await?,
        can_manage: permits(&ctx.actor, Operation::CreateDupEdition, Scope::Global),
    })
}

pub(crate) async fn insert_edition(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    input: &EditionInput,
    copied_from: Option<Uuid>,
) -> Result<Uuid, ServiceError> {
    let id = Uuid::now_v7();
    dup_edition::Entity::insert(dup_edition::ActiveModel {
        id: Set(id),
        organization: Set(input.organization.clone()),
        title: Set(input.title.clone()),
        first_year: Set(input.first_year),
        last_year: Set(input.last_year),
        simplified: Set(input.simplified),
        copied_from: Set(copied_from),
        created_at: Set(ctx.now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Creates an empty edition (administrators).
pub async fn create_edition(ctx: &Ctx, input: &EditionInput) -> Result<Uuid, ServiceError> {
    authorize(ctx, Operation::CreateDupEdition, Scope::Global)?;
    let txn = begin_write(&ctx.db).await?;
    let id = insert_edition(&txn, ctx, input, None).await?;
    audit::record(
        &txn,
        ctx,
        "dup.edition_created",
        None,
        format!("{} – {} ({id})", input.organization, input.title),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(id)
}

/// Imports a CSV or JSON file into an edition (administrators): everything
/// or nothing, matched by code.
pub async fn import(ctx: &Ctx, edition_id: Uuid, text: &str) -> Result<ImportResult, ServiceError> {
    authorize(ctx, Operation::ImportDup, Scope::Global)?;
    if text.len() > MAX_IMPORT_BYTES {
        return Err(ServiceError::field(
            "file",
            FieldProblem::TooLarge {
                max: MAX_IMPORT_BYTES / (1024 * 1024),
            },
        ));
    }
    if text.trim().is_empty() {
        return Err(ServiceError::field("file", FieldProblem::Empty));
    }
    let edition = find_edition(&ctx.db, edition_id).await?;
    let missions = linkable_missions(&ctx.db).await?;
    let parsed = match DupFormat::sniff(text) {
        DupFormat::Json => format::read_json(text, &missions, edition.simplified),
        DupFormat::Csv => format::read_csv(text, &missions, edition.simplified),
    };
    let tree = match parsed {
        Ok(tree) => tree,
        Err(problems) => return Ok(ImportResult::Rejected(problems)),
    };
    let txn = begin_write(&ctx.db).await?;
    let outcome = match write_tree(&txn, ctx, &edition, &tree).await? {
        Ok(outcome) => outcome,
        Err(problems) => {
            txn.rollback().await?;
            return Ok(ImportResult::Rejected(problems));
        }
    };
    audit::record(
        &txn,
        ctx,
        "dup.imported",
        None,
        format!(
            "{} ({}): {} nuovi, {} aggiornati, {} invariati",
            edition.title, edition.id, outcome.created, outcome.updated, outcome.unchanged
        ),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(ImportResult::Imported(outcome))
}

/// Writes a checked tree into an edition, matching by code. Refuses (with
/// the problems) a change of level that would break the existing tree.
pub(crate) async fn write_tree(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    edition: &dup_edition::Model,
    tree: &DupTree,
) -> Result<Result<ImportOutcome, Vec<ImportProblem>>, ServiceError> {
    let mut outcome = ImportOutcome::default();
    let mut count = |created: bool, changed: bool| {
        if created {
            outcome.created += 1;
        } else if changed {
            outcome.updated += 1;
        } else {
            outcome.unchanged += 1;
        }
    };
    // Programmes.
    let mut programmes: HashMap<(String, String), dup_programme::Model> =
        dup_programme::Entity::find()
            .filter(dup_programme::Column::EditionId.eq(edition.id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| ((p.mission_code.clone(), p.code.clone()), p))
            .collect();
    for row in &tree.programmes {
        let key = (row.mission.clone(), row.code.clone());
        match programmes.get(&key) {
            Some(existing) => {
                let changed = existing.title != row.title;
                if changed {
                    dup_programme::Entity::update_many()
                        .col_expr(dup_programme::Column::Title, Expr::value(row.title.clone()))
                        .filter(dup_programme::Column::Id.eq(existing.id))
                        .exec(db)
                        .await?;
                }
                count(false, changed);
            }
            None => {
                let model = dup_programme::Model {
                    id: Uuid::now_v7(),
                    edition_id: edition.id,
                    mission_code: row.mission.clone(),
                    code: row.code.clone(),
                    title: row.title.clone(),
                };
                dup_programme::Entity::insert(dup_programme::ActiveModel::from(model.clone()))
                    .exec_without_returning(db)
                    .await?;
                programmes.insert(key, model);
                count(true, false);
            }
        }
    }
    // Objectives: strategic first, so operational ones find their parent.
    let mut objectives: HashMap<String, dup_objective::Model> = dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(edition.id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.code.clone(), o))
        .collect();
    let mut problems = Vec::new();
    let level_problem = |code: &str, existing: &str| ImportProblem {
        line: None,
        place: format!("codice {code}"),
        message: format!(
            "Il codice «{code}» nell'edizione è un obiettivo {existing}: non può cambiare livello."
        ),
    };
    let strategic_level = ObjectiveLevel::Strategic.as_str();
    let operational_level = ObjectiveLevel::Operational.as_str();
    let mut resources = resources_of(db, edition.id).await?;
    struct Wanted<'a> {
        code: &'a str,
        level: &'static str,
        mission: &'a str,
        programme_id: Option<Uuid>,
        parent_id: Option<Uuid>,
        title: &'a str,
        description: &'a str,
        office: &'a str,
        /// The file's resources (operational objectives).
        resources: Option<&'a BTreeMap<i32, i64>>,
    }
    let mut wanted: Vec<Wanted> = Vec::new();
    for s in &tree.strategic {
        wanted.push(Wanted {
            code: &s.code,
            level: strategic_level,
            mission: &s.mission,
            programme_id: None,
            parent_id: None,
            title: &s.title,
            description: &s.description,
            office: "",
            resources: None,
        });
    }
    for stage in 0..2 {
        let batch: Vec<Wanted> = if stage == 0 {
            std::mem::take(&mut wanted)
        } else {
            tree.operational
                .iter()
                .map(|o| Wanted {
                    code: &o.code,
                    level: operational_level,
                    mission: &o.mission,
                    programme_id: programmes
                        .get(&(o.mission.clone(), o.programme.clone()))
                        .map(|p| p.id),
                    parent_id: o
                        .strategic
                        .as_ref()
                        .and_then(|code| objectives.get(code))
                        .map(|p| p.id),
                    title: &o.title,
                    description: &o.description,
                    office: &o.office,
                    resources: Some(&o.resources),
                })
                .collect()
        };
        for w in batch {
            match objectives.get(w.code) {
                Some(existing) if existing.level != w.level => {
                    let name = if existing.level == strategic_level {
                        "strategico"
                    } else {
                        "operativo"
                    };
                    problems.push(level_problem(w.code, name));
                }
                Some(existing) => {
                    let changed = existing.mission_code != w.mission
                        || existing.programme_id != w.programme_id
                        || existing.parent_id != w.parent_id
                        || existing.title != w.title
                        || existing.description_md != w.description
                        || existing.office != w.office
                        || w.resources.is_some_and(|wanted| {
                            resources.get(&existing.id).cloned().unwrap_or_default() != *wanted
                        });
                    if changed {
                        let mut updated = existing.clone();
                        updated.mission_code = w.mission.to_owned();
                        updated.programme_id = w.programme_id;
                        updated.parent_id = w.parent_id;
                        updated.title = w.title.to_owned();
                        updated.description_md = w.description.to_owned();
                        updated.office = w.office.to_owned();
                        updated.updated_at = ctx.now;
                        // `reset_all`: every column is written (a converted
                        // model is otherwise all "unchanged" and skipped).
                        dup_objective::Entity::update(
                            dup_objective::ActiveModel::from(updated.clone()).reset_all(),
                        )
                        .exec(db)
                        .await?;
                        objectives.insert(w.code.to_owned(), updated);
                    }
                    count(false, changed);
                }
                None => {
                    let model = dup_objective::Model {
                        id: Uuid::now_v7(),
                        edition_id: edition.id,
                        level: w.level.to_owned(),
                        code: w.code.to_owned(),
                        mission_code: w.mission.to_owned(),
                        programme_id: w.programme_id,
                        parent_id: w.parent_id,
                        title: w.title.to_owned(),
                        description_md: w.description.to_owned(),
                        office: w.office.to_owned(),
                        created_at: ctx.now,
                        updated_at: ctx.now,
                    };
                    dup_objective::Entity::insert(dup_objective::ActiveModel::from(model.clone()))
                        .exec_without_returning(db)
                        .await?;
                    objectives.insert(w.code.to_owned(), model);
                    count(true, false);
                }
            }
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    // Resources: the file's years replace the objective's.
    for o in &tree.operational {
        let Some(objective) = objectives.get(&o.code) else {
            continue;
        };
        let current = resources.remove(&objective.id).unwrap_or_default();
        if current == o.resources {
            continue;
        }
        db.execute_raw(statement(
            db.get_database_backend(),
            "DELETE FROM dup_resources WHERE objective_id = ?",
            [Value::from(objective.id)],
        ))
        .await?;
        for (year, cents) in &o.resources {
            put_resource(db, objective.id, *year, *cents).await?;
        }
    }
    // Indicators and their values: targets from the file; actuals from the
    // file where given, otherwise those recorded during monitoring stay.
    let mut indicators: HashMap<String, dup_indicator::Model> = dup_indicator::Entity::find()
        .filter(dup_indicator::Column::EditionId.eq(edition.id))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    let values = values_of(db, edition.id).await?;
    for row in &tree.indicators {
        let Some(objective) = objectives.get(&row.objective) else {
            continue;
        };
        match indicators.get(&row.code) {
            Some(existing) => {
                let changed = existing.objective_id != objective.id
                    || existing.name != row.name
                    || existing.unit != row.unit
                    || existing.baseline != row.baseline;
                if changed {
                    let mut updated = existing.clone();
                    updated.objective_id = objective.id;
                    updated.name = row.name.clone();
                    updated.unit = row.unit.clone();
                    updated.baseline = row.baseline;
                    dup_indicator::Entity::update(
                        dup_indicator::ActiveModel::from(updated).reset_all(),
                    )
                    .exec(db)
                    .await?;
                }
                let current = values.get(&existing.id).cloned().unwrap_or_default();
                let values_changed = write_values(db, existing.id, row, &current).await?;
                count(false, changed || values_changed);
            }
            None => {
                let model = dup_indicator::Model {
                    id: Uuid::now_v7(),
                    edition_id: edition.id,
                    objective_id: objective.id,
                    code: row.code.clone(),
                    name: row.name.clone(),
                    unit: row.unit.clone(),
                    baseline: row.baseline,
                };
                dup_indicator::Entity::insert(dup_indicator::ActiveModel::from(model.clone()))
                    .exec_without_returning(db)
                    .await?;
                write_values(db, model.id, row, &YearValues::new()).await?;
                count(true, false);
                indicators.insert(row.code.clone(), model);
            }
        }
    }
    Ok(Ok(outcome))
}

/// Writes an indicator's years from the file; says whether anything changed.
async fn write_values(
    db: &impl ConnectionTrait,
    indicator_id: Uuid,
    row: &IndicatorRow,
    current: &YearValues,
) -> Result<bool, ServiceError> {
    let years: std::collections::BTreeSet<i32> = row
        .targets
        .keys()
        .chain(row.actuals.keys())
        .chain(current.keys())
        .copied()
        .collect();
    let mut changed = false;
    for year in years {
        let (old_target, old_actual) = current.get(&year).copied().unwrap_or((None, None));
        let target = row.targets.get(&year).copied();
        let actual = row.actuals.get(&year).copied().or(old_actual);
        if target.is_none() && actual.is_none() {
            // The file dropped the year's target and nothing was measured.
            if current.contains_key(&year) {
                db.execute_raw(statement(
                    db.get_database_backend(),
                    "DELETE FROM dup_indicator_values WHERE indicator_id = ? AND year = ?",
                    [Value::from(indicator_id), Value::from(year)],
                ))
                .await?;
                changed = true;
            }
            continue;
        }
        if (target, actual) != (old_target, old_actual) {
            put_value(db, indicator_id, year, target, actual).await?;
            changed = true;
        }
    }
    Ok(changed)
}

/// An edition's tree as a file: `(file name, media type, content)`.
pub async fn export(
    ctx: &Ctx,
    edition_id: Uuid,
    format: DupFormat,
) -> Result<(String, &'static str, String), ServiceError> {
    authorize(ctx, Operation::ExportDup, Scope::Global)?;
    let edition = find_edition(&ctx.db, edition_id).await?;
    let tree = load_tree(&ctx.db, edition_id).await?;
    let stem: String = format!("dup-{}-{}", edition.first_year, edition.last_year);
    Ok(match format {
        DupFormat::Csv => (
            format!("{stem}.csv"),
            "text/csv; charset=utf-8",
            format::write_csv(&tree),
        ),
        DupFormat::Json => (
            format!("{stem}.json"),
            "application/json",
            format::write_json(&tree),
        ),
    })
}

/// Starts a new edition as a copy of `from`: programmes, objectives,
/// resources and indicators with their values (administrators).
pub async fn copy_edition(
    ctx: &Ctx,
    from: Uuid,
    input: &EditionInput,
) -> Result<Uuid, ServiceError> {
    authorize(ctx, Operation::CopyDupEdition, Scope::Global)?;
    let source = find_edition(&ctx.db, from).await?;
    if source.simplified && !input.simplified {
        // A simplified tree has no strategic objectives for an ordinary one.
        return Err(ServiceError::field("semplificato", FieldProblem::Malformed));
    }
    let tree = load_tree(&ctx.db, from).await?;
    let txn = begin_write(&ctx.db).await?;
    let id = insert_edition(&txn, ctx, input, Some(from)).await?;
    let mut tree = tree;
    if input.simplified && !source.simplified {
        tree.strategic.clear();
        for o in &mut tree.operational {
            o.strategic = None;
        }
    }
    let edition = find_edition(&txn, id).await?;
    if let Err(problems) = write_tree(&txn, ctx, &edition, &tree).await? {
        txn.rollback().await?;
        let message = problems
            .into_iter()
            .map(|p| p.message)
            .next()
            .unwrap_or_default();
        tracing::warn!(%message, "copy of a DUP edition refused");
        return Err(ServiceError::field("edizione", FieldProblem::Malformed));
    }
    audit::record(
        &txn,
        ctx,
        "dup.edition_copied",
        None,
        format!("{} → {} ({id})", source.title, input.title),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(id)
}

/// Says which edition a process's plan informs (`None` detaches it).
pub async fn attach(
    ctx: &Ctx,
    process_slug: &str,
    edition_id: Option<Uuid>,
) -> Result<(), ServiceError> {
    let process = crate::service::processes::lookup::find_by_slug(ctx, process_slug).await?;
    authorize(ctx, Operation::AttachDupEdition, Scope::Process(process.id))?;
    // An edition is one organization's legal document: only that
    // organization's processes may plan and monitor against it.
    if let Some(id) = edition_id {
        let edition = find_edition(&ctx.db, id).await?;
        if !same_organization(&edition.organization, &process.organization) {
            return Err(ServiceError::Refused(Refusal::EditionOfAnotherOrganization));
        }
    }
    let txn = begin_write(&ctx.db).await?;
    process::Entity::update_many()
        .col_expr(process::Column::DupEditionId, Expr::value(edition_id))
        .filter(process::Column::Id.eq(process.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        ctx,
        "dup.attached",
        None,
        format!(
            "{}: {}",
            process.slug,
            edition_id.map_or("nessuna edizione".to_owned(), |id| id.to_string())
        ),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// Whether two organization names are the same (case and spacing aside).
fn same_organization(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// An edition with its tree, missions in order.
pub async fn edition(ctx: &Ctx, edition_id: Uuid) -> Result<EditionDetail, ServiceError> {
    authorize(ctx, Operation::ViewDupEdition, Scope::Global)?;
    let edition = find_edition(&ctx.db, edition_id).await?;
    let missions = dup_mission::Entity::find()
        .filter(dup_mission::Column::Technical.eq(false))
        .order_by_asc(dup_mission::Column::Code)
        .all(&ctx.db)
        .await?;
    let programmes = dup_programme::Entity::find()
        .filter(dup_programme::Column::EditionId.eq(edition_id))
        .order_by_asc(dup_programme::Column::Code)
        .all(&ctx.db)
        .await?;
    let mut objectives = dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(edition_id))
        .all(&ctx.db)
        .await?;
    objectives.sort_by_key(|o| natural_key(&o.code));
    let link_counts: Vec<(Uuid, i64)> = dup_link::Entity::find()
        .select_only()
        .column(dup_link::Column::ObjectiveId)
        .column_as(dup_link::Column::Id.count(), "n")
        .filter(
            dup_link::Column::ObjectiveId
                .is_in(objectives.iter().map(|o| o.id).collect::<Vec<_>>()),
        )
        .group_by(dup_link::Column::ObjectiveId)
        .into_tuple()
        .all(&ctx.db)
        .await?;
    let link_counts: HashMap<Uuid, i64> = link_counts.into_iter().collect();
    let code_by_id: HashMap<Uuid, String> =
        objectives.iter().map(|o| (o.id, o.code.clone())).collect();
    let node = |o: &dup_objective::Model| ObjectiveNode {
        id: o.id,
        code: o.code.clone(),
        level: ObjectiveLevel::parse(&o.level).unwrap_or(ObjectiveLevel::Operational),
        title: o.title.clone(),
        parent_code: o.parent_id.and_then(|id| code_by_id.get(&id).cloned()),
        office: o.office.clone(),
        link_count: link_counts.get(&o.id).copied().unwrap_or(0),
    };
    let tree = missions
        .into_iter()
        .map(|m| MissionNode {
            strategic: objectives
                .iter()
                .filter(|o| {
                    o.mission_code == m.code && o.level == ObjectiveLevel::Strategic.as_str()
                })
                .map(node)
                .collect(),
            programmes: programmes
                .iter()
                .filter(|p| p.mission_code == m.code)
                .map(|p| ProgrammeNode {
                    code: p.code.clone(),
                    title: p.title.clone(),
                    objectives: objectives
                        .iter()
                        .filter(|o| o.programme_id == Some(p.id))
                        .map(node)
                        .collect(),
                })
                .collect(),
            code: m.code,
            title: m.name,
        })
        .filter(|m: &MissionNode| !m.strategic.is_empty() || !m.programmes.is_empty())
        .collect();
    let processes = process::Entity::find()
        .order_by_asc(process::Column::Title)
        .all(&ctx.db)
        .await?;
    let attachable = processes
        .iter()
        .filter(|p| {
            permits(
                &ctx.actor,
                Operation::AttachDupEdition,
                Scope::Process(p.id),
            )
        })
        .map(|p| NamedRef {
            key: p.slug.clone(),
            name: p.title.clone(),
        })
        .collect();
    let summary = summaries(ctx, vec![edition])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound("dup edition"))?;
    Ok(EditionDetail {
        summary,
        missions: tree,
        can_manage: permits(&ctx.actor, Operation::ImportDup, Scope::Global),
        attachable,
    })
}
