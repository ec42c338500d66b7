use std::path::PathBuf;

use strum::VariantNames;

use crate::messages::{codes_of, io_reason, Describe, Message};

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
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

impl Describe for Error {
    fn codes() -> Vec<String> {
        codes_of("error.db", Self::VARIANTS, &[])
    }

    fn describe(&self) -> Message {
        let message = Message::new(format!("error.db.{}", <&str>::from(self)));
        match self {
            Error::InUse { path } => message.text("path", path.display()),
            Error::Folder { path, source } => message
                .text("path", path.display())
                .nested("reason", io_reason(source)),
            Error::Open { path, source } => {
                message.text("path", path.display()).text("detail", source)
            }
            Error::NewerSchema { path, found, known } => message
                .text("path", path.display())
                .number("found", *found)
                .number("known", *known),
            Error::Sql(source) => message.text("detail", source),
        }
    }
}
