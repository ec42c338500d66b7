use image::imageops::FilterType;
use image::RgbaImage;

use crate::render::{encode_still, OutputFormat};

/// Longest side of a library thumbnail: sharp on a HiDPI grid card, small on disk.
pub const THUMBNAIL_SIDE: u32 = 480;

/// A JPEG of an asset's first frame, fitted into THUMBNAIL_SIDE.
pub fn make(first: &RgbaImage) -> Result<Vec<u8>, crate::render::Error> {
    let (width, height) = first.dimensions();
    let scale = (THUMBNAIL_SIDE as f32 / width.max(height) as f32).min(1.0);
    let target = (
        ((width as f32 * scale).round() as u32).max(1),
        ((height as f32 * scale).round() as u32).max(1),
    );
    let small = image::imageops::resize(first, target.0, target.1, FilterType::Triangle);
    encode_still(&small, OutputFormat::Jpeg { quality: 82 })
}
