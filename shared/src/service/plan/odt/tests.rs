//! The ODT's zip layout and XML, every block's text, and LibreOffice's
//! own reading and printing of it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::TimeZone;
use uuid::Uuid;

use super::*;
use crate::model::common::NamedRef;
use crate::model::plan::{
    ApprovalView, ApprovingBody, ParticipationFigures, PlanDocument, PlanEntry, PlanEntryKind,
    PlanObjective, PlanPlatformSection, PlanSection, ZoneFigures,
};
use crate::service::plan::blocks::blocks;

const INTRODUCTION: &str = "Il piano nasce dall’ascolto: «partecipare è decidere», perché \
la città è di chi la vive. Costi & benefici: 3 < 5 > 2.\n\n\
- un punto con **grassetto** e *corsivo*\n\
- un punto con `codice <&>`\n  \
1. sotto-punto numerato\n  \
2. un altro sotto-punto\n\n\
3. una lista che parte da tre\n\
4. e continua\n\n\
> Una citazione: l’unione fa la forza.\n\n\
```\nfn main() {\n    println!(\"<&>\");\n}\n```\n\n\
| Intervento | Costo |\n|---|---:|\n| Alberi & aiuole | 1.200 € |\n| Panchine | 800 € |\n\n\
Vedi [il sito del Comune](https://www.comune.example.it/piano?x=1&y=2) e non [questo](javascript:alert(1)).\n\n\
---\n\nFine dell’introduzione.";

fn objective(code: &str, mission: &str, title: &str) -> PlanObjective {
    PlanObjective {
        id: Uuid::nil(),
        code: code.into(),
        mission_code: mission.into(),
        title: title.into(),
    }
}

fn entry(kind: PlanEntryKind, title: &str) -> PlanEntry {
    PlanEntry {
        kind,
        id: Uuid::nil(),
        title: title.into(),
        description_md: String::new(),
        supporters: None,
        zones: Vec::new(),
        answer_md: None,
        partners: Vec::new(),
        agreement: None,
        originals: Vec::new(),
        objectives: Vec::new(),
    }
}

fn document() -> PlanDocument {
    let project = PlanEntry {
        description_md: "Un orto per **tutti** & per le scuole <primarie>.".into(),
        supporters: Some(1321),
        zones: vec!["Centro storico".into()],
        partners: vec!["Associazione Orti & Co.".into(), "Scuola «Dante»".into()],
        agreement: Some("Patto di collaborazione n. 12/2026".into()),
        originals: vec!["Orto in piazza".into(), "Più verde".into()],
        objectives: vec![
            objective("01.02", "09", "Aumentare il verde pubblico"),
            objective("05.01", "10", "Ridurre il traffico nelle ore di punta"),
        ],
        ..entry(
            PlanEntryKind::Project,
            "Orti condivisi «Giardino dell’Unità»",
        )
    };
    let proposal = PlanEntry {
        description_md: "Panchine sotto gli alberi del viale.".into(),
        supporters: Some(45),
        zones: vec!["Periferia nord".into(), "Frazioni".into()],
        answer_md: Some("Accolta: sarà realizzata nel 2027. *Grazie!*".into()),
        objectives: vec![objective("01.02", "09", "Aumentare il verde pubblico")],
        ..entry(PlanEntryKind::Proposal, "Panchine all’ombra & fontanelle")
    };
    let cycling = PlanEntry {
        supporters: Some(7),
        ..entry(
            PlanEntryKind::Proposal,
            "Una pista ciclabile <sicura> per la scuola",
        )
    };
    PlanDocument {
        process: NamedRef {
            key: "bilancio-2026".into(),
            name: "Città più verde & vivibile".into(),
        },
        dup_edition: Some("DUP 2026–2028".into()),
        version: 3,
        saved_at: Utc.with_ymd_and_hms(2026, 5, 12, 9, 30, 0).unwrap(),
        introduction_md: INTRODUCTION.into(),
        closing_md: "Grazie a tutte e tutti — «arrivederci» 🌱".into(),
        figures: ParticipationFigures {
            participants: 1234,
            proposals: 56,
            comments: 789,
            supports: Some(4321),
            assisted_proposals: 5,
            assisted_supports: 40,
            zones: vec![
                ZoneFigures {
                    zone: "Centro storico".into(),
                    proposals: 30,
                    supports: 2500,
                },
                ZoneFigures {
                    zone: "Periferia nord".into(),
                    proposals: 26,
                    supports: 1821,
                },
                ZoneFigures {
                    zone: "Frazioni".into(),
                    proposals: 0,
                    supports: 0,
                },
            ],
        },
        sections: vec![
            PlanSection {
                key: "d:AMB".into(),
                title: "Ambiente & clima".into(),
                text_md: "La direzione *Ambiente* guarda al 2030.".into(),
                platforms: vec![PlanPlatformSection {
                    key: "p:verde".into(),
                    title: "Verde urbano <quartieri>".into(),
                    text_md: "Spazi verdi per ogni quartiere.".into(),
                    entries: vec![project, proposal],
                }],
            },
            PlanSection {
                key: "d:MOB".into(),
                title: "Mobilità sostenibile".into(),
                text_md: String::new(),
                platforms: vec![PlanPlatformSection {
                    key: "p:ciclabili".into(),
                    title: "Piste ciclabili".into(),
                    text_md: String::new(),
                    entries: vec![cycling],
                }],
            },
        ],
        redactions: Vec::new(),
    }
}

