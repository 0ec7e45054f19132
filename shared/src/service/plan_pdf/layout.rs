//! The plan's blocks laid out as strips: unbreakable horizontal slices (a
//! line of text, a slice of a table row, a bar of a chart) with what they
//! draw relative to their top. Widths never depend on the page, so this is
//! done once; the paginator then only stacks strips. The tag tree is built
//! here too, in reading order, with slots for the content drawn later.

use std::num::NonZeroU16;
use std::rc::Rc;

use krilla::tagging::{ArtifactType, ListNumbering, TableHeaderScope, Tag};

use super::structure::{NodeId, Parent, SlotId, Structure};
use super::text::{Face, Fonts, GlyphRun, Inline, LinePieces, Rgb, line_width, runs_of_line};
use crate::service::plan_blocks::{Align, Bar, Block, Cover, PlanBlocks, Run};
use crate::service::plan_render::count_it;

/// A4, in points.
pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;
/// Left and right margins (24 mm).
pub(super) const MARGIN_X: f32 = 68.0;
pub(super) const BODY_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
/// Where the body starts and ends (the running header and footer lie outside).
pub(super) const BODY_TOP: f32 = 82.0;
pub(super) const BODY_BOTTOM: f32 = PAGE_HEIGHT - 70.0;

pub(super) const TEXT: Rgb = Rgb(26, 26, 26);
pub(super) const MUTED: Rgb = Rgb(84, 84, 84);
const HEADING: Rgb = Rgb(0, 51, 102);
const ACCENT: Rgb = Rgb(0, 102, 204);
const LINK: Rgb = Rgb(0, 77, 153);
pub(super) const RULE: Rgb = Rgb(128, 128, 128);
const SHADE: Rgb = Rgb(236, 240, 245);
const CODE_SHADE: Rgb = Rgb(240, 240, 240);

const BODY_SIZE: f32 = 10.5;
const SMALL_SIZE: f32 = 9.5;
const LEADING: f32 = 1.42;
const CELL_PADDING_X: f32 = 4.0;
const CELL_PADDING_Y: f32 = 3.0;
const LIST_INDENT: f32 = 16.0;
const TOC_NUMBER_COLUMN: f32 = 32.0;

/// How content is marked for the tag tree.
#[derive(Clone, Copy, Debug)]
pub(super) enum Mark {
    /// Not content: decoration, running headers, repeated table headers.
    Artifact(ArtifactType),
    /// Text, in the slot given.
    Text(SlotId),
    /// A graphic that carries meaning (a chart's bar).
    Graphic(SlotId),
}

/// Where a link goes.
#[derive(Clone, Debug)]
pub(super) enum Target {
    Uri(String),
    /// The n-th heading of the plan.
    Heading(usize),
}

/// A link annotation over drawn text.
#[derive(Clone, Debug)]
pub(super) struct Link {
    pub target: Target,
    pub slot: SlotId,
    pub alt: String,
}

/// Text to draw.
#[derive(Clone, Debug)]
pub(super) struct TextDraw {
    pub x: f32,
    pub baseline: f32,
    pub face: Face,
    pub size: f32,
    pub color: Rgb,
    pub run: GlyphRun,
    pub mark: Mark,
    pub link: Option<Link>,
}

/// Something to draw; `y` grows downwards from the top of the strip (of
/// the page, once placed).
#[derive(Clone, Debug)]
pub(super) enum Draw {
    Text(TextDraw),
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        color: Rgb,
        mark: Mark,
    },
    /// The page a heading lands on, right-aligned at `right` (the table
    /// of contents is laid out before the pages are known).
    PageNumber {
        right: f32,
        baseline: f32,
        heading: usize,
        face: Face,
        mark: Mark,
        link: Option<Link>,
    },
}

impl Draw {
    /// The same, `dy` lower.
    pub fn shifted(mut self, dy: f32) -> Self {
        match &mut self {
            Draw::Text(text) => text.baseline += dy,
            Draw::Rect { y, .. } => *y += dy,
            Draw::PageNumber { baseline, .. } => *baseline += dy,
        }
        self
    }

    /// The same as decoration: no tag, no link.
    fn as_artifact(&self) -> Self {
        let mut copy = self.clone();
        let artifact = Mark::Artifact(ArtifactType::PaginationOther);
        match &mut copy {
            Draw::Text(text) => {
                text.mark = artifact;
                text.link = None;
            }
            Draw::Rect { mark, .. } => *mark = artifact,
            Draw::PageNumber { mark, link, .. } => {
                *mark = artifact;
                *link = None;
            }
        }
        copy
    }
}

/// A table's header, drawn again at the top of each page the table continues on.
#[derive(Debug)]
pub(super) struct Repeat {
    pub height: f32,
    pub draws: Vec<Draw>,
}

/// An unbreakable slice of the document.
#[derive(Debug, Default)]
pub(super) struct Strip {
    pub height: f32,
    /// Space above, dropped at the top of a page.
    pub space_before: f32,
    /// Whether this strip must be on the same page as the next one.
    pub keep_with_next: bool,
    /// Whether this strip starts a new page.
    pub break_before: bool,
    /// The heading (its index in the plan) this strip starts.
    pub heading: Option<usize>,
    /// The header to repeat above this strip when it starts a page.
    pub repeat: Option<Rc<Repeat>>,
    /// The table's left and right edges, for strips of a table.
    pub frame: Option<(f32, f32)>,
    pub draws: Vec<Draw>,
}

