//! Pixels: decoding with limits, caption layout and rasterization, encoding.
//!
//! Layout happens in asset pixels; drawing takes a scale, so a preview at screen size and
//! the full-size export break lines at exactly the same places.

mod caption;
mod decode;
mod encode;
mod error;
mod export;
pub mod fit;
mod fonts;
mod french;
pub mod gif;
mod jpeg;
mod kit_fonts;
mod picture;
mod png;
mod preview;
mod quantize;
mod remix;
mod strips;
mod text;

pub use caption::{DrawnRemix, Typesetter};
pub use decode::{decode_bytes, decode_file, probe_dimensions, Limits};
pub use encode::{encode, encode_still, encode_to_file, OutputFormat};
pub use error::Error;
pub use export::{decode_first_frame, export_drawn, render_drawn, verify_decodes, Decoding};
pub use french::glue_punctuation;
pub use jpeg::Unsupported as JpegUnsupported;
pub use kit_fonts::{check_font, KitFont};
pub use picture::{Frame, Picture, Repeat};
pub use preview::{fit, Preview, SharedPicture};
pub use remix::{Caption, Layer, Remix, ZoneRule};
pub use text::layout::{CaptionLayout, RelRect};
pub use text::style::{Align, Band, Face, Outline, Shadow, SizeRule, Style, Zone};

use std::path::Path;

use image::ImageFormat;

/// Renders one caption onto the image at `input` and writes the result to `output`,
/// choosing the format from the output's extension. Nothing is written on error.
pub fn render_file(
    typesetter: &mut Typesetter,
    input: &Path,
    caption: &Caption,
    output: &Path,
    limits: &Limits,
) -> Result<Decoding, Error> {
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
) -> Result<Decoding, Error> {
    let format = OutputFormat::from_path(output)?;
    render_file_as(typesetter, input, remix, output, format, limits)
}

/// As [`render_remix_file`] with an explicit format (a JPEG quality, say). The layers are
/// drawn once; a GIF too long to decode whole within `limits` is captioned frame by
/// frame (see [`export_drawn`], which the app's export calls too).
pub fn render_file_as(
    typesetter: &mut Typesetter,
    input: &Path,
    remix: &Remix,
    output: &Path,
    format: OutputFormat,
    limits: &Limits,
) -> Result<Decoding, Error> {
    let (bytes, name) = decode::read_file(input, limits)?;
    if let OutputFormat::Jpeg { quality } = format {
        // A JPEG's own header gives its size (the generic probe would copy the whole
        // file first), and the captions are drawn while its scan is read.
        if image::guess_format(&bytes).ok() == Some(ImageFormat::Jpeg) {
            let draw = |width, height| typesetter.draw_remix(remix, width, height);
            if let Some(encoded) = export::recaption_jpeg(&bytes, &name, quality, limits, draw) {
                encode::write_atomically(output, &encoded)?;
                return Ok(Decoding::Coefficients);
            }
        }
    }
    let (_, width, height) = probe_dimensions(&bytes, &name, limits)?;
    let drawn = typesetter.draw_remix(remix, width, height);
    export_drawn(&bytes, &name, &drawn, format, output, limits)
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
    export::recaption_jpeg_or_why(jpeg, quality, limits, |width, height| {
        typesetter.draw_remix(remix, width, height)
    })
}
