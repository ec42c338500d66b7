//! The 8x8 DCT of JPEG (orthonormal DCT-II), the zigzag order and the quantization
//! tables of the JPEG standard's annex K.

use std::sync::OnceLock;

/// Natural (row-major) index of each coefficient in the order JPEG stores them.
pub(super) const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Zigzag position of each natural index.
const UNZIGZAG: [usize; 64] = {
    let mut out = [0usize; 64];
    let mut k = 0;
    while k < 64 {
        out[ZIGZAG[k]] = k;
        k += 1;
    }
    out
};

/// Annex K.1 tables (natural order), the base every "quality" scales.
const LUMA_BASE: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_BASE: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// A block of 64 values in natural order.
pub(super) type Block = [f32; 64];

/// The quantization table for `quality` (1-100, the scale every JPEG tool shares), in
/// zigzag order like a DQT segment.
pub(super) fn scaled_table(chroma: bool, quality: u8) -> [u16; 64] {
    let quality = u32::from(quality.clamp(1, 100));
    let scale = if quality < 50 {
        5000 / quality
    } else {
        200 - 2 * quality
    };
    let base = if chroma { &CHROMA_BASE } else { &LUMA_BASE };
    let mut table = [0u16; 64];
    for (k, entry) in table.iter_mut().enumerate() {
        let value = (u32::from(base[ZIGZAG[k]]) * scale + 50) / 100;
        *entry = value.clamp(1, 255) as u16;
    }
    table
}

/// `BASIS[u][x]`: the DCT basis, scaled so the transform is orthonormal, which is what
/// JPEG's formula with its C(0) = 1/sqrt(2) amounts to.
fn basis() -> &'static [[f32; 8]; 8] {
    static BASIS: OnceLock<[[f32; 8]; 8]> = OnceLock::new();
    BASIS.get_or_init(|| {
        let mut basis = [[0f32; 8]; 8];
        for (u, row) in basis.iter_mut().enumerate() {
            let scale = if u == 0 { (1.0f64 / 8.0).sqrt() } else { 0.5 };
            for (x, value) in row.iter_mut().enumerate() {
                let angle = (2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0;
                *value = (scale * angle.cos()) as f32;
            }
        }
        basis
    })
}

/// `HALF[i][u]`: the inverse DCT followed by averaging pixel pairs (2i, 2i+1), so that
/// a 4:4:4 chroma block becomes its 2:1 box-filtered 4x4 without a full inverse DCT.
fn half() -> &'static [[f32; 8]; 4] {
    static HALF: OnceLock<[[f32; 8]; 4]> = OnceLock::new();
    HALF.get_or_init(|| {
        let basis = basis();
        let mut half = [[0f32; 8]; 4];
        for (i, row) in half.iter_mut().enumerate() {
            for (u, value) in row.iter_mut().enumerate() {
                *value = 0.5 * (basis[u][2 * i] + basis[u][2 * i + 1]);
            }
        }
        half
    })
}

/// Dequantized coefficients in natural order, from zigzag `coefficients`.
pub(super) fn dequantize(coefficients: &[i16; 64], table: &[u16; 64]) -> Block {
    let mut block = [0f32; 64];
    for k in 0..64 {
        block[ZIGZAG[k]] = f32::from(coefficients[k]) * f32::from(table[k]);
    }
    block
}

/// Quantization by one table, as multiplications by reciprocals in natural order.
pub(super) struct Quantizer {
    reciprocal: Block,
}

impl Quantizer {
    /// From a zigzag table like a DQT segment's.
    pub fn new(table: &[u16; 64]) -> Self {
        let mut reciprocal = [0f32; 64];
        for k in 0..64 {
            reciprocal[ZIGZAG[k]] = 1.0 / f32::from(table[k]);
        }
        Self { reciprocal }
    }

    /// Quantized zigzag coefficients of a natural-order block, within the ±1023 that
    /// baseline JPEG can code.
    pub fn quantize(&self, block: &Block) -> [i16; 64] {
        let mut natural = [0i16; 64];
        for ((out, &value), &reciprocal) in natural.iter_mut().zip(block).zip(&self.reciprocal) {
            *out = nearest(value * reciprocal);
        }
        let mut out = [0i16; 64];
        for (k, value) in out.iter_mut().enumerate() {
            *value = natural[ZIGZAG[k]];
        }
        out
    }
}

/// The nearest coefficient within ±1023 (ties to even). Adding 1.5 * 2^23 leaves the
/// rounded integer in the low bits of the mantissa: unlike `as i32`, which must
/// saturate and check for NaN one value at a time, this vectorizes, and quantizing was a
/// third of the chroma shrink.
#[inline]
pub(super) fn nearest(value: f32) -> i16 {
    const MAGIC: f32 = 12_582_912.0;
    let shifted = value.clamp(-1023.0, 1023.0) + MAGIC;
    (shifted.to_bits() as i32 - MAGIC.to_bits() as i32) as i16
}

