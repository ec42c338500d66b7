use std::path::PathBuf;

use super::key::{Fingerprint, KeyId};

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("{folder}: no kit.json here. A kit folder holds kit.json and the files it lists.")]
    ManifestMissing { folder: PathBuf },
    #[error("{path}: cannot read the kit manifest ({source}).")]
    ManifestRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("kit.json is larger than {max_bytes} bytes; this is not a kit manifest.")]
    ManifestTooLarge { max_bytes: u64 },
    #[error("kit file `{file}` is listed in kit.json but missing. The kit is incomplete; download it again.")]
    FileMissing { file: String },
    #[error("kit file `{file}` is a symbolic link. A kit holds its files themselves: a link could point anywhere on the disk. Replace the link with the file.")]
    FileIsLink { file: String },
    #[error("kit file `{file}` is a folder or a special file, not a file. Ask the kit's organizer for a corrected kit.")]
    FileNotRegular { file: String },
    #[error("kit file `{file}` cannot be read ({source}).")]
    FileRead {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("kit file `{file}` has {actual} bytes, kit.json says {expected}. The kit is damaged or was altered; download it again.")]
    SizeMismatch {
        file: String,
        expected: u64,
        actual: u64,
    },
    #[error("kit file `{file}` does not match its SHA-256 in kit.json. The kit is damaged or was altered; download it again.")]
    HashMismatch { file: String },
    #[error("kit file `{file}` is {actual_width}x{actual_height} pixels, kit.json says {width}x{height}.")]
    DimensionMismatch {
        file: String,
        width: u32,
        height: u32,
        actual_width: u32,
        actual_height: u32,
    },
    #[error("kit file `{file}`: {source}")]
    Image {
        file: String,
        #[source]
        source: crate::render::Error,
    },
    #[error(
        "kit `{kit}`: {source} Captions naming that font are drawn in Relais's own face instead."
    )]
    Font {
        kit: String,
        #[source]
        source: crate::render::Error,
    },
    #[error("kit `{kit}` version {offered} is older than the installed version {installed}; Relais refuses to go back to an older kit.")]
    Rollback {
        kit: String,
        installed: u64,
        offered: u64,
    },
    #[error("kit `{kit}` version {version} is already installed with different content. The organizer must publish a new version number.")]
    SameVersionDifferent { kit: String, version: u64 },
    #[error("this copy of kit `{kit}` version {version} is damaged: {problem} The installed kit is intact; nothing was changed.")]
    CopyDamaged {
        kit: String,
        version: u64,
        #[source]
        problem: Box<Error>,
    },
    #[error("the library's record of {what} `{key}` is damaged ({detail}). Remove that kit and import it again; if this keeps happening, the data folder's disk may be failing.")]
    StoredDataDamaged {
        what: String,
        key: String,
        detail: String,
    },
    #[error("no asset `{asset}` in kit `{kit}`. It may have been removed by a kit update.")]
    AssetNotFound { kit: String, asset: String },
    #[error("cannot write to the blob store ({source}). Check free space in the data folder.")]
    Blob {
        #[source]
        source: std::io::Error,
    },
    #[error("kit `{kit}` is signed by a different key (fingerprint {offered}) than the one this library trusts for it ({pinned}). Relais refuses kits signed by another key. If the organizer really changed keys, check the new fingerprint with them, remove the kit (relais kit remove {kit}) and import it again.")]
    KeyChanged {
        kit: String,
        pinned: Fingerprint,
        offered: Fingerprint,
    },
    #[error("kit `{kit}` is signed by a different key (fingerprint {offered}) than the organizer key given for it ({expected}). It was not made by that organizer; do not import it.")]
    SignedByAnotherKey {
        kit: String,
        expected: Fingerprint,
        offered: Fingerprint,
    },
    #[error("this library already trusts the key with fingerprint {pinned} for kit `{kit}`; the key given now ({offered}) is another one. Relais never moves a kit to another key. If the organizer really changed keys, check the new fingerprint with them, remove the kit (relais kit remove {kit}) and import it again.")]
    OtherKeyOffered {
        kit: String,
        pinned: Fingerprint,
        offered: Fingerprint,
    },
    #[error("kit `{kit}` version {version} ({publisher}) is not trusted yet: it is signed by the key with fingerprint {fingerprint}. Check that fingerprint with the organizer, then confirm it (relais kit import … --trust {}).", fingerprint.compact())]
    NotTrusted {
        kit: String,
        version: u64,
        publisher: String,
        fingerprint: Fingerprint,
    },
    #[error("you confirmed the key with fingerprint {confirmed}, but kit.json carries the key {embedded}. The kit was not made by the organizer you checked; do not import it.")]
    FingerprintMismatch {
        confirmed: Fingerprint,
        embedded: Fingerprint,
    },
    #[error("`{key_id}` is a minisign key id, not a fingerprint: anyone can make a key carrying the same id, so it cannot show who signed a kit. Give the 64-digit fingerprint Relais shows for the kit (relais kit import prints it), or the organizer's public key.")]
    KeyIdNotEnough { key_id: KeyId },
    #[error("`{text}` is neither a key fingerprint (64 hexadecimal digits) nor a minisign public key. Copy the fingerprint or the key again from the organizer.")]
    NotAFingerprint { text: String },
    #[error("kit.json carries no `public_key`, so its fingerprint cannot be shown. Ask the organizer for their public key and import with --trust KEY.")]
    PublicKeyMissing,
    #[error("{path}: not a readable .relais file ({detail}). Download it again or ask the organizer for a new copy.")]
    Archive { path: PathBuf, detail: String },
    #[error("{path}: the .relais file holds an entry `{entry}` that Relais refuses ({problem}). The file may be malicious; do not use it.")]
    ArchiveEntry {
        path: PathBuf,
        entry: String,
        problem: String,
    },
    #[error("{path}: the .relais file holds more than {max} entries; this is not a kit.")]
    ArchiveTooManyEntries { path: PathBuf, max: usize },
    #[error("{path}: the .relais file unpacks to more than {max_bytes} bytes (entry `{entry}`); Relais stopped reading it.")]
    ArchiveTooLarge {
        path: PathBuf,
        entry: String,
        max_bytes: u64,
    },
    #[error("{path}: neither a kit folder nor a .relais file.")]
    NotAKit { path: PathBuf },
    #[error("no kit `{kit}` in the library.")]
    KitNotFound { kit: String },
    #[error(
        "cannot use the staging folder {path} ({source}). Check free space in the data folder."
    )]
    Staging {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot draw the demo kit: {0}")]
    Demo(String),
    #[error(transparent)]
    Manifest(#[from] super::manifest::Error),
    #[error(transparent)]
    Store(#[from] crate::db::Error),
    #[error(transparent)]
    Signature(#[from] super::signature::Error),
    #[error(transparent)]
    Build(#[from] super::source::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        Error::Store(crate::db::Error::Sql(error))
    }
}

impl From<super::key::Error> for Error {
    fn from(error: super::key::Error) -> Self {
        Error::Signature(error.into())
    }
}

impl Error {
    /// A kit.json field refused by a check that needs the kit's files.
    pub(crate) fn field(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Error::Manifest(super::manifest::Error::field(field, problem))
    }
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of(
            "error.kit",
            <Self as strum::VariantNames>::VARIANTS,
            &["manifest", "store", "signature", "build"],
        )
    }

    fn describe(&self) -> crate::messages::Message {
        use crate::messages::{io_reason, Message};
        let message = Message::new(format!("error.kit.{}", <&str>::from(self)));
        match self {
            Error::ManifestMissing { folder } => message.text("folder", folder.display()),
            Error::ManifestRead { path, source } => message
                .text("path", path.display())
                .nested("reason", io_reason(source)),
            Error::ManifestTooLarge { max_bytes } => message.size("max", *max_bytes),
            Error::FileMissing { file }
            | Error::FileIsLink { file }
            | Error::FileNotRegular { file }
            | Error::HashMismatch { file } => message.text("file", file),
            Error::FileRead { file, source } => message
                .text("file", file)
                .nested("reason", io_reason(source)),
            Error::SizeMismatch {
                file,
                expected,
                actual,
            } => message
                .text("file", file)
                .size("expected", *expected)
                .size("actual", *actual),
            Error::DimensionMismatch {
                file,
                width,
                height,
                actual_width,
                actual_height,
            } => message
                .text("file", file)
                .text("listed", format!("{width}×{height}"))
                .text("actual", format!("{actual_width}×{actual_height}")),
            Error::Image { file, source } => message
                .text("file", file)
                .nested("problem", source.describe()),
            Error::Font { kit, source } => message
                .text("kit", kit)
                .nested("problem", source.describe()),
            Error::Rollback {
                kit,
                installed,
                offered,
            } => message
                .text("kit", kit)
                .number("installed", *installed as i64)
                .number("offered", *offered as i64),
            Error::SameVersionDifferent { kit, version } => {
                message.text("kit", kit).number("version", *version as i64)
            }
            Error::CopyDamaged {
                kit,
                version,
                problem,
            } => message
                .text("kit", kit)
                .number("version", *version as i64)
                .nested("problem", problem.describe()),
            Error::StoredDataDamaged { what, key, detail } => message
                .text("what", what)
                .text("key", key)
                .text("detail", detail),
            Error::AssetNotFound { kit, asset } => message.text("kit", kit).text("asset", asset),
            Error::Blob { source } => message.nested("reason", io_reason(source)),
            Error::KeyChanged {
                kit,
                pinned,
                offered,
            }
            | Error::OtherKeyOffered {
                kit,
                pinned,
                offered,
            } => message
                .text("kit", kit)
                .text("pinned", pinned)
                .text("offered", offered),
            Error::SignedByAnotherKey {
                kit,
                expected,
                offered,
            } => message
                .text("kit", kit)
                .text("expected", expected)
                .text("offered", offered),
            Error::NotTrusted {
                kit,
                version,
                publisher,
                fingerprint,
            } => message
                .text("kit", kit)
                .number("version", *version as i64)
                .text("publisher", publisher)
                .text("fingerprint", fingerprint)
                .text("compact", fingerprint.compact()),
            Error::FingerprintMismatch {
                confirmed,
                embedded,
            } => message
                .text("confirmed", confirmed)
                .text("embedded", embedded),
            Error::KeyIdNotEnough { key_id } => message.text("key_id", key_id),
            Error::NotAFingerprint { text } => message.text("text", text),
            Error::PublicKeyMissing => message,
            Error::Archive { path, detail } => {
                message.text("path", path.display()).text("detail", detail)
            }
            Error::ArchiveEntry {
                path,
                entry,
                problem,
            } => message
                .text("path", path.display())
                .text("entry", entry)
                .text("problem", problem),
            Error::ArchiveTooManyEntries { path, max } => message
                .text("path", path.display())
                .number("max", *max as i64),
            Error::ArchiveTooLarge {
                path,
                entry,
                max_bytes,
            } => message
                .text("path", path.display())
                .text("entry", entry)
                .size("max", *max_bytes),
            Error::NotAKit { path } => message.text("path", path.display()),
            Error::KitNotFound { kit } => message.text("kit", kit),
            Error::Staging { path, source } => message
                .text("path", path.display())
                .nested("reason", io_reason(source)),
            Error::Demo(detail) => message.text("detail", detail),
            Error::Manifest(inner) => inner.describe(),
            Error::Store(inner) => inner.describe(),
            Error::Signature(inner) => inner.describe(),
            Error::Build(inner) => inner.describe(),
        }
    }
}
