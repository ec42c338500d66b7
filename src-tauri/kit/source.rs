//! `relais kit build`: from an organizer's source folder (assets + a hand-written
//! `kit.toml`) to a published kit folder (assets + `kit.json` + `kit.json.minisig`).
//!
//! Everything a person could get wrong by hand (sizes, hashes, dimensions, the kind)
//! is measured from the files instead of typed, and the result is checked the same way
//! an importer will before it appears under the output name.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::manifest::{
    AssetEntry, AssetKind, Blackout, CaptionZone, FontEntry, Localized, LocalizedList, Manifest,
    NamedStyle, Retraction, FORMAT_MAJOR,
};
use super::signature::{self, Fingerprint, SecretKey, SIGNATURE_FILE};
use super::MANIFEST_FILE;
use crate::db::blobs::sha256_hex;
use crate::render::{self, Limits};

/// The source description's file name inside a kit source folder.
pub const SOURCE_FILE: &str = "kit.toml";

/// kit.toml is a short text; anything larger is a mistake.
const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("{folder}: no kit.toml here. A kit source folder holds kit.toml and the asset files it lists (see docs/kit-format.md).")]
    SourceMissing { folder: PathBuf },
    #[error("{path}: cannot read ({source}).")]
    SourceRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid: {detail}")]
    SourceInvalid { path: PathBuf, detail: String },
    #[error("kit.toml field `{field}`: {problem}.")]
    Field { field: String, problem: String },
    #[error("cannot read asset file {path} ({source}).")]
    AssetRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("kit.toml field `{field}`: {source}")]
    Image {
        field: String,
        #[source]
        source: render::Error,
    },
    #[error("{path} already exists and is not an empty folder; Relais never overwrites a built kit. Choose a new --out folder.")]
    OutputExists { path: PathBuf },
    #[error("cannot write the built kit at {path} ({source}). Check the folder is writable and has free space.")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the built kit.json does not pass its own check: {detail}. This is a bug in Relais; please report it.")]
    SelfCheck { detail: String },
    #[error(transparent)]
    Signature(#[from] signature::Error),
}

