use tauri::State;

use crate::desktop::{AppState, IpcError};
use crate::draft::{self, Draft};

/// Saves the editor's remix (and alt text) for one asset; called after each edit.
#[tauri::command(async)]
pub fn draft_save(state: State<'_, AppState>, draft: Draft) -> Result<(), IpcError> {
    Ok(draft::save(
        &*state.store()?,
        &draft,
        crate::clock::now_unix(),
    )?)
}

#[tauri::command(async)]
pub fn draft_load(
    state: State<'_, AppState>,
    kit_id: String,
    asset_id: String,
) -> Result<Option<Draft>, IpcError> {
    Ok(draft::load(&*state.store()?, &kit_id, &asset_id)?)
}

#[tauri::command(async)]
pub fn draft_discard(
    state: State<'_, AppState>,
    kit_id: String,
    asset_id: String,
) -> Result<(), IpcError> {
    Ok(draft::discard(&*state.store()?, &kit_id, &asset_id)?)
}
