//! Draws a laid-out caption: band or box, soft shadow, outline (round joins, under the
//! fill so it only grows outwards), fill, then colour emoji bitmaps. Only the rectangle
//! the layer covers is allocated, so a caption on a 4000x5000 poster costs little.

use cosmic_text::{fontdb, FontSystem};
use swash::scale::{ScaleContext, StrikeWith};
use swash::zeno::{Command, PathData};
use tiny_skia::{
    FillRule, LineCap, LineJoin, Mask, Paint, Path, PathBuilder, Pixmap, PixmapPaint, Rect, Stroke,
    Transform,
};

use super::blur::blur_mask;
use super::layout::{union, CaptionLayout, Ltrb};

/// A drawn layer: premultiplied pixels placed at (`left`, `top`) in the target.
pub(crate) struct Drawn {
    pub pixmap: Pixmap,
    pub left: u32,
    pub top: u32,
    /// False when the target's edges cut the layer: it cannot be moved and reused.
    pub whole: bool,
}

pub(crate) struct Raster<'a> {
    pub fonts: &'a mut FontSystem,
    pub scale: &'a mut ScaleContext,
    pub emoji: Option<fontdb::ID>,
}

struct EmojiBitmap {
    x: f32,
    y: f32,
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl Raster<'_> {
    /// Glyph outlines of the layout (asset pixels times `scale`) and its emoji bitmaps.
    fn glyphs(&mut self, layout: &CaptionLayout, scale: f32) -> (Option<Path>, Vec<EmojiBitmap>) {
        let mut builder = PathBuilder::new();
        let mut emoji = Vec::new();
        // One scaler per run of glyphs sharing a font and size (usually the whole line).
        for run in layout
            .glyphs
            .chunk_by(|a, b| a.font_id == b.font_id && a.weight == b.weight && a.size == b.size)
        {
            let first = &run[0];
            let Some(font) = self.fonts.get_font(first.font_id, first.weight) else {
                continue;
            };
            let is_emoji = Some(first.font_id) == self.emoji;
            let mut scaler = self
                .scale
                .builder(font.as_swash())
                .size(first.size * scale)
                .hint(false)
                .build();
            for glyph in run {
                let (ox, oy) = (glyph.x * scale, glyph.y * scale);
                if is_emoji {
                    if let Some(image) =
                        scaler.scale_color_bitmap(glyph.glyph_id, StrikeWith::BestFit)
                    {
                        let p = image.placement;
                        emoji.push(EmojiBitmap {
                            x: ox + p.left as f32,
                            y: oy - p.top as f32,
                            width: p.width,
                            height: p.height,
                            rgba: image.data,
                        });
                    }
                } else if let Some(outline) = scaler.scale_outline(glyph.glyph_id) {
                    append(&mut builder, outline.path().commands(), ox, oy);
                }
            }
        }
        (builder.finish(), emoji)
    }

    /// Ink rectangle of every visible glyph, in asset pixels, outline excluded.
    pub fn glyph_boxes(&mut self, layout: &CaptionLayout) -> Vec<Ltrb> {
        let mut boxes = Vec::new();
        for glyph in &layout.glyphs {
            let mut one = layout.clone();
            one.glyphs = vec![glyph.clone()];
            let (path, emoji) = self.glyphs(&one, 1.0);
            if let Some(path) = path {
                let b = path.bounds();
                boxes.push([b.left(), b.top(), b.right(), b.bottom()]);
            }
            for e in emoji {
                boxes.push([e.x, e.y, e.x + e.width as f32, e.y + e.height as f32]);
            }
        }
        boxes
    }