fn plan() -> PlanBlocks {
    let approval = ApprovalView {
        version: 3,
        body: ApprovingBody::Council,
        resolution_number: "45/2026".into(),
        resolution_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        recorded_at: Utc.with_ymd_and_hms(2026, 6, 2, 8, 0, 0).unwrap(),
    };
    blocks(&document(), Some(&approval))
}

fn created() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 3, 10, 15, 0).unwrap()
}

/// Every entry of the package, by name, in order.
fn entries(bytes: &[u8]) -> Vec<(String, CompressionMethod, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("an entry");
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text).expect("UTF-8 text");
            (file.name().to_owned(), file.compression(), text)
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    entries(bytes)
        .into_iter()
        .find(|(n, _, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .2
}

/// Whitespace as one space, so that line breaks do not matter.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn line_text(line: &[Run]) -> String {
    line.iter().map(|r| r.text.as_str()).collect()
}

/// What each block must show, whatever the layout.
fn expected_texts(plan: &PlanBlocks) -> Vec<String> {
    let mut out = Vec::new();
    for block in &plan.blocks {
        match block {
            Block::Heading { number, text, .. } => out.push(heading_text(number.as_deref(), text)),
            Block::Paragraph(line) | Block::Quote(line) | Block::ListItem { line, .. } => {
                out.push(line_text(line))
            }
            Block::Code(text) => out.extend(text.lines().map(str::to_owned)),
            Block::Table {
                caption,
                header,
                rows,
                ..
            } => {
                out.push(caption.clone());
                out.extend(header.iter().cloned());
                out.extend(rows.iter().flatten().map(|cell| line_text(cell)));
            }
            Block::Chart { caption, bars, .. } => {
                out.push(caption.clone());
                for bar in bars {
                    out.push(bar.label.clone());
                    out.push(count_it(bar.value));
                }
            }
            Block::Rule => {}
        }
    }
    out.into_iter()
        .map(|t| words(&t))
        .filter(|t| !t.is_empty())
        .collect()
}

// ----- A small XML checker (no XML parser is in the dependency tree).

fn check_name(part: &str, name: &str) {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    assert!(
        first_ok && chars.all(|c| c.is_ascii_alphanumeric() || "._-:".contains(c)),
        "{part}: bad name {name:?}"
    );
}

/// Character data: known entities only, no character XML forbids.
fn check_text(part: &str, text: &str) {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i + 1..];
        let end = entity
            .find(';')
            .unwrap_or_else(|| panic!("{part}: unterminated entity"));
        let name = &entity[..end];
        let known = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name
                .strip_prefix('#')
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        assert!(known, "{part}: unknown entity &{name};");
    }
    assert!(
        text.chars().all(is_xml_text),
        "{part}: a character XML forbids in {text:?}"
    );
}

