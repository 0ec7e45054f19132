//! Italian search, and people's Markdown never reaching a page as markup.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn italian_search_finds_plurals_and_ignores_stop_words() {
    let demo = demo_db().await;
    let citizen = person(&demo, "citizen@demo.piazza.invalid").await;
    let viewer = Ctx::new(demo.db.clone(), Actor::Anonymous);
    let cycling = propose(
        &demo,
        &citizen,
        PINEROLO,
        "territorio-connesso",
        "Nuove piste ciclabili nei quartieri",
        "Collegare le scuole e la stazione con percorsi protetti per le biciclette.",
    )
    .await;
    let other_platform = propose(
        &demo,
        &citizen,
        PINEROLO,
        "servizi-online",
        "Mappa online della pista ciclabile",
        "Una pagina del sito comunale con i percorsi e i cantieri aggiornati.",
    )
    .await;
    let search = async |cerca: &str, platform: Option<&str>| {
        let query = ProposalListParams {
            cerca: Some(cerca.to_owned()),
            piattaforma: platform.map(str::to_owned),
            ..Default::default()
        }
        .parse(1)
        .expect("valid query");
        let page = proposals::list(&viewer, PINEROLO, &query).await.unwrap();
        let ids: HashSet<Uuid> = page.items.iter().map(|c| c.id).collect();
        assert_eq!(page.total as usize, ids.len());
        ids
    };
    assert_eq!(
        search("pista ciclabile", None).await,
        HashSet::from([cycling, other_platform]),
        "singular finds plural"
    );
    assert_eq!(
        search("PISTE Ciclabili", None).await,
        HashSet::from([cycling, other_platform])
    );
    assert_eq!(
        search("piste ciclabili scuola", None).await,
        HashSet::from([cycling]),
        "every word must match"
    );
    assert_eq!(
        search("pista ciclabile", Some("territorio-connesso")).await,
        HashSet::from([cycling]),
        "with a platform filter"
    );
    assert_eq!(
        search("pista ciclabile", Some("servizi-online")).await,
        HashSet::from([other_platform])
    );
    assert!(
        search("della e il per", None).await.is_empty(),
        "only stop words: nothing"
    );
    assert!(search("astronave", None).await.is_empty());
    // Hostile syntax is only words.
    assert!(
        search("\"); DROP TABLE proposals; -- NEAR(a b) * OR", None)
            .await
            .is_empty()
    );

    let similar = authoring::similar(&viewer, PINEROLO, "Una pista ciclabile in città")
        .await
        .unwrap();
    let similar_ids: Vec<Uuid> = similar.iter().map(|s| s.id).collect();
    assert!(similar_ids.contains(&cycling), "{similar:?}");
    assert!(similar_ids.contains(&other_platform));
    assert!(
        authoring::similar(&viewer, PINEROLO, "della e il per")
            .await
            .unwrap()
            .is_empty()
    );
    // Edits re-index; withdrawn proposals are not suggested.
    authoring::edit(
        &ctx(&demo, &citizen),
        other_platform,
        &input("Mappa online dei cantieri stradali", BODY),
    )
    .await
    .unwrap();
    assert_eq!(
        search("pista ciclabile", None).await,
        HashSet::from([cycling])
    );
    authoring::withdraw(&ctx(&demo, &citizen), cycling)
        .await
        .unwrap();
    assert!(
        !authoring::similar(&viewer, PINEROLO, "piste ciclabili")
            .await
            .unwrap()
            .iter()
            .any(|s| s.id == cycling)
    );
    // The demo data is searchable too.
    let alessandria = ProposalListParams {
        cerca: Some("piste ciclabili".into()),
        ..Default::default()
    }
    .parse(1)
    .unwrap();
    let page = proposals::list(&viewer, ALESSANDRIA, &alessandria)
        .await
        .unwrap();
    assert!(
        page.items
            .iter()
            .any(|c| c.title.starts_with("Pista ciclabile continua"))
    );
}