/// A heading as the outline and the table of contents name it.
#[derive(Clone, Debug)]
pub(super) struct HeadingRef {
    pub level: u8,
    pub label: String,
}

/// The whole plan laid out.
pub(super) struct Layout {
    /// The cover page, drawn at its place.
    pub cover: Vec<Draw>,
    /// The table of contents (empty when the plan has no headings).
    pub toc: Vec<Strip>,
    pub body: Vec<Strip>,
    pub headings: Vec<HeadingRef>,
    pub structure: Structure,
}

/// How a run of text looks.
#[derive(Clone, Debug)]
struct Look {
    face: Face,
    color: Rgb,
    code: bool,
    link: Option<String>,
}

/// The look of a block's text before the runs' own styles.
#[derive(Clone, Copy, Debug)]
struct Style {
    size: f32,
    color: Rgb,
    bold: bool,
    leading: f32,
}

impl Style {
    const BODY: Style = Style {
        size: BODY_SIZE,
        color: TEXT,
        bold: false,
        leading: LEADING,
    };
    const SMALL: Style = Style {
        size: SMALL_SIZE,
        color: TEXT,
        bold: false,
        leading: 1.35,
    };

    fn bold(self) -> Self {
        Style { bold: true, ..self }
    }

    fn line_height(self) -> f32 {
        self.size * self.leading
    }
}

/// Text ready to break: its pieces and the looks they refer to.
struct Prepared {
    inline: Inline,
    looks: Vec<Look>,
    style: Style,
}

/// One broken line, drawn relative to its top.
struct LineBox {
    height: f32,
    draws: Vec<Draw>,
    width: f32,
}

/// Where a text's lines go: horizontally, and in the tag tree.
#[derive(Clone, Copy)]
struct Frame {
    x: f32,
    width: f32,
    align: Align,
    parent: Parent,
}

/// A list being filled, for nesting list items into lists.
struct OpenList {
    level: u8,
    numbered: bool,
    list: NodeId,
    body: Option<NodeId>,
}

/// Lays out `plan`: cover, table of contents, body.
pub(super) fn lay_out(plan: &PlanBlocks, fonts: &mut Fonts) -> Layout {
    let mut layouter = Layouter {
        fonts,
        structure: Structure::default(),
        strips: Vec::new(),
        lists: Vec::new(),
        headings: 0,
    };
    let cover = layouter.cover(&plan.cover);
    let headings: Vec<HeadingRef> = plan
        .headings()
        .map(|(level, number, text, _)| HeadingRef {
            level,
            label: heading_label(number, text),
        })
        .collect();
    if !headings.is_empty() {
        layouter.table_of_contents(plan);
    }
    let toc = std::mem::take(&mut layouter.strips);
    for block in &plan.blocks {
        layouter.block(block);
    }
    Layout {
        cover,
        toc,
        body: layouter.strips,
        headings,
        structure: layouter.structure,
    }
}

fn heading_label(number: Option<&str>, text: &str) -> String {
    match number {
        Some(n) => format!("{n} {text}"),
        None => text.to_owned(),
    }
}

struct Layouter<'a> {
    fonts: &'a mut Fonts,
    structure: Structure,
    strips: Vec<Strip>,
    lists: Vec<OpenList>,
    /// Headings laid out so far.
    headings: usize,
}

