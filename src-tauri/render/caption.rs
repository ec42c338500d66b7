//! The typesetter: fonts, layout cache and glyph rasterizer behind one value that the
//! CLI, the preview and the export share.

use cosmic_text::{fontdb, FontSystem};
use image::RgbaImage;
use swash::scale::ScaleContext;

use super::error::Error;
use super::fonts::{self, FaceQuery};
use super::kit_fonts::{BundledFallback, KitFaces, KitFont};
use super::picture::{Frame, Picture};
use super::remix::{Caption, Layer, Remix};
use super::text::layout::{self, CaptionLayout};
use super::text::raster::{composite, composite_at, Drawn, Raster};
use super::text::style::{Face, Style, Zone};

/// Layouts kept for a drag: moving a caption only translates its glyphs.
const LAYOUT_CACHE: usize = 16;

#[derive(Debug, Clone, PartialEq)]
struct LayoutKey {
    text: String,
    style: Style,
    /// The face the style resolved to: the same `font` is another face in another kit.
    face: FaceQuery,
    zone_width: f32,
    zone_height: f32,
    asset_width: u32,
    asset_height: u32,
}

/// Layers kept drawn for the preview: a drag re-composites them at the new place.
const DRAWN_CACHE: usize = 8;

/// A layer drawn for the preview, and what it was drawn from.
struct DrawnLayer {
    key: LayoutKey,
    zone: Zone,
    target: (u32, u32),
    drawn: Drawn,
}

impl LayoutKey {
    fn of(
        text: &str,
        zone: Zone,
        style: &Style,
        face: &FaceQuery,
        asset_width: u32,
        asset_height: u32,
    ) -> Self {
        let zone = zone.clamped();
        LayoutKey {
            text: text.to_owned(),
            style: style.clone(),
            face: face.clone(),
            zone_width: zone.width,
            zone_height: zone.height,
            asset_width,
            asset_height,
        }
    }
}

/// Owns the font database and glyph caches; reuse one for many renders.
pub struct Typesetter {
    fonts: FontSystem,
    scale: ScaleContext,
    poster: FaceQuery,
    sans: FaceQuery,
    sans_bold: FaceQuery,
    emoji: Option<fontdb::ID>,
    kit_faces: KitFaces,
    layouts: Vec<(LayoutKey, CaptionLayout)>,
    drawn: Vec<DrawnLayer>,
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
            fonts: FontSystem::new_with_locale_and_db_and_fallback(
                "fr-FR".to_owned(),
                bundled.db,
                BundledFallback,
            ),
            scale: ScaleContext::new(),
            poster: bundled.poster,
            sans: bundled.sans,
            sans_bold: bundled.sans_bold,
            emoji: bundled.emoji,
            kit_faces: KitFaces::default(),
            layouts: Vec::new(),
            drawn: Vec::new(),
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

    /// Loads the fonts `kit` ships, replacing those of an earlier version of it; a file
    /// already loaded costs nothing. Styles name them once the kit is selected with
    /// [`Typesetter::use_kit_fonts`]. A font that does not parse is reported (the first
    /// one) after the others are loaded; styles naming it keep their bundled `face`.
    pub fn load_kit_fonts(&mut self, kit: &str, fonts: Vec<KitFont>) -> Result<(), Error> {
        self.kit_faces.load(&mut self.fonts, kit, fonts)
    }

    /// Whose fonts a style's `font` names from now on: the kit of the asset being drawn,
    /// or None for none (every style then draws with its bundled `face`).
    pub fn use_kit_fonts(&mut self, kit: Option<&str>) {
        self.kit_faces.select(kit);
    }

    /// Whether `kit`'s font `family` is loaded and usable.
    pub fn has_kit_font(&self, kit: &str, family: &str) -> bool {
        self.kit_faces.has(kit, family)
    }

    /// The face `style` draws with: its kit font if the selected kit has it loaded, its
    /// bundled face otherwise (a font removed by a kit update, say).
    fn face_for(&self, style: &Style) -> FaceQuery {
        if let Some(face) = style
            .font
            .as_deref()
            .and_then(|family| self.kit_faces.resolve(family))
        {
            return face.clone();
        }
        match style.face {
            Face::Poster => self.poster.clone(),
            Face::Sans => self.sans.clone(),
            Face::SansBold => self.sans_bold.clone(),
        }
    }

