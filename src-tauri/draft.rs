//! The editor's work in progress: one remix per asset, kept in SQLite so a crash or a
//! restart never loses a caption. The remix is stored as the JSON the editor sends, so
//! fields added to layers later survive without a schema change.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::db::Store;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("the draft for asset {asset_id} could not be saved or read ({source}). Your text is still in the window; export it to keep it.")]
    Sql {
        asset_id: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the saved draft for asset {asset_id} is damaged ({source}); it was ignored. Start a new caption.")]
    Damaged {
        asset_id: String,
        #[source]
        source: serde_json::Error,
    },
}

/// A saved remix for one asset, with the alt text the volunteer wrote for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub kit_id: String,
    pub asset_id: String,
    /// The remix as the editor sent it (`{layers: [...]}`).
    pub remix: serde_json::Value,
    #[serde(default)]
    pub alt_text: Option<String>,
    #[serde(default)]
    pub updated_at: i64,
}

/// Saves `draft`, replacing the previous one for the same asset.
pub fn save(store: &Store, draft: &Draft, now_unix: i64) -> Result<(), Error> {
    let sql = |source| Error::Sql {
        asset_id: draft.asset_id.clone(),
        source,
    };
    store
        .conn()
        .execute(
            "INSERT INTO draft (kit_id, asset_id, remix, alt_text, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (kit_id, asset_id) DO UPDATE SET
                remix = excluded.remix, alt_text = excluded.alt_text,
                updated_at = excluded.updated_at",
            params![
                draft.kit_id,
                draft.asset_id,
                draft.remix.to_string(),
                draft.alt_text,
                now_unix
            ],
        )
        .map_err(sql)?;
    Ok(())
}

/// The draft for one asset, if the volunteer started one.
pub fn load(store: &Store, kit_id: &str, asset_id: &str) -> Result<Option<Draft>, Error> {
    let row: Option<(String, Option<String>, i64)> = store
        .conn()
        .query_row(
            "SELECT remix, alt_text, updated_at FROM draft WHERE kit_id = ?1 AND asset_id = ?2",
            params![kit_id, asset_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()
        .map_err(|source| Error::Sql {
            asset_id: asset_id.to_owned(),
            source,
        })?;
    let Some((remix, alt_text, updated_at)) = row else {
        return Ok(None);
    };
    let remix = serde_json::from_str(&remix).map_err(|source| Error::Damaged {
        asset_id: asset_id.to_owned(),
        source,
    })?;
    Ok(Some(Draft {
        kit_id: kit_id.to_owned(),
        asset_id: asset_id.to_owned(),
        remix,
        alt_text,
        updated_at,
    }))
}

/// Forgets the draft of one asset (after the volunteer starts over).
pub fn discard(store: &Store, kit_id: &str, asset_id: &str) -> Result<(), Error> {
    store
        .conn()
        .execute(
            "DELETE FROM draft WHERE kit_id = ?1 AND asset_id = ?2",
            params![kit_id, asset_id],
        )
        .map_err(|source| Error::Sql {
            asset_id: asset_id.to_owned(),
            source,
        })?;
    Ok(())
}
