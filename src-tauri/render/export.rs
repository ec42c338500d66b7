//! From an asset's file to a captioned file: the one place that decides how much of an
//! animation is decoded at once, for the command line and the app alike.
//!
//! A GIF whose frames would not fit [`Limits::max_animation_bytes`] decoded together is
//! captioned frame by frame; an animation written to a still format is decoded up to its
//! first frame only; a JPEG written as JPEG keeps the coefficients of every block the
//! captions do not touch (see `jpeg`), unless its layout is one that path does not
//! read; anything else is decoded whole, captioned in place and encoded.

use std::borrow::Borrow;
use std::path::Path;

use image::{ImageFormat, RgbaImage};
use serde::Serialize;

use super::caption::DrawnRemix;
use super::decode::{codec_limits, decode_bytes, gif_frames, probe_dimensions, Limits};
use super::encode::{encode, encode_still, write_atomically, OutputFormat};
use super::picture::Picture;
use super::{gif, jpeg, Error};

/// How much of the source was held decoded: what bounded the render's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decoding {
    /// Every frame at once: a still, or an animation within the budget.
    Whole,
    /// The first frame only: the output format cannot animate.
    FirstFrame,
    /// One frame at a time: the animation is over the budget decoded whole.
    Streamed,
    /// Only the blocks under the captions: a JPEG's other blocks kept as coded.
    Coefficients,
}

/// The source file (`bytes`, shown as `name` in errors) with `drawn` painted on, encoded
/// as `format`, and how it was decoded. `drawn` must have been drawn at the source's size.
pub fn render_drawn(
    bytes: &[u8],
    name: &str,
    drawn: &DrawnRemix,
    format: OutputFormat,
    limits: &Limits,
) -> Result<(Vec<u8>, Decoding), Error> {
    let (source, width, height) = probe_dimensions(bytes, name, limits)?;
    if drawn.dimensions() != (width, height) {
        let (w, h) = drawn.dimensions();
        return Err(Error::Encode {
            format: format.name(),
            detail: format!("the captions were drawn for {w}x{h}, but {name} is {width}x{height}"),
        });
    }
    if source == ImageFormat::Gif && format != OutputFormat::Gif {
        let mut first = decode_first_frame(bytes, name, limits)?;
        drawn.paint(&mut first);
        return Ok((encode_still(&first, format)?, Decoding::FirstFrame));
    }
    if let (ImageFormat::Jpeg, OutputFormat::Jpeg { quality }) = (source, format) {
        if let Some(encoded) = recaption_jpeg(bytes, name, quality, limits, |_, _| drawn) {
            return Ok((encoded, Decoding::Coefficients));
        }
    }
    if source == ImageFormat::Gif && gif::needs_streaming(bytes, name, limits)? {
        let encoded =
            gif::caption_animation_streaming(bytes, name, |frame| drawn.paint(frame), limits)?;
        return Ok((encoded, Decoding::Streamed));
    }
    let mut picture = decode_bytes(bytes, name, limits)?;
    // In place: a copy of every frame would double the memory of a long animation.
    match &mut picture {
        Picture::Still(image) => drawn.paint(image),
        Picture::Animation { frames, .. } => {
            for frame in frames.iter_mut() {
                drawn.paint(&mut frame.image);
            }
        }
    }
    Ok((encode(&picture, format)?, Decoding::Whole))
}

/// A JPEG captioned on its coefficients (see `jpeg`), or `None` when its layout is one
/// that path does not read, or it is over the pixel budget, and it must go through
/// pixels, which also say what is wrong with a damaged file. `draw` gets the JPEG's size
/// and runs while the scan is decoded.
pub(crate) fn recaption_jpeg<D: Borrow<DrawnRemix>>(
    bytes: &[u8],
    name: &str,
    quality: u8,
    limits: &Limits,
    draw: impl FnOnce(u32, u32) -> D,
) -> Option<Vec<u8>> {
    match recaption_jpeg_or_why(bytes, quality, limits, draw) {
        Ok(encoded) => Some(encoded),
        Err(reason) => {
            tracing::debug!("{name} goes through pixels: {reason}");
            None
        }
    }
}

/// As [`recaption_jpeg`], saying why a JPEG cannot take the coefficient path.
pub(crate) fn recaption_jpeg_or_why<D: Borrow<DrawnRemix>>(
    bytes: &[u8],
    quality: u8,
    limits: &Limits,
    draw: impl FnOnce(u32, u32) -> D,
) -> Result<Vec<u8>, jpeg::Unsupported> {
    let jpeg = jpeg::Source::read(bytes)?;
    let (width, height) = jpeg.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(jpeg::Unsupported("an image over the pixel budget"));
    }
    jpeg.recaption(quality, || draw(width, height))
}

/// As [`render_drawn`], written to `output` through a temporary file renamed into place:
/// nothing is left behind on error.
pub fn export_drawn(
    bytes: &[u8],
    name: &str,
    drawn: &DrawnRemix,
    format: OutputFormat,
    output: &Path,
    limits: &Limits,
) -> Result<Decoding, Error> {
    let (encoded, decoding) = render_drawn(bytes, name, drawn, format, limits)?;
    write_atomically(output, &encoded)?;
    Ok(decoding)
}

/// The first frame of any supported image (the image itself for a still), without
/// decoding the rest of an animation however long it is.
pub fn decode_first_frame(bytes: &[u8], name: &str, limits: &Limits) -> Result<RgbaImage, Error> {
    let (format, width, height) = probe_dimensions(bytes, name, limits)?;
    if format != ImageFormat::Gif {
        let first = match decode_bytes(bytes, name, limits)? {
            Picture::Still(image) => Some(image),
            Picture::Animation { frames, .. } => frames.into_iter().next().map(|f| f.image),
        };
        return first.ok_or_else(|| no_frames(name));
    }
    match gif_frames(bytes, name, codec_limits(width, height))?.next() {
        Some(frame) => Ok(frame?.image),
        None => Err(no_frames(name)),
    }
}

/// Decodes every frame of the file once, one at a time, keeping only the first: proof
/// that it renders within `limits` (streamed if it is long) without holding it whole.
/// A JPEG is decoded strictly: what the lenient decoder would paint grey is an error.
/// Returns the first frame and the frame count. The kit build and the import both check
/// with it, so a kit that builds is a kit that imports.
pub fn verify_decodes(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
) -> Result<(RgbaImage, usize), Error> {
    let (format, _, _) = probe_dimensions(bytes, name, limits)?;
    match format {
        ImageFormat::Gif => gif::check_frames(bytes, name, limits),
        ImageFormat::Jpeg => Ok((super::decode::decode_jpeg_strict(bytes, name, limits)?, 1)),
        _ => Ok((decode_first_frame(bytes, name, limits)?, 1)),
    }
}

fn no_frames(name: &str) -> Error {
    Error::Corrupt {
        name: name.to_owned(),
        detail: "the file has no frames".to_owned(),
    }
}
