//! Every public page answers 200 with its content in the server-rendered HTML.

use sea_orm::ConnectionTrait;
use shared::service::{Actor, Ctx};

use crate::helpers::{proposal_links, spawn_app};

const ALESSANDRIA: &str = "/processi/piano-strategico-alessandria-2030";

#[tokio::test]
async fn home_lists_every_process_with_its_timeline() {
    let app = spawn_app().await;
    // Milan's plan is monitored until 2030: end its monitoring in 2019 to
    // see a concluded process.
    app.db
        .execute_unprepared(
            "UPDATE phases SET ends_on = '2019-12-31' WHERE kind = 'monitoring' AND process_id = \
             (SELECT id FROM processes WHERE slug = 'piano-strategico-metropolitano-milano')",
        )
        .await
        .expect("phase shortened");
    shared::service::processes::phases::advance_on_schedule(&Ctx::new(
        app.db.clone(),
        Actor::System,
    ))
    .await
    .expect("phases follow their dates");
    let html = app.page("/").await;
    assert!(html.contains("<html lang=\"it\""), "Italian by default");
    for title in [
        "Alessandria 2030",
        "Agenda digitale di Pinerolo",
        "Piano strategico triennale del territorio metropolitano di Mil",
    ] {
        assert!(html.contains(title), "home lists {title}");
    }
    assert!(html.contains("class=\"phase-timeline\""));
    // Alessandria is voting today; Milan's plan ended in 2019.
    assert!(
        html.contains("phase-timeline-item is-current"),
        "a current phase is highlighted"
    );
    assert!(html.contains("Il processo è concluso."));
    assert!(
        html.contains("<time datetime=\"2015-04-01\">1 aprile 2015</time>"),
        "dates in Italian"
    );
    for link in [
        "href=\"/accessibilita\"",
        "href=\"/privacy\"",
        "Dichiarazione di accessibilità",
        "Informativa privacy",
    ] {
        assert!(html.contains(link), "footer has {link}");
    }
}

#[tokio::test]
async fn process_page_shows_description_phases_directions_platforms_zones_and_figures() {
    let app = spawn_app().await;
    let html = app
        .page("/processi/piano-strategico-metropolitano-milano")
        .await;
    for expected in [
        "Città metropolitana di Milano",
        "Mappa delle idee",
        "Agile e performante",
        "Semplificare procedure e accesso ai servizi",
        "Coesa e cooperante",
        "Pianificazione territoriale",
        "Trasporti",
        "Alto Milanese",
        "Magentino e Abbiatense",
        "class=\"stat-value\"",
        "Dati dimostrativi",
        "class=\"prose\"",
    ] {
        assert!(html.contains(expected), "process page shows {expected}");
    }
    // Phases say what they allow.
    assert!(html.contains("presentare proposte"));
    // The description is rendered Markdown, headings demoted below the page's h1.
    assert_eq!(html.matches("<h1").count(), 1, "exactly one h1");
}

#[tokio::test]
async fn process_figures_count_proposals_supports_and_distinct_participants() {
    let app = spawn_app().await;
    let html = app.page("/processi/agenda-digitale-pinerolo").await;
    // Pinerolo's demo: 19 proposals, all published.
    assert!(
        html.contains(
            "<span class=\"stat-value\">19</span> <span class=\"stat-label\">proposte</span>"
        ),
        "proposal count"
    );
    let participants = html
        .split("<span class=\"stat-value\">")
        .nth(3)
        .and_then(|s| s.split('<').next())
        .expect("participants figure");
    let participants: u64 = participants.replace('.', "").parse().expect("a number");
    assert!(
        participants > 19 && participants <= 150 + 19,
        "distinct people, not contributions: {participants}"
    );
}

#[tokio::test]
async fn platform_page_shows_the_platform_and_its_top_proposals() {
    let app = spawn_app().await;
    let process = app.page(ALESSANDRIA).await;
    let platform_href = process
        .split("href=\"/processi/piano-strategico-alessandria-2030/piattaforme/")
        .nth(1)
        .expect("a platform link");
    let slug: String = platform_href.chars().take_while(|c| *c != '"').collect();
    let html = app.page(&format!("{ALESSANDRIA}/piattaforme/{slug}")).await;
    assert!(html.contains("Piattaforma progettuale"));
    assert!(
        html.contains(&format!("proposte?piattaforma={slug}")),
        "links to its full list"
    );
    assert!(!proposal_links(&html).is_empty(), "shows proposals");
    assert!(
        app.get(&format!("{ALESSANDRIA}/piattaforme/non-esiste"))
            .await
            .status
            == 404
    );
}

#[tokio::test]
async fn proposal_page_shows_body_author_platform_zone_state_and_supports() {
    let app = spawn_app().await;
    let list = app.page(&format!("{ALESSANDRIA}/proposte")).await;
    let first = proposal_links(&list)
        .into_iter()
        .next()
        .expect("a proposal");
    let html = app.page(&format!("/proposte/{first}")).await;
    for expected in [
        "class=\"prose\"",
        "Autore",
        "Piattaforma",
        "Zona",
        "sostegni",
        "class=\"badge",
        "Pubblicata il",
    ] {
        assert!(html.contains(expected), "proposal page shows {expected}");
    }
    assert!(html.contains("<strong>"), "Markdown rendered");
    let author = html
        .split("<dt>Autore</dt><dd>")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("author shown");
    assert!(author.contains("demo"), "demo authors are marked: {author}");
    assert_eq!(html.matches("<h1").count(), 1);
}

#[tokio::test]
async fn legal_pages_answer() {
    let app = spawn_app().await;
    assert!(app.page("/accessibilita").await.contains("WCAG 2.1"));
    assert!(app.page("/privacy").await.contains("GDPR"));
}

#[tokio::test]
async fn an_empty_instance_says_so() {
    let app = crate::helpers::spawn_empty_app().await;
    assert!(
        app.page("/")
            .await
            .contains("Non ci sono ancora processi partecipativi.")
    );
}
