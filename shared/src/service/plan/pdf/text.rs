//! Fonts, shaping and line breaking: words are shaped once (with kerning
//! and ligatures) and their widths are exactly what is drawn.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};

const REGULAR: &[u8] = include_bytes!("../../../../fonts/TitilliumWeb-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../../../fonts/TitilliumWeb-Bold.ttf");
const ITALIC: &[u8] = include_bytes!("../../../../fonts/TitilliumWeb-Italic.ttf");

/// What a character the font lacks is drawn as (the original text stays
/// readable through the span's actual text).
const MISSING: char = '?';

/// One of the three faces of Titillium Web (bold italic is drawn bold).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Face {
    Regular = 0,
    Bold = 1,
    Italic = 2,
}

/// A colour, as red, green and blue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn to_krilla(self) -> krilla::color::rgb::Color {
        krilla::color::rgb::Color::new(self.0, self.1, self.2)
    }
}

/// A glyph of a shaped word, in ems.
#[derive(Clone, Copy, Debug)]
pub(super) struct ShapedGlyph {
    pub id: u16,
    pub advance: f32,
    pub x_offset: f32,
    pub y_offset: f32,
    /// The bytes of `Shaped::shown` the glyph's cluster covers.
    pub start: u32,
    pub end: u32,
}

/// A word shaped with one face.
#[derive(Debug)]
pub(super) struct Shaped {
    /// The text as drawn.
    pub shown: String,
    /// The text as written, when characters had to be replaced or dropped.
    pub original: Option<String>,
    pub glyphs: Vec<ShapedGlyph>,
}

/// The embedded fonts, for measuring and for drawing.
pub(super) struct Fonts {
    faces: [rustybuzz::Face<'static>; 3],
    pdf: [Font; 3],
    cache: [HashMap<String, Rc<Shaped>>; 3],
    /// Ascender and descender (positive), in ems; the same for the three faces.
    pub ascent: f32,
    pub descent: f32,
}

impl Fonts {
    /// Parses the three faces; `None` if a font file is unreadable.
    pub fn load() -> Option<Self> {
        let face = |data: &'static [u8]| rustybuzz::Face::from_slice(data, 0);
        let pdf = |data: &'static [u8]| Font::new(data.into(), 0);
        let faces = [face(REGULAR)?, face(BOLD)?, face(ITALIC)?];
        let units = f32::from(faces[0].units_per_em() as u16);
        let ascent = f32::from(faces[0].ascender()) / units;
        let descent = -f32::from(faces[0].descender()) / units;
        Some(Self {
            faces,
            pdf: [pdf(REGULAR)?, pdf(BOLD)?, pdf(ITALIC)?],
            cache: Default::default(),
            ascent,
            descent,
        })
    }

    /// The font to draw `face` with.
    pub fn pdf_font(&self, face: Face) -> Font {
        self.pdf[face as usize].clone()
    }

    /// `word` shaped with `face` (cached: plans repeat their words).
    pub fn shape(&mut self, face: Face, word: &str) -> Rc<Shaped> {
        let index = face as usize;
        if let Some(shaped) = self.cache[index].get(word) {
            return shaped.clone();
        }
        let shaped = Rc::new(shape_word(&self.faces[index], word));
        self.cache[index].insert(word.to_owned(), shaped.clone());
        shaped
    }

    /// The width of `text` in points, as one run without line breaks.
    pub fn width(&mut self, face: Face, size: f32, text: &str) -> f32 {
        let shaped = self.shape(face, text);
        shaped.glyphs.iter().map(|g| g.advance).sum::<f32>() * size
    }

    /// `text` as one run ready to draw, without line breaks.
    pub fn run(&mut self, face: Face, size: f32, text: &str) -> GlyphRun {
        let shaped = self.shape(face, text);
        let piece = Piece::whole(0, size, shaped, false);
        GlyphRun::from_pieces(std::slice::from_ref(&piece))
    }
}

/// Whether `c` separates words (no-break spaces do not).
fn is_break_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{2060}')
}

