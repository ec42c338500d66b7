//! The `draft` table: the editor's work in progress, one remix per asset.

use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRow {
    pub kit_id: String,
    pub asset_id: String,
    pub remix_json: String,
    pub alt_text: Option<String>,
    pub updated_at: i64,
}

pub fn save(conn: &Connection, draft: &DraftRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO draft (kit_id, asset_id, remix, alt_text, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (kit_id, asset_id) DO UPDATE SET
            remix = excluded.remix, alt_text = excluded.alt_text,
            updated_at = excluded.updated_at",
        params![
            draft.kit_id,
            draft.asset_id,
            draft.remix_json,
            draft.alt_text,
            draft.updated_at
        ],
    )?;
    Ok(())
}

pub fn load(conn: &Connection, kit_id: &str, asset_id: &str) -> rusqlite::Result<Option<DraftRow>> {
    conn.query_row(
        "SELECT remix, alt_text, updated_at FROM draft WHERE kit_id = ?1 AND asset_id = ?2",
        params![kit_id, asset_id],
        |row| {
            Ok(DraftRow {
                kit_id: kit_id.to_owned(),
                asset_id: asset_id.to_owned(),
                remix_json: row.get(0)?,
                alt_text: row.get(1)?,
                updated_at: row.get(2)?,
            })
        },
    )
    .optional()
}

pub fn discard(conn: &Connection, kit_id: &str, asset_id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM draft WHERE kit_id = ?1 AND asset_id = ?2",
        params![kit_id, asset_id],
    )?;
    Ok(())
}
