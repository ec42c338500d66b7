//! The `kit_source` table: where each subscribed kit is synced from, the ETag of the
//! kit.json last imported from there, and when it was last checked.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KitSource {
    pub kit_id: String,
    pub url: String,
    pub etag: Option<String>,
    pub last_checked: i64,
}

const COLUMNS: &str = "kit_id, url, etag, last_checked";

fn from_row(row: &Row<'_>) -> rusqlite::Result<KitSource> {
    Ok(KitSource {
        kit_id: row.get(0)?,
        url: row.get(1)?,
        etag: row.get(2)?,
        last_checked: row.get(3)?,
    })
}

/// Every kit that has a web address, by kit id.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<KitSource>> {
    let mut statement =
        conn.prepare(&format!("SELECT {COLUMNS} FROM kit_source ORDER BY kit_id"))?;
    let rows = statement.query_map([], from_row)?;
    rows.collect()
}

pub fn by_url(conn: &Connection, url: &str) -> rusqlite::Result<Option<KitSource>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM kit_source WHERE url = ?1"),
        params![url],
        from_row,
    )
    .optional()
}

pub fn by_kit(conn: &Connection, kit_id: &str) -> rusqlite::Result<Option<KitSource>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM kit_source WHERE kit_id = ?1"),
        params![kit_id],
        from_row,
    )
    .optional()
}

/// Call only after a successful import (or a confirmed "not modified"), so a failed
/// sync never leaves an ETag that would hide a version not yet installed.
pub fn record(conn: &Connection, source: &KitSource) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO kit_source (kit_id, url, etag, last_checked)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kit_id) DO UPDATE SET url = excluded.url, etag = excluded.etag,
           last_checked = excluded.last_checked",
        params![source.kit_id, source.url, source.etag, source.last_checked],
    )?;
    Ok(())
}

pub fn touch(conn: &Connection, kit_id: &str, now_unix: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE kit_source SET last_checked = ?2 WHERE kit_id = ?1",
        params![kit_id, now_unix],
    )?;
    Ok(())
}
