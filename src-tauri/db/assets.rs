//! The `asset` table: the assets of each installed kit, in kit.json order.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

/// An asset row as stored; `entry_json` is its kit.json entry, kept whole.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetRow {
    pub kit_id: String,
    pub id: String,
    pub position: i64,
    pub kind: &'static str,
    pub sha256: String,
    pub thumb_sha256: String,
    pub width: u32,
    pub height: u32,
    pub entry_json: String,
}

/// An asset with what the library shows of its kit.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryRow {
    pub kit_id: String,
    pub kit_title_json: String,
    pub thumb_sha256: String,
    pub entry_json: String,
    pub kit_valid_from: Option<String>,
    pub kit_expires_at: Option<String>,
    pub kit_installed_at: i64,
}

/// The blobs one asset row holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFiles {
    pub id: String,
    pub sha256: String,
    pub thumb_sha256: String,
}

const LIBRARY_COLUMNS: &str = "a.kit_id, k.title, a.thumb_sha256, a.entry, k.valid_from,
     k.expires_at, k.installed_at FROM asset a JOIN kit k ON k.id = a.kit_id";

fn library_row(row: &Row<'_>) -> rusqlite::Result<LibraryRow> {
    Ok(LibraryRow {
        kit_id: row.get(0)?,
        kit_title_json: row.get(1)?,
        thumb_sha256: row.get(2)?,
        entry_json: row.get(3)?,
        kit_valid_from: row.get(4)?,
        kit_expires_at: row.get(5)?,
        kit_installed_at: row.get(6)?,
    })
}

/// Every asset, kits in install order, assets in kit.json order.
pub fn library(conn: &Connection) -> rusqlite::Result<Vec<LibraryRow>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {LIBRARY_COLUMNS} ORDER BY k.installed_at, a.kit_id, a.position"
    ))?;
    let rows = statement.query_map([], library_row)?;
    rows.collect()
}

pub fn find(
    conn: &Connection,
    kit_id: &str,
    asset_id: &str,
) -> rusqlite::Result<Option<LibraryRow>> {
    conn.query_row(
        &format!("SELECT {LIBRARY_COLUMNS} WHERE a.kit_id = ?1 AND a.id = ?2"),
        params![kit_id, asset_id],
        library_row,
    )
    .optional()
}

pub fn files_of_kit(conn: &Connection, kit_id: &str) -> rusqlite::Result<Vec<AssetFiles>> {
    let mut statement =
        conn.prepare("SELECT id, sha256, thumb_sha256 FROM asset WHERE kit_id = ?1")?;
    let rows = statement.query_map(params![kit_id], |row| {
        Ok(AssetFiles {
            id: row.get(0)?,
            sha256: row.get(1)?,
            thumb_sha256: row.get(2)?,
        })
    })?;
    rows.collect()
}

/// The thumbnail already made for an asset with these bytes, in any kit.
pub fn thumbnail_of(conn: &Connection, sha256: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT thumb_sha256 FROM asset WHERE sha256 = ?1 LIMIT 1",
        params![sha256],
        |row| row.get(0),
    )
    .optional()
}

/// Replaces the kit's assets with `rows`.
pub fn replace(tx: &Transaction<'_>, kit_id: &str, rows: &[AssetRow]) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM asset WHERE kit_id = ?1", params![kit_id])?;
    let mut insert = tx.prepare(
        "INSERT INTO asset (kit_id, id, position, kind, sha256, thumb_sha256, width, height, entry)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for row in rows {
        insert.execute(params![
            row.kit_id,
            row.id,
            row.position,
            row.kind,
            row.sha256,
            row.thumb_sha256,
            row.width,
            row.height,
            row.entry_json
        ])?;
    }
    Ok(())
}
