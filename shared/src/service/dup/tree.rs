//! The tree of a DUP edition as the other DUP modules read and write it:
//! finding an edition, its objectives, resources, indicator values and links.

use crate::service::accounts::people;
use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value,
};
use uuid::Uuid;

use crate::model::common::Visibility;
use crate::model::dup::{
    IndicatorDto, IndicatorYear, LinkDto, ObjectiveLevel, ObjectiveRef, PlanItem, ProgressDto,
    ProgressStatus,
};
use crate::service::common::db::statement;
use crate::service::dup::format::{
    DupTree, IndicatorRow, OperationalRow, ProgrammeRow, StrategicRow,
};
use crate::service::entity::{
    dup_edition, dup_indicator, dup_link, dup_mission, dup_objective, dup_programme, dup_progress,
    project, proposal,
};
use crate::service::{
    Ctx, ServiceError, common::markdown, facilitation::projects, processes::phases,
};

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
pub(crate) async fn linkable_missions(
    db: &impl ConnectionTrait,
) -> Result<HashSet<String>, ServiceError> {
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
pub(crate) async fn resources_of(
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

/// Target and actual per year of every indicator of an edition.
pub(crate) async fn values_of(
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
pub(crate) async fn put_resource(
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
    let names = people::display_names(&ctx.db, links.iter().filter_map(|l| l.linked_by)).await?;
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

pub(crate) type YearValues = BTreeMap<i32, (Option<f64>, Option<f64>)>;
