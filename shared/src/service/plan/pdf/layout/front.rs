//! The cover page and the table of contents.

use std::num::NonZeroU16;

use krilla::tagging::{ArtifactType, Tag};

use super::{
    ACCENT, BODY_WIDTH, Draw, Frame, HEADING, Layouter, LineBox, Link, MARGIN_X, Mark, RULE, Style,
    TEXT, TOC_NUMBER_COLUMN, Target, TextDraw, artifact_rect, attach_label, baseline_in,
    body_frame, face_of, heading_label,
};
use crate::service::plan::blocks::{Align, Cover, PlanBlocks};
use crate::service::plan::pdf::document_title;
use crate::service::plan::pdf::structure::{NodeId, Parent};
use crate::service::plan::pdf::text::Face;

impl Layouter<'_> {
    /// The cover page: title, process, status, DUP edition.
    pub(super) fn cover(&mut self, cover: &Cover) -> Vec<Draw> {
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
            Tag::Hn(NonZeroU16::MIN, Some(document_title(cover).to_owned())),
        );
        y = self.cover_text(
            &mut draws,
            document_title(cover),
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
    pub(super) fn table_of_contents(&mut self, plan: &PlanBlocks) {
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
            if !heading_label(number, text).trim().is_empty() {
                self.toc_entry(toc, index, level, number, text);
            }
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
