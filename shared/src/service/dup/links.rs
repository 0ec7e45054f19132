//! Links from the plan to the DUP: facilitators link proposals and projects
//! to the objectives of the edition their process informs, with a short
//! rationale and an optional weight; likely objectives are suggested by
//! text similarity; the council reads the coverage.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Value,
};
use uuid::Uuid;

use crate::model::ProposalState;
use crate::model::common::FieldProblem;
use crate::model::common::NamedRef;
use crate::model::common::Visibility;
use crate::model::dup::{
    Coverage, CoverageRow, ItemLinks, LinkInput, MissionCoverage, ObjectiveRef, PlanItem,
    Suggestion, UnlinkedItem,
};
use crate::service::common::authz::{Operation, Scope, authorize, permits};
use crate::service::common::db::begin_write;
use crate::service::common::db::statement;
use crate::service::dup::tree::{links_where, natural_key, objective_ref};
use crate::service::entity::{
    dup_edition, dup_link, dup_mission, dup_objective, platform, process, project, proposal, zone,
};
use crate::service::processes::counts::{self, Kept};
use crate::service::processes::lookup;
use crate::service::{Ctx, ServiceError, common::audit, common::search};

/// Suggestions shown to a facilitator.
const SUGGESTIONS: usize = 5;

/// What a link is about, loaded: its process, platform, title and text.
pub(crate) struct Item {
    pub process: process::Model,
    pub platform_id: Uuid,
    pub title: String,
    pub text: String,
}

pub(crate) async fn load_item(ctx: &Ctx, item: PlanItem) -> Result<Item, ServiceError> {
    let (process_id, platform_id, title, text) = match item {
        PlanItem::Proposal(id) => {
            let p = proposal::Entity::find_by_id(id)
                .one(&ctx.db)
                .await?
                .filter(|p| p.visibility == Visibility::Visible.as_str())
                .ok_or(ServiceError::NotFound("proposal"))?;
            (p.process_id, p.platform_id, p.title, p.body_md)
        }
        PlanItem::Project(id) => {
            let p = project::Entity::find_by_id(id)
                .one(&ctx.db)
                .await?
                .filter(|p| p.dissolved_at.is_none())
                .ok_or(ServiceError::NotFound("project"))?;
            (p.process_id, p.platform_id, p.title, p.description_md)
        }
    };
    let process = process::Entity::find_by_id(process_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("process"))?;
    Ok(Item {
        process,
        platform_id,
        title,
        text,
    })
}

fn scope(item: &Item) -> Scope {
    Scope::Platform {
        process: item.process.id,
        platform: item.platform_id,
    }
}

/// The objectives of an edition that may be linked, in code order.
async fn linkable(
    db: &impl ConnectionTrait,
    edition_id: Uuid,
) -> Result<Vec<dup_objective::Model>, ServiceError> {
    let mut objectives = dup_objective::Entity::find()
        .filter(dup_objective::Column::EditionId.eq(edition_id))
        .all(db)
        .await?;
    objectives.sort_by_key(|o| natural_key(&o.code));
    Ok(objectives)
}

