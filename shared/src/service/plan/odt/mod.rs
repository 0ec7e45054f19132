//! The plan as an OpenDocument Text file (ODF 1.3), the open format Italian
//! administrations file and edit: a cover, a table of contents already
//! filled in, then every block of [`PlanBlocks`] in order, so that the file
//! says what the PDF, HTML and Markdown versions say.
//!
//! Styles carry the names LibreOffice knows ("Heading 1", "Text body",
//! "Table Contents", …), so the document stays easy to edit; headings are
//! outline headings (the navigator and "Update index" work), tables repeat
//! their header row on every page. The fixed styles are in
//! `styles.xml` beside this file; `content.xml` is written here.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use chrono::{DateTime, Datelike, Timelike, Utc};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::service::plan::blocks::{Align, Bar, Block, Cover, Line, PlanBlocks, Run};
use crate::service::plan::render::count_it;

/// The media type of an OpenDocument Text file.
pub const MEDIA_TYPE: &str = "application/vnd.oasis.opendocument.text";

/// Why the file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OdtError {
    /// The zip library refused an entry.
    #[error("the OpenDocument package could not be written: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing an entry's bytes failed.
    #[error("the OpenDocument package could not be written: {0}")]
    Io(#[from] std::io::Error),
}

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The styles every plan shares: fonts, A4 pages with a numbered footer,
/// paragraph, list and link styles.
const STYLES_XML: &str = include_str!("styles.xml");

/// The fonts, declared in `content.xml` as in `styles.xml`. Titillium Web
/// (the Italian public administration's typeface) is named, not embedded;
/// where it is missing, the next family in the list is used.
const FONT_FACES: &str = "<office:font-face-decls>\n\
<style:font-face style:name=\"Titillium Web\" svg:font-family=\"&apos;Titillium Web&apos;, &apos;Liberation Sans&apos;, Arial, sans-serif\" style:font-family-generic=\"swiss\" style:font-pitch=\"variable\"/>\n\
<style:font-face style:name=\"Piazza Mono\" svg:font-family=\"&apos;Liberation Mono&apos;, &apos;DejaVu Sans Mono&apos;, &apos;Courier New&apos;, monospace\" style:font-family-generic=\"modern\" style:font-pitch=\"fixed\"/>\n\
</office:font-face-decls>";

const CONTENT_NAMESPACES: &str = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" \
xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" \
xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" \
xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" \
xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" \
xmlns:xlink=\"http://www.w3.org/1999/xlink\"";

/// The parts the manifest lists (the `mimetype` entry is never listed).
const LISTED_PARTS: [&str; 3] = ["content.xml", "styles.xml", "meta.xml"];

/// The width of the text between the page's margins (A4, 2 cm each side).
const TEXT_WIDTH_CM: f64 = 17.0;
/// The longest bar of a chart.
const BAR_MAX_CM: f64 = 8.5;
/// Headings down to this level are in the table of contents (as on the site).
const TOC_LEVELS: u8 = 2;
/// The deepest list level the list styles define.
const LIST_LEVELS: u8 = 5;

/// The styles of runs, by (bold, italic, code); plain text has none.
const SPAN_STYLES: [(bool, bool, bool, &str); 7] = [
    (true, false, false, "T_b"),
    (false, true, false, "T_i"),
    (true, true, false, "T_bi"),
    (false, false, true, "T_c"),
    (true, false, true, "T_bc"),
    (false, true, true, "T_ic"),
    (true, true, true, "T_bic"),
];

