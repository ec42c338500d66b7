//! Kits served over HTTPS as a static folder: `<url>/kit.json`, `<url>/kit.json.minisig`
//! and `<url>/<file>` for every file kit.json lists.
//!
//! A sync asks for kit.json with the ETag of the last import, checks the signature before
//! any other download, fetches only the blobs the content-addressed store lacks (a few at
//! a time, each hashed while it streams), then imports a staged folder of hard links
//! through the same import as a local kit. A failure at any step leaves the installed
//! version untouched; blobs already verified stay, so the next sync resumes.

mod address;
mod error;
mod fetch;
mod progress;
mod stage;
mod status;
mod sync;

pub use crate::db::kit_sources::KitSource;
pub use address::KitUrl;
pub use error::Error;
pub use progress::Progress;
pub use sync::{
    sync, sync_with, update_all, update_kit, KitUpdate, SyncOptions, SyncOutcome, SyncReport,
};
