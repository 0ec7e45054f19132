//! The plan as a sequence of typed blocks: what the writers that lay out
//! pages (PDF, OpenDocument) read, so that both say exactly what the
//! Markdown and HTML versions say, in the same order and with the same
//! numbers. Markdown written by people is parsed here, once; headings inside
//! it become bold paragraphs so that they never break the plan's numbering,
//! and HTML tags are dropped, keeping their text (as the site's sanitizer does).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::model::plan::{ApprovalView, PlanDocument, PlanEntry};

use crate::service::plan::render::{
    count_it, date_it, kind_label, objective_label, status_line, title,
};

/// A run of text with one style.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    /// The address, when the run is a link.
    pub link: Option<String>,
}

impl Run {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            bold: true,
            ..Self::default()
        }
    }
}

/// A line of text made of runs.
pub type Line = Vec<Run>;

/// How a table column is aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One bar of a chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
}

/// A block of the document, in reading order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A numbered or plain heading. Level 1 is a chapter ("2. Mobilità"),
    /// 2 a platform ("2.1. …"), 3 an entry ("2.1.3. …"). `anchor` is unique
    /// in the document (for the table of contents and links).
    Heading {
        level: u8,
        number: Option<String>,
        text: String,
        anchor: String,
    },
    /// A paragraph.
    Paragraph(Line),
    /// A list item; `level` 0 is the outermost list, `marker` is "•" or "3.".
    ListItem {
        level: u8,
        marker: String,
        line: Line,
    },
    /// Indented text (a quotation in someone's Markdown).
    Quote(Line),
    /// Preformatted text, kept line by line.
    Code(String),
    /// A table with a caption, a header row and aligned columns.
    Table {
        caption: String,
        header: Vec<String>,
        align: Vec<Align>,
        rows: Vec<Vec<Line>>,
    },
    /// A horizontal bar chart; the same figures are always in a table too.
    Chart {
        caption: String,
        unit: String,
        bars: Vec<Bar>,
    },
    /// A thematic break.
    Rule,
}

/// The plan's cover: what goes on its first page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cover {
    /// "Piano strategico · <process>".
    pub title: String,
    pub process: String,
    /// "Versione 3 del 12 maggio 2026, approvata dal Consiglio …".
    pub status: String,
    pub dup_edition: Option<String>,
    /// "12 maggio 2026": when the version was saved.
    pub date: String,
}

/// The whole plan, laid out as blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanBlocks {
    pub cover: Cover,
    pub blocks: Vec<Block>,
}

impl PlanBlocks {
    /// The headings, for a table of contents.
    pub fn headings(&self) -> impl Iterator<Item = (u8, Option<&str>, &str, &str)> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Heading {
                level,
                number,
                text,
                anchor,
            } => Some((*level, number.as_deref(), text.as_str(), anchor.as_str())),
            _ => None,
        })
    }

    /// Every character of text, in order (tests and search).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        let line_text = |out: &mut String, line: &Line| {
            for run in line {
                out.push_str(&run.text);
            }
            out.push('\n');
        };
        for block in &self.blocks {
            match block {
                Block::Heading { number, text, .. } => {
                    if let Some(n) = number {
                        out.push_str(n);
                        out.push(' ');
                    }
                    out.push_str(text);
                    out.push('\n');
                }
                Block::Paragraph(line) | Block::Quote(line) | Block::ListItem { line, .. } => {
                    line_text(&mut out, line);
                }
                Block::Code(text) => {
                    out.push_str(text);
                    out.push('\n');
                }
                Block::Table {
                    caption,
                    header,
                    rows,
                    ..
                } => {
                    out.push_str(caption);
                    out.push('\n');
                    out.push_str(&header.join(" "));
                    out.push('\n');
                    for row in rows {
                        for cell in row {
                            line_text(&mut out, cell);
                        }
                    }
                }
                Block::Chart { caption, bars, .. } => {
                    out.push_str(caption);
                    out.push('\n');
                    for bar in bars {
                        out.push_str(&format!("{} {}\n", bar.label, bar.value));
                    }
                }
                Block::Rule => {}
            }
        }
        out
    }
}

