//! Italian by default, English on request, without JavaScript.

use crate::helpers::spawn_app;

#[tokio::test]
async fn italian_is_the_default_whatever_the_browser_says() {
    let app = spawn_app().await;
    let answer = app
        .get_with("/", &[("accept-language", "en-US,en;q=0.9")])
        .await;
    assert!(answer.body.contains("<html lang=\"it\""));
    assert!(answer.body.contains(">Processi<"));
}

#[tokio::test]
async fn the_switch_sets_a_cookie_and_returns_to_the_page() {
    let app = spawn_app().await;
    let answer = app
        .get("/lingua/en?torna=%2Fprocessi%2Fagenda-digitale-pinerolo")
        .await;
    assert_eq!(answer.status, 303);
    assert_eq!(
        answer.headers["location"],
        "/processi/agenda-digitale-pinerolo"
    );
    let cookie = answer.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("piazza_lingua=en;")
            && cookie.contains("Path=/")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let english = app
        .get_with(
            "/processi/agenda-digitale-pinerolo",
            &[("cookie", "piazza_lingua=en")],
        )
        .await;
    assert!(english.body.contains("<html lang=\"en\""));
    for text in [
        "Strategic directions",
        "Project platforms",
        "Accessibility statement",
        "Privacy notice",
    ] {
        assert!(english.body.contains(text), "English page shows {text}");
    }
    let back = app.get_with("/", &[("cookie", "piazza_lingua=it")]).await;
    assert!(back.body.contains("<html lang=\"it\""));
}

#[tokio::test]
async fn the_switch_never_redirects_elsewhere_and_knows_its_languages() {
    let app = spawn_app().await;
    for evil in [
        "https%3A%2F%2Fevil.example",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let answer = app.get(&format!("/lingua/it?torna={evil}")).await;
        assert_eq!(answer.headers["location"], "/", "{evil}");
    }
    assert_eq!(app.get("/lingua/de").await.status, 404);
}

#[tokio::test]
async fn the_switch_link_keeps_the_page_and_its_query() {
    let app = spawn_app().await;
    let html = app
        .page("/processi/agenda-digitale-pinerolo/proposte?ordine=recenti")
        .await;
    assert!(
        html.contains("href=\"/lingua/en?torna=/processi/agenda-digitale-pinerolo/proposte%3Fordine%3Drecenti\""),
        "the English link returns to the same filtered list"
    );
}
