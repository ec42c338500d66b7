//! A kit folder assembled from the blob store, so a synced kit goes through exactly the
//! same import (and checks) as a kit folder on disk.

use std::path::Path;

use tempfile::TempDir;

use super::Error;
use crate::db::BlobStore;
use crate::kit::signature::SIGNATURE_FILE;
use crate::kit::{Manifest, MANIFEST_FILE};

/// Inside the data folder, so hard links work and a crash leaves nothing elsewhere.
const STAGING_FOLDER: &str = "staging";

/// Builds the folder: kit.json and its signature as fetched, and a hard link (a copy
/// where links are impossible) to the blob for every listed file. Dropping the result
/// removes the folder; the blobs stay. Call only while holding the store.
pub(crate) fn stage(
    data_root: &Path,
    blobs: &BlobStore,
    manifest: &Manifest,
    manifest_bytes: &[u8],
    signature_text: &str,
) -> Result<TempDir, Error> {
    let parent = data_root.join(STAGING_FOLDER);
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Write { path, source }
    };
    // The caller holds the store, which is locked per data folder: any staged folder
    // still here is from a sync that crashed, never from one running now.
    let _ = std::fs::remove_dir_all(&parent);
    std::fs::create_dir_all(&parent).map_err(write_error(&parent))?;
    let dir = tempfile::Builder::new()
        .prefix("kit-")
        .tempdir_in(&parent)
        .map_err(write_error(&parent))?;
    let manifest_path = dir.path().join(MANIFEST_FILE);
    std::fs::write(&manifest_path, manifest_bytes).map_err(write_error(&manifest_path))?;
    let signature_path = dir.path().join(SIGNATURE_FILE);
    std::fs::write(&signature_path, signature_text).map_err(write_error(&signature_path))?;
    for entry in manifest.listed_files() {
        // File paths were validated by Manifest::parse: relative, no `..`.
        let target = dir.path().join(entry.file);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(write_error(folder))?;
        }
        let Some(blob) = blobs.path(entry.sha256) else {
            continue;
        };
        if target.exists() {
            // Two entries naming one file: the import will report the conflict.
            continue;
        }
        if std::fs::hard_link(&blob, &target).is_err() {
            std::fs::copy(&blob, &target).map_err(write_error(&target))?;
        }
    }
    Ok(dir)
}
