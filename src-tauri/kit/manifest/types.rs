//! `kit.json`'s types: what an organizer publishes, signed. They belong to the kit format,
//! not to the renderer: renaming a render field must never change a signed file's
//! meaning, so styles and zones have their own types here (style.rs), converted to the
//! renderer's explicitly.

use serde::{Deserialize, Serialize};

use super::json;
use super::style::{AlignSpec, StyleSpec, ZoneRect};

/// The manifest's file name inside a kit folder.
pub const MANIFEST_FILE: &str = "kit.json";

/// The manifest format major version this Relais reads.
pub const FORMAT_MAJOR: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Localized {
    #[serde(default)]
    pub fr: String,
    #[serde(default)]
    pub en: String,
}

impl Localized {
    pub fn new(fr: &str, en: &str) -> Self {
        Self {
            fr: fr.to_owned(),
            en: en.to_owned(),
        }
    }

    /// The text in `lang`, falling back to the other language rather than showing nothing.
    pub fn get(&self, lang: &str) -> &str {
        let (first, second) = if lang.starts_with("en") {
            (&self.en, &self.fr)
        } else {
            (&self.fr, &self.en)
        };
        if first.is_empty() {
            second
        } else {
            first
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalizedList {
    #[serde(default)]
    pub fr: Vec<String>,
    #[serde(default)]
    pub en: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssetKind {
    Image,
    Animation,
}

impl AssetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Image => "image",
            AssetKind::Animation => "animation",
        }
    }
}

/// A rectangle where a caption may go, with the organizer's style for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptionZone {
    #[serde(flatten)]
    pub zone: ZoneRect,
    #[serde(default)]
    pub style: StyleSpec,
    /// One of the kit's named `styles`, used instead of `style` when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style_id: Option<String>,
    /// Overrides the style's line limit for this zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lines: Option<u32>,
    /// Overrides the style's alignment for this zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align: Option<AlignSpec>,
    /// Locked zones cannot be moved or restyled by the volunteer.
    #[serde(default)]
    pub locked: bool,
    /// Whether the volunteer may drag the caption elsewhere; a locked zone never moves.
    #[serde(default = "yes")]
    pub movable: bool,
}

fn yes() -> bool {
    true
}

/// A period in which the kit's assets must not be posted (e.g. electoral silence).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blackout {
    /// RFC 3339, inclusive.
    pub start: String,
    /// RFC 3339, exclusive.
    pub end: String,
    #[serde(default)]
    pub reason: Localized,
}

/// A font file shipped with the kit, checked like an asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FontEntry {
    pub file: String,
    #[serde(deserialize_with = "json::counted")]
    pub size: u64,
    pub sha256: String,
    pub family: String,
}

/// One file of a kit as kit.json lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListedFile<'a> {
    pub file: &'a str,
    pub size: u64,
    pub sha256: &'a str,
}

/// A caption style the organizer named, for zones to refer to by `style_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedStyle {
    pub id: String,
    #[serde(default)]
    pub name: Localized,
    #[serde(default)]
    pub style: StyleSpec,
}

/// Why an organizer withdrew an asset: it leaves the library on update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retraction {
    #[serde(default)]
    pub reason: Localized,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetEntry {
    pub id: String,
    pub kind: AssetKind,
    pub file: String,
    #[serde(deserialize_with = "json::counted")]
    pub size: u64,
    pub sha256: String,
    #[serde(deserialize_with = "json::pixels")]
    pub width: u32,
    #[serde(deserialize_with = "json::pixels")]
    pub height: u32,
    pub title: Localized,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub alt: Localized,
    #[serde(default)]
    pub captions: LocalizedList,
    #[serde(default)]
    pub post_texts: LocalizedList,
    #[serde(default)]
    pub zones: Vec<CaptionZone>,
    #[serde(default)]
    pub credit: String,
    #[serde(default)]
    pub licence: String,
    /// RFC 3339; before it the asset is shown greyed and cannot be exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// RFC 3339; from it on the asset is shown greyed and cannot be exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retracted: Option<Retraction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub id: String,
    pub title: Localized,
    pub publisher: String,
    #[serde(deserialize_with = "json::counted")]
    pub version: u64,
    #[serde(default)]
    pub published: String,
    /// The signing key's minisign base64 line, so a volunteer can be shown its
    /// fingerprint before trusting it. Authenticated only by the signature itself.
    #[serde(default)]
    pub public_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blackouts: Vec<Blackout>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fonts: Vec<FontEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub styles: Vec<NamedStyle>,
    pub assets: Vec<AssetEntry>,
}