/// The plan of `document` as blocks, in the order of its Markdown version.
pub fn blocks(document: &PlanDocument, approval: Option<&ApprovalView>) -> PlanBlocks {
    let cover = Cover {
        title: title(document),
        process: document.process.name.clone(),
        status: status_line(document, approval),
        dup_edition: document.dup_edition.clone(),
        date: date_it(document.saved_at.date_naive()),
    };
    let mut out = Vec::new();
    if !document.introduction_md.is_empty() {
        heading(&mut out, 1, None, "Introduzione", "introduzione");
        markdown_blocks(&mut out, &document.introduction_md);
    }
    figures(&mut out, document);
    for (i, section) in document.sections.iter().enumerate() {
        let n = format!("{}.", i + 1);
        heading(
            &mut out,
            1,
            Some(n),
            &section.title,
            &format!("sezione-{}", i + 1),
        );
        markdown_blocks(&mut out, &section.text_md);
        for (j, platform) in section.platforms.iter().enumerate() {
            heading(
                &mut out,
                2,
                Some(format!("{}.{}.", i + 1, j + 1)),
                &platform.title,
                &format!("sezione-{}-{}", i + 1, j + 1),
            );
            markdown_blocks(&mut out, &platform.text_md);
            for (k, entry) in platform.entries.iter().enumerate() {
                heading(
                    &mut out,
                    3,
                    Some(format!("{}.{}.{}.", i + 1, j + 1, k + 1)),
                    &entry.title,
                    &format!("voce-{}-{}-{}", i + 1, j + 1, k + 1),
                );
                entry_blocks(&mut out, entry);
            }
        }
    }
    if !document.closing_md.is_empty() {
        heading(&mut out, 1, None, "Conclusione", "conclusione");
        markdown_blocks(&mut out, &document.closing_md);
    }
    annex(&mut out, document);
    PlanBlocks { cover, blocks: out }
}

fn heading(out: &mut Vec<Block>, level: u8, number: Option<String>, text: &str, anchor: &str) {
    out.push(Block::Heading {
        level,
        number,
        text: text.split_whitespace().collect::<Vec<_>>().join(" "),
        anchor: anchor.to_owned(),
    });
}

fn figures(out: &mut Vec<Block>, document: &PlanDocument) {
    let f = &document.figures;
    heading(out, 1, None, "La partecipazione", "partecipazione");
    let supports = f
        .supports
        .map(count_it)
        .unwrap_or_else(|| "non ancora pubblici".to_owned());
    let rows = [
        ("Partecipanti", count_it(f.participants)),
        ("Proposte", count_it(f.proposals)),
        ("Commenti", count_it(f.comments)),
        ("Sostegni", supports),
        (
            "Partecipazione assistita allo sportello",
            format!("{:.1}%", f.assisted_percent()).replace('.', ","),
        ),
    ]
    .into_iter()
    .map(|(label, value)| vec![vec![Run::plain(label)], vec![Run::plain(value)]])
    .collect();
    out.push(Block::Table {
        caption: "Partecipazione al percorso".to_owned(),
        header: vec!["Dato".to_owned(), "Valore".to_owned()],
        align: vec![Align::Left, Align::Right],
        rows,
    });
    if f.zones.is_empty() {
        return;
    }
    out.push(Block::Chart {
        caption: "Proposte per zona".to_owned(),
        unit: "proposte".to_owned(),
        bars: f
            .zones
            .iter()
            .map(|z| Bar {
                label: z.zone.clone(),
                value: z.proposals,
            })
            .collect(),
    });
    if f.supports.is_some() {
        out.push(Block::Chart {
            caption: "Sostegni per zona".to_owned(),
            unit: "sostegni".to_owned(),
            bars: f
                .zones
                .iter()
                .map(|z| Bar {
                    label: z.zone.clone(),
                    value: z.supports,
                })
                .collect(),
        });
    }
    out.push(Block::Table {
        caption: "Partecipazione per zona".to_owned(),
        header: vec![
            "Zona".to_owned(),
            "Proposte".to_owned(),
            "Sostegni".to_owned(),
        ],
        align: vec![Align::Left, Align::Right, Align::Right],
        rows: f
            .zones
            .iter()
            .map(|z| {
                vec![
                    vec![Run::plain(z.zone.clone())],
                    vec![Run::plain(count_it(z.proposals))],
                    vec![Run::plain(if f.supports.is_some() {
                        count_it(z.supports)
                    } else {
                        "non ancora pubblici".to_owned()
                    })],
                ]
            })
            .collect(),
    });
}