    /// Lays out `text` in `zone` of an asset of `asset_width` x `asset_height` pixels.
    /// A text already laid out at the same zone size is only moved.
    pub fn layout_text(
        &mut self,
        text: &str,
        zone: Zone,
        style: &Style,
        asset_width: u32,
        asset_height: u32,
    ) -> CaptionLayout {
        let zone = zone.clamped();
        let face = self.face_for(style);
        let key = LayoutKey::of(text, zone, style, &face, asset_width, asset_height);
        if let Some(index) = self.layouts.iter().position(|(k, _)| *k == key) {
            let entry = self.layouts.remove(index);
            let moved = entry.1.moved_to(zone);
            self.layouts.push(entry);
            return moved;
        }
        let laid = layout::layout(
            &mut self.fonts,
            &face,
            text,
            zone,
            style,
            asset_width,
            asset_height,
        );
        if self.layouts.len() >= LAYOUT_CACHE {
            self.layouts.remove(0);
        }
        self.layouts.push((key, laid.clone()));
        laid
    }

    /// Lays out the caption at the largest size (up to the style's maximum) that fits its
    /// zone in at most `max_lines` lines, or at its fixed size.
    pub fn layout(
        &mut self,
        caption: &Caption,
        asset_width: u32,
        asset_height: u32,
    ) -> CaptionLayout {
        self.layout_text(
            &caption.text,
            caption.zone,
            &caption.style,
            asset_width,
            asset_height,
        )
    }

    pub fn layout_layer(
        &mut self,
        layer: &Layer,
        asset_width: u32,
        asset_height: u32,
    ) -> CaptionLayout {
        self.layout_text(
            &layer.text,
            layer.zone,
            &layer.style,
            asset_width,
            asset_height,
        )
    }

    /// Every layer laid out in asset pixels, in drawing order; each carries its ink box
    /// and bounds relative to the asset for the editor.
    pub fn layout_remix(
        &mut self,
        remix: &Remix,
        asset_width: u32,
        asset_height: u32,
    ) -> Vec<CaptionLayout> {
        remix
            .layers
            .iter()
            .map(|layer| self.layout_layer(layer, asset_width, asset_height))
            .collect()
    }

    /// Characters of the remix's texts that no face it may use can draw, each once, in
    /// order. Font fallback is per character, not per size, so any size gives the same
    /// answer; the asset's own size reuses the layouts the preview already made.
    pub fn undrawable(&mut self, remix: &Remix, asset_width: u32, asset_height: u32) -> Vec<char> {
        let mut found: Vec<char> = Vec::new();
        for layer in &remix.layers {
            for c in self
                .layout_layer(layer, asset_width, asset_height)
                .undrawable
            {
                if !found.contains(&c) {
                    found.push(c);
                }
            }
        }
        found
    }

    /// Ink rectangle of each visible glyph, in asset pixels (left, top, right, bottom),
    /// outline excluded.
    pub fn glyph_boxes(&mut self, layout: &CaptionLayout) -> Vec<[f32; 4]> {
        self.raster().glyph_boxes(layout)
    }

