use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::Serialize;

use super::manifest::{AssetEntry, AssetKind, FontEntry, Localized, Manifest};
use super::signature::{Fingerprint, Signature};
use super::trust::{self, Trust};
use super::{thumbnail, Error, MANIFEST_FILE};
use crate::db::blobs::sha256_hex;
use crate::db::{self, Store};
use crate::render::{self, Limits};

/// kit.json is a list of files and texts; anything larger is not one.
pub(crate) const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(
    rename_all = "snake_case",
    tag = "outcome",
    content = "previous_version"
)]
pub enum ImportOutcome {
    Installed,
    Updated(u64),
    /// The same version with the same bytes was already installed.
    Unchanged,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub kit_id: String,
    pub version: u64,
    pub assets: usize,
    #[serde(flatten)]
    pub outcome: ImportOutcome,
    /// The key that signed this version.
    pub fingerprint: Fingerprint,
    /// Assets the previous version had that this version withdraws, with the reason:
    /// the volunteer must be told, and queued jobs using them cancelled.
    pub retracted: Vec<RetractedAsset>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetractedAsset {
    pub asset_id: String,
    pub title: Localized,
    pub reason: Localized,
}

struct Checked<'a> {
    entry: &'a AssetEntry,
    thumbnail: Thumbnail,
}

enum Thumbnail {
    /// Already in the blob store for an asset with the same bytes.
    Cached(String),
    Fresh(Vec<u8>),
}

