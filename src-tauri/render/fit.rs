//! Fit for network: the best file a target accepts, changing as little as possible, and
//! the list of what was changed so the UI can say it.
//!
//! Order of resort for a still: keep the format and size; lower JPEG quality (never below
//! [`JPEG_QUALITY_FLOOR`]); turn an opaque lossless still into JPEG; downscale (binary
//! search on the scale).
//!
//! An animation stays animated wherever the target plays GIFs: it is downscaled as
//! little as needed, and every other frame is dropped (delays merged, so it lasts as
//! long) only when that keeps it clearly larger than downscaling alone would. If even the
//! smallest size Relais allows does not fit, fitting fails with [`Error::AnimationTooBig`]
//! rather than posting a still the volunteer did not choose. It becomes its first frame
//! only where the target cannot show animation, or when the caller asks for that with
//! [`fit_first_frame`] (the UI's "post the first frame instead").

use image::imageops::FilterType;
use image::RgbaImage;
use serde::Serialize;

use super::encode::{encode, encode_still, OutputFormat};
use super::picture::{Frame, Picture, Repeat};
use crate::networks::{MediaFormat, Network, TargetLimits};

/// Below this JPEG quality artefacts show on text; downscaling looks better.
pub const JPEG_QUALITY_FLOOR: u8 = 70;
/// Nobody wants a smaller image than this on a timeline.
pub const MIN_SIDE: u32 = 64;
const SCALE_STEPS: usize = 7;
/// Keeping every frame is preferred down to this fraction of the largest allowed size;
/// below it, dropping every other frame is tried.
const THIN_BELOW_SCALE: f64 = 0.5;
/// Dropping frames is worth it only if the animation comes out this much wider.
const THIN_MIN_GAIN: f64 = 1.25;
/// Fewer frames than this are not thinned: what is left would flicker, not move.
const THIN_MIN_FRAMES: usize = 4;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Render(#[from] super::Error),
    #[error("the image is {ratio:.1} times longer than it is wide, and this network accepts at most {max}:1. Crop it before posting.")]
    TooElongated { ratio: f64, max: f64 },
    #[error(
        "this network accepts none of the image formats Relais writes (PNG, JPEG, GIF, WebP)."
    )]
    NoFormat,
    #[error("even reduced to {width}x{height} the image takes {bytes} bytes, over this network's limit of {max_bytes} bytes. Choose a simpler or smaller image.")]
    TooBig {
        width: u32,
        height: u32,
        bytes: u64,
        max_bytes: u64,
    },
    #[error("{network} plays animated GIFs up to {limit}, and this one still takes {size} reduced to {width}x{height} with {frames} frames. Pick a shorter or smaller GIF, or post its first frame as a still image.", network = network.name(), size = sizes(*bytes, *max_bytes).0, limit = sizes(*bytes, *max_bytes).1)]
    AnimationTooBig {
        network: Network,
        width: u32,
        height: u32,
        frames: usize,
        bytes: u64,
        max_bytes: u64,
    },
}