impl Layouter<'_> {
    fn prepare(&mut self, runs: &[Run], style: Style, keep_spaces: bool) -> Prepared {
        let mut inline = Inline::new(keep_spaces);
        let mut looks = Vec::with_capacity(runs.len());
        for run in runs {
            let look = look_of(run, style);
            inline.push(self.fonts, looks.len(), look.face, style.size, &run.text);
            looks.push(look);
        }
        Prepared {
            inline,
            looks,
            style,
        }
    }

    fn prepare_plain(&mut self, text: &str, style: Style) -> Prepared {
        self.prepare(&[Run::plain(text)], style, false)
    }

    /// Breaks `text` into lines within `frame`, allocating a slot per run.
    fn lines(&mut self, text: &Prepared, frame: Frame) -> Vec<LineBox> {
        let style = text.style;
        let height = style.line_height();
        let baseline = baseline_in(self.fonts, style.size, height);
        text.inline
            .break_lines(frame.width)
            .iter()
            .map(|line| LineBox {
                height,
                width: line_width(line),
                draws: self.line_draws(line, text, frame, baseline),
            })
            .collect()
    }

    fn line_draws(
        &mut self,
        line: &LinePieces,
        text: &Prepared,
        frame: Frame,
        baseline: f32,
    ) -> Vec<Draw> {
        let size = text.style.size;
        let start = match frame.align {
            Align::Left => frame.x,
            Align::Right => frame.x + frame.width - line_width(line),
        };
        let mut draws = Vec::new();
        for (look_index, dx, run) in runs_of_line(line) {
            let look = &text.looks[look_index];
            let x = start + dx;
            if look.code {
                draws.push(shade(x - 1.0, baseline - size, run.width + 2.0, size * 1.3));
            }
            let (mark, link) = self.text_slot(frame.parent, look, &run);
            if link.is_some() {
                draws.push(artifact_rect(x, baseline + 1.5, run.width, 0.6, LINK));
            }
            draws.push(Draw::Text(TextDraw {
                x,
                baseline,
                face: look.face,
                size,
                color: look.color,
                run,
                mark,
                link,
            }));
        }
        draws
    }

    /// The mark for a run, and its link (in a `Link` group) if it has one.
    fn text_slot(&mut self, parent: Parent, look: &Look, run: &GlyphRun) -> (Mark, Option<Link>) {
        let Some(uri) = &look.link else {
            return (Mark::Text(self.structure.slot(parent)), None);
        };
        let group = Parent::Node(self.structure.group(parent, Tag::Link));
        let slot = self.structure.slot(group);
        let annotation = self.structure.slot(group);
        let shown = run.actual.as_deref().unwrap_or(&run.text);
        let link = Link {
            target: Target::Uri(uri.clone()),
            slot: annotation,
            alt: format!("Collegamento: {shown} ({uri})"),
        };
        (Mark::Text(slot), Some(link))
    }

    /// Keeps the strips from `first` to the last one on one page.
    fn keep_together(&mut self, first: usize) {
        let end = self.strips.len().saturating_sub(1);
        for (n, strip) in self.strips.iter_mut().enumerate().skip(first) {
            strip.keep_with_next = n < end;
        }
    }

    /// Keeps the strips from `first` on, and the next one, on one page.
    fn keep_with_what_follows(&mut self, first: usize) {
        for strip in self.strips.iter_mut().skip(first) {
            strip.keep_with_next = true;
        }
    }

    fn push_lines(&mut self, lines: Vec<LineBox>, space_before: f32) {
        let count = lines.len();
        for (n, line) in lines.into_iter().enumerate() {
            self.strips.push(Strip {
                height: line.height,
                space_before: if n == 0 { space_before } else { 0.0 },
                keep_with_next: keeps_with_next(n, count),
                draws: line.draws,
                ..Strip::default()
            });
        }
    }

    fn block(&mut self, block: &Block) {
        if !matches!(block, Block::ListItem { .. }) {
            self.lists.clear();
        }
        match block {
            Block::Heading {
                level,
                number,
                text,
                ..
            } => self.heading(*level, number.as_deref(), text),
            Block::Paragraph(line) => self.paragraph(line),
            Block::ListItem {
                level,
                marker,
                line,
            } => self.list_item(*level, marker, line),
            Block::Quote(line) => self.quote(line),
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
            Block::Rule => self.rule(),
        }
    }

    fn heading(&mut self, level: u8, number: Option<&str>, text: &str) {
        let index = self.headings;
        self.headings += 1;
        let (size, space_before) = match level {
            1 => (17.0, 0.0),
            2 => (13.5, 18.0),
            _ => (11.5, 14.0),
        };
        let style = Style {
            size,
            color: HEADING,
            bold: true,
            leading: 1.3,
        };
        let tag_level =
            NonZeroU16::new(u16::from(level.clamp(1, 5)) + 1).unwrap_or(NonZeroU16::MIN);
        let node = self.structure.group(
            Parent::Root,
            Tag::Hn(tag_level, Some(heading_label(number, text))),
        );
        let mut lines = self.labelled_lines(number, text, style, 0.0, Parent::Node(node));
        if level == 1
            && let Some(last) = lines.last_mut()
        {
            last.draws.push(artifact_rect(
                MARGIN_X,
                last.height + 2.0,
                BODY_WIDTH,
                1.2,
                ACCENT,
            ));
            last.height += 8.0;
        }
        let first = self.strips.len();
        self.push_lines(lines, space_before);
        self.keep_with_what_follows(first);
        if let Some(strip) = self.strips.get_mut(first) {
            strip.heading = Some(index);
            strip.break_before = level == 1;
        }
    }

    /// Lines with a label hanging on the left (a heading's number, a list's
    /// marker): the label on the first line, the text aligned after it. The
    /// label goes under `parent` too.
    fn labelled_lines(
        &mut self,
        label: Option<&str>,
        text: &str,
        style: Style,
        indent: f32,
        parent: Parent,
    ) -> Vec<LineBox> {
        let label_width = label.map_or(0.0, |l| {
            self.fonts.width(face_of(style.bold, false), style.size, l) + style.size * 0.5
        });
        let label_draw = label.map(|l| self.label_draw(l, style, MARGIN_X + indent, parent));
        let body = self.prepare(&[Run::plain(text)], style, false);
        let mut lines = self.lines(
            &body,
            Frame {
                x: MARGIN_X + indent + label_width,
                width: BODY_WIDTH - indent - label_width,
                align: Align::Left,
                parent,
            },
        );
        attach_label(&mut lines, label_draw, style);
        lines
    }

    /// A label drawn at `x` on a first line of `style`.
    fn label_draw(&mut self, label: &str, style: Style, x: f32, parent: Parent) -> Draw {
        let face = face_of(style.bold, false);
        let run = self.fonts.run(face, style.size, label);
        let height = style.line_height();
        Draw::Text(TextDraw {
            x,
            baseline: baseline_in(self.fonts, style.size, height),
            face,
            size: style.size,
            color: style.color,
            run,
            mark: Mark::Text(self.structure.slot(parent)),
            link: None,
        })
    }

    fn paragraph(&mut self, line: &[Run]) {
        let node = self.structure.group(Parent::Root, Tag::P);
        let text = self.prepare(line, Style::BODY, false);
        let lines = self.lines(&text, body_frame(Parent::Node(node)));
        self.push_lines(lines, 6.0);
    }

    fn quote(&mut self, line: &[Run]) {
        let quote = self.structure.group(Parent::Root, Tag::BlockQuote);
        let node = self.structure.group(Parent::Node(quote), Tag::P);
        let style = Style {
            color: Rgb(60, 60, 60),
            ..Style::BODY
        };
        let text = self.prepare(line, style, false);
        let frame = Frame {
            x: MARGIN_X + LIST_INDENT,
            width: BODY_WIDTH - LIST_INDENT,
            align: Align::Left,
            parent: Parent::Node(node),
        };
        let mut lines = self.lines(&text, frame);
        for line in &mut lines {
            line.draws
                .push(artifact_rect(MARGIN_X + 4.0, 0.0, 2.0, line.height, ACCENT));
        }
        self.push_lines(lines, 6.0);
    }

    fn code(&mut self, text: &str) {
        let paragraph = self.structure.group(Parent::Root, Tag::P);
        let node = self.structure.group(Parent::Node(paragraph), Tag::Code);
        let style = Style {
            size: 9.0,
            ..Style::SMALL
        };
        let frame = Frame {
            x: MARGIN_X + 6.0,
            width: BODY_WIDTH - 12.0,
            align: Align::Left,
            parent: Parent::Node(node),
        };
        let mut lines = Vec::new();
        for source in text.lines() {
            let prepared = self.prepare(&[Run::plain(source)], style, true);
            let mut broken = self.lines(&prepared, frame);
            if broken.is_empty() {
                broken.push(LineBox {
                    height: style.line_height(),
                    draws: Vec::new(),
                    width: 0.0,
                });
            }
            lines.extend(broken);
        }
        for line in &mut lines {
            line.draws
                .insert(0, shade(MARGIN_X, 0.0, BODY_WIDTH, line.height));
        }
        self.push_lines(lines, 6.0);
    }

    fn rule(&mut self) {
        self.strips.push(Strip {
            height: 16.0,
            space_before: 4.0,
            draws: vec![artifact_rect(MARGIN_X, 8.0, BODY_WIDTH, 0.6, RULE)],
            ..Strip::default()
        });
    }

    fn list_item(&mut self, level: u8, marker: &str, line: &[Run]) {
        let numbered = marker != "•";
        let opening = self.lists.is_empty();
        let list = self.list_for(level, numbered);
        let item = self.structure.group(Parent::Node(list), Tag::LI);
        let label = self.structure.group(Parent::Node(item), Tag::Lbl);
        let body = self.structure.group(Parent::Node(item), Tag::LBody);
        if let Some(open) = self.lists.last_mut() {
            open.body = Some(body);
        }
        let indent = LIST_INDENT * f32::from(level.min(6));
        let marker_width = self
            .fonts
            .width(Face::Regular, BODY_SIZE, marker)
            .max(BODY_SIZE)
            + 5.0;
        let label_draw =
            self.label_draw(marker, Style::BODY, MARGIN_X + indent, Parent::Node(label));
        let text = self.prepare(line, Style::BODY, false);
        let mut lines = self.lines(
            &text,
            Frame {
                x: MARGIN_X + indent + marker_width,
                width: BODY_WIDTH - indent - marker_width,
                align: Align::Left,
                parent: Parent::Node(body),
            },
        );
        attach_label(&mut lines, Some(label_draw), Style::BODY);
        self.push_lines(lines, if opening { 6.0 } else { 2.0 });
    }

    /// The list an item of `level` goes in, opening (nested) lists as needed.
    fn list_for(&mut self, level: u8, numbered: bool) -> NodeId {
        while self
            .lists
            .last()
            .is_some_and(|l| l.level > level || (l.level == level && l.numbered != numbered))
        {
            self.lists.pop();
        }
        if let Some(open) = self.lists.last().filter(|l| l.level == level) {
            return open.list;
        }
        let parent = self
            .lists
            .last()
            .and_then(|l| l.body)
            .map_or(Parent::Root, Parent::Node);
        let numbering = if numbered {
            ListNumbering::Decimal
        } else {
            ListNumbering::Disc
        };
        let list = self.structure.group(parent, Tag::L(numbering));
        self.lists.push(OpenList {
            level,
            numbered,
            list,
            body: None,
        });
        list
    }

    fn caption(&mut self, parent: NodeId, caption: &str, space_before: f32) {
        if caption.trim().is_empty() {
            return;
        }
        let node = self.structure.group(Parent::Node(parent), Tag::Caption);
        let style = Style {
            size: 10.0,
            color: HEADING,
            bold: true,
            leading: 1.35,
        };
        let text = self.prepare_plain(caption, style);
        let lines = self.lines(&text, body_frame(Parent::Node(node)));
        let first = self.strips.len();
        self.push_lines(lines, space_before);
        self.keep_with_what_follows(first);
    }
}

