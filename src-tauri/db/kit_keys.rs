//! The `kit_key` table: the organizer key pinned per kit id, the whole public key.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The pinned key's minisign base64 line.
pub fn pinned(conn: &Connection, kit_id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT public_key FROM kit_key WHERE kit_id = ?1",
        params![kit_id],
        |row| row.get(0),
    )
    .optional()
}

/// Pins `public_key` unless a key is already pinned for the kit.
pub fn pin(
    tx: &Transaction<'_>,
    kit_id: &str,
    public_key: &str,
    key_id: &str,
    now_unix: i64,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO kit_key (kit_id, public_key, key_id, pinned_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kit_id) DO NOTHING",
        params![kit_id, public_key, key_id, now_unix],
    )?;
    Ok(())
}

pub fn forget(tx: &Transaction<'_>, kit_id: &str) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM kit_key WHERE kit_id = ?1", params![kit_id])?;
    Ok(())
}