/// What `fit_for` changed, in the order it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    Downscaled {
        from: [u32; 2],
        to: [u32; 2],
    },
    JpegQuality {
        quality: u8,
    },
    Converted {
        from: &'static str,
        to: &'static str,
    },
    AnimationToStill {
        frames: usize,
    },
    /// Every other frame dropped, each kept frame showing for its own delay plus the
    /// dropped one's: same duration, half the frames.
    FramesDropped {
        from: usize,
        to: usize,
    },
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Downscaled { from, to } => write!(
                f,
                "downscaled from {}x{} to {}x{}",
                from[0], from[1], to[0], to[1]
            ),
            Change::JpegQuality { quality } => write!(f, "JPEG quality {quality}"),
            Change::Converted { from, to } => write!(f, "converted from {from} to {to}"),
            Change::AnimationToStill { frames } => {
                write!(f, "animation ({frames} frames) → first frame")
            }
            Change::FramesDropped { from, to } => {
                write!(
                    f,
                    "every other frame dropped ({from} → {to} frames, same duration)"
                )
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Fitted {
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub format: OutputFormat,
    pub width: u32,
    pub height: u32,
    pub changes: Vec<Change>,
}

/// Fits with the format Relais would choose: GIF for an animation, PNG for a still with
/// transparency, JPEG for an opaque still.
pub fn fit_for(picture: &Picture, limits: &TargetLimits) -> Result<Fitted, Error> {
    let preferred = if picture.is_animated() {
        OutputFormat::Gif
    } else {
        still_format(picture.first_frame())
    };
    fit_as(picture, preferred, limits)
}

/// Fits keeping `preferred` (the source's format, say) whenever the target allows it.
/// `preferred` is for stills: an animation stays a GIF where the target plays animation
/// (or fails with [`Error::AnimationTooBig`]), and becomes a still only where it cannot.
pub fn fit_as(
    picture: &Picture,
    preferred: OutputFormat,
    limits: &TargetLimits,
) -> Result<Fitted, Error> {
    let scale = checked_scale(picture, limits)?;
    if let Picture::Animation { frames, repeat } = picture {
        if frames.len() > 1 && limits.animation && limits.accepts(MediaFormat::Gif) {
            return fit_animation(frames, *repeat, picture.dimensions(), limits, scale);
        }
    }
    fit_first_frame_at(picture, preferred, limits, scale)
}

/// The first frame of `picture` as a still fitted for the target, for when the
/// volunteer chooses to post a still instead of an animation that does not fit. A still
/// picture is fitted as [`fit_as`] would.
pub fn fit_first_frame(
    picture: &Picture,
    preferred: OutputFormat,
    limits: &TargetLimits,
) -> Result<Fitted, Error> {
    let scale = checked_scale(picture, limits)?;
    fit_first_frame_at(picture, preferred, limits, scale)
}

/// The geometric scale, once the shape has been checked.
fn checked_scale(picture: &Picture, limits: &TargetLimits) -> Result<f64, Error> {
    let (width, height) = picture.dimensions();
    if let Some(max) = limits.max_aspect_ratio {
        let ratio = f64::from(width.max(height)) / f64::from(width.min(height).max(1));
        if ratio > max {
            return Err(Error::TooElongated { ratio, max });
        }
    }
    Ok(geometric_scale(width, height, limits))
}

fn fit_first_frame_at(
    picture: &Picture,
    preferred: OutputFormat,
    limits: &TargetLimits,
    scale: f64,
) -> Result<Fitted, Error> {
    let mut changes = Vec::new();
    let mut preferred = preferred;
    if let Picture::Animation { frames, .. } = picture {
        if frames.len() > 1 {
            changes.push(Change::AnimationToStill {
                frames: frames.len(),
            });
        }
        if preferred == OutputFormat::Gif {
            preferred = still_format(picture.first_frame());
        }
    }
    fit_still(picture.first_frame(), preferred, limits, scale, changes)
}

/// The animation as a GIF under the target's animated byte limit: as large as fits with
/// every frame; with every other frame dropped when keeping them all would shrink it
/// below [`THIN_BELOW_SCALE`] and thinning buys at least [`THIN_MIN_GAIN`] in width.
fn fit_animation(
    frames: &[Frame],
    repeat: Repeat,
    (width, height): (u32, u32),
    limits: &TargetLimits,
    scale: f64,
) -> Result<Fitted, Error> {
    let max_bytes = limits.byte_limit(true);
    let search = |frames: &[Frame]| {
        largest_fitting(width, height, scale, max_bytes, |s| {
            encode_scaled(frames, repeat, width, height, s)
        })
    };
    let every = search(frames)?;
    let every_is_enough = every
        .as_ref()
        .is_some_and(|(_, w, _)| f64::from(*w) >= f64::from(width) * scale * THIN_BELOW_SCALE);
    let mut changes = Vec::new();
    let chosen = if every_is_enough || frames.len() < THIN_MIN_FRAMES {
        every
    } else {
        let thinned = every_other_frame(frames);
        let fewer = search(&thinned)?;
        let gain = match (&every, &fewer) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some((_, w_every, _)), Some((_, w_fewer, _))) => {
                f64::from(*w_fewer) >= f64::from(*w_every) * THIN_MIN_GAIN
            }
        };
        if gain {
            changes.push(Change::FramesDropped {
                from: frames.len(),
                to: thinned.len(),
            });
            fewer
        } else {
            every
        }
    };
    let Some((bytes, w, h)) = chosen else {
        // Report the smallest, thinnest try: what the volunteer would have to beat.
        let floor = min_scale(width, height).min(scale);
        let thinnest = if frames.len() >= THIN_MIN_FRAMES {
            every_other_frame(frames)
        } else {
            frames.to_vec()
        };
        let (bytes, w, h) = encode_scaled(&thinnest, repeat, width, height, floor)?;
        return Err(Error::AnimationTooBig {
            network: limits.network,
            width: w,
            height: h,
            frames: thinnest.len(),
            bytes: bytes.len() as u64,
            max_bytes,
        });
    };
    if (w, h) != (width, height) {
        changes.push(Change::Downscaled {
            from: [width, height],
            to: [w, h],
        });
    }
    Ok(Fitted {
        bytes,
        format: OutputFormat::Gif,
        width: w,
        height: h,
        changes,
    })
}

