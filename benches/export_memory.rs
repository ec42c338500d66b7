//! Peak heap of exporting a two-layer remix of a 150-frame 800x450 GIF, decoded whole
//! (within the default budget) and streamed frame by frame (a 64 MiB budget), measured
//! by a counting allocator around `export_drawn`, the function the app's export and
//! `relais render` call. Streamed, the decoded pixels held must follow one frame, not
//! the animation. Heap sizes do not depend on the optimization level, so the dev profile
//! gives the same numbers, only slower:
//!
//! `cargo bench --profile dev --bench export_memory`
//!
//! Measured 2026-11-24 on the shared 2-core machine, dev profile (20.2 MiB source GIF,
//! 1.37 MiB per decoded frame, 206 MiB decoded whole): default budget, decoded whole,
//! peak heap 233.4 MiB; 64 MiB budget, streamed, peak heap 30.5 MiB, of which the
//! decoding pass is 4.5 MiB and most of the rest the encoded output (16.7 MiB) held
//! until it is written.

use std::sync::atomic::Ordering;
use std::time::Instant;

use relais::render::{
    encode, export_drawn, Band, Frame, Layer, Limits, OutputFormat, Picture, Remix, Repeat, Style,
    Typesetter, Zone,
};

#[path = "support/heap.rs"]
mod heap;
#[path = "support/photo.rs"]
mod photo;
use heap::{LIVE, PEAK};

const WIDTH: u32 = 800;
const HEIGHT: u32 = 450;
const FRAMES: usize = 150;
const MIB: f64 = 1024.0 * 1024.0;

fn two_layers() -> Remix {
    Remix {
        layers: vec![
            Layer {
                text: "À VOS URNES".to_owned(),
                zone: Zone {
                    x: 0.05,
                    y: 0.04,
                    width: 0.9,
                    height: 0.2,
                },
                style: Style {
                    band: Some(Band {
                        color: [20, 20, 60, 255],
                        full_width: true,
                        ..Band::default()
                    }),
                    ..Style::default()
                },
                locked: false,
            },
            Layer {
                text: "J'y vais, et toi ?".to_owned(),
                zone: Zone::BOTTOM_BAND,
                style: Style::default(),
                locked: false,
            },
        ],
    }
}

fn main() {
    let source = Picture::Animation {
        frames: (0..FRAMES)
            .map(|i| Frame {
                image: photo::photo(WIDTH, HEIGHT, i as f32),
                delay_ms: 70,
            })
            .collect(),
        repeat: Repeat::Infinite,
    };
    let bytes = encode(&source, OutputFormat::Gif).expect("the source GIF encodes");
    drop(source);
    let drawn = Typesetter::new().draw_remix(&two_layers(), WIDTH, HEIGHT);
    let dir = tempfile::tempdir().expect("temp dir");
    let frame_mib = f64::from(WIDTH * HEIGHT * 4) / MIB;
    println!(
        "{FRAMES} frames of {WIDTH}x{HEIGHT}: {:.1} MiB of GIF, {frame_mib:.2} MiB per decoded frame, {:.0} MiB decoded whole",
        bytes.len() as f64 / MIB,
        frame_mib * FRAMES as f64
    );
    for (label, limits) in [
        ("default budget", Limits::default()),
        (
            "64 MiB budget",
            Limits {
                max_animation_bytes: 64 * 1024 * 1024,
                ..Limits::default()
            },
        ),
    ] {
        let baseline = LIVE.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
        let started = Instant::now();
        let decoding = export_drawn(
            &bytes,
            "clip.gif",
            &drawn,
            OutputFormat::Gif,
            &dir.path().join("out.gif"),
            &limits,
        )
        .expect("the export succeeds");
        let peak = PEAK.load(Ordering::Relaxed) - baseline;
        println!(
            "{label}: {decoding:?}, peak heap {:.1} MiB ({:.1} frames), {:.1} s",
            peak as f64 / MIB,
            peak as f64 / MIB / frame_mib,
            started.elapsed().as_secs_f64()
        );
    }
}
