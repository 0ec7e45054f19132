//! Images stored and served safely; the results page matches the database.

use super::*;

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0B, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];

async fn images_of(app: &TestApp, proposal_id: Uuid) -> Vec<attachment::Model> {
    attachment::Entity::find()
        .filter(attachment::Column::ProposalId.eq(proposal_id))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn images_are_stored_served_safely_and_svg_is_refused() {
    let app = spawn_app().await;
    let author = person(&app, "citizen@demo.piazza.invalid").await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let id = propose(
        &app,
        &author,
        PINEROLO,
        "territorio-connesso",
        "Panchine con ricarica solare in piazza",
        BODY,
    )
    .await;

    let uploaded = app
        .send(
            image_upload(
                id,
                &cookie,
                "panchina.png",
                "image/png",
                PNG,
                "Una panchina in piazza",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    assert_eq!(
        uploaded.location(),
        format!("/proposte/{id}?esito=immagine-aggiunta#immagini")
    );
    let stored = images_of(&app, id).await;
    assert_eq!(stored.len(), 1);
    let image = &stored[0];
    assert_eq!(image.content_type, "image/png");
    assert_eq!(image.alt_text, "Una panchina in piazza");
    assert_eq!(image.uploader_id, Some(author.id));

    let served = app.get(&format!("/immagini/{}", image.id)).await;
    assert_eq!(served.status, StatusCode::OK);
    let header = |name: &str| {
        served
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "image/png");
    assert_eq!(header("x-content-type-options"), "nosniff");
    // No scripts may run from it, whatever policy wins (see
    // `served_images_keep_their_sandbox_policy` for the sandbox itself).
    let csp = header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'") || csp.contains("script-src 'self';"),
        "the image's CSP: {csp}"
    );
    assert!(!csp.contains("nonce-"), "no page policy on an image: {csp}");
    assert!(header("content-disposition").starts_with("inline"));
    // The page shows it with its description.
    let page = app.page(&format!("/proposte/{id}")).await;
    assert!(page.contains(&format!("/immagini/{}", image.id)));
    assert!(page.contains("Una panchina in piazza"));

    // SVG (script inside) is not an image we accept, whatever it claims to be.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(1)</script></svg>";
    for (name, claimed) in [("disegno.svg", "image/svg+xml"), ("finta.png", "image/png")] {
        let refused = app
            .send(
                image_upload(id, &cookie, name, claimed, svg, "Un disegno vettoriale"),
                [10, 0, 0, 1],
            )
            .await;
        assert!(refused.status.is_redirection(), "{}", refused.status);
        assert!(
            refused.location().contains("errore-immagine="),
            "{}",
            refused.location()
        );
    }
    // No description: refused too.
    let no_alt = app
        .send(
            image_upload(id, &cookie, "panchina.png", "image/png", PNG, " "),
            [10, 0, 0, 1],
        )
        .await;
    assert!(no_alt.location().contains("errore-immagine=descrizione"));
    assert_eq!(images_of(&app, id).await.len(), 1, "nothing else stored");

    // Only the author attaches images; anonymous people are sent to sign in.
    let other = sign_in_demo(&app, "citizen-2@demo.piazza.invalid").await;
    let forbidden = app
        .send(
            image_upload(
                id,
                &other,
                "panchina.png",
                "image/png",
                PNG,
                "Non sono l'autore",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let anonymous = app
        .send(
            image_upload(
                id,
                "piazza_sessione=",
                "panchina.png",
                "image/png",
                PNG,
                "Anonimo",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert!(
        anonymous.location().starts_with("/accedi"),
        "{}",
        anonymous.location()
    );
    assert_eq!(images_of(&app, id).await.len(), 1);
    assert_eq!(
        app.get(&format!("/immagini/{}", Uuid::now_v7()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/immagini/non-un-id").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The image route answers `Content-Security-Policy: default-src 'none';
/// sandbox`, so an image opened directly can never act as a document.
#[tokio::test]
async fn served_images_keep_their_sandbox_policy() {
    let app = spawn_app().await;
    let author = person(&app, "citizen@demo.piazza.invalid").await;
    let cookie = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let id = propose(
        &app,
        &author,
        PINEROLO,
        "territorio-connesso",
        "Una fontanella in ogni parco giochi",
        BODY,
    )
    .await;
    let uploaded = app
        .send(
            image_upload(
                id,
                &cookie,
                "fontana.png",
                "image/png",
                PNG,
                "La fontanella",
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert!(uploaded.location().contains("esito=immagine-aggiunta"));
    let image = images_of(&app, id).await.remove(0);
    let served = app.get(&format!("/immagini/{}", image.id)).await;
    assert_eq!(served.status, StatusCode::OK);
    let csp = served
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("sandbox"), "the image's CSP: {csp}");
    assert!(csp.contains("default-src 'none'"), "the image's CSP: {csp}");
}

// ---------------------------------------------------------------------------
// 11. Results
// ---------------------------------------------------------------------------

/// The rows of the table `table_id`: (name, numbers in the cells).
fn table_rows(html: &str, table_id: &str) -> Vec<(String, Vec<u64>)> {
    let start = html
        .find(&format!("id=\"{table_id}\""))
        .unwrap_or_else(|| panic!("table {table_id}"));
    let end = start + html[start..].find("</table>").expect("the table ends");
    let strip = |s: &str| -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in s.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.trim().to_owned()
    };
    html[start..end]
        .split("<tr")
        .filter(|row| row.contains("scope=\"row\""))
        .map(|row| {
            let name = row
                .split("<th")
                .nth(1)
                .and_then(|th| th.split_once('>'))
                .map(|(_, rest)| strip(rest.split("</th>").next().unwrap_or_default()))
                .unwrap_or_default();
            let numbers = row
                .split("<td")
                .skip(1)
                .map(|td| {
                    let text = strip(&format!("<td{}", td.split("</td>").next().unwrap()));
                    text.chars()
                        .filter(char::is_ascii_digit)
                        .collect::<String>()
                        .parse()
                        .unwrap_or_else(|_| panic!("a number in {text:?}"))
                })
                .collect();
            (name, numbers)
        })
        .collect()
}

#[tokio::test]
async fn results_page_totals_match_the_database() {
    let app = spawn_app().await;
    // One more support first, so the page reflects live data.
    let cookie = sign_in_demo(&app, "verified@demo.piazza.invalid").await;
    let voted = published_in(&app, ALESSANDRIA, "universita-ricerca").await[0];
    let given = app
        .post_form(
            "/api/supports/give",
            &[("id", &voted.to_string())],
            Some(&cookie),
        )
        .await;
    assert!(given.location().contains("esito=sostegno-dato"));

    let answer = app.get(&format!("/processi/{ALESSANDRIA}/risultati")).await;
    assert_eq!(answer.status, StatusCode::OK);
    let html = &answer.body;
    assert!(html.contains("<svg"), "a chart");
    assert!(html.contains("<table"), "a table");

    let process = process_row(&app, ALESSANDRIA).await;
    let platforms = platform::Entity::find()
        .filter(platform::Column::ProcessId.eq(process.id))
        .all(&app.db)
        .await
        .unwrap();
    let rows = proposal::Entity::find()
        .filter(proposal::Column::ProcessId.eq(process.id))
        .filter(proposal::Column::State.ne("withdrawn"))
        .all(&app.db)
        .await
        .unwrap();
    let mut expected: HashMap<String, (u64, u64)> = HashMap::new();
    for p in &platforms {
        expected.insert(p.title.clone(), (0, 0));
    }
    for row in &rows {
        let title = &platforms
            .iter()
            .find(|p| p.id == row.platform_id)
            .unwrap()
            .title;
        let entry = expected.get_mut(title).unwrap();
        entry.0 += 1;
        entry.1 += row.support_count as u64;
    }
    let shown = table_rows(html, "grafico-piattaforme-table");
    assert_eq!(shown.len(), platforms.len(), "{shown:?}");
    for (name, numbers) in &shown {
        let (proposals, supports) = expected
            .get(name)
            .unwrap_or_else(|| panic!("unknown platform {name:?}"));
        assert_eq!(numbers[0], *proposals, "{name}: proposals");
        assert_eq!(
            numbers[1], *supports,
            "{name}: supports = SUM(support_count)"
        );
    }
    let universita = platforms
        .iter()
        .find(|p| p.slug == "universita-ricerca")
        .unwrap();
    let total_supports: u64 = shown.iter().map(|(_, n)| n[1]).sum();
    let all_rows = support::Entity::find().all(&app.db).await.unwrap();
    let in_process: HashSet<Uuid> = rows.iter().map(|r| r.id).collect();
    assert_eq!(
        total_supports,
        all_rows
            .iter()
            .filter(|s| in_process.contains(&s.proposal_id))
            .count() as u64,
        "the totals count the supports rows"
    );
    assert!(shown.iter().any(|(name, _)| *name == universita.title));

    // The service says the same.
    let results = supports::results(&Ctx::new(app.db.clone(), Actor::Anonymous), ALESSANDRIA)
        .await
        .unwrap();
    assert!(results.visible);
    for row in &results.by_platform {
        assert_eq!(expected[&row.name].1, row.supports, "{}", row.name);
    }
    // While a voting phase hides counts, the results are hidden too.
    phase::Entity::update_many()
        .col_expr(phase::Column::SupportCountsVisible, Expr::value(false))
        .filter(phase::Column::ProcessId.eq(process.id))
        .filter(phase::Column::Kind.eq("voting"))
        .exec(&app.db)
        .await
        .unwrap();
    let hidden = supports::results(&Ctx::new(app.db.clone(), Actor::Anonymous), ALESSANDRIA)
        .await
        .unwrap();
    assert!(!hidden.visible && hidden.by_platform.is_empty());
    let page = app
        .page(&format!("/processi/{ALESSANDRIA}/risultati"))
        .await;
    assert!(!page.contains("grafico-piattaforme-table"));
}
