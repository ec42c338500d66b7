use std::io::Write;
use std::path::Path;

use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage, RgbaImage};

use super::picture::Picture;
use super::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum OutputFormat {
    Png,
    Jpeg { quality: u8 },
    Gif,
    WebP,
}

impl OutputFormat {
    pub const DEFAULT_JPEG_QUALITY: u8 = 90;

    pub fn from_path(path: &Path) -> Result<Self, Error> {
        let extension = path
            .extension()
            .map(|ext| ext.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("png") => Ok(Self::Png),
            Some("jpg" | "jpeg") => Ok(Self::Jpeg {
                quality: Self::DEFAULT_JPEG_QUALITY,
            }),
            Some("gif") => Ok(Self::Gif),
            Some("webp") => Ok(Self::WebP),
            _ => Err(Error::UnsupportedOutput {
                path: path.to_path_buf(),
            }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Png => "PNG",
            Self::Jpeg { .. } => "JPEG",
            Self::Gif => "GIF",
            Self::WebP => "WebP",
        }
    }
}

/// Encodes a picture. Only GIF keeps animation; other formats take the first frame.
/// Nothing but pixels is written: no EXIF, no text chunks.
pub fn encode(picture: &Picture, format: OutputFormat) -> Result<Vec<u8>, Error> {
    match (picture, format) {
        (Picture::Animation { frames, repeat }, OutputFormat::Gif) => {
            super::gif::encode_frames(frames, *repeat)
        }
        _ => encode_still(picture.first_frame(), format),
    }
}

pub fn encode_still(image: &RgbaImage, format: OutputFormat) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let (width, height) = image.dimensions();
    let result = match format {
        OutputFormat::Png => {
            // An opaque image is written as RGB: a quarter fewer bytes to compress.
            return if is_opaque(image) {
                let rgb: Vec<u8> = image
                    .as_raw()
                    .chunks_exact(4)
                    .flat_map(|p| [p[0], p[1], p[2]])
                    .collect();
                super::png::encode(&rgb, width, height, 3)
            } else {
                super::png::encode(image.as_raw(), width, height, 4)
            };
        }
        OutputFormat::Jpeg { quality } => return encode_jpeg(image, quality),
        OutputFormat::Gif => return super::gif::encode_image(image),
        OutputFormat::WebP => WebPEncoder::new_lossless(&mut out).write_image(
            image.as_raw(),
            width,
            height,
            ExtendedColorType::Rgba8,
        ),
    };
    result.map_err(|error| encode_error(format, error))?;
    Ok(out)
}

/// 4:2:0 chroma like every camera and photo tool.
/// Only the JFIF header is written: no EXIF, no ICC profile (pixels are sRGB).
fn encode_jpeg(image: &RgbaImage, quality: u8) -> Result<Vec<u8>, Error> {
    let format = OutputFormat::Jpeg { quality };
    let (width, height) = image.dimensions();
    let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
        return Err(encode_error(
            format,
            format!("{width}x{height} is larger than JPEG allows (65535 pixels a side)"),
        ));
    };
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    // No optimized Huffman tables: with them jpeg-encoder 0.7.1 wrote files that the
    // image crate decodes with wrong colours.
    let result = if is_opaque(image) {
        encoder.encode(image.as_raw(), w, h, jpeg_encoder::ColorType::Rgba)
    } else {
        let flat = flatten_on_white(image);
        encoder.encode(flat.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
    };
    result.map_err(|error| encode_error(format, error))?;
    Ok(out)
}

fn is_opaque(image: &RgbaImage) -> bool {
    image.as_raw().chunks_exact(4).all(|p| p[3] == 255)
}

/// JPEG has no alpha: composite over white (what a transparent poster looks like on
/// every network's light theme) instead of letting transparent pixels turn black.
fn flatten_on_white(image: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let [r, g, b, a] = image.get_pixel(x, y).0;
        image::Rgb([over_white(r, a), over_white(g, a), over_white(b, a)])
    })
}

/// One straight-alpha channel composited onto white, rounded.
pub(crate) fn over_white(channel: u8, alpha: u8) -> u8 {
    let alpha = u32::from(alpha);
    ((u32::from(channel) * alpha + 255 * (255 - alpha) + 127) / 255) as u8
}

fn encode_error(format: OutputFormat, error: impl std::fmt::Display) -> Error {
    Error::Encode {
        format: format.name(),
        detail: error.to_string(),
    }
}

/// Encodes then writes through a temporary file in the same folder, renamed into place
/// only when complete: a full disk or a crash never leaves half an image behind.
pub fn encode_to_file(picture: &Picture, format: OutputFormat, path: &Path) -> Result<(), Error> {
    let bytes = encode(picture, format)?;
    write_atomically(path, &bytes)
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let write_error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".relais-").suffix(".part");
    // tempfile creates 0600 files; an exported image is an ordinary document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut temp = builder.tempfile_in(folder).map_err(write_error)?;
    temp.write_all(bytes).map_err(write_error)?;
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(path)
        .map_err(|error| write_error(error.error))?;
    Ok(())
}