/// Puts a label's draw on the first line (or alone, if the text is empty).
fn attach_label(lines: &mut Vec<LineBox>, label: Option<Draw>, style: Style) {
    let Some(label) = label else { return };
    match lines.first_mut() {
        Some(first) => first.draws.insert(0, label),
        None => lines.push(LineBox {
            height: style.line_height(),
            draws: vec![label],
            width: 0.0,
        }),
    }
}

/// Whether line `n` of `count` keeps with the next: no first line alone at
/// the bottom of a page, no last line alone at the top of one.
fn keeps_with_next(n: usize, count: usize) -> bool {
    (n == 0 && count >= 2) || (count >= 3 && n == count - 2)
}

fn body_frame(parent: Parent) -> Frame {
    Frame {
        x: MARGIN_X,
        width: BODY_WIDTH,
        align: Align::Left,
        parent,
    }
}

fn face_of(bold: bool, italic: bool) -> Face {
    match (bold, italic) {
        (true, _) => Face::Bold,
        (false, true) => Face::Italic,
        (false, false) => Face::Regular,
    }
}

fn look_of(run: &Run, style: Style) -> Look {
    let link = run
        .link
        .as_deref()
        .filter(|uri| is_linkable(uri))
        .map(str::to_owned);
    Look {
        face: face_of(style.bold || run.bold, run.italic),
        color: if link.is_some() { LINK } else { style.color },
        code: run.code,
        link,
    }
}

