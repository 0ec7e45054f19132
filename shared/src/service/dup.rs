//! DUP editions and their tree: creating an edition, importing and
//! exporting it (CSV and JSON, see [`dup_format`]), copying it into a new
//! edition, attaching it to a process, and the objective pages.
//!
//! An import is all or nothing: every line is checked first, and the
//! changes are written in one transaction. Items are matched by code, so
//! importing the same file twice changes nothing the second time; items
//! missing from the file are kept (links and monitoring may point to them).

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait, Value,
};
use uuid::Uuid;

use super::authz::{Operation, Scope, authorize, permits};
use super::db::statement;
use super::dup_format::{self, DupTree, IndicatorRow, OperationalRow, ProgrammeRow, StrategicRow};
use super::entity::{
    dup_edition, dup_indicator, dup_link, dup_mission, dup_objective, dup_programme, dup_progress,
    process, project, proposal,
};
use super::{Ctx, ServiceError, audit, markdown, phases, projects, proposals};
use crate::model::account::FieldProblem;
use crate::model::dup::{
    DupFormat, EditionDetail, EditionInput, EditionList, EditionSummary, ImportOutcome,
    ImportProblem, ImportResult, IndicatorDto, IndicatorYear, LinkDto, MissionNode,
    ObjectiveDetail, ObjectiveLevel, ObjectiveNode, ObjectiveRef, PlanItem, ProgrammeNode,
    ProgressDto, ProgressStatus, ResourceYear,
};
use crate::model::facilitation::Visibility;
use crate::model::process::NamedRef;

/// Largest file an import accepts (bytes).
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

pub(crate) async fn find_edition(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<dup_edition::Model, ServiceError> {
    dup_edition::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("dup edition"))
}

/// The mission codes citizens may link to (technical ones left out).
async fn linkable_missions(db: &impl ConnectionTrait) -> Result<HashSet<String>, ServiceError> {
    let codes: Vec<String> = dup_mission::Entity::find()
        .select_only()
        .column(dup_mission::Column::Code)
        .filter(dup_mission::Column::Technical.eq(false))
        .into_tuple()
        .all(db)
        .await?;
    Ok(codes.into_iter().collect())
}

pub(crate) fn objective_ref(o: &dup_objective::Model) -> ObjectiveRef {
    ObjectiveRef {
        id: o.id,
        code: o.code.clone(),
        title: o.title.clone(),
        mission_code: o.mission_code.clone(),
        level: ObjectiveLevel::parse(&o.level).unwrap_or(ObjectiveLevel::Operational),
    }
}

/// Orders codes the way people read them: `SeO-2` before `SeO-10`.
pub(crate) fn natural_key(code: &str) -> Vec<(String, u64)> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut number = String::new();
    for c in code.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else {
            if !number.is_empty() || !text.is_empty() && c == '.' {
                parts.push((std::mem::take(&mut text), number.parse().unwrap_or(0)));
                number.clear();
            }
            text.push(c);
        }
    }
    parts.push((text, number.parse().unwrap_or(0)));
    parts
}

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

async fn insert_edition(
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
    let txn = ctx.db.begin().await?;
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
    Ok(id)
}