/// Imports the kit in `folder` into the library. The signature is checked first, with
/// the key pinned for this kit id or the one `trust` allows; then every file (size,
/// SHA-256, decodable within the pixel budget, dimensions as declared) before anything
/// is written. Blobs are content-addressed, so writing them cannot disturb the
/// installed version, and the library rows switch in one transaction: a failure at any
/// point leaves the previous version as it was.
pub fn import_folder(
    store: &mut Store,
    folder: &Path,
    trust: &Trust,
    now_unix: i64,
    limits: &Limits,
) -> Result<ImportReport, Error> {
    let manifest_path = folder.join(MANIFEST_FILE);
    let manifest_bytes = read_manifest(&manifest_path, folder)?;
    let manifest = Manifest::parse(&manifest_bytes)?;
    let signature = Signature::read(folder)?;
    let key = trust::authenticate(store, &manifest, &manifest_bytes, &signature, trust)?;
    let fingerprint = key.fingerprint();
    let key_id = key.key_id().to_string();
    let manifest_sha = sha256_hex(&manifest_bytes);

    let installed = installed(store, &manifest.id)?;
    let report = |outcome, retracted| ImportReport {
        kit_id: manifest.id.clone(),
        version: manifest.version,
        assets: manifest
            .assets
            .iter()
            .filter(|asset| asset.retracted.is_none())
            .count(),
        outcome,
        fingerprint,
        retracted,
    };
    if let Some((version, sha)) = &installed {
        if manifest.version < *version {
            return Err(Error::Rollback {
                kit: manifest.id.clone(),
                installed: *version,
                offered: manifest.version,
            });
        }
        if manifest.version == *version {
            if *sha == manifest_sha {
                // The same signed kit.json, but this copy's files could still be
                // damaged: say so rather than "unchanged".
                for listed in manifest.listed_files() {
                    read_listed(folder, listed.file, listed.size, listed.sha256)
                        .map_err(|problem| damaged_copy(&manifest, problem))?;
                }
                // A library from before keys were pinned learns the key here.
                let tx = store.conn_mut().transaction()?;
                trust::pin(&tx, &manifest.id, &key, now_unix)?;
                tx.commit()?;
                return Ok(report(ImportOutcome::Unchanged, Vec::new()));
            }
            return Err(Error::SameVersionDifferent {
                kit: manifest.id.clone(),
                version: manifest.version,
            });
        }
    }

    for (index, font) in manifest.fonts.iter().enumerate() {
        check_font(folder, index, font)?;
    }
    let checked = manifest
        .assets
        .iter()
        .filter(|entry| entry.retracted.is_none())
        .map(|entry| check_asset(store, folder, entry, limits))
        .collect::<Result<Vec<_>, _>>()?;

    let blobs = store.blobs().clone();
    let blob_error = |source| Error::Blob { source };
    for font in &manifest.fonts {
        let mut file = open_listed(folder, &font.file)?;
        blobs
            .put_verified(&mut file, &font.sha256)
            .map_err(blob_error)?;
    }
    let mut thumbs = Vec::with_capacity(checked.len());
    for item in &checked {
        let mut file = open_listed(folder, &item.entry.file)?;
        blobs
            .put_verified(&mut file, &item.entry.sha256)
            .map_err(blob_error)?;
        thumbs.push(match &item.thumbnail {
            Thumbnail::Cached(sha) => sha.clone(),
            Thumbnail::Fresh(bytes) => blobs.put(bytes).map_err(blob_error)?,
        });
    }

    let previous = previous_files(store, &manifest.id)?;
    let retracted = newly_retracted(&manifest, &previous.asset_ids);
    let row = db::kits::KitRow {
        id: manifest.id.clone(),
        title_json: serde_json::to_string(&manifest.title).map_err(encode)?,
        publisher: manifest.publisher.clone(),
        version: manifest.version,
        manifest_sha256: manifest_sha,
        manifest_json: String::from_utf8_lossy(&manifest_bytes).into_owned(),
        installed_at: now_unix,
        key_id,
        valid_from: manifest.valid_from.clone(),
        expires_at: manifest.expires_at.clone(),
    };
    let assets = checked
        .iter()
        .zip(&thumbs)
        .enumerate()
        .map(|(position, (item, thumb))| {
            let entry = item.entry;
            Ok(db::assets::AssetRow {
                kit_id: manifest.id.clone(),
                id: entry.id.clone(),
                position: position as i64,
                kind: entry.kind.as_str(),
                sha256: entry.sha256.clone(),
                thumb_sha256: thumb.clone(),
                width: entry.width,
                height: entry.height,
                entry_json: serde_json::to_string(entry).map_err(encode)?,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let fonts: Vec<&str> = manifest
        .fonts
        .iter()
        .map(|font| font.sha256.as_str())
        .collect();
    let tx = store.conn_mut().transaction()?;
    db::kits::upsert(&tx, &row)?;
    trust::pin(&tx, &manifest.id, &key, now_unix)?;
    db::assets::replace(&tx, &manifest.id, &assets)?;
    db::kit_fonts::replace(&tx, &manifest.id, &fonts)?;
    tx.commit()?;
    // Only after the switch: the previous version's files that nothing uses any more.
    super::library::collect_garbage(store, previous.blobs);
    tracing::info!(kit = %manifest.id, version = manifest.version, assets = checked.len(), key = %fingerprint, "kit imported");
    Ok(report(
        match installed {
            Some((previous, _)) => ImportOutcome::Updated(previous),
            None => ImportOutcome::Installed,
        },
        retracted,
    ))
}

/// The installed version of `kit_id` and the SHA-256 of its kit.json.
fn installed(store: &Store, kit_id: &str) -> Result<Option<(u64, String)>, Error> {
    Ok(db::kits::installed(store.conn(), kit_id)?
        .map(|installed| (installed.version, installed.manifest_sha256)))
}

/// Serializing our own types cannot fail; if it ever did, nothing is written.
fn encode(error: serde_json::Error) -> Error {
    Error::StoredDataDamaged {
        what: "new kit".to_owned(),
        key: String::new(),
        detail: error.to_string(),
    }
}

fn damaged_copy(manifest: &Manifest, problem: Error) -> Error {
    Error::CopyDamaged {
        kit: manifest.id.clone(),
        version: manifest.version,
        problem: Box::new(problem),
    }
}

struct Previous {
    asset_ids: HashSet<String>,
    blobs: HashSet<String>,
}

/// What the installed version of `kit_id` shows and stores.
fn previous_files(store: &Store, kit_id: &str) -> Result<Previous, Error> {
    let mut previous = Previous {
        asset_ids: HashSet::new(),
        blobs: super::library::kit_font_blobs(store, kit_id)?,
    };
    for files in db::assets::files_of_kit(store.conn(), kit_id)? {
        previous.asset_ids.insert(files.id);
        previous.blobs.insert(files.sha256);
        previous.blobs.insert(files.thumb_sha256);
    }
    Ok(previous)
}

fn newly_retracted(manifest: &Manifest, shown_before: &HashSet<String>) -> Vec<RetractedAsset> {
    manifest
        .assets
        .iter()
        .filter(|asset| shown_before.contains(&asset.id))
        .filter_map(|asset| {
            asset.retracted.as_ref().map(|retraction| RetractedAsset {
                asset_id: asset.id.clone(),
                title: asset.title.clone(),
                reason: retraction.reason.clone(),
            })
        })
        .collect()
}

pub(crate) fn read_manifest(path: &Path, folder: &Path) -> Result<Vec<u8>, Error> {
    let file = File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::ManifestMissing {
            folder: folder.to_path_buf(),
        },
        _ => Error::ManifestRead {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::ManifestRead {
            path: path.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(Error::ManifestTooLarge {
            max_bytes: MAX_MANIFEST_BYTES,
        });
    }
    Ok(bytes)
}

fn open_listed(folder: &Path, file: &str) -> Result<File, Error> {
    let path = folder.join(file);
    let missing = || Error::FileMissing {
        file: file.to_owned(),
    };
    // Links could point anywhere on the disk: only regular files count as kit files.
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_file() => {}
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::FileIsLink {
                file: file.to_owned(),
            })
        }
        Ok(_) => {
            return Err(Error::FileNotRegular {
                file: file.to_owned(),
            })
        }
        Err(source) if source.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
        Err(source) => {
            return Err(Error::FileRead {
                file: file.to_owned(),
                source,
            })
        }
    }
    File::open(&path).map_err(|source| Error::FileRead {
        file: file.to_owned(),
        source,
    })
}

/// The bytes of a listed file, read with a limit of its declared size, refused unless
/// size and SHA-256 are exactly as listed.
pub(crate) fn read_listed(
    folder: &Path,
    file: &str,
    size: u64,
    sha256: &str,
) -> Result<Vec<u8>, Error> {
    let reader = open_listed(folder, file)?;
    let mut bytes = Vec::new();
    reader
        .take(size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| Error::FileRead {
            file: file.to_owned(),
            source,
        })?;
    if bytes.len() as u64 != size {
        return Err(Error::SizeMismatch {
            file: file.to_owned(),
            expected: size,
            actual: if bytes.len() as u64 > size {
                std::fs::metadata(folder.join(file))
                    .map(|m| m.len())
                    .unwrap_or(bytes.len() as u64)
            } else {
                bytes.len() as u64
            },
        });
    }
    if sha256_hex(&bytes) != sha256 {
        return Err(Error::HashMismatch {
            file: file.to_owned(),
        });
    }
    Ok(bytes)
}

/// Checks one of the kit's fonts against its kit.json entry (size, SHA-256) and that it
/// is a font the typesetter can draw with, so a volunteer never meets a broken one.
pub(crate) fn check_font(folder: &Path, index: usize, font: &FontEntry) -> Result<(), Error> {
    let bytes = read_listed(folder, &font.file, font.size, &font.sha256)?;
    render::check_font(&bytes, &font.file).map_err(|_| {
        Error::field(
            format!("fonts[{index}].file"),
            format!(
                "`{}` is not a TrueType or OpenType font Relais can draw with",
                font.file
            ),
        )
    })
}

fn check_asset<'a>(
    store: &Store,
    folder: &Path,
    entry: &'a AssetEntry,
    limits: &Limits,
) -> Result<Checked<'a>, Error> {
    let first_frame = check(folder, entry, limits)?;
    // Thumbnails are made once per asset content, whichever kit or version lists it.
    let cached = db::assets::thumbnail_of(store.conn(), &entry.sha256)?;
    let thumbnail = match cached.filter(|sha| store.blobs().contains(sha)) {
        Some(sha) => Thumbnail::Cached(sha),
        None => Thumbnail::Fresh(
            thumbnail::make(&first_frame).map_err(|source| Error::Image {
                file: entry.file.clone(),
                source,
            })?,
        ),
    };
    Ok(Checked { entry, thumbnail })
}

