//! `.relais` files: a kit folder zipped. Read as hostile input: bounded entry count
//! and bytes (each entry read through a limit, never trusting header sizes), no
//! links, no names outside the folder, no duplicates, no non-UTF-8 names.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use super::manifest::{path_problem, ListedFile, Manifest};
use super::signature::SIGNATURE_FILE;
use super::{Error, MANIFEST_FILE};
use crate::render::Limits;

/// The file name extension of a zipped kit.
pub const EXTENSION: &str = "relais";
/// More entries than any kit needs, few enough that a listing cannot exhaust memory.
pub const MAX_ENTRIES: usize = 10_000;
/// What the files a kit lists may add up to.
pub const MAX_TOTAL_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// kit.json and its signature are read into memory; both are small.
const MAX_META_BYTES: u64 = 4 * 1024 * 1024;

/// Unix file type bits, as zip tools store them in the external attributes.
const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;

/// kit.json as read from a `.relais` file: its exact bytes, what they parse to, and the
/// signature text beside it.
pub struct SignedManifest<'a> {
    pub bytes: &'a [u8],
    pub manifest: &'a Manifest,
    pub signature: &'a str,
}

/// An opened `.relais` file whose entry names all passed the checks.
pub struct Archive {
    path: PathBuf,
    zip: ZipArchive<File>,
}

impl Archive {
    pub fn open(path: &Path) -> Result<Self, Error> {
        let invalid = |detail: String| Error::Archive {
            path: path.to_path_buf(),
            detail,
        };
        let file = File::open(path).map_err(|error| invalid(error.to_string()))?;
        let mut zip = ZipArchive::new(file).map_err(|error| invalid(error.to_string()))?;
        if zip.len() > MAX_ENTRIES {
            return Err(Error::ArchiveTooManyEntries {
                path: path.to_path_buf(),
                max: MAX_ENTRIES,
            });
        }
        if zip.has_duplicate_names() {
            return Err(invalid("two entries have the same name".to_owned()));
        }
        let mut seen = HashSet::new();
        for index in 0..zip.len() {
            let entry = zip
                .by_index_raw(index)
                .map_err(|error| invalid(error.to_string()))?;
            let raw = entry.name_raw().to_vec();
            let refuse = |problem: &str| Error::ArchiveEntry {
                path: path.to_path_buf(),
                entry: String::from_utf8_lossy(&raw).into_owned(),
                problem: problem.to_owned(),
            };
            let Ok(name) = std::str::from_utf8(&raw) else {
                return Err(refuse("its name is not UTF-8"));
            };
            let kind = entry.unix_mode().map(|mode| mode & S_IFMT);
            if entry.is_symlink()
                || kind.is_some_and(|kind| kind != 0 && kind != S_IFREG && kind != S_IFDIR)
            {
                return Err(refuse("links and special files are not allowed in a kit"));
            }
            if entry.encrypted() {
                return Err(refuse("encrypted entries are not allowed in a kit"));
            }
            let trimmed = name.strip_suffix('/').unwrap_or(name);
            if let Some(problem) = path_problem(trimmed) {
                return Err(refuse(&format!("its path {problem}")));
            }
            // Case-insensitive file systems would merge `A.png` and `a.png`.
            if !seen.insert(trimmed.to_lowercase()) {
                return Err(refuse("two entries have this name"));
            }
        }
        Ok(Self {
            path: path.to_path_buf(),
            zip,
        })
    }

    /// kit.json and kit.json.minisig, read into memory with a limit, without
    /// unpacking anything else: enough to check the signature first.
    pub fn manifest_and_signature(&mut self) -> Result<(Vec<u8>, Option<String>), Error> {
        let manifest = self
            .read_small(MANIFEST_FILE)?
            .ok_or_else(|| Error::Archive {
                path: self.path.clone(),
                detail: "no kit.json at the top of the file; a .relais file is the kit folder's contents zipped (cd my-kit && zip -r ../my-kit.relais .)".to_owned(),
            })?;
        let signature = self
            .read_small(SIGNATURE_FILE)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
        Ok((manifest, signature))
    }