/// An edition's whole tree as the exchange format holds it.
pub(crate) async fn load_tree(
    db: &impl ConnectionTrait,
    edition_id: Uuid,
) -> Result<DupTree, ServiceError> {
    let programmes = dup_programme::Entity::find()
        .filter(dup_programme::Column::EditionId.eq(edition_id))
        .all(db)
        .await?;
    let mut objectives = dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(edition_id))
        .all(db)
        .await?;
    objectives.sort_by_key(|o| natural_key(&o.code));
    let mut indicators = dup_indicator::Entity::find()
        .filter(dup_indicator::Column::EditionId.eq(edition_id))
        .all(db)
        .await?;
    indicators.sort_by_key(|i| natural_key(&i.code));
    let resources = resources_of(db, edition_id).await?;
    let values = values_of(db, edition_id).await?;
    let programme_by_id: HashMap<Uuid, &dup_programme::Model> =
        programmes.iter().map(|p| (p.id, p)).collect();
    let code_by_id: HashMap<Uuid, String> =
        objectives.iter().map(|o| (o.id, o.code.clone())).collect();
    let mut tree = DupTree::default();
    let mut sorted_programmes: Vec<&dup_programme::Model> = programmes.iter().collect();
    sorted_programmes.sort_by(|a, b| (&a.mission_code, &a.code).cmp(&(&b.mission_code, &b.code)));
    tree.programmes = sorted_programmes
        .into_iter()
        .map(|p| ProgrammeRow {
            mission: p.mission_code.clone(),
            code: p.code.clone(),
            title: p.title.clone(),
        })
        .collect();
    for o in &objectives {
        match ObjectiveLevel::parse(&o.level) {
            Some(ObjectiveLevel::Strategic) => tree.strategic.push(StrategicRow {
                code: o.code.clone(),
                mission: o.mission_code.clone(),
                title: o.title.clone(),
                description: o.description_md.clone(),
            }),
            _ => tree.operational.push(OperationalRow {
                code: o.code.clone(),
                mission: o.mission_code.clone(),
                programme: o
                    .programme_id
                    .and_then(|id| programme_by_id.get(&id))
                    .map(|p| p.code.clone())
                    .unwrap_or_default(),
                strategic: o.parent_id.and_then(|id| code_by_id.get(&id).cloned()),
                title: o.title.clone(),
                description: o.description_md.clone(),
                office: o.office.clone(),
                resources: resources.get(&o.id).cloned().unwrap_or_default(),
            }),
        }
    }
    for i in &indicators {
        let years = values.get(&i.id).cloned().unwrap_or_default();
        tree.indicators.push(IndicatorRow {
            code: i.code.clone(),
            objective: code_by_id.get(&i.objective_id).cloned().unwrap_or_default(),
            name: i.name.clone(),
            unit: i.unit.clone(),
            baseline: i.baseline,
            targets: years
                .iter()
                .filter_map(|(y, (t, _))| t.map(|t| (*y, t)))
                .collect(),
            actuals: years
                .iter()
                .filter_map(|(y, (_, a))| a.map(|a| (*y, a)))
                .collect(),
        });
    }
    Ok(tree)
}

/// Resources per objective of an edition: year → cents.
async fn resources_of(
    db: &impl ConnectionTrait,
    edition_id: Uuid,
) -> Result<HashMap<Uuid, BTreeMap<i32, i64>>, ServiceError> {
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            "SELECT r.objective_id, r.year, r.cents FROM dup_resources r \
             JOIN dup_objectives o ON o.id = r.objective_id WHERE o.edition_id = ?",
            [Value::from(edition_id)],
        ))
        .await?;
    let mut map: HashMap<Uuid, BTreeMap<i32, i64>> = HashMap::new();
    for row in rows {
        let id: Uuid = row.try_get_by_index(0)?;
        let year: i32 = row.try_get_by_index(1)?;
        let cents: i64 = row.try_get_by_index(2)?;
        map.entry(id).or_default().insert(year, cents);
    }
    Ok(map)
}

type YearValues = BTreeMap<i32, (Option<f64>, Option<f64>)>;

/// Target and actual per year of every indicator of an edition.
async fn values_of(
    db: &impl ConnectionTrait,
    edition_id: Uuid,
) -> Result<HashMap<Uuid, YearValues>, ServiceError> {
    let rows = db
        .query_all_raw(statement(
            db.get_database_backend(),
            "SELECT v.indicator_id, v.year, v.target, v.actual FROM dup_indicator_values v \
             JOIN dup_indicators i ON i.id = v.indicator_id WHERE i.edition_id = ?",
            [Value::from(edition_id)],
        ))
        .await?;
    let mut map: HashMap<Uuid, YearValues> = HashMap::new();
    for row in rows {
        let id: Uuid = row.try_get_by_index(0)?;
        let year: i32 = row.try_get_by_index(1)?;
        let target: Option<f64> = row.try_get_by_index(2)?;
        let actual: Option<f64> = row.try_get_by_index(3)?;
        map.entry(id).or_default().insert(year, (target, actual));
    }
    Ok(map)
}

/// Writes one year's resources of an objective (insert or replace).
async fn put_resource(
    db: &impl ConnectionTrait,
    objective_id: Uuid,
    year: i32,
    cents: i64,
) -> Result<(), ServiceError> {
    db.execute_raw(statement(
        db.get_database_backend(),
        "INSERT INTO dup_resources (objective_id, year, cents) VALUES (?, ?, ?) \
         ON CONFLICT (objective_id, year) DO UPDATE SET cents = excluded.cents",
        [
            Value::from(objective_id),
            Value::from(year),
            Value::from(cents),
        ],
    ))
    .await?;
    Ok(())
}

