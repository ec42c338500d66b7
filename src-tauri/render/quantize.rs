//! Colour reduction for GIF: one palette built from a histogram of sampled frames
//! (variance-minimizing box splits, then k-means refinement), and a fast mapping with
//! position-fixed ordered dithering.
//!
//! Our own code rather than imagequant/gifski (GPL). One global palette keeps colours
//! stable from frame to frame (no flicker), and ordered dithering depends only on the
//! pixel's position, so a pixel that does not change maps to the same index in every
//! frame: the frame differ can then leave it transparent.

use image::RgbaImage;

/// 5 bits per channel: fine enough that a bin's mean colour is exact for flat artwork.
const BITS: u32 = 5;
const BINS: usize = 1 << (3 * BITS);

/// Accumulates colours from any number of frames before a palette is built.
#[derive(Clone)]
pub struct Histogram {
    count: Vec<u32>,
    sum: Vec<[u64; 3]>,
    squares: Vec<u64>,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

impl Histogram {
    pub fn new() -> Self {
        Self {
            count: vec![0; BINS],
            sum: vec![[0; 3]; BINS],
            squares: vec![0; BINS],
        }
    }

    /// Adds every `stride`-th pixel (1 = all). Transparent pixels (alpha < 128) do not
    /// take palette room.
    pub fn add(&mut self, image: &RgbaImage, stride: usize) {
        let stride = stride.max(1);
        // An odd step in pixels walks diagonally through rows and avoids sampling only
        // one column of a pattern.
        let step = if stride > 1 { stride | 1 } else { 1 };
        for pixel in image.as_raw().chunks_exact(4).step_by(step) {
            if pixel[3] < 128 {
                continue;
            }
            let bin = bin_of(pixel[0], pixel[1], pixel[2]);
            self.count[bin] += 1;
            let sum = &mut self.sum[bin];
            sum[0] += u64::from(pixel[0]);
            sum[1] += u64::from(pixel[1]);
            sum[2] += u64::from(pixel[2]);
            self.squares[bin] += u64::from(pixel[0]) * u64::from(pixel[0])
                + u64::from(pixel[1]) * u64::from(pixel[1])
                + u64::from(pixel[2]) * u64::from(pixel[2]);
        }
    }

