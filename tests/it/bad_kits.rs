//! Kits that must never reach the library: one table, each case naming the refusal it
//! expects (matched on the error enum) and checking that the data folder is byte for
//! byte as it was. Plus a property test that mangled manifests and `.relais` files
//! never panic and never write on refusal.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use relais::db::Store;
use relais::kit::signature::Error as SigError;
use relais::kit::{self, import_path, Error, ManifestError, Trust, MANIFEST_FILE};
use relais::render::Limits;
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::kit::{copy_dir, edit_manifest, Signer, NOW};
use crate::support;

/// A small signed kit: a 64x48 PNG poster and a 3-frame 16x16 GIF.
fn small_kit(dir: &Path, signer: &Signer, version: u64) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let png = support::png(64, 48, |x, y| [x as u8 * 4, y as u8 * 5, 90, 255]);
    let gif = gif_bytes(16, 16, 3);
    std::fs::write(dir.join("poster.png"), &png).unwrap();
    std::fs::write(dir.join("anim.gif"), &gif).unwrap();
    let manifest = json!({
        "format": 1,
        "id": "petit-kit",
        "title": {"fr": "Petit kit", "en": "Small kit"},
        "publisher": "Comité",
        "version": version,
        "published": "2026-11-01T12:00:00Z",
        "public_key": signer.public.to_base64(),
        "assets": [
            asset("poster", "image", "poster.png", &png, 64, 48),
            asset("anim", "animation", "anim.gif", &gif, 16, 16),
        ],
    });
    std::fs::write(
        dir.join(MANIFEST_FILE),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    signer.sign(dir);
    dir.to_path_buf()
}

fn asset(id: &str, kind: &str, file: &str, bytes: &[u8], width: u32, height: u32) -> Value {
    json!({
        "id": id, "kind": kind, "file": file, "size": bytes.len(),
        "sha256": support::sha256_hex(bytes), "width": width, "height": height,
        "title": {"fr": id},
    })
}

/// A GIF of `frames` frames, each a different grey.
fn gif_bytes(width: u16, height: u16, frames: usize) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let palette: Vec<u8> = (0..=255u8).flat_map(|v| [v, v, v]).collect();
        let mut encoder = gif::Encoder::new(&mut out, width, height, &palette).unwrap();
        encoder.set_repeat(gif::Repeat::Infinite).unwrap();
        for index in 0..frames {
            let frame = gif::Frame {
                width,
                height,
                delay: 5,
                buffer: std::borrow::Cow::Owned(vec![
                    (index % 256) as u8;
                    width as usize * height as usize
                ]),
                ..gif::Frame::default()
            };
            encoder.write_frame(&frame).unwrap();
        }
    }
    out
}

/// Replaces asset `index`'s file with `bytes` and lists it with matching size, hash
/// and the given dimensions, then signs again: only the content rules can refuse it.
fn swap_asset(dir: &Path, signer: &Signer, index: usize, bytes: &[u8], (w, h): (u32, u32)) {
    let file = crate::kit::asset_file(dir, index);
    std::fs::write(dir.join(&file), bytes).unwrap();
    edit_manifest(dir, |m| {
        m["assets"][index]["size"] = bytes.len().into();
        m["assets"][index]["sha256"] = support::sha256_hex(bytes).into();
        m["assets"][index]["width"] = w.into();
        m["assets"][index]["height"] = h.into();
    });
    signer.sign(dir);
}

/// Zips `dir` (every file at the top level) into `out`, then lets `extra` add entries.
fn zip_folder(dir: &Path, out: &Path, extra: impl FnOnce(&mut zip::ZipWriter<std::fs::File>)) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(&std::fs::read(dir.join(&name)).unwrap())
            .unwrap();
    }
    extra(&mut zip);
    zip.finish().unwrap();
}