    /// Draws the layout scaled to a `width` x `height` target; None when nothing shows.
    pub fn draw(&mut self, layout: &CaptionLayout, width: u32, height: u32) -> Option<Drawn> {
        if layout.glyphs.is_empty() || width == 0 || height == 0 || layout.asset_width == 0 {
            return None;
        }
        let scale = width as f32 / layout.asset_width as f32;
        let style = &layout.style;
        let size = layout.font_size * scale;
        let (path, emoji) = self.glyphs(layout, scale);
        let stroke_width = style
            .outline
            .map(|o| o.width.clamp(0.0, 0.5) * size * 2.0)
            .unwrap_or(0.0);

        let mut region: Option<Ltrb> = None;
        let mut add = |r: Ltrb| region = Some(region.map_or(r, |cur| union(cur, r)));
        let text_rect = path.as_ref().map(|p| {
            let b = p.bounds();
            let g = stroke_width / 2.0 + 2.0;
            [b.left() - g, b.top() - g, b.right() + g, b.bottom() + g]
        });
        if let Some(r) = text_rect {
            add(r);
        }
        for e in &emoji {
            add([e.x, e.y, e.x + e.width as f32, e.y + e.height as f32]);
        }
        let band = layout
            .band_rect()
            .map(|[l, t, r, b]| [l * scale, t * scale, r * scale, b * scale]);
        if let Some(r) = band {
            add(r);
        }
        let shadow = style.shadow.filter(|s| s.color[3] > 0);
        let shadow_shift = shadow.map(|s| {
            (
                finite(s.offset[0]).clamp(-1.0, 1.0) * size,
                finite(s.offset[1]).clamp(-1.0, 1.0) * size,
                finite(s.blur).clamp(0.0, 1.0) * size,
            )
        });
        if let (Some((dx, dy, blur)), Some([l, t, r, b])) = (shadow_shift, text_rect) {
            let g = blur * 1.5 + 1.0;
            add([l + dx - g, t + dy - g, r + dx + g, b + dy + g]);
        }
        let [l, t, r, b] = region?;
        let whole = l >= 0.0 && t >= 0.0 && r <= width as f32 && b <= height as f32;
        let left = l.floor().max(0.0) as u32;
        let top = t.floor().max(0.0) as u32;
        let right = (r.ceil().max(0.0) as u32).min(width);
        let bottom = (b.ceil().max(0.0) as u32).min(height);
        if right <= left || bottom <= top {
            return None;
        }
        let (pw, ph) = (right - left, bottom - top);
        let mut pixmap = Pixmap::new(pw, ph)?;
        let origin = Transform::from_translate(-(left as f32), -(top as f32));

        if let (Some(band_style), Some([bl, bt, br, bb])) = (style.band, band) {
            let radius = band_style.radius.clamp(0.0, 2.0) * size;
            if let Some(rounded) = rounded_rect(bl, bt, br, bb, radius) {
                pixmap.fill_path(
                    &rounded,
                    &paint(band_style.color),
                    FillRule::Winding,
                    origin,
                    None,
                );
            }
        }
        let stroke = Stroke {
            width: stroke_width,
            line_join: LineJoin::Round,
            line_cap: LineCap::Round,
            ..Stroke::default()
        };
        if let Some(path) = &path {
            // Stroked once: the outline and the shadow's silhouette share it.
            let outline = style
                .outline
                .filter(|_| stroke_width > 0.0)
                .and_then(|o| Some((o, path.stroke(&stroke, 1.0)?)));
            if let (Some(s), Some((dx, dy, blur))) = (shadow, shadow_shift) {
                if let Some(mut mask) = Mask::new(pw, ph) {
                    let at = origin.pre_translate(dx, dy);
                    mask.fill_path(path, FillRule::Winding, true, at);
                    if let Some((_, outer)) = &outline {
                        mask.fill_path(outer, FillRule::Winding, true, at);
                    }
                    blur_mask(mask.data_mut(), pw as usize, ph as usize, blur);
                    if let Some(all) = Rect::from_xywh(0.0, 0.0, pw as f32, ph as f32) {
                        pixmap.fill_rect(all, &paint(s.color), Transform::identity(), Some(&mask));
                    }
                }
            }
            if let Some((outline, outer)) = &outline {
                pixmap.fill_path(
                    outer,
                    &paint(outline.color),
                    FillRule::Winding,
                    origin,
                    None,
                );
            }
            pixmap.fill_path(path, &paint(style.fill), FillRule::Winding, origin, None);
        }
        for e in emoji {
            let Some(mut glyph) = Pixmap::new(e.width, e.height) else {
                continue;
            };
            for (dst, src) in glyph.pixels_mut().iter_mut().zip(e.rgba.chunks_exact(4)) {
                *dst = tiny_skia::ColorU8::from_rgba(src[0], src[1], src[2], src[3]).premultiply();
            }
            pixmap.draw_pixmap(
                (e.x - left as f32).round() as i32,
                (e.y - top as f32).round() as i32,
                glyph.as_ref(),
                &PixmapPaint::default(),
                Transform::identity(),
                None,
            );
        }
        Some(Drawn {
            pixmap,
            left,
            top,
            whole,
        })
    }
}