    fn raster(&mut self) -> Raster<'_> {
        Raster {
            fonts: &mut self.fonts,
            scale: &mut self.scale,
            emoji: self.emoji,
        }
    }

    fn draw(&mut self, layout: &CaptionLayout, width: u32, height: u32) -> Option<Drawn> {
        self.raster().draw(layout, width, height)
    }

    /// The caption alone on a transparent layer the size of `width` x `height`.
    pub fn layer(&mut self, layout: &CaptionLayout, width: u32, height: u32) -> RgbaImage {
        let mut out = RgbaImage::new(width, height);
        if let Some(drawn) = self.draw(layout, width, height) {
            composite(&mut out, &drawn);
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
        if let Some(drawn) = self.draw(&layout, base.width(), base.height()) {
            composite(base, &drawn);
        }
        layout
    }

    /// Draws every layer of the remix onto `base` (the whole asset at any size), in
    /// order, each laid out in asset pixels.
    pub fn draw_remix_onto(
        &mut self,
        base: &mut RgbaImage,
        remix: &Remix,
        asset_width: u32,
        asset_height: u32,
    ) -> Vec<CaptionLayout> {
        let layouts = self.layout_remix(remix, asset_width, asset_height);
        for layout in &layouts {
            if let Some(drawn) = self.draw(layout, base.width(), base.height()) {
                composite(base, &drawn);
            }
        }
        layouts
    }

    /// Like [`Typesetter::draw_remix_onto`], for the editor's preview: a layer that only
    /// moved since the last call is not drawn again but placed at its new position,
    /// rounded to whole preview pixels (the export always draws afresh).
    pub fn draw_remix_preview(
        &mut self,
        base: &mut RgbaImage,
        remix: &Remix,
        asset_width: u32,
        asset_height: u32,
    ) -> Vec<CaptionLayout> {
        let target = base.dimensions();
        let mut layouts = Vec::with_capacity(remix.layers.len());
        for layer in &remix.layers {
            let layout = self.layout_layer(layer, asset_width, asset_height);
            let face = self.face_for(&layer.style);
            let key = LayoutKey::of(
                &layer.text,
                layer.zone,
                &layer.style,
                &face,
                asset_width,
                asset_height,
            );
            let reused = self
                .drawn
                .iter()
                .find(|d| d.key == key && d.target == target && d.drawn.whole)
                .and_then(|d| {
                    let dx = (layout.zone.x - d.zone.x) * target.0 as f32;
                    let dy = (layout.zone.y - d.zone.y) * target.1 as f32;
                    let left = d.drawn.left as f32 + dx.round();
                    let top = d.drawn.top as f32 + dy.round();
                    let (w, h) = (
                        d.drawn.pixmap.width() as f32,
                        d.drawn.pixmap.height() as f32,
                    );
                    let inside = left >= 0.0
                        && top >= 0.0
                        && left + w <= target.0 as f32
                        && top + h <= target.1 as f32;
                    inside.then_some((&d.drawn.pixmap, left as u32, top as u32))
                });
            match reused {
                Some((pixmap, left, top)) => composite_at(base, pixmap, left, top),
                None => {
                    if let Some(drawn) = self.draw(&layout, target.0, target.1) {
                        composite(base, &drawn);
                        self.drawn.retain(|d| d.key != key || d.target != target);
                        if self.drawn.len() >= DRAWN_CACHE {
                            self.drawn.remove(0);
                        }
                        self.drawn.push(DrawnLayer {
                            key,
                            zone: layout.zone,
                            target,
                            drawn,
                        });
                    }
                }
            }
            layouts.push(layout);
        }
        layouts
    }

    /// The captioned picture at full size. For animations the caption layer is drawn
    /// once and composited onto every frame.
    pub fn apply(&mut self, picture: &Picture, caption: &Caption) -> Picture {
        self.apply_remix(picture, &Remix::from(caption.clone()))
    }

    /// The remixed picture at full size: each layer drawn once, composited onto the
    /// still or onto every frame of an animation.
    pub fn apply_remix(&mut self, picture: &Picture, remix: &Remix) -> Picture {
        let (width, height) = picture.dimensions();
        let drawn = self.draw_remix(remix, width, height);
        if drawn.is_empty() {
            return picture.clone();
        }
        let paint = |image: &RgbaImage| {
            let mut out = image.clone();
            drawn.paint(&mut out);
            out
        };
        match picture {
            Picture::Still(image) => Picture::Still(paint(image)),
            Picture::Animation { frames, repeat } => Picture::Animation {
                frames: frames
                    .iter()
                    .map(|frame| Frame {
                        image: paint(&frame.image),
                        delay_ms: frame.delay_ms,
                    })
                    .collect(),
                repeat: *repeat,
            },
        }
    }

    /// Every layer of `remix` rasterized once for an asset of `width` x `height`, to be
    /// painted onto each frame: the glyphs are drawn once however long the animation.
    pub fn draw_remix(&mut self, remix: &Remix, width: u32, height: u32) -> DrawnRemix {
        let layers = self
            .layout_remix(remix, width, height)
            .iter()
            .filter_map(|layout| self.draw(layout, width, height))
            .collect();
        DrawnRemix {
            width,
            height,
            layers,
        }
    }
}

/// A remix's layers drawn at one size, premultiplied, each only as large as its ink:
/// what is composited onto a still or onto every frame of an animation.
pub struct DrawnRemix {
    width: u32,
    height: u32,
    layers: Vec<Drawn>,
}

impl DrawnRemix {
    /// The asset size the layers were laid out and drawn for.
    pub fn dimensions(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The drawn layers, bottom first, each placed in the asset.
    pub(crate) fn layers(&self) -> &[Drawn] {
        &self.layers
    }

    /// True when no layer has any ink (every text empty): painting changes nothing.
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Source-over of every layer, bottom first, onto `frame` (the asset at the size in
    /// [`DrawnRemix::dimensions`]).
    pub fn paint(&self, frame: &mut RgbaImage) {
        for layer in &self.layers {
            composite(frame, layer);
        }
    }
}

impl std::fmt::Debug for DrawnRemix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DrawnRemix")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("layers", &self.layers.len())
            .finish()
    }
}
