//! The editor's preview: the decoded asset's screen-size copy stays in memory, so each
//! keystroke or drag costs one layout (none when only the position changed), the layers
//! drawn at screen size, and one small JPEG.

use std::sync::Arc;

use image::imageops::FilterType;
use image::RgbaImage;

use super::{encode_still, Caption, Error, OutputFormat, Picture, Remix, Typesetter};

/// Preview JPEG quality: the image is redrawn at every drag step, and at screen size the
/// difference with higher qualities is not visible.
const PREVIEW_QUALITY: u8 = 80;

/// What identifies the pixels a preview starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BaseKey {
    sha256: String,
    width: u32,
    height: u32,
}

#[derive(Default)]
pub struct Preview {
    base: Option<(BaseKey, RgbaImage)>,
    /// Reused between renders so a drag step allocates no frame.
    frame: Option<RgbaImage>,
}

impl Preview {
    /// A JPEG of `picture` (whose bytes hash to `sha256`) fitted into `max_width` x
    /// `max_height`, with the caption laid out at full size and drawn at preview size.
    pub fn render(
        &mut self,
        typesetter: &mut Typesetter,
        sha256: &str,
        picture: &Picture,
        caption: &Caption,
        max_width: u32,
        max_height: u32,
    ) -> Result<Vec<u8>, Error> {
        let remix = Remix::from(caption.clone());
        self.render_remix(typesetter, sha256, picture, &remix, max_width, max_height)
    }

    /// A JPEG of `picture` with every layer of `remix`, fitted into `max_width` x
    /// `max_height`; layers are laid out in asset pixels so lines break as in the export.
    pub fn render_remix(
        &mut self,
        typesetter: &mut Typesetter,
        sha256: &str,
        picture: &Picture,
        remix: &Remix,
        max_width: u32,
        max_height: u32,
    ) -> Result<Vec<u8>, Error> {
        let frame = self.frame_remix(typesetter, sha256, picture, remix, max_width, max_height);
        encode_still(
            frame,
            OutputFormat::Jpeg {
                quality: PREVIEW_QUALITY,
            },
        )
    }

    /// The preview frame before encoding: the cached screen-size base with the layers.
    pub fn frame_remix(
        &mut self,
        typesetter: &mut Typesetter,
        sha256: &str,
        picture: &Picture,
        remix: &Remix,
        max_width: u32,
        max_height: u32,
    ) -> &RgbaImage {
        let (asset_width, asset_height) = picture.dimensions();
        let (width, height) = fit(asset_width, asset_height, max_width, max_height);
        let key = BaseKey {
            sha256: sha256.to_owned(),
            width,
            height,
        };
        let base = match &self.base {
            Some((cached, image)) if *cached == key => image,
            _ => {
                let image = if (width, height) == (asset_width, asset_height) {
                    picture.first_frame().clone()
                } else {
                    image::imageops::resize(
                        picture.first_frame(),
                        width,
                        height,
                        FilterType::Triangle,
                    )
                };
                &self.base.insert((key, image)).1
            }
        };
        let reusable = matches!(&self.frame, Some(f) if f.dimensions() == base.dimensions());
        if !reusable {
            self.frame = None;
        }
        let frame = self.frame.get_or_insert_with(|| base.clone());
        if reusable {
            frame.copy_from_slice(base);
        }
        typesetter.draw_remix_onto(frame, remix, asset_width, asset_height);
        frame
    }
}

/// The largest size with the asset's aspect ratio inside the box, never upscaled.
pub fn fit(width: u32, height: u32, max_width: u32, max_height: u32) -> (u32, u32) {
    let max_width = max_width.clamp(16, 8192);
    let max_height = max_height.clamp(16, 8192);
    let scale = (max_width as f64 / width as f64)
        .min(max_height as f64 / height as f64)
        .min(1.0);
    (
        ((width as f64 * scale).round() as u32).max(1),
        ((height as f64 * scale).round() as u32).max(1),
    )
}

/// A decoded asset shared between the preview and the export.
pub type SharedPicture = Arc<Picture>;
