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
mod tests;