    /// A palette of at most `max_colors` (1..=256) colours.
    pub fn palette(&self, max_colors: usize) -> Palette {
        let max_colors = max_colors.clamp(1, 256);
        let bins: Vec<Bin> = (0..BINS)
            .filter(|&index| self.count[index] > 0)
            .map(|index| {
                let n = f64::from(self.count[index]);
                let s = self.sum[index];
                Bin {
                    n,
                    sum: [s[0] as f64, s[1] as f64, s[2] as f64],
                    squares: self.squares[index] as f64,
                }
            })
            .collect();
        if bins.is_empty() {
            return Palette::new(vec![[0, 0, 0]]);
        }
        let mut centroids = split_boxes(bins.clone(), max_colors);
        refine(&bins, &mut centroids, 3);
        let colors = centroids
            .iter()
            .map(|c| c.map(|v| v.round().clamp(0.0, 255.0) as u8))
            .collect();
        Palette::new(colors)
    }
}

fn bin_of(r: u8, g: u8, b: u8) -> usize {
    let shift = 8 - BITS;
    (usize::from(r >> shift) << (2 * BITS))
        | (usize::from(g >> shift) << BITS)
        | usize::from(b >> shift)
}

#[derive(Clone, Copy)]
struct Bin {
    n: f64,
    sum: [f64; 3],
    squares: f64,
}

impl Bin {
    fn mean(&self, axis: usize) -> f64 {
        self.sum[axis] / self.n
    }
}

struct ColorBox {
    bins: Vec<Bin>,
    error: f64,
}

fn box_error(bins: &[Bin]) -> f64 {
    let (mut n, mut sum, mut squares) = (0.0, [0.0; 3], 0.0);
    for bin in bins {
        n += bin.n;
        squares += bin.squares;
        add3(&mut sum, &bin.sum);
    }
    if n == 0.0 {
        return 0.0;
    }
    squares - (sum[0] * sum[0] + sum[1] * sum[1] + sum[2] * sum[2]) / n
}

fn centroid(bins: &[Bin]) -> [f64; 3] {
    let mut n = 0.0;
    let mut sum = [0.0; 3];
    for bin in bins {
        n += bin.n;
        add3(&mut sum, &bin.sum);
    }
    sum.map(|s| s / n.max(1.0))
}

/// Repeatedly splits the box with the largest squared error, along its widest axis, at
/// the point that minimizes the two halves' total error (Wu's criterion on bins).
fn split_boxes(bins: Vec<Bin>, max_colors: usize) -> Vec<[f64; 3]> {
    let error = box_error(&bins);
    let mut boxes = vec![ColorBox { bins, error }];
    while boxes.len() < max_colors {
        let Some((index, _)) = boxes
            .iter()
            .enumerate()
            .filter(|(_, b)| b.bins.len() > 1 && b.error > 0.0)
            .max_by(|a, b| a.1.error.total_cmp(&b.1.error))
        else {
            break;
        };
        let target = boxes.swap_remove(index);
        let (left, right) = split(target.bins);
        boxes.push(ColorBox {
            error: box_error(&left),
            bins: left,
        });
        boxes.push(ColorBox {
            error: box_error(&right),
            bins: right,
        });
    }
    boxes.iter().map(|b| centroid(&b.bins)).collect()
}

fn split(mut bins: Vec<Bin>) -> (Vec<Bin>, Vec<Bin>) {
    let axis = (0..3)
        .max_by(|&a, &b| {
            let spread = |axis: usize| {
                let (lo, hi) = bins.iter().fold((f64::MAX, f64::MIN), |(lo, hi), bin| {
                    (lo.min(bin.mean(axis)), hi.max(bin.mean(axis)))
                });
                hi - lo
            };
            spread(a).total_cmp(&spread(b))
        })
        .unwrap_or(0);
    bins.sort_by(|a, b| a.mean(axis).total_cmp(&b.mean(axis)));
    // Prefix sums make each candidate split's error O(1).
    let total_n: f64 = bins.iter().map(|b| b.n).sum();
    let total_sum = bins.iter().fold([0.0; 3], |mut acc, b| {
        add3(&mut acc, &b.sum);
        acc
    });
    let total_squares: f64 = bins.iter().map(|b| b.squares).sum();
    let (mut n, mut sum, mut squares) = (0.0, [0.0f64; 3], 0.0);
    let mut best = (f64::MAX, 1);
    for (index, bin) in bins.iter().enumerate().take(bins.len() - 1) {
        n += bin.n;
        squares += bin.squares;
        add3(&mut sum, &bin.sum);
        let right_n = total_n - n;
        let right_sum = [
            total_sum[0] - sum[0],
            total_sum[1] - sum[1],
            total_sum[2] - sum[2],
        ];
        let left_error = squares - (sum[0] * sum[0] + sum[1] * sum[1] + sum[2] * sum[2]) / n;
        let right_error = (total_squares - squares)
            - (right_sum[0] * right_sum[0]
                + right_sum[1] * right_sum[1]
                + right_sum[2] * right_sum[2])
                / right_n;
        let error = left_error + right_error;
        if error < best.0 {
            best = (error, index + 1);
        }
    }
    let right = bins.split_off(best.1);
    (bins, right)
}

/// Lloyd iterations over the bins, weighted by pixel count.
fn refine(bins: &[Bin], centroids: &mut [[f64; 3]], rounds: usize) {
    for _ in 0..rounds {
        let mut acc = vec![(0.0f64, [0.0f64; 3]); centroids.len()];
        for bin in bins {
            let color = [bin.mean(0), bin.mean(1), bin.mean(2)];
            let nearest = nearest_f64(centroids, color);
            acc[nearest].0 += bin.n;
            add3(&mut acc[nearest].1, &bin.sum);
        }
        for (c, (n, sum)) in centroids.iter_mut().zip(acc) {
            if n > 0.0 {
                *c = sum.map(|s| s / n);
            }
        }
    }
}

fn nearest_f64(centroids: &[[f64; 3]], color: [f64; 3]) -> usize {
    let mut best = (f64::MAX, 0);
    for (index, c) in centroids.iter().enumerate() {
        let d = (c[0] - color[0]).powi(2) + (c[1] - color[1]).powi(2) + (c[2] - color[2]).powi(2);
        if d < best.0 {
            best = (d, index);
        }
    }
    best.1
}

/// 8x8 Bayer matrix, values 0..64.
const BAYER: [[u8; 8]; 8] = [
    [0, 32, 8, 40, 2, 34, 10, 42],
    [48, 16, 56, 24, 50, 18, 58, 26],
    [12, 44, 4, 36, 14, 46, 6, 38],
    [60, 28, 52, 20, 62, 30, 54, 22],
    [3, 35, 11, 43, 1, 33, 9, 41],
    [51, 19, 59, 27, 49, 17, 57, 25],
    [15, 47, 7, 39, 13, 45, 5, 37],
    [63, 31, 55, 23, 61, 29, 53, 21],
];

/// Colours plus a lazily filled nearest-colour cache (6 bits per channel).
pub struct Palette {
    colors: Vec<[u8; 3]>,
    cache: Vec<u16>,
    /// Ordered-dither amplitude in colour levels; 0 turns dithering off.
    dither: i32,
}

const UNSET: u16 = u16::MAX;

impl Palette {
    pub fn new(colors: Vec<[u8; 3]>) -> Self {
        let dither = dither_amplitude(&colors);
        Self {
            colors,
            cache: vec![UNSET; 1 << 18],
            dither,
        }
    }