/// The index of the `>` that ends the tag `tag` starts, outside quotes.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn attributes<'x>(part: &str, mut rest: &'x str) -> Vec<(&'x str, &'x str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return out;
        }
        let (name, after) = rest
            .split_once('=')
            .unwrap_or_else(|| panic!("{part}: attribute without a value: {rest}"));
        check_name(part, name);
        let quote = after
            .chars()
            .next()
            .filter(|q| matches!(q, '"' | '\''))
            .unwrap_or_else(|| panic!("{part}: unquoted attribute {name}"));
        let end = after[1..]
            .find(quote)
            .unwrap_or_else(|| panic!("{part}: unterminated attribute {name}"))
            + 1;
        let value = &after[1..end];
        assert!(!value.contains('<'), "{part}: < in attribute {name}");
        check_text(part, value);
        assert!(
            out.iter().all(|(n, _)| *n != name),
            "{part}: attribute {name} twice"
        );
        out.push((name, value));
        rest = &after[end + 1..];
    }
}

/// Panics unless `xml` is well-formed: one root, tags that nest and
/// close, quoted attributes, known entities, declared namespace prefixes.
fn assert_well_formed(part: &str, xml: &str) {
    let mut rest = xml
        .strip_prefix(XML_DECLARATION)
        .unwrap_or_else(|| panic!("{part}: no XML declaration"));
    let mut open: Vec<&str> = Vec::new();
    let mut prefixes = vec!["xml".to_owned(), "xmlns".to_owned()];
    let mut roots = 0;
    loop {
        let (text, tail) = rest.split_at(rest.find('<').unwrap_or(rest.len()));
        check_text(part, text);
        assert!(
            !open.is_empty() || text.trim().is_empty(),
            "{part}: text outside the root: {text:?}"
        );
        if tail.is_empty() {
            break;
        }
        let end = tag_end(tail).unwrap_or_else(|| panic!("{part}: unterminated tag"));
        let tag = &tail[1..end];
        rest = &tail[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let opened = open
                .pop()
                .unwrap_or_else(|| panic!("{part}: stray </{name}>"));
            assert_eq!(name, opened, "{part}: </{name}> closes <{opened}>");
            continue;
        }
        let (tag, empty) = tag.strip_suffix('/').map_or((tag, false), |t| (t, true));
        let (name, attrs) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        check_name(part, name);
        let attrs = attributes(part, attrs);
        prefixes.extend(
            attrs
                .iter()
                .filter_map(|(n, _)| n.strip_prefix("xmlns:").map(str::to_owned)),
        );
        for qualified in std::iter::once(name).chain(attrs.iter().map(|(n, _)| *n)) {
            if let Some((prefix, _)) = qualified.split_once(':') {
                assert!(
                    prefixes.iter().any(|p| p == prefix),
                    "{part}: undeclared prefix in {qualified}"
                );
            }
        }
        if open.is_empty() {
            roots += 1;
        }
        if !empty {
            open.push(name);
        }
    }
    assert!(open.is_empty(), "{part}: unclosed {open:?}");
    assert_eq!(roots, 1, "{part}: one root element");
}

