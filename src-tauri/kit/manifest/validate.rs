//! Reading and checking kit.json: every refusal names the field at fault. Unknown fields
//! are ignored so older Relais versions keep reading newer minor formats; a newer major
//! format is refused.

use std::collections::HashSet;

use serde::Deserialize;

use super::error::Error;
use super::json;
use super::paths::path_problem;
use super::style::StyleSpec;
use super::text_rules;
use super::types::MANIFEST_FILE;
use super::types::{ListedFile, Manifest, NamedStyle, FORMAT_MAJOR};
use crate::dates::parse_rfc3339;
use crate::db::blobs::is_sha256_hex;
use crate::kit::key::PublicKey;
use crate::kit::signature::SIGNATURE_FILE;

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
        text_rules::check_title(&self.title)?;
        if self.publisher.trim().is_empty() {
            return Err(field("publisher".into(), "must not be empty"));
        }
        if !self.published.is_empty() {
            date(&self.published, "published")?;
        }
        if !self.public_key.is_empty() && PublicKey::parse(&self.public_key).is_err() {
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
            text_rules::check_asset(index, asset)?;
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
    fn font_declared(&self, style: &StyleSpec, field: &str) -> Result<(), Error> {
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
    if file == MANIFEST_FILE || file == SIGNATURE_FILE {
        return Err(field(
            "file",
            "names kit.json or its signature, not a kit file",
        ));
    }
    if !is_sha256_hex(sha256) {
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
