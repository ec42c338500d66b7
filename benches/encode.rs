//! Encoding speed: GIF quantize + frame-diff encode, and still formats, on generated
//! photo-like inputs of the sizes `bench/compare.sh` uses.

use criterion::{criterion_group, criterion_main, Criterion};
#[path = "support/photo.rs"]
mod photo;
use photo::photo;
use relais::render::{
    decode_bytes, encode, encode_still, remix_jpeg, Caption, Frame, Limits, OutputFormat, Picture,
    Remix, Repeat, Typesetter,
};

fn animation(width: u32, height: u32, frames: usize) -> Picture {
    Picture::Animation {
        frames: (0..frames)
            .map(|i| Frame {
                image: photo(width, height, i as f32),
                delay_ms: 70,
            })
            .collect(),
        repeat: Repeat::Infinite,
    }
}

fn gifs(c: &mut Criterion) {
    let mut group = c.benchmark_group("gif");
    group.sample_size(10);
    let small = animation(480, 480, 60);
    group.bench_function("480x480x60", |b| {
        b.iter(|| encode(&small, OutputFormat::Gif).unwrap())
    });
    let long = animation(800, 450, 150);
    group.bench_function("800x450x150", |b| {
        b.iter(|| encode(&long, OutputFormat::Gif).unwrap())
    });
    let still = photo(1080, 1350, 0.0);
    group.bench_function("still 1080x1350", |b| {
        b.iter(|| encode_still(&still, OutputFormat::Gif).unwrap())
    });
    group.finish();
}

fn stills(c: &mut Criterion) {
    let mut group = c.benchmark_group("still");
    group.sample_size(10);
    let poster = photo(1080, 1350, 0.0);
    for (name, format) in [
        ("png 1080x1350", OutputFormat::Png),
        ("jpeg 1080x1350", OutputFormat::Jpeg { quality: 90 }),
        ("webp 1080x1350", OutputFormat::WebP),
    ] {
        group.bench_function(name, |b| b.iter(|| encode_still(&poster, format).unwrap()));
    }
    let big = photo(4000, 5000, 0.0);
    group.bench_function("jpeg 4000x5000", |b| {
        b.iter(|| encode_still(&big, OutputFormat::Jpeg { quality: 90 }).unwrap())
    });
    group.finish();
}

/// JPEG to JPEG through the coefficient path (`render/jpeg`), against decoding, drawing
/// and encoding pixels, on a 4000x5000 4:4:4 poster like compare.sh's.
fn jpeg_remix(c: &mut Criterion) {
    let mut group = c.benchmark_group("jpeg remix 4000x5000");
    group.sample_size(10);
    let big = photo(4000, 5000, 0.0);
    let mut source = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut source, 90);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_1_1);
    encoder
        .encode(big.as_raw(), 4000, 5000, jpeg_encoder::ColorType::Rgba)
        .unwrap();
    let remix = Remix::from(Caption::new("Tous à la manif dimanche !\nOn lâche rien"));
    let limits = Limits::default();
    let mut typesetter = Typesetter::new();
    group.bench_function("coefficients", |b| {
        b.iter(|| remix_jpeg(&mut typesetter, &source, &remix, 90, &limits).unwrap())
    });
    group.bench_function("pixels", |b| {
        b.iter(|| {
            let picture = decode_bytes(&source, "poster.jpg", &limits).unwrap();
            let captioned = typesetter.apply_remix(&picture, &remix);
            encode_still(captioned.first_frame(), OutputFormat::Jpeg { quality: 90 }).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, gifs, stills, jpeg_remix);
criterion_main!(benches);
