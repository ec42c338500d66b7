//! The only blocks that go through pixels: those under a caption layer. They are
//! decoded from the output planes, the layers composited in RGB, and coded again.

use image::RgbaImage;

use super::dct::{self, Quantizer};
use super::planes::Planes;
use crate::render::text::raster::{composite_window, Drawn};

/// Layer rectangles in asset pixels (left, top, right, bottom), clipped to the image,
/// and the MCU size of the output.
pub(super) struct Region {
    rects: Vec<[u32; 4]>,
    mcu: u32,
}

impl Region {
    pub fn of(layers: &[Drawn], width: u32, height: u32, mcu: u32) -> Option<Region> {
        let rects: Vec<[u32; 4]> = layers
            .iter()
            .filter_map(|layer| {
                let right = layer.left.saturating_add(layer.pixmap.width()).min(width);
                let bottom = layer.top.saturating_add(layer.pixmap.height()).min(height);
                (layer.left < right && layer.top < bottom)
                    .then_some([layer.left, layer.top, right, bottom])
            })
            .collect();
        (!rects.is_empty()).then_some(Region { rects, mcu })
    }

    /// Redraws the MCUs of output row `row` that a layer touches.
    pub fn redraw_row(&self, planes: &mut Planes, row: usize, layers: &[Drawn]) {
        let mcu = self.mcu;
        let top = row as u32 * mcu;
        let bottom = top + mcu;
        let mut touched = vec![false; planes.mcus.0];
        for &[left, rect_top, right, rect_bottom] in &self.rects {
            if rect_top >= bottom || rect_bottom <= top {
                continue;
            }
            let first = (left / mcu) as usize;
            let last = (right.div_ceil(mcu) as usize).min(planes.mcus.0);
            for flag in touched.iter_mut().take(last).skip(first) {
                *flag = true;
            }
        }
        // A layer's rectangle is mostly gaps between letters and lines: only blocks
        // with ink go through pixels.
        for (x, flag) in touched.iter_mut().enumerate() {
            if *flag {
                *flag = has_ink(layers, x as u32 * mcu, top, mcu);
            }
        }
        let Some(first) = touched.iter().position(|&t| t) else {
            return;
        };
        let last = touched.iter().rposition(|&t| t).unwrap_or(first);
        let window_left = first as u32 * mcu;
        let mut patch = RgbaImage::new((last + 1 - first) as u32 * mcu, mcu);
        for x in (first..=last).filter(|&x| touched[x]) {
            decode_mcu(planes, x, row, &mut patch, (x - first) as u32 * mcu);
        }
        for layer in layers {
            composite_window(&mut patch, window_left, top, layer);
        }
        let quantizers = planes.quant.each_ref().map(Quantizer::new);
        for x in (first..=last).filter(|&x| touched[x]) {
            encode_mcu(
                planes,
                &quantizers,
                x,
                row,
                &patch,
                (x - first) as u32 * mcu,
            );
        }
    }
}

/// True when some layer has a pixel that is not fully transparent in the square of
/// side `size` at (`left`, `top`).
fn has_ink(layers: &[Drawn], left: u32, top: u32, size: u32) -> bool {
    layers.iter().any(|layer| {
        let (width, height) = (layer.pixmap.width(), layer.pixmap.height());
        let x0 = left.max(layer.left);
        let y0 = top.max(layer.top);
        let x1 = (left + size).min(layer.left.saturating_add(width));
        let y1 = (top + size).min(layer.top.saturating_add(height));
        let pixels = layer.pixmap.pixels();
        (y0..y1).any(|y| {
            let row = ((y - layer.top) * width) as usize;
            (x0..x1).any(|x| pixels[row + (x - layer.left) as usize].alpha() != 0)
        })
    })
}

fn decode_mcu(planes: &mut Planes, x: usize, y: usize, patch: &mut RgbaImage, left: u32) {
    let quant = planes.quant;
    if planes.grey {
        let luma = dct::inverse(&dct::dequantize(planes.luma(x, y, 0, 0), &quant[0]));
        for j in 0..8 {
            for i in 0..8 {
                let v = to_byte(luma[j * 8 + i]);
                patch.put_pixel(left + i as u32, j as u32, image::Rgba([v, v, v, 255]));
            }
        }
        return;
    }
    let cb = dct::inverse(&dct::dequantize(planes.chroma(0, x, y), &quant[1]));
    let cr = dct::inverse(&dct::dequantize(planes.chroma(1, x, y), &quant[1]));
    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        let luma = dct::inverse(&dct::dequantize(planes.luma(x, y, dx, dy), &quant[0]));
        for j in 0..8 {
            for i in 0..8 {
                let (px, py) = (dx * 8 + i, dy * 8 + j);
                // Chroma is repeated 2x2; averaging it back later gives the same values.
                let c = (py / 2) * 8 + px / 2;
                let rgb = to_rgb(luma[j * 8 + i], cb[c], cr[c]);
                patch.put_pixel(left + px as u32, py as u32, image::Rgba(rgb));
            }
        }
    }
}

fn encode_mcu(
    planes: &mut Planes,
    [luma_quantizer, chroma_quantizer]: &[Quantizer; 2],
    x: usize,
    y: usize,
    patch: &RgbaImage,
    left: u32,
) {
    if planes.grey {
        let mut luma = [0f32; 64];
        for j in 0..8 {
            for i in 0..8 {
                luma[j * 8 + i] = to_ycbcr(patch.get_pixel(left + i as u32, j as u32).0)[0];
            }
        }
        *planes.luma(x, y, 0, 0) = luma_quantizer.quantize(&dct::forward(&luma));
        return;
    }
    let mut cb = [0f32; 64];
    let mut cr = [0f32; 64];
    for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        let mut luma = [0f32; 64];
        for j in 0..8 {
            for i in 0..8 {
                let (px, py) = (dx * 8 + i, dy * 8 + j);
                let [l, b, r] = to_ycbcr(patch.get_pixel(left + px as u32, py as u32).0);
                luma[j * 8 + i] = l;
                let c = (py / 2) * 8 + px / 2;
                cb[c] += b / 4.0;
                cr[c] += r / 4.0;
            }
        }
        *planes.luma(x, y, dx, dy) = luma_quantizer.quantize(&dct::forward(&luma));
    }
    *planes.chroma(0, x, y) = chroma_quantizer.quantize(&dct::forward(&cb));
    *planes.chroma(1, x, y) = chroma_quantizer.quantize(&dct::forward(&cr));
}

fn to_byte(value: f32) -> u8 {
    // Not `round()`: without SSE4.1 that is a libm call per channel.
    (value.clamp(0.0, 255.0) + 0.5) as u8
}

/// JFIF's YCbCr to RGB.
fn to_rgb(y: f32, cb: f32, cr: f32) -> [u8; 4] {
    let (cb, cr) = (cb - 128.0, cr - 128.0);
    [
        to_byte(y + 1.402 * cr),
        to_byte(y - 0.344_136 * cb - 0.714_136 * cr),
        to_byte(y + 1.772 * cb),
        255,
    ]
}

fn to_ycbcr([r, g, b, _]: [u8; 4]) -> [f32; 3] {
    let (r, g, b) = (f32::from(r), f32::from(g), f32::from(b));
    [
        0.299 * r + 0.587 * g + 0.114 * b,
        -0.168_736 * r - 0.331_264 * g + 0.5 * b + 128.0,
        0.5 * r - 0.418_688 * g - 0.081_312 * b + 128.0,
    ]
}
