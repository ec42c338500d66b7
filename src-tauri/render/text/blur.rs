//! A soft shadow's blur: three box blurs approximate a Gaussian at a cost independent of
//! the radius.

/// Blurs an 8-bit coverage mask of `width` x `height` in place.
pub(crate) fn blur_mask(data: &mut [u8], width: usize, height: usize, radius: f32) {
    if width == 0 || height == 0 || data.len() != width * height || radius.is_nan() || radius < 0.5
    {
        return;
    }
    // Three passes of a box of half-width r give a Gaussian of sigma ~ r; aim for a
    // visible softness of about `radius` on each side.
    let r = ((radius / 2.0).round() as usize).clamp(1, 256);
    let mut scratch = vec![0u8; width.max(height)];
    for _ in 0..3 {
        for row in data.chunks_exact_mut(width) {
            box_pass(row, 1, width, r, &mut scratch);
        }
        for x in 0..width {
            box_pass(&mut data[x..], width, height, r, &mut scratch);
        }
    }
}

/// One box blur along `len` samples spaced `stride` apart, edges treated as empty.
fn box_pass(data: &mut [u8], stride: usize, len: usize, r: usize, scratch: &mut [u8]) {
    let window = (2 * r + 1) as u32;
    let mut sum: u32 = 0;
    for i in 0..r.min(len) {
        sum += u32::from(data[i * stride]);
    }
    for i in 0..len {
        if i + r < len {
            sum += u32::from(data[(i + r) * stride]);
        }
        scratch[i] = ((sum + window / 2) / window) as u8;
        if i >= r {
            sum -= u32::from(data[(i - r) * stride]);
        }
    }
    for i in 0..len {
        data[i * stride] = scratch[i];
    }
}
