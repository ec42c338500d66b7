//! One sync of one kit address, and the update of every subscribed kit.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use futures_util::{stream, StreamExt};
use reqwest::{header, StatusCode};
use serde::Serialize;

use super::address::KitUrl;
use super::fetch::fetch_blob;
use super::progress::{Progress, Tally};
use super::stage::stage;
use super::status::{common_status, get, read_small};
use super::Error;
use crate::db::kit_sources::{self as source, KitSource};
use crate::db::Store;
use crate::kit::import::MAX_MANIFEST_BYTES;
use crate::kit::signature::{Signature, MAX_SIGNATURE_BYTES, SIGNATURE_FILE};
use crate::kit::{
    authenticate, import_folder, pinned_key, ImportReport, ListedFile, Manifest, Trust,
    MANIFEST_FILE,
};
use crate::net;
use crate::render::Limits;

/// An ETag longer than this is not kept (and so never sent back).
const MAX_ETAG_CHARS: usize = 512;

#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of an answer.
    pub idle_timeout: Duration,
    /// Files downloaded at the same time.
    pub parallel: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(15),
            idle_timeout: Duration::from_secs(30),
            parallel: 4,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "import")]
pub enum SyncOutcome {
    /// The server says kit.json did not change since the last import: nothing else
    /// was fetched.
    NotModified,
    Imported(ImportReport),
}

#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub kit_id: String,
    pub url: String,
    #[serde(flatten)]
    pub outcome: SyncOutcome,
    /// Files downloaded by this sync (those missing from the blob store).
    pub files_fetched: u64,
    pub bytes_fetched: u64,
}

