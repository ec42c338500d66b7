//! Read side of the library: what the Library view and the CLI list.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use super::manifest::{AssetEntry, Localized};
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
}

#[derive(Debug, Clone, Serialize)]
pub struct AssetSummary {
    pub kit_id: String,
    pub kit_title: Localized,
    pub thumb_sha256: String,
    #[serde(flatten)]
    pub entry: AssetEntry,
}

pub fn list_kits(store: &Store) -> Result<Vec<KitSummary>, Error> {
    let mut statement = store.conn().prepare(
        "SELECT k.id, k.title, k.publisher, k.version, k.installed_at,
                (SELECT COUNT(*) FROM asset a WHERE a.kit_id = k.id)
         FROM kit k ORDER BY k.installed_at, k.id",
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
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(kits)
}

const ASSET_COLUMNS: &str =
    "a.kit_id, k.title, a.thumb_sha256, a.entry FROM asset a JOIN kit k ON k.id = a.kit_id";

fn asset_from_row(row: &Row<'_>) -> rusqlite::Result<Option<AssetSummary>> {
    let entry: String = row.get(3)?;
    // A row written by this code always parses; one that doesn't is skipped rather
    // than hiding the whole library.
    let Ok(entry) = serde_json::from_str::<AssetEntry>(&entry) else {
        return Ok(None);
    };
    Ok(Some(AssetSummary {
        kit_id: row.get(0)?,
        kit_title: serde_json::from_str(&row.get::<_, String>(1)?).unwrap_or_default(),
        thumb_sha256: row.get(2)?,
        entry,
    }))
}

pub fn list_assets(store: &Store) -> Result<Vec<AssetSummary>, Error> {
    let mut statement = store.conn().prepare(&format!(
        "SELECT {ASSET_COLUMNS} ORDER BY k.installed_at, a.kit_id, a.position"
    ))?;
    let assets = statement
        .query_map([], asset_from_row)?
        .filter_map(|row| row.transpose())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(assets)
}

pub fn find_asset(store: &Store, kit_id: &str, asset_id: &str) -> Result<AssetSummary, Error> {
    store
        .conn()
        .query_row(
            &format!("SELECT {ASSET_COLUMNS} WHERE a.kit_id = ?1 AND a.id = ?2"),
            params![kit_id, asset_id],
            asset_from_row,
        )
        .optional()?
        .flatten()
        .ok_or_else(|| Error::AssetNotFound {
            kit: kit_id.to_owned(),
            asset: asset_id.to_owned(),
        })
}

/// Decodes an installed asset from the blob store.
pub fn load_picture(
    store: &Store,
    asset: &AssetSummary,
    limits: &crate::render::Limits,
) -> Result<crate::render::Picture, Error> {
    let bytes = store
        .blobs()
        .read(&asset.entry.sha256)
        .map_err(|source| Error::FileRead {
            file: asset.entry.file.clone(),
            source,
        })?;
    crate::render::decode_bytes(&bytes, &asset.entry.file, limits).map_err(|source| Error::Image {
        file: asset.entry.file.clone(),
        source,
    })
}
