//! R1: a bridge until the caption engine's `Remix` lands. The editor already sends R1's
//! JSON shape (`{layers: [{text, zone, style, locked}]}`); here each layer becomes
//! today's `Caption` and is drawn in a loop. After the merge: delete this file, take
//! `crate::render::Remix` in the commands and call `Preview::render_remix` /
//! `Typesetter::apply_remix`.

use image::imageops::FilterType;
use image::RgbaImage;
use serde::Deserialize;

use crate::render::{encode_still, fit, Caption, OutputFormat, Picture, Style, Typesetter, Zone};

#[derive(Debug, Clone, Deserialize)]
pub struct Remix {
    #[serde(default)]
    pub layers: Vec<Layer>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Layer {
    #[serde(default)]
    pub text: String,
    pub zone: Zone,
    #[serde(default)]
    pub style: Style,
    #[serde(default)]
    pub locked: bool,
}

impl Remix {
    // R1: `Remix` replaces this conversion.
    fn captions(&self) -> impl Iterator<Item = Caption> + '_ {
        self.layers
            .iter()
            .filter(|layer| !layer.text.trim().is_empty())
            .map(|layer| Caption {
                text: layer.text.clone(),
                zone: layer.zone,
                style: layer.style.clone(),
            })
    }

    /// Every layer at full size (animations: each layer composited onto every frame).
    pub fn apply(&self, typesetter: &mut Typesetter, picture: &Picture) -> Picture {
        self.captions().fold(picture.clone(), |done, caption| {
            typesetter.apply(&done, &caption)
        })
    }
}

/// The asset scaled to the preview box, kept between renders so a drag costs only the
/// text. R1: replaced by `Preview::render_remix`.
#[derive(Default)]
pub struct Screen {
    base: Option<(String, u32, u32, RgbaImage)>,
}

impl Screen {
    pub fn render(
        &mut self,
        typesetter: &mut Typesetter,
        sha256: &str,
        picture: &Picture,
        remix: &Remix,
        max_width: u32,
        max_height: u32,
    ) -> Result<Vec<u8>, crate::render::Error> {
        let (asset_width, asset_height) = picture.dimensions();
        let (width, height) = fit(asset_width, asset_height, max_width, max_height);
        let cached = matches!(&self.base, Some((sha, w, h, _)) if sha == sha256 && *w == width && *h == height);
        if !cached {
            let image = if (width, height) == (asset_width, asset_height) {
                picture.first_frame().clone()
            } else {
                image::imageops::resize(picture.first_frame(), width, height, FilterType::Triangle)
            };
            self.base = Some((sha256.to_owned(), width, height, image));
        }
        let mut frame = match &self.base {
            Some((_, _, _, image)) => image.clone(),
            None => RgbaImage::new(width, height),
        };
        for caption in remix.captions() {
            typesetter.draw_onto(&mut frame, &caption, asset_width, asset_height);
        }
        encode_still(&frame, OutputFormat::Jpeg { quality: 85 })
    }
}