/// The automatic styles every `content.xml` has: the cover's first and
/// last paragraph, tables, chart bars.
const FIXED_AUTOMATIC_STYLES: &str = "\
<style:style style:name=\"P_cover_title\" style:family=\"paragraph\" style:parent-style-name=\"Title\" style:master-page-name=\"First_20_Page\"/>\n\
<style:style style:name=\"P_cover_last\" style:family=\"paragraph\" style:parent-style-name=\"Piazza_20_cover\"><style:paragraph-properties fo:break-after=\"page\"/></style:style>\n\
<style:style style:name=\"Tabella\" style:family=\"table\"><style:table-properties style:width=\"17cm\" table:align=\"margins\" fo:margin-top=\"0cm\" fo:margin-bottom=\"0.35cm\" style:may-break-between-rows=\"true\"/></style:style>\n\
<style:style style:name=\"Cella\" style:family=\"table-cell\"><style:table-cell-properties fo:padding=\"0.08cm\" fo:border=\"0.5pt solid #c5c7c9\" style:vertical-align=\"top\"/></style:style>\n\
<style:style style:name=\"Cella_intestazione\" style:family=\"table-cell\"><style:table-cell-properties fo:padding=\"0.08cm\" fo:border=\"0.5pt solid #c5c7c9\" fo:background-color=\"#e8eef5\" style:vertical-align=\"bottom\"/></style:style>\n\
<style:style style:name=\"Grafico\" style:family=\"table\"><style:table-properties style:width=\"17cm\" table:align=\"margins\" fo:margin-top=\"0cm\" fo:margin-bottom=\"0.35cm\"/></style:style>\n\
<style:style style:name=\"Grafico.A\" style:family=\"table-column\"><style:table-column-properties style:column-width=\"5cm\"/></style:style>\n\
<style:style style:name=\"Grafico.B\" style:family=\"table-column\"><style:table-column-properties style:column-width=\"9cm\"/></style:style>\n\
<style:style style:name=\"Grafico.C\" style:family=\"table-column\"><style:table-column-properties style:column-width=\"3cm\"/></style:style>\n\
<style:style style:name=\"Cella_grafico\" style:family=\"table-cell\"><style:table-cell-properties fo:padding=\"0.06cm\" fo:border=\"none\" style:vertical-align=\"middle\"/></style:style>\n\
<style:style style:name=\"Barra\" style:family=\"graphic\"><style:graphic-properties draw:stroke=\"none\" draw:fill=\"solid\" draw:fill-color=\"#0066cc\" style:vertical-pos=\"middle\" style:vertical-rel=\"line\"/></style:style>\n";

/// The plan as an OpenDocument Text file, dated now.
pub fn odt(plan: &PlanBlocks) -> Result<Vec<u8>, OdtError> {
    odt_at(plan, Utc::now())
}

/// The plan as an OpenDocument Text file made at `created` (its metadata
/// and the dates of the package's entries): the same input gives the same
/// bytes.
pub fn odt_at(plan: &PlanBlocks, created: DateTime<Utc>) -> Result<Vec<u8>, OdtError> {
    let time = zip_time(created);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // First and uncompressed, so that the media type sits at a fixed offset.
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time);
    zip.start_file("mimetype", stored)?;
    zip.write_all(MEDIA_TYPE.as_bytes())?;
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let parts = [
        ("content.xml", content_xml(plan)),
        ("styles.xml", STYLES_XML.to_owned()),
        ("meta.xml", meta_xml(&plan.cover, created)),
        ("META-INF/manifest.xml", manifest_xml()),
    ];
    for (name, xml) in parts {
        zip.start_file(name, deflated)?;
        zip.write_all(xml.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// `created` as a zip entry's date (zip dates run from 1980 to 2107).
fn zip_time(created: DateTime<Utc>) -> zip::DateTime {
    let small = |n: u32| u8::try_from(n).unwrap_or(0);
    u16::try_from(created.year())
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                small(created.month()),
                small(created.day()),
                small(created.hour()),
                small(created.minute()),
                small(created.second()),
            )
            .ok()
        })
        .unwrap_or_default()
}

fn manifest_xml() -> String {
    let mut out = format!(
        "{XML_DECLARATION}<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">\n\
         <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\" manifest:media-type=\"{MEDIA_TYPE}\"/>\n"
    );
    for part in LISTED_PARTS {
        let _ = writeln!(
            out,
            "<manifest:file-entry manifest:full-path=\"{part}\" manifest:media-type=\"text/xml\"/>"
        );
    }
    out.push_str("</manifest:manifest>\n");
    out
}

fn meta_xml(cover: &Cover, created: DateTime<Utc>) -> String {
    let when = created.format("%Y-%m-%dT%H:%M:%SZ");
    format!(
        "{XML_DECLARATION}<office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" office:version=\"1.3\">\
         <office:meta><meta:generator>Piazza</meta:generator><dc:title>{}</dc:title><dc:subject>{}</dc:subject>\
         <dc:description>{}</dc:description><dc:language>it-IT</dc:language>\
         <meta:creation-date>{when}</meta:creation-date><dc:date>{when}</dc:date></office:meta></office:document-meta>\n",
        escape(&cover.title),
        escape(&cover.process),
        escape(&cover.status),
    )
}

