//! The `account` table: one row per account a volunteer added. Its secrets are not
//! here; they live in the OS keychain under the row's id.

use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: String,
    pub kind: String,
    pub handle: String,
    pub server: String,
    pub display_name: String,
    pub status: String,
    pub created: i64,
    /// JSON, read and written by accounts::Settings.
    pub settings: String,
}

const COLUMNS: &str = "id, network, handle, server, display_name, status, created, settings";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        id: row.get(0)?,
        kind: row.get(1)?,
        handle: row.get(2)?,
        server: row.get(3)?,
        display_name: row.get(4)?,
        status: row.get(5)?,
        created: row.get(6)?,
        settings: row.get(7)?,
    })
}

pub fn insert(conn: &Connection, account: &AccountRow) -> rusqlite::Result<()> {
    conn.execute(
        &format!("INSERT INTO account ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        params![
            account.id,
            account.kind,
            account.handle,
            account.server,
            account.display_name,
            account.status,
            account.created,
            account.settings
        ],
    )?;
    Ok(())
}

pub fn all(conn: &Connection) -> rusqlite::Result<Vec<AccountRow>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM account ORDER BY created, id"
    ))?;
    let rows = statement.query_map([], from_row)?;
    rows.collect()
}

pub fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<AccountRow>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM account WHERE id = ?1"),
        params![id],
        from_row,
    )
    .optional()
}

/// The row with the same network, server and handle, if any: the same account twice.
pub fn find(
    conn: &Connection,
    kind: &str,
    server: &str,
    handle: &str,
) -> rusqlite::Result<Option<AccountRow>> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM account WHERE network = ?1 AND server = ?2 AND handle = ?3"
        ),
        params![kind, server, handle],
        from_row,
    )
    .optional()
}

pub fn set_status(conn: &Connection, id: &str, status: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE account SET status = ?2 WHERE id = ?1",
        params![id, status],
    )?;
    Ok(())
}

pub fn set_display_name(conn: &Connection, id: &str, name: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE account SET display_name = ?2 WHERE id = ?1",
        params![id, name],
    )? > 0)
}

pub fn set_settings(conn: &Connection, id: &str, settings: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE account SET settings = ?2 WHERE id = ?1",
        params![id, settings],
    )? > 0)
}

/// Whether a row was removed.
pub fn delete(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM account WHERE id = ?1", params![id])? > 0)
}