/// Only web and mail addresses become clickable; the rest stays text.
fn is_linkable(uri: &str) -> bool {
    let lower = uri.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
        && !uri.chars().any(char::is_whitespace)
}

/// Where the baseline of a line of `size` sits in a line box of `height`.
fn baseline_in(fonts: &Fonts, size: f32, height: f32) -> f32 {
    let text_height = (fonts.ascent + fonts.descent) * size;
    (height - text_height) / 2.0 + fonts.ascent * size
}

fn artifact_rect(x: f32, y: f32, width: f32, height: f32, color: Rgb) -> Draw {
    Draw::Rect {
        x,
        y,
        width,
        height,
        color,
        mark: Mark::Artifact(ArtifactType::Layout),
    }
}

fn shade(x: f32, y: f32, width: f32, height: f32) -> Draw {
    artifact_rect(x, y, width, height, CODE_SHADE)
}

// Cover and table of contents.
impl Layouter<'_> {
    /// The cover page: title, process, status, DUP edition.
    fn cover(&mut self, cover: &Cover) -> Vec<Draw> {
        let mut draws = Vec::new();
        let mut y = 250.0;
        let title_style = Style {
            size: 26.0,
            color: HEADING,
            bold: true,
            leading: 1.2,
        };
        let title = self.structure.group(
            Parent::Root,
            Tag::Hn(NonZeroU16::MIN, Some(cover.title.clone())),
        );
        y = self.cover_text(
            &mut draws,
            &cover.title,
            title_style,
            Parent::Node(title),
            y,
        );
        draws.push(artifact_rect(MARGIN_X, y + 10.0, 72.0, 3.0, ACCENT));
        y += 34.0;
        let process = Style {
            size: 16.0,
            color: TEXT,
            bold: false,
            leading: 1.3,
        };
        y = self.cover_paragraph(&mut draws, &cover.process, process, y) + 14.0;
        let status = Style {
            size: 11.5,
            ..Style::BODY
        };
        y = self.cover_paragraph(&mut draws, &cover.status, status, y) + 6.0;
        if let Some(edition) = &cover.dup_edition {
            let line = format!("Obiettivi del DUP: {edition}");
            self.cover_paragraph(&mut draws, &line, status, y);
        }
        draws
    }

    fn cover_paragraph(&mut self, draws: &mut Vec<Draw>, text: &str, style: Style, y: f32) -> f32 {
        let node = self.structure.group(Parent::Root, Tag::P);
        self.cover_text(draws, text, style, Parent::Node(node), y)
    }

    /// Draws `text` from `y` down; returns where it ends.
    fn cover_text(
        &mut self,
        draws: &mut Vec<Draw>,
        text: &str,
        style: Style,
        parent: Parent,
        mut y: f32,
    ) -> f32 {
        let prepared = self.prepare_plain(text, style);
        for line in self.lines(&prepared, body_frame(parent)) {
            draws.extend(line.draws.into_iter().map(|d| d.shifted(y)));
            y += line.height;
        }
        y
    }

    /// "Indice" and one entry per heading, with leaders and page numbers.
    fn table_of_contents(&mut self, plan: &PlanBlocks) {
        let style = Style {
            size: 17.0,
            color: HEADING,
            bold: true,
            leading: 1.3,
        };
        let title = self.structure.group(
            Parent::Root,
            Tag::Hn(
                NonZeroU16::new(2).unwrap_or(NonZeroU16::MIN),
                Some("Indice".to_owned()),
            ),
        );
        let mut lines = self.labelled_lines(None, "Indice", style, 0.0, Parent::Node(title));
        if let Some(last) = lines.last_mut() {
            last.draws.push(artifact_rect(
                MARGIN_X,
                last.height + 2.0,
                BODY_WIDTH,
                1.2,
                ACCENT,
            ));
            last.height += 12.0;
        }
        let first = self.strips.len();
        self.push_lines(lines, 0.0);
        self.keep_with_what_follows(first);
        let toc = self.structure.group(Parent::Root, Tag::TOC);
        for (index, (level, number, text, _)) in plan.headings().enumerate() {
            self.toc_entry(toc, index, level, number, text);
        }
    }

    fn toc_entry(
        &mut self,
        toc: NodeId,
        index: usize,
        level: u8,
        number: Option<&str>,
        text: &str,
    ) {
        let item = self.structure.group(Parent::Node(toc), Tag::TOCI);
        let link = Parent::Node(self.structure.group(Parent::Node(item), Tag::Link));
        let style = if level == 1 {
            Style::BODY.bold()
        } else {
            Style::BODY
        };
        let indent = 14.0 * f32::from(level.clamp(1, 4) - 1);
        let label_width = number.map_or(0.0, |n| {
            self.fonts.width(face_of(style.bold, false), style.size, n) + 4.0
        });
        let label = number.map(|n| self.label_draw(n, style, MARGIN_X + indent, link));
        let prepared = self.prepare_plain(text, style);
        let text_x = MARGIN_X + indent + label_width;
        let mut lines = self.lines(
            &prepared,
            Frame {
                x: text_x,
                width: BODY_WIDTH - indent - label_width - TOC_NUMBER_COLUMN,
                align: Align::Left,
                parent: link,
            },
        );
        attach_label(&mut lines, label, style);
        let alt = format!("Vai a {}", heading_label(number, text));
        for line in &mut lines {
            self.link_line(line, link, index, &alt);
        }
        if let Some(last) = lines.last_mut() {
            let end = text_x + last.width;
            self.finish_toc_line(last, end, style, index, link);
        }
        let first = self.strips.len();
        self.push_lines(lines, if level == 1 { 7.0 } else { 1.5 });
        self.keep_together(first);
    }

    /// Makes the first text of a table-of-contents line a link to the heading.
    fn link_line(&mut self, line: &mut LineBox, parent: Parent, heading: usize, alt: &str) {
        let Some(Draw::Text(text)) = line.draws.iter_mut().find(|d| matches!(d, Draw::Text(_)))
        else {
            return;
        };
        text.link = Some(Link {
            target: Target::Heading(heading),
            slot: self.structure.slot(parent),
            alt: alt.to_owned(),
        });
    }

    /// Leaders and the page number at the end of an entry's last line.
    fn finish_toc_line(
        &mut self,
        line: &mut LineBox,
        text_end: f32,
        style: Style,
        heading: usize,
        parent: Parent,
    ) {
        let baseline = baseline_in(self.fonts, style.size, line.height);
        let right = MARGIN_X + BODY_WIDTH;
        let leader_start = text_end + 6.0;
        let leader_end = right - TOC_NUMBER_COLUMN + 4.0;
        let dot = self.fonts.width(Face::Regular, style.size, ". ");
        if dot > 0.0 && leader_end - leader_start > dot * 2.0 {
            let count = ((leader_end - leader_start) / dot).floor() as usize;
            let run = self
                .fonts
                .run(Face::Regular, style.size, ". ".repeat(count).trim_end());
            line.draws.push(Draw::Text(TextDraw {
                x: leader_end - run.width,
                baseline,
                face: Face::Regular,
                size: style.size,
                color: RULE,
                run,
                mark: Mark::Artifact(ArtifactType::Layout),
                link: None,
            }));
        }
        line.draws.push(Draw::PageNumber {
            right,
            baseline,
            heading,
            face: face_of(style.bold, false),
            mark: Mark::Text(self.structure.slot(parent)),
            link: None,
        });
    }
}

