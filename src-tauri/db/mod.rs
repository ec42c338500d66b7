//! The data folder: one SQLite database (WAL, forward-only migrations), the blob folder
//! beside it, and a lock that keeps a second app instance from writing at the same time.
//! Storage imports nothing above it: each table's queries live in one file here and
//! speak in plain rows; the layers above parse what the rows hold.

pub mod accounts;
pub mod assets;
pub mod blob_refs;
pub mod blobs;
pub mod drafts;
mod error;
pub mod kit_fonts;
pub mod kit_keys;
pub mod kit_sources;
pub mod kits;
mod migrations;

pub use migrations::{latest as latest_schema, migrate_to};

pub use error::Error;

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use blobs::BlobStore;

pub const DATABASE_FILE: &str = "relais.sqlite3";
const LOCK_FILE: &str = "relais.lock";

/// An opened data folder. Dropping it releases the lock.
pub struct Store {
    root: PathBuf,
    conn: Connection,
    blobs: BlobStore,
    _lock: File,
}

impl Store {
    /// Opens (creating if needed) the data folder at `root` for exclusive use.
    pub fn open(root: &Path) -> Result<Self, Error> {
        std::fs::create_dir_all(root).map_err(|source| Error::Folder {
            path: root.to_path_buf(),
            source,
        })?;
        let lock = take_lock(root)?;
        let conn = Connection::open(root.join(DATABASE_FILE)).map_err(|source| Error::Open {
            path: root.join(DATABASE_FILE),
            source,
        })?;
        // Refuse a newer schema before touching anything, journal mode included.
        migrations::check_not_newer(&conn, root)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: with WAL and NORMAL a power cut can roll back the last commits, and the
        // posting queue's `sending` mark must survive one.
        conn.pragma_update(None, "synchronous", "FULL")?;
        #[cfg(target_os = "macos")]
        conn.pragma_update(None, "fullfsync", "ON")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&conn, root)?;
        let blobs = BlobStore::open(&root.join("blobs")).map_err(|source| Error::Folder {
            path: root.join("blobs"),
            source,
        })?;
        Ok(Self {
            root: root.to_path_buf(),
            conn,
            blobs,
            _lock: lock,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn blobs(&self) -> &BlobStore {
        &self.blobs
    }

    pub fn schema_version(&self) -> Result<u32, Error> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }
}

fn take_lock(root: &Path) -> Result<File, Error> {
    let path = root.join(LOCK_FILE);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| Error::Folder {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(Error::InUse {
            path: root.to_path_buf(),
        }),
        Err(TryLockError::Error(source)) => Err(Error::Folder { path, source }),
    }
}
