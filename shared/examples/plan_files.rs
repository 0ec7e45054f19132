//! Times the plan's PDF and OpenDocument for a large plan: the benchmark
//! (`.ci/bench.sh`) runs it on the release build with 500 projects.
//!
//! `cargo run --release -p shared --features server --example plan_files -- 500 [DIR]`
//!
//! Prints one JSON line: entries, bytes and milliseconds per format; with
//! DIR, also writes `piano.pdf` and `piano.odt` there (to count pages).

use std::time::Instant;

use chrono::Utc;
use shared::model::common::NamedRef;
use shared::model::plan::{
    ParticipationFigures, PlanDocument, PlanEntry, PlanEntryKind, PlanObjective,
    PlanPlatformSection, PlanSection, ZoneFigures,
};
use shared::service::{plan::blocks, plan::odt, plan::pdf};
use uuid::Uuid;

const DIRECTIONS: usize = 5;
const PLATFORMS_PER_DIRECTION: usize = 4;

fn entry(n: usize) -> PlanEntry {
    PlanEntry {
        kind: if n.is_multiple_of(3) {
            PlanEntryKind::Proposal
        } else {
            PlanEntryKind::Project
        },
        id: Uuid::now_v7(),
        title: format!(
            "Progetto {n}: riqualificazione del quartiere e nuovi servizi di prossimità"
        ),
        description_md: format!(
            "**Il problema.** Nel quartiere {n} mancano spazi pubblici curati e servizi vicini a \
             casa: chi è anziano o non guida fatica a raggiungerli.\n\n**La proposta.** Una casa \
             di quartiere, percorsi pedonali sicuri e un calendario di attività con le \
             associazioni.\n\n- più incontri tra vicini\n- meno spostamenti in auto\n- servizi \
             comunali a un quarto d'ora da casa"
        ),
        supporters: Some((n as i64 * 37) % 400),
        zones: vec![format!("Zona {}", n % 8 + 1)],
        answer_md: n
            .is_multiple_of(3)
            .then(|| "Accolta: entra nel programma triennale.".to_owned()),
        partners: vec![
            "Associazione di quartiere".to_owned(),
            "Istituto comprensivo".to_owned(),
        ],
        agreement: Some("Protocollo d'intesa con il Comune".to_owned()),
        originals: vec![
            format!("Proposta originale {n}a"),
            format!("Proposta originale {n}b"),
        ],
        objectives: (0..2)
            .map(|k| PlanObjective {
                id: Uuid::now_v7(),
                code: format!("SeS-{:02}.{}", n % 23 + 1, k + 1),
                mission_code: format!("{:02}", n % 23 + 1),
                title: "Una città più vicina alle persone".to_owned(),
            })
            .collect(),
    }
}

fn document(entries: usize) -> PlanDocument {
    let per_platform = entries.div_ceil(DIRECTIONS * PLATFORMS_PER_DIRECTION);
    let mut all = (1..=entries).map(entry);
    let mut sections = Vec::with_capacity(DIRECTIONS);
    for d in 0..DIRECTIONS {
        let mut platforms = Vec::with_capacity(PLATFORMS_PER_DIRECTION);
        for p in 0..PLATFORMS_PER_DIRECTION {
            platforms.push(PlanPlatformSection {
                key: format!("p:{d}-{p}"),
                title: format!("Piattaforma {}.{}", d + 1, p + 1),
                text_md: String::new(),
                entries: all.by_ref().take(per_platform).collect(),
            });
        }
        sections.push(PlanSection {
            key: format!("d:{d}"),
            title: format!("Direzione strategica {}", d + 1),
            text_md: "Il testo introduttivo della direzione, scritto dai facilitatori.".to_owned(),
            platforms,
        });
    }
    PlanDocument {
        process: NamedRef {
            key: "piano-di-prova".to_owned(),
            name: "Piano di prova".to_owned(),
        },
        dup_edition: Some("DUP 2026–2028".to_owned()),
        version: 1,
        saved_at: Utc::now(),
        introduction_md: "Introduzione del piano.".to_owned(),
        closing_md: "Conclusione del piano.".to_owned(),
        figures: ParticipationFigures {
            participants: 20_000,
            proposals: 30_000,
            comments: 250_000,
            supports: Some(300_000),
            assisted_proposals: 1_200,
            assisted_supports: 9_000,
            zones: (1..=8)
                .map(|z| ZoneFigures {
                    zone: format!("Zona {z}"),
                    proposals: 3_000 + z * 100,
                    supports: 30_000 + z * 1_000,
                })
                .collect(),
        },
        sections,
        redactions: Vec::new(),
    }
}

fn main() {
    let entries: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    let document = document(entries);

    let started = Instant::now();
    let blocks = blocks::blocks(&document, None);
    let pdf = pdf::pdf(&blocks).expect("the PDF is laid out");
    let pdf_ms = started.elapsed().as_millis();

    let started = Instant::now();
    let blocks = blocks::blocks(&document, None);
    let odt = odt::odt(&blocks).expect("the OpenDocument is written");
    let odt_ms = started.elapsed().as_millis();

    if let Some(dir) = std::env::args().nth(2) {
        let dir = std::path::Path::new(&dir);
        std::fs::write(dir.join("piano.pdf"), &pdf).expect("the PDF is written");
        std::fs::write(dir.join("piano.odt"), &odt).expect("the ODT is written");
    }
    println!(
        "{{\"entries\":{entries},\"pdf_ms\":{pdf_ms},\"pdf_bytes\":{},\"odt_ms\":{odt_ms},\"odt_bytes\":{}}}",
        pdf.len(),
        odt.len()
    );
}