/// Ranks objectives by how close their text is to `text`: cosine of TF-IDF
/// vectors over stemmed Italian words (title counted twice). Scores 0–100.
pub fn rank(text: &str, objectives: &[(Uuid, String)]) -> Vec<(Uuid, u8)> {
    fn counts(terms: Vec<String>) -> HashMap<String, f64> {
        let mut map = HashMap::new();
        for t in terms {
            *map.entry(t).or_insert(0.0) += 1.0;
        }
        map
    }
    let docs: Vec<(Uuid, HashMap<String, f64>)> = objectives
        .iter()
        .map(|(id, t)| (*id, counts(search::terms(t))))
        .collect();
    let n = docs.len() as f64 + 1.0;
    let query = counts(search::terms(text));
    let mut df: HashMap<&str, f64> = HashMap::new();
    for term in docs.iter().flat_map(|(_, d)| d.keys()).chain(query.keys()) {
        *df.entry(term.as_str()).or_insert(0.0) += 1.0;
    }
    let weigh = |d: &HashMap<String, f64>| -> HashMap<String, f64> {
        d.iter()
            .map(|(t, tf)| {
                let idf = (n / df.get(t.as_str()).copied().unwrap_or(1.0)).ln() + 1.0;
                (t.clone(), (1.0 + tf.ln()) * idf)
            })
            .collect()
    };
    let norm = |v: &HashMap<String, f64>| v.values().map(|x| x * x).sum::<f64>().sqrt();
    let q = weigh(&query);
    let qn = norm(&q);
    let mut ranked: Vec<(Uuid, u8)> = docs
        .iter()
        .filter_map(|(id, d)| {
            let v = weigh(d);
            let dot: f64 = q.iter().filter_map(|(t, w)| v.get(t).map(|x| x * w)).sum();
            let denominator = qn * norm(&v);
            if dot <= 0.0 || denominator == 0.0 {
                return None;
            }
            Some((
                *id,
                ((dot / denominator) * 100.0).round().clamp(1.0, 100.0) as u8,
            ))
        })
        .collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    ranked
}

/// The objectives a proposal or project feeds; for facilitators, also the
/// objectives they may link and suggestions.
pub async fn links_of(ctx: &Ctx, item: PlanItem) -> Result<ItemLinks, ServiceError> {
    authorize(ctx, Operation::ViewPlanLinks, Scope::Global)?;
    let loaded = load_item(ctx, item).await?;
    // A proposal merged into a project also feeds the project's objectives.
    let condition = match item {
        PlanItem::Proposal(id) => {
            let project_id = proposal::Entity::find_by_id(id)
                .one(&ctx.db)
                .await?
                .and_then(|p| p.project_id);
            let mut any = Condition::any().add(dup_link::Column::ProposalId.eq(id));
            if let Some(project_id) = project_id {
                any = any.add(dup_link::Column::ProjectId.eq(project_id));
            }
            any
        }
        PlanItem::Project(id) => Condition::all().add(dup_link::Column::ProjectId.eq(id)),
    };
    let links = links_where(ctx, condition).await?;
    let edition = match loaded.process.dup_edition_id {
        Some(id) => dup_edition::Entity::find_by_id(id).one(&ctx.db).await?,
        None => None,
    };
    let can_link =
        edition.is_some() && permits(&ctx.actor, Operation::LinkObjective, scope(&loaded));
    let (mut suggestions, mut choices) = (Vec::new(), Vec::new());
    if let (true, Some(edition)) = (can_link, &edition) {
        let objectives = linkable(&ctx.db, edition.id).await?;
        let linked: HashSet<Uuid> = links
            .iter()
            .filter(|l| l.item == item)
            .map(|l| l.objective.id)
            .collect();
        let texts: Vec<(Uuid, String)> = objectives
            .iter()
            .filter(|o| !linked.contains(&o.id))
            .map(|o| {
                (
                    o.id,
                    format!("{} {} {}", o.title, o.title, o.description_md),
                )
            })
            .collect();
        let by_id: HashMap<Uuid, &dup_objective::Model> =
            objectives.iter().map(|o| (o.id, o)).collect();
        let text = format!("{} {} {}", loaded.title, loaded.title, loaded.text);
        suggestions = rank(&text, &texts)
            .into_iter()
            .take(SUGGESTIONS)
            .filter_map(|(id, score)| {
                Some(Suggestion {
                    objective: objective_ref(by_id.get(&id)?),
                    score,
                })
            })
            .collect();
        choices = objectives.iter().map(objective_ref).collect();
    }
    Ok(ItemLinks {
        links,
        can_link,
        suggestions,
        choices,
        edition: edition.map(|e| NamedRef {
            key: e.id.to_string(),
            name: format!("{} – {}", e.organization, e.title),
        }),
    })
}

