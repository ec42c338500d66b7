//! Caption engine speed: layout, drawing one layer, and the editor's preview while a
//! caption is dragged over a 1080x1350 asset at screen size (goal: under 8 ms median).
//!
//! `cargo bench --bench caption` (add `-- --sample-size 20` for a quick run).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use image::{Rgba, RgbaImage};
use relais::render::{
    encode_still, Layer, OutputFormat, Picture, Preview, Remix, Shadow, Style, Typesetter, Zone,
};

const TEXT: &str = "Dimanche, tout le monde aux urnes : on se retrouve devant la mairie à dix \
                    heures ! 🗳️";

fn asset() -> Picture {
    Picture::Still(RgbaImage::from_fn(1080, 1350, |x, y| {
        Rgba([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8, 255])
    }))
}

fn remix_at(y: f32) -> Remix {
    Remix {
        layers: vec![Layer {
            text: TEXT.to_owned(),
            zone: Zone {
                y,
                ..Zone::BOTTOM_BAND
            },
            style: Style {
                shadow: Some(Shadow::default()),
                ..Style::default()
            },
            locked: false,
        }],
    }
}

fn benches(c: &mut Criterion) {
    let picture = asset();
    let mut typesetter = Typesetter::new();

    c.bench_function("layout 1080x1350 (uncached, fit + balance)", |b| {
        let mut fresh = 0u32;
        b.iter(|| {
            // A different text each time defeats the layout cache.
            fresh = fresh.wrapping_add(1);
            let layer = Layer {
                text: format!("{TEXT} {fresh}"),
                ..Layer::default()
            };
            black_box(typesetter.layout_layer(&layer, 1080, 1350))
        })
    });

    c.bench_function("layer draw at full size 1080x1350", |b| {
        let remix = remix_at(0.74);
        b.iter(|| {
            let mut image = picture.first_frame().clone();
            black_box(typesetter.draw_remix_onto(&mut image, &remix, 1080, 1350));
        })
    });

    let mut preview = Preview::default();
    let positions: Vec<Remix> = (0..40).map(|i| remix_at(0.1 + i as f32 * 0.015)).collect();
    c.bench_function(
        "drag preview 1080x1350 at 540x675 (frame, no encode)",
        |b| {
            let mut step = 0;
            b.iter(|| {
                step = (step + 1) % positions.len();
                black_box(
                    preview
                        .frame_remix(
                            &mut typesetter,
                            "bench",
                            &picture,
                            &positions[step],
                            540,
                            675,
                        )
                        .width(),
                )
            })
        },
    );

    c.bench_function("drag preview 1080x1350 at 540x675 (JPEG included)", |b| {
        let mut step = 0;
        b.iter(|| {
            step = (step + 1) % positions.len();
            black_box(
                preview
                    .render_remix(
                        &mut typesetter,
                        "bench",
                        &picture,
                        &positions[step],
                        540,
                        675,
                    )
                    .map(|jpeg| jpeg.len()),
            )
        })
    });

    c.bench_function(
        "typing preview 1080x1350 at 540x675 (new text each step, JPEG included)",
        |b| {
            let mut typed = 0u32;
            b.iter(|| {
                typed = typed.wrapping_add(1);
                let mut remix = remix_at(0.5);
                remix.layers[0].text = format!("{TEXT} {typed}");
                black_box(
                    preview
                        .render_remix(&mut typesetter, "bench", &picture, &remix, 540, 675)
                        .map(|jpeg| jpeg.len()),
                )
            })
        },
    );

    let frame = preview
        .frame_remix(&mut typesetter, "bench", &picture, &positions[0], 540, 675)
        .clone();
    // For comparison: the export's JPEG encoder (image crate) on the same frame.
    c.bench_function("export JPEG encoder (image crate) 540x675", |b| {
        b.iter(|| black_box(encode_still(&frame, OutputFormat::Jpeg { quality: 80 })))
    });
}

criterion_group!(caption, benches);
criterion_main!(caption);
