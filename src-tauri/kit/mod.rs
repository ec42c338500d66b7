//! Kits: the manifest, the content-addressed blob store, import into the library, the
//! built-in demo kit (installed through the same import as any other kit), and the
//! organizer's tools: keys and signatures, building a kit from its source, verifying it.

pub mod archive;

pub mod demo;
mod error;
mod fonts;
mod import;
mod inspect;
pub mod key;
mod library;
pub mod manifest;
pub mod remote;
pub mod signature;
pub mod source;
pub mod subscribe;
mod thumbnail;
mod trust;
mod verify;
mod zones;

pub use crate::dates::{format_rfc3339, parse_rfc3339};
pub use error::Error;
pub use fonts::{read_fonts, use_kit_fonts};
pub use import::{import_folder, import_path, ImportOutcome, ImportReport, RetractedAsset};
pub use inspect::{inspect, Inspection};
pub use key::{Fingerprint, KeyId, PublicKey};
pub use library::{
    blackouts, find_asset, find_asset_at, list_assets, list_kits, load_first_frame, load_picture,
    read_asset, remove_kit, AssetSummary, Availability, KitSummary,
};
pub use manifest::Error as ManifestError;
pub use manifest::{
    AssetEntry, AssetKind, Blackout, CaptionZone, FontEntry, ListedFile, Localized, LocalizedList,
    Manifest, NamedStyle, Retraction, FORMAT_MAJOR, MANIFEST_FILE,
};
pub use trust::{authenticate, pinned_key, PinState, Trust};
pub use verify::{verify_folder, Passed, Verified};
