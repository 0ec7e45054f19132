//! Bad input names its field; the voting limit applies; refused forms come back filled in.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn an_upgraded_instance_gets_search_terms_at_start() {
    let demo = demo_db().await;
    let id = first_published(&demo, "agenda-digitale-pinerolo").await;
    let title = proposal_row(&demo, id).await.title;
    proposal::Entity::update_many()
        .col_expr(proposal::Column::SearchTerms, Expr::value(""))
        .filter(proposal::Column::Id.eq(id))
        .exec(&demo.db)
        .await
        .unwrap();
    let system = Ctx::new(demo.db.clone(), Actor::System);
    let report = shared::service::seed::upgrade::backfill(&system)
        .await
        .unwrap();
    assert_eq!(report.proposals_indexed, 1);
    assert_eq!(
        shared::service::seed::upgrade::backfill(&system)
            .await
            .unwrap(),
        Default::default(),
        "nothing left the second time"
    );
    let anyone = Ctx::new(demo.db.clone(), Actor::Anonymous);
    let found = authoring::similar(&anyone, "agenda-digitale-pinerolo", &title)
        .await
        .unwrap();
    assert_eq!(found.first().map(|p| p.id), Some(id));
}
