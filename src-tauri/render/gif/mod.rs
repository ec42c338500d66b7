//! GIF output: one global palette, ordered dithering fixed to pixel positions, and frames
//! reduced to the rectangle that changed, with unchanged pixels left transparent so the
//! previous frame shows through (disposal "keep").

mod stream;

pub use stream::{caption_animation_streaming, check_frames, needs_streaming};

use std::borrow::Cow;

use image::RgbaImage;

use super::picture::{Frame, Repeat};
use super::quantize::{distance, Histogram, Palette};
use super::Error;

/// Pixels sampled per palette: plenty for 255 colours, and bounded whatever the length.
const SAMPLE_BUDGET: u64 = 2_000_000;

/// A source pixel this close (squared RGB distance) to the colour already on screen is
/// left alone: re-encoding noise in the source must not repaint the whole frame.
const UNCHANGED_TOLERANCE: u32 = 3 * 3 * 3;

/// Colours in the palette; index 255 is kept for "transparent / unchanged".
const COLORS: usize = 255;

pub(crate) fn sample_stride(width: u32, height: u32, frames: usize) -> usize {
    let total = u64::from(width) * u64::from(height) * frames as u64;
    total.div_ceil(SAMPLE_BUDGET).max(1) as usize
}

pub(crate) fn has_transparency(image: &RgbaImage) -> bool {
    image.as_raw().chunks_exact(4).any(|p| p[3] < 128)
}

/// Encodes frames already in memory.
pub fn encode_frames(frames: &[Frame], repeat: Repeat) -> Result<Vec<u8>, Error> {
    let Some(first) = frames.first() else {
        return Err(encode_error("the animation has no frames"));
    };
    let (width, height) = first.image.dimensions();
    let stride = sample_stride(width, height, frames.len());
    let mut histogram = Histogram::new();
    let mut transparent = false;
    for frame in frames {
        histogram.add(&frame.image, stride);
        transparent = transparent || has_transparency(&frame.image);
    }
    let mut writer = GifWriter::new(
        width,
        height,
        histogram.palette(COLORS),
        repeat,
        transparent,
    )?;
    for frame in frames {
        writer.push(&frame.image, frame.delay_ms)?;
    }
    writer.finish()
}

/// A single image as GIF.
pub fn encode_image(image: &RgbaImage) -> Result<Vec<u8>, Error> {
    encode_frames(
        &[Frame {
            image: image.clone(),
            delay_ms: 0,
        }],
        Repeat::Finite(0),
    )
}

pub(crate) struct GifWriter {
    encoder: ::gif::Encoder<Vec<u8>>,
    palette: Palette,
    width: u32,
    height: u32,
    /// Palette index each pixel currently shows.
    screen: Vec<u8>,
    indices: Vec<u8>,
    transparent: bool,
    frames: usize,
}

impl GifWriter {
    pub(crate) fn new(
        width: u32,
        height: u32,
        palette: Palette,
        repeat: Repeat,
        transparent: bool,
    ) -> Result<Self, Error> {
        let (w, h) = gif_dimensions(width, height)?;
        let mut table = palette.rgb_bytes();
        table.resize(256 * 3, 0);
        let mut encoder = ::gif::Encoder::new(Vec::new(), w, h, &table).map_err(encode_error)?;
        encoder
            .set_repeat(match repeat {
                Repeat::Infinite => ::gif::Repeat::Infinite,
                Repeat::Finite(count) => ::gif::Repeat::Finite(count),
            })
            .map_err(encode_error)?;
        let pixels = width as usize * height as usize;
        Ok(Self {
            encoder,
            palette,
            width,
            height,
            screen: vec![0; pixels],
            indices: vec![0; pixels],
            transparent,
            frames: 0,
        })
    }

