//! The DUP's file routes; roll-ups; coverage while counts are hidden.

use super::*;

/// A multipart form post: `(name, file name if a file, content)`.
fn multipart(
    uri: &str,
    parts: &[(&str, Option<&str>, &str)],
    cookie: Option<&str>,
) -> Request<Body> {
    let boundary = "----piazzadup";
    let mut body = String::new();
    for (name, file, content) in parts {
        body.push_str(&format!("--{boundary}\r\n"));
        match file {
            Some(file) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(content);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let mut request = Request::post(uri)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("origin", ORIGIN);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn the_export_routes_send_the_file_and_the_pages_answer() {
    let app = spawn_app().await;
    let milano = edition_of(&app, MILANO).await;

    let answer = app.get(&format!("/dup/{milano}/esporta.csv")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.headers.get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        answer.headers.get("content-disposition").unwrap(),
        "attachment; filename=\"dup-2016-2018.csv\""
    );
    assert_eq!(
        answer.body.lines().next(),
        Some(HEADER.trim_end()),
        "the header line comes first"
    );
    assert_eq!(answer.body, export(&app, milano, DupFormat::Csv).await);

    let answer = app.get(&format!("/dup/{milano}/esporta.json")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.headers.get("content-type").unwrap(),
        "application/json"
    );
    assert_eq!(answer.body, export(&app, milano, DupFormat::Json).await);

    for uri in [
        format!("/dup/{}/esporta.csv", Uuid::now_v7()),
        format!("/dup/{milano}/esporta.xml"),
        "/dup/non-un-id/esporta.csv".to_owned(),
    ] {
        assert_eq!(app.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }

    // The pages read the same data.
    let transport = objective(&app, milano, "SeO-10.02.1").await;
    assert!(app.page("/dup").await.contains("DUP 2016–2018"));
    assert!(
        app.page(&format!("/dup/{milano}"))
            .await
            .contains("SeO-10.02.1")
    );
    let page = app.page(&format!("/obiettivi/{}", transport.id)).await;
    assert!(page.contains("Biglietto unico e interscambi alle stazioni"));
    assert!(page.contains("IND-10.02.1-A") || page.contains("Passeggeri del trasporto"));
    for uri in [
        format!("/processi/{MILANO}/copertura"),
        format!("/processi/{MILANO}/monitoraggio"),
    ] {
        assert!(app.page(&uri).await.contains("Biglietto unico"), "{uri}");
    }
    assert_eq!(
        app.get(&format!("/dup/{}", Uuid::now_v7())).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_import_route_takes_files_from_administrators_only() {
    let app = spawn_app().await;
    let id = new_edition(&app, "DUP via web", false).await;
    let uri = format!("/dup/{id}/importa");
    let good = format!("{HEADER}{GOOD}");

    let answer = app
        .send(
            multipart(&uri, &[("file", Some("dup.csv"), &good)], None),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(
        answer.location().starts_with("/accedi"),
        "{}",
        answer.location()
    );
    let citizen = sign_in_demo(&app, "citizen@demo.piazza.invalid").await;
    let answer = app
        .send(
            multipart(&uri, &[("file", Some("dup.csv"), &good)], Some(&citizen)),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(rows(&app, id).await, Rows::default());

    // Pasted text with a bad line: back to the edition with the problems.
    let admin = sign_in_demo(&app, "admin@demo.piazza.invalid").await;
    let bad = format!("{HEADER}programma,01,77,,,Una missione inventata,,,,,,,,\n");
    let answer = app
        .send(
            multipart(
                &uri,
                &[("file", Some(""), ""), ("testo", None, &bad)],
                Some(&admin),
            ),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        answer.location(),
        format!("/dup/{id}?importazione=1#importa")
    );
    assert_eq!(rows(&app, id).await, Rows::default());
    let page = app
        .get_as(&format!("/dup/{id}?importazione=1"), &admin)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("riga 2"), "the problem's place is shown");
    assert!(page.body.contains("Missione «77» sconosciuta o tecnica."));

    // The good file.
    let answer = app
        .send(
            multipart(&uri, &[("file", Some("dup.csv"), &good)], Some(&admin)),
            [10, 0, 0, 1],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(rows(&app, id).await.objectives, 5);
    assert_eq!(
        app.get(&format!("/dup/{id}/esporta.csv")).await.body,
        export(&app, id, DupFormat::Csv).await
    );
}
