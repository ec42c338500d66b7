//! One blob from the server into the content-addressed store: hashed while it streams
//! into a temporary file beside its final place, renamed only when size and SHA-256
//! match kit.json. A tampered, truncated or oversized file never enters the store.

use std::io::Write;
use std::path::Path;

use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use super::address::KitUrl;
use super::progress::Tally;
use super::status::{common_status, get};
use super::Error;
use crate::db::BlobStore;
use crate::kit::ListedFile;
use crate::net;

pub(crate) async fn fetch_blob(
    http: &net::Client,
    blobs: &BlobStore,
    base: &KitUrl,
    entry: ListedFile<'_>,
    tally: &Tally<'_>,
) -> Result<(), Error> {
    let url = base.file(entry.file);
    let tampered = || Error::Tampered {
        file: entry.file.to_owned(),
        url: url.as_str().to_owned(),
    };
    // The manifest was validated, so its hash always names a path in the store.
    let path = blobs.path(entry.sha256).ok_or_else(tampered)?;
    let folder = path.parent().unwrap_or(Path::new("."));
    let write_error = |source| Error::Write {
        path: folder.to_path_buf(),
        source,
    };
    let mut response = get(http, &url, None).await?;
    if response.status() == StatusCode::NOT_FOUND {
        return Err(Error::FileNotFound {
            file: entry.file.to_owned(),
            url: url.as_str().to_owned(),
        });
    }
    common_status(&url, response.status())?;
    if !response.status().is_success() {
        return Err(Error::Status {
            url: url.as_str().to_owned(),
            status: response.status().as_u16(),
        });
    }

    std::fs::create_dir_all(folder).map_err(write_error)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".incoming-")
        .tempfile_in(folder)
        .map_err(write_error)?;
    let mut hasher = Sha256::new();
    let mut received = 0u64;
    // Content-Length is not trusted: the declared size bounds what is read.
    while let Some(chunk) = http.next_chunk(&mut response, &url).await? {
        received += chunk.len() as u64;
        if received > entry.size {
            return Err(tampered());
        }
        hasher.update(&chunk);
        temp.write_all(&chunk).map_err(write_error)?;
        tally.bytes(chunk.len() as u64);
    }
    if received != entry.size || hex::encode(hasher.finalize()) != entry.sha256 {
        return Err(tampered());
    }
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(&path)
        .map_err(|error| write_error(error.error))?;
    tally.file_done();
    Ok(())
}
