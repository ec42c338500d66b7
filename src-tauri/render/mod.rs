//! Pixels: decoding with limits, caption layout and rasterization, encoding.
//!
//! Layout happens in asset pixels; drawing takes a scale, so a preview at screen size and
//! the full-size export break lines at exactly the same places.

mod caption;
mod decode;
mod encode;
mod error;
mod fonts;
mod french;
mod picture;
mod preview;
mod remix;
mod text;

pub use caption::{Caption, Typesetter};
pub use decode::{decode_bytes, decode_file, probe_dimensions, Limits};
pub use encode::{encode, encode_still, encode_to_file, OutputFormat};
pub use error::Error;
pub use french::glue_punctuation;
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
    let picture = decode_file(input, limits)?;
    let captioned = typesetter.apply_remix(&picture, remix);
    encode_to_file(&captioned, format, output)
}
