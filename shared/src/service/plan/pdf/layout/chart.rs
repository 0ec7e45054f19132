//! Horizontal bar charts, drawn as vector rectangles.

use krilla::tagging::Tag;

use super::{
    ACCENT, BODY_WIDTH, Draw, Frame, Layouter, MARGIN_X, Mark, Prepared, Strip, Style, TEXT,
    TextDraw, baseline_in,
};
use crate::service::plan::blocks::{Align, Bar};
use crate::service::plan::pdf::structure::{NodeId, Parent};
use crate::service::plan::pdf::text::Face;
use crate::service::plan::render::count_it;

impl Layouter<'_> {
    /// Horizontal bars, each with its label and value, as one figure whose
    /// alternative text gives the same figures in words.
    pub(super) fn chart(&mut self, caption: &str, unit: &str, bars: &[Bar]) {
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
pub(in crate::service::plan::pdf) fn chart_alt(caption: &str, unit: &str, bars: &[Bar]) -> String {
    let figures: Vec<String> = bars
        .iter()
        .map(|b| format!("{}, {} {unit}", b.label, count_it(b.value)))
        .collect();
    format!(
        "Grafico a barre orizzontali «{caption}»: {}.",
        figures.join("; ")
    )
}
