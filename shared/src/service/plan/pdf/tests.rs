//! The PDF checked with the real poppler tools (`pdfinfo`, `pdftotext`):
//! they must be installed (poppler-utils); a test fails if they are not.

use std::path::PathBuf;
use std::process::Command;

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::layout::{BODY_BOTTOM, BODY_TOP, Strip};
use super::paginate::paginate;
use super::*;
use crate::model::common::NamedRef;
use crate::model::plan::{
    ApprovalView, ApprovingBody, ParticipationFigures, PlanDocument, PlanEntry, PlanEntryKind,
    PlanObjective, PlanPlatformSection, PlanSection, ZoneFigures,
};
use crate::service::plan::blocks::{Block, blocks};

fn objective(code: &str, mission: &str, title: &str) -> PlanObjective {
    PlanObjective {
        id: Uuid::nil(),
        code: code.to_owned(),
        mission_code: mission.to_owned(),
        title: title.to_owned(),
    }
}

fn entry(kind: PlanEntryKind, title: &str, objectives: Vec<PlanObjective>) -> PlanEntry {
    let project = kind == PlanEntryKind::Project;
    PlanEntry {
        kind,
        id: Uuid::nil(),
        title: title.to_owned(),
        description_md: format!(
            "La voce «{title}» nasce dall’ascolto dei quartieri: più verde, più sicurezza, \
             perché la città è di tutti.\n\n- primo passo\n- secondo passo\n  1. dettaglio"
        ),
        supporters: Some(1234),
        zones: vec!["Centro storico".to_owned(), "Borgo Sant’Andrea".to_owned()],
        answer_md: (!project)
            .then(|| "La proposta è accolta: sarà realizzata nel 2027.".to_owned()),
        partners: if project {
            vec![
                "Associazione «Il Ponte»".to_owned(),
                "Cooperativa Città Aperta".to_owned(),
            ]
        } else {
            Vec::new()
        },
        agreement: project.then(|| "Patto di collaborazione del 3 marzo 2026".to_owned()),
        originals: if project {
            vec!["Più alberi in via Roma".to_owned()]
        } else {
            Vec::new()
        },
        objectives,
    }
}

fn long_table(rows: usize) -> String {
    let mut table = String::from("| Intervento | Quartiere | Costo (€) |\n|---|---|---:|\n");
    for n in 1..=rows {
        table.push_str(&format!(
            "| Intervento numero {n} sul verde | Zona {n} | {} |\n",
            n * 1250
        ));
    }
    table
}