/// Overwrites, in both the local and the central header of entry `name`, the 4 bytes
/// at `local_offset` / `central_offset` (relative to each header) with `value`.
fn patch_headers(
    zip: &mut [u8],
    name: &[u8],
    local_offset: usize,
    central_offset: usize,
    value: &[u8],
) {
    let mut patched = 0;
    for position in 0..zip.len().saturating_sub(46) {
        let (name_at, offset) = match &zip[position..position + 4] {
            b"PK\x03\x04" => (position + 30, local_offset),
            b"PK\x01\x02" => (position + 46, central_offset),
            _ => continue,
        };
        if zip.get(name_at..name_at + name.len()) == Some(name) {
            zip[position + offset..position + offset + value.len()].copy_from_slice(value);
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of {name:?} should be patched");
}

/// Every file under `dir` with its SHA-256, and every folder: what "unchanged" means.
/// SQLite's `-shm` file is its shared-memory read index, which any reader updates; it
/// holds no data and is rebuilt from the database and WAL, so it is left out.
fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            if path.is_dir() {
                into.insert(format!("{name}/"), String::new());
                walk(root, &path, into);
            } else if !name.ends_with("-shm") {
                into.insert(name, support::sha256_hex(&std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// One bad kit: how to make it, how to import it, which refusal it must get.
struct Case {
    name: &'static str,
    /// Builds the input in `work` (which holds a good signed kit in `good/`);
    /// returns its path.
    make: fn(&Bench) -> PathBuf,
    /// Install the good kit first (updates, rollbacks, pinned keys).
    preinstall: bool,
    trust: fn(&Bench) -> Trust,
    limits: fn() -> Limits,
    expect: fn(&Error) -> bool,
}

struct Bench {
    work: TempDir,
    signer: Signer,
    other: Signer,
    good: PathBuf,
}

impl Bench {
    fn new() -> Self {
        let work = TempDir::new().unwrap();
        let signer = Signer::new();
        let good = small_kit(&work.path().join("good"), &signer, 2);
        Self {
            work,
            signer,
            other: Signer::new(),
            good,
        }
    }

    /// A copy of the good kit as folder `name`.
    fn copy(&self, name: &str) -> PathBuf {
        let dir = self.work.path().join(name);
        copy_dir(&self.good, &dir);
        dir
    }

    /// A copy edited and signed again by the organizer.
    fn edited(&self, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
        let dir = self.copy(name);
        edit_manifest(&dir, edit);
        self.signer.sign(&dir);
        dir
    }

    /// A copy shipping `bytes` as font `marianne.ttf` of family `family` (listed with
    /// matching size and hash), edited by `edit` and signed again by the organizer.
    fn with_font(
        &self,
        name: &str,
        bytes: &[u8],
        family: &str,
        edit: impl FnOnce(&mut Value),
    ) -> PathBuf {
        let dir = self.copy(name);
        std::fs::write(dir.join("marianne.ttf"), bytes).unwrap();
        edit_manifest(&dir, |m| {
            m["fonts"] = json!([{
                "file": "marianne.ttf", "size": bytes.len(),
                "sha256": support::sha256_hex(bytes), "family": family,
            }]);
            edit(m);
        });
        self.signer.sign(&dir);
        dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    /// The good kit zipped with `extra` entries.
    fn zipped(
        &self,
        name: &str,
        extra: impl FnOnce(&mut zip::ZipWriter<std::fs::File>),
    ) -> PathBuf {
        let out = self.path(name);
        zip_folder(&self.good, &out, extra);
        out
    }
}

fn pinned(bench: &Bench) -> Trust {
    bench.signer.trust()
}

fn default_limits() -> Limits {
    Limits::default()
}

/// Entries above 256 KiB are refused, so a bomb test stays quick.
fn small_files() -> Limits {
    Limits {
        max_file_bytes: 256 * 1024,
        ..Limits::default()
    }
}

fn stored() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
}

/// The size kit.json lists for the small kit's poster.
fn poster_size() -> u64 {
    support::png(64, 48, |x, y| [x as u8 * 4, y as u8 * 5, 90, 255]).len() as u64
}

fn whole_version(error: &Error) -> bool {
    matches!(error, Error::Manifest(ManifestError::Field { field, problem })
        if field == "version" && problem == "must be a whole number of 1 or more")
}

fn case(name: &'static str, make: fn(&Bench) -> PathBuf, expect: fn(&Error) -> bool) -> Case {
    Case {
        name,
        make,
        preinstall: false,
        trust: pinned,
        limits: default_limits,
        expect,
    }
}

fn cases() -> Vec<Case> {
    vec![
        case(
            "kit.json altered after signing",
            |b| {
                let dir = b.copy("altered");
                let path = dir.join(MANIFEST_FILE);
                let mut bytes = std::fs::read(&path).unwrap();
                bytes.extend_from_slice(b"\n");
                std::fs::write(path, bytes).unwrap();
                dir
            },
            |e| matches!(e, Error::Signature(SigError::SignatureInvalid { .. })),
        ),
        case(
            "signature missing",
            |b| {
                let dir = b.copy("unsigned");
                std::fs::remove_file(dir.join("kit.json.minisig")).unwrap();
                dir
            },
            |e| matches!(e, Error::Signature(SigError::SignatureMissing { .. })),
        ),
        case(
            "signature that is not minisign",
            |b| {
                let dir = b.copy("garbled");
                std::fs::write(dir.join("kit.json.minisig"), "untrusted comment: x\nAAAA\n")
                    .unwrap();
                dir
            },
            |e| matches!(e, Error::Signature(SigError::SignatureMalformed { .. })),
        ),
        case(
            "signature by another key",
            |b| {
                let dir = b.copy("other-key");
                b.other.sign(&dir);
                dir
            },
            |e| matches!(e, Error::Signature(SigError::WrongKey { .. })),
        ),
        case(
            "trusted comment for another version",
            |b| {
                let dir = b.copy("comment");
                let real = std::fs::read(dir.join(MANIFEST_FILE)).unwrap();
                // The real kit.json bytes, signed under the comment of version 3: the
                // signature is valid, only the comment lies.
                edit_manifest(&dir, |m| m["version"] = 3.into());
                let v3: kit::Manifest =
                    kit::Manifest::parse(&std::fs::read(dir.join(MANIFEST_FILE)).unwrap()).unwrap();
                let signature =
                    kit::signature::sign(&b.signer.secret, &real, &v3.id, v3.version).unwrap();
                std::fs::write(dir.join(MANIFEST_FILE), &real).unwrap();
                std::fs::write(dir.join("kit.json.minisig"), signature.to_file_text()).unwrap();
                dir
            },
            |e| matches!(e, Error::Signature(SigError::TrustedCommentMismatch { .. })),
        ),
        Case {
            preinstall: true,
            ..case(
                "rollback to an older version",
                |b| b.edited("v1", |m| m["version"] = 1.into()),
                |e| {
                    matches!(
                        e,
                        Error::Rollback {
                            installed: 2,
                            offered: 1,
                            ..
                        }
                    )
                },
            )
        },
        Case {
            preinstall: true,
            ..case(
                "same version, different bytes",
                |b| b.edited("same-version", |m| m["title"]["fr"] = "Autre".into()),
                |e| matches!(e, Error::SameVersionDifferent { version: 2, .. }),
            )
        },
        case(
            "a file with the wrong size",
            |b| {
                let dir = b.copy("size");
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(dir.join("poster.png"))
                    .unwrap();
                file.write_all(b"x").unwrap();
                dir
            },
            |e| matches!(e, Error::SizeMismatch { file, .. } if file == "poster.png"),
        ),
        case(
            "a file with the wrong hash",
            |b| {
                let dir = b.copy("hash");
                let path = dir.join("anim.gif");
                let mut bytes = std::fs::read(&path).unwrap();
                let middle = bytes.len() / 2;
                bytes[middle] ^= 1;
                std::fs::write(path, bytes).unwrap();
                dir
            },
            |e| matches!(e, Error::HashMismatch { file } if file == "anim.gif"),
        ),
        case(
            "a listed file missing",
            |b| {
                let dir = b.copy("missing");
                std::fs::remove_file(dir.join("anim.gif")).unwrap();
                dir
            },
            |e| matches!(e, Error::FileMissing { file } if file == "anim.gif"),
        ),
        case(
            "a listed file that is a symlink",
            |b| {
                let dir = b.copy("link");
                let path = dir.join("anim.gif");
                std::fs::rename(&path, b.path("anim-outside.gif")).unwrap();
                std::os::unix::fs::symlink(b.path("anim-outside.gif"), &path).unwrap();
                dir
            },
            |e| matches!(e, Error::FileIsLink { file } if file == "anim.gif"),
        ),
        case(
            "zip entry escaping with ../",
            |b| {
                b.zipped("escape.relais", |z| {
                    z.start_file("../x.png", stored()).unwrap();
                    z.write_all(b"x").unwrap();
                })
            },
            |e| matches!(e, Error::ArchiveEntry { entry, .. } if entry == "../x.png"),
        ),
        case(
            "absolute zip path",
            |b| {
                b.zipped("absolute.relais", |z| {
                    z.start_file("/tmp/relais-abs.png", stored()).unwrap();
                    z.write_all(b"x").unwrap();
                })
            },
            |e| matches!(e, Error::ArchiveEntry { .. }),
        ),
        case(
            "symlink entry",
            |b| {
                b.zipped("symlink.relais", |z| {
                    z.add_symlink("link.png", "/etc/passwd", stored()).unwrap();
                })
            },
            |e| matches!(e, Error::ArchiveEntry { entry, .. } if entry == "link.png"),
        ),
        case(
            "too many entries",
            |b| {
                b.zipped("many.relais", |z| {
                    for index in 0..=kit::archive::MAX_ENTRIES {
                        z.start_file(format!("e/{index}"), stored()).unwrap();
                    }
                })
            },
            |e| matches!(e, Error::ArchiveTooManyEntries { .. }),
        ),
        case(
            "a listed entry whose header declares more than kit.json lists",
            |b| {
                let dir = b.copy("big-entry");
                std::fs::write(dir.join("poster.png"), vec![0u8; 4 * 1024 * 1024]).unwrap();
                let out = b.path("big-entry.relais");
                zip_folder(&dir, &out, |_| {});
                out
            },
            |e| {
                matches!(e, Error::ArchiveEntry { entry, problem, .. }
                    if entry == "poster.png" && problem.contains(&format!("kit.json lists {}", poster_size())))
            },
        ),
        case(
            "a listed entry whose header lies, declaring the listed size",
            |b| {
                let dir = b.copy("lying-entry");
                std::fs::write(dir.join("poster.png"), vec![0u8; 4 * 1024 * 1024]).unwrap();
                let out = b.path("lying-entry.relais");
                zip_folder(&dir, &out, |_| {});
                let mut bytes = std::fs::read(&out).unwrap();
                // Uncompressed size: 22 bytes into a local header, 24 into a central one.
                let listed = poster_size() as u32;
                patch_headers(&mut bytes, b"poster.png", 22, 24, &listed.to_le_bytes());
                std::fs::write(&out, bytes).unwrap();
                out
            },
            |e| {
                // The zip reader or our own limit stops it, whichever sees it first.
                matches!(e, Error::ArchiveEntry { entry, problem, .. }
                    if entry == "poster.png" && (problem.contains("larger than its declared")
                        || problem.contains(&format!("more than the {} bytes kit.json lists", poster_size()))))
            },
        ),
        case(
            "a kit listing more bytes in all than an import unpacks",
            |b| {
                let dir = b.edited("huge-listing", |m| {
                    let mut assets = Vec::new();
                    for index in 0..21 {
                        let mut asset = m["assets"][0].clone();
                        asset["id"] = format!("p{index}").into();
                        asset["file"] = format!("p{index}.png").into();
                        asset["size"] = (200u64 * 1024 * 1024).into();
                        assets.push(asset);
                    }
                    m["assets"] = assets.into();
                });
                let out = b.path("huge-listing.relais");
                zip_folder(&dir, &out, |_| {});
                out
            },
            |e| matches!(e, Error::ArchiveTooLarge { max_bytes, .. } if *max_bytes == kit::archive::MAX_TOTAL_BYTES),
        ),
        Case {
            limits: small_files,
            ..case(
                "a listed file over the per-file limit",
                |b| {
                    let dir = b.copy("over-limit");
                    let big = support::png(400, 400, |x, y| {
                        [(x * 7 + y * 13) as u8, (x ^ y) as u8, 3, 255]
                    });
                    assert!(
                        big.len() > 256 * 1024,
                        "the poster must exceed the small limit"
                    );
                    swap_asset(&dir, &b.signer, 0, &big, (400, 400));
                    let out = b.path("over-limit.relais");
                    zip_folder(&dir, &out, |_| {});
                    out
                },
                |e| matches!(e, Error::ArchiveTooLarge { entry, max_bytes, .. } if entry == "poster.png" && *max_bytes == 256 * 1024),
            )
        },
        case(
            "truncated zip",
            |b| {
                let out = b.zipped("truncated.relais", |_| {});
                let bytes = std::fs::read(&out).unwrap();
                std::fs::write(&out, &bytes[..bytes.len() - 40]).unwrap();
                out
            },
            |e| matches!(e, Error::Archive { .. }),
        ),
        case(
            "non-UTF-8 zip name",
            |b| {
                let out = b.zipped("latin1.relais", |z| {
                    z.start_file("caf#.png", stored()).unwrap();
                    z.write_all(b"x").unwrap();
                });
                let mut bytes = std::fs::read(&out).unwrap();
                // "caf#" -> "caf\xE9" (é in Latin-1), in both headers.
                patch_headers(&mut bytes, b"caf#.png", 30 + 3, 46 + 3, &[0xE9]);
                std::fs::write(&out, bytes).unwrap();
                out
            },
            |e| matches!(e, Error::ArchiveEntry { .. }),
        ),
        case(
            "two zip entries with the same name",
            |b| {
                let out = b.zipped("duplicate.relais", |z| {
                    z.start_file("dup-a.png", stored()).unwrap();
                    z.write_all(b"x").unwrap();
                    z.start_file("dup-b.png", stored()).unwrap();
                    z.write_all(b"y").unwrap();
                });
                let mut bytes = std::fs::read(&out).unwrap();
                patch_headers(&mut bytes, b"dup-b.png", 30 + 4, 46 + 4, b"a");
                std::fs::write(&out, bytes).unwrap();
                out
            },
            |e| matches!(e, Error::Archive { .. } | Error::ArchiveEntry { .. }),
        ),
        case(
            "a .relais without a signature",
            |b| {
                let dir = b.copy("unsigned-zip");
                std::fs::remove_file(dir.join("kit.json.minisig")).unwrap();
                let out = b.path("unsigned.relais");
                zip_folder(&dir, &out, |_| {});
                out
            },
            |e| matches!(e, Error::Signature(SigError::SignatureMissing { .. })),
        ),
        case(
            "duplicated asset ids",
            |b| b.edited("dup-ids", |m| m["assets"][1]["id"] = "poster".into()),
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, .. }) if field == "assets[1].id"),
        ),
        case(
            "`..` in a kit.json file path",
            |b| {
                b.edited("dotdot", |m| {
                    m["assets"][0]["file"] = "../poster.png".into()
                })
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, problem }) if field == "assets[0].file" && problem.contains("`..`")),
        ),
        case(
            "a 0-byte asset",
            |b| {
                let dir = b.edited("empty", |m| {
                    m["assets"][0]["size"] = 0.into();
                    m["assets"][0]["sha256"] = support::sha256_hex(b"").into();
                });
                std::fs::write(dir.join("poster.png"), b"").unwrap();
                dir
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, .. }) if field == "assets[0].size"),
        ),
        case(
            "GIF frame-count bomb",
            |b| {
                let dir = b.copy("frames");
                let frames = Limits::default().max_frames + 200;
                swap_asset(&dir, &b.signer, 1, &gif_bytes(2, 2, frames), (2, 2));
                dir
            },
            |e| matches!(e, Error::Image { file, .. } if file == "anim.gif"),
        ),
        case(
            "image header over the pixel budget",
            |b| {
                let dir = b.copy("pixels");
                let mut png = support::PNG_SIGNATURE.to_vec();
                png.extend(support::png_chunk(
                    b"IHDR",
                    &support::ihdr_rgba(60_000, 60_000),
                ));
                png.extend(support::png_chunk(
                    b"IDAT",
                    &support::zlib_stored(&[0u8; 64]),
                ));
                png.extend(support::png_chunk(b"IEND", &[]));
                swap_asset(&dir, &b.signer, 0, &png, (60_000, 60_000));
                dir
            },
            |e| matches!(e, Error::Image { file, .. } if file == "poster.png"),
        ),
        case(
            "kit.json that is not JSON",
            |b| {
                let dir = b.copy("not-json");
                std::fs::write(dir.join(MANIFEST_FILE), b"{\"id\": \"petit-kit\", oops").unwrap();
                b.signer.sign(&dir);
                dir
            },
            |e| matches!(e, Error::Manifest(ManifestError::Invalid { .. })),
        ),
        case(
            "schema violation names the field",
            |b| b.edited("schema", |m| m["assets"][1]["expires_at"] = "demain".into()),
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, .. }) if field == "assets[1].expires_at"),
        ),
        case(
            "blackout ending before it starts",
            |b| {
                b.edited("blackout", |m| {
                    m["blackouts"] = json!([{
                        "start": "2026-06-29T22:00:00Z", "end": "2026-06-28T18:00:00Z"
                    }])
                })
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, .. }) if field == "blackouts[0].end"),
        ),
        case(
            "zone referring to an unknown style",
            |b| {
                b.edited("style", |m| {
                    m["assets"][0]["zones"] = json!([{
                        "x": 0.1, "y": 0.7, "width": 0.8, "height": 0.2, "style_id": "nope"
                    }])
                })
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, .. }) if field == "assets[0].zones[0].style_id"),
        ),
        case(
            "a named style naming a font the kit does not ship",
            |b| {
                b.edited("style-font", |m| {
                    m["styles"] = json!([{ "id": "bandeau", "style": { "font": "Marianne" } }])
                })
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, .. }) if field == "styles[0].style.font"),
        ),
        case(
            "a zone's own style naming a font other than the one the kit ships",
            |b| {
                b.with_font("zone-font", &support::inter_bold(), "Inter", |m| {
                    m["assets"][0]["zones"] = json!([{
                        "x": 0.1, "y": 0.7, "width": 0.8, "height": 0.2,
                        "style": { "font": "Marianne" }
                    }])
                })
            },
            |e| {
                matches!(e, Error::Manifest(ManifestError::Field { field, problem })
                    if field == "assets[0].zones[0].style.font" && problem.contains("\"Inter\""))
            },
        ),
        case(
            "a font file that is not a font",
            |b| {
                b.with_font(
                    "garbage-font",
                    b"<html>not a font</html>",
                    "Marianne",
                    |_| {},
                )
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, .. }) if field == "fonts[0].file"),
        ),
        case(
            "a font file cut short",
            |b| {
                let font = support::test_font();
                b.with_font("short-font", &font[..2048], "Marianne", |_| {})
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, .. }) if field == "fonts[0].file"),
        ),
        case(
            "format too new",
            |b| b.edited("future", |m| m["format"] = 2.into()),
            |e| {
                matches!(
                    e,
                    Error::Manifest(ManifestError::FormatTooNew { found: 2, .. })
                )
            },
        ),
        Case {
            preinstall: true,
            trust: |b| b.other.trust(),
            ..case(
                "pinned kit signed by a new key, even when the new key is offered",
                |b| {
                    let dir = b.copy("new-key");
                    edit_manifest(&dir, |m| {
                        m["version"] = 3.into();
                        m["public_key"] = b.other.public.to_base64().into();
                    });
                    b.other.sign(&dir);
                    dir
                },
                |e| matches!(e, Error::OtherKeyOffered { .. }),
            )
        },
        Case {
            preinstall: true,
            ..case(
                "pinned kit signed by a new key kit.json carries",
                |b| {
                    let dir = b.copy("new-key-embedded");
                    edit_manifest(&dir, |m| {
                        m["version"] = 3.into();
                        m["public_key"] = b.other.public.to_base64().into();
                    });
                    b.other.sign(&dir);
                    dir
                },
                |e| matches!(e, Error::KeyChanged { .. }),
            )
        },
        Case {
            preinstall: true,
            ..case(
                "same version re-imported from a damaged copy",
                |b| {
                    let dir = b.copy("damaged-copy");
                    let path = dir.join("poster.png");
                    let mut bytes = std::fs::read(&path).unwrap();
                    let middle = bytes.len() / 2;
                    bytes[middle] ^= 0x40;
                    std::fs::write(path, bytes).unwrap();
                    dir
                },
                |e| matches!(e, Error::CopyDamaged { version: 2, problem, .. } if matches!(**problem, Error::HashMismatch { .. })),
            )
        },
        Case {
            preinstall: true,
            ..case(
                "same version re-imported from a .relais file missing a file",
                |b| {
                    let dir = b.copy("damaged-zip");
                    std::fs::remove_file(dir.join("anim.gif")).unwrap();
                    let out = b.path("damaged-copy.relais");
                    zip_folder(&dir, &out, |_| {});
                    out
                },
                |e| matches!(e, Error::CopyDamaged { problem, .. } if matches!(**problem, Error::FileMissing { .. })),
            )
        },
        case(
            "a JPEG whose entropy-coded data is corrupt",
            |b| {
                let dir = b.copy("corrupt-jpeg");
                let jpeg = support::corrupt_jpeg(64, 48);
                std::fs::remove_file(dir.join("poster.png")).unwrap();
                edit_manifest(&dir, |m| m["assets"][0]["file"] = "poster.jpg".into());
                std::fs::write(dir.join("poster.jpg"), &jpeg).unwrap();
                swap_asset(&dir, &b.signer, 0, &jpeg, (64, 48));
                dir
            },
            |e| matches!(e, Error::Image { file, .. } if file == "poster.jpg"),
        ),
        case(
            "a negative version",
            |b| b.edited("version-negative", |m| m["version"] = (-1).into()),
            whole_version,
        ),
        case(
            "a version written as text",
            |b| b.edited("version-text", |m| m["version"] = "3".into()),
            whole_version,
        ),
        case(
            "a version past 2^64",
            |b| {
                let dir = b.copy("version-huge");
                let path = dir.join(MANIFEST_FILE);
                let text = std::fs::read_to_string(&path).unwrap();
                let text = text.replacen("\"version\": 2", "\"version\": 18446744073709551616", 1);
                std::fs::write(&path, text).unwrap();
                b.signer.sign(&dir);
                dir
            },
            whole_version,
        ),
        case(
            "a width that is not a number names the asset's field",
            |b| b.edited("width-text", |m| m["assets"][1]["width"] = "large".into()),
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, problem }) if field == "assets[1].width" && problem.contains("whole number of pixels")),
        ),
        case(
            "a missing title names it",
            |b| {
                b.edited("no-title", |m| {
                    m["assets"][0].as_object_mut().unwrap().remove("title");
                })
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, problem }) if field == "assets[0].title" && problem == "is missing"),
        ),
        case(
            "a backslash in a file path says so",
            |b| {
                b.edited("backslash", |m| {
                    m["assets"][0]["file"] = "img\\poster.png".into()
                })
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, problem }) if field == "assets[0].file" && problem.contains("backslash")),
        ),
        case(
            "a NUL byte in a file path says so",
            |b| b.edited("nul", |m| m["assets"][0]["file"] = "poster\u{0}.png".into()),
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, problem }) if field == "assets[0].file" && problem.contains("NUL")),
        ),
        case(
            "a leading slash in a file path says so",
            |b| {
                b.edited("leading-slash", |m| {
                    m["assets"][0]["file"] = "/poster.png".into()
                })
            },
            |e| matches!(e, Error::Manifest(ManifestError::Field { field, problem }) if field == "assets[0].file" && problem.contains("starts with `/`")),
        ),
        Case {
            trust: |_| Trust::KnownOnly,
            ..case(
                "unknown kit without a confirmed key",
                |b| b.good.clone(),
                |e| matches!(e, Error::NotTrusted { .. }),
            )
        },
        Case {
            trust: |b| Trust::Fingerprint(b.other.public.fingerprint()),
            ..case(
                "confirmed fingerprint is not the kit's key",
                |b| b.good.clone(),
                |e| matches!(e, Error::FingerprintMismatch { .. }),
            )
        },
        case(
            "neither a folder nor a file",
            |b| b.path("nothing-here"),
            |e| matches!(e, Error::NotAKit { .. }),
        ),
    ]
}