// Tables.
impl Layouter<'_> {
    fn table(&mut self, caption: &str, header: &[String], align: &[Align], rows: &[Vec<Vec<Run>>]) {
        let columns = rows
            .iter()
            .map(Vec::len)
            .chain([header.len()])
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return;
        }
        let table = self.structure.group(Parent::Root, Tag::Table);
        self.caption(table, caption, 10.0);
        let header_cells: Vec<Prepared> = (0..columns)
            .map(|c| {
                self.prepare_plain(
                    header.get(c).map_or("", String::as_str),
                    Style::SMALL.bold(),
                )
            })
            .collect();
        let body: Vec<Vec<Prepared>> = rows
            .iter()
            .map(|row| {
                (0..columns)
                    .map(|c| {
                        self.prepare(
                            row.get(c).map_or(&[][..], Vec::as_slice),
                            Style::SMALL,
                            false,
                        )
                    })
                    .collect()
            })
            .collect();
        let widths = column_widths(&header_cells, &body, columns);
        let aligns: Vec<Align> = (0..columns)
            .map(|c| align.get(c).copied().unwrap_or(Align::Left))
            .collect();
        let grid = Grid { widths, aligns };
        let repeat = self.table_header(table, &header_cells, &grid, caption.trim().is_empty());
        let tbody = self.structure.group(Parent::Node(table), Tag::TBody);
        let last = body.len().saturating_sub(1);
        for (n, row) in body.iter().enumerate() {
            self.table_row(tbody, row, &grid, &repeat, n == last);
        }
    }

    fn table_header(
        &mut self,
        table: NodeId,
        cells: &[Prepared],
        grid: &Grid,
        space_above: bool,
    ) -> Rc<Repeat> {
        let head = self.structure.group(Parent::Node(table), Tag::THead);
        let row = self.structure.group(Parent::Node(head), Tag::TR);
        let mut cell_lines = Vec::new();
        for (column, cell) in cells.iter().enumerate() {
            let node = self
                .structure
                .group(Parent::Node(row), Tag::TH(TableHeaderScope::Column));
            cell_lines.push(self.cell_lines(cell, grid, column, Parent::Node(node)));
        }
        let lines = cell_lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = lines as f32 * Style::SMALL.line_height() + 2.0 * CELL_PADDING_Y;
        let mut draws = vec![artifact_rect(MARGIN_X, 0.0, grid.total(), height, SHADE)];
        for cell in cell_lines {
            let mut y = CELL_PADDING_Y;
            for line in cell {
                draws.extend(line.draws.into_iter().map(|d| d.shifted(y)));
                y += line.height;
            }
        }
        draws.extend(grid.rules(0.0, height, true));
        draws.push(artifact_rect(
            MARGIN_X,
            height - 0.4,
            grid.total(),
            0.8,
            RULE,
        ));
        let repeat = Rc::new(Repeat {
            height,
            draws: draws.iter().map(Draw::as_artifact).collect(),
        });
        self.strips.push(Strip {
            height,
            space_before: if space_above { 10.0 } else { 2.0 },
            keep_with_next: true,
            frame: Some((MARGIN_X, MARGIN_X + grid.total())),
            draws,
            ..Strip::default()
        });
        repeat
    }

    fn cell_lines(
        &mut self,
        cell: &Prepared,
        grid: &Grid,
        column: usize,
        parent: Parent,
    ) -> Vec<LineBox> {
        let frame = Frame {
            x: grid.left(column) + CELL_PADDING_X,
            width: (grid.widths[column] - 2.0 * CELL_PADDING_X).max(1.0),
            align: grid.aligns[column],
            parent,
        };
        if cell.inline.is_empty() {
            // An empty cell still needs content, or its tag would be dropped.
            let height = cell.style.line_height();
            let run = self.fonts.run(Face::Regular, cell.style.size, " ");
            return vec![LineBox {
                height,
                width: 0.0,
                draws: vec![Draw::Text(TextDraw {
                    x: frame.x,
                    baseline: baseline_in(self.fonts, cell.style.size, height),
                    face: Face::Regular,
                    size: cell.style.size,
                    color: TEXT,
                    run,
                    mark: Mark::Text(self.structure.slot(parent)),
                    link: None,
                })],
            }];
        }
        self.lines(cell, frame)
    }

    /// A body row as strips, one per line, so a tall row can cross a page.
    fn table_row(
        &mut self,
        tbody: NodeId,
        cells: &[Prepared],
        grid: &Grid,
        repeat: &Rc<Repeat>,
        last_row: bool,
    ) {
        let row = self.structure.group(Parent::Node(tbody), Tag::TR);
        let mut cell_lines: Vec<Vec<LineBox>> = Vec::with_capacity(cells.len());
        for (column, cell) in cells.iter().enumerate() {
            let node = self.structure.group(Parent::Node(row), Tag::TD);
            cell_lines.push(self.cell_lines(cell, grid, column, Parent::Node(node)));
        }
        let count = cell_lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let line_height = Style::SMALL.line_height();
        let mut slices: Vec<Vec<Draw>> = vec![Vec::new(); count];
        for cell in cell_lines {
            for (n, line) in cell.into_iter().enumerate() {
                let top = if n == 0 { CELL_PADDING_Y } else { 0.0 };
                slices[n].extend(line.draws.into_iter().map(|d| d.shifted(top)));
            }
        }
        for (n, mut draws) in slices.into_iter().enumerate() {
            let first = n == 0;
            let last = n + 1 == count;
            let height = line_height
                + if first { CELL_PADDING_Y } else { 0.0 }
                + if last { CELL_PADDING_Y } else { 0.0 };
            draws.extend(grid.rules(0.0, height, first));
            if last && last_row {
                draws.push(artifact_rect(
                    MARGIN_X,
                    height - 0.3,
                    grid.total(),
                    0.6,
                    RULE,
                ));
            }
            self.strips.push(Strip {
                height,
                keep_with_next: !last,
                repeat: Some(repeat.clone()),
                frame: Some((MARGIN_X, MARGIN_X + grid.total())),
                draws,
                ..Strip::default()
            });
        }
    }
}

