//! Caption layout in asset pixels (cosmic-text: harfrust shaping, bidi, line breaking):
//! the largest size that fits, French punctuation glued, lines balanced. The same value
//! draws the preview and the export, so both break lines at the same places.

use cosmic_text::{fontdb, Attrs, Buffer, Family, FontSystem, Metrics, Shaping, Wrap};
use serde::Serialize;

use super::style::{Align, SizeRule, Style, Zone};
use crate::render::fonts::FaceQuery;
use crate::render::french;

/// Smallest size the fit search tries, in asset pixels.
const MIN_FONT_PX: f32 = 6.0;

/// Height a line's ink may take, in ems: accented capitals, descenders and colour emoji
/// reach past a tight line box, so the first and last lines keep this much room.
const INK_EM: f32 = 1.3;

/// Height of `lines` lines of text at `size` with their ink, in pixels.
fn ink_height(lines: usize, size: f32, line_height: f32) -> f32 {
    if lines == 0 {
        return 0.0;
    }
    (lines - 1) as f32 * size * line_height + size * line_height.max(INK_EM)
}

#[derive(Debug, Clone)]
pub(crate) struct PlacedGlyph {
    pub font_id: fontdb::ID,
    pub weight: fontdb::Weight,
    pub glyph_id: u16,
    /// Pen position on the baseline, in asset pixels.
    pub x: f32,
    pub y: f32,
    pub size: f32,
}

/// A rectangle relative to the asset (0..1 on both axes), as the editor draws its boxes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct RelRect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// Left, top, right, bottom in asset pixels.
pub(crate) type Ltrb = [f32; 4];

/// A caption laid out in asset pixels: the same value draws the preview and the export.
#[derive(Debug, Clone, Serialize)]
pub struct CaptionLayout {
    #[serde(skip)]
    pub(crate) glyphs: Vec<PlacedGlyph>,
    #[serde(skip)]
    pub(crate) style: Style,
    pub asset_width: u32,
    pub asset_height: u32,
    /// The zone actually used (clamped inside the asset).
    pub zone: Zone,
    pub font_size: f32,
    /// The text as typeset: case-mapped, French spaces made non-breaking.
    pub text: String,
    /// Byte offset in `text` where each visual line starts.
    pub line_starts: Vec<usize>,
    /// False when even the smallest size overflows the zone.
    pub fits: bool,
    /// Characters no bundled face (nor the style's kit face) can draw, in the order they
    /// first appear: they come out blank, so the editor and the CLI name them.
    pub undrawable: Vec<char>,
    /// The text lines, outline included; None when nothing visible is drawn.
    pub ink: Option<RelRect>,
    /// What the layer covers: the ink and its band or box, if any.
    pub bounds: Option<RelRect>,
    /// The text lines without outline, in asset pixels.
    #[serde(skip)]
    pub(crate) block: Option<Ltrb>,
}

impl CaptionLayout {
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The same layout with its zone moved to `zone` (same size): a drag costs no shaping.
    pub(crate) fn moved_to(&self, zone: Zone) -> CaptionLayout {
        let (w, h) = (self.asset_width as f32, self.asset_height as f32);
        let dx = (zone.x - self.zone.x) * w;
        let dy = (zone.y - self.zone.y) * h;
        let mut moved = self.clone();
        moved.zone = zone;
        for glyph in &mut moved.glyphs {
            glyph.x += dx;
            glyph.y += dy;
        }
        moved.block = self
            .block
            .map(|[l, t, r, b]| [l + dx, t + dy, r + dx, b + dy]);
        moved.set_boxes();
        moved
    }

    /// The band or box behind the text, in asset pixels.
    pub(crate) fn band_rect(&self) -> Option<Ltrb> {
        let band = self.style.band?;
        let [l, t, r, b] = self.block?;
        let pad = band.padding.clamp(0.0, 3.0) * self.font_size;
        Some(if band.full_width {
            [0.0, t - pad, self.asset_width as f32, b + pad]
        } else {
            [l - pad, t - pad, r + pad, b + pad]
        })
    }

    fn set_boxes(&mut self) {
        let reach = self.style.outline_reach() * self.font_size;
        let ink = self
            .block
            .map(|[l, t, r, b]| [l - reach, t - reach, r + reach, b + reach]);
        let bounds = match (ink, self.band_rect()) {
            (Some(ink), Some(band)) => Some(union(ink, band)),
            (ink, _) => ink,
        };
        self.ink = ink.map(|r| self.relative(r));
        self.bounds = bounds.map(|r| self.relative(r));
    }

    fn relative(&self, [l, t, r, b]: Ltrb) -> RelRect {
        let (w, h) = (
            self.asset_width.max(1) as f32,
            self.asset_height.max(1) as f32,
        );
        let (l, t) = (l.max(0.0), t.max(0.0));
        let (r, b) = (r.min(w), b.min(h));
        RelRect {
            x: l / w,
            y: t / h,
            width: (r - l).max(0.0) / w,
            height: (b - t).max(0.0) / h,
        }
    }
}

