//! Kits: the manifest, the content-addressed blob store, import into the library, the
//! built-in demo kit (installed through the same import as any other kit), and the
//! organizer's tools: keys and signatures, building a kit from its source, verifying it.

mod blob;
pub mod demo;
mod error;
mod import;
mod library;
mod manifest;
pub mod remote;
pub mod signature;
pub mod source;
pub mod subscribe;
mod thumbnail;
mod verify;

pub use blob::BlobStore;
pub use error::Error;
pub use import::{import_folder, ImportOutcome, ImportReport};
pub use library::{find_asset, list_assets, list_kits, load_picture, AssetSummary, KitSummary};
pub use manifest::{
    AssetEntry, AssetKind, CaptionZone, Localized, LocalizedList, Manifest, FORMAT_MAJOR,
};
pub use verify::{verify_folder, Passed, Verified};

/// The manifest's file name inside a kit folder.
pub const MANIFEST_FILE: &str = "kit.json";