/// Checks one listed file against its kit.json entry: size, SHA-256, decodable within
/// `limits` (a long GIF frame by frame, as its export will be), dimensions and kind as
/// declared; returns the first frame. Shared by import and `relais kit verify` so the
/// organizer's check and the volunteer's are the same check.
pub(crate) fn check(
    folder: &Path,
    entry: &AssetEntry,
    limits: &Limits,
) -> Result<image::RgbaImage, Error> {
    let bytes = read_listed(folder, &entry.file, entry.size, &entry.sha256)?;
    let image_error = |source| Error::Image {
        file: entry.file.clone(),
        source,
    };
    let (_, width, height) =
        render::probe_dimensions(&bytes, &entry.file, limits).map_err(image_error)?;
    if (width, height) != (entry.width, entry.height) {
        return Err(Error::DimensionMismatch {
            file: entry.file.clone(),
            width: entry.width,
            height: entry.height,
            actual_width: width,
            actual_height: height,
        });
    }
    let (first_frame, frames) =
        render::verify_decodes(&bytes, &entry.file, limits).map_err(image_error)?;
    if entry.kind == AssetKind::Animation && frames < 2 {
        return Err(Error::field(
            format!("assets.{}.kind", entry.id),
            "says animation but the file has a single frame",
        ));
    }
    Ok(first_frame)
}