/// The frames resized to `scale` and encoded as one GIF.
fn encode_scaled(
    frames: &[Frame],
    repeat: Repeat,
    width: u32,
    height: u32,
    scale: f64,
) -> Result<(Vec<u8>, u32, u32), Error> {
    let (w, h) = scaled(width, height, scale);
    let scaled_frames: Vec<Frame> = frames
        .iter()
        .map(|frame| Frame {
            image: resize(&frame.image, w, h),
            delay_ms: frame.delay_ms,
        })
        .collect();
    let bytes = encode(
        &Picture::Animation {
            frames: scaled_frames,
            repeat,
        },
        OutputFormat::Gif,
    )?;
    Ok((bytes, w, h))
}

/// Frames 0, 2, 4, … each shown for its own delay plus the dropped next one's, so the
/// animation lasts exactly as long. Frames are fully composed, so any can be dropped.
fn every_other_frame(frames: &[Frame]) -> Vec<Frame> {
    frames
        .chunks(2)
        .map(|pair| Frame {
            image: pair[0].image.clone(),
            delay_ms: pair
                .iter()
                .fold(0u32, |total, frame| total.saturating_add(frame.delay_ms)),
        })
        .collect()
}

/// A file size and a limit as volunteers read them ("10.5 MB", "980 KB"), in exact
/// bytes when rounding would make them look equal.
fn sizes(size: u64, limit: u64) -> (String, String) {
    let (a, b) = (readable(size), readable(limit));
    if a == b {
        (format!("{size} bytes"), format!("{limit} bytes"))
    } else {
        (a, b)
    }
}

fn readable(bytes: u64) -> String {
    let trimmed = |value: f64| {
        let text = format!("{value:.1}");
        text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
    };
    if bytes >= 1_000_000 {
        format!("{} MB", trimmed(bytes as f64 / 1_000_000.0))
    } else if bytes >= 1_000 {
        format!("{} KB", trimmed(bytes as f64 / 1_000.0))
    } else {
        format!("{bytes} bytes")
    }
}