pub(crate) fn union(a: Ltrb, b: Ltrb) -> Ltrb {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// The text as it is shaped: uppercase if asked (char-aware, so é becomes É), French
/// spaces glued to their punctuation.
pub(crate) fn typeset_text(text: &str, style: &Style) -> String {
    let text = if style.uppercase {
        text.to_uppercase()
    } else {
        text.to_owned()
    };
    french::glue_punctuation(&text)
}

/// One visual line: where its visible glyphs start and end before alignment.
struct LineExtent {
    left: f32,
    right: f32,
}

impl LineExtent {
    fn width(&self) -> f32 {
        (self.right - self.left).max(0.0)
    }
}

fn line_extents(buffer: &Buffer, text: &str, paragraphs: &[usize]) -> Vec<Option<LineExtent>> {
    buffer
        .layout_runs()
        .map(|run| {
            let base = paragraphs.get(run.line_i).copied().unwrap_or(0);
            let mut extent: Option<LineExtent> = None;
            for glyph in run.glyphs {
                let source = text.get(base + glyph.start..base + glyph.end).unwrap_or("");
                if source.chars().all(char::is_whitespace) {
                    continue;
                }
                let (l, r) = (glyph.x, glyph.x + glyph.w);
                extent = Some(match extent {
                    Some(e) => LineExtent {
                        left: e.left.min(l),
                        right: e.right.max(r),
                    },
                    None => LineExtent { left: l, right: r },
                });
            }
            extent
        })
        .collect()
}

struct Shaper<'a> {
    fonts: &'a mut FontSystem,
    buffer: Buffer,
    text: &'a str,
    paragraphs: Vec<usize>,
    line_height: f32,
}

impl Shaper<'_> {
    /// Lays the text out again at `size` wrapped at `width`: shaping is cached by the
    /// buffer, so this is only line breaking.
    fn relayout(&mut self, size: f32, width: f32) {
        self.buffer.set_metrics_and_size(
            Metrics::new(size, size * self.line_height),
            Some(width),
            None,
        );
        self.buffer.shape_until_scroll(self.fonts, false);
    }

    fn extents(&self) -> Vec<Option<LineExtent>> {
        line_extents(&self.buffer, self.text, &self.paragraphs)
    }

    /// Whether the current layout holds in `width` x `height` within `max_lines`.
    fn holds(&self, width: f32, height: f32, max_lines: usize, size: f32) -> bool {
        let extents = self.extents();
        extents.len() <= max_lines
            && ink_height(extents.len(), size, self.line_height) <= height + 0.5
            && extents.iter().flatten().all(|e| e.width() <= width + 0.5)
    }
}

