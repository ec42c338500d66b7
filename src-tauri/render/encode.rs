use std::io::Write;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
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
            PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
                .write_image(image.as_raw(), width, height, ExtendedColorType::Rgba8)
        }
        OutputFormat::Jpeg { quality } => {
            let flat = flatten_on_white(image);
            JpegEncoder::new_with_quality(&mut out, quality).write_image(
                flat.as_raw(),
                width,
                height,
                ExtendedColorType::Rgb8,
            )
        }
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

/// JPEG has no alpha: composite over white (what a transparent poster looks like on
/// every network's light theme) instead of letting transparent pixels turn black.
fn flatten_on_white(image: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let [r, g, b, a] = image.get_pixel(x, y).0;
        let blend = |c: u8| -> u8 {
            let a = u32::from(a);
            ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
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
