//! Verifying and importing a ~200 MB kit (40 noisy 5 MB PNGs, signed by the organizer
//! tools) into a fresh data folder: throughput, and peak heap measured by a counting
//! allocator. The peak must follow the largest file, not the kit size.
//!
//! `cargo bench --no-default-features --bench kit_import`
//!
//! Measured 2026-11-24 on the shared 2-core build machine (load ~8): 190.5 MiB kit,
//! 2.44 s per verify+import, 78 MiB/s; peak heap 25.3 MiB (5.3x the 4.8 MiB largest
//! file). The first run compiles the dev-dependencies (Tauri included) in release.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use image::{ImageBuffer, Rgb};
use relais::db::Store;
use relais::kit::signature::{self, PublicKey, SecretKeyFile, Signature};
use relais::kit::{self, Manifest, MANIFEST_FILE};
use relais::render::Limits;
use tempfile::TempDir;

#[path = "support/heap.rs"]
mod heap;
use heap::{LIVE, PEAK};

const ASSETS: usize = 40;
/// 1290 x 1290 RGB noise does not compress: about 5 MB per PNG.
const SIDE: u32 = 1290;
const NOW: i64 = 1_790_000_000;

struct BuiltKit {
    _dir: TempDir,
    folder: PathBuf,
    key: PublicKey,
    bytes: u64,
    largest: u64,
}

/// xorshift: reproducible noise without a random-number crate.
fn noise(seed: u64) -> impl FnMut() -> u8 {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 32) as u8
    }
}

fn build_kit() -> BuiltKit {
    let dir = TempDir::new().expect("temp folder for the kit");
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).expect("source folder");
    let mut toml = String::from(
        "id = \"bench\"\npublisher = \"Bench\"\nversion = 1\ntitle = { fr = \"Banc\", en = \"Bench\" }\n",
    );
    for index in 0..ASSETS {
        let mut next = noise(index as u64 + 1);
        let image: ImageBuffer<Rgb<u8>, Vec<u8>> =
            ImageBuffer::from_fn(SIDE, SIDE, |_, _| Rgb([next(), next(), next()]));
        image
            .save(src.join(format!("a{index:02}.png")))
            .expect("write a noisy PNG");
        toml.push_str(&format!(
            "\n[[assets]]\nid = \"a{index:02}\"\nkind = \"image\"\nfile = \"a{index:02}.png\"\ntitle = {{ fr = \"a{index:02}\" }}\n"
        ));
    }
    std::fs::write(src.join("kit.toml"), toml).expect("kit.toml");
    let pair = signature::generate_key_pair(&dir.path().join("keys"), None).expect("key pair");
    let key = SecretKeyFile::read(&pair.secret_path)
        .and_then(|file| file.unlock(None))
        .expect("unlock the key");
    let folder = dir.path().join("kit");
    kit::source::build(&src, &key, &folder, NOW, &Limits::default()).expect("build the kit");
    let sizes: Vec<u64> = (0..ASSETS)
        .map(|index| {
            std::fs::metadata(folder.join(format!("a{index:02}.png")))
                .map(|meta| meta.len())
                .unwrap_or(0)
        })
        .collect();
    BuiltKit {
        _dir: dir,
        folder,
        key: pair.public,
        bytes: sizes.iter().sum(),
        largest: sizes.iter().copied().max().unwrap_or(0),
    }
}

/// What an import of a local kit does: the signature over kit.json, then the import,
/// which checks every file (size, SHA-256, decodes within limits) and stores it.
fn verify_and_import(folder: &Path, key: &PublicKey, data: &Path) -> Store {
    let manifest_bytes = std::fs::read(folder.join(MANIFEST_FILE)).expect("read kit.json");
    let manifest = Manifest::parse(&manifest_bytes).expect("parse kit.json");
    Signature::read(folder)
        .and_then(|signature| {
            signature.verify(key, &manifest_bytes, &manifest.id, manifest.version)
        })
        .expect("the signature checks out");
    let mut store = Store::open(data).expect("open the data folder");
    kit::import_folder(
        &mut store,
        folder,
        &kit::Trust::Pinned(key.clone()),
        NOW,
        &Limits::default(),
    )
    .expect("import");
    store
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn kit_import(c: &mut Criterion) {
    let kit = build_kit();

    let data = TempDir::new().expect("data folder");
    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    drop(verify_and_import(&kit.folder, &kit.key, data.path()));
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(baseline) as u64;
    drop(data);
    println!(
        "kit_import: {ASSETS} files, {:.1} MiB in all, largest file {:.1} MiB; peak heap during verify+import {:.1} MiB ({:.1}x the largest file)",
        mib(kit.bytes),
        mib(kit.largest),
        mib(peak),
        peak as f64 / kit.largest.max(1) as f64
    );

    let mut group = c.benchmark_group("kit_import");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Bytes(kit.bytes));
    group.bench_function("verify_and_import_200MB", |b| {
        b.iter_batched(
            || TempDir::new().expect("data folder"),
            // Returned so removing 200 MB of blobs is not timed.
            |data| {
                let store = verify_and_import(&kit.folder, &kit.key, data.path());
                (store, data)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, kit_import);
criterion_main!(benches);
