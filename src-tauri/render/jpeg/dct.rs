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

/// Quantized zigzag coefficients of a natural-order block, clamped to what baseline
/// JPEG can code.
pub(super) fn quantize(block: &Block, table: &[u16; 64]) -> [i16; 64] {
    let mut out = [0i16; 64];
    for k in 0..64 {
        let value = round(block[ZIGZAG[k]] / f32::from(table[k]));
        out[k] = clamp_coefficient(k, value);
    }
    out
}

/// DC within [-1024, 1023] keeps every difference within the 11 bits of a baseline DC
/// code; AC within 10 bits.
pub(super) fn clamp_coefficient(k: usize, value: i32) -> i16 {
    if k == 0 {
        value.clamp(-1024, 1023) as i16
    } else {
        value.clamp(-1023, 1023) as i16
    }
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

/// The 4x4 pixels (0..255, row-major) of a block shrunk 2:1 each way, from its zigzag
/// quantized coefficients. Only the 16 lowest frequencies are used: the higher ones
/// would only alias into the smaller block, and skipping them quarters the work.
pub(super) fn inverse_half(coefficients: &[i16; 64], table: &[u16; 64]) -> [f32; 16] {
    let half = half();
    let mut low = [0f32; 16];
    for v in 0..4 {
        for u in 0..4 {
            let k = UNZIGZAG[v * 8 + u];
            low[v * 4 + u] = f32::from(coefficients[k]) * f32::from(table[k]);
        }
    }
    // tmp[v][i] = sum_u half[i][u] * F[v][u]
    let mut tmp = [0f32; 16];
    for v in 0..4 {
        for i in 0..4 {
            let mut sum = 0.0;
            for u in 0..4 {
                sum += half[i][u] * low[v * 4 + u];
            }
            tmp[v * 4 + i] = sum;
        }
    }
    let mut out = [128f32; 16];
    for j in 0..4 {
        for v in 0..4 {
            let weight = half[j][v];
            for i in 0..4 {
                out[j * 4 + i] += weight * tmp[v * 4 + i];
            }
        }
    }
    out
}

/// Rounds half away from zero without a libm call (no SSE4.1 is assumed).
#[inline]
pub(super) fn round(value: f32) -> i32 {
    (value + 0.5f32.copysign(value)) as i32
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
    fn the_half_inverse_averages_smooth_pixels() {
        let mut pixels = [0f32; 64];
        for (i, p) in pixels.iter_mut().enumerate() {
            let (x, y) = ((i % 8) as f32, (i / 8) as f32);
            *p = 100.0 + 9.0 * x - 5.0 * y + 0.8 * x * y;
        }
        let table = [1u16; 64];
        let mut zigzag = [0i16; 64];
        let coefficients = forward(&pixels);
        for k in 0..64 {
            zigzag[k] = round(coefficients[ZIGZAG[k]]) as i16;
        }
        let small = inverse_half(&zigzag, &table);
        for j in 0..4 {
            for i in 0..4 {
                let mean = (pixels[16 * j + 2 * i]
                    + pixels[16 * j + 2 * i + 1]
                    + pixels[16 * j + 8 + 2 * i]
                    + pixels[16 * j + 8 + 2 * i + 1])
                    / 4.0;
                let got = small[j * 4 + i];
                assert!(
                    (got - mean).abs() < 2.0,
                    "{got} vs {mean}: a smooth block shrinks to its averages"
                );
            }
        }
    }
}