fn document(directions: usize, platforms: usize, entries: usize) -> PlanDocument {
    let objectives = [
        objective("01.02", "01", "Trasparenza e partecipazione"),
        objective("09.05", "09", "Aree protette, parchi e verde urbano"),
        objective("10.02", "10", "Mobilità sostenibile e città più sicura"),
    ];
    let sections = (1..=directions)
        .map(|d| PlanSection {
            key: format!("d:D{d}"),
            title: format!("Direzione {d}: città più verde e più giusta"),
            text_md: if d == 1 {
                format!(
                    "Testo con **grassetto**, *corsivo*, `codice` e un [collegamento](https://example.org/piano).\n\n\
                     > Una citazione: «la città è un bene comune».\n\n\
                     ```\nfn main() {{\n    println!(\"ciao\");\n}}\n```\n\n---\n\n\
                     Una parola lunghissima: {}.\n\n{}",
                    "Supercalifragilistichespiralidoso".repeat(5),
                    long_table(80)
                )
            } else {
                String::new()
            },
            platforms: (1..=platforms)
                .map(|p| PlanPlatformSection {
                    key: format!("p:{d}-{p}"),
                    title: format!("Piattaforma {d}.{p} · Spazi pubblici e mobilità"),
                    text_md: "Obiettivo della piattaforma: qualità dell’abitare.".to_owned(),
                    entries: (1..=entries)
                        .map(|e| {
                            let kind = if e % 2 == 0 {
                                PlanEntryKind::Proposal
                            } else {
                                PlanEntryKind::Project
                            };
                            let title = format!("Voce {d}.{p}.{e}: piazza dell’Unità «bene comune», più verde");
                            entry(kind, &title, vec![objectives[e % 3].clone(), objectives[(e + 1) % 3].clone()])
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    PlanDocument {
        process: NamedRef {
            key: "bilancio-2026".to_owned(),
            name: "Bilancio partecipativo 2026 – Città di Lucca".to_owned(),
        },
        dup_edition: Some("DUP 2026–2028".to_owned()),
        version: 3,
        saved_at: Utc.with_ymd_and_hms(2026, 5, 12, 10, 0, 0).unwrap(),
        introduction_md:
            "Questo piano è il frutto di sei mesi di ascolto: è la sintesi di ciò che è emerso."
                .to_owned(),
        closing_md: "Grazie a tutte e a tutti per l’impegno.".to_owned(),
        figures: ParticipationFigures {
            participants: 1520,
            proposals: 230,
            comments: 890,
            supports: Some(4100),
            assisted_proposals: 12,
            assisted_supports: 40,
            zones: vec![
                ZoneFigures {
                    zone: "Centro storico".to_owned(),
                    proposals: 80,
                    supports: 1500,
                },
                ZoneFigures {
                    zone: "Sant’Anna".to_owned(),
                    proposals: 55,
                    supports: 900,
                },
                ZoneFigures {
                    zone: "Arancio e San Vito".to_owned(),
                    proposals: 0,
                    supports: 12,
                },
            ],
        },
        sections,
        redactions: Vec::new(),
    }
}

fn approval() -> ApprovalView {
    ApprovalView {
        version: 3,
        body: ApprovingBody::Council,
        resolution_number: "45/2026".to_owned(),
        resolution_date: NaiveDate::from_ymd_opt(2026, 6, 3).unwrap(),
        recorded_at: Utc.with_ymd_and_hms(2026, 6, 3, 18, 0, 0).unwrap(),
    }
}

/// Runs a poppler tool; fails the test if it is missing or fails.
fn poppler(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|error| {
            panic!("`{tool}` could not run ({error}): install poppler-utils to test the plan's PDF")
        });
    assert!(
        output.status.success(),
        "`{tool} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    // Lossy: `pdfinfo -struct` prints raw UTF-16 titles.
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A PDF written to a temporary file, removed when dropped (even when the
/// test fails).
struct TempPdf(PathBuf);

impl TempPdf {
    fn file(&self) -> &str {
        self.0.to_str().expect("a UTF-8 path")
    }
}

impl Drop for TempPdf {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn written(name: &str, bytes: &[u8]) -> TempPdf {
    let path = std::env::temp_dir().join(format!("piazza-{name}-{}.pdf", std::process::id()));
    std::fs::write(&path, bytes).expect("temp file");
    TempPdf(path)
}

fn info_field<'a>(info: &'a str, field: &str) -> &'a str {
    info.lines()
        .find_map(|line| line.strip_prefix(field))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {field} in pdfinfo:\n{info}"))
}

fn page_count(info: &str) -> usize {
    info_field(info, "Pages:").parse().expect("a page count")
}

/// Text with all whitespace (line ends included) as single spaces.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The extracted text without running headers and footers, flattened.
fn body_text(extracted: &str, title: &str) -> String {
    let kept: Vec<&str> = extracted
        .lines()
        .filter(|line| {
            let line = line.trim();
            line != title && !(line.starts_with("Pagina ") && line.contains(" di "))
        })
        .collect();
    flat(&kept.join("\n"))
}

#[test]
fn the_plan_pdf_is_tagged_titled_and_says_everything() {
    let document = document(2, 2, 3);
    let plan = blocks(&document, Some(&approval()));
    let bytes = pdf(&plan).expect("the PDF");
    let path = written("plan", &bytes);
    let file = path.file();

    let info = poppler("pdfinfo", &[file]);
    assert_eq!(info_field(&info, "Tagged:"), "yes", "{info}");
    assert_eq!(info_field(&info, "Title:"), plan.cover.title, "{info}");
    assert_eq!(
        info_field(&info, "Page size:"),
        "595.28 x 841.89 pts (A4)",
        "{info}"
    );
    let pages = page_count(&info);
    assert!(pages > 3, "{pages} pages");

    let extracted = poppler("pdftotext", &["-enc", "UTF-8", file, "-"]);
    let text = body_text(&extracted, &plan.cover.title);
    let flat_extracted = flat(&extracted);
    for (_, number, heading, _) in plan.headings() {
        let label = match number {
            Some(n) => format!("{n} {heading}"),
            None => heading.to_owned(),
        };
        // Once in the table of contents, once as the heading.
        assert!(
            text.matches(&label).count() >= 2,
            "heading {label:?} missing from:\n{text}"
        );
    }
    for entry in document.entries() {
        assert!(text.contains(&entry.title), "title {:?}", entry.title);
        for o in &entry.objectives {
            let label = format!("{} {} (missione {})", o.code, o.title, o.mission_code);
            assert!(text.contains(&label), "objective {label:?}");
        }
        for partner in &entry.partners {
            assert!(text.contains(partner.as_str()), "partner {partner:?}");
        }
    }
    for expected in [
        plan.cover.status.as_str(),
        "Obiettivi del DUP: DUP 2026–2028",
        "Indice",
        "Risposta dell'amministrazione.",
        "la città è un bene comune",
        "println!(\"ciao\");",
        "Intervento numero 80 sul verde",
        "100000",
        "Arancio e San Vito",
    ] {
        assert!(text.contains(expected), "{expected:?} missing");
    }
    let long_word = "Supercalifragilistichespiralidoso".repeat(5);
    assert!(
        flat_extracted.replace(' ', "").contains(&long_word),
        "the long word is broken across lines but kept whole"
    );
    assert!(extracted.contains(&format!("Pagina 2 di {pages}")));
    assert!(extracted.contains(&format!("Pagina {pages} di {pages}")));
    assert!(
        !extracted.contains("Pagina 1 di"),
        "the cover has no footer"
    );
    // Catalog and XMP metadata are not compressed: the claims can be read.
    let raw = String::from_utf8_lossy(&bytes);
    for claim in [
        "/Lang(it-IT)",
        "/DisplayDocTitle true",
        "/Type/Outlines",
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>A</pdfaid:conformance>",
        "<pdfuaid:part>1</pdfuaid:part>",
    ] {
        assert!(raw.contains(claim), "{claim} missing from the PDF");
    }
}

#[test]
fn the_tag_tree_has_the_document_structure_and_leaves_out_headers_and_footers() {
    let document = document(2, 1, 2);
    let plan = blocks(&document, None);
    let bytes = pdf(&plan).expect("the PDF");
    let path = written("plan-structure", &bytes);
    let file = path.file();
    let structure = poppler("pdfinfo", &["-struct-text", file]);
    // Lines of `pdfinfo -struct-text` start with a tag, a quoted text or an attribute.
    let tags: std::collections::HashSet<&str> = structure
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(|word| word.trim_end_matches(':'))
        .collect();
    for tag in [
        "Document",
        "H1",
        "H2",
        "H3",
        "H4",
        "P",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "TOC",
        "TOCI",
        "Link",
        "Table",
        "Caption",
        "THead",
        "TBody",
        "TR",
        "TH",
        "TD",
        "Figure",
        "BlockQuote",
        "Code",
    ] {
        assert!(tags.contains(tag), "no {tag} in the tag tree:\n{structure}");
    }
    assert!(!structure.contains("Pagina 2 di"), "footers are artifacts");
    let info = poppler("pdfinfo", &[file]);
    assert_eq!(info_field(&info, "Tagged:"), "yes");
}

#[test]
fn the_table_of_contents_gives_the_page_each_heading_is_on() {
    let document = document(2, 2, 3);
    let plan = blocks(&document, None);
    let bytes = pdf(&plan).expect("the PDF");
    let path = written("plan-toc", &bytes);
    let file = path.file();
    let layout_text = poppler("pdftotext", &["-layout", "-enc", "UTF-8", file, "-"]);
    let mut checked = 0;
    for (_, number, heading, _) in plan.headings() {
        let Some(number) = number else { continue };
        let label = format!("{number} {heading}");
        let Some(line) = layout_text.lines().find(|l| flat(l).starts_with(&label)) else {
            continue;
        };
        let page: String = line
            .trim_end()
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        let page: String = page.chars().rev().collect();
        let page = page
            .parse::<usize>()
            .unwrap_or_else(|_| panic!("no page number in {line:?}"));
        let on_page = poppler(
            "pdftotext",
            &[
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
                "-enc",
                "UTF-8",
                file,
                "-",
            ],
        );
        assert!(
            flat(&on_page).contains(&label),
            "{label:?} is not on page {page}"
        );
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} entries checked");
}

#[test]
fn five_hundred_entries_render_on_many_more_pages() {
    let small = blocks(&document(1, 1, 2), None);
    let large = blocks(&document(5, 10, 10), None);
    assert_eq!(
        large.headings().filter(|(level, ..)| *level == 3).count(),
        500
    );
    let small_pages = page_count(&poppler(
        "pdfinfo",
        &[written("small", &pdf(&small).expect("small")).file()],
    ));
    let started = std::time::Instant::now();
    let bytes = pdf(&large).expect("the large PDF");
    let elapsed = started.elapsed();
    let path = written("large", &bytes);
    let info = poppler("pdfinfo", &[path.file()]);
    assert_eq!(info_field(&info, "Tagged:"), "yes");
    let large_pages = page_count(&info);
    eprintln!(
        "500 entries: {large_pages} pages, {} bytes, in {elapsed:?}",
        bytes.len()
    );
    assert!(
        large_pages > small_pages * 10,
        "{small_pages} then {large_pages} pages"
    );
}

#[test]
fn a_plan_of_plain_blocks_without_headings_still_makes_a_valid_pdf() {
    let mut plan = blocks(&document(1, 1, 1), None);
    plan.blocks.retain(|b| matches!(b, Block::Paragraph(_)));
    assert!(!plan.blocks.is_empty());
    let bytes = pdf(&plan).expect("the PDF");
    assert!(bytes.starts_with(b"%PDF-1.7"));
    let path = written("plan-plain", &bytes);
    let info = poppler("pdfinfo", &[path.file()]);
    assert_eq!(info_field(&info, "Tagged:"), "yes");
    assert_eq!(
        page_count(&info),
        2,
        "a cover and one page of text, no empty contents page"
    );
}

fn line_strip(height: f32, keep_with_next: bool) -> Strip {
    Strip {
        height,
        keep_with_next,
        ..Strip::default()
    }
}

#[test]
fn a_heading_never_ends_a_page_and_kept_lines_move_together() {
    let lines_per_page = ((BODY_BOTTOM - BODY_TOP) / 15.0) as usize;
    let mut strips: Vec<Strip> = (0..lines_per_page - 1)
        .map(|_| line_strip(15.0, false))
        .collect();
    let mut heading = line_strip(15.0, true);
    heading.heading = Some(0);
    strips.push(heading);
    strips.push(line_strip(15.0, true));
    strips.push(line_strip(15.0, false));
    let mut headings = [None];
    let pages = paginate(strips, 4, &mut headings);
    assert_eq!(pages.len(), 2);
    let (page, y) = headings[0].expect("the heading is placed");
    assert_eq!(page, 5, "the heading moved to the next page with its text");
    assert!((y - BODY_TOP).abs() < 0.01);
}

#[test]
fn italian_dates_are_read_back_for_the_metadata() {
    assert_eq!(date_from_italian("12 maggio 2026"), Some((2026, 5, 12)));
    assert_eq!(date_from_italian("1 dicembre 2025"), Some((2025, 12, 1)));
    assert_eq!(date_from_italian("maggio 2026"), None);
}

#[test]
fn a_chart_says_its_figures_in_words() {
    let bars = [
        crate::service::plan::blocks::Bar {
            label: "Centro storico".to_owned(),
            value: 1500,
        },
        crate::service::plan::blocks::Bar {
            label: "Sant’Anna".to_owned(),
            value: 9,
        },
    ];
    assert_eq!(
        super::layout::chart::chart_alt("Sostegni per zona", "sostegni", &bars),
        "Grafico a barre orizzontali «Sostegni per zona»: Centro storico, 1.500 sostegni; Sant’Anna, 9 sostegni."
    );
}

#[test]
fn unusual_text_and_shapes_still_make_a_valid_pdf() {
    use crate::service::plan::blocks::{Align, Bar, Cover, PlanBlocks, Run};
    let link = Run {
        link: Some("javascript:alert(1)".to_owned()),
        ..Run::plain("non cliccabile")
    };
    let plan = PlanBlocks {
        cover: Cover {
            title: "  ".to_owned(),
            process: "Prova".to_owned(),
            status: "Versione 1 del 2 gennaio 2026 (bozza, non approvata)".to_owned(),
            dup_edition: None,
            date: "data sconosciuta".to_owned(),
        },
        blocks: vec![
            Block::Heading {
                level: 1,
                number: None,
                text: String::new(),
                anchor: "vuoto".to_owned(),
            },
            Block::Paragraph(vec![
                Run::plain("città→mare ☕ \u{e000}\u{feff}fine\u{7}"),
                link,
            ]),
            Block::ListItem {
                level: 3,
                marker: "•".to_owned(),
                line: vec![Run::plain("terzo livello senza i primi")],
            },
            Block::ListItem {
                level: 0,
                marker: "1.".to_owned(),
                line: Vec::new(),
            },
            Block::Table {
                caption: String::new(),
                header: Vec::new(),
                align: Vec::new(),
                rows: vec![vec![
                    vec![Run::plain("x".repeat(3000))],
                    Vec::new(),
                    vec![Run::plain("3")],
                ]],
            },
            Block::Table {
                caption: "Vuota".to_owned(),
                header: Vec::new(),
                align: vec![Align::Right],
                rows: Vec::new(),
            },
            Block::Chart {
                caption: "Nessun dato".to_owned(),
                unit: "proposte".to_owned(),
                bars: Vec::new(),
            },
            Block::Chart {
                caption: "Valori negativi".to_owned(),
                unit: "proposte".to_owned(),
                bars: vec![Bar {
                    label: "Zona".to_owned(),
                    value: -4,
                }],
            },
            Block::Code("\tcodice\n\n  rientrato".to_owned()),
            Block::Rule,
        ],
    };
    let bytes = pdf(&plan).expect("the PDF");
    let path = written("plan-unusual", &bytes);
    let file = path.file();
    let info = poppler("pdfinfo", &[file]);
    assert_eq!(info_field(&info, "Tagged:"), "yes");
    assert_eq!(
        info_field(&info, "Title:"),
        "Piano strategico",
        "a blank title has a stand-in"
    );
    let text = body_text(
        &poppler("pdftotext", &["-enc", "UTF-8", file, "-"]),
        "Piano strategico",
    );
    assert!(text.contains("terzo livello senza i primi"), "{text}");
    assert!(text.contains("non cliccabile"), "{text}");
    assert!(
        text.replace(' ', "").contains(&"x".repeat(1000)),
        "the huge cell is there, broken in lines"
    );
}
