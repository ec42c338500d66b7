use std::fs::File;
use std::io::Read;
use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::blob::sha256_hex;
use super::manifest::{AssetEntry, AssetKind, Manifest};
use super::{thumbnail, Error, MANIFEST_FILE};
use crate::db::Store;
use crate::render::{self, Limits};

const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

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
}

struct Checked<'a> {
    entry: &'a AssetEntry,
    thumbnail: Vec<u8>,
}

/// Imports the kit in `folder` into the library. Every file is checked (size, SHA-256,
/// decodable within the pixel budget, dimensions as declared) before anything is
/// written, and the library rows change in one transaction: a failure leaves the
/// previously installed version as it was.
pub fn import_folder(
    store: &mut Store,
    folder: &Path,
    now_unix: i64,
    limits: &Limits,
) -> Result<ImportReport, Error> {
    let manifest_path = folder.join(MANIFEST_FILE);
    let manifest_bytes = read_manifest(&manifest_path, folder)?;
    let manifest = Manifest::parse(&manifest_bytes)?;
    let manifest_sha = sha256_hex(&manifest_bytes);

    let installed: Option<(u64, String)> = store
        .conn()
        .query_row(
            "SELECT version, manifest_sha256 FROM kit WHERE id = ?1",
            params![manifest.id],
            |row| Ok((row.get::<_, i64>(0)? as u64, row.get(1)?)),
        )
        .optional()?;
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
                return Ok(ImportReport {
                    kit_id: manifest.id.clone(),
                    version: manifest.version,
                    assets: manifest.assets.len(),
                    outcome: ImportOutcome::Unchanged,
                });
            }
            return Err(Error::SameVersionDifferent {
                kit: manifest.id.clone(),
                version: manifest.version,
            });
        }
    }

    let checked = manifest
        .assets
        .iter()
        .map(|entry| check_asset(folder, entry, limits))
        .collect::<Result<Vec<_>, _>>()?;

    let blobs = store.blobs().clone();
    let mut thumbs = Vec::with_capacity(checked.len());
    for item in &checked {
        let mut file = open_asset(folder, item.entry)?;
        blobs
            .put_verified(&mut file, &item.entry.sha256)
            .map_err(|source| Error::Blob { source })?;
        thumbs.push(
            blobs
                .put(&item.thumbnail)
                .map_err(|source| Error::Blob { source })?,
        );
    }

    let manifest_json = String::from_utf8_lossy(&manifest_bytes).into_owned();
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "INSERT INTO kit (id, title, publisher, version, manifest_sha256, manifest, installed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, publisher = excluded.publisher,
           version = excluded.version, manifest_sha256 = excluded.manifest_sha256,
           manifest = excluded.manifest, installed_at = excluded.installed_at",
        params![
            manifest.id,
            serde_json::to_string(&manifest.title).unwrap_or_default(),
            manifest.publisher,
            manifest.version as i64,
            manifest_sha,
            manifest_json,
            now_unix
        ],
    )?;
    tx.execute("DELETE FROM asset WHERE kit_id = ?1", params![manifest.id])?;
    for (position, (item, thumb)) in checked.iter().zip(&thumbs).enumerate() {
        let entry = item.entry;
        tx.execute(
            "INSERT INTO asset (kit_id, id, position, kind, sha256, thumb_sha256, width, height, entry)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                manifest.id,
                entry.id,
                position as i64,
                entry.kind.as_str(),
                entry.sha256,
                thumb,
                entry.width,
                entry.height,
                serde_json::to_string(entry).unwrap_or_default()
            ],
        )?;
    }
    tx.commit()?;
    tracing::info!(kit = %manifest.id, version = manifest.version, assets = checked.len(), "kit imported");
    Ok(ImportReport {
        kit_id: manifest.id.clone(),
        version: manifest.version,
        assets: manifest.assets.len(),
        outcome: match installed {
            Some((previous, _)) => ImportOutcome::Updated(previous),
            None => ImportOutcome::Installed,
        },
    })
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

fn open_asset(folder: &Path, entry: &AssetEntry) -> Result<File, Error> {
    let path = folder.join(&entry.file);
    // Links could point anywhere on the disk: only regular files count as kit files.
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_file() => {}
        Ok(_) => {
            return Err(Error::FileMissing {
                file: entry.file.clone(),
            })
        }
        Err(source) if source.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::FileMissing {
                file: entry.file.clone(),
            })
        }
        Err(source) => {
            return Err(Error::FileRead {
                file: entry.file.clone(),
                source,
            })
        }
    }
    File::open(&path).map_err(|source| Error::FileRead {
        file: entry.file.clone(),
        source,
    })
}

fn check_asset<'a>(
    folder: &Path,
    entry: &'a AssetEntry,
    limits: &Limits,
) -> Result<Checked<'a>, Error> {
    let picture = check(folder, entry, limits)?;
    let thumbnail = thumbnail::make(&picture).map_err(|source| Error::Image {
        file: entry.file.clone(),
        source,
    })?;
    Ok(Checked { entry, thumbnail })
}

/// Checks one listed file against its kit.json entry: size, SHA-256, decodable within
/// `limits`, dimensions and kind as declared. Shared by import and `relais kit verify`
/// so the organizer's check and the volunteer's are the same check.
pub(crate) fn check(
    folder: &Path,
    entry: &AssetEntry,
    limits: &Limits,
) -> Result<render::Picture, Error> {
    let file = open_asset(folder, entry)?;
    let mut bytes = Vec::new();
    file.take(entry.size + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::FileRead {
            file: entry.file.clone(),
            source,
        })?;
    if bytes.len() as u64 != entry.size {
        return Err(Error::SizeMismatch {
            file: entry.file.clone(),
            expected: entry.size,
            actual: if bytes.len() as u64 > entry.size {
                std::fs::metadata(folder.join(&entry.file))
                    .map(|m| m.len())
                    .unwrap_or(bytes.len() as u64)
            } else {
                bytes.len() as u64
            },
        });
    }
    if sha256_hex(&bytes) != entry.sha256 {
        return Err(Error::HashMismatch {
            file: entry.file.clone(),
        });
    }
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
    let picture = render::decode_bytes(&bytes, &entry.file, limits).map_err(image_error)?;
    if entry.kind == AssetKind::Animation && !picture.is_animated() {
        return Err(Error::Field {
            field: format!("assets.{}.kind", entry.id),
            problem: "says animation but the file has a single frame".to_owned(),
        });
    }
    Ok(picture)
}