/// Characters no PDF/A reader may be left to guess: private use, byte
/// order marks and noncharacters.
fn is_unmappable(c: char) -> bool {
    matches!(c, '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{10ffff}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

fn shape_word(face: &rustybuzz::Face<'static>, word: &str) -> Shaped {
    let mut shown: String = word
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if is_unmappable(c) { MISSING } else { c })
        .collect();
    let mut glyphs = shape_text(face, &shown);
    if glyphs.iter().any(|g| g.id == 0) {
        shown = replace_missing(&shown, &glyphs);
        glyphs = shape_text(face, &shown);
    }
    let original = (shown != word).then(|| word.to_owned());
    Shaped {
        shown,
        original,
        glyphs,
    }
}

/// `text` with the clusters the font has no glyph for replaced.
fn replace_missing(text: &str, glyphs: &[ShapedGlyph]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut done = 0usize;
    for glyph in glyphs.iter().filter(|g| g.id == 0) {
        let (start, end) = (glyph.start as usize, glyph.end as usize);
        if start < done {
            continue;
        }
        out.push_str(&text[done..start]);
        out.extend(text[start..end].chars().map(|_| MISSING));
        done = end;
    }
    out.push_str(&text[done..]);
    out
}

fn shape_text(face: &rustybuzz::Face<'static>, text: &str) -> Vec<ShapedGlyph> {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(Direction::LeftToRight);
    buffer.guess_segment_properties();
    let output = rustybuzz::shape(face, &[], buffer);
    let units = face.units_per_em() as f32;
    let infos = output.glyph_infos();
    let positions = output.glyph_positions();
    let mut glyphs = Vec::with_capacity(infos.len());
    // Clusters only grow left to right: a cluster ends where the next starts.
    let mut next_start = text.len() as u32;
    for (info, pos) in infos.iter().zip(positions).rev() {
        let end = if info.cluster < next_start {
            next_start
        } else {
            glyphs
                .last()
                .map_or(text.len() as u32, |g: &ShapedGlyph| g.end)
        };
        glyphs.push(ShapedGlyph {
            id: u16::try_from(info.glyph_id).unwrap_or(0),
            advance: pos.x_advance as f32 / units,
            x_offset: pos.x_offset as f32 / units,
            y_offset: pos.y_offset as f32 / units,
            start: info.cluster,
            end,
        });
        next_start = info.cluster;
    }
    glyphs.reverse();
    glyphs
}

/// A slice of a shaped word (or a space) with the look it is drawn in.
#[derive(Clone, Debug)]
pub(super) struct Piece {
    /// Index of the look in the inline text it belongs to.
    pub look: usize,
    pub size: f32,
    pub shaped: Rc<Shaped>,
    pub glyphs: Range<usize>,
    pub width: f32,
    pub space: bool,
}

impl Piece {
    fn whole(look: usize, size: f32, shaped: Rc<Shaped>, space: bool) -> Self {
        let width = shaped.glyphs.iter().map(|g| g.advance).sum::<f32>() * size;
        Self {
            look,
            size,
            glyphs: 0..shaped.glyphs.len(),
            shaped,
            width,
            space,
        }
    }

    fn part(&self, glyphs: Range<usize>) -> Self {
        let width = self.shaped.glyphs[glyphs.clone()]
            .iter()
            .map(|g| g.advance)
            .sum::<f32>()
            * self.size;
        Self {
            glyphs,
            width,
            shaped: self.shaped.clone(),
            ..*self
        }
    }

    fn bytes(&self) -> Range<usize> {
        let glyphs = &self.shaped.glyphs[self.glyphs.clone()];
        match (glyphs.first(), glyphs.last()) {
            (Some(first), Some(last)) => first.start as usize..last.end as usize,
            _ => 0..0,
        }
    }

    /// The glyphs of each cluster (clusters are never split across lines).
    fn clusters(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let glyphs = &self.shaped.glyphs;
        let mut at = self.glyphs.start;
        std::iter::from_fn(move || {
            if at >= self.glyphs.end {
                return None;
            }
            let start = at;
            at += 1;
            while at < self.glyphs.end && glyphs[at].start == glyphs[start].start {
                at += 1;
            }
            Some(start..at)
        })
    }
}

/// Glyphs ready for `Surface::draw_glyphs`, with the text they stand for.
#[derive(Clone, Debug)]
pub(super) struct GlyphRun {
    pub text: String,
    pub glyphs: Vec<KrillaGlyph>,
    /// The text as written, when it differs from what the glyphs show.
    pub actual: Option<String>,
    pub width: f32,
}

impl GlyphRun {
    /// Pieces drawn one after the other, as one run.
    pub fn from_pieces(pieces: &[Piece]) -> Self {
        let mut text = String::new();
        let mut glyphs = Vec::new();
        let mut actual = String::new();
        let mut replaced = false;
        let mut width = 0.0;
        for piece in pieces {
            let bytes = piece.bytes();
            let offset = text.len();
            text.push_str(&piece.shaped.shown[bytes.clone()]);
            glyphs.extend(piece.shaped.glyphs[piece.glyphs.clone()].iter().map(|g| {
                KrillaGlyph::new(
                    GlyphId::new(u32::from(g.id)),
                    g.advance,
                    g.x_offset,
                    g.y_offset,
                    0.0,
                    g.start as usize - bytes.start + offset..g.end as usize - bytes.start + offset,
                    None,
                )
            }));
            let whole = piece.glyphs == (0..piece.shaped.glyphs.len());
            match (&piece.shaped.original, whole) {
                (Some(original), true) => {
                    replaced = true;
                    actual.push_str(original);
                }
                _ => actual.push_str(&piece.shaped.shown[bytes]),
            }
            width += piece.width;
        }
        Self {
            text,
            glyphs,
            actual: replaced.then_some(actual),
            width,
        }
    }
}

/// Text made of runs with their looks, to be broken into lines.
pub(super) struct Inline {
    pieces: Vec<Piece>,
    /// Spaces are kept as typed (code), not collapsed.
    keep_spaces: bool,
}

/// A broken line: its pieces, without spaces at either end.
pub(super) type LinePieces = Vec<Piece>;

impl Inline {
    pub fn new(keep_spaces: bool) -> Self {
        Self {
            pieces: Vec::new(),
            keep_spaces,
        }
    }

    /// Appends `text` drawn with `face` at `size`; `look` says how the
    /// caller will colour and tag it.
    pub fn push(&mut self, fonts: &mut Fonts, look: usize, face: Face, size: f32, text: &str) {
        let mut word_start = None;
        for (at, c) in text.char_indices() {
            if !is_break_space(c) {
                word_start.get_or_insert(at);
                continue;
            }
            if let Some(start) = word_start.take() {
                self.push_word(fonts, look, face, size, &text[start..at]);
            }
            self.push_space(fonts, look, face, size, c);
        }
        if let Some(start) = word_start {
            self.push_word(fonts, look, face, size, &text[start..]);
        }
    }

    fn push_word(&mut self, fonts: &mut Fonts, look: usize, face: Face, size: f32, word: &str) {
        let shaped = fonts.shape(face, word);
        if !shaped.glyphs.is_empty() {
            self.pieces.push(Piece::whole(look, size, shaped, false));
        }
    }

    fn push_space(&mut self, fonts: &mut Fonts, look: usize, face: Face, size: f32, c: char) {
        let repeat = if self.keep_spaces && c == '\t' { 4 } else { 1 };
        if !self.keep_spaces && self.pieces.last().is_some_and(|p| p.space) {
            return;
        }
        let shaped = fonts.shape(face, " ");
        for _ in 0..repeat {
            self.pieces
                .push(Piece::whole(look, size, shaped.clone(), true));
        }
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(|p| p.space)
    }

    /// The width of the whole text on one line.
    pub fn natural_width(&self) -> f32 {
        self.pieces.iter().map(|p| p.width).sum()
    }

    /// The width of the longest word (what a column needs at least).
    pub fn longest_word(&self) -> f32 {
        self.words().map(width_of).fold(0.0, f32::max)
    }

    fn words(&self) -> impl Iterator<Item = &[Piece]> {
        self.pieces
            .split(|p| p.space)
            .filter(|word| !word.is_empty())
    }

    /// Greedy line breaking at spaces; a word longer than `max` is broken
    /// between characters.
    pub fn break_lines(&self, max: f32) -> Vec<LinePieces> {
        let mut breaker = Breaker {
            max,
            lines: Vec::new(),
            line: Vec::new(),
            line_width: 0.0,
            spaces: Vec::new(),
        };
        let mut at = 0;
        while at < self.pieces.len() {
            if self.pieces[at].space {
                breaker.space(&self.pieces[at], self.keep_spaces);
                at += 1;
                continue;
            }
            let end = self.pieces[at..]
                .iter()
                .position(|p| p.space)
                .map_or(self.pieces.len(), |n| at + n);
            breaker.word(&self.pieces[at..end]);
            at = end;
        }
        breaker.finish()
    }
}

fn width_of(pieces: &[Piece]) -> f32 {
    pieces.iter().map(|p| p.width).sum()
}

/// The state of greedy line breaking.
struct Breaker {
    max: f32,
    lines: Vec<LinePieces>,
    line: LinePieces,
    line_width: f32,
    /// Spaces seen since the last word, put in only if a word follows on the line.
    spaces: Vec<Piece>,
}

/// Tolerance for widths that add up to the measure.
const EPSILON: f32 = 0.01;

impl Breaker {
    fn space(&mut self, space: &Piece, keep_leading: bool) {
        let leading = self.line.is_empty() && self.lines.is_empty();
        if leading && keep_leading {
            self.line_width += space.width;
            self.line.push(space.clone());
        } else {
            self.spaces.push(space.clone());
        }
    }

    fn word(&mut self, word: &[Piece]) {
        let spaces = std::mem::take(&mut self.spaces);
        let word_width = width_of(word);
        let spaces_width = width_of(&spaces);
        if self.line_width + spaces_width + word_width <= self.max + EPSILON {
            if !self.line.is_empty() {
                self.line.extend(spaces);
                self.line_width += spaces_width;
            }
            self.append(word, word_width);
        } else if word_width <= self.max + EPSILON {
            self.new_line();
            self.append(word, word_width);
        } else {
            self.new_line();
            self.long_word(word);
        }
    }

    fn append(&mut self, pieces: &[Piece], width: f32) {
        self.line.extend_from_slice(pieces);
        self.line_width += width;
    }

    fn new_line(&mut self) {
        if self.line.iter().any(|p| !p.space) {
            self.lines.push(std::mem::take(&mut self.line));
        }
        self.line.clear();
        self.line_width = 0.0;
    }

    /// Breaks a word wider than the measure between its clusters.
    fn long_word(&mut self, word: &[Piece]) {
        for piece in word {
            let mut start = piece.glyphs.start;
            let mut taken = 0.0;
            for cluster in piece.clusters() {
                let width = piece.part(cluster.clone()).width;
                if self.line_width + taken + width > self.max + EPSILON
                    && self.line_width + taken > 0.0
                {
                    if cluster.start > start {
                        let part = piece.part(start..cluster.start);
                        self.append(std::slice::from_ref(&part), part.width);
                    }
                    self.new_line();
                    start = cluster.start;
                    taken = 0.0;
                }
                taken += width;
            }
            if piece.glyphs.end > start {
                let part = piece.part(start..piece.glyphs.end);
                self.append(std::slice::from_ref(&part), part.width);
            }
        }
    }

    fn finish(mut self) -> Vec<LinePieces> {
        self.new_line();
        self.lines
    }
}

/// A line's pieces grouped by look, with each group's x offset from the
/// line's start; trailing spaces are left out.
pub(super) fn runs_of_line(line: &[Piece]) -> Vec<(usize, f32, GlyphRun)> {
    let end = line.iter().rposition(|p| !p.space).map_or(0, |n| n + 1);
    let line = &line[..end];
    let mut out = Vec::new();
    let mut x = 0.0;
    let mut start = 0;
    while start < line.len() {
        let look = line[start].look;
        let len = line[start..]
            .iter()
            .position(|p| p.look != look)
            .unwrap_or(line.len() - start);
        let run = GlyphRun::from_pieces(&line[start..start + len]);
        let width = run.width;
        out.push((look, x, run));
        x += width;
        start += len;
    }
    out
}

/// The width of a line as drawn (without trailing spaces).
pub(super) fn line_width(line: &[Piece]) -> f32 {
    let end = line.iter().rposition(|p| !p.space).map_or(0, |n| n + 1);
    width_of(&line[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline(fonts: &mut Fonts, text: &str) -> Inline {
        let mut inline = Inline::new(false);
        inline.push(fonts, 0, Face::Regular, 10.0, text);
        inline
    }

    fn line_text(line: &[Piece]) -> String {
        runs_of_line(line)
            .into_iter()
            .map(|(_, _, r)| r.text)
            .collect()
    }

    #[test]
    fn lines_break_at_spaces_and_never_exceed_the_measure() {
        let mut fonts = Fonts::load().expect("fonts");
        let text = "Il piano è la sintesi del percorso partecipativo: ogni proposta accolta ha il suo posto.";
        let lines = inline(&mut fonts, text).break_lines(120.0);
        assert!(lines.len() > 2, "{}", lines.len());
        for line in &lines {
            assert!(line_width(line) <= 120.01);
        }
        let joined: Vec<String> = lines.iter().map(|l| line_text(l)).collect();
        assert_eq!(joined.join(" "), text);
    }

    #[test]
    fn a_word_longer_than_the_measure_is_broken_between_letters() {
        let mut fonts = Fonts::load().expect("fonts");
        let word = "Precipitevolissimevolmente".repeat(4);
        let lines = inline(&mut fonts, &word).break_lines(80.0);
        assert!(lines.len() > 3);
        let joined: String = lines.iter().map(|l| line_text(l)).collect();
        assert_eq!(joined, word);
        assert!(lines.iter().all(|l| line_width(l) <= 80.01));
    }

    #[test]
    fn characters_the_font_lacks_are_shown_as_a_question_mark_but_kept_as_text() {
        let mut fonts = Fonts::load().expect("fonts");
        let run = fonts.run(Face::Regular, 10.0, "città→mare");
        assert_eq!(run.text, "città?mare");
        assert_eq!(run.actual.as_deref(), Some("città→mare"));
        assert!(run.glyphs.iter().all(|g| g.glyph_id.to_u32() != 0));
        let plain = fonts.run(Face::Bold, 10.0, "perché «sì» l’ha detto");
        assert_eq!(plain.actual, None);
        assert_eq!(plain.text, "perché «sì» l’ha detto");
    }
}
