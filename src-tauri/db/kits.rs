//! The `kit` table: one row per installed kit, its signed kit.json kept whole.

use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// A kit row as stored. JSON columns stay text here: parsing them is the kit layer's
/// business, and a row that no longer parses must be reported there, not hidden.
#[derive(Debug, Clone, PartialEq)]
pub struct KitRow {
    pub id: String,
    pub title_json: String,
    pub publisher: String,
    pub version: u64,
    pub manifest_sha256: String,
    pub manifest_json: String,
    pub installed_at: i64,
    pub key_id: String,
    pub valid_from: Option<String>,
    pub expires_at: Option<String>,
}

/// What an import needs to know about the installed version of a kit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub version: u64,
    pub manifest_sha256: String,
    pub installed_at: i64,
}

/// One line of the Kits view: the kit row with its asset count, pinned key and source.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub id: String,
    pub title_json: String,
    pub publisher: String,
    pub version: u64,
    pub installed_at: i64,
    pub assets: u64,
    pub public_key: Option<String>,
    pub source_url: Option<String>,
    pub last_checked: Option<i64>,
    pub expires_at: Option<String>,
}

pub fn installed(conn: &Connection, id: &str) -> rusqlite::Result<Option<Installed>> {
    conn.query_row(
        "SELECT version, manifest_sha256, installed_at FROM kit WHERE id = ?1",
        params![id],
        |row| {
            Ok(Installed {
                version: row.get::<_, i64>(0)? as u64,
                manifest_sha256: row.get(1)?,
                installed_at: row.get(2)?,
            })
        },
    )
    .optional()
}

/// The stored kit.json of `id`.
pub fn manifest(conn: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT manifest FROM kit WHERE id = ?1",
        params![id],
        |row| row.get(0),
    )
    .optional()
}

pub fn list(conn: &Connection) -> rusqlite::Result<Vec<Listed>> {
    let mut statement = conn.prepare(
        "SELECT k.id, k.title, k.publisher, k.version, k.installed_at,
                (SELECT COUNT(*) FROM asset a WHERE a.kit_id = k.id),
                (SELECT p.public_key FROM kit_key p WHERE p.kit_id = k.id),
                s.url, s.last_checked, k.expires_at
         FROM kit k LEFT JOIN kit_source s ON s.kit_id = k.id ORDER BY k.installed_at, k.id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(Listed {
            id: row.get(0)?,
            title_json: row.get(1)?,
            publisher: row.get(2)?,
            version: row.get::<_, i64>(3)? as u64,
            installed_at: row.get(4)?,
            assets: row.get::<_, i64>(5)? as u64,
            public_key: row.get(6)?,
            source_url: row.get(7)?,
            last_checked: row.get(8)?,
            expires_at: row.get(9)?,
        })
    })?;
    rows.collect()
}

/// Inserts the kit, or replaces every column of the installed version.
pub fn upsert(tx: &Transaction<'_>, kit: &KitRow) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO kit (id, title, publisher, version, manifest_sha256, manifest, installed_at,
                          key_id, valid_from, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, publisher = excluded.publisher,
           version = excluded.version, manifest_sha256 = excluded.manifest_sha256,
           manifest = excluded.manifest, installed_at = excluded.installed_at,
           key_id = excluded.key_id, valid_from = excluded.valid_from,
           expires_at = excluded.expires_at",
        params![
            kit.id,
            kit.title_json,
            kit.publisher,
            kit.version as i64,
            kit.manifest_sha256,
            kit.manifest_json,
            kit.installed_at,
            kit.key_id,
            kit.valid_from,
            kit.expires_at,
        ],
    )?;
    Ok(())
}

/// Removes the kit row; its assets, fonts and source go with it (foreign keys). False
/// when there was no such kit.
pub fn delete(tx: &Transaction<'_>, id: &str) -> rusqlite::Result<bool> {
    Ok(tx.execute("DELETE FROM kit WHERE id = ?1", params![id])? > 0)
}
