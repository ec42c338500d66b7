//! Read side of the library: what the Library view and the CLI list.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::key::{Fingerprint, PublicKey};
use super::manifest::{AssetEntry, Blackout, FontEntry, Localized, Manifest, NamedStyle};
use super::Error;
use crate::dates::parse_rfc3339;
use crate::db::{self, Store};

#[derive(Debug, Clone, Serialize)]
pub struct KitSummary {
    pub id: String,
    pub title: Localized,
    pub publisher: String,
    pub version: u64,
    pub assets: u64,
    pub installed_at: i64,
    /// The pinned signing key's fingerprint; None for a kit installed before keys were
    /// pinned and not imported since.
    pub fingerprint: Option<Fingerprint>,
    /// Where the kit is synced from; None for a file or folder import.
    pub source_url: Option<String>,
    pub last_checked: Option<i64>,
    pub expires_at: Option<String>,
}

/// Whether an asset may be exported or posted now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Availability {
    Available,
    Expired { since: String },
    NotYet { from: String },
}

#[derive(Debug, Clone, Serialize)]
pub struct AssetSummary {
    pub kit_id: String,
    pub kit_title: Localized,
    pub thumb_sha256: String,
    pub availability: Availability,
    /// The kit's named styles, the only ones besides Relais's own that the editor offers.
    pub styles: Vec<NamedStyle>,
    /// The kit's fonts, which its styles name; for drawing, not for the window.
    #[serde(skip)]
    pub fonts: Vec<FontEntry>,
    #[serde(flatten)]
    pub entry: AssetEntry,
}

pub fn list_kits(store: &Store) -> Result<Vec<KitSummary>, Error> {
    db::kits::list(store.conn())?
        .into_iter()
        .map(|kit| {
            let fingerprint = kit
                .public_key
                .map(|key| {
                    PublicKey::parse(&key)
                        .map(|key| key.fingerprint())
                        .map_err(|error| stored("pinned key", &kit.id, error))
                })
                .transpose()?;
            Ok(KitSummary {
                title: parse_stored("kit title", &kit.id, &kit.title_json)?,
                id: kit.id,
                publisher: kit.publisher,
                version: kit.version,
                assets: kit.assets,
                installed_at: kit.installed_at,
                fingerprint,
                source_url: kit.source_url,
                last_checked: kit.last_checked,
                expires_at: kit.expires_at,
            })
        })
        .collect()
}

/// Only the part of a stored manifest the library rows need.
#[derive(Clone, Default, serde::Deserialize)]
struct KitStyles {
    #[serde(default)]
    styles: Vec<NamedStyle>,
    #[serde(default)]
    fonts: Vec<FontEntry>,
}

/// Stored data that no longer parses: logged, and refused with a sentence rather than
/// shown as empty. Rows are written by this code, so this is damage or a downgrade.
pub(crate) fn stored(what: &str, key: &str, error: impl std::fmt::Display) -> Error {
    tracing::error!(what, key, %error, "the library holds data that does not parse");
    Error::StoredDataDamaged {
        what: what.to_owned(),
        key: key.to_owned(),
        detail: error.to_string(),
    }
}

pub(crate) fn parse_stored<T: serde::de::DeserializeOwned>(
    what: &str,
    key: &str,
    json: &str,
) -> Result<T, Error> {
    serde_json::from_str(json).map_err(|error| stored(what, key, error))
}

/// Summaries for library rows; a kit's stored kit.json is parsed once, however many of
/// its assets are listed. `now_unix` None: availability at the kit's install time.
fn summaries(
    rows: Vec<db::assets::LibraryRow>,
    store: &Store,
    now_unix: Option<i64>,
) -> Result<Vec<AssetSummary>, Error> {
    let mut kits: HashMap<String, KitStyles> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let entry: AssetEntry = parse_stored("asset", &row.kit_id, &row.entry_json)?;
        if entry.retracted.is_some() {
            continue;
        }
        if !kits.contains_key(&row.kit_id) {
            let json = db::kits::manifest(store.conn(), &row.kit_id)?.unwrap_or_default();
            let styles: KitStyles = parse_stored("kit", &row.kit_id, &json)?;
            kits.insert(row.kit_id.clone(), styles);
        }
        let kit = kits.get(&row.kit_id).cloned().unwrap_or_default();
        let availability = availability(
            [row.kit_valid_from.as_deref(), entry.valid_from.as_deref()],
            [row.kit_expires_at.as_deref(), entry.expires_at.as_deref()],
            now_unix.unwrap_or(row.kit_installed_at),
        );
        out.push(AssetSummary {
            kit_title: parse_stored("kit title", &row.kit_id, &row.kit_title_json)?,
            styles: kit.styles,
            fonts: kit.fonts,
            kit_id: row.kit_id,
            thumb_sha256: row.thumb_sha256,
            availability,
            entry,
        });
    }
    Ok(out)
}

/// The kit's and the asset's windows both apply: the latest start and earliest end win.
/// Dates were validated on import; one that no longer parses is ignored.
fn availability(from: [Option<&str>; 2], until: [Option<&str>; 2], now_unix: i64) -> Availability {
    fn dated(value: Option<&str>) -> Option<(i64, &str)> {
        value.and_then(|text| Some((parse_rfc3339(text)?, text)))
    }
    let until = until
        .into_iter()
        .filter_map(dated)
        .min_by_key(|(at, _)| *at);
    if let Some((at, text)) = until {
        if now_unix >= at {
            return Availability::Expired {
                since: text.to_owned(),
            };
        }
    }
    let from = from.into_iter().filter_map(dated).max_by_key(|(at, _)| *at);
    if let Some((at, text)) = from {
        if now_unix < at {
            return Availability::NotYet {
                from: text.to_owned(),
            };
        }
    }
    Availability::Available
}

