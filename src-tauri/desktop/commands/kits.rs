//! The Kits view: inspect and import kit files or folders, subscribe to kits served
//! over HTTPS (with progress events), update and remove them.

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use crate::desktop::{AppState, IpcError};
use crate::kit::remote::{self, Progress, SyncOptions, SyncReport};
use crate::kit::subscribe::SubscribeLink;
use crate::kit::{self, Fingerprint, ImportReport, Inspection, PublicKey, Trust};

/// The event the Kits view listens to; the payload is a sync's `Progress`.
pub const PROGRESS_EVENT: &str = "kit-progress";

/// Reads and verifies a kit file or folder without installing it, for the trust dialog.
#[tauri::command(async)]
pub fn kit_inspect(state: State<'_, AppState>, path: String) -> Result<Inspection, IpcError> {
    let store = state.store()?;
    Ok(kit::inspect(
        std::path::Path::new(&path),
        &store,
        &state.limits,
    )?)
}

/// The fingerprint the volunteer confirmed, as the trust dialog sent it back.
fn confirmed(fingerprint: &str) -> Result<Trust, IpcError> {
    Fingerprint::parse(fingerprint)
        .map(Trust::Fingerprint)
        .map_err(|_| {
            kit::Error::NotAFingerprint {
                text: fingerprint.to_owned(),
            }
            .into()
        })
}

/// Installs a kit file or folder. `fingerprint` is the one the volunteer confirmed in
/// the trust dialog; without it only an already pinned key is accepted (updates).
#[tauri::command(async)]
pub fn kit_import(
    state: State<'_, AppState>,
    path: String,
    fingerprint: Option<String>,
) -> Result<ImportReport, IpcError> {
    let trust = match fingerprint {
        Some(fingerprint) => confirmed(&fingerprint)?,
        None => Trust::KnownOnly,
    };
    Ok(kit::import_path(
        &mut *state.store()?,
        std::path::Path::new(&path),
        &trust,
        crate::clock::now_unix(),
        &state.limits,
    )?)
}

/// Subscribes to a kit served over HTTPS, from a URL or a `relais://subscribe` link
/// (whose key is pinned). `key` is an organizer key pasted by the volunteer,
/// `fingerprint` one confirmed in the trust dialog.
#[tauri::command]
pub async fn kit_subscribe<R: Runtime>(
    app: AppHandle<R>,
    url: String,
    key: Option<String>,
    fingerprint: Option<String>,
) -> Result<SyncReport, IpcError> {
    let (url, link_key) = if url.trim_start().starts_with("relais://") {
        let link = SubscribeLink::parse(&url)?;
        (link.url.as_str().to_owned(), link.key)
    } else {
        (url, None)
    };
    let trust = match (link_key, key, fingerprint) {
        (Some(pinned), _, _) => Trust::Pinned(pinned),
        (None, Some(key), _) => Trust::Pinned(PublicKey::parse(&key)?),
        (None, None, Some(fingerprint)) => confirmed(&fingerprint)?,
        (None, None, None) => Trust::KnownOnly,
    };
    let state = app.state::<AppState>();
    let progress = |step: Progress| {
        let _ = app.emit(PROGRESS_EVENT, step);
    };
    Ok(remote::sync(
        state.store_mutex(),
        &url,
        &trust,
        crate::clock::now_unix(),
        &state.limits,
        &progress,
    )
    .await?)
}

/// One kit's update, for the Kits view: the report, or why it failed.
#[derive(Serialize)]
pub struct KitUpdated {
    kit_id: String,
    #[serde(flatten)]
    report: Option<SyncReport>,
    error: Option<IpcError>,
}

/// Checks one kit (or every subscribed kit) for a new version.
#[tauri::command]
pub async fn kit_update<R: Runtime>(
    app: AppHandle<R>,
    kit_id: Option<String>,
) -> Result<Vec<KitUpdated>, IpcError> {
    let state = app.state::<AppState>();
    let options = SyncOptions::default();
    let now = crate::clock::now_unix();
    let progress = |step: Progress| {
        let _ = app.emit(PROGRESS_EVENT, step);
    };
    if let Some(kit_id) = kit_id {
        let report = remote::update_kit(
            state.store_mutex(),
            &kit_id,
            now,
            &state.limits,
            &options,
            &progress,
        )
        .await?;
        return Ok(vec![KitUpdated {
            kit_id,
            report: Some(report),
            error: None,
        }]);
    }
    let updates = remote::update_all(
        state.store_mutex(),
        now,
        &state.limits,
        &options,
        &|_kit: &str, step: Progress| progress(step),
    )
    .await?;
    Ok(updates
        .into_iter()
        .map(|update| match update.result {
            Ok(report) => KitUpdated {
                kit_id: update.kit_id,
                report: Some(report),
                error: None,
            },
            Err(error) => KitUpdated {
                kit_id: update.kit_id,
                report: None,
                error: Some(IpcError::from(error)),
            },
        })
        .collect())
}

/// Removes a kit and its assets from the library (the UI asks for confirmation first).
#[tauri::command(async)]
pub fn kit_remove(state: State<'_, AppState>, kit_id: String) -> Result<(), IpcError> {
    Ok(kit::remove_kit(&mut *state.store()?, &kit_id)?)
}