fn fact(out: &mut Vec<Block>, label: &str, value: String) {
    out.push(Block::ListItem {
        level: 0,
        marker: "•".to_owned(),
        line: vec![Run::bold(format!("{label}: ")), Run::plain(value)],
    });
}

fn entry_blocks(out: &mut Vec<Block>, entry: &PlanEntry) {
    fact(out, "Tipo", kind_label(entry.kind).to_owned());
    if let Some(n) = entry.supporters {
        fact(out, "Sostenitori", count_it(n));
    }
    if !entry.zones.is_empty() {
        fact(out, "Zone", entry.zones.join(", "));
    }
    if !entry.partners.is_empty() {
        fact(out, "Partner", entry.partners.join("; "));
    }
    if let Some(agreement) = &entry.agreement {
        fact(out, "Accordo", agreement.clone());
    }
    if !entry.originals.is_empty() {
        fact(out, "Proposte confluite", entry.originals.join("; "));
    }
    let objectives = if entry.objectives.is_empty() {
        "nessuno collegato".to_owned()
    } else {
        entry
            .objectives
            .iter()
            .map(objective_label)
            .collect::<Vec<_>>()
            .join("; ")
    };
    fact(out, "Obiettivi del DUP", objectives);
    markdown_blocks(out, entry.description_md.trim());
    if let Some(answer) = &entry.answer_md {
        let start = out.len();
        markdown_blocks(out, answer.trim());
        let label = Run::bold("Risposta dell'amministrazione. ");
        match out.get_mut(start) {
            Some(Block::Paragraph(line)) => line.insert(0, label),
            _ => out.insert(start, Block::Paragraph(vec![label])),
        }
    }
}

