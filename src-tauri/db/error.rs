use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("the data folder {path} is in use by another Relais window or command. Close it first, or choose another folder with --data-dir.")]
    InUse { path: PathBuf },
    #[error("{path}: cannot create or open the data folder ({source}). Check its permissions and free space.")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot open the database ({source}).")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: this data folder was written by a newer Relais (schema {found}, this version knows {known}). Update Relais.")]
    NewerSchema {
        path: PathBuf,
        found: u32,
        known: u32,
    },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
}
