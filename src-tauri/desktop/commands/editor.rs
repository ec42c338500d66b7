use serde::Serialize;
use tauri::ipc::Response;
use tauri::{Manager, Runtime, State, WebviewWindow};

use crate::desktop::{dialog, AppState, IpcError};
use crate::render::{encode_to_file, Caption, OutputFormat};

/// A JPEG of the captioned asset fitted into the preview box, as raw bytes.
#[tauri::command(async)]
pub fn render_preview(
    state: State<'_, AppState>,
    kit_id: String,
    asset_id: String,
    text: String,
    max_width: u32,
    max_height: u32,
) -> Result<Response, IpcError> {
    let (summary, picture) = state.asset(&kit_id, &asset_id)?;
    let caption = Caption::new(text);
    let jpeg = state.preview()?.render(
        &mut *state.typesetter()?,
        &summary.entry.sha256,
        &picture,
        &caption,
        max_width,
        max_height,
    )?;
    Ok(Response::new(jpeg))
}

#[derive(Serialize)]
pub struct Exported {
    path: String,
}

/// Asks where to save (native dialog), then writes the full-size captioned image.
/// `None` when the volunteer cancels.
#[tauri::command]
pub async fn export_image<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    kit_id: String,
    asset_id: String,
    text: String,
) -> Result<Option<Exported>, IpcError> {
    let (summary, picture) = state.asset(&kit_id, &asset_id)?;
    let extension = if picture.is_animated() { "gif" } else { "png" };
    let suggested = format!("{}.{extension}", summary.entry.id);
    let title = if state.locale == "en" {
        "Export the image"
    } else {
        "Exporter l'image"
    };
    let Some(path) = dialog::ask_save_path(&window, title, &suggested).await else {
        return Ok(None);
    };
    let format = OutputFormat::from_path(&path)?;
    // Re-encoding a long GIF takes seconds: keep it off the async runtime's threads.
    let app = window.app_handle().clone();
    let written = path.clone();
    tauri::async_runtime::spawn_blocking(move || -> Result<(), IpcError> {
        let state = app.state::<AppState>();
        let captioned = state.typesetter()?.apply(&picture, &Caption::new(text));
        Ok(encode_to_file(&captioned, format, &written)?)
    })
    .await
    .map_err(|_| IpcError::poisoned())??;
    tracing::info!(asset = %summary.entry.id, format = format.name(), "exported");
    Ok(Some(Exported {
        path: path.display().to_string(),
    }))
}
