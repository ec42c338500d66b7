//! Read side of the library: what the Library view and the CLI list.

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use super::date::parse_rfc3339;
use super::manifest::{AssetEntry, Blackout, FontEntry, Localized, Manifest, NamedStyle};
use super::signature::{Fingerprint, PublicKey};
use super::Error;
use crate::db::Store;

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
    let mut statement = store.conn().prepare(
        "SELECT k.id, k.title, k.publisher, k.version, k.installed_at,
                (SELECT COUNT(*) FROM asset a WHERE a.kit_id = k.id),
                (SELECT p.public_key FROM kit_key p WHERE p.kit_id = k.id),
                s.url, s.last_checked, k.expires_at
         FROM kit k LEFT JOIN kit_source s ON s.kit_id = k.id ORDER BY k.installed_at, k.id",
    )?;
    let kits = statement
        .query_map([], |row| {
            Ok(KitSummary {
                id: row.get(0)?,
                title: serde_json::from_str(&row.get::<_, String>(1)?).unwrap_or_default(),
                publisher: row.get(2)?,
                version: row.get::<_, i64>(3)? as u64,
                installed_at: row.get(4)?,
                assets: row.get::<_, i64>(5)? as u64,
                fingerprint: row
                    .get::<_, Option<String>>(6)?
                    .map(|key| {
                        PublicKey::parse(&key).map_err(|error| {
                            rusqlite::Error::FromSqlConversionFailure(
                                6,
                                rusqlite::types::Type::Text,
                                Box::new(error),
                            )
                        })
                    })
                    .transpose()?
                    .map(|key| key.fingerprint()),
                source_url: row.get(7)?,
                last_checked: row.get(8)?,
                expires_at: row.get(9)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(kits)
}

const ASSET_COLUMNS: &str =
    "a.kit_id, k.title, a.thumb_sha256, a.entry, k.valid_from, k.expires_at,
     k.manifest FROM asset a JOIN kit k ON k.id = a.kit_id";

/// Only the part of a stored manifest the library rows need.
#[derive(Clone, Default, serde::Deserialize)]
struct KitStyles {
    #[serde(default)]
    styles: Vec<NamedStyle>,
    #[serde(default)]
    fonts: Vec<FontEntry>,
}

fn asset_from_row(
    row: &Row<'_>,
    now_unix: i64,
    styles: &mut std::collections::HashMap<String, KitStyles>,
) -> rusqlite::Result<Option<AssetSummary>> {
    let entry: String = row.get(3)?;
    // A row written by this code always parses; one that doesn't is skipped rather
    // than hiding the whole library.
    let Ok(entry) = serde_json::from_str::<AssetEntry>(&entry) else {
        return Ok(None);
    };
    if entry.retracted.is_some() {
        return Ok(None);
    }
    let kit_from: Option<String> = row.get(4)?;
    let kit_until: Option<String> = row.get(5)?;
    let availability = availability(
        [kit_from.as_deref(), entry.valid_from.as_deref()],
        [kit_until.as_deref(), entry.expires_at.as_deref()],
        now_unix,
    );
    let kit_id: String = row.get(0)?;
    // Parsed once per kit, not once per asset: a manifest can be large.
    if !styles.contains_key(&kit_id) {
        let manifest: String = row.get(6)?;
        let parsed = serde_json::from_str::<KitStyles>(&manifest).unwrap_or_default();
        styles.insert(kit_id.clone(), parsed);
    }
    let kit = styles.get(&kit_id).cloned().unwrap_or_default();
    Ok(Some(AssetSummary {
        styles: kit.styles,
        fonts: kit.fonts,
        kit_id,
        kit_title: serde_json::from_str(&row.get::<_, String>(1)?).unwrap_or_default(),
        thumb_sha256: row.get(2)?,
        availability,
        entry,
    }))
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
    let mut styles = std::collections::HashMap::new();
    let mut statement = store.conn().prepare(&format!(
        "SELECT {ASSET_COLUMNS} ORDER BY k.installed_at, a.kit_id, a.position"
    ))?;
    let assets = statement
        .query_map([], |row| asset_from_row(row, now_unix, &mut styles))?
        .filter_map(|row| row.transpose())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(assets)
}

/// One asset by id, with its availability at `now_unix`. Retracted assets are not
/// found: they can be neither exported nor posted.
pub fn find_asset_at(
    store: &Store,
    kit_id: &str,
    asset_id: &str,
    now_unix: i64,
) -> Result<AssetSummary, Error> {
    store
        .conn()
        .query_row(
            &format!("SELECT {ASSET_COLUMNS} WHERE a.kit_id = ?1 AND a.id = ?2"),
            params![kit_id, asset_id],
            |row| asset_from_row(row, now_unix, &mut Default::default()),
        )
        .optional()?
        .flatten()
        .ok_or_else(|| Error::AssetNotFound {
            kit: kit_id.to_owned(),
            asset: asset_id.to_owned(),
        })
}

/// One asset by id for drawing a preview. Its `availability` is evaluated at the
/// kit's install time, not now: export and posting must use [`find_asset_at`].
pub fn find_asset(store: &Store, kit_id: &str, asset_id: &str) -> Result<AssetSummary, Error> {
    let installed_at: Option<i64> = store
        .conn()
        .query_row(
            "SELECT installed_at FROM kit WHERE id = ?1",
            params![kit_id],
            |row| row.get(0),
        )
        .optional()?;
    find_asset_at(store, kit_id, asset_id, installed_at.unwrap_or_default())
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
/// the blobs no other kit uses.
pub fn remove_kit(store: &mut Store, kit_id: &str) -> Result<(), Error> {
    let mut blobs = kit_font_blobs(store, kit_id)?;
    {
        let mut statement = store
            .conn()
            .prepare("SELECT sha256, thumb_sha256 FROM asset WHERE kit_id = ?1")?;
        let rows = statement.query_map(params![kit_id], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (sha, thumb) = row?;
            blobs.insert(sha);
            blobs.insert(thumb);
        }
    }
    let tx = store.conn_mut().transaction()?;
    tx.execute("DELETE FROM asset WHERE kit_id = ?1", params![kit_id])?;
    let removed = tx.execute("DELETE FROM kit WHERE id = ?1", params![kit_id])?;
    tx.execute("DELETE FROM kit_key WHERE kit_id = ?1", params![kit_id])?;
    if removed == 0 {
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
    let text: Option<String> = store
        .conn()
        .query_row(
            "SELECT manifest FROM kit WHERE id = ?1",
            params![kit_id],
            |row| row.get(0),
        )
        .optional()?;
    // Stored manifests were parsed on import; serde's lenient read keeps working when a
    // later Relais tightens validation.
    Ok(text.and_then(|text| serde_json::from_str(&text).ok()))
}

/// The font blobs the installed version of `kit_id` lists.
pub(crate) fn kit_font_blobs(store: &Store, kit_id: &str) -> Result<HashSet<String>, Error> {
    Ok(installed_manifest(store, kit_id)?
        .map(|manifest| manifest.fonts.into_iter().map(|font| font.sha256).collect())
        .unwrap_or_default())
}

/// Deletes those of `candidates` that no row references any more. Only blobs a kit
/// used are candidates, so files a sync is downloading right now are never touched.
/// Best effort: a blob left behind wastes space, never correctness.
pub(crate) fn collect_garbage(store: &Store, candidates: HashSet<String>) {
    let referenced = |sha: &str| -> Result<bool, Error> {
        let in_assets: bool = store.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM asset WHERE sha256 = ?1 OR thumb_sha256 = ?1)",
            params![sha],
            |row| row.get(0),
        )?;
        if in_assets {
            return Ok(true);
        }
        let mut statement = store.conn().prepare("SELECT id FROM kit")?;
        let kits = statement
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        for kit in kits {
            if kit_font_blobs(store, &kit)?.contains(sha) {
                return Ok(true);
            }
        }
        Ok(false)
    };
    for sha in candidates {
        match referenced(&sha) {
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
