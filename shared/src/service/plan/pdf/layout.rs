//! The plan's blocks laid out as strips: unbreakable horizontal slices (a
//! line of text, a slice of a table row, a bar of a chart) with what they
//! draw relative to their top. Widths never depend on the page, so this is
//! done once; the paginator then only stacks strips. The tag tree is built
//! here too, in reading order, with slots for the content drawn later.

use std::num::NonZeroU16;
use std::rc::Rc;

use krilla::tagging::{ArtifactType, ListNumbering, Tag};

use super::structure::{NodeId, Parent, SlotId, Structure};
use super::text::{Face, Fonts, GlyphRun, Inline, LinePieces, Rgb, line_width, runs_of_line};
use crate::service::plan::blocks::{Align, Block, PlanBlocks, Run};

pub(super) mod chart;
mod front;
mod table;

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
    if headings.iter().any(|h| !h.label.trim().is_empty()) {
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
        if heading_label(number, text).trim().is_empty() {
            // Nothing to show, and a heading must have a title.
            return;
        }
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
