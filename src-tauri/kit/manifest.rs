//! `kit.json`: what an organizer publishes. Unknown fields are ignored so older Relais
//! versions keep reading newer minor formats; a newer major format is refused.

use std::collections::HashSet;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use super::date::parse_rfc3339;
use super::json;
use super::Error;
use crate::render::{Align, Style, Zone};

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
    /// One of the kit's named `styles`, used instead of `style` when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style_id: Option<String>,
    /// Overrides the style's line limit for this zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lines: Option<u32>,
    /// Overrides the style's alignment for this zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub align: Option<Align>,
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
    pub style: Style,
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

impl Manifest {
    /// Parses and validates; every refusal names the field at fault.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        // Read the major version first so a future format gets "update Relais" rather
        // than a confusing schema error.
        #[derive(Deserialize)]
        struct FormatOnly {
            #[serde(default, deserialize_with = "json::format")]
            format: Option<u32>,
        }
        let format_only: FormatOnly = json::parse(bytes)?;
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
        let manifest: Manifest = json::parse(bytes)?;
        manifest.validate()?;
        Ok(manifest)
    }

    pub fn validate(&self) -> Result<(), Error> {
        let field = |field: String, problem: &str| Error::Field {
            field,
            problem: problem.to_owned(),
        };
        const ID_RULE: &str = "must be 1-64 lowercase letters, digits, '-' or '_'";
        if !is_identifier(&self.id) {
            return Err(field("id".into(), ID_RULE));
        }
        if self.version == 0 {
            return Err(field(
                "version".into(),
                "must be a whole number of 1 or more",
            ));
        }
        super::text_rules::check_title(&self.title)?;
        if self.publisher.trim().is_empty() {
            return Err(field("publisher".into(), "must not be empty"));
        }
        if !self.published.is_empty() {
            date(&self.published, "published")?;
        }
        if !self.public_key.is_empty()
            && super::signature::PublicKey::parse(&self.public_key).is_err()
        {
            return Err(field(
                "public_key".into(),
                "not a minisign public key (the base64 line of the .pub file)",
            ));
        }
        window(&self.valid_from, &self.expires_at, "")?;
        for (index, blackout) in self.blackouts.iter().enumerate() {
            let at = |name: &str| format!("blackouts[{index}].{name}");
            let start = date(&blackout.start, &at("start"))?;
            let end = date(&blackout.end, &at("end"))?;
            if end <= start {
                return Err(field(at("end"), "must be after `start`"));
            }
        }
        for (index, font) in self.fonts.iter().enumerate() {
            let at = |name: &str| format!("fonts[{index}].{name}");
            file_fields(&font.file, &font.sha256, font.size, &at)?;
            if font.family.trim().is_empty() {
                return Err(field(at("family"), "must not be empty"));
            }
        }
        let mut style_ids = HashSet::new();
        for (index, style) in self.styles.iter().enumerate() {
            if !is_identifier(&style.id) {
                return Err(field(format!("styles[{index}].id"), ID_RULE));
            }
            if !style_ids.insert(style.id.as_str()) {
                return Err(field(
                    format!("styles[{index}].id"),
                    "is used by two styles",
                ));
            }
            self.font_declared(&style.style, &format!("styles[{index}].style.font"))?;
        }
        if self.assets.is_empty() {
            return Err(field("assets".into(), "the kit lists no asset"));
        }
        let mut ids = HashSet::new();
        for (index, asset) in self.assets.iter().enumerate() {
            let at = |name: &str| format!("assets[{index}].{name}");
            if !is_identifier(&asset.id) {
                return Err(field(at("id"), ID_RULE));
            }
            if !ids.insert(asset.id.as_str()) {
                return Err(field(at("id"), "is used by two assets"));
            }
            file_fields(&asset.file, &asset.sha256, asset.size, &at)?;
            super::text_rules::check_asset(index, asset)?;
            if asset.width == 0 || asset.height == 0 {
                return Err(field(at("width"), "width and height must be at least 1"));
            }
            window(
                &asset.valid_from,
                &asset.expires_at,
                &format!("assets[{index}]."),
            )?;
            for (zone_index, zone) in asset.zones.iter().enumerate() {
                let at = |name: &str| format!("assets[{index}].zones[{zone_index}].{name}");
                let z = zone.zone;
                let inside = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
                if !(inside(z.x) && inside(z.y) && inside(z.width) && inside(z.height))
                    || z.width <= 0.0
                    || z.height <= 0.0
                    || z.x + z.width > 1.0 + 1e-4
                    || z.y + z.height > 1.0 + 1e-4
                {
                    return Err(field(
                        at("x"),
                        "the zone must be a rectangle inside the asset (x, y, width, height between 0 and 1)",
                    ));
                }
                if let Some(style_id) = &zone.style_id {
                    if !style_ids.contains(style_id.as_str()) {
                        return Err(field(at("style_id"), "names no style in `styles`"));
                    }
                }
                if zone.max_lines == Some(0) {
                    return Err(field(at("max_lines"), "must be 1 or more"));
                }
                self.font_declared(&zone.style, &at("style.font"))?;
            }
        }
        Ok(())
    }

    /// Refuses a style naming a font family the kit does not ship: the volunteer would
    /// silently get the bundled face instead of the organizer's.
    fn font_declared(&self, style: &Style, field: &str) -> Result<(), Error> {
        let Some(family) = &style.font else {
            return Ok(());
        };
        if self.fonts.iter().any(|font| font.family == *family) {
            return Ok(());
        }
        let declared: Vec<String> = self
            .fonts
            .iter()
            .map(|font| format!("\"{}\"", font.family))
            .collect();
        let shipped = if declared.is_empty() {
            "the kit ships no font".to_owned()
        } else {
            format!("the kit's fonts: {}", declared.join(", "))
        };
        Err(Error::Field {
            field: field.to_owned(),
            problem: format!(
                "\"{family}\" is not one of the kit's fonts ({shipped}); declare it in `fonts` with its file, or remove `font`"
            ),
        })
    }

    /// The files an import reads, each once: the kit's fonts and the assets the
    /// organizer has not withdrawn (a withdrawn asset's file is never fetched).
    pub fn listed_files(&self) -> Vec<ListedFile<'_>> {
        let mut seen = HashSet::new();
        let fonts = self.fonts.iter().map(|font| ListedFile {
            file: &font.file,
            size: font.size,
            sha256: &font.sha256,
        });
        let assets = self
            .assets
            .iter()
            .filter(|asset| asset.retracted.is_none())
            .map(|asset| ListedFile {
                file: &asset.file,
                size: asset.size,
                sha256: &asset.sha256,
            });
        fonts
            .chain(assets)
            .filter(|listed| seen.insert(listed.file))
            .collect()
    }

    /// The named style `id`, if the kit declares it.
    pub fn style(&self, id: &str) -> Option<&NamedStyle> {
        self.styles.iter().find(|style| style.id == id)
    }
}