fn fit_still(
    image: &RgbaImage,
    preferred: OutputFormat,
    limits: &TargetLimits,
    scale: f64,
    mut changes: Vec<Change>,
) -> Result<Fitted, Error> {
    let (width, height) = image.dimensions();
    let max_bytes = limits.byte_limit(false);
    let opaque = is_opaque(image);
    let mut format = if limits.accepts(media(preferred)) {
        preferred
    } else {
        let fallback = accepted_still(limits, opaque).ok_or(Error::NoFormat)?;
        changes.push(converted(preferred, fallback));
        fallback
    };
    let (w0, h0) = scaled(width, height, scale);
    let base = resize(image, w0, h0);
    let done = |bytes: Vec<u8>, format, w, h, mut changes: Vec<Change>| {
        if (w, h) != (width, height) {
            changes.push(Change::Downscaled {
                from: [width, height],
                to: [w, h],
            });
        }
        Ok(Fitted {
            bytes,
            format,
            width: w,
            height: h,
            changes,
        })
    };
    if !matches!(format, OutputFormat::Jpeg { .. }) {
        let bytes = encode_still(&base, format)?;
        if bytes.len() as u64 <= max_bytes {
            return done(bytes, format, w0, h0, changes);
        }
        // A photo saved losslessly is mostly noise: JPEG keeps every pixel of size.
        if opaque && limits.accepts(MediaFormat::Jpeg) {
            let jpeg = OutputFormat::Jpeg {
                quality: OutputFormat::DEFAULT_JPEG_QUALITY,
            };
            changes.push(converted(format, jpeg));
            format = jpeg;
        } else {
            let attempt = |s: f64| -> Result<(Vec<u8>, u32, u32), Error> {
                let (w, h) = scaled(width, height, s);
                Ok((encode_still(&resize(image, w, h), format)?, w, h))
            };
            return match largest_fitting(width, height, scale, max_bytes, attempt)? {
                Some((bytes, w, h)) => done(bytes, format, w, h, changes),
                None => Err(too_big(width, height, image, format, max_bytes)?),
            };
        }
    }
    let OutputFormat::Jpeg { quality } = format else {
        return Err(Error::NoFormat);
    };
    let bytes = encode_still(&base, format)?;
    if bytes.len() as u64 <= max_bytes {
        return done(bytes, format, w0, h0, changes);
    }
    // Highest quality in [floor, quality) that fits at this size.
    let (mut lo, mut hi) = (JPEG_QUALITY_FLOOR, quality);
    let mut best = None;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let bytes = encode_still(&base, OutputFormat::Jpeg { quality: mid })?;
        if bytes.len() as u64 <= max_bytes {
            best = Some((mid, bytes));
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if let Some((quality, bytes)) = best {
        changes.push(Change::JpegQuality { quality });
        return done(bytes, OutputFormat::Jpeg { quality }, w0, h0, changes);
    }
    let floor = OutputFormat::Jpeg {
        quality: JPEG_QUALITY_FLOOR,
    };
    let attempt = |s: f64| -> Result<(Vec<u8>, u32, u32), Error> {
        let (w, h) = scaled(width, height, s);
        Ok((encode_still(&resize(image, w, h), floor)?, w, h))
    };
    match largest_fitting(width, height, scale, max_bytes, attempt)? {
        Some((bytes, w, h)) => {
            changes.push(Change::JpegQuality {
                quality: JPEG_QUALITY_FLOOR,
            });
            done(bytes, floor, w, h, changes)
        }
        None => Err(too_big(width, height, image, floor, max_bytes)?),
    }
}

fn too_big(
    width: u32,
    height: u32,
    image: &RgbaImage,
    format: OutputFormat,
    max_bytes: u64,
) -> Result<Error, Error> {
    let (w, h) = scaled(width, height, min_scale(width, height));
    let bytes = encode_still(&resize(image, w, h), format)?.len() as u64;
    Ok(Error::TooBig {
        width: w,
        height: h,
        bytes,
        max_bytes,
    })
}

/// The largest scale in [min, `max_scale`] whose encoding fits, by binary search after a
/// first guess from the size ratio (file size grows roughly with the pixel count).
fn largest_fitting(
    width: u32,
    height: u32,
    max_scale: f64,
    max_bytes: u64,
    mut attempt: impl FnMut(f64) -> Result<(Vec<u8>, u32, u32), Error>,
) -> Result<Option<(Vec<u8>, u32, u32)>, Error> {
    let first = attempt(max_scale)?;
    if first.0.len() as u64 <= max_bytes {
        return Ok(Some(first));
    }
    let floor = min_scale(width, height).min(max_scale);
    let mut hi = max_scale;
    let mut lo = floor;
    let mut best = None;
    let guess = (max_scale * (max_bytes as f64 / first.0.len() as f64).sqrt() * 0.97).max(floor);
    let mut next = guess;
    for _ in 0..SCALE_STEPS {
        let result = attempt(next)?;
        if result.0.len() as u64 <= max_bytes {
            lo = next;
            best = Some(result);
        } else {
            hi = next;
            if next <= floor {
                break;
            }
        }
        if hi - lo < 0.005 {
            break;
        }
        next = if best.is_none() && lo == floor {
            // Nothing fits yet: go down fast, then bisect.
            (next * 0.7).max(floor)
        } else {
            (lo + hi) / 2.0
        };
    }
    if best.is_none() && lo == floor {
        let result = attempt(floor)?;
        if result.0.len() as u64 <= max_bytes {
            best = Some(result);
        }
    }
    Ok(best)
}

/// The largest scale (at most 1) that satisfies the pixel and side limits.
fn geometric_scale(width: u32, height: u32, limits: &TargetLimits) -> f64 {
    let (w, h) = (f64::from(width), f64::from(height));
    let mut scale: f64 = 1.0;
    if let Some(max) = limits.max_pixels {
        scale = scale.min((max as f64 / (w * h)).sqrt());
    }
    if let Some(max) = limits.max_width {
        scale = scale.min(f64::from(max) / w);
    }
    if let Some(max) = limits.max_height {
        scale = scale.min(f64::from(max) / h);
    }
    if let Some(max) = limits.max_side_sum {
        scale = scale.min(f64::from(max) / (w + h));
    }
    // Rounding in `scaled` must never step over a limit.
    if scale < 1.0 {
        let (sw, sh) = scaled(width, height, scale);
        let over = limits
            .max_pixels
            .is_some_and(|max| u64::from(sw) * u64::from(sh) > max)
            || limits.max_side_sum.is_some_and(|max| sw + sh > max);
        if over {
            scale *= 0.999;
        }
    }
    scale
}

fn min_scale(width: u32, height: u32) -> f64 {
    (f64::from(MIN_SIDE) / f64::from(width.min(height).max(1))).min(1.0)
}

fn scaled(width: u32, height: u32, scale: f64) -> (u32, u32) {
    if scale >= 1.0 {
        return (width, height);
    }
    let w = (f64::from(width) * scale).floor().max(1.0) as u32;
    let h = (f64::from(height) * scale).floor().max(1.0) as u32;
    (w, h)
}

/// CatmullRom on premultiplied colour, so transparent pixels do not bleed dark fringes.
fn resize(image: &RgbaImage, width: u32, height: u32) -> RgbaImage {
    if image.dimensions() == (width, height) {
        return image.clone();
    }
    if is_opaque(image) {
        return image::imageops::resize(image, width, height, FilterType::CatmullRom);
    }
    let mut premultiplied = image.clone();
    for pixel in premultiplied.pixels_mut() {
        let a = u32::from(pixel[3]);
        for c in 0..3 {
            pixel[c] = ((u32::from(pixel[c]) * a + 127) / 255) as u8;
        }
    }
    let mut out = image::imageops::resize(&premultiplied, width, height, FilterType::CatmullRom);
    for pixel in out.pixels_mut() {
        let a = u32::from(pixel[3]);
        if a == 0 {
            pixel.0 = [0, 0, 0, 0];
            continue;
        }
        for c in 0..3 {
            pixel[c] = ((u32::from(pixel[c]) * 255 + a / 2) / a).min(255) as u8;
        }
    }
    out
}

fn is_opaque(image: &RgbaImage) -> bool {
    image.as_raw().chunks_exact(4).all(|p| p[3] == 255)
}

fn still_format(image: &RgbaImage) -> OutputFormat {
    if is_opaque(image) {
        OutputFormat::Jpeg {
            quality: OutputFormat::DEFAULT_JPEG_QUALITY,
        }
    } else {
        OutputFormat::Png
    }
}

fn accepted_still(limits: &TargetLimits, opaque: bool) -> Option<OutputFormat> {
    let order: &[MediaFormat] = if opaque {
        &[
            MediaFormat::Jpeg,
            MediaFormat::WebP,
            MediaFormat::Png,
            MediaFormat::Gif,
        ]
    } else {
        &[
            MediaFormat::Png,
            MediaFormat::WebP,
            MediaFormat::Gif,
            MediaFormat::Jpeg,
        ]
    };
    order
        .iter()
        .find(|format| limits.accepts(**format))
        .map(|format| match format {
            MediaFormat::Png => OutputFormat::Png,
            MediaFormat::Jpeg => OutputFormat::Jpeg {
                quality: OutputFormat::DEFAULT_JPEG_QUALITY,
            },
            MediaFormat::Gif => OutputFormat::Gif,
            MediaFormat::WebP => OutputFormat::WebP,
        })
}

fn media(format: OutputFormat) -> MediaFormat {
    match format {
        OutputFormat::Png => MediaFormat::Png,
        OutputFormat::Jpeg { .. } => MediaFormat::Jpeg,
        OutputFormat::Gif => MediaFormat::Gif,
        OutputFormat::WebP => MediaFormat::WebP,
    }
}

fn converted(from: OutputFormat, to: OutputFormat) -> Change {
    Change::Converted {
        from: from.name(),
        to: to.name(),
    }
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of(
            "error.fit",
            <Self as strum::VariantNames>::VARIANTS,
            &["render"],
        )
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.fit.{}", <&str>::from(self)));
        match self {
            Error::Render(inner) => inner.describe(),
            Error::TooElongated { ratio, max } => message
                .text("ratio", format!("{ratio:.1}"))
                .text("max", format!("{max:.0}")),
            Error::NoFormat => message,
            Error::TooBig {
                width,
                height,
                bytes,
                max_bytes,
            } => message
                .text("width", width)
                .text("height", height)
                .size("size", *bytes)
                .size("max", *max_bytes),
            Error::AnimationTooBig {
                network,
                width,
                height,
                frames,
                bytes,
                max_bytes,
            } => message
                .text("network", network.name())
                .text("width", width)
                .text("height", height)
                .number("frames", *frames as i64)
                .size("size", *bytes)
                .size("max", *max_bytes),
        }
    }
}
