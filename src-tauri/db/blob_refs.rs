//! Which blobs something still needs, for the blob collector.
//!
//! The seam: every table that holds blob hashes adds its column to the
//! `blob_reference` view, in the migration that creates the table (drop the view and
//! create it again with one more `UNION ALL`). The collector deletes a blob only when
//! the view does not name it, so a table that joins the view (the posting queue's
//! rendered media, say) protects its blobs with no change to the collector.

use rusqlite::{params, Connection};

pub fn is_referenced(conn: &Connection, sha256: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM blob_reference WHERE sha256 = ?1)",
        params![sha256],
        |row| row.get(0),
    )
}
