//! The plan as an accessible PDF, fit to attach to a council resolution
//! and to archive: A4, Titillium Web embedded, a cover, a table of contents
//! with page numbers and links, bookmarks for every heading, numbered
//! sections, tables whose header is repeated on each page, bar charts with
//! their figures in words, a running header and "Pagina N di M".
//!
//! The file is tagged (headings, paragraphs, lists, tables, figures, table
//! of contents; headers and footers are artifacts), in Italian, and is
//! checked by krilla against PDF/A-2a and PDF/UA-1 before it is returned.
//!
//! Layout is ours and linear: every block is laid out once into strips
//! (their widths do not depend on the page), then strips are stacked into
//! pages. The table of contents is laid out before the body with a fixed
//! column for page numbers, so its length is known; the numbers are drawn
//! once the body's pages are known.

mod layout;
mod paginate;
mod structure;
mod text;

use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target as AnnotationTarget};
use krilla::configure::{Accessibility, Archival, ConfigurationBuilder};
use krilla::destination::{Destination, XyzDestination};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag, Identifier, SpanTag};
use krilla::{Document, SerializeSettings};

use self::layout::{
    BODY_TOP, BODY_WIDTH, Draw, HeadingRef, Link, MARGIN_X, MUTED, Mark, PAGE_HEIGHT, PAGE_WIDTH,
    Target, TextDraw, lay_out,
};
use self::paginate::{Pages, paginate};
use self::text::{Face, Fonts, Rgb};
use crate::service::plan::blocks::{Cover, PlanBlocks};

/// The document's language.
const LANGUAGE: &str = "it-IT";

/// Why the PDF could not be made. Details go to the log, never to users.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The embedded fonts could not be read.
    #[error("the PDF fonts could not be read")]
    Fonts,
    /// The document would not conform to PDF/A-2a and PDF/UA-1.
    #[error("the PDF would not conform to its standards")]
    Conformance,
    /// Writing the file failed.
    #[error("the PDF could not be written")]
    Write,
}

/// The plan as a tagged PDF (PDF/A-2a and PDF/UA-1).
pub fn pdf(plan: &PlanBlocks) -> Result<Vec<u8>, PdfError> {
    let mut fonts = Fonts::load().ok_or(PdfError::Fonts)?;
    let layout = lay_out(plan, &mut fonts);
    let mut positions = vec![None; layout.headings.len()];
    let mut pages: Pages = vec![layout.cover];
    let toc_page = (!layout.toc.is_empty()).then_some(pages.len());
    pages.extend(paginate(layout.toc, pages.len(), &mut []));
    let first_body_page = pages.len();
    pages.extend(paginate(layout.body, first_body_page, &mut positions));

    let mut document = Document::new_with(settings()?);
    let mut ids = layout.structure.identifiers();
    let context = PageContext {
        title: document_title(&plan.cover),
        total: pages.len(),
        positions: &positions,
    };
    for (index, draws) in pages.iter().enumerate() {
        draw_page(&mut document, &mut fonts, &context, index, draws, &mut ids)?;
    }
    document.set_outline(outline(
        document_title(&plan.cover),
        toc_page,
        &layout.headings,
        &positions,
    ));
    document.set_metadata(metadata(plan));
    document.set_tag_tree(layout.structure.into_tag_tree(&ids, LANGUAGE));
    document.finish().map_err(|error| {
        tracing::error!(?error, "the plan's PDF could not be finished");
        match error {
            krilla::error::KrillaError::Validation(_) => PdfError::Conformance,
            _ => PdfError::Write,
        }
    })
}

/// The plan's title, never empty (the standards require one).
fn document_title(cover: &Cover) -> &str {
    match cover.title.trim() {
        "" => "Piano strategico",
        title => title,
    }
}

fn settings() -> Result<SerializeSettings, PdfError> {
    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A2_A)
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|error| {
            tracing::error!(?error, "no PDF version satisfies PDF/A-2a and PDF/UA-1");
            PdfError::Write
        })?;
    Ok(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    })
}

fn metadata(plan: &PlanBlocks) -> Metadata {
    let mut metadata = Metadata::new()
        .title(document_title(&plan.cover).to_owned())
        .description(plan.cover.status.clone())
        .language(LANGUAGE.to_owned())
        .creator("Piazza".to_owned());
    let (year, month, day) = date_from_italian(&plan.cover.date).unwrap_or_else(today);
    metadata = metadata.creation_date(DateTime::new(year).month(month).day(day));
    metadata
}

/// "12 maggio 2026" as (2026, 5, 12).
fn date_from_italian(date: &str) -> Option<(u16, u8, u8)> {
    let mut words = date.split_whitespace();
    let day = words
        .next()?
        .parse::<u8>()
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    let month_name = words.next()?;
    let month = crate::service::plan::render::MONTHS
        .iter()
        .position(|m| *m == month_name)?;
    let year = words.next()?.parse::<u16>().ok()?;
    Some((year, u8::try_from(month + 1).ok()?, day))
}