/// [`sync_with`] with the default timeouts and parallelism.
pub async fn sync(
    store: &Mutex<Store>,
    url: &str,
    trust: &Trust,
    now_unix: i64,
    limits: &Limits,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SyncReport, Error> {
    sync_with(
        store,
        url,
        trust,
        now_unix,
        limits,
        &SyncOptions::default(),
        progress,
    )
    .await
}

/// Syncs the kit served at `url` into the library. The store is locked only to read
/// the source's ETag at the start and to import at the end, never across a download.
///
/// `trust` says which organizer key may have signed kit.json (see [`Trust`]); a kit
/// already installed keeps the key pinned at its first import, whatever `trust` says.
pub async fn sync_with(
    store: &Mutex<Store>,
    url: &str,
    trust: &Trust,
    now_unix: i64,
    limits: &Limits,
    options: &SyncOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SyncReport, Error> {
    let base = KitUrl::parse(url)?;
    let http = net::Client::new(net::Options {
        connect_timeout: options.connect_timeout,
        stall_timeout: options.idle_timeout,
        overall_timeout: None,
    })?;
    let (known, installed_version, blobs, data_root) = {
        let store = lock(store)?;
        let known = source::by_url(store.conn(), base.as_str())?;
        let installed = match &known {
            Some(known) => installed_version(&store, &known.kit_id)?,
            None => None,
        };
        (
            known,
            installed,
            store.blobs().clone(),
            store.root().to_path_buf(),
        )
    };
    if let Some(known) = &known {
        // A subscription link carrying another key than the pinned one is refused before
        // anything is requested.
        refuse_other_key(&*lock(store)?, &base, &known.kit_id, trust)?;
    }

    let manifest_url = base.file(MANIFEST_FILE);
    let etag = known.as_ref().and_then(|known| known.etag.as_deref());
    let response = get(&http, &manifest_url, etag).await?;
    match (response.status(), &known) {
        (StatusCode::NOT_MODIFIED, Some(known)) if etag.is_some() => {
            source::touch(lock(store)?.conn(), &known.kit_id, now_unix)?;
            return Ok(SyncReport {
                kit_id: known.kit_id.clone(),
                url: base.as_str().to_owned(),
                outcome: SyncOutcome::NotModified,
                files_fetched: 0,
                bytes_fetched: 0,
            });
        }
        (StatusCode::NOT_FOUND, _) => {
            return Err(Error::ManifestNotFound {
                url: manifest_url.as_str().to_owned(),
            })
        }
        (status, _) if !status.is_success() => {
            common_status(&manifest_url, status)?;
            return Err(Error::Status {
                url: manifest_url.as_str().to_owned(),
                status: status.as_u16(),
            });
        }
        _ => {}
    }
    let new_etag = response
        .headers()
        .get(header::ETAG)
        .and_then(|value| value.to_str().ok())
        .filter(|value| value.len() <= MAX_ETAG_CHARS)
        .map(str::to_owned);
    let manifest_bytes = read_small(
        &http,
        response,
        &manifest_url,
        "kit.json",
        MAX_MANIFEST_BYTES,
    )
    .await?;
    let manifest = Manifest::parse(&manifest_bytes)?;
    if let Some(known) = &known {
        if known.kit_id != manifest.id {
            return Err(Error::WrongKit {
                url: base.as_str().to_owned(),
                expected: known.kit_id.clone(),
                found: manifest.id.clone(),
            });
        }
    }

    let signature_url = base.file(SIGNATURE_FILE);
    let response = get(&http, &signature_url, None).await?;
    if response.status() == StatusCode::NOT_FOUND {
        return Err(Error::SignatureNotFound {
            url: signature_url.as_str().to_owned(),
        });
    }
    common_status(&signature_url, response.status())?;
    let signature_bytes = read_small(
        &http,
        response,
        &signature_url,
        SIGNATURE_FILE,
        MAX_SIGNATURE_BYTES,
    )
    .await?;
    let signature_text = String::from_utf8_lossy(&signature_bytes).into_owned();
    let signature = Signature::parse(&signature_text)?;
    // The signature is checked before a single asset byte is requested.
    authenticate(
        &*lock(store)?,
        &manifest,
        &manifest_bytes,
        &signature,
        trust,
    )?;
    // Refused here too so a rollback costs no download; the import checks it again.
    if let Some(installed) = installed_version {
        if manifest.version < installed {
            return Err(crate::kit::Error::Rollback {
                kit: manifest.id.clone(),
                installed,
                offered: manifest.version,
            }
            .into());
        }
    }

    let missing = missing_blobs(&manifest, &blobs);
    let tally = Tally::new(
        missing.len() as u64,
        missing
            .iter()
            .fold(0u64, |sum, entry| sum.saturating_add(entry.size)),
        progress,
    );
    // Futures built up front (they do nothing until polled): a stream mapped through a
    // closure over borrowed entries would not be provably Send.
    let pending: Vec<_> = missing
        .iter()
        .map(|entry| fetch_blob(&http, &blobs, &base, *entry, &tally))
        .collect();
    let mut downloads = stream::iter(pending).buffer_unordered(options.parallel.max(1));
    // The first failure drops the downloads still running (their temporary files go
    // with them); blobs already verified stay in the store for the next attempt.
    while let Some(result) = downloads.next().await {
        result?;
    }
    drop(downloads);
    let fetched = tally.snapshot();

    // Decoding, hashing and fsync take seconds on a big kit: off the async workers.
    let report = blocking(|| -> Result<ImportReport, Error> {
        let mut store = lock(store)?;
        let staged = stage(
            &data_root,
            &blobs,
            &manifest,
            &manifest_bytes,
            &signature_text,
        )?;
        let report = import_folder(&mut store, staged.path(), trust, now_unix, limits)?;
        drop(staged);
        source::record(
            store.conn(),
            &KitSource {
                kit_id: manifest.id.clone(),
                url: base.as_str().to_owned(),
                etag: new_etag,
                last_checked: now_unix,
            },
        )?;
        Ok(report)
    })?;
    Ok(SyncReport {
        kit_id: manifest.id,
        url: base.as_str().to_owned(),
        outcome: SyncOutcome::Imported(report),
        files_fetched: fetched.files_done,
        bytes_fetched: fetched.bytes_done,
    })
}

/// The result of updating one subscribed kit.
#[derive(Debug)]
pub struct KitUpdate {
    pub kit_id: String,
    pub url: String,
    pub result: Result<SyncReport, Error>,
}

/// Syncs every kit that has a web address, one after the other; one kit's failure
/// does not stop the others. `progress` receives the kit id with each report.
pub async fn update_all(
    store: &Mutex<Store>,
    now_unix: i64,
    limits: &Limits,
    options: &SyncOptions,
    progress: &(dyn Fn(&str, Progress) + Sync),
) -> Result<Vec<KitUpdate>, Error> {
    let sources = source::all(lock(store)?.conn())?;
    let mut updates = Vec::with_capacity(sources.len());
    for source in sources {
        let report = |step: Progress| progress(&source.kit_id, step);
        let result = sync_with(
            store,
            &source.url,
            &Trust::KnownOnly,
            now_unix,
            limits,
            options,
            &report,
        )
        .await;
        updates.push(KitUpdate {
            kit_id: source.kit_id,
            url: source.url,
            result,
        });
    }
    Ok(updates)
}

/// Syncs one subscribed kit from its recorded address.
pub async fn update_kit(
    store: &Mutex<Store>,
    kit_id: &str,
    now_unix: i64,
    limits: &Limits,
    options: &SyncOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SyncReport, Error> {
    let source =
        source::by_kit(lock(store)?.conn(), kit_id)?.ok_or_else(|| Error::NotSubscribed {
            kit_id: kit_id.to_owned(),
        })?;
    sync_with(
        store,
        &source.url,
        &Trust::KnownOnly,
        now_unix,
        limits,
        options,
        progress,
    )
    .await
}

/// Runs blocking work without stalling the other tasks of a multi-threaded runtime (the
/// app's); on a single-threaded one (the CLI's) nothing else is waiting anyway.
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(work)
        }
        _ => work(),
    }
}

fn lock(store: &Mutex<Store>) -> Result<MutexGuard<'_, Store>, Error> {
    store.lock().map_err(|_| Error::StoreUnavailable)
}

fn installed_version(store: &Store, kit_id: &str) -> Result<Option<u64>, Error> {
    Ok(crate::db::kits::installed(store.conn(), kit_id)?.map(|installed| installed.version))
}

/// Refuses a key given now (a subscribe link's) that differs from the one pinned for
/// the kit this address serves.
fn refuse_other_key(
    store: &Store,
    base: &KitUrl,
    kit_id: &str,
    trust: &Trust,
) -> Result<(), Error> {
    let (Trust::Pinned(given), Some(pinned)) = (trust, pinned_key(store, kit_id)?) else {
        return Ok(());
    };
    if *given != pinned {
        return Err(Error::KeyChanged {
            url: base.as_str().to_owned(),
            pinned: pinned.fingerprint(),
            offered: given.fingerprint(),
        });
    }
    Ok(())
}

/// Listed files whose blob is not in the store yet, each hash once.
fn missing_blobs<'a>(manifest: &'a Manifest, blobs: &crate::db::BlobStore) -> Vec<ListedFile<'a>> {
    let mut seen = HashSet::new();
    manifest
        .listed_files()
        .into_iter()
        .filter(|listed| seen.insert(listed.sha256) && !blobs.contains(listed.sha256))
        .collect()
}