/// `deny_unknown_fields` throughout: a misspelt field in a hand-written file must be an
/// error naming it, not a silently missing caption.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KitSource {
    format: Option<u32>,
    id: String,
    title: Text,
    publisher: String,
    #[serde(deserialize_with = "super::manifest::counted")]
    version: u64,
    published: Option<String>,
    valid_from: Option<String>,
    expires_at: Option<String>,
    #[serde(default)]
    blackouts: Vec<Blackout>,
    #[serde(default)]
    fonts: Vec<FontSource>,
    #[serde(default)]
    styles: Vec<NamedStyle>,
    #[serde(default)]
    assets: Vec<AssetSource>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FontSource {
    file: String,
    family: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssetSource {
    id: String,
    kind: AssetKind,
    file: String,
    title: Text,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    alt: Text,
    #[serde(default)]
    captions: TextList,
    #[serde(default)]
    post_texts: TextList,
    #[serde(default)]
    zones: Vec<CaptionZone>,
    #[serde(default)]
    credit: String,
    #[serde(default)]
    licence: String,
    valid_from: Option<String>,
    expires_at: Option<String>,
    retracted: Option<Retraction>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Text {
    #[serde(default)]
    fr: String,
    #[serde(default)]
    en: String,
}

impl From<Text> for Localized {
    fn from(text: Text) -> Self {
        Localized {
            fr: text.fr,
            en: text.en,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextList {
    #[serde(default)]
    fr: Vec<String>,
    #[serde(default)]
    en: Vec<String>,
}

impl From<TextList> for LocalizedList {
    fn from(list: TextList) -> Self {
        LocalizedList {
            fr: list.fr,
            en: list.en,
        }
    }
}

/// What `build` produced.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub kit_id: String,
    pub version: u64,
    pub assets: usize,
    pub fingerprint: Fingerprint,
    pub out: PathBuf,
}

/// Builds the kit described by `source_dir/kit.toml` into `out_dir`, signed with `key`.
/// The kit is assembled in a hidden folder next to `out_dir` and renamed into place
/// only when complete, so `out_dir` is either absent or a whole signed kit. A missing
/// `published` is filled in from `now_unix`.
pub fn build(
    source_dir: &Path,
    key: &SecretKey,
    out_dir: &Path,
    now_unix: i64,
    limits: &Limits,
) -> Result<BuildReport, Error> {
    let source = read_source(source_dir)?;
    if let Some(format) = source.format {
        if format != FORMAT_MAJOR {
            return Err(field(
                "format",
                format!("this Relais writes format {FORMAT_MAJOR}; remove the field or set it to {FORMAT_MAJOR}"),
            ));
        }
    }
    let mut manifest = Manifest {
        format: FORMAT_MAJOR,
        id: source.id,
        title: source.title.into(),
        publisher: source.publisher,
        version: source.version,
        published: source
            .published
            .unwrap_or_else(|| crate::dates::format_rfc3339(now_unix)),
        public_key: key.public_key().to_base64(),
        valid_from: source.valid_from,
        expires_at: source.expires_at,
        blackouts: source.blackouts,
        fonts: source
            .fonts
            .into_iter()
            .map(|font| FontEntry {
                file: font.file,
                family: font.family,
                // Measured below, like the assets'.
                size: 1,
                sha256: "0".repeat(64),
            })
            .collect(),
        styles: source.styles,
        assets: source
            .assets
            .into_iter()
            .map(|asset| AssetEntry {
                id: asset.id,
                kind: asset.kind,
                file: asset.file,
                // Measured below; placeholders that pass validation so the fields a
                // person wrote are checked before any file is read.
                size: 1,
                sha256: "0".repeat(64),
                width: 1,
                height: 1,
                title: asset.title.into(),
                tags: asset.tags,
                alt: asset.alt.into(),
                captions: asset.captions.into(),
                post_texts: asset.post_texts.into(),
                zones: asset.zones,
                credit: asset.credit,
                licence: asset.licence,
                valid_from: asset.valid_from,
                expires_at: asset.expires_at,
                retracted: asset.retracted,
            })
            .collect(),
    };
    check_written_fields(&manifest)?;

    prepare_output(out_dir)?;
    let parent = match out_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|source| Error::Write {
        path: parent.clone(),
        source,
    })?;
    let staging = tempfile::Builder::new()
        .prefix(".relais-kit-build-")
        .tempdir_in(&parent)
        .map_err(|source| Error::Write {
            path: parent.clone(),
            source,
        })?;

    for (index, font) in manifest.fonts.iter_mut().enumerate() {
        measure_font(source_dir, staging.path(), index, font, limits)?;
    }
    for (index, entry) in manifest.assets.iter_mut().enumerate() {
        measure_and_copy(source_dir, staging.path(), index, entry, limits)?;
    }
    manifest.validate().map_err(self_check)?;

    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(self_check)?;
    manifest_bytes.push(b'\n');
    let signature = signature::sign(key, &manifest_bytes, &manifest.id, manifest.version)?;
    // Parse what we are about to publish and check it with the public key, so a
    // signing bug shows up here rather than on every volunteer's machine.
    let reparsed = Manifest::parse(&manifest_bytes).map_err(self_check)?;
    signature::Signature::parse(&signature.to_file_text())?
        .verify(
            key.public_key(),
            &manifest_bytes,
            &reparsed.id,
            reparsed.version,
        )
        .map_err(self_check)?;
    write(&staging.path().join(MANIFEST_FILE), &manifest_bytes)?;
    write(
        &staging.path().join(SIGNATURE_FILE),
        signature.to_file_text().as_bytes(),
    )?;

    if is_relais_file(out_dir) {
        let files: Vec<String> = manifest
            .fonts
            .iter()
            .map(|font| font.file.clone())
            .chain(manifest.assets.iter().map(|asset| asset.file.clone()))
            .collect();
        super::archive::write(staging.path(), &files, out_dir).map_err(|source| Error::Write {
            path: out_dir.to_path_buf(),
            source,
        })?;
        return Ok(BuildReport {
            kit_id: manifest.id,
            version: manifest.version,
            assets: manifest.assets.len(),
            fingerprint: key.public_key().fingerprint(),
            out: out_dir.to_path_buf(),
        });
    }
    // prepare_output allowed only a missing or empty folder; an empty one is removed
    // so the rename can put the complete kit in its place on every platform.
    if out_dir.is_dir() {
        std::fs::remove_dir(out_dir).map_err(|_| Error::OutputExists {
            path: out_dir.to_path_buf(),
        })?;
    }
    let staged = staging.keep();
    if let Err(source) = std::fs::rename(&staged, out_dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(Error::Write {
            path: out_dir.to_path_buf(),
            source,
        });
    }
    tracing::info!(kit = %manifest.id, version = manifest.version, assets = manifest.assets.len(), "kit built");
    Ok(BuildReport {
        kit_id: manifest.id,
        version: manifest.version,
        assets: manifest.assets.len(),
        fingerprint: key.public_key().fingerprint(),
        out: out_dir.to_path_buf(),
    })
}

fn read_source(source_dir: &Path) -> Result<KitSource, Error> {
    let path = source_dir.join(SOURCE_FILE);
    let file = std::fs::File::open(&path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::SourceMissing {
            folder: source_dir.to_path_buf(),
        },
        _ => Error::SourceRead {
            path: path.clone(),
            source,
        },
    })?;
    let mut text = String::new();
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|source| Error::SourceRead {
            path: path.clone(),
            source,
        })?;
    if text.len() as u64 > MAX_SOURCE_BYTES {
        return Err(Error::SourceInvalid {
            path,
            detail: format!("larger than {MAX_SOURCE_BYTES} bytes"),
        });
    }
    toml::from_str(&text).map_err(|error| Error::SourceInvalid {
        path,
        detail: error.to_string(),
    })
}

/// The checks on what the organizer typed, before any file is read.
fn check_written_fields(manifest: &Manifest) -> Result<(), Error> {
    manifest.validate().map_err(|error| match error {
        super::manifest::Error::Field { field, problem } => Error::Field { field, problem },
        other => Error::SourceInvalid {
            path: PathBuf::from(SOURCE_FILE),
            detail: other.to_string(),
        },
    })?;
    if manifest.title.fr.trim().is_empty() && manifest.title.en.trim().is_empty() {
        return Err(field("title", "give at least `fr` or `en`".to_owned()));
    }
    for (index, font) in manifest.fonts.iter().enumerate() {
        // Only the first file of a family is ever drawn; a second is a mistake to fix
        // here rather than a font volunteers silently never see.
        if let Some(first) = manifest.fonts[..index]
            .iter()
            .position(|earlier| earlier.family == font.family)
        {
            return Err(field(
                &format!("fonts[{index}].family"),
                format!(
                    "\"{}\" is already the family of fonts[{first}]; give each font file its own family name",
                    font.family
                ),
            ));
        }
    }
    for (index, asset) in manifest.assets.iter().enumerate() {
        if asset.title.fr.trim().is_empty() && asset.title.en.trim().is_empty() {
            return Err(field(
                &format!("assets[{index}].title"),
                "give at least `fr` or `en`".to_owned(),
            ));
        }
        if asset.file == MANIFEST_FILE || asset.file == SIGNATURE_FILE {
            return Err(field(
                &format!("assets[{index}].file"),
                format!(
                    "`{}` is the name of a kit file Relais writes itself; rename the asset",
                    asset.file
                ),
            ));
        }
    }
    Ok(())
}

/// Fills in size, SHA-256 and dimensions from the file, checks `kind` against it, and
/// copies the file into the staging folder.
fn measure_and_copy(
    source_dir: &Path,
    staging: &Path,
    index: usize,
    entry: &mut AssetEntry,
    limits: &Limits,
) -> Result<(), Error> {
    let at = |name: &str| format!("assets[{index}].{name}");
    let bytes = read_listed_source(source_dir, &entry.file, &at("file"), limits)?;
    let image_error = |source| Error::Image {
        field: at("file"),
        source,
    };
    let (format, width, height) =
        render::probe_dimensions(&bytes, &entry.file, limits).map_err(image_error)?;
    let (_, frames) = render::verify_decodes(&bytes, &entry.file, limits).map_err(image_error)?;
    let animated = format == image::ImageFormat::Gif && frames > 1;
    match (entry.kind, animated) {
        (AssetKind::Animation, false) => {
            return Err(field(
                &at("kind"),
                format!(
                    "says \"animation\" but `{}` is not a GIF with more than one frame; use kind = \"image\"",
                    entry.file
                ),
            ))
        }
        (AssetKind::Image, true) => {
            return Err(field(
                &at("kind"),
                format!(
                    "says \"image\" but `{}` is an animated GIF; use kind = \"animation\"",
                    entry.file
                ),
            ))
        }
        _ => {}
    }
    entry.size = bytes.len() as u64;
    entry.sha256 = sha256_hex(&bytes);
    entry.width = width;
    entry.height = height;

    let target = staging.join(&entry.file);
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder).map_err(|source| Error::Write {
            path: folder.to_path_buf(),
            source,
        })?;
    }
    write(&target, &bytes)
}