/// The body's text as a reader sees it: elements dropped (a space
/// between paragraphs and cells), `<text:s>` and entities restored.
fn body_text(content: &str) -> String {
    let mut rest = &content[content.find("<office:body>").expect("a body")..];
    let mut out = String::new();
    while let Some(start) = rest.find('<') {
        out.push_str(&unescape(&rest[..start]));
        let end = start + tag_end(&rest[start..]).expect("a tag end");
        let tag = &rest[start + 1..end];
        if tag == "text:s/" {
            out.push(' ');
        } else if let Some(count) = tag.strip_prefix("text:s text:c=\"") {
            let n: usize = count.trim_end_matches("\"/").parse().expect("a count");
            out.push_str(&" ".repeat(n));
        } else if [
            "/text:p",
            "/text:h",
            "text:line-break",
            "text:tab",
            "/table:table-cell",
        ]
        .iter()
        .any(|t| tag.starts_with(t))
        {
            out.push('\n');
        }
        rest = &rest[end + 1..];
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#9;", "\t")
        .replace("&#10;", "\n")
        .replace("&amp;", "&")
}

// ----- Tests.

#[test]
fn escaping_keeps_markup_characters_and_drops_what_xml_cannot_carry() {
    assert_eq!(
        escape("a & b < c > \"d\" 'e'\u{7}\u{0}\u{FFFF}\u{1b}é«»’🌱"),
        "a &amp; b &lt; c &gt; &quot;d&quot; &apos;e&apos;é«»’🌱"
    );
    assert_eq!(escape("riga\nnuova\tcolonna"), "riga&#10;nuova&#9;colonna");
    assert_well_formed(
        "escape",
        &format!(
            "{XML_DECLARATION}<a b=\"{}\">{}</a>",
            escape("<\"'&>"),
            escape("<&>")
        ),
    );
}

#[test]
fn paragraph_text_keeps_its_spaces_tabs_and_line_breaks() {
    let written = |parts: &[&str]| {
        let mut out = String::new();
        let mut text = OdfText::new(&mut out);
        for part in parts {
            text.push(part);
        }
        out
    };
    assert_eq!(
        written(&[" a  b\tc\nd"]),
        "<text:s/>a <text:s/>b<text:tab/>c<text:line-break/>d"
    );
    assert_eq!(written(&["x    y"]), "x <text:s text:c=\"3\"/>y");
    // A space that ends one run and one that starts the next both stay.
    assert_eq!(written(&["a ", " b"]), "a <text:s/>b");
    assert_eq!(written(&["\r<&>\u{8}"]), "&lt;&amp;&gt;");
}

#[test]
fn lists_nest_and_start_again_when_their_kind_changes() {
    let item = |level: u8, marker: &str, text: &str| Block::ListItem {
        level,
        marker: marker.into(),
        line: vec![Run::plain(text)],
    };
    let mut content = Content::default();
    for block in [
        item(0, "•", "uno"),
        item(1, "1.", "uno.uno"),
        item(0, "•", "due"),
        item(0, "3.", "tre"),
        item(2, "•", "profondo"),
        Block::Rule,
    ] {
        content.block(&block);
    }
    let xml = content.body.replace('\n', "");
    let p = |t: &str| format!("<text:p text:style-name=\"List\">{t}</text:p>");
    let expected = [
        "<text:list text:style-name=\"Piazza_20_bullets\"><text:list-item>".to_owned(),
        p("uno"),
        "<text:list text:style-name=\"Piazza_20_numbers\"><text:list-item text:start-value=\"1\">"
            .to_owned(),
        p("uno.uno"),
        "</text:list-item></text:list></text:list-item><text:list-item>".to_owned(),
        p("due"),
        "</text:list-item></text:list>".to_owned(),
        "<text:list text:style-name=\"Piazza_20_numbers\"><text:list-item text:start-value=\"3\">"
            .to_owned(),
        p("tre"),
        "<text:list text:style-name=\"Piazza_20_bullets\"><text:list-item>".to_owned(),
        "<text:list text:style-name=\"Piazza_20_bullets\"><text:list-item>".to_owned(),
        p("profondo"),
        "</text:list-item></text:list></text:list-item></text:list></text:list-item></text:list>"
            .to_owned(),
        "<text:p text:style-name=\"Horizontal_20_Line\"/>".to_owned(),
    ]
    .concat();
    assert_eq!(xml, expected);
}

#[test]
fn the_package_is_an_opendocument_zip_with_every_part_listed() {
    let bytes = odt_at(&plan(), created()).expect("an ODT file");
    // A reader finds the media type at a fixed offset.
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    assert_eq!(&bytes[30..38], b"mimetype");
    assert_eq!(&bytes[38..38 + MEDIA_TYPE.len()], MEDIA_TYPE.as_bytes());
    let entries = entries(&bytes);
    assert_eq!(entries[0].0, "mimetype");
    assert_eq!(entries[0].1, CompressionMethod::Stored);
    assert_eq!(entries[0].2, MEDIA_TYPE);
    let manifest = part(&bytes, "META-INF/manifest.xml");
    for (name, method, xml) in &entries[1..] {
        assert_eq!(*method, CompressionMethod::Deflated, "{name}");
        assert_well_formed(name, xml);
        if name != "META-INF/manifest.xml" {
            assert!(
                manifest.contains(&format!("manifest:full-path=\"{name}\"")),
                "the manifest lists {name}"
            );
        }
    }
    let names: Vec<&str> = entries.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "mimetype",
            "content.xml",
            "styles.xml",
            "meta.xml",
            "META-INF/manifest.xml"
        ]
    );
    assert!(manifest.contains(&format!("manifest:media-type=\"{MEDIA_TYPE}\"")));
    assert!(
        STYLES_XML.contains(FONT_FACES),
        "the same fonts in both parts"
    );
    // The same plan at the same moment gives the same bytes.
    assert_eq!(bytes, odt_at(&plan(), created()).unwrap());
}

