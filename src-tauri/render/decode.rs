use std::io::{Cursor, Read};
use std::path::Path;

use image::codecs::gif::GifDecoder;
use image::{AnimationDecoder, ImageDecoder, ImageFormat, ImageReader, RgbaImage};

use super::picture::{Frame, Picture, Repeat};
use super::Error;

/// Budgets that keep a hostile or accidental huge file from exhausting memory. Header
/// dimensions are checked before any pixel is allocated.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_pixels: u64,
    pub max_frames: usize,
    /// Decoded RGBA bytes across all frames of an animation.
    pub max_animation_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 200 * 1024 * 1024,
            // 12000 x 8333: a large print poster, well past any social network's limit.
            max_pixels: 100_000_000,
            max_frames: 1_000,
            max_animation_bytes: 1024 * 1024 * 1024,
        }
    }
}

pub fn decode_file(path: &Path, limits: &Limits) -> Result<Picture, Error> {
    let (bytes, name) = read_file(path, limits)?;
    decode_bytes(&bytes, &name, limits)
}

/// The file's bytes (within the byte budget) and the name errors should show.
pub(crate) fn read_file(path: &Path, limits: &Limits) -> Result<(Vec<u8>, String), Error> {
    Ok((read_bounded(path, limits)?, display_name(path)))
}