/// Writes one year's target and actual of an indicator (insert or replace).
pub(crate) async fn put_value(
    db: &impl ConnectionTrait,
    indicator_id: Uuid,
    year: i32,
    target: Option<f64>,
    actual: Option<f64>,
) -> Result<(), ServiceError> {
    db.execute_raw(statement(
        db.get_database_backend(),
        "INSERT INTO dup_indicator_values (indicator_id, year, target, actual) \
         VALUES (?, ?, ?, ?) ON CONFLICT (indicator_id, year) \
         DO UPDATE SET target = excluded.target, actual = excluded.actual",
        [
            Value::from(indicator_id),
            Value::from(year),
            Value::from(target),
            Value::from(actual),
        ],
    ))
    .await?;
    Ok(())
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
        DupFormat::Json => dup_format::read_json(text, &missions, edition.simplified),
        DupFormat::Csv => dup_format::read_csv(text, &missions, edition.simplified),
    };
    let tree = match parsed {
        Ok(tree) => tree,
        Err(problems) => return Ok(ImportResult::Rejected(problems)),
    };
    let txn = ctx.db.begin().await?;
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
    Ok(ImportResult::Imported(outcome))
}

/// Writes a checked tree into an edition, matching by code. Refuses (with
/// the problems) a change of level that would break the existing tree.
async fn write_tree(
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
            dup_format::write_csv(&tree),
        ),
        DupFormat::Json => (
            format!("{stem}.json"),
            "application/json",
            dup_format::write_json(&tree),
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
    let txn = ctx.db.begin().await?;
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
    Ok(id)
}

