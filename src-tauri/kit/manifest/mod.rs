//! `kit.json`: its types (the signed format), styles and zones in the format's own
//! types, the rules its texts and paths follow, and the parse-and-check that names the
//! field at fault. Imports nothing from the rest of `kit` but the key and the dates.

mod error;
mod json;
mod paths;
mod style;
mod text_rules;
mod types;
mod validate;

pub use error::Error;
pub(crate) use json::counted;
pub(crate) use paths::path_problem;
pub use style::{
    AlignSpec, BandSpec, FaceSpec, OutlineSpec, ShadowSpec, SizeSpec, StyleSpec, ZoneRect,
};
pub use types::{
    AssetEntry, AssetKind, Blackout, CaptionZone, FontEntry, ListedFile, Localized, LocalizedList,
    Manifest, NamedStyle, Retraction, FORMAT_MAJOR, MANIFEST_FILE,
};