/// Imports a kit folder or a `.relais` file. A `.relais` file has its names checked
/// and its signature verified before anything is unpacked; then only the files its
/// kit.json lists are unpacked, each bounded by its listed size, into a staging folder
/// inside the data folder (same disk, so blobs move cheaply), imported like a folder,
/// and the staging folder removed whatever happens.
pub fn import_path(
    store: &mut Store,
    path: &Path,
    trust: &Trust,
    now_unix: i64,
    limits: &Limits,
) -> Result<ImportReport, Error> {
    if !super::archive::is_archive(path) {
        if !path.is_dir() {
            return Err(Error::NotAKit {
                path: path.to_path_buf(),
            });
        }
        return import_folder(store, path, trust, now_unix, limits);
    }
    let mut archive = super::archive::Archive::open(path)?;
    let (manifest_bytes, signature) = archive.manifest_and_signature()?;
    let manifest = Manifest::parse(&manifest_bytes)?;
    let signature_text = signature.ok_or_else(|| super::signature::Error::SignatureMissing {
        path: path.join(super::signature::SIGNATURE_FILE),
    })?;
    let signature = Signature::parse(&signature_text)?;
    trust::authenticate(store, &manifest, &manifest_bytes, &signature, trust)?;
    let signed = super::archive::SignedManifest {
        bytes: &manifest_bytes,
        manifest: &manifest,
        signature: &signature_text,
    };

    let staging_root = store.root().join(STAGING_DIR);
    let created_root = !staging_root.exists();
    let staging_error = |source| Error::Staging {
        path: staging_root.clone(),
        source,
    };
    std::fs::create_dir_all(&staging_root).map_err(staging_error)?;
    let result = tempfile::Builder::new()
        .prefix("kit-")
        .tempdir_in(&staging_root)
        .map_err(staging_error)
        .and_then(|staging| {
            let reinstall = installed(store, &manifest.id)?
                .is_some_and(|(_, sha)| sha == sha256_hex(&manifest_bytes));
            archive
                .extract_listed(staging.path(), &signed, limits)
                .map_err(|problem| match problem {
                    // The installed kit is this very version: a bad entry only means
                    // this copy is damaged.
                    Error::ArchiveEntry { .. } | Error::FileMissing { .. } if reinstall => {
                        damaged_copy(&manifest, problem)
                    }
                    other => other,
                })?;
            let report = import_folder(store, staging.path(), trust, now_unix, limits);
            staging.close().map_err(staging_error)?;
            report
        });
    if created_root {
        // Only removes it when empty, i.e. no other import is staging right now.
        let _ = std::fs::remove_dir(&staging_root);
    }
    result
}

/// Where `.relais` files are unpacked, inside the data folder.
pub const STAGING_DIR: &str = "staging";