fn content_xml(plan: &PlanBlocks) -> String {
    let mut content = Content::default();
    content.cover(&plan.cover);
    content.table_of_contents(plan);
    for block in &plan.blocks {
        content.block(block);
    }
    content.close_lists();
    let spans: String = SPAN_STYLES.iter().map(span_style_xml).collect();
    format!(
        "{XML_DECLARATION}<office:document-content {CONTENT_NAMESPACES} office:version=\"1.3\">\n{FONT_FACES}\n\
         <office:automatic-styles>\n{FIXED_AUTOMATIC_STYLES}{spans}{}</office:automatic-styles>\n\
         <office:body><office:text>\n{}</office:text></office:body></office:document-content>\n",
        content.column_styles, content.body
    )
}

/// The automatic style of one kind of run.
fn span_style_xml(&(bold, italic, code, name): &(bool, bool, bool, &str)) -> String {
    let mut properties = String::new();
    if bold {
        properties.push_str(" fo:font-weight=\"bold\"");
    }
    if italic {
        properties.push_str(" fo:font-style=\"italic\"");
    }
    if code {
        properties.push_str(" style:font-name=\"Piazza Mono\"");
    }
    format!(
        "<style:style style:name=\"{name}\" style:family=\"text\"><style:text-properties{properties}/></style:style>\n"
    )
}

/// What kind of list an item belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListKind {
    Bullets,
    Numbers,
}

impl ListKind {
    /// The kind of list a marker ("•", "3.") shows, and its number.
    fn of(marker: &str) -> (Self, Option<u64>) {
        match marker.trim_end_matches(['.', ')']).parse::<u64>() {
            Ok(n) => (Self::Numbers, Some(n)),
            Err(_) => (Self::Bullets, None),
        }
    }

    fn style(self) -> &'static str {
        match self {
            Self::Bullets => "Piazza_20_bullets",
            Self::Numbers => "Piazza_20_numbers",
        }
    }
}

/// `content.xml` being written.
#[derive(Default)]
struct Content {
    body: String,
    /// The column widths of each table, as automatic styles.
    column_styles: String,
    /// Tables and charts written so far (each needs a unique name).
    tables: usize,
    /// The lists open around the last list item, outermost first; each has
    /// an item open.
    lists: Vec<ListKind>,
}

impl Content {
    fn cover(&mut self, cover: &Cover) {
        let mut lines = vec![
            ("Subtitle", cover.process.clone()),
            ("Piazza_20_cover", cover.status.clone()),
        ];
        if let Some(edition) = &cover.dup_edition {
            lines.push(("Piazza_20_cover", format!("Obiettivi del DUP: {edition}")));
        }
        self.plain_paragraph("P_cover_title", &cover.title);
        let last = lines.len() - 1;
        for (i, (style, text)) in lines.iter().enumerate() {
            // The cover's last line ends its page.
            let style = if i == last { "P_cover_last" } else { style };
            self.plain_paragraph(style, text);
        }
    }

    /// A table of contents LibreOffice can update, already filled in with
    /// the headings (page numbers come with the first update).
    fn table_of_contents(&mut self, plan: &PlanBlocks) {
        let _ = write!(
            self.body,
            "<text:table-of-content text:name=\"Indice\" text:protected=\"true\">\
             <text:table-of-content-source text:outline-level=\"{TOC_LEVELS}\" text:use-index-marks=\"false\">\
             <text:index-title-template text:style-name=\"Contents_20_Heading\">Indice</text:index-title-template>"
        );
        for level in 1..=TOC_LEVELS {
            let _ = write!(
                self.body,
                "<text:table-of-content-entry-template text:outline-level=\"{level}\" text:style-name=\"Contents_20_{level}\">\
                 <text:index-entry-link-start text:style-name=\"Index_20_Link\"/><text:index-entry-text/>\
                 <text:index-entry-tab-stop style:type=\"right\" style:leader-char=\".\"/><text:index-entry-page-number/>\
                 <text:index-entry-link-end/></text:table-of-content-entry-template>"
            );
        }
        self.body.push_str(
            "</text:table-of-content-source><text:index-body>\n\
             <text:index-title text:name=\"Indice_titolo\"><text:p text:style-name=\"Contents_20_Heading\">Indice</text:p></text:index-title>\n",
        );
        for (level, number, text, anchor) in plan.headings() {
            if level > TOC_LEVELS {
                continue;
            }
            let _ = write!(
                self.body,
                "<text:p text:style-name=\"Contents_20_{level}\"><text:a xlink:type=\"simple\" xlink:href=\"#{}\" \
                 text:style-name=\"Index_20_Link\" text:visited-style-name=\"Index_20_Link\">",
                escape(anchor)
            );
            OdfText::new(&mut self.body).push(&heading_text(number, text));
            self.body.push_str("</text:a></text:p>\n");
        }
        self.body
            .push_str("</text:index-body></text:table-of-content>\n");
    }