    pub fn colors(&self) -> &[[u8; 3]] {
        &self.colors
    }

    /// `r g b` triples, as a GIF colour table wants them.
    pub fn rgb_bytes(&self) -> Vec<u8> {
        self.colors.iter().flatten().copied().collect()
    }

    /// The palette index for a pixel at (x, y).
    #[inline]
    pub fn index_at(&mut self, x: u32, y: u32, rgb: [u8; 3]) -> u8 {
        let plain = self.lookup(rgb);
        if self.dither == 0 {
            return plain;
        }
        // Colours the palette already holds (flat artwork, text fill) stay clean.
        if distance(self.colors[usize::from(plain)], rgb) <= 12 {
            return plain;
        }
        let threshold = i32::from(BAYER[(y & 7) as usize][(x & 7) as usize]);
        let offset = ((threshold * 2 - 63) * self.dither) / 128;
        let shifted = rgb.map(|c| (i32::from(c) + offset).clamp(0, 255) as u8);
        self.lookup(shifted)
    }

    #[inline]
    fn lookup(&mut self, rgb: [u8; 3]) -> u8 {
        let key = (usize::from(rgb[0] >> 2) << 12)
            | (usize::from(rgb[1] >> 2) << 6)
            | usize::from(rgb[2] >> 2);
        let cached = self.cache[key];
        if cached != UNSET {
            return cached as u8;
        }
        // The centre of the 4-level cell the key stands for.
        let centre = rgb.map(|c| (c & !3) | 2);
        let mut best = (u32::MAX, 0usize);
        for (index, color) in self.colors.iter().enumerate() {
            let d = distance(*color, centre);
            if d < best.0 {
                best = (d, index);
            }
        }
        self.cache[key] = best.1 as u16;
        best.1 as u8
    }
}

fn add3(to: &mut [f64; 3], from: &[f64; 3]) {
    for (a, b) in to.iter_mut().zip(from) {
        *a += b;
    }
}

#[inline]
pub fn distance(a: [u8; 3], b: [u8; 3]) -> u32 {
    let d = |i: usize| (i32::from(a[i]) - i32::from(b[i])).unsigned_abs();
    d(0) * d(0) + d(1) * d(1) + d(2) * d(2)
}

/// Dithering strong enough to break banding between neighbouring palette colours, no
/// stronger: estimated from the typical distance between a colour and its nearest other.
fn dither_amplitude(colors: &[[u8; 3]]) -> i32 {
    if colors.len() < 2 {
        return 0;
    }
    let mut gaps: Vec<u32> = colors
        .iter()
        .enumerate()
        .map(|(i, a)| {
            colors
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, b)| distance(*a, *b))
                .min()
                .unwrap_or(0)
        })
        .collect();
    gaps.sort_unstable();
    let median = f64::from(gaps[gaps.len() / 2]).sqrt();
    (median * 1.0).round().clamp(0.0, 24.0) as i32
}
