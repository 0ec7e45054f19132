//! Tables: a caption, a header row repeated on each page, rows sliced
//! line by line so that a tall row can cross a page, thin rules.

use std::rc::Rc;

use krilla::tagging::{TableHeaderScope, Tag};

use super::{
    BODY_WIDTH, CELL_PADDING_X, CELL_PADDING_Y, Draw, Frame, Layouter, LineBox, MARGIN_X, Mark,
    Prepared, RULE, Repeat, SHADE, Strip, Style, TEXT, TextDraw, artifact_rect, baseline_in,
};
use crate::service::plan::blocks::{Align, Run};
use crate::service::plan::pdf::structure::{NodeId, Parent};
use crate::service::plan::pdf::text::Face;

impl Layouter<'_> {
    pub(super) fn table(
        &mut self,
        caption: &str,
        header: &[String],
        align: &[Align],
        rows: &[Vec<Vec<Run>>],
    ) {
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