fn date(value: &str, field: &str) -> Result<i64, Error> {
    parse_rfc3339(value).ok_or_else(|| Error::Field {
        field: field.to_owned(),
        problem: format!("`{value}` is not an RFC 3339 date (like 2026-06-30T20:00:00Z)"),
    })
}

/// `valid_from` / `expires_at` under `prefix`: each a date, in that order.
fn window(from: &Option<String>, until: &Option<String>, prefix: &str) -> Result<(), Error> {
    let from = from
        .as_deref()
        .map(|value| date(value, &format!("{prefix}valid_from")))
        .transpose()?;
    let until = until
        .as_deref()
        .map(|value| date(value, &format!("{prefix}expires_at")))
        .transpose()?;
    if let (Some(from), Some(until)) = (from, until) {
        if until <= from {
            return Err(Error::Field {
                field: format!("{prefix}expires_at"),
                problem: "must be after `valid_from`".to_owned(),
            });
        }
    }
    Ok(())
}

fn file_fields(
    file: &str,
    sha256: &str,
    size: u64,
    at: &dyn Fn(&str) -> String,
) -> Result<(), Error> {
    let field = |name: &str, problem: &str| Error::Field {
        field: at(name),
        problem: problem.to_owned(),
    };
    if let Some(problem) = path_problem(file) {
        return Err(Error::Field {
            field: at("file"),
            problem: format!("`{}` {problem}", file.escape_debug()),
        });
    }
    if file == super::MANIFEST_FILE || file == super::signature::SIGNATURE_FILE {
        return Err(field(
            "file",
            "names kit.json or its signature, not a kit file",
        ));
    }
    if !super::blob::is_sha256_hex(sha256) {
        return Err(field("sha256", "must be 64 lowercase hexadecimal digits"));
    }
    if size == 0 {
        return Err(field("size", "a kit file cannot be empty"));
    }
    // Reads are bounded by the declared size, so the declared size is bounded too.
    if size > MAX_FILE_BYTES {
        return Err(field(
            "size",
            "is over the 200 MiB Relais reads for one kit file",
        ));
    }
    Ok(())
}

/// The most a kit file may weigh, the same bound the decoder puts on an image file.
const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

fn is_identifier(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// What is wrong with a kit file path, if anything: forward slashes only, no absolute
/// paths, no `..`, nothing a zip or URL could use to escape the kit folder.
pub(crate) fn path_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return Some("is empty");
    }
    if value.len() > 255 {
        return Some("is longer than 255 bytes");
    }
    if value.contains('\\') {
        return Some("contains a backslash `\\`; separate folders with `/`");
    }
    if value.contains('\0') {
        return Some("contains a NUL byte");
    }
    if value.contains(':') {
        return Some("contains `:`, which names a drive or a stream on Windows");
    }
    if value.starts_with('/') {
        return Some("starts with `/`; give a path relative to the kit folder");
    }
    let mut problem = None;
    for component in Path::new(value).components() {
        problem = match component {
            Component::Normal(_) => continue,
            Component::ParentDir => Some("contains `..`, which leaves the kit folder"),
            Component::CurDir => Some("contains `.` as a folder name; remove it"),
            Component::RootDir | Component::Prefix(_) => {
                Some("is not a plain path relative to the kit folder")
            }
        };
        break;
    }
    problem
}
