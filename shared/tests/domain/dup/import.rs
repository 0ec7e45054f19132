//! Importing a DUP: the tree, line-by-line problems, round trips and updates in place.

use super::*;
use shared::testing::*;

#[tokio::test]
async fn a_good_csv_builds_the_tree_with_resources_and_indicators() {
    let demo = demo_db().await;
    let admin = admin(&demo).await;
    let anon = anonymous(&demo);
    let id = new_edition(&demo, "DUP 2026–2028", false).await;
    assert_eq!(rows(&demo, id).await, Rows::default());

    let outcome = imported(editions::import(&admin, id, &format!("{HEADER}{GOOD}")).await);
    assert_eq!(
        outcome,
        ImportOutcome {
            created: GOOD_ITEMS,
            updated: 0,
            unchanged: 0,
        }
    );
    assert_eq!(
        rows(&demo, id).await,
        Rows {
            programmes: 3,
            objectives: 5,
            resources: 3,
            indicators: 3,
            values: 4,
        }
    );

    // The list of editions.
    let list = editions::editions(&anon).await.unwrap();
    assert!(!list.can_manage);
    assert!(editions::editions(&admin).await.unwrap().can_manage);
    let summary = list
        .editions
        .iter()
        .find(|e| e.id == id)
        .expect("the new edition is listed");
    assert_eq!(
        (
            summary.organization.as_str(),
            summary.title.as_str(),
            summary.first_year,
            summary.last_year,
            summary.simplified,
            summary.objective_count,
        ),
        ("Comune di Prova", "DUP 2026–2028", 2026, 2028, false, 5)
    );
    assert!(summary.processes.is_empty());

    // The tree: missions with something in them, in order.
    let detail = editions::edition(&anon, id).await.unwrap();
    assert!(!detail.can_manage);
    assert!(editions::edition(&admin, id).await.unwrap().can_manage);
    assert_eq!(detail.summary.objective_count, 5);
    let missions: Vec<(&str, &str)> = detail
        .missions
        .iter()
        .map(|m| (m.code.as_str(), m.title.as_str()))
        .collect();
    assert_eq!(
        missions,
        vec![
            ("10", "Trasporti e diritto alla mobilità"),
            ("12", "Diritti sociali, politiche sociali e famiglia"),
        ]
    );
    let transport = &detail.missions[0];
    assert_eq!(
        transport
            .strategic
            .iter()
            .map(|o| (o.code.as_str(), o.level, o.parent_code.clone()))
            .collect::<Vec<_>>(),
        vec![("SeS-10.1", ObjectiveLevel::Strategic, None)]
    );
    let programmes: Vec<(&str, &str, Vec<&str>)> = transport
        .programmes
        .iter()
        .map(|p| {
            (
                p.code.as_str(),
                p.title.as_str(),
                p.objectives.iter().map(|o| o.code.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        programmes,
        vec![
            ("02", "Trasporto pubblico locale", vec!["SeO-10.02.1"]),
            (
                "05",
                "Viabilità e infrastrutture stradali",
                vec!["SeO-10.05.1"]
            ),
        ]
    );
    let bus = &transport.programmes[0].objectives[0];
    assert_eq!(bus.level, ObjectiveLevel::Operational);
    assert_eq!(bus.title, "Nuove linee di autobus nei quartieri");
    assert_eq!(bus.parent_code.as_deref(), Some("SeS-10.1"));
    assert_eq!(bus.office, "Settore mobilità");
    assert_eq!(bus.link_count, 0);
    let social = &detail.missions[1];
    assert_eq!(social.strategic[0].code, "SeS-12.1");
    assert_eq!(social.programmes[0].objectives[0].code, "SeO-12.01.1");

    // The objective page: resources to the cent, indicators per year.
    let page = objectives::objective(&anon, bus.id).await.unwrap();
    assert_eq!(page.objective.code, "SeO-10.02.1");
    assert_eq!(page.objective.mission_code, "10");
    assert_eq!(page.edition.key, id.to_string());
    assert_eq!(page.edition.name, "Comune di Prova – DUP 2026–2028");
    assert_eq!(page.mission_title, "Trasporti e diritto alla mobilità");
    assert_eq!(
        page.programme,
        Some(NamedRef {
            key: "02".into(),
            name: "Trasporto pubblico locale".into(),
        })
    );
    assert_eq!(
        page.parent.as_ref().map(|p| (p.code.as_str(), p.level)),
        Some(("SeS-10.1", ObjectiveLevel::Strategic))
    );
    assert!(page.children.is_empty());
    assert_eq!(page.office, "Settore mobilità");
    assert!(
        page.description_html.contains("<strong>serali</strong>"),
        "{}",
        page.description_html
    );
    assert_eq!(
        page.resources,
        vec![
            ResourceYear {
                year: 2026,
                cents: 125_000_050,
            },
            ResourceYear {
                year: 2027,
                cents: 90_000_000,
            },
        ]
    );
    let indicators: Vec<_> = page
        .indicators
        .iter()
        .map(|i| {
            (
                i.code.as_str(),
                i.name.as_str(),
                i.unit.as_str(),
                i.baseline,
                i.years.clone(),
            )
        })
        .collect();
    assert_eq!(
        indicators,
        vec![
            (
                "IND-1",
                "Passeggeri annui",
                "migliaia",
                Some(1200.0),
                vec![
                    IndicatorYear {
                        year: 2026,
                        target: Some(1300.0),
                        actual: Some(1280.0),
                    },
                    IndicatorYear {
                        year: 2027,
                        target: Some(1400.0),
                        actual: None,
                    },
                ]
            ),
            (
                "IND-2",
                "Linee serali attive",
                "linee",
                Some(2.5),
                vec![IndicatorYear {
                    year: 2028,
                    target: Some(7.25),
                    actual: None,
                }]
            ),
        ]
    );
    assert_eq!(page.indicators[0].years[0].gap(), Some(-20.0));
    assert!(page.links.is_empty() && page.progress.is_empty());

    // Seven cents stay seven cents; an indicator with only an actual value.
    let nursery = objective(&demo, id, "SeO-12.01.1").await;
    let page = objectives::objective(&anon, nursery.id).await.unwrap();
    assert_eq!(
        page.resources,
        vec![ResourceYear {
            year: 2028,
            cents: 7,
        }]
    );
    assert_eq!(page.indicators.len(), 1);
    assert_eq!(page.indicators[0].baseline, None);
    assert_eq!(
        page.indicators[0].years,
        vec![IndicatorYear {
            year: 2026,
            target: None,
            actual: Some(310.0),
        }]
    );

    // The strategic objective lists its operational ones in code order.
    let strategic = objective(&demo, id, "SeS-10.1").await;
    let page = objectives::objective(&anon, strategic.id).await.unwrap();
    assert_eq!(page.objective.level, ObjectiveLevel::Strategic);
    assert_eq!(
        page.children
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        vec!["SeO-10.02.1", "SeO-10.05.1"]
    );
    assert_eq!(page.parent, None);
    assert_eq!(page.programme, None);
    assert!(page.resources.is_empty() && page.indicators.is_empty());
    assert!(page.description_html.contains("Meno auto e più autobus"));
}

#[tokio::test]
async fn every_bad_line_is_named_in_italian_and_nothing_is_written() {
    let demo = demo_db().await;
    let admin = admin(&demo).await;
    let id = new_edition(&demo, "DUP con errori", false).await;

    let bad = format!(
        "{HEADER}\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_strategico,SeS-10.1,10,,,Una città che si muove meglio,,,,,,,,
obiettivo_operativo,SeO-10.02.1,10,02,SeS-10.1,Nuove linee di autobus,,Settore mobilità,,,,,,
programma,01,77,,,Una missione inventata,,,,,,,,
programma,01,20,,,Fondo di riserva,,,,,,,,
obiettivo_operativo,SeO-12.02.1,12,02,SeS-10.1,Programma di un'altra missione,,,,,,,,
obiettivo_operativo,SeO-10.02.2,10,02,SeS-99,Padre che non esiste,,,,,,,,
indicatore,IND-9,,,SeO-99,Indicatore senza obiettivo,,,,,numero,,,
obiettivo_strategico,SeS-10.1,10,,,Lo stesso codice due volte,,,,,,,,
risorse,,,,SeO-10.02.1,,,,2026,tanti,,,,
indicatore,IND-1,,,SeO-10.02.1,Passeggeri annui,,,,,migliaia,1200,,
valore,,,,IND-1,,,,2026,,,,molti,
risorse,,,,SeO-99.1,,,,2026,100,,,,
valore,,,,IND-99,,,,2026,,,,5,
"
    );
    let problems = rejected(editions::import(&admin, id, &bad).await);
    assert_eq!(
        lines_and_messages(&problems),
        vec![
            (Some(5), "Missione «77» sconosciuta o tecnica."),
            (Some(6), "Missione «20» sconosciuta o tecnica."),
            (Some(7), "Programma «02» non presente nella missione 12."),
            (Some(8), "Obiettivo strategico «SeS-99» non trovato."),
            (Some(9), "Obiettivo operativo «SeO-99» non trovato."),
            (Some(10), "Codice «SeS-10.1» duplicato (già in riga 3)."),
            (Some(11), "Importo «tanti» non è un numero."),
            (Some(13), "Valore atteso «molti» non è un numero."),
            (Some(14), "Obiettivo operativo «SeO-99.1» non trovato."),
            (Some(15), "Indicatore «IND-99» non trovato."),
        ]
    );
    for p in &problems {
        assert_eq!(p.place, format!("riga {}", p.line.unwrap()));
    }
    // The good lines were not written either.
    assert_eq!(rows(&demo, id).await, Rows::default());

    // Over an edition with content: a bad line keeps the good changes out.
    imported(editions::import(&admin, id, &format!("{HEADER}{GOOD}")).await);
    let before = rows(&demo, id).await;
    let csv_before = export(&demo, id, DupFormat::Csv).await;
    let edited = format!(
        "{HEADER}{}programma,03,10,,,Trasporto ferroviario,,,,,,,,\n\
         risorse,,,,SeO-10.05.1,,,,2027,12.34.5,,,,\n",
        GOOD.replace(
            "Nuove linee di autobus nei quartieri",
            "Un titolo che non deve arrivare",
        )
    );
    let problems = rejected(editions::import(&admin, id, &edited).await);
    assert_eq!(
        lines_and_messages(&problems),
        vec![(Some(21), "Importo «12.34.5» non è un numero.")]
    );
    assert_eq!(rows(&demo, id).await, before);
    assert_eq!(export(&demo, id, DupFormat::Csv).await, csv_before);
    assert_eq!(
        objective(&demo, id, "SeO-10.02.1").await.title,
        "Nuove linee di autobus nei quartieri"
    );

    // A problem found only while writing (a code changing level) rolls
    // back what was already written in the same import.
    let level_change = format!(
        "{HEADER}\
programma,03,10,,,Trasporto ferroviario,,,,,,,,
obiettivo_strategico,SeS-10.9,10,,,Treni più frequenti,,,,,,,,
obiettivo_operativo,SeS-10.1,10,03,SeS-10.9,Un codice strategico usato come operativo,,,,,,,,
"
    );
    let problems = rejected(editions::import(&admin, id, &level_change).await);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, None);
    assert_eq!(problems[0].place, "codice SeS-10.1");
    assert_eq!(
        problems[0].message,
        "Il codice «SeS-10.1» nell'edizione è un obiettivo strategico: non può cambiare livello."
    );
    assert_eq!(rows(&demo, id).await, before);
    assert_eq!(export(&demo, id, DupFormat::Csv).await, csv_before);
    assert_eq!(
        count_sql(
            &demo,
            "SELECT COUNT(*) FROM dup_objectives WHERE edition_id = ? AND code = 'SeS-10.9'",
            vec![id.into()],
        )
        .await,
        0
    );

    // Missing columns, an empty file.
    let problems = rejected(editions::import(&admin, id, "tipo,codice\nprogramma,01\n").await);
    assert_eq!(problems[0].line, Some(1));
    assert!(
        problems[0]
            .message
            .starts_with("Mancano le colonne: missione, programma"),
        "{}",
        problems[0].message
    );
    assert_eq!(
        field_of(editions::import(&admin, id, "  \n").await),
        ("file".to_owned(), FieldProblem::Empty)
    );
    assert!(matches!(
        editions::import(&admin, Uuid::now_v7(), &format!("{HEADER}{GOOD}")).await,
        Err(ServiceError::NotFound(_))
    ));
    assert_eq!(rows(&demo, id).await, before);
}

#[tokio::test]
async fn exports_import_back_to_the_same_text_and_reimporting_changes_nothing() {
    let demo = demo_db().await;
    let admin = admin(&demo).await;
    let milano = edition_of(&demo, MILANO).await;
    let milano_rows = rows(&demo, milano).await;
    assert!(milano_rows.objectives > 10 && milano_rows.indicators > 3);

    let (name, media, csv) = editions::export(&anonymous(&demo), milano, DupFormat::Csv)
        .await
        .unwrap();
    assert_eq!(name, "dup-2016-2018.csv");
    assert_eq!(media, "text/csv; charset=utf-8");
    assert!(csv.starts_with(HEADER), "{}", &csv[..200]);
    // Amounts in euro with a decimal comma, no thousands separator.
    assert!(
        csv.contains("\nrisorse,,,,SeO-10.02.1,,,,2016,1500000,,,,\n"),
        "{csv}"
    );
    let (name, media, json) = editions::export(&anonymous(&demo), milano, DupFormat::Json)
        .await
        .unwrap();
    assert_eq!(name, "dup-2016-2018.json");
    assert_eq!(media, "application/json");
    assert!(json.contains("\"formato\": \"piazza-dup/1\""));

    // CSV → a new edition → CSV: the same text.
    let from_csv = new_edition(&demo, "Copia CSV", false).await;
    let outcome = imported(editions::import(&admin, from_csv, &csv).await);
    assert_eq!(
        outcome,
        ImportOutcome {
            created: milano_rows.items(),
            updated: 0,
            unchanged: 0,
        }
    );
    assert_eq!(rows(&demo, from_csv).await, milano_rows);
    assert_eq!(export(&demo, from_csv, DupFormat::Csv).await, csv);
    assert_eq!(export(&demo, from_csv, DupFormat::Json).await, json);

    // JSON → a new edition → JSON: the same text.
    let from_json = new_edition(&demo, "Copia JSON", false).await;
    let outcome = imported(editions::import(&admin, from_json, &json).await);
    assert_eq!(outcome.created, milano_rows.items());
    assert_eq!(rows(&demo, from_json).await, milano_rows);
    assert_eq!(export(&demo, from_json, DupFormat::Json).await, json);
    assert_eq!(export(&demo, from_json, DupFormat::Csv).await, csv);

    // The small fixture too, with its cents and decimals.
    let small = new_edition(&demo, "Piccolo", false).await;
    imported(editions::import(&admin, small, &format!("{HEADER}{GOOD}")).await);
    let small_csv = export(&demo, small, DupFormat::Csv).await;
    let small_json = export(&demo, small, DupFormat::Json).await;
    let again = new_edition(&demo, "Piccolo di nuovo", false).await;
    imported(editions::import(&admin, again, &small_csv).await);
    assert_eq!(export(&demo, again, DupFormat::Csv).await, small_csv);
    let again_json = new_edition(&demo, "Piccolo in JSON", false).await;
    imported(editions::import(&admin, again_json, &small_json).await);
    assert_eq!(export(&demo, again_json, DupFormat::Json).await, small_json);
    let bus = objective(&demo, again_json, "SeO-10.02.1").await;
    assert_eq!(
        objectives::objective(&anonymous(&demo), bus.id)
            .await
            .unwrap()
            .resources[0]
            .cents,
        125_000_050
    );

    // The demo edition's own export, imported into it: nothing changes.
    let links_before = links_in(&demo, milano).await;
    assert!(links_before > 0, "the demo links accepted proposals");
    for text in [&csv, &json] {
        let outcome = imported(editions::import(&admin, milano, text).await);
        assert_eq!(
            outcome,
            ImportOutcome {
                created: 0,
                updated: 0,
                unchanged: milano_rows.items(),
            }
        );
        assert_eq!(rows(&demo, milano).await, milano_rows);
        assert_eq!(export(&demo, milano, DupFormat::Csv).await, csv);
        assert_eq!(links_in(&demo, milano).await, links_before);
    }
}

#[tokio::test]
async fn reimporting_an_edited_file_updates_in_place() {
    let demo = demo_db().await;
    let admin = admin(&demo).await;
    let milano = edition_of(&demo, MILANO).await;
    let before = rows(&demo, milano).await;
    let transport = objective(&demo, milano, "SeO-10.02.1").await;
    let links_before = dup_link::Entity::find()
        .filter(dup_link::Column::ObjectiveId.eq(transport.id))
        .count(&demo.db)
        .await
        .unwrap();
    assert!(links_before > 0, "the demo links the integrated ticket");

    let csv = export(&demo, milano, DupFormat::Csv).await;
    let old = "Biglietto unico e interscambi alle stazioni";
    let new = "Biglietto unico e interscambi con parcheggi alle stazioni";
    assert_eq!(csv.matches(old).count(), 1);
    let outcome = imported(editions::import(&admin, milano, &csv.replace(old, new)).await);
    assert_eq!(
        outcome,
        ImportOutcome {
            created: 0,
            updated: 1,
            unchanged: before.items() - 1,
        }
    );
    assert_eq!(rows(&demo, milano).await, before);
    let after = objective(&demo, milano, "SeO-10.02.1").await;
    assert_eq!(after.id, transport.id, "matched by code, not replaced");
    assert_eq!(after.parent_id, transport.parent_id);
    assert_eq!(
        count_sql(
            &demo,
            "SELECT COUNT(*) FROM dup_objectives WHERE edition_id = ? AND code = 'SeO-10.02.1'",
            vec![milano.into()],
        )
        .await,
        1
    );
    assert_eq!(
        dup_link::Entity::find()
            .filter(dup_link::Column::ObjectiveId.eq(after.id))
            .count(&demo.db)
            .await
            .unwrap(),
        links_before,
        "links stay on the objective"
    );

    // An indicator's target changes: the indicator counts as updated.
    let csv = export(&demo, milano, DupFormat::Csv).await;
    let target_line = "valore,,,,IND-10.02.1-A,,,,2018,,,,720,";
    assert_eq!(csv.matches(target_line).count(), 1, "{csv}");
    let outcome = imported(
        editions::import(
            &admin,
            milano,
            &csv.replace(target_line, "valore,,,,IND-10.02.1-A,,,,2018,,,,730,"),
        )
        .await,
    );
    assert_eq!((outcome.created, outcome.updated), (0, 1));
    let ind = indicator(&demo, milano, "IND-10.02.1-A").await;
    assert_eq!(
        stored_values(&demo, ind.id).await,
        vec![(2017, Some(700.0), None), (2018, Some(730.0), None)]
    );
    assert_eq!(rows(&demo, milano).await, before);

    // Items missing from the file are kept.
    let partial = format!("{HEADER}programma,02,10,,,Trasporto pubblico locale,,,,,,,,\n");
    let outcome = imported(editions::import(&admin, milano, &partial).await);
    assert_eq!(
        outcome,
        ImportOutcome {
            created: 0,
            updated: 0,
            unchanged: 1,
        }
    );
    assert_eq!(rows(&demo, milano).await, before);
}

/// The edits a re-import reports as updates are written: an objective's
/// title and office, an indicator's name, unit and baseline.
#[tokio::test]
async fn edits_reported_as_updates_are_written() {
    let demo = demo_db().await;
    let admin = admin(&demo).await;
    let milano = edition_of(&demo, MILANO).await;
    let csv = export(&demo, milano, DupFormat::Csv).await;
    let edits = [
        (
            "Biglietto unico e interscambi alle stazioni",
            "Biglietto unico e interscambi con parcheggi alle stazioni",
        ),
        ("Settore trasporti", "Settore mobilità e trasporti"),
        (
            "Passeggeri del trasporto pubblico metropolitano,,,,,milioni/anno,680",
            "Passeggeri di treni e autobus metropolitani,,,,,milioni l'anno,690",
        ),
    ];
    let mut edited = csv.clone();
    for (old, new) in edits {
        assert_eq!(edited.matches(old).count(), 1, "{old}");
        edited = edited.replace(old, new);
    }
    let outcome = imported(editions::import(&admin, milano, &edited).await);
    assert_eq!((outcome.created, outcome.updated), (0, 2));

    let transport = objective(&demo, milano, "SeO-10.02.1").await;
    assert_eq!(
        (transport.title.as_str(), transport.office.as_str()),
        (
            "Biglietto unico e interscambi con parcheggi alle stazioni",
            "Settore mobilità e trasporti"
        )
    );
    let passengers = indicator(&demo, milano, "IND-10.02.1-A").await;
    assert_eq!(
        (
            passengers.name.as_str(),
            passengers.unit.as_str(),
            passengers.baseline
        ),
        (
            "Passeggeri di treni e autobus metropolitani",
            "milioni l'anno",
            Some(690.0)
        )
    );
    assert_eq!(export(&demo, milano, DupFormat::Csv).await, edited);
    // Imported again, the edited file changes nothing more.
    let outcome = imported(editions::import(&admin, milano, &edited).await);
    assert_eq!((outcome.created, outcome.updated), (0, 0));
}

/// What an import reports must tell a change of resources: an objective
/// whose yearly amounts change was changed by the import.
#[tokio::test]
async fn a_change_of_resources_is_reported_as_an_update() {
    let demo = demo_db().await;
    let admin = admin(&demo).await;
    let id = new_edition(&demo, "Risorse", false).await;
    imported(editions::import(&admin, id, &format!("{HEADER}{GOOD}")).await);
    let changed = GOOD.replace("2027,900000", "2027,950000");
    let outcome = imported(editions::import(&admin, id, &format!("{HEADER}{changed}")).await);
    let bus = objective(&demo, id, "SeO-10.02.1").await;
    let page = objectives::objective(&anonymous(&demo), bus.id)
        .await
        .unwrap();
    assert_eq!(
        page.resources[1].cents, 95_000_000,
        "the amount was written"
    );
    assert_eq!(
        outcome,
        ImportOutcome {
            created: 0,
            updated: 1,
            unchanged: GOOD_ITEMS - 1,
        },
        "the objective whose resources changed counts as updated"
    );
}

#[tokio::test]
async fn a_simplified_dup_has_operational_objectives_only() {
    let demo = demo_db().await;
    let admin = admin(&demo).await;
    let anon = anonymous(&demo);
    let simple = new_edition(&demo, "DUP semplificato 2026–2028", true).await;

    let outcome = imported(editions::import(&admin, simple, &format!("{HEADER}{SIMPLE}")).await);
    assert_eq!(outcome.created, 3);
    let detail = editions::edition(&anon, simple).await.unwrap();
    assert!(detail.summary.simplified);
    assert_eq!(detail.missions.len(), 1);
    assert!(detail.missions[0].strategic.is_empty());
    let node = &detail.missions[0].programmes[0].objectives[0];
    assert_eq!(
        (node.code.as_str(), node.parent_code.clone()),
        ("SeO-1", None)
    );
    let page = objectives::objective(&anon, node.id).await.unwrap();
    assert_eq!(page.parent, None);
    assert_eq!(page.resources[0].cents, 1_500_000);
    let before = rows(&demo, simple).await;

    // A strategic objective, or an operational one with a parent: refused.
    let with_strategic = format!(
        "{HEADER}{SIMPLE}obiettivo_strategico,SeS-10.1,10,,,Una città che si muove,,,,,,,,\n\
         obiettivo_operativo,SeO-2,10,02,SeS-10.1,Con un padre,,,,,,,,\n"
    );
    let problems = rejected(editions::import(&admin, simple, &with_strategic).await);
    assert_eq!(
        lines_and_messages(&problems),
        vec![
            (Some(7), "Un DUP semplificato non ha obiettivi strategici."),
            (Some(8), "Un DUP semplificato non ha obiettivi strategici."),
        ]
    );
    assert!(problems.iter().all(|p| p.message.contains("semplificato")));
    assert_eq!(rows(&demo, simple).await, before);

    // An ordinary edition wants the strategic objective.
    let ordinary = new_edition(&demo, "DUP ordinario", false).await;
    let problems = rejected(editions::import(&admin, ordinary, &format!("{HEADER}{SIMPLE}")).await);
    assert_eq!(
        lines_and_messages(&problems),
        // What hangs from the refused objective is not reported again.
        vec![(Some(3), "Manca l'obiettivo strategico (colonna «padre»).")]
    );
    assert_eq!(rows(&demo, ordinary).await, Rows::default());

    // A simplified edition is never copied into an ordinary one...
    assert_eq!(
        field_of(editions::copy_edition(&admin, simple, &edition_input("Ordinaria", false)).await)
            .0,
        "semplificato"
    );
    // ...but an ordinary one may become simplified: strategic objectives go.
    let milano = edition_of(&demo, MILANO).await;
    let copy = editions::copy_edition(&admin, milano, &edition_input("Semplificata", true))
        .await
        .unwrap();
    let operational = count_sql(
        &demo,
        "SELECT COUNT(*) FROM dup_objectives WHERE edition_id = ? AND level = 'operativo'",
        vec![milano.into()],
    )
    .await;
    assert_eq!(rows(&demo, copy).await.objectives, operational);
    let detail = editions::edition(&anon, copy).await.unwrap();
    assert!(detail.missions.iter().all(|m| m.strategic.is_empty()));
    assert!(
        detail
            .missions
            .iter()
            .flat_map(|m| m.programmes.iter().flat_map(|p| p.objectives.iter()))
            .all(|o| o.parent_code.is_none())
    );
}

#[tokio::test]
async fn json_problems_say_the_line_or_the_item() {
    let demo = demo_db().await;
    let admin = admin(&demo).await;
    let id = new_edition(&demo, "DUP in JSON", false).await;

    let broken = "{\n  \"formato\": \"piazza-dup/1\",\n  \"programmi\": [\n    \
                  {\"missione\": \"10\" \"codice\": \"02\", \"titolo\": \"Trasporto\"}\n  ]\n}\n";
    let problems = rejected(editions::import(&admin, id, broken).await);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(4));
    assert!(
        problems[0].place.starts_with("riga 4, colonna "),
        "{problems:?}"
    );
    assert!(
        problems[0].message.starts_with("JSON non valido"),
        "{problems:?}"
    );

    let unknown_mission = r#"{"formato": "piazza-dup/1", "programmi": [
        {"missione": "77", "codice": "01", "titolo": "Una missione inventata"},
        {"missione": "10", "codice": "02", "titolo": "Trasporto pubblico locale"}
    ], "obiettivi_strategici": [
        {"codice": "SeS-10.1", "missione": "10", "titolo": "Muoversi meglio"}
    ], "obiettivi_operativi": [
        {"codice": "SeO-10.02.1", "missione": "10", "programma": "02",
         "obiettivo_strategico": "SeS-10.1", "titolo": "Bus nei quartieri",
         "risorse": [{"anno": 2026, "euro": 1000.5}, {"anno": 2027, "euro": -5}]}
    ], "indicatori": [
        {"codice": "IND-1", "obiettivo": "SeO-9", "nome": "Passeggeri"}
    ]}"#;
    let problems = rejected(editions::import(&admin, id, unknown_mission).await);
    let places: Vec<(Option<u64>, &str, &str)> = problems
        .iter()
        .map(|p| (p.line, p.place.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        places,
        vec![
            (None, "programmi[0]", "Missione «77» sconosciuta o tecnica."),
            (
                None,
                "obiettivi_operativi[0].risorse[1]",
                "Importo «-5» fuori misura."
            ),
            (
                None,
                "indicatori[0]",
                "Obiettivo operativo «SeO-9» non trovato."
            ),
        ]
    );
    assert_eq!(rows(&demo, id).await, Rows::default());

    let problems =
        rejected(editions::import(&admin, id, r#"{"formato": "piazza-dup/1", "altro": []}"#).await);
    assert!(problems[0].message.contains("«altro»"), "{problems:?}");
    assert!(
        problems[0]
            .message
            .starts_with("Campo mancante, sconosciuto o di tipo sbagliato")
    );
    let problems = rejected(editions::import(&admin, id, r#"{"formato": "piazza-dup/2"}"#).await);
    assert_eq!(
        (problems[0].place.as_str(), problems[0].message.as_str()),
        (
            "formato",
            "Formato «piazza-dup/2» sconosciuto: serve «piazza-dup/1»."
        )
    );
    assert_eq!(rows(&demo, id).await, Rows::default());

    // Corrected, the same document imports.
    let good = unknown_mission
        .replace(
            r#"{"missione": "77", "codice": "01", "titolo": "Una missione inventata"},"#,
            "",
        )
        .replace(r#", {"anno": 2027, "euro": -5}"#, "")
        .replace("SeO-9", "SeO-10.02.1");
    let outcome = imported(editions::import(&admin, id, &good).await);
    assert_eq!(outcome.created, 4);
    let bus = objective(&demo, id, "SeO-10.02.1").await;
    assert_eq!(
        objectives::objective(&anonymous(&demo), bus.id)
            .await
            .unwrap()
            .resources,
        vec![ResourceYear {
            year: 2026,
            cents: 100_050,
        }]
    );
}

// ---------------------------------------------------------------------------
// 5. Simplified DUP
// ---------------------------------------------------------------------------

const SIMPLE: &str = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_operativo,SeO-1,10,02,,Bus nei quartieri,,Ufficio tecnico,,,,,,
risorse,,,,SeO-1,,,,2026,\"15.000,00\",,,,
indicatore,IND-1,,,SeO-1,Corse al giorno,,,,,corse,10,,
valore,,,,IND-1,,,,2026,,,,14,
";
