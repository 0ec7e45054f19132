//! The proposal list: filters, sorts and keyset pagination at the edges.

use std::collections::HashSet;

use crate::helpers::{next_link, proposal_links, spawn_app, support_counts};

const ALESSANDRIA: &str = "/processi/piano-strategico-alessandria-2030";

/// Follows "next page" links from `start`; returns every page's proposal ids.
async fn walk(app: &crate::helpers::TestApp, start: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut uri = Some(start.to_owned());
    while let Some(current) = uri {
        let html = app.page(&current).await;
        pages.push(proposal_links(&html));
        uri = next_link(&html);
        assert!(pages.len() < 50, "pagination ends");
    }
    pages
}

#[tokio::test]
async fn pages_cover_every_visible_proposal_once_in_support_order() {
    let app = spawn_app().await;
    let first = app.page(&format!("{ALESSANDRIA}/proposte")).await;
    // 53 demo proposals, one withdrawn and hidden by default.
    assert!(first.contains("Proposte trovate: 52"), "total shown");
    let counts = support_counts(&first);
    assert_eq!(counts.len(), 20, "a full first page");
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most supported first: {counts:?}"
    );

    let pages = walk(&app, &format!("{ALESSANDRIA}/proposte")).await;
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![20, 20, 12],
        "last page holds the rest"
    );
    let all: HashSet<&String> = pages.iter().flatten().collect();
    assert_eq!(all.len(), 52, "no proposal repeated or skipped");

    let last = app
        .page(&next_link(&app.page(&next_link(&first).unwrap()).await).unwrap())
        .await;
    assert!(next_link(&last).is_none(), "no next link on the last page");
    assert!(last.contains("Torna all'inizio"));
}

#[tokio::test]
async fn newest_first_is_ordered_by_publication() {
    let app = spawn_app().await;
    let pages = walk(&app, &format!("{ALESSANDRIA}/proposte?ordine=recenti")).await;
    let all: Vec<&String> = pages.iter().flatten().collect();
    assert_eq!(all.len(), 52);
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 52);
    let html = app
        .page(&format!("{ALESSANDRIA}/proposte?ordine=recenti"))
        .await;
    assert!(
        html.contains("<option value=\"recenti\" selected"),
        "the chosen sort stays selected"
    );
}

#[tokio::test]
async fn random_order_is_stable_for_a_seed_and_differs_between_seeds() {
    let app = spawn_app().await;
    let seven = walk(
        &app,
        &format!("{ALESSANDRIA}/proposte?ordine=casuale&seme=7"),
    )
    .await;
    assert_eq!(
        seven,
        walk(
            &app,
            &format!("{ALESSANDRIA}/proposte?ordine=casuale&seme=7")
        )
        .await,
        "same seed, same order"
    );
    assert_eq!(
        seven.iter().flatten().collect::<HashSet<_>>().len(),
        52,
        "every proposal once"
    );
    let eight = walk(
        &app,
        &format!("{ALESSANDRIA}/proposte?ordine=casuale&seme=8"),
    )
    .await;
    assert_ne!(seven, eight, "another seed, another order");
    // Without a seed the server picks one and carries it into the next page.
    let html = app
        .page(&format!("{ALESSANDRIA}/proposte?ordine=casuale"))
        .await;
    assert!(next_link(&html).expect("next").contains("seme="));
}

#[tokio::test]
async fn filters_narrow_the_list_and_stay_in_the_links() {
    let app = spawn_app().await;
    let process = app.page(ALESSANDRIA).await;
    let zone: String = process
        .split("proposte?zona=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let html = app
        .page(&format!("{ALESSANDRIA}/proposte?zona={zone}"))
        .await;
    let ids = proposal_links(&html);
    assert!(
        !ids.is_empty() && ids.len() < 52,
        "the zone filter narrows the list"
    );
    assert!(
        html.contains(&format!("<option value=\"{zone}\" selected")),
        "the chosen zone stays selected"
    );
    let zone_name: String = process
        .split(&format!("proposte?zona={zone}\">"))
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    let zone_labels = html
        .matches(&format!("<span class=\"proposal-zone\">{zone_name}</span>"))
        .count();
    assert_eq!(
        zone_labels,
        ids.len(),
        "every listed proposal is in {zone_name}"
    );

    // Platform and state combine; states are named in Italian in the URL.
    let html = app
        .page(&format!("{ALESSANDRIA}/proposte?stato=in_valutazione"))
        .await;
    assert_eq!(
        proposal_links(&html).len(),
        4,
        "four proposals under evaluation"
    );
    assert!(html.contains("Proposte trovate: 4"));
    assert!(next_link(&html).is_none(), "one page only");

    // Withdrawn ones are listed only when asked for.
    assert_eq!(
        proposal_links(
            &app.page(&format!("{ALESSANDRIA}/proposte?stato=ritirata"))
                .await
        )
        .len(),
        1
    );

    // A filter that matches nothing says so.
    let html = app
        .page(&format!("{ALESSANDRIA}/proposte?stato=unita"))
        .await;
    assert!(html.contains("Nessuna proposta corrisponde ai filtri scelti."));
    assert!(proposal_links(&html).is_empty());
}

#[tokio::test]
async fn a_full_filter_set_keeps_every_parameter_across_pages() {
    let app = spawn_app().await;
    let html = app
        .page(&format!(
            "{ALESSANDRIA}/proposte?stato=pubblicata&ordine=recenti"
        ))
        .await;
    let next = next_link(&html).expect("more than one page of published proposals");
    assert!(
        next.contains("stato=pubblicata")
            && next.contains("ordine=recenti")
            && next.contains("dopo="),
        "{next}"
    );
}

#[tokio::test]
async fn bad_parameters_answer_400_and_name_the_field_in_italian() {
    let app = spawn_app().await;
    for (query, label) in [
        ("stato=boh", "Stato"),
        ("ordine=alfabetico", "Ordina per"),
        ("zona=atlantide", "Zona omogenea"),
        (
            "piattaforma=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "Piattaforma",
        ),
        ("dopo=zzz", "pagina"),
        (
            "ordine=recenti&dopo=s5_0198f0a2b7c47d2a9c6e1f2a3b4c5d6e",
            "pagina",
        ),
    ] {
        let answer = app.get(&format!("{ALESSANDRIA}/proposte?{query}")).await;
        assert_eq!(answer.status, 400, "{query}");
        assert!(
            answer
                .body
                .contains(&format!("Il valore indicato per «{label}» non è valido")),
            "{query}: names {label}"
        );
        assert!(
            answer.body.contains("Applica filtri"),
            "{query}: the form is still there to fix it"
        );
        assert!(
            !answer.body.contains("<script>alert(1)"),
            "{query}: nothing echoed unescaped"
        );
    }
}

#[tokio::test]
async fn an_unknown_process_has_no_list() {
    let app = spawn_app().await;
    assert_eq!(app.get("/processi/non-esiste/proposte").await.status, 404);
}
