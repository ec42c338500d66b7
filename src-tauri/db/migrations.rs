//! Forward-only migrations: each entry runs once, in order, in its own transaction, and
//! `user_version` records how many have run. Never edit an entry that has shipped.

use std::path::Path;

use rusqlite::Connection;

use super::Error;

const MIGRATIONS: &[&str] = &[
    // 1: kits and their assets. The manifest entry is kept whole as JSON so fields added
    // by later kit formats survive without a schema change.
    "CREATE TABLE kit (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        publisher TEXT NOT NULL,
        version INTEGER NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        manifest TEXT NOT NULL,
        installed_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE asset (
        kit_id TEXT NOT NULL REFERENCES kit(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('image', 'animation')),
        sha256 TEXT NOT NULL,
        thumb_sha256 TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (kit_id, id)
    ) STRICT;",
    // 2: signed kits. The organizer key pinned per kit id (kept apart from `kit` so the
    // pin is written in the same transaction as the kit but read before any file), the
    // kit's validity, and an index for the thumbnail cache. Where a kit is synced from
    // is `kit_source` (4).
    "CREATE TABLE kit_key (
        kit_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,
        key_id TEXT NOT NULL,
        pinned_at INTEGER NOT NULL
    ) STRICT;
    ALTER TABLE kit ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE kit ADD COLUMN valid_from TEXT;
    ALTER TABLE kit ADD COLUMN expires_at TEXT;
    CREATE INDEX asset_sha256 ON asset (sha256);",
    // 3: the editor's drafts: one remix per asset, restored after a restart. No foreign key
    // to `asset`: a kit update replaces asset rows and must not erase volunteers' work.
    "CREATE TABLE draft (
        kit_id TEXT NOT NULL,
        asset_id TEXT NOT NULL,
        remix TEXT NOT NULL,
        alt_text TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (kit_id, asset_id)
    ) STRICT;",
    // 4: kit_source, where a kit is synced from over HTTPS, the server's ETag for the
    // kit.json last imported (for conditional requests) and when it was last checked.
    "CREATE TABLE kit_source (
        kit_id TEXT PRIMARY KEY REFERENCES kit(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        etag TEXT,
        last_checked INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX kit_source_url ON kit_source (url);",
    // 5: kit_font, the font blobs of each kit (read from the stored kit.json once here,
    // written by imports from now on), and blob_reference, every blob something still
    // needs: the blob collector's one question (see blob_refs.rs for how a new table
    // joins it).
    "CREATE TABLE kit_font (
        kit_id TEXT NOT NULL REFERENCES kit(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL,
        PRIMARY KEY (kit_id, sha256)
    ) STRICT;
    INSERT OR IGNORE INTO kit_font (kit_id, sha256)
        SELECT k.id, json_extract(f.value, '$.sha256')
        FROM kit k, json_each(k.manifest, '$.fonts') f
        WHERE json_valid(k.manifest) AND json_extract(f.value, '$.sha256') IS NOT NULL;
    CREATE INDEX kit_font_sha256 ON kit_font (sha256);
    CREATE INDEX asset_thumb_sha256 ON asset (thumb_sha256);
    CREATE VIEW blob_reference (sha256) AS
        SELECT sha256 FROM asset
        UNION ALL SELECT thumb_sha256 FROM asset
        UNION ALL SELECT sha256 FROM kit_font;",
    // 6: account, a volunteer's own accounts. No secret column on purpose: tokens, bot
    // tokens and webhook addresses live in the OS keychain under the account's id.
    "CREATE TABLE account (
        id TEXT PRIMARY KEY,
        network TEXT NOT NULL,
        handle TEXT NOT NULL,
        server TEXT NOT NULL,
        display_name TEXT NOT NULL,
        status TEXT NOT NULL,
        created INTEGER NOT NULL,
        UNIQUE (network, server, handle)
    ) STRICT;",
    // 7: what an account's server allows beyond its network's defaults (a Mastodon
    // instance's own limits, a boosted Discord server's larger uploads), as JSON: the
    // fields grow with the networks, and are read through accounts::Settings only.
    "ALTER TABLE account ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';",
];

pub fn check_not_newer(conn: &Connection, root: &Path) -> Result<u32, Error> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let known = MIGRATIONS.len() as u32;
    if current > known {
        return Err(Error::NewerSchema {
            path: root.to_path_buf(),
            found: current,
            known,
        });
    }
    Ok(current)
}

pub fn apply(conn: &Connection, root: &Path) -> Result<(), Error> {
    check_not_newer(conn, root)?;
    migrate_to(conn, latest())
}

/// Runs the migrations up to schema `target` (no further), each in its own transaction.
/// Public so a test can write a database exactly as an older Relais left it.
pub fn migrate_to(conn: &Connection, target: u32) -> Result<(), Error> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let steps = (target as usize).min(MIGRATIONS.len());
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .take(steps)
        .skip(current as usize)
    {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}
