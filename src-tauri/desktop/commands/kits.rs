//! K1/K2: Kits view adapters, written against the contract in CONTRACTS.md and NOT yet in
//! the module tree (they need `kit::inspect`, `kit::import_path`, `kit::remove_kit`,
//! `kit::Trust` and K2's `kit::remote::sync` / `kit::subscribe::SubscribeLink`). To wire:
//! add `pub mod kits;` to commands/mod.rs and the five commands to `generate_handler!` in
//! desktop/mod.rs (build.rs and capabilities/default.json already list them), then map
//! K1/K2's error types in desktop/error.rs.

use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use crate::desktop::{AppState, IpcError};
use crate::kit::{self, ImportReport, Inspection, Trust};

/// The event the Kits view listens to; the payload is K2's `Progress`.
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

/// Installs a kit file or folder. `key_id` is the fingerprint the volunteer confirmed in
/// the trust dialog; without it only an already pinned key is accepted (updates).
#[tauri::command(async)]
pub fn kit_import(
    state: State<'_, AppState>,
    path: String,
    key_id: Option<String>,
) -> Result<ImportReport, IpcError> {
    // K1: `KeyId` parsing as K1 defines it (16 hex digits, minisign style).
    let trust = match key_id {
        Some(key_id) => Trust::Fingerprint(key_id.parse()?),
        None => Trust::KnownOnly,
    };
    let mut store = state.store()?;
    Ok(kit::import_path(
        &mut store,
        std::path::Path::new(&path),
        &trust,
        crate::clock::now_unix(),
        &state.limits,
    )?)
}

/// Subscribes to a kit served over HTTPS, from a URL or a `relais://subscribe` link
/// (whose key is pinned). `key_id` is a fingerprint confirmed in the trust dialog.
#[tauri::command]
pub async fn kit_subscribe<R: Runtime>(
    app: AppHandle<R>,
    url: String,
    key: Option<String>,
    key_id: Option<String>,
) -> Result<kit::remote::SyncReport, IpcError> {
    // K2: a subscribe link carries the URL and maybe the key.
    let (url, link_key) = if url.starts_with("relais://") {
        let link = kit::subscribe::SubscribeLink::parse(&url)?;
        (link.url.to_string(), link.key)
    } else {
        (url, None)
    };
    let trust = match (link_key, key, key_id) {
        (Some(pinned), _, _) => Trust::Pinned(pinned),
        (None, Some(key), _) => Trust::Pinned(key.parse()?),
        (None, None, Some(key_id)) => Trust::Fingerprint(key_id.parse()?),
        (None, None, None) => Trust::KnownOnly,
    };
    let emitter = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = emitter.state::<AppState>();
        let progress = |progress: kit::remote::Progress| {
            let _ = emitter.emit(PROGRESS_EVENT, progress);
        };
        let mut store = state.store()?;
        // K2: adjust to K2's final `sync` signature (store by &mut or &Mutex, async or not).
        Ok(tauri::async_runtime::block_on(kit::remote::sync(
            &mut store,
            &url,
            &trust,
            crate::clock::now_unix(),
            &state.limits,
            &progress,
        ))?)
    })
    .await
    .map_err(|_| IpcError::poisoned())?
}

/// Checks one kit (or every subscribed kit) for a new version.
#[tauri::command]
pub async fn kit_update<R: Runtime>(
    app: AppHandle<R>,
    kit_id: Option<String>,
) -> Result<Vec<kit::remote::SyncReport>, IpcError> {
    let emitter = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let state = emitter.state::<AppState>();
        let progress = |progress: kit::remote::Progress| {
            let _ = emitter.emit(PROGRESS_EVENT, progress);
        };
        let mut store = state.store()?;
        // K2: `update_all` filtered to one kit when `kit_id` is given.
        Ok(tauri::async_runtime::block_on(kit::remote::update_all(
            &mut store,
            kit_id.as_deref(),
            crate::clock::now_unix(),
            &state.limits,
            &progress,
        ))?)
    })
    .await
    .map_err(|_| IpcError::poisoned())?
}

/// Removes a kit and its assets from the library (the UI asks for confirmation first).
#[tauri::command(async)]
pub fn kit_remove(state: State<'_, AppState>, kit_id: String) -> Result<(), IpcError> {
    Ok(kit::remove_kit(&mut *state.store()?, &kit_id)?)
}