/// Pixels (level-shifted back to 0..255, unclamped) of a natural-order block.
pub(super) fn inverse(block: &Block) -> Block {
    let basis = basis();
    // Rows first: tmp[v][x] = sum_u basis[u][x] * F[v][u]
    let mut tmp = [0f32; 64];
    for v in 0..8 {
        for u in 0..8 {
            let coefficient = block[v * 8 + u];
            if coefficient == 0.0 {
                continue;
            }
            for x in 0..8 {
                tmp[v * 8 + x] += basis[u][x] * coefficient;
            }
        }
    }
    let mut out = [128f32; 64];
    for v in 0..8 {
        for y in 0..8 {
            let weight = basis[v][y];
            for x in 0..8 {
                out[y * 8 + x] += weight * tmp[v * 8 + x];
            }
        }
    }
    out
}

/// Coefficients (natural order) of pixels in 0..255: the Arai-Agui-Nakajima
/// factorization (5 multiplications per row instead of 64), then each output scaled to
/// the orthonormal DCT.
pub(super) fn forward(pixels: &Block) -> Block {
    let mut data = [0f32; 64];
    for (d, p) in data.iter_mut().zip(pixels.iter()) {
        *d = p - 128.0;
    }
    for row in 0..8 {
        aan_pass(&mut data, row * 8, 1);
    }
    for column in 0..8 {
        aan_pass(&mut data, column, 8);
    }
    let scale = aan_scale();
    let mut out = [0f32; 64];
    for v in 0..8 {
        for u in 0..8 {
            out[v * 8 + u] = data[v * 8 + u] * scale[v] * scale[u];
        }
    }
    out
}

/// 1 / (sqrt(8) * cos(k pi / 16) * sqrt(2)), 1 / sqrt(8) for k = 0: what turns an AAN
/// output into the orthonormal coefficient, per axis.
fn aan_scale() -> &'static [f32; 8] {
    static SCALE: OnceLock<[f32; 8]> = OnceLock::new();
    SCALE.get_or_init(|| {
        let mut scale = [0f32; 8];
        for (k, value) in scale.iter_mut().enumerate() {
            let factor = if k == 0 {
                1.0
            } else {
                (k as f64 * std::f64::consts::PI / 16.0).cos() * std::f64::consts::SQRT_2
            };
            *value = (1.0 / (factor * 8f64.sqrt())) as f32;
        }
        scale
    })
}

/// One 8-point AAN forward pass over `data[start + i * step]`, in place.
#[inline]
fn aan_pass(data: &mut [f32; 64], start: usize, step: usize) {
    let at = |i: usize| start + i * step;
    let d: [f32; 8] = std::array::from_fn(|i| data[at(i)]);
    let (tmp0, tmp7) = (d[0] + d[7], d[0] - d[7]);
    let (tmp1, tmp6) = (d[1] + d[6], d[1] - d[6]);
    let (tmp2, tmp5) = (d[2] + d[5], d[2] - d[5]);
    let (tmp3, tmp4) = (d[3] + d[4], d[3] - d[4]);
    // Even part.
    let (tmp10, tmp13) = (tmp0 + tmp3, tmp0 - tmp3);
    let (tmp11, tmp12) = (tmp1 + tmp2, tmp1 - tmp2);
    data[at(0)] = tmp10 + tmp11;
    data[at(4)] = tmp10 - tmp11;
    let z1 = (tmp12 + tmp13) * std::f32::consts::FRAC_1_SQRT_2;
    data[at(2)] = tmp13 + z1;
    data[at(6)] = tmp13 - z1;
    // Odd part.
    let tmp10 = tmp4 + tmp5;
    let tmp11 = tmp5 + tmp6;
    let tmp12 = tmp6 + tmp7;
    let z5 = (tmp10 - tmp12) * 0.382_683_43;
    let z2 = 0.541_196_1 * tmp10 + z5;
    let z4 = 1.306_563 * tmp12 + z5;
    let z3 = tmp11 * std::f32::consts::FRAC_1_SQRT_2;
    let (z11, z13) = (tmp7 + z3, tmp7 - z3);
    data[at(5)] = z13 + z2;
    data[at(3)] = z13 - z2;
    data[at(1)] = z11 + z4;
    data[at(7)] = z11 - z4;
}

/// The textbook transform [`forward`] must agree with.
#[cfg(test)]
fn forward_by_definition(pixels: &Block) -> Block {
    let basis = basis();
    let mut out = [0f32; 64];
    for v in 0..8 {
        for u in 0..8 {
            let mut sum = 0.0;
            for y in 0..8 {
                for x in 0..8 {
                    sum += basis[v][y] * basis[u][x] * (pixels[y * 8 + x] - 128.0);
                }
            }
            out[v * 8 + u] = sum;
        }
    }
    out
}

