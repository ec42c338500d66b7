//! Caption layout (cosmic-text: harfrust shaping, bidi, line breaking) and rasterization
//! (glyph outlines from swash filled and stroked by tiny-skia; colour emoji bitmaps).

use cosmic_text::{fontdb, Attrs, Buffer, Family, FontSystem, Metrics, Shaping, Wrap};
use image::RgbaImage;
use serde::{Deserialize, Serialize};
use swash::scale::{ScaleContext, StrikeWith};
use swash::zeno::{Command, PathData};
use tiny_skia::{
    FillRule, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, PixmapPaint, Rect, Stroke,
    Transform,
};

use super::fonts::{self, FaceQuery};
use super::picture::{Frame, Picture};

/// Where a caption may go, relative to the asset (0..1 on both axes), so one zone fits
/// every size the asset is drawn at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Zone {
    /// With no zone from the kit, captions sit in a band along the bottom.
    pub const BOTTOM_BAND: Zone = Zone {
        x: 0.06,
        y: 0.74,
        width: 0.88,
        height: 0.20,
    };

    /// Keeps the zone inside the image whatever the input says.
    fn clamped(self) -> Zone {
        let finite = |v: f32, fallback: f32| if v.is_finite() { v } else { fallback };
        let x = finite(self.x, 0.0).clamp(0.0, 0.98);
        let y = finite(self.y, 0.0).clamp(0.0, 0.98);
        Zone {
            x,
            y,
            width: finite(self.width, 1.0).clamp(0.02, 1.0 - x),
            height: finite(self.height, 1.0).clamp(0.02, 1.0 - y),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    #[default]
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Face {
    /// League Spartan Black: the bold poster face.
    #[default]
    Poster,
    /// Inter Regular: readable body text.
    Sans,
    /// Inter Bold.
    SansBold,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    pub color: [u8; 4],
    /// Visible outline thickness outside the fill, as a fraction of the font size.
    pub width: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Style {
    pub face: Face,
    pub fill: [u8; 4],
    pub outline: Option<Outline>,
    pub align: Align,
    pub max_lines: u32,
    /// Line advance as a multiple of the font size.
    pub line_height: f32,
    pub uppercase: bool,
    /// Largest font size, as a fraction of the asset's height; the text shrinks from
    /// there until it fits the zone.
    pub max_size: f32,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            face: Face::Poster,
            fill: [255, 255, 255, 255],
            outline: Some(Outline {
                color: [0, 0, 0, 255],
                width: 0.07,
            }),
            align: Align::Center,
            max_lines: 3,
            line_height: 1.1,
            uppercase: false,
            max_size: 0.085,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Caption {
    pub text: String,
    pub zone: Zone,
    pub style: Style,
}

impl Caption {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            zone: Zone::BOTTOM_BAND,
            style: Style::default(),
        }
    }
}

#[derive(Debug, Clone)]
struct PlacedGlyph {
    font_id: fontdb::ID,
    weight: fontdb::Weight,
    glyph_id: u16,
    /// Pen position on the baseline, in asset pixels.
    x: f32,
    y: f32,
    size: f32,
}

/// A caption laid out in asset pixels: the same value draws the preview and the export.
#[derive(Debug, Clone)]
pub struct CaptionLayout {
    glyphs: Vec<PlacedGlyph>,
    style: Style,
    asset_width: u32,
    pub font_size: f32,
    /// Byte offset in the (case-mapped) text where each visual line starts.
    pub line_starts: Vec<usize>,
    /// False when even the smallest size overflows the zone.
    pub fits: bool,
}

impl CaptionLayout {
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

const MIN_FONT_PX: f32 = 6.0;

/// Owns the font database and glyph caches; reuse one for many renders.
pub struct Typesetter {
    fonts: FontSystem,
    scale: ScaleContext,
    poster: FaceQuery,
    sans: FaceQuery,
    sans_bold: FaceQuery,
    emoji: Option<fontdb::ID>,
}

impl Default for Typesetter {
    fn default() -> Self {
        Self::new()
    }
}

impl Typesetter {
    pub fn new() -> Self {
        let bundled = fonts::bundled();
        Self {
            fonts: FontSystem::new_with_locale_and_db("fr-FR".to_owned(), bundled.db),
            scale: ScaleContext::new(),
            poster: bundled.poster,
            sans: bundled.sans,
            sans_bold: bundled.sans_bold,
            emoji: bundled.emoji,
        }
    }

    /// Family names of the faces that loaded, for diagnostics and tests.
    pub fn face_families(&self) -> [&str; 3] {
        [
            &self.poster.family,
            &self.sans.family,
            &self.sans_bold.family,
        ]
    }

    pub fn has_emoji_font(&self) -> bool {
        self.emoji.is_some()
    }

    /// Lays out the caption at the largest size (up to the style's maximum) that fits its
    /// zone in at most `max_lines` lines.
    pub fn layout(
        &mut self,
        caption: &Caption,
        asset_width: u32,
        asset_height: u32,
    ) -> CaptionLayout {
        let zone = caption.zone.clamped();
        let (w, h) = (asset_width as f32, asset_height as f32);
        let zone_px = (zone.x * w, zone.y * h, zone.width * w, zone.height * h);
        let style = &caption.style;
        let line_height = style.line_height.clamp(0.7, 3.0);
        let max_lines = style.max_lines.clamp(1, 12) as usize;
        let text = if style.uppercase {
            caption.text.to_uppercase()
        } else {
            caption.text.clone()
        };
        let face = match style.face {
            Face::Poster => self.poster.clone(),
            Face::Sans => self.sans.clone(),
            Face::SansBold => self.sans_bold.clone(),
        };
        let attrs = Attrs::new()
            .family(Family::Name(&face.family))
            .weight(face.weight);
        let align = match style.align {
            Align::Left => cosmic_text::Align::Left,
            Align::Center => cosmic_text::Align::Center,
            Align::Right => cosmic_text::Align::Right,
        };

        let mut shape = |size: f32| -> Buffer {
            let mut buffer = Buffer::new(&mut self.fonts, Metrics::new(size, size * line_height));
            buffer.set_wrap(Wrap::Word);
            buffer.set_size(Some(zone_px.2), None);
            buffer.set_text(&text, &attrs, Shaping::Advanced, Some(align));
            buffer.shape_until_scroll(&mut self.fonts, false);
            buffer
        };
        let fits = |buffer: &Buffer, size: f32| -> bool {
            let mut lines = 0usize;
            for run in buffer.layout_runs() {
                lines += 1;
                if run.line_w > zone_px.2 + 0.5 {
                    return false;
                }
            }
            lines <= max_lines && lines as f32 * size * line_height <= zone_px.3 + 0.5
        };

        let largest = (style.max_size.clamp(0.005, 1.0) * h)
            .min(zone_px.3 / line_height)
            .max(MIN_FONT_PX);
        let mut size = largest;
        let mut buffer = shape(size);
        let mut fitted = fits(&buffer, size);
        if !fitted {
            // Binary search on the size: about 12 shaping passes of a short text.
            let (mut lo, mut hi) = (MIN_FONT_PX, largest);
            let mut best: Option<(f32, Buffer)> = None;
            while hi - lo > 0.25 {
                let mid = (lo + hi) / 2.0;
                let candidate = shape(mid);
                if fits(&candidate, mid) {
                    lo = mid;
                    best = Some((mid, candidate));
                } else {
                    hi = mid;
                }
            }
            match best {
                Some((best_size, best_buffer)) => {
                    size = best_size;
                    buffer = best_buffer;
                    fitted = true;
                }
                None => {
                    size = MIN_FONT_PX;
                    buffer = shape(size);
                }
            }
        }

        let line_count = buffer.layout_runs().count();
        let block_height = line_count as f32 * size * line_height;
        let top = zone_px.1 + ((zone_px.3 - block_height) / 2.0).max(0.0);
        // Glyph offsets count from the start of their paragraph; line_starts are offsets
        // into the whole text.
        let paragraph_starts = paragraph_starts(&text);
        let mut glyphs = Vec::new();
        let mut line_starts = Vec::new();
        for run in buffer.layout_runs() {
            let paragraph = paragraph_starts.get(run.line_i).copied().unwrap_or(0);
            line_starts.push(paragraph + run.glyphs.iter().map(|g| g.start).min().unwrap_or(0));
            for glyph in run.glyphs {
                glyphs.push(PlacedGlyph {
                    font_id: glyph.font_id,
                    weight: glyph.font_weight,
                    glyph_id: glyph.glyph_id,
                    x: zone_px.0 + glyph.x + glyph.font_size * glyph.x_offset,
                    y: top + run.line_y - glyph.font_size * glyph.y_offset,
                    size: glyph.font_size,
                });
            }
        }
        CaptionLayout {
            glyphs,
            style: style.clone(),
            asset_width,
            font_size: size,
            line_starts,
            fits: fitted,
        }
    }

    /// Draws the laid-out caption on a transparent layer of `width` x `height` pixels,
    /// scaled from asset pixels to that size. Returns the layer (premultiplied) and the
    /// pixel rectangle that holds ink, or None for an empty caption.
    fn rasterize(
        &mut self,
        layout: &CaptionLayout,
        width: u32,
        height: u32,
    ) -> Option<(Pixmap, Rect)> {
        if layout.glyphs.is_empty() || width == 0 || height == 0 {
            return None;
        }
        let scale = width as f32 / layout.asset_width.max(1) as f32;
        let mut builder = PathBuilder::new();
        let mut emoji = Vec::new();
        for glyph in &layout.glyphs {
            let Some(font) = self.fonts.get_font(glyph.font_id, glyph.weight) else {
                continue;
            };
            let size = glyph.size * scale;
            let (ox, oy) = (glyph.x * scale, glyph.y * scale);
            let mut scaler = self
                .scale
                .builder(font.as_swash())
                .size(size)
                .hint(false)
                .build();
            if Some(glyph.font_id) == self.emoji {
                if let Some(image) = scaler.scale_color_bitmap(glyph.glyph_id, StrikeWith::BestFit)
                {
                    emoji.push((ox, oy, image));
                }
                continue;
            }
            if let Some(outline) = scaler.scale_outline(glyph.glyph_id) {
                for command in outline.path().commands() {
                    match command {
                        Command::MoveTo(p) => builder.move_to(ox + p.x, oy - p.y),
                        Command::LineTo(p) => builder.line_to(ox + p.x, oy - p.y),
                        Command::QuadTo(c, p) => {
                            builder.quad_to(ox + c.x, oy - c.y, ox + p.x, oy - p.y)
                        }
                        Command::CurveTo(c1, c2, p) => builder.cubic_to(
                            ox + c1.x,
                            oy - c1.y,
                            ox + c2.x,
                            oy - c2.y,
                            ox + p.x,
                            oy - p.y,
                        ),
                        Command::Close => builder.close(),
                    }
                }
            }
        }
        let mut pixmap = Pixmap::new(width, height)?;
        let mut ink: Option<Rect> = None;
        let style = &layout.style;
        if let Some(path) = builder.finish() {
            let stroke_width = style
                .outline
                .map(|outline| outline.width.max(0.0) * layout.font_size * scale * 2.0)
                .unwrap_or(0.0);
            ink = grow(path.bounds(), stroke_width / 2.0 + 2.0);
            if let Some(outline) = style.outline.filter(|_| stroke_width > 0.0) {
                // Under the fill, so the outline only ever grows outwards.
                let stroke = Stroke {
                    width: stroke_width,
                    line_join: LineJoin::Round,
                    line_cap: LineCap::Round,
                    ..Stroke::default()
                };
                pixmap.stroke_path(
                    &path,
                    &paint(outline.color),
                    &stroke,
                    Transform::identity(),
                    None,
                );
            }
            pixmap.fill_path(
                &path,
                &paint(style.fill),
                FillRule::Winding,
                Transform::identity(),
                None,
            );
            let _: &Path = &path;
        }
        for (ox, oy, image) in emoji {
            let placement = image.placement;
            let Some(mut glyph_pixmap) = Pixmap::new(placement.width, placement.height) else {
                continue;
            };
            for (dst, src) in glyph_pixmap
                .pixels_mut()
                .iter_mut()
                .zip(image.data.chunks_exact(4))
            {
                *dst = tiny_skia::ColorU8::from_rgba(src[0], src[1], src[2], src[3]).premultiply();
            }
            let x = ox + placement.left as f32;
            let y = oy - placement.top as f32;
            pixmap.draw_pixmap(
                x.round() as i32,
                y.round() as i32,
                glyph_pixmap.as_ref(),
                &PixmapPaint::default(),
                Transform::identity(),
                None,
            );
            if let Some(rect) =
                Rect::from_xywh(x, y, placement.width as f32, placement.height as f32)
            {
                ink = Some(match ink {
                    Some(current) => union(current, rect),
                    None => rect,
                });
            }
        }
        let ink = ink?.intersect(&Rect::from_xywh(0.0, 0.0, width as f32, height as f32)?)?;
        Some((pixmap, ink))
    }

    /// The caption alone on a transparent layer the size of `width` x `height`.
    pub fn layer(&mut self, layout: &CaptionLayout, width: u32, height: u32) -> RgbaImage {
        let mut out = RgbaImage::new(width, height);
        if let Some((pixmap, ink)) = self.rasterize(layout, width, height) {
            composite(&mut out, &pixmap, ink);
        }
        out
    }

    /// Draws the caption onto `base`, which shows the whole asset at any size: the
    /// layout is computed at the asset's own size and scaled to the base.
    pub fn draw_onto(
        &mut self,
        base: &mut RgbaImage,
        caption: &Caption,
        asset_width: u32,
        asset_height: u32,
    ) -> CaptionLayout {
        let layout = self.layout(caption, asset_width, asset_height);
        if let Some((pixmap, ink)) = self.rasterize(&layout, base.width(), base.height()) {
            composite(base, &pixmap, ink);
        }
        layout
    }

    /// The captioned picture at full size. For animations the caption layer is drawn
    /// once and composited onto every frame.
    pub fn apply(&mut self, picture: &Picture, caption: &Caption) -> Picture {
        let (width, height) = picture.dimensions();
        let layout = self.layout(caption, width, height);
        let Some((pixmap, ink)) = self.rasterize(&layout, width, height) else {
            return picture.clone();
        };
        match picture {
            Picture::Still(image) => {
                let mut out = image.clone();
                composite(&mut out, &pixmap, ink);
                Picture::Still(out)
            }
            Picture::Animation { frames, repeat } => Picture::Animation {
                frames: frames
                    .iter()
                    .map(|frame| {
                        let mut image = frame.image.clone();
                        composite(&mut image, &pixmap, ink);
                        Frame {
                            image,
                            delay_ms: frame.delay_ms,
                        }
                    })
                    .collect(),
                repeat: *repeat,
            },
        }
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

fn paint(color: [u8; 4]) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(color[0], color[1], color[2], color[3]);
    paint.anti_alias = true;
    paint
}

fn grow(rect: Rect, by: f32) -> Option<Rect> {
    Rect::from_ltrb(
        rect.left() - by,
        rect.top() - by,
        rect.right() + by,
        rect.bottom() + by,
    )
}

fn union(a: Rect, b: Rect) -> Rect {
    Rect::from_ltrb(
        a.left().min(b.left()),
        a.top().min(b.top()),
        a.right().max(b.right()),
        a.bottom().max(b.bottom()),
    )
    .unwrap_or(a)
}

/// Source-over of a premultiplied layer onto a straight-alpha image, limited to the
/// rectangle that has ink so a small caption on a big poster costs little.
fn composite(target: &mut RgbaImage, layer: &Pixmap, ink: Rect) {
    let (width, height) = target.dimensions();
    if layer.width() != width || layer.height() != height {
        return;
    }
    let x0 = ink.left().floor().max(0.0) as u32;
    let y0 = ink.top().floor().max(0.0) as u32;
    let x1 = (ink.right().ceil() as u32).min(width);
    let y1 = (ink.bottom().ceil() as u32).min(height);
    let src = layer.pixels();
    for y in y0..y1 {
        for x in x0..x1 {
            let s = src[(y * width + x) as usize];
            let sa = u32::from(s.alpha());
            if sa == 0 {
                continue;
            }
            let d = target.get_pixel_mut(x, y);
            let [dr, dg, db, da] = d.0;
            let inv = 255 - sa;
            // Destination premultiplied, blended, then back to straight alpha.
            let da_p = u32::from(da);
            let out_a = sa + (da_p * inv + 127) / 255;
            if out_a == 0 {
                continue;
            }
            let channel = |sc: u8, dc: u8| -> u8 {
                let dc_p = (u32::from(dc) * da_p + 127) / 255;
                let premul = u32::from(sc) + (dc_p * inv + 127) / 255;
                ((premul * 255 + out_a / 2) / out_a).min(255) as u8
            };
            d.0 = [
                channel(s.red(), dr),
                channel(s.green(), dg),
                channel(s.blue(), db),
                out_a.min(255) as u8,
            ];
        }
    }
}