/// The columns of a table.
struct Grid {
    widths: Vec<f32>,
    aligns: Vec<Align>,
}

impl Grid {
    fn total(&self) -> f32 {
        self.widths.iter().sum()
    }

    fn left(&self, column: usize) -> f32 {
        MARGIN_X + self.widths[..column].iter().sum::<f32>()
    }

    /// Thin rules for a slice of `height`: the verticals, and the top if asked.
    fn rules(&self, y: f32, height: f32, top: bool) -> Vec<Draw> {
        let mut draws = Vec::with_capacity(self.widths.len() + 2);
        let mut x = MARGIN_X;
        draws.push(artifact_rect(x - 0.3, y, 0.6, height, RULE));
        for width in &self.widths {
            x += width;
            draws.push(artifact_rect(x - 0.3, y, 0.6, height, RULE));
        }
        if top {
            draws.push(artifact_rect(MARGIN_X, y - 0.3, self.total(), 0.6, RULE));
        }
        draws
    }
}

/// Column widths filling the body width: narrow columns (a type, a
/// number) get their whole text; the others get at least their longest
/// word where possible, and the rest goes where text is longest.
fn column_widths(header: &[Prepared], body: &[Vec<Prepared>], columns: usize) -> Vec<f32> {
    let padding = 2.0 * CELL_PADDING_X;
    let mut least = vec![0.0f32; columns];
    let mut most = vec![0.0f32; columns];
    for row in std::iter::once(header).chain(body.iter().map(Vec::as_slice)) {
        for (c, cell) in row.iter().enumerate() {
            least[c] = least[c].max(cell.inline.longest_word() + padding);
            most[c] = most[c].max(cell.inline.natural_width() + padding);
        }
    }
    for (l, m) in least.iter_mut().zip(&mut most) {
        *l = l.clamp(padding + 12.0, BODY_WIDTH * 0.6);
        *m = m.max(*l);
    }
    let most_sum: f32 = most.iter().sum();
    if most_sum <= BODY_WIDTH {
        let spare = (BODY_WIDTH - most_sum) / columns as f32;
        return most.iter().map(|m| m + spare).collect();
    }
    let narrow = |c: usize| most[c] <= BODY_WIDTH * 0.2;
    let narrow_sum: f32 = (0..columns).filter(|&c| narrow(c)).map(|c| most[c]).sum();
    let wide: Vec<usize> = (0..columns).filter(|&c| !narrow(c)).collect();
    let wide_least: f32 = wide.iter().map(|&c| least[c]).sum();
    if wide.is_empty() || wide_least > BODY_WIDTH - narrow_sum {
        return share(&least, &most, BODY_WIDTH);
    }
    let pick = |c: &usize| (least[*c], most[*c]);
    let (wide_least, wide_most): (Vec<f32>, Vec<f32>) = wide.iter().map(pick).unzip();
    let mut shared = share(&wide_least, &wide_most, BODY_WIDTH - narrow_sum).into_iter();
    (0..columns)
        .map(|c| {
            if narrow(c) {
                most[c]
            } else {
                shared.next().unwrap_or(least[c])
            }
        })
        .collect()
}