/// Lays out `text` in `zone` of an `asset_width` x `asset_height` asset.
pub(crate) fn layout(
    fonts: &mut FontSystem,
    face: &FaceQuery,
    text: &str,
    zone: Zone,
    style: &Style,
    asset_width: u32,
    asset_height: u32,
) -> CaptionLayout {
    let zone = zone.clamped();
    let (w, h) = (asset_width as f32, asset_height as f32);
    let (zone_x, zone_y, zone_w, zone_h) =
        (zone.x * w, zone.y * h, zone.width * w, zone.height * h);
    let line_height = if style.line_height.is_finite() {
        style.line_height.clamp(0.7, 3.0)
    } else {
        1.1
    };
    let max_lines = style.max_lines.clamp(1, 12) as usize;
    let text = typeset_text(text, style);
    let attrs = Attrs::new()
        .family(Family::Name(&face.family))
        .weight(face.weight);

    let mut buffer = Buffer::new(fonts, Metrics::new(MIN_FONT_PX, MIN_FONT_PX * line_height));
    buffer.set_wrap(Wrap::Word);
    // Alignment is applied below, inside the zone, so balancing can narrow the wrap width.
    buffer.set_text(
        &text,
        &attrs,
        Shaping::Advanced,
        Some(cosmic_text::Align::Left),
    );
    let mut shaper = Shaper {
        fonts,
        buffer,
        text: &text,
        paragraphs: paragraph_starts(&text),
        line_height,
    };

    let (size, fits) = match style.size {
        SizeRule::Fixed(fraction) => {
            let size = (finite_or(fraction, 0.06).clamp(0.005, 1.0) * h).max(MIN_FONT_PX);
            shaper.relayout(size, zone_w);
            (size, shaper.holds(zone_w, zone_h, max_lines, size))
        }
        SizeRule::Fit => {
            let largest = (finite_or(style.max_size, 0.085).clamp(0.005, 1.0) * h)
                .min(zone_h / line_height)
                .max(MIN_FONT_PX);
            shaper.relayout(largest, zone_w);
            if shaper.holds(zone_w, zone_h, max_lines, largest) {
                (largest, true)
            } else {
                // Binary search on the size: about 12 line-breaking passes.
                let (mut lo, mut hi) = (MIN_FONT_PX, largest);
                let mut best = None;
                while hi - lo > 0.25 {
                    let mid = (lo + hi) / 2.0;
                    shaper.relayout(mid, zone_w);
                    if shaper.holds(zone_w, zone_h, max_lines, mid) {
                        lo = mid;
                        best = Some(mid);
                    } else {
                        hi = mid;
                    }
                }
                match best {
                    Some(size) => (size, true),
                    None => (MIN_FONT_PX, false),
                }
            }
        }
    };

    // Balance: the narrowest wrap width that keeps the line count, so the last line is
    // not one orphan word.
    shaper.relayout(size, zone_w);
    let lines = shaper.extents().len();
    if lines > 1 {
        let widest = shaper
            .extents()
            .iter()
            .flatten()
            .map(LineExtent::width)
            .fold(0.0f32, f32::max);
        let total: f32 = shaper
            .extents()
            .iter()
            .flatten()
            .map(LineExtent::width)
            .sum();
        let (mut lo, mut hi) = ((total / lines as f32).min(widest), widest.min(zone_w));
        let mut wrap = hi;
        while hi - lo > 1.0 {
            let mid = (lo + hi) / 2.0;
            shaper.relayout(size, mid);
            let extents = shaper.extents();
            if extents.len() == lines && extents.iter().flatten().all(|e| e.width() <= mid + 0.5) {
                hi = mid;
                wrap = mid;
            } else {
                lo = mid;
            }
        }
        // The search may end on a rejected width: lay out at the best accepted one.
        shaper.relayout(size, wrap + 0.01);
        if shaper.extents().len() != lines {
            shaper.relayout(size, zone_w);
        }
    }

    let extents = shaper.extents();
    let ink_block = ink_height(extents.len(), size, line_height);
    let top = zone_y
        + ((zone_h - ink_block) / 2.0).max(0.0)
        + size * (INK_EM - line_height).max(0.0) / 2.0;
    let mut glyphs = Vec::new();
    let mut line_starts = Vec::new();
    let mut block: Option<Ltrb> = None;
    let mut undrawable = Vec::new();
    for (run, extent) in shaper.buffer.layout_runs().zip(&extents) {
        let paragraph = shaper.paragraphs.get(run.line_i).copied().unwrap_or(0);
        line_starts.push(paragraph + run.glyphs.iter().map(|g| g.start).min().unwrap_or(0));
        let Some(extent) = extent else { continue };
        let shift = zone_x
            + match style.align {
                Align::Left => -extent.left,
                Align::Center => (zone_w - extent.width()) / 2.0 - extent.left,
                Align::Right => zone_w - extent.right,
            };
        let line = [
            extent.left + shift,
            top + run.line_top,
            extent.right + shift,
            top + run.line_top + run.line_height,
        ];
        block = Some(block.map_or(line, |b| union(b, line)));
        for glyph in run.glyphs {
            let source = text
                .get(paragraph + glyph.start..paragraph + glyph.end)
                .unwrap_or("");
            if source.chars().all(char::is_whitespace) {
                continue;
            }
            if glyph.glyph_id == 0 {
                note_undrawable(&mut undrawable, source);
            }
            glyphs.push(PlacedGlyph {
                font_id: glyph.font_id,
                weight: glyph.font_weight,
                glyph_id: glyph.glyph_id,
                x: shift + glyph.x + glyph.font_size * glyph.x_offset,
                y: top + run.line_y - glyph.font_size * glyph.y_offset,
                size: glyph.font_size,
            });
        }
    }
    drop(shaper);
    let mut layout = CaptionLayout {
        glyphs,
        style: style.clone(),
        asset_width,
        asset_height,
        zone,
        font_size: size,
        text,
        line_starts,
        fits,
        undrawable,
        ink: None,
        bounds: None,
        block,
    };
    layout.set_boxes();
    layout
}

/// Adds the visible characters of a cluster the shaper found no glyph for. Joiners,
/// variation selectors and bidi marks draw nothing anyway: naming them would only puzzle.
fn note_undrawable(undrawable: &mut Vec<char>, cluster: &str) {
    let invisible = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0000}'..='\u{E01EF}')
    };
    for c in cluster.chars().filter(|&c| !invisible(c)) {
        if !undrawable.contains(&c) {
            undrawable.push(c);
        }
    }
}

fn finite_or(value: f32, fallback: f32) -> f32 {
    if value.is_finite() {
        value
    } else {
        fallback
    }
}

/// Byte offset where each paragraph starts, splitting as cosmic-text does (`\n`,
/// `\r\n` or a lone `\r`).
fn paragraph_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\r' if bytes.get(index + 1) == Some(&b'\n') => {
                index += 2;
                starts.push(index);
            }
            b'\r' | b'\n' => {
                index += 1;
                starts.push(index);
            }
            _ => index += 1,
        }
    }
    starts
}
