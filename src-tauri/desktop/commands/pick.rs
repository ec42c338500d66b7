use tauri::{Runtime, WebviewWindow};

use crate::desktop::dialog;

/// Native open dialog for a kit: a `.relais` file, or a kit folder when `folder`.
/// `None` when the volunteer cancels.
#[tauri::command]
pub async fn pick_kit<R: Runtime>(window: WebviewWindow<R>, folder: bool) -> Option<String> {
    dialog::ask_kit_path(&window, folder)
        .await
        .map(|path| path.display().to_string())
}