#[test]
fn the_metadata_name_the_plan_in_italian() {
    let bytes = odt_at(&plan(), created()).unwrap();
    let meta = part(&bytes, "meta.xml");
    assert!(
        meta.contains("<dc:title>Piano strategico · Città più verde &amp; vivibile</dc:title>")
    );
    assert!(meta.contains("<dc:language>it-IT</dc:language>"));
    assert!(meta.contains("<meta:generator>Piazza</meta:generator>"));
    assert!(meta.contains("<meta:creation-date>2026-06-03T10:15:00Z</meta:creation-date>"));
    let styles = part(&bytes, "styles.xml");
    assert!(styles.contains("fo:page-width=\"21cm\" fo:page-height=\"29.7cm\""));
    assert!(
        styles.contains(
            "Pagina <text:page-number text:select-page=\"current\"/> di <text:page-count/>"
        )
    );
}

#[test]
fn the_content_says_everything_the_blocks_say() {
    let plan = plan();
    let content = part(&odt_at(&plan, created()).unwrap(), "content.xml");
    let text = words(&body_text(&content));
    for expected in expected_texts(&plan) {
        assert!(text.contains(&expected), "missing {expected:?} in {text}");
    }
    for cover in [
        "Piano strategico · Città più verde & vivibile",
        "Versione 3 del 12 maggio 2026, approvata dal Consiglio con delibera n. 45/2026 del 1 giugno 2026",
        "Obiettivi del DUP: DUP 2026–2028",
        "Indice",
        "🌱",
    ] {
        assert!(text.contains(cover), "missing {cover:?}");
    }
    let headings = plan.headings().count();
    assert_eq!(content.matches("<text:h ").count(), headings);
    let in_contents = plan.headings().filter(|h| h.0 <= TOC_LEVELS).count();
    // Only the table of contents links inside the document.
    assert_eq!(
        content
            .matches("<text:a xlink:type=\"simple\" xlink:href=\"#")
            .count(),
        in_contents
    );
    assert!(content.contains("text:outline-level=\"3\""));
    let tables = plan
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Table { .. }))
        .count();
    assert_eq!(content.matches("<table:table-header-rows>").count(), tables);
    assert!(content.contains("<draw:rect "));
    assert!(content.contains("xlink:href=\"https://www.comune.example.it/piano?x=1&amp;y=2\""));
    assert!(
        !content.contains("xlink:href=\"javascript"),
        "no script links"
    );
    assert!(content.contains("<text:span text:style-name=\"T_b\">"));
    assert!(content.contains("<text:span text:style-name=\"T_i\">"));
    assert!(
        content.contains("<text:span text:style-name=\"T_c\">codice &lt;&amp;&gt;</text:span>")
    );
    assert!(
        content.contains("<text:s text:c=\"4\"/>println!"),
        "code keeps its indentation"
    );
}

// ----- LibreOffice reads the file.

/// LibreOffice's program, wherever PATH has it.
fn office() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["soffice", "libreoffice"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "this test needs LibreOffice: neither `soffice` nor `libreoffice` is on PATH \
                 (Debian: apt-get install libreoffice-writer-nogui)"
            )
        })
}