/// `room` shared out: each column its least, then the rest in proportion
/// to what each wants more (or in proportion to the least, if short).
fn share(least: &[f32], most: &[f32], room: f32) -> Vec<f32> {
    let least_sum: f32 = least.iter().sum();
    let most_sum: f32 = most.iter().sum();
    if least_sum >= room || most_sum <= least_sum {
        return least
            .iter()
            .map(|l| l * room / least_sum.max(1.0))
            .collect();
    }
    let spare = (room - least_sum).min(most_sum - least_sum);
    let wants = most_sum - least_sum;
    let widths: Vec<f32> = least
        .iter()
        .zip(most)
        .map(|(l, m)| l + (m - l) * spare / wants)
        .collect();
    let left = (room - widths.iter().sum::<f32>()) / widths.len().max(1) as f32;
    widths.iter().map(|w| w + left).collect()
}

// Charts.
impl Layouter<'_> {
    /// Horizontal bars, each with its label and value, as one figure whose
    /// alternative text gives the same figures in words.
    fn chart(&mut self, caption: &str, unit: &str, bars: &[Bar]) {
        let figure = self.structure.group(
            Parent::Root,
            Tag::Figure(Some(chart_alt(caption, unit, bars))),
        );
        self.caption(figure, caption, 12.0);
        let style = Style::SMALL;
        let labels: Vec<Prepared> = bars
            .iter()
            .map(|b| self.prepare_plain(&b.label, style))
            .collect();
        let values: Vec<String> = bars.iter().map(|b| count_it(b.value)).collect();
        let label_width = labels
            .iter()
            .map(|l| l.inline.natural_width())
            .fold(0.0, f32::max)
            .min(BODY_WIDTH * 0.35)
            + 8.0;
        let value_width = values
            .iter()
            .map(|v| self.fonts.width(Face::Regular, style.size, v))
            .fold(0.0, f32::max)
            + 6.0;
        let bar_room = (BODY_WIDTH - label_width - value_width).max(20.0);
        let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1) as f32;
        let count = bars.len();
        for (n, ((bar, label), value)) in bars.iter().zip(&labels).zip(&values).enumerate() {
            let length = (bar.value.max(0) as f32 / max * bar_room).max(0.0);
            let mut strip = self.chart_bar(label, value, length, label_width, figure);
            strip.keep_with_next = n + 1 < count;
            strip.space_before = if n == 0 { 4.0 } else { 0.0 };
            self.strips.push(strip);
        }
    }

    fn chart_bar(
        &mut self,
        label: &Prepared,
        value: &str,
        length: f32,
        label_width: f32,
        figure: NodeId,
    ) -> Strip {
        let parent = Parent::Node(figure);
        let style = label.style;
        let lines = self.lines(
            label,
            Frame {
                x: MARGIN_X,
                width: label_width - 8.0,
                align: Align::Left,
                parent,
            },
        );
        let line_height = style.line_height();
        let bar_height = 11.0;
        let height = (lines.len().max(1) as f32 * line_height).max(bar_height + 6.0) + 3.0;
        let mut draws = Vec::new();
        for (n, line) in lines.into_iter().enumerate() {
            draws.extend(
                line.draws
                    .into_iter()
                    .map(|d| d.shifted(n as f32 * line_height)),
            );
        }
        let bar_x = MARGIN_X + label_width;
        let bar_y = (line_height - bar_height) / 2.0;
        if length > 0.0 {
            draws.push(Draw::Rect {
                x: bar_x,
                y: bar_y,
                width: length,
                height: bar_height,
                color: ACCENT,
                mark: Mark::Graphic(self.structure.slot(parent)),
            });
        }
        let run = self.fonts.run(Face::Regular, style.size, value);
        draws.push(Draw::Text(TextDraw {
            x: bar_x + length + 4.0,
            baseline: baseline_in(self.fonts, style.size, line_height),
            face: Face::Regular,
            size: style.size,
            color: TEXT,
            run,
            mark: Mark::Text(self.structure.slot(parent)),
            link: None,
        }));
        Strip {
            height,
            draws,
            ..Strip::default()
        }
    }
}

/// A chart's figures in words: «Proposte per zona: Centro, 12 proposte; …».
pub(super) fn chart_alt(caption: &str, unit: &str, bars: &[Bar]) -> String {
    let figures: Vec<String> = bars
        .iter()
        .map(|b| format!("{}, {} {unit}", b.label, count_it(b.value)))
        .collect();
    format!(
        "Grafico a barre orizzontali «{caption}»: {}.",
        figures.join("; ")
    )
}