    fn block(&mut self, block: &Block) {
        if !matches!(block, Block::ListItem { .. }) {
            self.close_lists();
        }
        match block {
            Block::Heading {
                level,
                number,
                text,
                anchor,
            } => self.heading(*level, number.as_deref(), text, anchor),
            Block::Paragraph(line) => self.paragraph("Text_20_body", line),
            Block::ListItem {
                level,
                marker,
                line,
            } => self.list_item(*level, marker, line),
            Block::Quote(line) => self.paragraph("Quotations", line),
            Block::Code(text) => self.code(text),
            Block::Table {
                caption,
                header,
                align,
                rows,
            } => self.table(caption, header, align, rows),
            Block::Chart {
                caption,
                unit,
                bars,
            } => self.chart(caption, unit, bars),
            Block::Rule => self
                .body
                .push_str("<text:p text:style-name=\"Horizontal_20_Line\"/>\n"),
        }
    }

    /// An outline heading, with a bookmark the table of contents links to.
    fn heading(&mut self, level: u8, number: Option<&str>, text: &str, anchor: &str) {
        let level = level.clamp(1, 3);
        let _ = write!(
            self.body,
            "<text:h text:style-name=\"Heading_20_{level}\" text:outline-level=\"{level}\"><text:bookmark text:name=\"{}\"/>",
            escape(anchor)
        );
        OdfText::new(&mut self.body).push(&heading_text(number, text));
        self.body.push_str("</text:h>\n");
    }

    fn paragraph(&mut self, style: &str, line: &[Run]) {
        let _ = write!(self.body, "<text:p text:style-name=\"{style}\">");
        write_runs(&mut self.body, line);
        self.body.push_str("</text:p>\n");
    }

    fn plain_paragraph(&mut self, style: &str, text: &str) {
        let _ = write!(self.body, "<text:p text:style-name=\"{style}\">");
        OdfText::new(&mut self.body).push(text);
        self.body.push_str("</text:p>\n");
    }

    /// One item of a (possibly nested) list: the lists around it are opened
    /// or closed to reach its level, and a list of the other kind (bullets
    /// after numbers) starts anew.
    fn list_item(&mut self, level: u8, marker: &str, line: &[Run]) {
        let depth = usize::from(level.min(LIST_LEVELS - 1)) + 1;
        let (kind, number) = ListKind::of(marker);
        while self.lists.len() > depth {
            self.close_list();
        }
        if self.lists.len() == depth {
            if self.lists[depth - 1] == kind {
                self.body.push_str("</text:list-item><text:list-item>");
            } else {
                self.close_list();
            }
        }
        while self.lists.len() < depth {
            // Levels skipped over get an empty bulleted item around the next.
            let here = self.lists.len() + 1 == depth;
            let opened = if here { kind } else { ListKind::Bullets };
            let _ = write!(
                self.body,
                "<text:list text:style-name=\"{}\">",
                opened.style()
            );
            match number.filter(|_| here) {
                Some(n) => {
                    let _ = write!(self.body, "<text:list-item text:start-value=\"{n}\">");
                }
                None => self.body.push_str("<text:list-item>"),
            }
            self.lists.push(opened);
        }
        self.paragraph("List", line);
    }

    fn close_list(&mut self) {
        if self.lists.pop().is_some() {
            self.body.push_str("</text:list-item></text:list>\n");
        }
    }

    fn close_lists(&mut self) {
        while !self.lists.is_empty() {
            self.close_list();
        }
    }

    /// Preformatted text, a paragraph per line, spaces kept.
    fn code(&mut self, text: &str) {
        for line in text.split('\n') {
            self.plain_paragraph("Preformatted_20_Text", line);
        }
    }

