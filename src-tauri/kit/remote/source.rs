//! Where each subscribed kit comes from: its address, the ETag of the kit.json last
//! imported from there, and when it was last checked. The organizer key is the one
//! pinned for the kit id (`kit::pinned_key`), whatever the address.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use super::Error;
use crate::db::Store;

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
pub fn sources(store: &Store) -> Result<Vec<KitSource>, Error> {
    let mut statement = store
        .conn()
        .prepare(&format!("SELECT {COLUMNS} FROM kit_source ORDER BY kit_id"))?;
    let rows = statement.query_map([], from_row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub(crate) fn by_url(conn: &Connection, url: &str) -> Result<Option<KitSource>, Error> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM kit_source WHERE url = ?1"),
            params![url],
            from_row,
        )
        .optional()?)
}

pub(crate) fn by_kit(conn: &Connection, kit_id: &str) -> Result<Option<KitSource>, Error> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM kit_source WHERE kit_id = ?1"),
            params![kit_id],
            from_row,
        )
        .optional()?)
}

/// Called only after a successful import (or a confirmed "not modified"), so a failed
/// sync never leaves an ETag that would hide a version not yet installed.
pub(crate) fn record(conn: &Connection, source: &KitSource) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO kit_source (kit_id, url, etag, last_checked)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kit_id) DO UPDATE SET url = excluded.url, etag = excluded.etag,
           last_checked = excluded.last_checked",
        params![source.kit_id, source.url, source.etag, source.last_checked],
    )?;
    Ok(())
}

pub(crate) fn touch(conn: &Connection, kit_id: &str, now_unix: i64) -> Result<(), Error> {
    conn.execute(
        "UPDATE kit_source SET last_checked = ?2 WHERE kit_id = ?1",
        params![kit_id, now_unix],
    )?;
    Ok(())
}
