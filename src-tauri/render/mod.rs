//! Pixels: decoding with limits, caption layout and rasterization, encoding.
//!
//! Layout happens in asset pixels; drawing takes a scale, so a preview at screen size and
//! the full-size export break lines at exactly the same places.

mod caption;
mod decode;
mod encode;
mod error;
pub mod fit;
mod fonts;
mod french;
pub mod gif;
mod jpeg;
mod kit_fonts;
mod picture;
mod preview;
mod quantize;
mod remix;
mod text;

pub use caption::{Caption, Typesetter};
pub use decode::{decode_bytes, decode_file, probe_dimensions, Limits};
pub use encode::{encode, encode_still, encode_to_file, OutputFormat};
pub use error::Error;
pub use french::glue_punctuation;
pub use jpeg::Unsupported as JpegUnsupported;
pub use kit_fonts::{check_font, KitFont};
pub use picture::{Frame, Picture, Repeat};
pub use preview::{fit, Preview, SharedPicture};
pub use remix::{Layer, Remix, ZoneRule};
pub use text::layout::{CaptionLayout, RelRect};
pub use text::style::{Align, Band, Face, Outline, Shadow, SizeRule, Style, Zone};

use std::path::Path;

/// Renders one caption onto the image at `input` and writes the result to `output`,
/// choosing the format from the output's extension. Nothing is written on error.
pub fn render_file(
    typesetter: &mut Typesetter,
    input: &Path,
    caption: &Caption,
    output: &Path,
    limits: &Limits,
) -> Result<(), Error> {
    render_remix_file(
        typesetter,
        input,
        &Remix::from(caption.clone()),
        output,
        limits,
    )
}

/// Renders every layer of `remix` onto the image at `input` and writes the result to
/// `output`, choosing the format from the output's extension.
pub fn render_remix_file(
    typesetter: &mut Typesetter,
    input: &Path,
    remix: &Remix,
    output: &Path,
    limits: &Limits,
) -> Result<(), Error> {
    let format = OutputFormat::from_path(output)?;
    render_file_as(typesetter, input, remix, output, format, limits)
}

/// As [`render_remix_file`] with an explicit format (a JPEG quality, say). A GIF too
/// long to decode whole within `limits` is captioned frame by frame instead.
pub fn render_file_as(
    typesetter: &mut Typesetter,
    input: &Path,
    remix: &Remix,
    output: &Path,
    format: OutputFormat,
    limits: &Limits,
) -> Result<(), Error> {
    let (bytes, name) = decode::read_file(input, limits)?;
    let (source_format, width, height) = probe_dimensions(&bytes, &name, limits)?;
    if format == OutputFormat::Gif
        && source_format == image::ImageFormat::Gif
        && gif::needs_streaming(&bytes, &name, limits)?
    {
        // The captions drawn once on a transparent layer, composited onto each frame.
        let mut layer = image::RgbaImage::new(width, height);
        typesetter.draw_remix_onto(&mut layer, remix, width, height);
        let encoded = gif::caption_animation_streaming(&bytes, &name, Some(&layer), limits)?;
        return encode::write_atomically(output, &encoded);
    }
    if let (OutputFormat::Jpeg { quality }, image::ImageFormat::Jpeg) = (format, source_format) {
        match remix_jpeg(typesetter, &bytes, remix, quality, limits) {
            Ok(encoded) => return encode::write_atomically(output, &encoded),
            Err(reason) => tracing::debug!(
                "{name}: through pixels, the coefficient path does not take {reason}"
            ),
        }
    }
    let picture = decode_bytes(&bytes, &name, limits)?;
    let captioned = typesetter.apply_remix(&picture, remix);
    encode_to_file(&captioned, format, output)
}

/// A JPEG captioned without decoding the blocks the captions do not touch (see
/// `render/jpeg`). An unsupported or damaged file is refused here and must go through
/// [`decode_bytes`], which says what is wrong with it.
pub fn remix_jpeg(
    typesetter: &mut Typesetter,
    jpeg: &[u8],
    remix: &Remix,
    quality: u8,
    limits: &Limits,
) -> Result<Vec<u8>, JpegUnsupported> {
    let (width, height) = jpeg::dimensions(jpeg)?;
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(JpegUnsupported("an image over the pixel budget"));
    }
    let layers = typesetter.draw_layers(remix, width, height);
    jpeg::recaption(jpeg, &layers, quality)
}