fn read_bounded(path: &Path, limits: &Limits) -> Result<Vec<u8>, Error> {
    let file = std::fs::File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound {
            path: path.to_path_buf(),
        },
        _ => Error::Read {
            path: path.to_path_buf(),
            source,
        },
    })?;
    // Sized from the metadata when there is some: growing by doubling would copy a large
    // poster several times over. Still read one byte past the budget, so an oversized
    // file is detected without trusting the metadata.
    let expected = file.metadata().map_or(0, |metadata| metadata.len());
    let mut bytes = Vec::with_capacity(expected.min(limits.max_file_bytes) as usize + 1);
    file.take(limits.max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Error::FileTooLarge {
            name: display_name(path),
            max_bytes: limits.max_file_bytes,
        });
    }
    Ok(bytes)
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Format and pixel size from the header alone, refusing anything over the pixel budget.
pub fn probe_dimensions(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
) -> Result<(ImageFormat, u32, u32), Error> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|error| corrupt(name, error))?;
    let format = match reader.format() {
        Some(
            format @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP),
        ) => format,
        _ => {
            return Err(Error::NotAnImage {
                name: name.to_owned(),
            })
        }
    };
    let (width, height) = reader
        .into_dimensions()
        .map_err(|error| decode_error(name, error))?;
    if width == 0 || height == 0 {
        return Err(Error::Corrupt {
            name: name.to_owned(),
            detail: "zero width or height".to_owned(),
        });
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(Error::TooLarge {
            name: name.to_owned(),
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    Ok((format, width, height))
}

pub fn decode_bytes(bytes: &[u8], name: &str, limits: &Limits) -> Result<Picture, Error> {
    if bytes.is_empty() {
        return Err(Error::NotAnImage {
            name: name.to_owned(),
        });
    }
    let (format, width, height) = probe_dimensions(bytes, name, limits)?;
    let frame_bytes = u64::from(width) * u64::from(height) * 4;
    let codec_limits = codec_limits(width, height);

    if format == ImageFormat::Gif {
        return decode_gif(bytes, name, limits, codec_limits, frame_bytes);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(codec_limits);
    let image = reader.decode().map_err(|error| decode_error(name, error))?;
    Ok(Picture::Still(image.to_rgba8()))
}

/// A JPEG decoded for a kit check: every warning the decoder would otherwise pass over
/// (entropy-coded data that ends early or is corrupt, a marker out of place) is an
/// error naming the file. The lenient decoder behind `decode_bytes` paints what it
/// cannot read grey, and a damaged poster must not reach hundreds of volunteers.
pub fn decode_jpeg_strict(bytes: &[u8], name: &str, limits: &Limits) -> Result<RgbaImage, Error> {
    let (format, width, height) = probe_dimensions(bytes, name, limits)?;
    if format != ImageFormat::Jpeg {
        return Err(Error::NotAnImage {
            name: name.to_owned(),
        });
    }
    let options = zune_core::options::DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(width as usize)
        .set_max_height(height as usize)
        .jpeg_set_out_colorspace(zune_core::colorspace::ColorSpace::RGBA);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(
        zune_core::bytestream::ZCursor::new(bytes),
        options,
    );
    let pixels = decoder.decode().map_err(|error| corrupt(name, error))?;
    let (width, height) = decoder
        .dimensions()
        .map(|(w, h)| (w as u32, h as u32))
        .unwrap_or((width, height));
    RgbaImage::from_raw(width, height, pixels).ok_or_else(|| Error::Corrupt {
        name: name.to_owned(),
        detail: "the decoder returned fewer pixels than the image has".to_owned(),
    })
}

fn decode_gif(
    bytes: &[u8],
    name: &str,
    limits: &Limits,
    codec_limits: image::Limits,
    frame_bytes: u64,
) -> Result<Picture, Error> {
    let repeat = gif_repeat(bytes);
    let too_long = || Error::AnimationTooLong {
        name: name.to_owned(),
        max_frames: limits.max_frames,
        max_bytes: limits.max_animation_bytes,
    };
    let mut frames = Vec::new();
    for frame in gif_frames(bytes, name, codec_limits)? {
        let frame = frame?;
        if frames.len() >= limits.max_frames
            || (frames.len() as u64 + 1).saturating_mul(frame_bytes) > limits.max_animation_bytes
        {
            return Err(too_long());
        }
        frames.push(frame);
    }
    match frames.len() {
        0 => Err(Error::Corrupt {
            name: name.to_owned(),
            detail: "the GIF has no frames".to_owned(),
        }),
        1 => Ok(Picture::Still(frames.remove(0).image)),
        _ => Ok(Picture::Animation { frames, repeat }),
    }
}

/// Frames one at a time, each fully composed: the `image` decoder applies disposal
/// (keep, restore to background inside the frame's rectangle, restore to previous) and
/// shows the canvas through transparent pixels. Only the canvas and the current frame
/// live in memory, so a long GIF can be streamed.
pub(crate) fn gif_frames<'a>(
    bytes: &'a [u8],
    name: &'a str,
    codec_limits: image::Limits,
) -> Result<impl Iterator<Item = Result<Frame, Error>> + 'a, Error> {
    let mut decoder =
        GifDecoder::new(Cursor::new(bytes)).map_err(|error| decode_error(name, error))?;
    decoder
        .set_limits(codec_limits)
        .map_err(|error| decode_error(name, error))?;
    Ok(decoder.into_frames().map(move |frame| {
        let frame = frame.map_err(|error| decode_error(name, error))?;
        let (numer, denom) = frame.delay().numer_denom_ms();
        let delay_ms = numer.checked_div(denom).unwrap_or(0);
        Ok(Frame {
            image: frame.into_buffer(),
            delay_ms,
        })
    }))
}

/// What a streamed GIF needs to know before its first frame is decoded: canvas size,
/// frame count (counted without decoding pixels) and loop count.
pub(crate) struct GifHeader {
    pub width: u32,
    pub height: u32,
    pub frames: usize,
    pub repeat: Repeat,
    pub codec_limits: image::Limits,
}

pub(crate) fn gif_header(bytes: &[u8], name: &str, limits: &Limits) -> Result<GifHeader, Error> {
    let (format, width, height) = probe_dimensions(bytes, name, limits)?;
    if format != ImageFormat::Gif {
        return Err(Error::NotAnImage {
            name: name.to_owned(),
        });
    }
    let mut options = gif::DecodeOptions::new();
    options.skip_frame_decoding(true);
    let mut decoder = options
        .read_info(Cursor::new(bytes))
        .map_err(|error| corrupt(name, error))?;
    let mut frames = 0;
    while decoder
        .read_next_frame()
        .map_err(|error| corrupt(name, error))?
        .is_some()
    {
        frames += 1;
        if frames > limits.max_frames {
            return Err(Error::AnimationTooLong {
                name: name.to_owned(),
                max_frames: limits.max_frames,
                max_bytes: limits.max_animation_bytes,
            });
        }
    }
    Ok(GifHeader {
        width,
        height,
        frames,
        repeat: gif_repeat(bytes),
        codec_limits: codec_limits(width, height),
    })
}

pub(crate) fn codec_limits(width: u32, height: u32) -> image::Limits {
    let frame_bytes = u64::from(width) * u64::from(height) * 4;
    let mut codec_limits = image::Limits::default();
    codec_limits.max_image_width = Some(width);
    codec_limits.max_image_height = Some(height);
    // Room for the decoder's own buffers on top of the RGBA result.
    codec_limits.max_alloc = Some(frame_bytes.saturating_mul(3).max(64 * 1024 * 1024));
    codec_limits
}

/// The loop count lives in the NETSCAPE extension, which `image` does not expose.
fn gif_repeat(bytes: &[u8]) -> Repeat {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    match options.read_info(Cursor::new(bytes)) {
        Ok(decoder) => match decoder.repeat() {
            gif::Repeat::Infinite => Repeat::Infinite,
            gif::Repeat::Finite(count) => Repeat::Finite(count),
        },
        Err(_) => Repeat::Infinite,
    }
}

fn corrupt(name: &str, error: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        name: name.to_owned(),
        detail: error.to_string(),
    }
}

/// A decoder that hits our allocation limits has met an image that lies about its size
/// (a frame larger than its canvas, say): that is a budget refusal, not damage.
fn decode_error(name: &str, error: image::ImageError) -> Error {
    match error {
        image::ImageError::Limits(_) => Error::OverBudget {
            name: name.to_owned(),
        },
        other => corrupt(name, other),
    }
}