    /// A table: its caption above, a header row repeated on every page,
    /// columns aligned as asked and as wide as their text needs.
    fn table(&mut self, caption: &str, header: &[String], align: &[Align], rows: &[Vec<Line>]) {
        self.tables += 1;
        let name = format!("Tabella{}", self.tables);
        let columns = rows
            .iter()
            .map(Vec::len)
            .chain([header.len(), 1])
            .max()
            .unwrap_or(1);
        if !caption.trim().is_empty() {
            self.plain_paragraph("Caption", caption);
        }
        let _ = write!(
            self.body,
            "<table:table table:name=\"{name}\" table:style-name=\"Tabella\">"
        );
        for (i, width) in column_widths(header, rows, columns).iter().enumerate() {
            let _ = writeln!(
                self.column_styles,
                "<style:style style:name=\"{name}.C{i}\" style:family=\"table-column\">\
                 <style:table-column-properties style:column-width=\"{width:.2}cm\"/></style:style>"
            );
            let _ = write!(
                self.body,
                "<table:table-column table:style-name=\"{name}.C{i}\"/>"
            );
        }
        let right = |i: usize| align.get(i) == Some(&Align::Right);
        if !header.is_empty() {
            self.body
                .push_str("<table:table-header-rows><table:table-row>");
            for i in 0..columns {
                let style = if right(i) {
                    "Table_20_Heading_20_Right"
                } else {
                    "Table_20_Heading"
                };
                let text = header.get(i).map_or("", String::as_str);
                self.cell("Cella_intestazione", style, &[Run::plain(text)]);
            }
            self.body
                .push_str("</table:table-row></table:table-header-rows>\n");
        }
        for row in rows {
            self.body.push_str("<table:table-row>");
            for i in 0..columns {
                let style = if right(i) {
                    "Table_20_Contents_20_Right"
                } else {
                    "Table_20_Contents"
                };
                self.cell("Cella", style, row.get(i).map_or(&[][..], Vec::as_slice));
            }
            self.body.push_str("</table:table-row>\n");
        }
        self.body.push_str("</table:table>\n");
    }

    fn cell(&mut self, cell_style: &str, paragraph_style: &str, line: &[Run]) {
        let _ = write!(
            self.body,
            "<table:table-cell table:style-name=\"{cell_style}\" office:value-type=\"string\">"
        );
        self.paragraph(paragraph_style, line);
        self.body.push_str("</table:table-cell>");
    }

    /// A horizontal bar chart: a row per bar with its label, a bar as long
    /// as its value (the largest fills the column) and the value in words.
    fn chart(&mut self, caption: &str, unit: &str, bars: &[Bar]) {
        self.tables += 1;
        if !caption.trim().is_empty() {
            self.plain_paragraph("Caption", caption);
        }
        let _ = write!(
            self.body,
            "<table:table table:name=\"Grafico{}\" table:style-name=\"Grafico\">\
             <table:table-column table:style-name=\"Grafico.A\"/><table:table-column table:style-name=\"Grafico.B\"/>\
             <table:table-column table:style-name=\"Grafico.C\"/>",
            self.tables
        );
        let largest = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
        for bar in bars {
            let value = format!("{} {unit}", count_it(bar.value))
                .trim_end()
                .to_owned();
            self.body.push_str("<table:table-row>");
            self.cell(
                "Cella_grafico",
                "Table_20_Contents",
                &[Run::plain(bar.label.as_str())],
            );
            self.body.push_str(
                "<table:table-cell table:style-name=\"Cella_grafico\" office:value-type=\"string\">\
                 <text:p text:style-name=\"Table_20_Contents\">",
            );
            write_bar(&mut self.body, bar, largest, &value);
            self.body.push_str("</text:p></table:table-cell>");
            self.cell(
                "Cella_grafico",
                "Table_20_Contents_20_Right",
                &[Run::plain(value)],
            );
            self.body.push_str("</table:table-row>\n");
        }
        self.body.push_str("</table:table>\n");
    }
}

/// A bar drawn in the line of text, titled with its label and value for
/// screen readers; nothing for zero.
fn write_bar(out: &mut String, bar: &Bar, largest: i64, value: &str) {
    if bar.value <= 0 {
        return;
    }
    let width = (bar.value as f64 / largest as f64 * BAR_MAX_CM).max(0.05);
    let _ = write!(
        out,
        "<draw:rect draw:style-name=\"Barra\" text:anchor-type=\"as-char\" draw:z-index=\"0\" \
         svg:width=\"{width:.2}cm\" svg:height=\"0.4cm\"><svg:title>{}</svg:title></draw:rect>",
        escape(&format!("{}: {value}", bar.label))
    );
}

/// Column widths in centimetres, in proportion to the longest text of each
/// column, within limits so that a short column stays readable.
fn column_widths(header: &[String], rows: &[Vec<Line>], columns: usize) -> Vec<f64> {
    let chars = |line: &Line| line.iter().map(|r| r.text.chars().count()).sum::<usize>();
    let weights: Vec<f64> = (0..columns)
        .map(|i| {
            let head = header.get(i).map_or(0, |h| h.chars().count());
            let longest = rows
                .iter()
                .filter_map(|row| row.get(i))
                .map(chars)
                .max()
                .unwrap_or(0);
            head.max(longest).clamp(6, 40) as f64
        })
        .collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| TEXT_WIDTH_CM * w / total).collect()
}

