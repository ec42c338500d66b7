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
pub mod gif;
mod picture;
mod preview;
mod quantize;

pub use caption::{Align, Caption, CaptionLayout, Face, Outline, Style, Typesetter, Zone};
pub use decode::{decode_bytes, decode_file, probe_dimensions, Limits};
pub use encode::{encode, encode_still, encode_to_file, OutputFormat};
pub use error::Error;
pub use picture::{Frame, Picture, Repeat};
pub use preview::{fit, Preview, SharedPicture};

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
    let format = OutputFormat::from_path(output)?;
    let picture = decode_file(input, limits)?;
    let captioned = typesetter.apply(&picture, caption);
    encode_to_file(&captioned, format, output)
}