/// `SHRINK[d][v][q]`: how low frequency `v` of the source block at `d` (0 left or top,
/// 1 right or bottom) feeds frequency `q` of the block twice as wide: the source's
/// inverse DCT averaged over pixel pairs, then the forward DCT, folded into one matrix.
/// (Folding in the symmetry between the two halves halves the products on paper, but
/// measured slower: the shuffles cost more than the multiplications they save.)
fn shrink_matrix() -> &'static [[[f32; 8]; 4]; 2] {
    static SHRINK: OnceLock<[[[f32; 8]; 4]; 2]> = OnceLock::new();
    SHRINK.get_or_init(|| {
        let (basis, half) = (basis(), half());
        let mut matrix = [[[0f32; 8]; 4]; 2];
        for (d, side) in matrix.iter_mut().enumerate() {
            for (v, row) in side.iter_mut().enumerate() {
                for (q, value) in row.iter_mut().enumerate() {
                    *value = (0..4).map(|j| basis[q][4 * d + j] * half[j][v]).sum();
                }
            }
        }
        matrix
    })
}

/// One 4:2:0 chroma block (zigzag, quantized with `to`) from the 2x2 4:4:4 blocks under
/// it (top left, top right, bottom left, bottom right; quantized with `from`): a 2:1 box
/// filter done on coefficients. Only each source's 16 lowest frequencies are used: the
/// higher ones would only alias into the smaller block, and this way the whole shrink is
/// two small matrix products instead of four inverse DCTs and a forward one.
pub(super) fn shrink(blocks: [&[i16; 64]; 4], from: &[u16; 64], to: &Quantizer) -> [i16; 64] {
    let matrix = shrink_matrix();
    // Across: wide[dy][v][p], frequency p of the 16-pixel-wide rows of frequency v.
    let mut wide = [[[0f32; 8]; 4]; 2];
    for (index, block) in blocks.iter().enumerate() {
        let (dy, dx) = (index / 2, index % 2);
        for v in 0..4 {
            for u in 0..4 {
                let k = UNZIGZAG[v * 8 + u];
                let value = f32::from(block[k]) * f32::from(from[k]);
                for p in 0..8 {
                    wide[dy][v][p] += matrix[dx][u][p] * value;
                }
            }
        }
    }
    // Down: out[q][p].
    let mut out = [0f32; 64];
    for (dy, rows) in wide.iter().enumerate() {
        for (v, row) in rows.iter().enumerate() {
            for q in 0..8 {
                let weight = matrix[dy][v][q];
                for p in 0..8 {
                    out[q * 8 + p] += weight * row[p];
                }
            }
        }
    }
    to.quantize(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_forward_transform_matches_the_definition() {
        let mut pixels = [0f32; 64];
        for (i, p) in pixels.iter_mut().enumerate() {
            *p = ((i * 71 + 13) % 256) as f32;
        }
        let (fast, slow) = (forward(&pixels), forward_by_definition(&pixels));
        for k in 0..64 {
            assert!(
                (fast[k] - slow[k]).abs() < 0.05,
                "coefficient {k}: {} vs {}",
                fast[k],
                slow[k]
            );
        }
    }

    #[test]
    fn forward_then_inverse_gives_the_pixels_back() {
        let mut pixels = [0f32; 64];
        for (i, p) in pixels.iter_mut().enumerate() {
            *p = ((i * 37) % 256) as f32;
        }
        let back = inverse(&forward(&pixels));
        for (a, b) in pixels.iter().zip(back.iter()) {
            assert!(
                (a - b).abs() < 1e-2,
                "{a} vs {b}: the transform must be orthonormal"
            );
        }
    }

    #[test]
    fn shrinking_four_blocks_matches_averaging_their_pixels() {
        // Blocks with only their 16 lowest frequencies, so the shrink drops nothing and
        // must agree with the pixel route: inverse DCT, 2x2 means, forward DCT.
        let mut blocks = [[0i16; 64]; 4];
        for (b, block) in blocks.iter_mut().enumerate() {
            for v in 0..4 {
                for u in 0..4 {
                    block[UNZIGZAG[v * 8 + u]] = ((b * 31 + v * 7 + u * 13) % 41) as i16 - 20;
                }
            }
        }
        let table = [3u16; 64];
        let mut pixels = [0f32; 256];
        for (b, block) in blocks.iter().enumerate() {
            let block_pixels = inverse(&dequantize(block, &table));
            for y in 0..8 {
                for x in 0..8 {
                    pixels[(8 * (b / 2) + y) * 16 + 8 * (b % 2) + x] = block_pixels[y * 8 + x];
                }
            }
        }
        let mut small = [0f32; 64];
        for y in 0..8 {
            for x in 0..8 {
                let at = 2 * y * 16 + 2 * x;
                small[y * 8 + x] =
                    (pixels[at] + pixels[at + 1] + pixels[at + 16] + pixels[at + 17]) / 4.0;
            }
        }
        let expected = forward_by_definition(&small);
        let unit = Quantizer::new(&[1u16; 64]);
        let got = shrink(
            [&blocks[0], &blocks[1], &blocks[2], &blocks[3]],
            &table,
            &unit,
        );
        for k in 0..64 {
            let want = expected[ZIGZAG[k]];
            assert!(
                (f32::from(got[k]) - want).abs() <= 0.51,
                "zigzag coefficient {k}: {} vs {want}",
                got[k]
            );
        }
    }
}
