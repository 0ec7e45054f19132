//! The demo's DUP editions: imported, attached to their processes and
//! linked to the closest objectives, inside the demo loader's transaction.

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::model::common::FieldProblem;
use crate::model::dup::{EditionInput, ObjectiveLevel};
use crate::service::dup::editions::{insert_edition, write_tree};
use crate::service::dup::format;
use crate::service::dup::tree::{find_edition, linkable_missions};
use crate::service::entity::{dup_link, dup_objective, process, proposal};
use crate::service::{Ctx, ServiceError};

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
    let tree = format::read_csv(demo.csv, &missions, false).map_err(|problems| {
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
        if let Some((objective_id, score)) = crate::service::dup::links::rank(&text, &texts)
            .first()
            .copied()
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