#[test]
fn every_bad_kit_is_refused_with_its_own_error_and_the_data_folder_untouched() {
    let bench = Bench::new();
    let cases = cases();
    assert!(
        cases.len() >= 25,
        "the suite should cover at least 25 bad kits"
    );
    let mut failures = Vec::new();
    for case in &cases {
        let data = TempDir::new().unwrap();
        let mut store = Store::open(data.path()).unwrap();
        if case.preinstall {
            import_path(
                &mut store,
                &bench.good,
                &pinned(&bench),
                NOW,
                &Limits::default(),
            )
            .expect("the good kit should install");
        }
        let input = (case.make)(&bench);
        let before = snapshot(data.path());
        let result = import_path(
            &mut store,
            &input,
            &(case.trust)(&bench),
            NOW + 60,
            &(case.limits)(),
        );
        let after = snapshot(data.path());
        match result {
            Ok(report) => failures.push(format!("{}: imported ({report:?})", case.name)),
            Err(error) if !(case.expect)(&error) => {
                failures.push(format!("{}: wrong refusal {error:?}", case.name))
            }
            Err(error) => {
                let message = error.to_string();
                if message.trim().is_empty() {
                    failures.push(format!("{}: empty message", case.name));
                }
            }
        }
        if before != after {
            failures.push(format!(
                "{}: the data folder changed: before {before:?}, after {after:?}",
                case.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "every bad kit must be refused with its error and write nothing:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_good_kit_of_the_bad_kit_suite_imports_as_a_folder_and_as_a_relais_file() {
    let bench = Bench::new();
    for input in [bench.good.clone(), bench.zipped("good.relais", |_| {})] {
        let data = TempDir::new().unwrap();
        let mut store = Store::open(data.path()).unwrap();
        let report = import_path(&mut store, &input, &pinned(&bench), NOW, &Limits::default())
            .unwrap_or_else(|error| panic!("{} should import: {error}", input.display()));
        assert_eq!(report.assets, 2, "both assets should be installed");
        assert!(
            !data.path().join("staging").exists(),
            "the staging folder should be gone after an import"
        );
    }
}

#[test]
fn entries_a_relais_file_does_not_list_are_never_inflated() {
    let bench = Bench::new();
    let padding: Vec<u8> = b"PADDING!".repeat(128 * 1024);
    let out = bench.zipped("padded.relais", |z| {
        z.start_file("padding.bin", stored()).unwrap();
        z.write_all(&padding).unwrap();
    });
    // Damage the padding: any reader that inflated it to the end would fail its CRC.
    let mut bytes = std::fs::read(&out).unwrap();
    let at = bytes
        .windows(16)
        .position(|window| window == b"PADDING!PADDING!")
        .expect("the stored padding");
    bytes[at + 4096] ^= 0xFF;
    std::fs::write(&out, bytes).unwrap();

    let data = TempDir::new().unwrap();
    let mut store = Store::open(data.path()).unwrap();
    let report = import_path(&mut store, &out, &pinned(&bench), NOW, &Limits::default())
        .expect("an unlisted entry is ignored, never inflated, so its damage cannot matter");
    assert_eq!(report.assets, 2, "the listed files are installed");
    assert!(
        !data.path().join("staging").exists(),
        "nothing is left in staging"
    );
}

fn cases_from_env() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(64)
}

/// What the fuzz cases mangle, made once.
struct FuzzBench {
    bench: Bench,
    manifest: Vec<u8>,
    relais: Vec<u8>,
}

fn fuzz_bench() -> &'static FuzzBench {
    static BENCH: std::sync::OnceLock<FuzzBench> = std::sync::OnceLock::new();
    BENCH.get_or_init(|| {
        let bench = Bench::new();
        let manifest = std::fs::read(bench.good.join(MANIFEST_FILE)).unwrap();
        let relais = std::fs::read(bench.zipped("fuzz-base.relais", |_| {})).unwrap();
        FuzzBench {
            bench,
            manifest,
            relais,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases_from_env()))]

    #[test]
    fn fuzz_manifest_parsing_never_panics(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = fuzz_bench().manifest.clone();
        for (at, value) in flips {
            let index = at.index(bytes.len());
            bytes[index] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        // Whatever parses must mean the same thing once written back: a manifest that
        // the parser reads one way and the writer another would sign what no one saw.
        if let Ok(manifest) = kit::Manifest::parse(&bytes) {
            let written = serde_json::to_vec(&manifest).expect("a parsed manifest serializes");
            let again = kit::Manifest::parse(&written);
            prop_assert!(again.is_ok(), "a parsed manifest, written back, should parse: {:?}", again.err());
            prop_assert_eq!(again.unwrap(), manifest, "parsing what was written back should give the same manifest");
        }
    }

    #[test]
    fn fuzz_mangled_relais_files_never_panic_and_never_write_on_refusal(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let fuzz = fuzz_bench();
        let mut bytes = fuzz.relais.clone();
        for (at, value) in flips {
            let index = at.index(bytes.len());
            bytes[index] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let work = TempDir::new().unwrap();
        let input = work.path().join("mangled.relais");
        std::fs::write(&input, &bytes).unwrap();
        let data = work.path().join("data");
        let mut store = Store::open(&data).unwrap();
        let before = snapshot(&data);
        let result = import_path(&mut store, &input, &fuzz.bench.signer.trust(), NOW, &Limits::default());
        if result.is_err() {
            prop_assert_eq!(before, snapshot(&data), "a refused import wrote to the data folder");
        }
    }
}