/// "2.1. Mobilità", or the text alone.
fn heading_text(number: Option<&str>, text: &str) -> String {
    match number {
        Some(number) => format!("{number} {text}"),
        None => text.to_owned(),
    }
}

/// The automatic style of a run, if it is not plain.
fn span_style(run: &Run) -> Option<&'static str> {
    SPAN_STYLES
        .iter()
        .find(|(bold, italic, code, _)| (*bold, *italic, *code) == (run.bold, run.italic, run.code))
        .map(|(_, _, _, name)| *name)
}

/// Whether a link may be followed from the document: web and mail
/// addresses only (never a script or a macro).
fn is_safe_link(href: &str) -> bool {
    let lower = href.trim_start().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// Styled runs: spans for bold, italic and code, links to web addresses.
fn write_runs(out: &mut String, line: &[Run]) {
    let mut text = OdfText::new(out);
    for run in line {
        let link = run.link.as_deref().filter(|href| is_safe_link(href));
        if let Some(href) = link {
            text.markup(&format!(
                "<text:a xlink:type=\"simple\" xlink:href=\"{}\" text:style-name=\"Internet_20_link\" \
                 text:visited-style-name=\"Internet_20_link\">",
                escape(href.trim())
            ));
        }
        match span_style(run) {
            Some(style) => {
                text.markup(&format!("<text:span text:style-name=\"{style}\">"));
                text.push(&run.text);
                text.markup("</text:span>");
            }
            None => text.push(&run.text),
        }
        if link.is_some() {
            text.markup("</text:a>");
        }
    }
}

/// The text of one paragraph, written so that ODF keeps it as typed: a
/// space at the start or after another space becomes `<text:s/>` (readers
/// collapse plain ones), tabs and line breaks become elements, markup
/// characters are escaped and characters XML cannot carry are dropped.
struct OdfText<'a> {
    out: &'a mut String,
    /// Whether a plain space here would be collapsed.
    after_space: bool,
}

impl<'a> OdfText<'a> {
    fn new(out: &'a mut String) -> Self {
        Self {
            out,
            after_space: true,
        }
    }

    /// Markup that is not text (a span opening or closing).
    fn markup(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    fn push(&mut self, text: &str) {
        let mut kept_spaces = 0usize;
        for c in text.chars() {
            if c == ' ' {
                if self.after_space {
                    kept_spaces += 1;
                } else {
                    self.out.push(' ');
                    self.after_space = true;
                }
                continue;
            }
            self.keep_spaces(&mut kept_spaces);
            match c {
                '\n' => self.element("<text:line-break/>"),
                '\t' => self.element("<text:tab/>"),
                '\r' => {}
                c if is_xml_text(c) => {
                    push_escaped(self.out, c);
                    self.after_space = false;
                }
                _ => {}
            }
        }
        self.keep_spaces(&mut kept_spaces);
    }

    fn element(&mut self, element: &str) {
        self.out.push_str(element);
        self.after_space = true;
    }

    fn keep_spaces(&mut self, count: &mut usize) {
        match *count {
            0 => {}
            1 => self.out.push_str("<text:s/>"),
            n => {
                let _ = write!(self.out, "<text:s text:c=\"{n}\"/>");
            }
        }
        *count = 0;
    }
}

/// Whether `c` may stand in the document's text: XML 1.0 forbids most
/// control characters and U+FFFE/U+FFFF, and the remaining controls (but tab
/// and line breaks) mean nothing in typed text.
fn is_xml_text(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&apos;"),
        // Kept through attribute-value normalization.
        '\t' => out.push_str("&#9;"),
        '\n' => out.push_str("&#10;"),
        '\r' => out.push_str("&#13;"),
        c => out.push(c),
    }
}

/// `text` for an XML attribute or element: markup characters escaped,
/// characters XML cannot carry dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| is_xml_text(*c)) {
        push_escaped(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
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
                Block::Heading { number, text, .. } => {
                    out.push(heading_text(number.as_deref(), text))
                }
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
        assert!(styles.contains(
            "Pagina <text:page-number text:select-page=\"current\"/> di <text:page-count/>"
        ));
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
            &fs::read_to_string(convert(&office, &odt_path, "txt:Text (encoded):UTF8", &dir))
                .unwrap(),
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
}