fn annex(out: &mut Vec<Block>, document: &PlanDocument) {
    heading(
        out,
        1,
        None,
        "Allegato: corrispondenza con gli obiettivi del DUP",
        "allegato",
    );
    let rows = document
        .entries()
        .map(|entry| {
            let objectives = if entry.objectives.is_empty() {
                "nessuno".to_owned()
            } else {
                entry
                    .objectives
                    .iter()
                    .map(objective_label)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            vec![
                vec![Run::plain(entry.title.clone())],
                vec![Run::plain(kind_label(entry.kind))],
                vec![Run::plain(objectives)],
            ]
        })
        .collect();
    out.push(Block::Table {
        caption: "Voci del piano e obiettivi del DUP".to_owned(),
        header: vec![
            "Voce".to_owned(),
            "Tipo".to_owned(),
            "Obiettivi del DUP".to_owned(),
        ],
        align: vec![Align::Left, Align::Left, Align::Left],
        rows,
    });
}

/// Styles open while reading Markdown.
#[derive(Default)]
struct Style {
    bold: u32,
    italic: u32,
    link: Option<String>,
}

impl Style {
    fn run(&self, text: &str, code: bool) -> Run {
        Run {
            text: text.to_owned(),
            bold: self.bold > 0,
            italic: self.italic > 0,
            code,
            link: self.link.clone(),
        }
    }
}

/// Where the text being read goes when its block ends.
enum Open {
    Paragraph,
    Heading,
    Item { level: u8, marker: String },
    Cell,
}

/// A table being read: its header, alignments, rows, and the row being read.
#[derive(Default)]
struct TableBuilder {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<Line>>,
    row: Vec<Line>,
    in_head: bool,
}

/// Someone's Markdown as blocks: paragraphs, lists, quotes, code, tables.
pub fn markdown_blocks(out: &mut Vec<Block>, markdown: &str) {
    if markdown.trim().is_empty() {
        return;
    }
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut style = Style::default();
    let mut line: Line = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    // Lists: the next number of each open list (None when bulleted).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote = 0u32;
    let mut code: Option<String> = None;
    let mut table: Option<TableBuilder> = None;

    let flush = |out: &mut Vec<Block>, line: &mut Line, open: Option<&Open>, quote: u32| {
        if line.iter().all(|r| r.text.trim().is_empty()) {
            line.clear();
            return;
        }
        let taken = std::mem::take(line);
        out.push(match open {
            Some(Open::Item { level, marker }) => Block::ListItem {
                level: *level,
                marker: marker.clone(),
                line: taken,
            },
            _ if quote > 0 => Block::Quote(taken),
            _ => Block::Paragraph(taken),
        });
    };

    for event in parser {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    if !matches!(open.last(), Some(Open::Item { .. })) {
                        open.push(Open::Paragraph);
                    } else {
                        // A second paragraph of an item: the first is done.
                        flush(out, &mut line, open.last(), quote);
                    }
                }
                Tag::Heading { .. } => {
                    flush(out, &mut line, open.last(), quote);
                    open.push(Open::Heading);
                    style.bold += 1;
                }
                Tag::BlockQuote(_) => {
                    flush(out, &mut line, open.last(), quote);
                    quote += 1;
                }
                Tag::CodeBlock(_) => {
                    flush(out, &mut line, open.last(), quote);
                    code = Some(String::new());
                }
                Tag::List(start) => {
                    flush(out, &mut line, open.last(), quote);
                    lists.push(start);
                }
                Tag::Item => {
                    flush(out, &mut line, open.last(), quote);
                    let level = u8::try_from(lists.len().saturating_sub(1)).unwrap_or(u8::MAX);
                    let marker = match lists.last_mut() {
                        Some(Some(n)) => {
                            let marker = format!("{n}.");
                            *n += 1;
                            marker
                        }
                        _ => "•".to_owned(),
                    };
                    open.push(Open::Item { level, marker });
                }
                Tag::Table(alignments) => {
                    flush(out, &mut line, open.last(), quote);
                    let align = alignments
                        .iter()
                        .map(|a| match a {
                            pulldown_cmark::Alignment::Right => Align::Right,
                            _ => Align::Left,
                        })
                        .collect();
                    table = Some(TableBuilder {
                        align,
                        ..TableBuilder::default()
                    });
                }
                Tag::TableHead => {
                    if let Some(t) = table.as_mut() {
                        t.in_head = true;
                    }
                }
                Tag::TableRow => {
                    if let Some(t) = table.as_mut() {
                        t.row.clear();
                    }
                }
                Tag::TableCell => open.push(Open::Cell),
                Tag::Emphasis => style.italic += 1,
                Tag::Strong => style.bold += 1,
                Tag::Link { dest_url, .. } => style.link = Some(dest_url.into_string()),
                Tag::Image { dest_url, .. } => {
                    line.push(style.run(&format!("[immagine: {dest_url}] "), false));
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => {
                    if matches!(open.last(), Some(Open::Paragraph)) {
                        flush(out, &mut line, None, quote);
                        open.pop();
                    }
                }
                TagEnd::Heading(_) => {
                    style.bold = style.bold.saturating_sub(1);
                    open.pop();
                    flush(out, &mut line, None, quote);
                }
                TagEnd::BlockQuote(_) => {
                    flush(out, &mut line, open.last(), quote);
                    quote = quote.saturating_sub(1);
                }
                TagEnd::CodeBlock => {
                    if let Some(text) = code.take() {
                        out.push(Block::Code(text.trim_end().to_owned()));
                    }
                }
                TagEnd::List(_) => {
                    lists.pop();
                }
                TagEnd::Item => {
                    flush(out, &mut line, open.last(), quote);
                    open.pop();
                }
                TagEnd::TableCell => {
                    open.pop();
                    if let Some(t) = table.as_mut() {
                        let cell = std::mem::take(&mut line);
                        if t.in_head {
                            t.header
                                .push(cell.iter().map(|r| r.text.as_str()).collect());
                        } else {
                            t.row.push(cell);
                        }
                    }
                }
                TagEnd::TableHead => {
                    if let Some(t) = table.as_mut() {
                        t.in_head = false;
                    }
                }
                TagEnd::TableRow => {
                    if let Some(t) = table.as_mut() {
                        let row = std::mem::take(&mut t.row);
                        t.rows.push(row);
                    }
                }
                TagEnd::Table => {
                    if let Some(t) = table.take() {
                        out.push(Block::Table {
                            caption: String::new(),
                            header: t.header,
                            align: t.align,
                            rows: t.rows,
                        });
                    }
                }
                TagEnd::Emphasis => style.italic = style.italic.saturating_sub(1),
                TagEnd::Strong => style.bold = style.bold.saturating_sub(1),
                TagEnd::Link => {
                    if let Some(url) = style.link.take() {
                        // The address stays readable on paper.
                        let shown = line.last().is_some_and(|r| r.text == url);
                        if !shown {
                            line.push(Run::plain(format!(" ({url})")));
                        }
                    }
                }
                _ => {}
            },
            Event::Text(text) => match code.as_mut() {
                Some(code) => code.push_str(&text),
                None => line.push(style.run(&text, false)),
            },
            Event::Code(text) => line.push(style.run(&text, true)),
            Event::SoftBreak | Event::HardBreak => line.push(style.run(" ", false)),
            Event::Rule => {
                flush(out, &mut line, open.last(), quote);
                out.push(Block::Rule);
            }
            // Raw HTML is not shown (the site drops it too); footnotes and
            // task markers are not enabled.
            _ => {}
        }
    }
    flush(out, &mut line, open.last(), quote);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(markdown: &str) -> Vec<Block> {
        let mut out = Vec::new();
        markdown_blocks(&mut out, markdown);
        out
    }

    #[test]
    fn markdown_becomes_paragraphs_lists_quotes_and_tables() {
        let blocks = parsed(
            "# Titolo\n\nUn **forte** e un *corsivo* con [link](https://example.org).\n\n\
             - uno\n- due\n  1. primo\n\n> citato\n\n| A | B |\n|---|--:|\n| x | 2 |\n\n<b>html</b>\n",
        );
        assert_eq!(blocks[0], Block::Paragraph(vec![Run::bold("Titolo")]));
        let Block::Paragraph(line) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert!(line.iter().any(|r| r.bold && r.text == "forte"));
        assert!(line.iter().any(|r| r.italic && r.text == "corsivo"));
        assert!(
            line.iter()
                .any(|r| r.link.as_deref() == Some("https://example.org"))
        );
        assert!(line.iter().any(|r| r.text == " (https://example.org)"));
        assert!(matches!(&blocks[2], Block::ListItem { level: 0, marker, .. } if marker == "•"));
        assert!(matches!(&blocks[3], Block::ListItem { level: 0, .. }));
        assert!(matches!(&blocks[4], Block::ListItem { level: 1, marker, .. } if marker == "1."));
        assert_eq!(blocks[5], Block::Quote(vec![Run::plain("citato")]));
        assert!(
            matches!(&blocks[6], Block::Table { header, align, rows, .. }
            if header == &["A", "B"] && align == &[Align::Left, Align::Right] && rows.len() == 1)
        );
        assert!(
            !format!("{blocks:?}").contains("<b>"),
            "HTML tags are dropped, their text kept: {blocks:?}"
        );
    }

    #[test]
    fn empty_markdown_gives_nothing() {
        assert!(parsed("  \n").is_empty());
    }
}
