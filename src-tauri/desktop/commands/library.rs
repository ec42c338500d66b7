use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::desktop::{deep_link, AppState, IpcError};
use crate::kit::{self, AssetSummary};

#[derive(Serialize)]
pub struct AppInfo {
    version: &'static str,
    locale: String,
    data_dir: String,
    /// The `relais://subscribe` link Relais was opened with, for the Kits view.
    subscribe_link: Option<String>,
    /// The `.relais` file Relais was opened with (double-clicked), for the Kits view.
    kit_file: Option<String>,
    /// Mastodon sign-in is built (the Accounts view shows its button).
    mastodon: bool,
}

#[tauri::command]
pub fn app_info<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        locale: state.locale.clone(),
        data_dir: state.data_dir.display().to_string(),
        subscribe_link: deep_link::startup_link(&app),
        kit_file: state
            .opened_kit_file
            .as_ref()
            .map(|path| path.display().to_string()),
        mastodon: true,
    }
}

#[tauri::command(async)]
pub fn library(state: State<'_, AppState>) -> Result<Vec<AssetSummary>, IpcError> {
    Ok(kit::list_assets(
        &*state.store()?,
        crate::clock::now_unix(),
    )?)
}

/// The installed kits for the Kits view.
#[tauri::command(async)]
pub fn kits(state: State<'_, AppState>) -> Result<Vec<kit::KitSummary>, IpcError> {
    Ok(kit::list_kits(&*state.store()?)?)
}