/// `--out something.relais` asks for a zipped kit rather than a folder.
fn is_relais_file(out: &Path) -> bool {
    out.extension()
        .is_some_and(|extension| extension == super::archive::EXTENSION)
}

/// Fills in a font's size and SHA-256, checks it is a font, copies it to staging.
fn measure_font(
    source_dir: &Path,
    staging: &Path,
    index: usize,
    font: &mut FontEntry,
    limits: &Limits,
) -> Result<(), Error> {
    let at = |name: &str| format!("fonts[{index}].{name}");
    let bytes = read_listed_source(source_dir, &font.file, &at("file"), limits)?;
    // The same check as the import's, so a kit that builds is a kit that imports.
    if render::check_font(&bytes, &font.file).is_err() {
        return Err(field(
            &at("file"),
            format!(
                "`{}` is not a TrueType or OpenType font Relais can draw with",
                font.file
            ),
        ));
    }
    font.size = bytes.len() as u64;
    font.sha256 = sha256_hex(&bytes);
    let target = staging.join(&font.file);
    if let Some(folder) = target.parent() {
        std::fs::create_dir_all(folder).map_err(|source| Error::Write {
            path: folder.to_path_buf(),
            source,
        })?;
    }
    write(&target, &bytes)
}

/// Reads a file kit.toml lists from the source folder, refusing a missing file and one
/// over the size Relais imports (rather than keeping a truncated copy).
fn read_listed_source(
    source_dir: &Path,
    file: &str,
    field_name: &str,
    limits: &Limits,
) -> Result<Vec<u8>, Error> {
    let path = source_dir.join(file);
    if !path.is_file() {
        return Err(field(
            field_name,
            format!(
                "no file `{file}` in {}; the kit's files must sit in the source folder next to kit.toml",
                source_dir.display()
            ),
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&path)
        .and_then(|handle| {
            handle
                .take(limits.max_file_bytes + 1)
                .read_to_end(&mut bytes)
        })
        .map_err(|source| Error::AssetRead {
            path: path.clone(),
            source,
        })?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(field(
            field_name,
            format!(
                "`{file}` is larger than {} bytes, more than Relais imports",
                limits.max_file_bytes
            ),
        ));
    }
    Ok(bytes)
}

/// Refuses anything but a missing or empty folder at `out_dir` (or a missing file for
/// a `.relais` output).
fn prepare_output(out_dir: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(out_dir) {
        Ok(_) if is_relais_file(out_dir) => Err(Error::OutputExists {
            path: out_dir.to_path_buf(),
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(Error::Write {
            path: out_dir.to_path_buf(),
            source,
        }),
        Ok(meta) if meta.is_dir() => {
            let mut entries = std::fs::read_dir(out_dir).map_err(|source| Error::Write {
                path: out_dir.to_path_buf(),
                source,
            })?;
            if entries.next().is_none() {
                Ok(())
            } else {
                Err(Error::OutputExists {
                    path: out_dir.to_path_buf(),
                })
            }
        }
        Ok(_) => Err(Error::OutputExists {
            path: out_dir.to_path_buf(),
        }),
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn field(name: &str, problem: String) -> Error {
    Error::Field {
        field: name.to_owned(),
        problem,
    }
}

fn self_check(error: impl std::fmt::Display) -> Error {
    Error::SelfCheck {
        detail: error.to_string(),
    }
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of(
            "error.build",
            <Self as strum::VariantNames>::VARIANTS,
            &["signature"],
        )
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.build.{}", <&str>::from(self)));
        match self {
            Error::SourceMissing { folder } => message.text("folder", folder.display()),
            Error::SourceRead { path, source }
            | Error::AssetRead { path, source }
            | Error::Write { path, source } => message
                .text("path", path.display())
                .nested("reason", io_reason(source)),
            Error::SourceInvalid { path, detail } => {
                message.text("path", path.display()).text("detail", detail)
            }
            Error::Field { field, problem } => {
                message.text("field", field).text("problem", problem)
            }
            Error::Image { field, source } => message
                .text("field", field)
                .nested("problem", source.describe()),
            Error::OutputExists { path } => message.text("path", path.display()),
            Error::SelfCheck { detail } => message.text("detail", detail),
            Error::Signature(inner) => inner.describe(),
        }
    }
}