    pub(crate) fn push(&mut self, image: &RgbaImage, delay_ms: u32) -> Result<(), Error> {
        if image.dimensions() != (self.width, self.height) {
            return Err(encode_error("frames of different sizes"));
        }
        // GIF counts in hundredths of a second.
        let delay = u16::try_from(delay_ms.div_ceil(10)).unwrap_or(u16::MAX);
        let first = self.frames == 0;
        self.frames += 1;
        if self.transparent {
            self.map_full(image, true);
            return self.write(
                0,
                0,
                self.width,
                self.height,
                delay,
                ::gif::DisposalMethod::Background,
                None,
            );
        }
        if first {
            self.map_full(image, false);
            self.screen.copy_from_slice(&self.indices);
            return self.write(
                0,
                0,
                self.width,
                self.height,
                delay,
                ::gif::DisposalMethod::Keep,
                None,
            );
        }
        match self.map_changes(image) {
            Some((x0, y0, x1, y1)) => {
                let (w, h) = (x1 - x0, y1 - y0);
                let mut crop = Vec::with_capacity(w as usize * h as usize);
                for y in y0..y1 {
                    let row = (y * self.width) as usize;
                    crop.extend_from_slice(&self.indices[row + x0 as usize..row + x1 as usize]);
                }
                self.write(x0, y0, w, h, delay, ::gif::DisposalMethod::Keep, Some(crop))
            }
            // Nothing moved: a 1x1 transparent frame still carries the delay.
            None => self.write(
                0,
                0,
                1,
                1,
                delay,
                ::gif::DisposalMethod::Keep,
                Some(vec![255]),
            ),
        }
    }

    fn map_full(&mut self, image: &RgbaImage, keep_alpha: bool) {
        let width = self.width;
        for (i, pixel) in image.as_raw().chunks_exact(4).enumerate() {
            let (x, y) = (i as u32 % width, i as u32 / width);
            self.indices[i] = if keep_alpha && pixel[3] < 128 {
                255
            } else {
                self.palette.index_at(x, y, [pixel[0], pixel[1], pixel[2]])
            };
        }
    }

    /// Fills `indices` with new colours or 255 where the screen already shows the pixel;
    /// updates the screen and returns the changed rectangle (x0, y0, x1, y1), exclusive.
    fn map_changes(&mut self, image: &RgbaImage) -> Option<(u32, u32, u32, u32)> {
        let width = self.width;
        let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
        let colors = self.palette.colors().to_vec();
        for (i, pixel) in image.as_raw().chunks_exact(4).enumerate() {
            let (x, y) = (i as u32 % width, i as u32 / width);
            let rgb = [pixel[0], pixel[1], pixel[2]];
            let old = self.screen[i];
            let index = self.palette.index_at(x, y, rgb);
            if index == old || distance(colors[usize::from(old)], rgb) <= UNCHANGED_TOLERANCE {
                self.indices[i] = 255;
                continue;
            }
            self.indices[i] = index;
            self.screen[i] = index;
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x + 1);
            y1 = y1.max(y + 1);
        }
        (x1 > 0).then_some((x0, y0, x1, y1))
    }

    #[allow(clippy::too_many_arguments)]
    fn write(
        &mut self,
        left: u32,
        top: u32,
        width: u32,
        height: u32,
        delay: u16,
        dispose: ::gif::DisposalMethod,
        buffer: Option<Vec<u8>>,
    ) -> Result<(), Error> {
        let buffer = match buffer {
            Some(buffer) => Cow::Owned(buffer),
            None => Cow::Borrowed(self.indices.as_slice()),
        };
        // Sizes were checked against u16 in `new`.
        let frame = ::gif::Frame {
            delay,
            dispose,
            transparent: Some(255),
            left: left as u16,
            top: top as u16,
            width: width as u16,
            height: height as u16,
            buffer,
            ..::gif::Frame::default()
        };
        self.encoder.write_frame(&frame).map_err(encode_error)
    }

    pub(crate) fn finish(self) -> Result<Vec<u8>, Error> {
        self.encoder.into_inner().map_err(encode_error)
    }
}

fn gif_dimensions(width: u32, height: u32) -> Result<(u16, u16), Error> {
    match (u16::try_from(width), u16::try_from(height)) {
        (Ok(w), Ok(h)) if w > 0 && h > 0 => Ok((w, h)),
        _ => Err(encode_error(format!(
            "{width}x{height} is outside what GIF can store (1 to 65535 pixels a side)"
        ))),
    }
}

fn encode_error(detail: impl std::fmt::Display) -> Error {
    Error::Encode {
        format: "GIF",
        detail: detail.to_string(),
    }
}
