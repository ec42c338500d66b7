//! The editor's preview: the decoded asset's screen-size copy stays in memory, so each
//! keystroke or drag costs one layout (none when only the position changed), the layers
//! drawn at screen size, and one small JPEG.

use std::sync::Arc;

use image::imageops::FilterType;
use image::RgbaImage;

use super::encode::over_white;
use super::{Caption, Error, Picture, Remix, Typesetter};

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
        encode_preview(frame)
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
                let mut image = if (width, height) == (asset_width, asset_height) {
                    picture.first_frame().clone()
                } else {
                    image::imageops::resize(
                        picture.first_frame(),
                        width,
                        height,
                        FilterType::Triangle,
                    )
                };
                // Flattened once here, so each drag step encodes the frame as it is.
                flatten_on_white(&mut image);
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
        typesetter.draw_remix_preview(frame, remix, asset_width, asset_height);
        frame
    }
}

/// JPEG has no alpha: what a transparent asset looks like on a white page.
fn flatten_on_white(image: &mut RgbaImage) {
    for pixel in image.pixels_mut() {
        let [r, g, b, a] = pixel.0;
        if a == 255 {
            continue;
        }
        pixel.0 = [over_white(r, a), over_white(g, a), over_white(b, a), 255];
    }
}

/// The preview's JPEG: jpeg-encoder (SIMD) is several times faster than the image
/// crate's encoder, and a drag step is dominated by this encode.
fn encode_preview(frame: &RgbaImage) -> Result<Vec<u8>, Error> {
    let (width, height) = frame.dimensions();
    let too_large = |_| Error::Encode {
        format: "JPEG",
        detail: format!("{width}x{height} is too large for a preview"),
    };
    let (w, h) = (
        u16::try_from(width).map_err(too_large)?,
        u16::try_from(height).map_err(too_large)?,
    );
    let mut out = Vec::with_capacity((width * height / 4) as usize);
    jpeg_encoder::Encoder::new(&mut out, PREVIEW_QUALITY)
        .encode(frame.as_raw(), w, h, jpeg_encoder::ColorType::Rgba)
        .map_err(|error| Error::Encode {
            format: "JPEG",
            detail: error.to_string(),
        })?;
    Ok(out)
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

/// A decoded asset shared between the editor's commands (the app keeps only the first
/// frame: an export decodes the file again, a long GIF frame by frame).
pub type SharedPicture = Arc<Picture>;
