//! Strips stacked into pages, in one pass: a group of strips that must
//! stay together moves to the next page whole when it does not fit (unless
//! it is taller than a page), a table's header is drawn again above its
//! rows on each new page, and a table cut by a page is closed with a rule.

use krilla::tagging::ArtifactType;

use super::layout::{BODY_BOTTOM, BODY_TOP, Draw, Mark, RULE, Strip};

const BODY_HEIGHT: f32 = BODY_BOTTOM - BODY_TOP;
/// Tolerance for heights that add up to the page.
const EPSILON: f32 = 0.01;

/// Pages of draws, each already at its place on the page.
pub(super) type Pages = Vec<Vec<Draw>>;

/// Stacks `strips` on pages numbered from `first_page` (0-based), noting
/// in `headings` the page and height each heading starts at.
pub(super) fn paginate(
    mut strips: Vec<Strip>,
    first_page: usize,
    headings: &mut [Option<(usize, f32)>],
) -> Pages {
    if strips.is_empty() {
        return Pages::new();
    }
    let mut pager = Pager {
        pages: vec![Vec::new()],
        first_page,
        y: BODY_TOP,
        frame: None,
    };
    let mut kept_until = 0;
    for at in 0..strips.len() {
        if strips[at].break_before && !pager.at_top() {
            pager.new_page();
        }
        if at >= kept_until {
            kept_until = pager.make_room_for_group(&strips, at);
        } else if !pager.fits(&strips[at]) {
            pager.new_page();
        }
        let strip = std::mem::take(&mut strips[at]);
        pager.place(strip, headings);
    }
    pager.pages
}

struct Pager {
    pages: Pages,
    first_page: usize,
    y: f32,
    /// The table the last strip placed belongs to (its left and right edges).
    frame: Option<(f32, f32)>,
}

impl Pager {
    fn at_top(&self) -> bool {
        self.y <= BODY_TOP + EPSILON
    }

    fn fits(&self, strip: &Strip) -> bool {
        self.at_top() || self.y + strip.space_before + strip.height <= BODY_BOTTOM + EPSILON
    }

    /// Before the first strip of a group kept together: a new page if the
    /// group fits on a page but not on this one. Returns where the group
    /// ends, or `at + 1` when it is taller than a page (it then breaks
    /// wherever it has to).
    fn make_room_for_group(&mut self, strips: &[Strip], at: usize) -> usize {
        let mut height = 0.0;
        let mut end = at;
        while end < strips.len() {
            let strip = &strips[end];
            if end > at && strip.break_before {
                break;
            }
            height += strip.height + if end > at { strip.space_before } else { 0.0 };
            end += 1;
            if !strip.keep_with_next || height > BODY_HEIGHT {
                break;
            }
        }
        if height > BODY_HEIGHT + EPSILON {
            if !self.fits(&strips[at]) {
                self.new_page();
            }
            return at + 1;
        }
        let space = if self.at_top() {
            0.0
        } else {
            strips[at].space_before
        };
        if self.y + space + height > BODY_BOTTOM + EPSILON {
            self.new_page();
        }
        end
    }

    fn new_page(&mut self) {
        if let Some((left, right)) = self.frame.take() {
            let closing = Draw::Rect {
                x: left,
                y: self.y - 0.3,
                width: right - left,
                height: 0.6,
                color: RULE,
                mark: Mark::Artifact(ArtifactType::Layout),
            };
            self.current().push(closing);
        }
        self.pages.push(Vec::new());
        self.y = BODY_TOP;
    }

    fn current(&mut self) -> &mut Vec<Draw> {
        self.pages.last_mut().expect("a pager always has a page")
    }

    fn place(&mut self, strip: Strip, headings: &mut [Option<(usize, f32)>]) {
        if self.at_top() {
            if let Some(repeat) = &strip.repeat {
                let top = self.y;
                let header: Vec<Draw> = repeat
                    .draws
                    .iter()
                    .map(|d| d.clone().shifted(top))
                    .collect();
                self.current().extend(header);
                self.y += repeat.height;
            }
        } else {
            self.y += strip.space_before;
        }
        let top = self.y;
        if let Some(heading) = strip.heading.and_then(|h| headings.get_mut(h)) {
            *heading = Some((self.first_page + self.pages.len() - 1, top));
        }
        self.current()
            .extend(strip.draws.into_iter().map(|d| d.shifted(top)));
        self.y += strip.height;
        self.frame = strip.frame;
    }
}