fn today() -> (u16, u8, u8) {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    (
        u16::try_from(today.year()).unwrap_or(2000),
        u8::try_from(today.month()).unwrap_or(1),
        u8::try_from(today.day()).unwrap_or(1),
    )
}

/// Bookmarks: the title, the table of contents, then every heading, nested.
fn outline(
    title: &str,
    toc_page: Option<usize>,
    headings: &[HeadingRef],
    positions: &[Option<(usize, f32)>],
) -> Outline {
    let mut outline = Outline::new();
    let destination = |page: usize, y: f32| XyzDestination::new(page, Point::from_xy(MARGIN_X, y));
    outline.push_child(OutlineNode::new(title.to_owned(), destination(0, 0.0)));
    if let Some(page) = toc_page {
        outline.push_child(OutlineNode::new(
            "Indice".to_owned(),
            destination(page, BODY_TOP),
        ));
    }
    // Open headings, deepest last; each is attached to its parent when closed.
    let mut open: Vec<(u8, OutlineNode)> = Vec::new();
    let close = |open: &mut Vec<(u8, OutlineNode)>, outline: &mut Outline| {
        if let Some((_, node)) = open.pop() {
            match open.last_mut() {
                Some((_, parent)) => parent.push_child(node),
                None => outline.push_child(node),
            }
        }
    };
    for (heading, position) in headings.iter().zip(positions) {
        let Some((page, y)) = position else { continue };
        while open
            .last()
            .is_some_and(|(level, _)| *level >= heading.level)
        {
            close(&mut open, &mut outline);
        }
        let node = OutlineNode::new(heading.label.clone(), destination(*page, *y))
            .with_open(heading.level == 1);
        open.push((heading.level, node));
    }
    while !open.is_empty() {
        close(&mut open, &mut outline);
    }
    outline
}

/// What every page needs to know about the whole document.
struct PageContext<'a> {
    title: &'a str,
    total: usize,
    positions: &'a [Option<(usize, f32)>],
}

impl PageContext<'_> {
    /// The page number (from 1) a heading is on.
    fn page_of(&self, heading: usize) -> Option<usize> {
        self.positions
            .get(heading)
            .copied()
            .flatten()
            .map(|(page, _)| page + 1)
    }
}

fn draw_page(
    document: &mut Document,
    fonts: &mut Fonts,
    context: &PageContext,
    index: usize,
    draws: &[Draw],
    ids: &mut [Option<Identifier>],
) -> Result<(), PdfError> {
    let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(PdfError::Write)?;
    let mut page = document.start_page_with(settings);
    for draw in draws {
        if let Some((link, rect)) = link_of(draw, fonts)
            && let Some(annotation) = annotation(link, rect, context)
        {
            ids[link.slot.index()] = Some(page.add_tagged_annotation(annotation));
        }
    }
    let mut surface = page.surface();
    if index > 0 {
        running_header(&mut surface, fonts, context.title);
        footer(&mut surface, fonts, index + 1, context.total);
    }
    for draw in draws {
        draw_one(&mut surface, fonts, context, draw, ids);
    }
    surface.finish();
    page.finish();
    Ok(())
}

/// A draw's link and the area it covers.
fn link_of<'d>(draw: &'d Draw, fonts: &Fonts) -> Option<(&'d Link, Rect)> {
    let Draw::Text(text) = draw else { return None };
    let link = text.link.as_ref()?;
    let width = match link.target {
        // A table-of-contents line: the whole width, up to the page number.
        Target::Heading(_) => MARGIN_X + BODY_WIDTH - text.x,
        Target::Uri(_) => text.run.width,
    };
    let top = text.baseline - fonts.ascent * text.size;
    let height = (fonts.ascent + fonts.descent) * text.size;
    Some((link, Rect::from_xywh(text.x, top, width.max(1.0), height)?))
}

fn annotation(link: &Link, rect: Rect, context: &PageContext) -> Option<Annotation> {
    let target = match &link.target {
        Target::Uri(uri) => AnnotationTarget::Action(Action::Link(LinkAction::new(uri.clone()))),
        Target::Heading(heading) => {
            let (page, y) = context.positions.get(*heading).copied().flatten()?;
            let destination = XyzDestination::new(page, Point::from_xy(MARGIN_X, y));
            AnnotationTarget::Destination(Destination::Xyz(destination))
        }
    };
    let alt = match link.target {
        Target::Heading(heading) => match context.page_of(heading) {
            Some(page) => format!("{}, pagina {page}", link.alt),
            None => link.alt.clone(),
        },
        Target::Uri(_) => link.alt.clone(),
    };
    Some(Annotation::new_link(
        LinkAnnotation::new(rect, target),
        Some(alt),
    ))
}

fn fill(color: Rgb) -> Fill {
    Fill {
        paint: color.to_krilla().into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

fn content_tag<'a>(mark: Mark, actual_text: Option<&'a str>) -> ContentTag<'a> {
    match mark {
        Mark::Artifact(kind) => ContentTag::Artifact(Artifact::with_kind(kind)),
        Mark::Text(_) => ContentTag::Span(SpanTag::empty().with_actual_text(actual_text)),
        Mark::Graphic(_) => ContentTag::Other,
    }
}