fn finite(v: f32) -> f32 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

fn append(builder: &mut PathBuilder, commands: impl Iterator<Item = Command>, ox: f32, oy: f32) {
    for command in commands {
        match command {
            Command::MoveTo(p) => builder.move_to(ox + p.x, oy - p.y),
            Command::LineTo(p) => builder.line_to(ox + p.x, oy - p.y),
            Command::QuadTo(c, p) => builder.quad_to(ox + c.x, oy - c.y, ox + p.x, oy - p.y),
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

/// A rectangle with circular corners of `radius` (cubic arcs).
fn rounded_rect(l: f32, t: f32, r: f32, b: f32, radius: f32) -> Option<Path> {
    let radius = radius.min((r - l) / 2.0).min((b - t) / 2.0).max(0.0);
    if radius < 0.5 {
        return Rect::from_ltrb(l, t, r, b).map(PathBuilder::from_rect);
    }
    // Control-point distance for a quarter circle drawn with one cubic.
    let k = radius * 0.552_284_8;
    let mut p = PathBuilder::new();
    p.move_to(l + radius, t);
    p.line_to(r - radius, t);
    p.cubic_to(r - radius + k, t, r, t + radius - k, r, t + radius);
    p.line_to(r, b - radius);
    p.cubic_to(r, b - radius + k, r - radius + k, b, r - radius, b);
    p.line_to(l + radius, b);
    p.cubic_to(l + radius - k, b, l, b - radius + k, l, b - radius);
    p.line_to(l, t + radius);
    p.cubic_to(l, t + radius - k, l + radius - k, t, l + radius, t);
    p.close();
    p.finish()
}

fn paint(color: [u8; 4]) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(color[0], color[1], color[2], color[3]);
    paint.anti_alias = true;
    paint
}

/// Source-over of a drawn layer (premultiplied) onto a straight-alpha image.
pub(crate) fn composite(target: &mut image::RgbaImage, drawn: &Drawn) {
    composite_at(target, &drawn.pixmap, drawn.left, drawn.top);
}

/// Source-over of premultiplied `layer` placed at (`left`, `top`) in `target`.
pub(crate) fn composite_at(target: &mut image::RgbaImage, layer: &Pixmap, left: u32, top: u32) {
    composite_shifted(target, layer, i64::from(left), i64::from(top));
}

/// Source-over of a drawn layer onto `target`, which holds only the window of the asset
/// whose top-left corner is at (`window_left`, `window_top`): the JPEG path redraws one
/// strip of blocks at a time.
pub(crate) fn composite_window(
    target: &mut image::RgbaImage,
    window_left: u32,
    window_top: u32,
    drawn: &Drawn,
) {
    composite_shifted(
        target,
        &drawn.pixmap,
        i64::from(drawn.left) - i64::from(window_left),
        i64::from(drawn.top) - i64::from(window_top),
    );
}

fn composite_shifted(target: &mut image::RgbaImage, layer: &Pixmap, left: i64, top: i64) {
    let (width, height) = (i64::from(target.width()), i64::from(target.height()));
    let (pw, ph) = (i64::from(layer.width()), i64::from(layer.height()));
    let (x0, y0) = (left.max(0), top.max(0));
    let x1 = (left + pw).min(width);
    let y1 = (top + ph).min(height);
    let src = layer.pixels();
    for y in y0..y1 {
        let row = ((y - top) * pw) as usize;
        for x in x0..x1 {
            let s = src[row + (x - left) as usize];
            let sa = u32::from(s.alpha());
            if sa == 0 {
                continue;
            }
            let d = target.get_pixel_mut(x as u32, y as u32);
            let [dr, dg, db, da] = d.0;
            if sa == 255 {
                d.0 = [s.red(), s.green(), s.blue(), 255];
                continue;
            }
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