/// Every asset the library shows (retracted ones never), with whether it may be used
/// at `now_unix`.
pub fn list_assets(store: &Store, now_unix: i64) -> Result<Vec<AssetSummary>, Error> {
    summaries(db::assets::library(store.conn())?, store, Some(now_unix))
}

/// One asset by id, with its availability at `now_unix`. Retracted assets are not
/// found: they can be neither exported nor posted.
pub fn find_asset_at(
    store: &Store,
    kit_id: &str,
    asset_id: &str,
    now_unix: i64,
) -> Result<AssetSummary, Error> {
    find(store, kit_id, asset_id, Some(now_unix))
}

/// One asset by id for drawing a preview. Its `availability` is evaluated at the
/// kit's install time, not now: export and posting must use [`find_asset_at`].
pub fn find_asset(store: &Store, kit_id: &str, asset_id: &str) -> Result<AssetSummary, Error> {
    find(store, kit_id, asset_id, None)
}

fn find(
    store: &Store,
    kit_id: &str,
    asset_id: &str,
    now_unix: Option<i64>,
) -> Result<AssetSummary, Error> {
    let rows = db::assets::find(store.conn(), kit_id, asset_id)?
        .into_iter()
        .collect();
    summaries(rows, store, now_unix)?
        .pop()
        .ok_or_else(|| Error::AssetNotFound {
            kit: kit_id.to_owned(),
            asset: asset_id.to_owned(),
        })
}

/// The file bytes of an installed asset, from the blob store.
pub fn read_asset(store: &Store, asset: &AssetSummary) -> Result<Vec<u8>, Error> {
    store
        .blobs()
        .read(&asset.entry.sha256)
        .map_err(|source| Error::FileRead {
            file: asset.entry.file.clone(),
            source,
        })
}

/// Decodes an installed asset from the blob store, every frame of an animation.
pub fn load_picture(
    store: &Store,
    asset: &AssetSummary,
    limits: &crate::render::Limits,
) -> Result<crate::render::Picture, Error> {
    let bytes = read_asset(store, asset)?;
    crate::render::decode_bytes(&bytes, &asset.entry.file, limits).map_err(|source| Error::Image {
        file: asset.entry.file.clone(),
        source,
    })
}

/// Decodes only the first frame of an installed asset: what the editor shows, cheap
/// however long the animation.
pub fn load_first_frame(
    store: &Store,
    asset: &AssetSummary,
    limits: &crate::render::Limits,
) -> Result<image::RgbaImage, Error> {
    let bytes = read_asset(store, asset)?;
    crate::render::decode_first_frame(&bytes, &asset.entry.file, limits).map_err(|source| {
        Error::Image {
            file: asset.entry.file.clone(),
            source,
        }
    })
}

/// The kit's blackout windows, for the queue to hold posts in.
pub fn blackouts(store: &Store, kit_id: &str) -> Result<Vec<Blackout>, Error> {
    Ok(installed_manifest(store, kit_id)?
        .ok_or_else(|| Error::KitNotFound {
            kit: kit_id.to_owned(),
        })?
        .blackouts)
}

/// Removes a kit, its assets and its pinned key (the volunteer chose to forget it), then
/// the blobs nothing else uses.
pub fn remove_kit(store: &mut Store, kit_id: &str) -> Result<(), Error> {
    let mut blobs = kit_font_blobs(store, kit_id)?;
    for files in db::assets::files_of_kit(store.conn(), kit_id)? {
        blobs.insert(files.sha256);
        blobs.insert(files.thumb_sha256);
    }
    let tx = store.conn_mut().transaction()?;
    // Assets, fonts and source go with the kit row (foreign keys); the pin does not.
    let removed = db::kits::delete(&tx, kit_id)?;
    db::kit_keys::forget(&tx, kit_id)?;
    if !removed {
        return Err(Error::KitNotFound {
            kit: kit_id.to_owned(),
        });
    }
    tx.commit()?;
    collect_garbage(store, blobs);
    tracing::info!(kit = %kit_id, "kit removed");
    Ok(())
}

fn installed_manifest(store: &Store, kit_id: &str) -> Result<Option<Manifest>, Error> {
    // Stored manifests were parsed on import; serde's lenient read keeps working when a
    // later Relais tightens validation.
    db::kits::manifest(store.conn(), kit_id)?
        .map(|json| parse_stored("kit", kit_id, &json))
        .transpose()
}

/// The font blobs the installed version of `kit_id` lists.
pub(crate) fn kit_font_blobs(store: &Store, kit_id: &str) -> Result<HashSet<String>, Error> {
    Ok(db::kit_fonts::of_kit(store.conn(), kit_id)?)
}

/// Deletes those of `candidates` that nothing references any more (the
/// `blob_reference` view: assets, thumbnails, kit fonts, and whatever table joins it).
/// Only blobs a kit used are candidates, so files a sync is downloading right now are
/// never touched. Best effort: a blob left behind wastes space, never correctness.
pub(crate) fn collect_garbage(store: &Store, candidates: HashSet<String>) {
    for sha in candidates {
        match db::blob_refs::is_referenced(store.conn(), &sha) {
            Ok(false) => {
                if let Some(path) = store.blobs().path(&sha) {
                    if let Err(error) = std::fs::remove_file(&path) {
                        if error.kind() != std::io::ErrorKind::NotFound {
                            tracing::warn!(blob = %sha, %error, "cannot delete an unused blob");
                        }
                    }
                    if let Some(folder) = path.parent() {
                        // Only succeeds when empty.
                        let _ = std::fs::remove_dir(folder);
                    }
                }
            }
            Ok(true) => {}
            Err(error) => tracing::warn!(blob = %sha, %error, "cannot tell whether a blob is used"),
        }
    }
}
