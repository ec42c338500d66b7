//! The `kit_font` table: the font blobs each installed kit ships, so the blob collector
//! knows them without parsing every stored kit.json.

use std::collections::HashSet;

use rusqlite::{params, Connection, Transaction};

pub fn of_kit(conn: &Connection, kit_id: &str) -> rusqlite::Result<HashSet<String>> {
    let mut statement = conn.prepare("SELECT sha256 FROM kit_font WHERE kit_id = ?1")?;
    let rows = statement.query_map(params![kit_id], |row| row.get(0))?;
    rows.collect()
}

pub fn replace(tx: &Transaction<'_>, kit_id: &str, sha256s: &[&str]) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM kit_font WHERE kit_id = ?1", params![kit_id])?;
    let mut insert =
        tx.prepare("INSERT OR IGNORE INTO kit_font (kit_id, sha256) VALUES (?1, ?2)")?;
    for sha256 in sha256s {
        insert.execute(params![kit_id, sha256])?;
    }
    Ok(())
}