    fn read_small(&mut self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let path = self.path.clone();
        let mut entry = self.zip.by_index(index).map_err(|error| Error::Archive {
            path: path.clone(),
            detail: error.to_string(),
        })?;
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_META_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|error| Error::ArchiveEntry {
                path: path.clone(),
                entry: name.to_owned(),
                problem: error.to_string(),
            })?;
        if bytes.len() as u64 > MAX_META_BYTES {
            return Err(Error::ArchiveTooLarge {
                path,
                entry: name.to_owned(),
                max_bytes: MAX_META_BYTES,
            });
        }
        Ok(Some(bytes))
    }

    /// The whole kit folder, as `relais kit verify` checks it: kit.json, its signature
    /// and the files kit.json lists, unpacked like an import unpacks them. Nothing is
    /// trusted here; the folder is checked afterwards.
    pub fn unpack_kit(&mut self, into: &Path, limits: &Limits) -> Result<(), Error> {
        let (bytes, signature) = self.manifest_and_signature()?;
        let manifest = Manifest::parse(&bytes)?;
        let signature = signature.ok_or_else(|| super::signature::Error::SignatureMissing {
            path: self.path.join(SIGNATURE_FILE),
        })?;
        let signed = SignedManifest {
            bytes: &bytes,
            manifest: &manifest,
            signature: &signature,
        };
        self.extract_listed(into, &signed, limits)
    }

    /// Writes kit.json and its signature as the caller read (and checked) them, then
    /// unpacks the files that manifest lists, and nothing else, into the empty folder
    /// `into`. Entries kit.json does not list are never inflated. Each listed entry's
    /// header must declare exactly the listed size, checked for every file before the
    /// first byte is inflated, and each is read through a limit of that size: the disk
    /// used is bounded by what the signed kit.json lists, whatever the zip claims.
    pub fn extract_listed(
        &mut self,
        into: &Path,
        signed: &SignedManifest<'_>,
        limits: &Limits,
    ) -> Result<(), Error> {
        let staging_error = |source| Error::Staging {
            path: into.to_path_buf(),
            source,
        };
        std::fs::write(into.join(MANIFEST_FILE), signed.bytes).map_err(staging_error)?;
        std::fs::write(into.join(SIGNATURE_FILE), signed.signature).map_err(staging_error)?;
        let listed = signed.manifest.listed_files();
        let total = listed
            .iter()
            .fold(0u64, |sum, file| sum.saturating_add(file.size));
        if total > MAX_TOTAL_BYTES {
            return Err(Error::ArchiveTooLarge {
                path: self.path.clone(),
                entry: MANIFEST_FILE.to_owned(),
                max_bytes: MAX_TOTAL_BYTES,
            });
        }
        let mut plan = Vec::with_capacity(listed.len());
        for file in &listed {
            let index = self
                .zip
                .index_for_name(file.file)
                .ok_or_else(|| Error::FileMissing {
                    file: file.file.to_owned(),
                })?;
            let entry = self
                .zip
                .by_index_raw(index)
                .map_err(|error| Error::Archive {
                    path: self.path.clone(),
                    detail: error.to_string(),
                })?;
            if file.size > limits.max_file_bytes {
                return Err(Error::ArchiveTooLarge {
                    path: self.path.clone(),
                    entry: file.file.to_owned(),
                    max_bytes: limits.max_file_bytes,
                });
            }
            if entry.is_dir() || entry.size() != file.size {
                return Err(Error::ArchiveEntry {
                    path: self.path.clone(),
                    entry: file.file.to_owned(),
                    problem: format!(
                        "its header says {} bytes but kit.json lists {}",
                        entry.size(),
                        file.size
                    ),
                });
            }
            plan.push((index, *file));
        }
        // kit.json and its signature are read, not unpacked, and count as listed.
        let unlisted = self.zip.len().saturating_sub(plan.len() + 2);
        if unlisted > 0 {
            tracing::info!(path = %self.path.display(), unlisted, "entries kit.json does not list were left packed");
        }
        let mut buffer = vec![0u8; 256 * 1024];
        for (index, file) in plan {
            self.unpack(index, file, into, &mut buffer)?;
        }
        Ok(())
    }

    fn unpack(
        &mut self,
        index: usize,
        file: ListedFile<'_>,
        into: &Path,
        buffer: &mut [u8],
    ) -> Result<(), Error> {
        let path = self.path.clone();
        let name = file.file.to_owned();
        let mut entry = self.zip.by_index(index).map_err(|error| Error::Archive {
            path: path.clone(),
            detail: error.to_string(),
        })?;
        let staging_error = |source| Error::Staging {
            path: into.to_path_buf(),
            source,
        };
        let target = into.join(file.file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(staging_error)?;
        }
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(staging_error)?;
        let mut limited = (&mut entry).take(file.size + 1);
        let mut written: u64 = 0;
        loop {
            let read = limited.read(buffer).map_err(|error| Error::ArchiveEntry {
                path: path.clone(),
                entry: name.clone(),
                problem: format!("cannot unpack it ({error})"),
            })?;
            if read == 0 {
                break;
            }
            written += read as u64;
            if written > file.size {
                return Err(Error::ArchiveEntry {
                    path,
                    entry: name,
                    problem: format!(
                        "it unpacks to more than the {} bytes kit.json lists",
                        file.size
                    ),
                });
            }
            out.write_all(&buffer[..read]).map_err(staging_error)?;
        }
        if written != file.size {
            return Err(Error::ArchiveEntry {
                path,
                entry: name,
                problem: format!(
                    "it unpacks to {written} bytes, kit.json lists {}",
                    file.size
                ),
            });
        }
        Ok(())
    }
}

/// Whether `path` names a `.relais` file rather than a kit folder.
pub fn is_archive(path: &Path) -> bool {
    path.is_file()
}

/// Zips the kit folder `folder` (kit.json, signature and the listed files, nothing
/// else) into `out`, atomically: a temp file beside `out`, renamed when complete.
pub fn write(folder: &Path, files: &[String], out: &Path) -> std::io::Result<()> {
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".relais-kit-")
        .suffix(".relais.part")
        .tempfile_in(&parent)?;
    let mut zip = zip::ZipWriter::new(temp.reopen()?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644)
        // Fixed dates so the same kit zips to the same bytes.
        .last_modified_time(zip::DateTime::default());
    let names = [MANIFEST_FILE.to_owned(), SIGNATURE_FILE.to_owned()]
        .into_iter()
        .chain(files.iter().cloned());
    let mut seen = HashSet::new();
    for name in names {
        if !seen.insert(name.clone()) {
            continue;
        }
        // Images are already compressed: storing them saves time for no size cost.
        let stored = !name.ends_with(".json") && !name.ends_with(".minisig");
        let options = if stored {
            options.compression_method(zip::CompressionMethod::Stored)
        } else {
            options
        };
        zip.start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        let mut file = File::open(folder.join(&name))?;
        std::io::copy(&mut file, &mut zip)?;
    }
    let file = zip.finish().map_err(std::io::Error::other)?;
    file.sync_all()?;
    temp.persist(out).map_err(|error| error.error)?;
    Ok(())
}
