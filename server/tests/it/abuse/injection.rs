//! Sixty payloads through every field a citizen or facilitator writes that
//! reaches a page, in its body and its head: proposal titles and texts,
//! authors' names, comments, a process's title and description, a project's
//! title, and a search query reflected back. No page may carry markup a
//! payload made, and the document's title keeps the text as typed.

use shared::model::facilitation::ProcessInput;
use shared::model::participation::ProposalInput;
use shared::service::participation::{authoring, comments};
use shared::service::processes::editing;
use shared::testing::plan::merge_two_titled;
use shared::testing::{PINEROLO, ctx, fresh_person, person};

use super::{assert_inert, payloads, tokenize};
use crate::helpers::{encode, spawn_app};

#[tokio::test]
async fn no_payload_becomes_markup_in_any_page_body_or_head() {
    let app = spawn_app().await;
    let payloads = payloads();
    assert_eq!(payloads.len(), 60);

    // Each payload is a proposal's title and text, by an author named with it.
    let mut proposals = Vec::new();
    for payload in &payloads {
        let author = fresh_person(&app, payload).await;
        let title = format!("Proposta {payload}");
        let body = format!("Un testo abbastanza lungo per essere valido. {payload}\n\n{payload}");
        let input = ProposalInput::parse(&title, &body, None, None).expect("a valid proposal");
        let id = authoring::create(&ctx(&app, &author), PINEROLO, "servizi-online", &input)
            .await
            .unwrap_or_else(|e| panic!("{payload}: {e:?}"));
        proposals.push((id, title));
    }
    // Ampersands and text that looks like an entity read as typed, too.
    let plain = "Ponte & strada &lt;nuovo&gt; per tutti";
    let citizen = person(&app, "citizen@demo.piazza.invalid").await;
    let input = ProposalInput::parse(
        plain,
        &format!("{plain}, un testo abbastanza lungo."),
        None,
        None,
    )
    .unwrap();
    let id = authoring::create(&ctx(&app, &citizen), PINEROLO, "servizi-online", &input)
        .await
        .unwrap();
    proposals.push((id, plain.to_owned()));
    // And a comment under the first proposal.
    let commenter = person(&app, "citizen@demo.piazza.invalid").await;
    for payload in &payloads[..30] {
        comments::post(
            &ctx(&app, &commenter),
            proposals[0].0,
            None,
            payload,
            "neutro",
        )
        .await
        .expect("a valid comment");
    }
    let other = person(&app, "citizen-2@demo.piazza.invalid").await;
    for payload in &payloads[30..] {
        comments::post(&ctx(&app, &other), proposals[0].0, None, payload, "neutro")
            .await
            .expect("a valid comment");
    }

    for (id, title) in &proposals {
        let page = app.page(&format!("/proposte/{id}")).await;

        assert_inert(&page, &format!("the page of {title}"));
        let head_title = tokenize(&page).title;
        assert!(
            head_title.starts_with(title.as_str()),
            "the title says what was typed: {head_title:?} for {title:?}"
        );
    }
    for path in [
        format!("/processi/{PINEROLO}/proposte"),
        format!("/processi/{PINEROLO}/proposte?ordine=recenti"),
        format!("/processi/{PINEROLO}/piattaforme/servizi-online"),
        format!("/processi/{PINEROLO}"),
    ] {
        assert_inert(&app.page(&path).await, &path);
    }
    // A query is written back into the page (the search box, the heading).
    for payload in &payloads {
        let path = format!("/processi/{PINEROLO}/proposte?q={}", encode(payload));
        assert_inert(&app.page(&path).await, &path);
    }

    // A facilitator's text: the process's title and description.
    let facilitator = person(&app, "facilitator-pinerolo@demo.piazza.invalid").await;
    let editor = editing::editor(&ctx(&app, &facilitator), PINEROLO)
        .await
        .unwrap();
    for payload in payloads.iter().step_by(7) {
        let p = &editor.process;
        let input = ProcessInput::parse(
            PINEROLO,
            &format!("Agenda {payload}"),
            &p.organization,
            &p.scope,
            &format!("Sintesi {payload}"),
            &format!("Descrizione {payload}"),
        )
        .expect("a valid process");
        editing::update_process(&ctx(&app, &facilitator), PINEROLO, &input)
            .await
            .unwrap();
        let page = app.page(&format!("/processi/{PINEROLO}")).await;
        assert_inert(&page, &format!("the process titled with {payload}"));
        assert!(
            tokenize(&page)
                .title
                .starts_with(&format!("Agenda {payload}"))
        );
        let page = app.page(&format!("/proposte/{}", proposals[1].0)).await;
        assert_inert(&page, "a proposal of that process");
    }

    // A project's title.
    for payload in payloads.iter().skip(3).step_by(12) {
        let (project, _) = merge_two_titled(&app, &format!("Progetto {payload}")).await;
        let page = app.page(&format!("/progetti/{project}")).await;
        assert_inert(&page, &format!("the project titled with {payload}"));
        assert!(
            tokenize(&page)
                .title
                .starts_with(&format!("Progetto {payload}"))
        );
    }
}
