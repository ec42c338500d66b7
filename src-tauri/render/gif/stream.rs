//! Captioning a GIF too long to hold decoded in memory: decode, composite, quantize and
//! encode one frame at a time. The file is decoded twice (once to sample colours for the
//! palette, once to encode), which costs time, never memory.

use image::RgbaImage;

use super::{has_transparency, sample_stride, GifWriter, COLORS};
use crate::render::decode::{gif_frames, gif_header, Limits};
use crate::render::quantize::Histogram;
use crate::render::Error;

/// Buffers alive at once while streaming: decoder canvas, decoded frame, screen and index
/// maps (a quarter each), plus slack for the decoder.
const WORKING_FRAMES: u64 = 4;

/// True when decoding every frame at once would exceed `limits.max_animation_bytes`:
/// the caller should use [`caption_animation_streaming`] instead of decoding.
pub fn needs_streaming(bytes: &[u8], name: &str, limits: &Limits) -> Result<bool, Error> {
    let header = gif_header(bytes, name, limits)?;
    let frame_bytes = u64::from(header.width) * u64::from(header.height) * 4;
    Ok(frame_bytes.saturating_mul(header.frames as u64) > limits.max_animation_bytes)
}

/// Draws `layer` (a caption layer the size of the canvas, straight alpha, drawn once by
/// the typesetter) over every frame of the GIF in `bytes` and encodes the result, never
/// holding more than one decoded frame.
pub fn caption_animation_streaming(
    bytes: &[u8],
    name: &str,
    layer: Option<&RgbaImage>,
    limits: &Limits,
) -> Result<Vec<u8>, Error> {
    let header = gif_header(bytes, name, limits)?;
    let frame_bytes = u64::from(header.width) * u64::from(header.height) * 4;
    if frame_bytes.saturating_mul(WORKING_FRAMES) > limits.max_animation_bytes {
        return Err(Error::OverBudget {
            name: name.to_owned(),
        });
    }
    if let Some(layer) = layer {
        if layer.dimensions() != (header.width, header.height) {
            return Err(Error::Encode {
                format: "GIF",
                detail: "the caption layer is not the size of the animation".to_owned(),
            });
        }
    }
    let ink = layer.and_then(ink_box);

    let stride = sample_stride(header.width, header.height, header.frames);
    let mut histogram = Histogram::new();
    let mut transparent = false;
    for frame in gif_frames(bytes, name, header.codec_limits.clone())? {
        let mut image = frame?.image;
        if let (Some(layer), Some(ink)) = (layer, ink) {
            composite_layer(&mut image, layer, ink);
        }
        histogram.add(&image, stride);
        transparent = transparent || has_transparency(&image);
    }

    let mut writer = GifWriter::new(
        header.width,
        header.height,
        histogram.palette(COLORS),
        header.repeat,
        transparent,
    )?;
    for frame in gif_frames(bytes, name, header.codec_limits)? {
        let frame = frame?;
        let mut image = frame.image;
        if let (Some(layer), Some(ink)) = (layer, ink) {
            composite_layer(&mut image, layer, ink);
        }
        writer.push(&image, frame.delay_ms)?;
    }
    writer.finish()
}

/// The rectangle (x0, y0, x1, y1) holding every non-transparent pixel of `layer`.
pub(crate) fn ink_box(layer: &RgbaImage) -> Option<(u32, u32, u32, u32)> {
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    for (x, y, pixel) in layer.enumerate_pixels() {
        if pixel[3] > 0 {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x + 1);
            y1 = y1.max(y + 1);
        }
    }
    (x1 > 0).then_some((x0, y0, x1, y1))
}

/// Source-over of a straight-alpha layer onto a straight-alpha frame, inside `ink` only.
pub(crate) fn composite_layer(
    target: &mut RgbaImage,
    layer: &RgbaImage,
    ink: (u32, u32, u32, u32),
) {
    let (x0, y0, x1, y1) = ink;
    for y in y0..y1.min(target.height()) {
        for x in x0..x1.min(target.width()) {
            let [sr, sg, sb, sa] = layer.get_pixel(x, y).0;
            if sa == 0 {
                continue;
            }
            let d = target.get_pixel_mut(x, y);
            if sa == 255 {
                d.0 = [sr, sg, sb, 255];
                continue;
            }
            let [dr, dg, db, da] = d.0;
            let sa = u32::from(sa);
            let da = u32::from(da);
            let inv = 255 - sa;
            // Work premultiplied (x 255), then back to straight alpha.
            let out_a = sa * 255 + da * inv;
            let channel = |s: u8, d: u8| -> u8 {
                let premul = u32::from(s) * sa * 255 + u32::from(d) * da * inv;
                ((premul + out_a / 2) / out_a).min(255) as u8
            };
            d.0 = [
                channel(sr, dr),
                channel(sg, dg),
                channel(sb, db),
                ((out_a + 127) / 255).min(255) as u8,
            ];
        }
    }
}
