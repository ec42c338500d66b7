//! Captioning a GIF too long to hold decoded in memory: decode, composite, quantize and
//! encode one frame at a time. The file is decoded twice (once to sample colours for the
//! palette, once to encode), which costs time, never memory.

use image::RgbaImage;

use super::{has_transparency, sample_stride, GifWriter, COLORS};
use crate::render::decode::{gif_frames, gif_header, GifHeader, Limits};
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

/// Paints every frame of the GIF in `bytes` with `paint` (the remix's layers, drawn once
/// by the typesetter) and encodes the result, never holding more than one decoded frame.
/// `paint` runs twice per frame: once while sampling colours, once while encoding.
pub fn caption_animation_streaming(
    bytes: &[u8],
    name: &str,
    mut paint: impl FnMut(&mut RgbaImage),
    limits: &Limits,
) -> Result<Vec<u8>, Error> {
    let header = streamable_header(bytes, name, limits)?;
    let stride = sample_stride(header.width, header.height, header.frames);
    let mut histogram = Histogram::new();
    let mut transparent = false;
    for frame in gif_frames(bytes, name, header.codec_limits.clone())? {
        let mut image = frame?.image;
        paint(&mut image);
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
        paint(&mut image);
        writer.push(&image, frame.delay_ms)?;
    }
    writer.finish()
}

/// Decodes every frame one at a time, as [`caption_animation_streaming`] would, and
/// keeps only the first: proof that the whole file decodes within `limits`, without
/// the memory of holding it. Returns the first frame and the frame count.
pub fn check_frames(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
) -> Result<(RgbaImage, usize), Error> {
    let header = streamable_header(bytes, name, limits)?;
    let mut first = None;
    let mut count = 0;
    for frame in gif_frames(bytes, name, header.codec_limits)? {
        let frame = frame?;
        count += 1;
        first.get_or_insert(frame.image);
    }
    let first = first.ok_or_else(|| Error::Corrupt {
        name: name.to_owned(),
        detail: "the GIF has no frames".to_owned(),
    })?;
    Ok((first, count))
}

/// The header of a GIF that can be streamed within `limits`: a few frames' worth of
/// working buffers must fit the animation budget, and the frame count its limit.
fn streamable_header(bytes: &[u8], name: &str, limits: &Limits) -> Result<GifHeader, Error> {
    let header = gif_header(bytes, name, limits)?;
    let frame_bytes = u64::from(header.width) * u64::from(header.height) * 4;
    if frame_bytes.saturating_mul(WORKING_FRAMES) > limits.max_animation_bytes {
        return Err(Error::OverBudget {
            name: name.to_owned(),
        });
    }
    Ok(header)
}