/// Says which edition a process's plan informs (`None` detaches it).
pub async fn attach(
    ctx: &Ctx,
    process_slug: &str,
    edition_id: Option<Uuid>,
) -> Result<(), ServiceError> {
    let process = super::processes::find_by_slug(ctx, process_slug).await?;
    authorize(ctx, Operation::AttachDupEdition, Scope::Process(process.id))?;
    if let Some(id) = edition_id {
        find_edition(&ctx.db, id).await?;
    }
    let txn = ctx.db.begin().await?;
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
    Ok(())
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

/// Indicators of some objectives with their years, in code order.
pub(crate) async fn indicators_of(
    db: &impl ConnectionTrait,
    objective_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<IndicatorDto>>, ServiceError> {
    if objective_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut indicators = dup_indicator::Entity::find()
        .filter(dup_indicator::Column::ObjectiveId.is_in(objective_ids.to_vec()))
        .all(db)
        .await?;
    indicators.sort_by_key(|i| natural_key(&i.code));
    let ids: Vec<Uuid> = indicators.iter().map(|i| i.id).collect();
    let mut years: HashMap<Uuid, Vec<IndicatorYear>> = HashMap::new();
    if !ids.is_empty() {
        let placeholders = vec!["?"; ids.len()].join(", ");
        let rows = db
            .query_all_raw(statement(
                db.get_database_backend(),
                &format!(
                    "SELECT indicator_id, year, target, actual FROM dup_indicator_values \
                     WHERE indicator_id IN ({placeholders}) ORDER BY year"
                ),
                ids.iter().map(|id| Value::from(*id)),
            ))
            .await?;
        for row in rows {
            let id: Uuid = row.try_get_by_index(0)?;
            years.entry(id).or_default().push(IndicatorYear {
                year: row.try_get_by_index(1)?,
                target: row.try_get_by_index(2)?,
                actual: row.try_get_by_index(3)?,
            });
        }
    }
    let mut map: HashMap<Uuid, Vec<IndicatorDto>> = HashMap::new();
    for i in indicators {
        map.entry(i.objective_id).or_default().push(IndicatorDto {
            years: years.remove(&i.id).unwrap_or_default(),
            id: i.id,
            code: i.code,
            name: i.name,
            unit: i.unit,
            baseline: i.baseline,
        });
    }
    Ok(map)
}

/// Progress records as shown, newest first.
pub(crate) fn progress_dto(
    record: dup_progress::Model,
    item_title: String,
    item_key: String,
) -> ProgressDto {
    ProgressDto {
        id: record.id,
        item_title,
        item_key,
        status: ProgressStatus::parse(&record.status).unwrap_or(ProgressStatus::NotStarted),
        percent: record.percent,
        note_html: markdown::render(record.note_md.as_deref().unwrap_or_default()),
        recorded_on: record.recorded_on,
    }
}

/// The links of some objectives, or of some proposals and projects, with
/// what the viewer may see: only visible proposals and live projects.
pub(crate) async fn links_where(
    ctx: &Ctx,
    condition: sea_orm::Condition,
) -> Result<Vec<LinkDto>, ServiceError> {
    let links = dup_link::Entity::find()
        .filter(condition)
        .order_by_asc(dup_link::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let objective_ids: Vec<Uuid> = links.iter().map(|l| l.objective_id).collect();
    let objectives: HashMap<Uuid, dup_objective::Model> = dup_objective::Entity::find()
        .filter(dup_objective::Column::Id.is_in(objective_ids))
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let proposal_ids: Vec<Uuid> = links.iter().filter_map(|l| l.proposal_id).collect();
    let project_ids: Vec<Uuid> = links.iter().filter_map(|l| l.project_id).collect();
    let proposals: HashMap<Uuid, proposal::Model> = if proposal_ids.is_empty() {
        HashMap::new()
    } else {
        proposal::Entity::find()
            .filter(proposal::Column::Id.is_in(proposal_ids))
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect()
    };
    let projects: HashMap<Uuid, project::Model> = if project_ids.is_empty() {
        HashMap::new()
    } else {
        project::Entity::find()
            .filter(project::Column::Id.is_in(project_ids.clone()))
            .filter(project::Column::DissolvedAt.is_null())
            .all(&ctx.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect()
    };
    let live: Vec<Uuid> = projects.keys().copied().collect();
    let project_supporters = projects::distinct_supporters(&ctx.db, &live).await?;
    let mut process_ids: Vec<Uuid> = proposals
        .values()
        .map(|p| p.process_id)
        .chain(projects.values().map(|p| p.process_id))
        .collect();
    process_ids.sort();
    process_ids.dedup();
    let mut hidden_counts = HashMap::new();
    for id in process_ids {
        hidden_counts.insert(id, phases::load(&ctx.db, id).await?.counts_hidden());
    }
    let names = proposals::display_names(&ctx.db, links.iter().filter_map(|l| l.linked_by)).await?;
    let mut out = Vec::new();
    for l in links {
        let Some(objective) = objectives.get(&l.objective_id) else {
            continue;
        };
        let (item, item_title, supports) = match (l.proposal_id, l.project_id) {
            (Some(id), _) => {
                let Some(p) = proposals.get(&id) else {
                    continue;
                };
                if p.visibility != Visibility::Visible.as_str() {
                    continue;
                }
                let hidden = hidden_counts.get(&p.process_id).copied().unwrap_or(false);
                (
                    PlanItem::Proposal(id),
                    p.title.clone(),
                    (!hidden).then_some(i64::from(p.support_count)),
                )
            }
            (None, Some(id)) => {
                let Some(p) = projects.get(&id) else { continue };
                let hidden = hidden_counts.get(&p.process_id).copied().unwrap_or(false);
                (
                    PlanItem::Project(id),
                    p.title.clone(),
                    (!hidden).then(|| project_supporters.get(&id).copied().unwrap_or(0)),
                )
            }
            (None, None) => continue,
        };
        out.push(LinkDto {
            id: l.id,
            item,
            item_title,
            objective: objective_ref(objective),
            rationale: l.rationale,
            weight: l.weight,
            linked_by: l.linked_by.and_then(|id| names.get(&id).cloned()),
            linked_at: l.created_at,
            supports,
        });
    }
    Ok(out)
}

/// An objective's page: where it sits in the tree, resources, indicators,
/// the proposals and projects linked to it, and its progress.
pub async fn objective(ctx: &Ctx, objective_id: Uuid) -> Result<ObjectiveDetail, ServiceError> {
    authorize(ctx, Operation::ViewObjective, Scope::Global)?;
    let objective = dup_objective::Entity::find_by_id(objective_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("objective"))?;
    let edition = find_edition(&ctx.db, objective.edition_id).await?;
    let mission = dup_mission::Entity::find_by_id(objective.mission_code.clone())
        .one(&ctx.db)
        .await?;
    let programme = match objective.programme_id {
        Some(id) => dup_programme::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    let parent = match objective.parent_id {
        Some(id) => dup_objective::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    let mut children = dup_objective::Entity::find()
        .filter(dup_objective::Column::ParentId.eq(objective.id))
        .all(&ctx.db)
        .await?;
    children.sort_by_key(|o| natural_key(&o.code));
    let resources = resources_of(&ctx.db, objective.edition_id)
        .await?
        .remove(&objective.id)
        .unwrap_or_default()
        .into_iter()
        .map(|(year, cents)| ResourceYear { year, cents })
        .collect();
    let indicators = indicators_of(&ctx.db, &[objective.id])
        .await?
        .remove(&objective.id)
        .unwrap_or_default();
    // A strategic objective is fed through its operational objectives too.
    let fed: Vec<Uuid> = std::iter::once(objective.id)
        .chain(children.iter().map(|c| c.id))
        .collect();
    let links = links_where(
        ctx,
        sea_orm::Condition::all().add(dup_link::Column::ObjectiveId.is_in(fed)),
    )
    .await?;
    let title = format!("{} {}", objective.code, objective.title);
    let progress = dup_progress::Entity::find()
        .filter(dup_progress::Column::ObjectiveId.eq(objective.id))
        .order_by_desc(dup_progress::Column::RecordedOn)
        .order_by_desc(dup_progress::Column::CreatedAt)
        .limit(100)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|r| progress_dto(r, title.clone(), format!("obiettivo:{}", objective.id)))
        .collect();
    Ok(ObjectiveDetail {
        edition: NamedRef {
            key: edition.id.to_string(),
            name: format!("{} – {}", edition.organization, edition.title),
        },
        mission_title: mission.map(|m| m.name).unwrap_or_default(),
        programme: programme.map(|p| NamedRef {
            key: p.code,
            name: p.title,
        }),
        parent: parent.as_ref().map(objective_ref),
        children: children.iter().map(objective_ref).collect(),
        description_html: markdown::render(&objective.description_md),
        office: objective.office.clone(),
        resources,
        indicators,
        links,
        progress,
        objective: objective_ref(&objective),
    })
}

/// A DUP edition of the demo data, attached to its process.
pub(crate) struct DemoEdition {
    pub process_slug: &'static str,
    pub organization: &'static str,
    pub title: &'static str,
    pub years: (i32, i32),
    pub csv: &'static str,
}

/// Loads a demo edition (inside the demo loader's transaction), attaches it
/// to its process and links each accepted proposal to the objective whose
/// text is closest, saying so in the rationale.
pub(crate) async fn load_demo(
    db: &impl ConnectionTrait,
    ctx: &Ctx,
    demo: &DemoEdition,
) -> Result<(), ServiceError> {
    let invalid = |what: String| {
        ServiceError::field(
            &format!("demo DUP {}: {what}", demo.title),
            FieldProblem::Malformed,
        )
    };
    let Some(process) = process::Entity::find()
        .filter(process::Column::Slug.eq(demo.process_slug))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let missions = linkable_missions(db).await?;
    let tree = dup_format::read_csv(demo.csv, &missions, false).map_err(|problems| {
        invalid(
            problems
                .into_iter()
                .map(|p| format!("{}: {}", p.place, p.message))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let input = EditionInput {
        organization: demo.organization.to_owned(),
        title: demo.title.to_owned(),
        first_year: demo.years.0,
        last_year: demo.years.1,
        simplified: false,
    };
    let id = insert_edition(db, ctx, &input, None).await?;
    let edition = find_edition(db, id).await?;
    if let Err(problems) = write_tree(db, ctx, &edition, &tree).await? {
        return Err(invalid(format!("{problems:?}")));
    }
    process::Entity::update_many()
        .col_expr(process::Column::DupEditionId, Expr::value(Some(id)))
        .filter(process::Column::Id.eq(process.id))
        .exec(db)
        .await?;
    let objectives = dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(id))
        .filter(dup_objective::Column::Level.eq(ObjectiveLevel::Operational.as_str()))
        .all(db)
        .await?;
    let texts: Vec<(Uuid, String)> = objectives
        .iter()
        .map(|o| {
            (
                o.id,
                format!("{} {} {}", o.title, o.title, o.description_md),
            )
        })
        .collect();
    let accepted = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.eq(crate::model::ProposalState::Accepted.as_str()))
        .all(db)
        .await?;
    let mut links = Vec::new();
    for p in accepted {
        let text = format!("{} {} {}", p.title, p.title, p.body_md);
        if let Some((objective_id, score)) = super::dup_links::rank(&text, &texts).first().copied()
            && score >= 20
        {
            links.push(dup_link::ActiveModel {
                id: Set(Uuid::now_v7()),
                objective_id: Set(objective_id),
                proposal_id: Set(Some(p.id)),
                project_id: Set(None),
                rationale: Set(
                    "Collegamento dei dati dimostrativi, scelto per somiglianza dei testi."
                        .to_owned(),
                ),
                weight: Set(None),
                linked_by: Set(None),
                created_at: Set(ctx.now),
            });
        }
    }
    if !links.is_empty() {
        dup_link::Entity::insert_many(links)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
