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

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use image::{Rgba, RgbaImage};
use relais::render::{
    encode, export_drawn, Band, Frame, Layer, Limits, OutputFormat, Picture, Remix, Repeat, Style,
    Typesetter, Zone,
};

/// Counts live heap bytes and remembers the highest value since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                    + (new_size - layout.size());
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const WIDTH: u32 = 800;
const HEIGHT: u32 = 450;
const FRAMES: usize = 150;
const MIB: f64 = 1024.0 * 1024.0;

/// The photo-like clip of `benches/encode.rs` and `bench/compare.sh`.
fn photo(t: f32) -> RgbaImage {
    RgbaImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
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
                image: photo(i as f32),
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
