//! The photo-like frames the encoding benches and `bench/compare.sh` share: smooth
//! gradients, a soft texture and a ball that moves with `t`.

use image::{Rgba, RgbaImage};

pub fn photo(width: u32, height: u32, t: f32) -> RgbaImage {
    RgbaImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let texture = ((x as f32 * 0.31 + t).sin() * (y as f32 * 0.23).cos()) * 8.0;
        let cx = 0.2 + 0.6 * (t / 10.0).sin().abs();
        let d = ((fx - cx).powi(2) + (fy - 0.4).powi(2)).sqrt();
        let ball = if d < 0.15 { 60.0 } else { 0.0 };
        Rgba([
            (40.0 + 170.0 * fx + texture + ball).clamp(0.0, 255.0) as u8,
            (70.0 + 120.0 * fy + texture).clamp(0.0, 255.0) as u8,
            (150.0 + 80.0 * (1.0 - fx) * fy - texture).clamp(0.0, 255.0) as u8,
            255,
        ])
    })
}