/// Runs `draw` between the marks of `mark`, keeping the identifier.
fn marked(
    surface: &mut Surface,
    mark: Mark,
    actual_text: Option<&str>,
    ids: &mut [Option<Identifier>],
    draw: impl FnOnce(&mut Surface),
) {
    let id = surface.start_tagged(content_tag(mark, actual_text));
    draw(surface);
    surface.end_tagged();
    if let Mark::Text(slot) | Mark::Graphic(slot) = mark {
        ids[slot.index()] = Some(id);
    }
}

fn draw_one(
    surface: &mut Surface,
    fonts: &mut Fonts,
    context: &PageContext,
    draw: &Draw,
    ids: &mut [Option<Identifier>],
) {
    match draw {
        Draw::Text(text) => draw_text(surface, fonts, text, ids),
        Draw::Rect {
            x,
            y,
            width,
            height,
            color,
            mark,
        } => fill_rect(surface, (*x, *y, *width, *height), *color, *mark, ids),
        Draw::PageNumber {
            right,
            baseline,
            heading,
            face,
            mark,
            link,
        } => {
            let number = context
                .page_of(*heading)
                .map_or_else(|| "–".to_owned(), |n| n.to_string());
            let size = 10.5;
            let run = fonts.run(*face, size, &number);
            let text = TextDraw {
                x: right - run.width,
                baseline: *baseline,
                face: *face,
                size,
                color: layout::TEXT,
                run,
                mark: *mark,
                link: link.clone(),
            };
            draw_text(surface, fonts, &text, ids);
        }
    }
}

/// Fills the rectangle (x, y, width, height).
fn fill_rect(
    surface: &mut Surface,
    (x, y, width, height): (f32, f32, f32, f32),
    color: Rgb,
    mark: Mark,
    ids: &mut [Option<Identifier>],
) {
    let Some(rect) = Rect::from_xywh(x, y, width, height) else {
        return;
    };
    let mut path = PathBuilder::new();
    path.push_rect(rect);
    let Some(path) = path.finish() else { return };
    surface.set_fill(Some(fill(color)));
    marked(surface, mark, None, ids, |s| s.draw_path(&path));
}

fn draw_text(
    surface: &mut Surface,
    fonts: &Fonts,
    text: &TextDraw,
    ids: &mut [Option<Identifier>],
) {
    surface.set_fill(Some(fill(text.color)));
    let font = fonts.pdf_font(text.face);
    let run = &text.run;
    marked(surface, text.mark, run.actual.as_deref(), ids, |s| {
        s.draw_glyphs(
            Point::from_xy(text.x, text.baseline),
            &run.glyphs,
            font,
            &run.text,
            text.size,
            false,
        );
    });
}

/// The plan's title atop every page but the cover, as an artifact.
fn running_header(surface: &mut Surface, fonts: &mut Fonts, title: &str) {
    let size = 8.5;
    let shown = fit_on_one_line(fonts, title, size, BODY_WIDTH);
    let run = fonts.run(Face::Regular, size, &shown);
    let header = Mark::Artifact(ArtifactType::Header);
    let text = TextDraw {
        x: MARGIN_X,
        baseline: 46.0,
        face: Face::Regular,
        size,
        color: MUTED,
        run,
        mark: header,
        link: None,
    };
    draw_text(surface, fonts, &text, &mut []);
    fill_rect(
        surface,
        (MARGIN_X, 52.0, BODY_WIDTH, 0.5),
        MUTED,
        header,
        &mut [],
    );
}

/// `text`, shortened with "…" if it is wider than `width`.
fn fit_on_one_line(fonts: &mut Fonts, text: &str, size: f32, width: f32) -> String {
    if fonts.width(Face::Regular, size, text) <= width {
        return text.to_owned();
    }
    let mut shown: String = text.to_owned();
    while !shown.is_empty() && fonts.width(Face::Regular, size, &format!("{shown}…")) > width {
        let cut = shown.char_indices().rev().nth(9).map_or(0, |(at, _)| at);
        shown.truncate(cut);
    }
    format!("{}…", shown.trim_end())
}

/// "Pagina N di M" at the foot of every page but the cover, as an artifact.
fn footer(surface: &mut Surface, fonts: &mut Fonts, number: usize, total: usize) {
    let size = 8.5;
    let run = fonts.run(Face::Regular, size, &format!("Pagina {number} di {total}"));
    let text = TextDraw {
        x: MARGIN_X + BODY_WIDTH - run.width,
        baseline: PAGE_HEIGHT - 40.0,
        face: Face::Regular,
        size,
        color: MUTED,
        run,
        mark: Mark::Artifact(ArtifactType::Footer),
        link: None,
    };
    draw_text(surface, fonts, &text, &mut []);
}

#[cfg(test)]
mod tests;
