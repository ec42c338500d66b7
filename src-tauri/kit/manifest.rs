//! `kit.json`: what an organizer publishes. Unknown fields are ignored so older Relais
//! versions keep reading newer minor formats; a newer major format is refused.

use std::collections::HashSet;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use super::Error;
use crate::render::{Style, Zone};

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
    pub zone: Zone,
    #[serde(default)]
    pub style: Style,
    /// Locked zones cannot be moved or restyled by the volunteer.
    #[serde(default)]
    pub locked: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetEntry {
    pub id: String,
    pub kind: AssetKind,
    pub file: String,
    pub size: u64,
    pub sha256: String,
    pub width: u32,
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub id: String,
    pub title: Localized,
    pub publisher: String,
    pub version: u64,
    #[serde(default)]
    pub published: String,
    pub assets: Vec<AssetEntry>,
}

impl Manifest {
    /// Parses and validates; every refusal names the field at fault.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        // Read the major version first so a future format gets "update Relais" rather
        // than a confusing schema error.
        #[derive(Deserialize)]
        struct FormatOnly {
            format: Option<u32>,
        }
        let format_only: FormatOnly =
            serde_json::from_slice(bytes).map_err(|error| Error::ManifestInvalid {
                detail: error.to_string(),
            })?;
        match format_only.format {
            None => {
                return Err(Error::Field {
                    field: "format".to_owned(),
                    problem: "missing".to_owned(),
                })
            }
            Some(found) if found > FORMAT_MAJOR => {
                return Err(Error::FormatTooNew {
                    found,
                    supported: FORMAT_MAJOR,
                })
            }
            Some(_) => {}
        }
        let manifest: Manifest =
            serde_json::from_slice(bytes).map_err(|error| Error::ManifestInvalid {
                detail: error.to_string(),
            })?;
        manifest.validate()?;
        Ok(manifest)
    }

    pub fn validate(&self) -> Result<(), Error> {
        let field = |field: String, problem: &str| Error::Field {
            field,
            problem: problem.to_owned(),
        };
        if !is_identifier(&self.id) {
            return Err(field(
                "id".into(),
                "must be 1-64 lowercase letters, digits, '-' or '_'",
            ));
        }
        if self.version == 0 {
            return Err(field("version".into(), "must be 1 or more"));
        }
        if self.publisher.trim().is_empty() {
            return Err(field("publisher".into(), "must not be empty"));
        }
        if self.assets.is_empty() {
            return Err(field("assets".into(), "the kit lists no asset"));
        }
        let mut ids = HashSet::new();
        for (index, asset) in self.assets.iter().enumerate() {
            let at = |name: &str| format!("assets[{index}].{name}");
            if !is_identifier(&asset.id) {
                return Err(field(
                    at("id"),
                    "must be 1-64 lowercase letters, digits, '-' or '_'",
                ));
            }
            if !ids.insert(asset.id.as_str()) {
                return Err(field(at("id"), "is used by two assets"));
            }
            if !is_safe_relative_path(&asset.file) {
                return Err(field(
                    at("file"),
                    "must be a relative path inside the kit folder",
                ));
            }
            if !super::blob::is_sha256_hex(&asset.sha256) {
                return Err(field(
                    at("sha256"),
                    "must be 64 lowercase hexadecimal digits",
                ));
            }
            if asset.size == 0 {
                return Err(field(at("size"), "an asset cannot be empty"));
            }
            if asset.width == 0 || asset.height == 0 {
                return Err(field(at("width"), "width and height must be at least 1"));
            }
        }
        Ok(())
    }
}

fn is_identifier(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Forward slashes only, no absolute paths, no `..`, nothing a zip or URL could use to
/// escape the kit folder.
fn is_safe_relative_path(value: &str) -> bool {
    if value.is_empty() || value.len() > 255 || value.contains('\\') || value.contains('\0') {
        return false;
    }
    Path::new(value)
        .components()
        .all(|component| matches!(component, Component::Normal(_)))
}
