//! The editor's work in progress: one remix per asset, kept in SQLite so a crash or a
//! restart never loses a caption. The remix is stored as the JSON the editor sends, so
//! fields added to layers later survive without a schema change.

use serde::{Deserialize, Serialize};

use crate::db::{self, Store};

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
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
    let row = db::drafts::DraftRow {
        kit_id: draft.kit_id.clone(),
        asset_id: draft.asset_id.clone(),
        remix_json: draft.remix.to_string(),
        alt_text: draft.alt_text.clone(),
        updated_at: now_unix,
    };
    db::drafts::save(store.conn(), &row).map_err(sql)
}

/// The draft for one asset, if the volunteer started one.
pub fn load(store: &Store, kit_id: &str, asset_id: &str) -> Result<Option<Draft>, Error> {
    let row = db::drafts::load(store.conn(), kit_id, asset_id).map_err(|source| Error::Sql {
        asset_id: asset_id.to_owned(),
        source,
    })?;
    let Some(row) = row else {
        return Ok(None);
    };
    let remix = serde_json::from_str(&row.remix_json).map_err(|source| Error::Damaged {
        asset_id: asset_id.to_owned(),
        source,
    })?;
    Ok(Some(Draft {
        kit_id: row.kit_id,
        asset_id: row.asset_id,
        remix,
        alt_text: row.alt_text,
        updated_at: row.updated_at,
    }))
}

/// Forgets the draft of one asset (after the volunteer starts over).
pub fn discard(store: &Store, kit_id: &str, asset_id: &str) -> Result<(), Error> {
    db::drafts::discard(store.conn(), kit_id, asset_id).map_err(|source| Error::Sql {
        asset_id: asset_id.to_owned(),
        source,
    })
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of("error.draft", <Self as strum::VariantNames>::VARIANTS, &[])
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.draft.{}", <&str>::from(self)));
        match self {
            Error::Sql { asset_id, .. } | Error::Damaged { asset_id, .. } => {
                message.text("asset", asset_id)
            }
        }
    }
}