/// Links a proposal or project to an objective of its process's edition;
/// linking again changes the rationale and weight.
pub async fn link(ctx: &Ctx, item: PlanItem, input: &LinkInput) -> Result<Uuid, ServiceError> {
    let loaded = load_item(ctx, item).await?;
    authorize(ctx, Operation::LinkObjective, scope(&loaded))?;
    let objective = dup_objective::Entity::find_by_id(input.objective_id)
        .one(&ctx.db)
        .await?
        .filter(|o| Some(o.edition_id) == loaded.process.dup_edition_id)
        .ok_or_else(|| ServiceError::field("obiettivo", FieldProblem::NotRecognized))?;
    if let PlanItem::Proposal(id) = item {
        let p = proposal::Entity::find_by_id(id).one(&ctx.db).await?;
        if p.is_some_and(|p| p.state == ProposalState::Withdrawn.as_str()) {
            return Err(ServiceError::Refused(
                crate::model::common::Refusal::ProposalClosed {
                    state: ProposalState::Withdrawn,
                },
            ));
        }
    }
    let (proposal_id, project_id) = match item {
        PlanItem::Proposal(id) => (Some(id), None),
        PlanItem::Project(id) => (None, Some(id)),
    };
    let linked_by = ctx.actor.person().map(|p| p.id);
    let txn = begin_write(&ctx.db).await?;
    let existing = dup_link::Entity::find()
        .filter(dup_link::Column::ObjectiveId.eq(objective.id))
        .filter(match item {
            PlanItem::Proposal(id) => dup_link::Column::ProposalId.eq(id),
            PlanItem::Project(id) => dup_link::Column::ProjectId.eq(id),
        })
        .one(&txn)
        .await?;
    let id = match existing {
        Some(link) => {
            dup_link::Entity::update_many()
                .col_expr(
                    dup_link::Column::Rationale,
                    Expr::value(input.rationale.clone()),
                )
                .col_expr(dup_link::Column::Weight, Expr::value(input.weight))
                .col_expr(dup_link::Column::LinkedBy, Expr::value(linked_by))
                .col_expr(dup_link::Column::CreatedAt, Expr::value(ctx.now))
                .filter(dup_link::Column::Id.eq(link.id))
                .exec(&txn)
                .await?;
            link.id
        }
        None => {
            let id = Uuid::now_v7();
            let conflict = match item {
                PlanItem::Proposal(_) => {
                    [dup_link::Column::ObjectiveId, dup_link::Column::ProposalId]
                }
                PlanItem::Project(_) => {
                    [dup_link::Column::ObjectiveId, dup_link::Column::ProjectId]
                }
            };
            // A concurrent identical link wins; this one is then a no-op.
            dup_link::Entity::insert(dup_link::ActiveModel {
                id: Set(id),
                objective_id: Set(objective.id),
                proposal_id: Set(proposal_id),
                project_id: Set(project_id),
                rationale: Set(input.rationale.clone()),
                weight: Set(input.weight),
                linked_by: Set(linked_by),
                created_at: Set(ctx.now),
            })
            .on_conflict(OnConflict::columns(conflict).do_nothing().to_owned())
            .exec_without_returning(&txn)
            .await?;
            id
        }
    };
    audit::record(
        &txn,
        ctx,
        "dup.linked",
        None,
        format!("{} → {} ({})", item.key(), objective.code, input.rationale),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(id)
}

/// Removes a link.
pub async fn unlink(ctx: &Ctx, link_id: Uuid) -> Result<(), ServiceError> {
    let link = dup_link::Entity::find_by_id(link_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("link"))?;
    let item = match (link.proposal_id, link.project_id) {
        (Some(id), _) => PlanItem::Proposal(id),
        (None, Some(id)) => PlanItem::Project(id),
        (None, None) => return Err(ServiceError::NotFound("link")),
    };
    // Found whatever its visibility: a link to a proposal hidden since can
    // still be removed.
    let (process_id, platform_id) = match item {
        PlanItem::Proposal(id) => proposal::Entity::find_by_id(id)
            .one(&ctx.db)
            .await?
            .map(|p| (p.process_id, p.platform_id)),
        PlanItem::Project(id) => project::Entity::find_by_id(id)
            .one(&ctx.db)
            .await?
            .map(|p| (p.process_id, p.platform_id)),
    }
    .ok_or(ServiceError::NotFound("link"))?;
    authorize(
        ctx,
        Operation::UnlinkObjective,
        Scope::Platform {
            process: process_id,
            platform: platform_id,
        },
    )?;
    let txn = begin_write(&ctx.db).await?;
    dup_link::Entity::delete_by_id(link.id).exec(&txn).await?;
    audit::record(
        &txn,
        ctx,
        "dup.unlinked",
        None,
        format!("{} ↛ {}", item.key(), link.objective_id),
    )
    .await?;
    txn.commit().await?;
    crate::service::processes::counts::changed();
    Ok(())
}

/// Pairs (leaf, target) of objectives: a strategic objective also counts
/// what is linked to its operational objectives, so each link counts for
/// its objective and for that one's parent.
const OBJECTIVE_ROLLUP: &str = "(SELECT id AS leaf, id AS target FROM dup_objectives \
     UNION ALL SELECT id AS leaf, parent_id AS target FROM dup_objectives \
     WHERE parent_id IS NOT NULL)";

/// Which linked proposals count for a whole process (one `?`: the process).
pub(crate) const PROCESS_PROPOSAL_FILTER: &str =
    "p.process_id = ? AND p.visibility = 'visibile' AND p.state <> 'withdrawn'";
/// Which linked projects count for a whole process (one `?`: the process).
pub(crate) const PROCESS_PROJECT_FILTER: &str = "j.process_id = ? AND j.dissolved_at IS NULL";
/// Which originals of a linked project count.
pub(crate) const ORIGINAL_FILTER: &str = "m.visibility = 'visibile'";

/// Distinct supporters over rows of [`linked_supports_sql`] named `x`:
/// each person once, supports of deleted accounts one each.
pub(crate) const DISTINCT_SUPPORTERS: &str = "COUNT(DISTINCT x.user_id) + \
     COUNT(DISTINCT CASE WHEN x.user_id IS NULL THEN x.support_id END)";

/// The supports behind the links, one row per (objective, support):
/// `objective_id, user_id, support_id, proposal_id`. They are the supports
/// of linked proposals and of the originals of linked projects, rolled up
/// to strategic objectives; a person counts once per objective (see
/// [`DISTINCT_SUPPORTERS`]). The filters are SQL over `p` (linked
/// proposals), `j` (linked projects) and `m` (their originals); their
/// values go in that order.
pub(crate) fn linked_supports_sql(
    proposal_filter: &str,
    project_filter: &str,
    original_filter: &str,
) -> String {
    let rollup = OBJECTIVE_ROLLUP;
    format!(
        "SELECT r.target AS objective_id, s.user_id, s.id AS support_id, \
         s.proposal_id AS proposal_id FROM dup_links l \
         JOIN {rollup} r ON r.leaf = l.objective_id \
         JOIN proposals p ON p.id = l.proposal_id JOIN supports s ON s.proposal_id = p.id \
         WHERE {proposal_filter} \
         UNION ALL \
         SELECT r.target AS objective_id, s.user_id, s.id AS support_id, \
         s.proposal_id AS proposal_id FROM dup_links l \
         JOIN {rollup} r ON r.leaf = l.objective_id \
         JOIN projects j ON j.id = l.project_id JOIN proposals m ON m.project_id = j.id \
         JOIN supports s ON s.proposal_id = m.id WHERE {project_filter} AND {original_filter}"
    )
}

/// The coverage of a process's plan against its DUP edition, optionally for
/// one zone and one platform (by slug).
pub async fn coverage(
    ctx: &Ctx,
    process_slug: &str,
    zone_slug: Option<&str>,
    platform_slug: Option<&str>,
) -> Result<Coverage, ServiceError> {
    authorize(ctx, Operation::ViewCoverage, Scope::Global)?;
    let process = lookup::find_by_slug(ctx, process_slug).await?;
    let zones = lookup::zones_of(ctx, process.id).await?;
    let platforms = lookup::platforms_of(ctx, process.id).await?;
    let zone: Option<&zone::Model> = match zone_slug.filter(|s| !s.is_empty()) {
        Some(slug) => Some(
            zones
                .iter()
                .find(|z| z.slug == slug)
                .ok_or_else(|| ServiceError::field("zona", FieldProblem::NotRecognized))?,
        ),
        None => None,
    };
    let platform: Option<&platform::Model> = match platform_slug.filter(|s| !s.is_empty()) {
        Some(slug) => Some(
            platforms
                .iter()
                .find(|p| p.slug == slug)
                .ok_or_else(|| ServiceError::field("piattaforma", FieldProblem::NotRecognized))?,
        ),
        None => None,
    };
    // Kept while nothing changed (it reads every link of the process); a
    // vote that hides counts (decided by the date, not by a change) shows
    // the coverage without supporters, kept apart.
    let counts_hidden = crate::service::processes::phases::load(&ctx.db, process.id)
        .await?
        .counts_hidden();
    let key = (
        process.id,
        process.dup_edition_id,
        zone.map(|z| z.id),
        platform.map(|p| p.id),
        counts_hidden,
    );
    if let Some(kept) = COVERAGE.fresh(key) {
        return Ok(kept);
    }
    let (started, changes) = (std::time::Instant::now(), counts::changes());
    let named = |slug: &str, name: &str| NamedRef {
        key: slug.to_owned(),
        name: name.to_owned(),
    };
    let mut result = Coverage {
        process: named(&process.slug, &process.title),
        edition: None,
        missions: Vec::new(),
        uncovered: Vec::new(),
        unlinked: Vec::new(),
        zone: zone.map(|z| z.slug.clone()),
        platform: platform.map(|p| p.slug.clone()),
        zones: zones.iter().map(|z| named(&z.slug, &z.name)).collect(),
        platforms: platforms.iter().map(|p| named(&p.slug, &p.title)).collect(),
    };
    let Some(edition_id) = process.dup_edition_id else {
        return Ok(result);
    };
    let edition = dup_edition::Entity::find_by_id(edition_id)
        .one(&ctx.db)
        .await?
        .ok_or(ServiceError::NotFound("dup edition"))?;
    result.edition = Some(NamedRef {
        key: edition.id.to_string(),
        name: format!("{} – {}", edition.organization, edition.title),
    });
    let db = &ctx.db;
    let backend = db.get_database_backend();
    // The linked items of this process, filtered: proposals visible and not
    // withdrawn; projects live, with an original in the zone when filtered.
    let mut proposal_filter = String::from(PROCESS_PROPOSAL_FILTER);
    let mut proposal_values: Vec<Value> = vec![process.id.into()];
    let mut project_filter = String::from(PROCESS_PROJECT_FILTER);
    let mut project_values: Vec<Value> = vec![process.id.into()];
    let mut original_filter = String::from(ORIGINAL_FILTER);
    let mut original_values: Vec<Value> = Vec::new();
    if let Some(z) = zone {
        proposal_filter.push_str(" AND p.zone_id = ?");
        proposal_values.push(z.id.into());
        original_filter.push_str(" AND m.zone_id = ?");
        original_values.push(z.id.into());
    }
    if let Some(pl) = platform {
        proposal_filter.push_str(" AND p.platform_id = ?");
        proposal_values.push(pl.id.into());
        project_filter.push_str(" AND j.platform_id = ?");
        project_values.push(pl.id.into());
    }
    // Projects count in a zone when one of their originals is in it.
    let project_in_zone = if zone.is_some() {
        format!(
            " AND EXISTS (SELECT 1 FROM proposals m WHERE m.project_id = j.id AND {original_filter})"
        )
    } else {
        String::new()
    };
    let rollup = OBJECTIVE_ROLLUP;
    let linked_items = format!(
        "SELECT r.target AS objective_id, 'p' AS kind, p.id AS item_id FROM dup_links l \
         JOIN {rollup} r ON r.leaf = l.objective_id \
         JOIN proposals p ON p.id = l.proposal_id WHERE {proposal_filter} \
         UNION ALL \
         SELECT r.target AS objective_id, 'j' AS kind, j.id AS item_id FROM dup_links l \
         JOIN {rollup} r ON r.leaf = l.objective_id \
         JOIN projects j ON j.id = l.project_id WHERE {project_filter}{project_in_zone}"
    );
    let item_values: Vec<Value> = proposal_values
        .iter()
        .cloned()
        .chain(project_values.iter().cloned())
        .chain(if zone.is_some() {
            original_values.clone()
        } else {
            Vec::new()
        })
        .collect();
    let rows = db
        .query_all_raw(statement(
            backend,
            &format!(
                "SELECT x.objective_id, \
                 COUNT(DISTINCT CASE WHEN x.kind = 'p' THEN x.item_id END), \
                 COUNT(DISTINCT CASE WHEN x.kind = 'j' THEN x.item_id END) \
                 FROM ({linked_items}) x GROUP BY x.objective_id"
            ),
            item_values.clone(),
        ))
        .await?;
    let mut counts: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for row in rows {
        let id: Uuid = row.try_get_by_index(0)?;
        let proposals: i64 = row.try_get_by_index(1)?;
        let projects: i64 = row.try_get_by_index(2)?;
        counts.insert(id, (proposals, projects));
    }
    let supports = linked_supports_sql(&proposal_filter, &project_filter, &original_filter);
    let support_values: Vec<Value> = proposal_values
        .iter()
        .cloned()
        .chain(project_values.iter().cloned())
        .chain(original_values.iter().cloned())
        .collect();
    let distinct = DISTINCT_SUPPORTERS;
    let rows = db
        .query_all_raw(statement(
            backend,
            &format!(
                "SELECT x.objective_id, {distinct} FROM ({supports}) x GROUP BY x.objective_id"
            ),
            support_values.clone(),
        ))
        .await?;
    let mut supporters: HashMap<Uuid, i64> = HashMap::new();
    for row in rows {
        supporters.insert(row.try_get_by_index(0)?, row.try_get_by_index(1)?);
    }
    let rows = db
        .query_all_raw(statement(
            backend,
            &format!(
                "SELECT o.mission_code, {distinct} FROM ({supports}) x \
                 JOIN dup_objectives o ON o.id = x.objective_id \
                 WHERE o.edition_id = ? GROUP BY o.mission_code"
            ),
            support_values
                .into_iter()
                .chain([Value::from(edition.id)])
                .collect::<Vec<_>>(),
        ))
        .await?;
    let mut mission_supporters: HashMap<String, i64> = HashMap::new();
    for row in rows {
        mission_supporters.insert(row.try_get_by_index(0)?, row.try_get_by_index(1)?);
    }
    let objectives = linkable(db, edition.id).await?;
    let missions = dup_mission::Entity::find().all(db).await?;
    // A voting phase that hides support counts hides them here too.
    let counts_hidden = crate::service::processes::phases::load(db, process.id)
        .await?
        .counts_hidden();
    let mut by_mission: Vec<MissionCoverage> = Vec::new();
    let mut mission_codes: Vec<&str> = objectives.iter().map(|o| o.mission_code.as_str()).collect();
    mission_codes.sort();
    mission_codes.dedup();
    for code in mission_codes {
        let rows: Vec<CoverageRow> = objectives
            .iter()
            .filter(|o| o.mission_code == code)
            .map(|o| {
                let (proposals, projects) = counts.get(&o.id).copied().unwrap_or((0, 0));
                CoverageRow {
                    objective: objective_ref(o),
                    proposals,
                    projects,
                    supporters: (!counts_hidden)
                        .then(|| supporters.get(&o.id).copied().unwrap_or(0)),
                }
            })
            .collect();
        by_mission.push(MissionCoverage {
            code: code.to_owned(),
            title: missions
                .iter()
                .find(|m| m.code == code)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            covered: rows.iter().filter(|r| r.proposals + r.projects > 0).count() as i64,
            supporters: (!counts_hidden)
                .then(|| mission_supporters.get(code).copied().unwrap_or(0)),
            objectives: rows,
        });
    }
    result.uncovered = by_mission
        .iter()
        .flat_map(|m| m.objectives.iter())
        .filter(|r| r.proposals + r.projects == 0)
        .map(|r| r.objective.clone())
        .collect::<Vec<ObjectiveRef>>();
    result.missions = by_mission;
    // Accepted proposals and live projects with no objective at all.
    let platform_names: HashMap<Uuid, String> =
        platforms.iter().map(|p| (p.id, p.title.clone())).collect();
    let rows = db
        .query_all_raw(statement(
            backend,
            &format!(
                "SELECT 'p', p.id, p.title, p.platform_id FROM proposals p \
                 WHERE {proposal_filter} AND p.state = 'accepted' \
                 AND NOT EXISTS (SELECT 1 FROM dup_links l JOIN dup_objectives o \
                 ON o.id = l.objective_id WHERE l.proposal_id = p.id AND o.edition_id = ?) \
                 UNION ALL \
                 SELECT 'j', j.id, j.title, j.platform_id FROM projects j \
                 WHERE {project_filter}{project_in_zone} \
                 AND NOT EXISTS (SELECT 1 FROM dup_links l JOIN dup_objectives o \
                 ON o.id = l.objective_id WHERE l.project_id = j.id AND o.edition_id = ?)"
            ),
            proposal_values
                .iter()
                .cloned()
                .chain([Value::from(edition.id)])
                .chain(project_values.iter().cloned())
                .chain(if zone.is_some() {
                    original_values.clone()
                } else {
                    Vec::new()
                })
                .chain([Value::from(edition.id)])
                .collect::<Vec<_>>(),
        ))
        .await?;
    let mut unlinked = Vec::new();
    for row in rows {
        let kind: String = row.try_get_by_index(0)?;
        let id: Uuid = row.try_get_by_index(1)?;
        let title: String = row.try_get_by_index(2)?;
        let platform_id: Uuid = row.try_get_by_index(3)?;
        unlinked.push(UnlinkedItem {
            item: if kind == "p" {
                PlanItem::Proposal(id)
            } else {
                PlanItem::Project(id)
            },
            title,
            platform: platform_names
                .get(&platform_id)
                .cloned()
                .unwrap_or_default(),
        });
    }
    unlinked.sort_by(|a, b| a.title.cmp(&b.title));
    result.unlinked = unlinked;
    COVERAGE.store(key, &result, started.elapsed(), changes);
    Ok(result)
}

/// Coverage of slow processes, while nothing changed (see `counts`): by
/// process, edition, zone, platform and whether a vote hides counts.
static COVERAGE: Kept<Coverage, CoverageKey> = Kept::new();
type CoverageKey = (Uuid, Option<Uuid>, Option<Uuid>, Option<Uuid>, bool);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_objective_comes_first() {
        let bus = Uuid::from_u128(1);
        let school = Uuid::from_u128(2);
        let objectives = vec![
            (
                bus,
                "Trasporto pubblico: nuove linee di autobus nei quartieri".to_owned(),
            ),
            (
                school,
                "Edilizia scolastica: scuole sicure e palestre".to_owned(),
            ),
        ];
        let ranked = rank(
            "Più autobus di sera per i quartieri periferici",
            &objectives,
        );
        assert_eq!(ranked[0].0, bus);
        assert!(ranked.iter().all(|(id, _)| *id != school));
    }
}