/// Runs `command`, its output in files of `dir`, and gives that output;
/// panics with it if the command fails or takes more than four minutes.
fn run(mut command: Command, what: &str, dir: &Path) -> String {
    let out = dir.join(format!("{what}.out"));
    let err = dir.join(format!("{what}.err"));
    let log = |path: &Path| fs::File::create(path).expect("a log file");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(log(&out))
        .stderr(log(&err))
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "this test needs {what}, which could not start: {e} \
                 (Debian: apt-get install libreoffice-writer-nogui poppler-utils)"
            )
        });
    let deadline = Instant::now() + Duration::from_secs(240);
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} took more than four minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = [out, err]
        .iter()
        .map(|path| fs::read_to_string(path).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(status.success(), "{what} failed ({status}): {output}");
    output
}

/// `odt` converted by LibreOffice to `format` ("pdf", "txt:Text (encoded):UTF8"),
/// with a profile of its own so that parallel runs do not clash.
fn convert(office: &Path, odt: &Path, format: &str, dir: &Path) -> PathBuf {
    let mut command = Command::new(office);
    command
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            format,
        ])
        .arg("--outdir")
        .arg(dir)
        .arg(odt);
    let started = Instant::now();
    let output = run(command, "soffice", dir);
    eprintln!(
        "LibreOffice converted the plan to {format} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let extension = format.split(':').next().unwrap_or(format);
    let converted = odt.with_extension(extension);
    assert!(
        converted.is_file(),
        "LibreOffice wrote no {extension}, so it could not read the file: {output}"
    );
    converted
}

fn pdf_text(pdf: &Path, dir: &Path) -> String {
    let text = dir.join("piano.pdf.txt");
    let mut command = Command::new("pdftotext");
    command.args(["-enc", "UTF-8"]).arg(pdf).arg(&text);
    run(command, "pdftotext", dir);
    fs::read_to_string(&text).expect("pdftotext's text")
}

#[test]
fn libreoffice_prints_every_heading_objective_and_character() {
    let office = office();
    let plan = plan();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!("piazza-odt-{}-{nanos}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let odt_path = dir.join("piano.odt");
    fs::write(&odt_path, odt_at(&plan, created()).unwrap()).unwrap();

    // What LibreOffice read, character by character.
    let read = words(
        &fs::read_to_string(convert(&office, &odt_path, "txt:Text (encoded):UTF8", &dir)).unwrap(),
    );
    for expected in expected_texts(&plan) {
        assert!(
            read.contains(&expected),
            "LibreOffice did not read {expected:?}: {read}"
        );
    }
    assert!(read.contains("«arrivederci» 🌱"));

    // What it prints.
    let printed = words(&pdf_text(&convert(&office, &odt_path, "pdf", &dir), &dir));
    for (level, number, text, _) in plan.headings() {
        let heading = words(&heading_text(number, text));
        let times = printed.matches(&heading).count();
        let wanted = if level <= TOC_LEVELS { 2 } else { 1 };
        assert!(
            times >= wanted,
            "{heading:?} printed {times} times: {printed}"
        );
    }
    let document = document();
    for entry in document.entries() {
        assert!(printed.contains(&words(&entry.title)), "{}", entry.title);
        for o in &entry.objectives {
            let label = format!("{} {} (missione {})", o.code, o.title, o.mission_code);
            assert!(printed.contains(&label), "objective {label:?}: {printed}");
        }
    }
    for fragment in [
        "Piano strategico · Città più verde & vivibile",
        "Obiettivi del DUP: DUP 2026–2028",
        "Indice",
        "dall’ascolto: «partecipare è decidere», perché",
        "Costi & benefici: 3 < 5 > 2.",
        "codice <&>",
        "println!(\"<&>\");",
        "Pagina 2 di ",
    ] {
        assert!(
            printed.contains(fragment),
            "{fragment:?} not printed: {printed}"
        );
    }
    fs::remove_dir_all(&dir).ok();
}
