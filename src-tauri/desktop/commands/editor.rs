use serde::Serialize;
use tauri::ipc::Response;
use tauri::{Manager, Runtime, State, WebviewWindow};

use crate::desktop::{dialog, AppState, IpcError};
use crate::kit::{self, AssetKind};
use crate::render::{export_drawn, OutputFormat, Remix};

/// A JPEG of the remixed asset fitted into the preview box, as raw bytes.
#[tauri::command(async)]
pub fn render_preview(
    state: State<'_, AppState>,
    kit_id: String,
    asset_id: String,
    remix: Remix,
    max_width: u32,
    max_height: u32,
) -> Result<Response, IpcError> {
    let (summary, picture) = state.asset(&kit_id, &asset_id)?;
    let remix = summary.constrain(remix);
    let jpeg = state.preview()?.render_remix(
        &mut *state.typesetter_for(&summary)?,
        &summary.entry.sha256,
        &picture,
        &remix,
        max_width,
        max_height,
    )?;
    Ok(Response::new(jpeg))
}

/// The characters of the remix's texts that no font it may use can draw: the editor
/// names them before export, since they would come out blank.
#[tauri::command(async)]
pub fn undrawable_characters(
    state: State<'_, AppState>,
    kit_id: String,
    asset_id: String,
    remix: Remix,
) -> Result<Vec<String>, IpcError> {
    let (summary, picture) = state.asset(&kit_id, &asset_id)?;
    let remix = summary.constrain(remix);
    let (width, height) = picture.dimensions();
    let chars = state
        .typesetter_for(&summary)?
        .undrawable(&remix, width, height);
    Ok(chars.into_iter().map(String::from).collect())
}

#[derive(Serialize)]
pub struct Exported {
    path: String,
}

/// Asks where to save (native dialog), then writes the full-size remixed image. A GIF
/// too long to decode whole within the app's limits is captioned frame by frame.
/// `None` when the volunteer cancels.
#[tauri::command]
pub async fn export_image<R: Runtime>(
    window: WebviewWindow<R>,
    state: State<'_, AppState>,
    kit_id: String,
    asset_id: String,
    remix: Remix,
) -> Result<Option<Exported>, IpcError> {
    state.usable_now(&kit_id, &asset_id)?;
    let summary = state.summary(&kit_id, &asset_id)?;
    let remix = summary.constrain(remix);
    let extension = match summary.entry.kind {
        AssetKind::Animation => "gif",
        AssetKind::Image => "png",
    };
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
    let decoding = tauri::async_runtime::spawn_blocking(move || -> Result<_, IpcError> {
        let state = app.state::<AppState>();
        let bytes = kit::read_asset(&*state.store()?, &summary)?;
        // The typesetter is locked only to draw: the preview stays live while encoding.
        let (width, height) = (summary.entry.width, summary.entry.height);
        let drawn = state
            .typesetter_for(&summary)?
            .draw_remix(&remix, width, height);
        Ok(export_drawn(
            &bytes,
            &summary.entry.file,
            &drawn,
            format,
            &written,
            &state.limits,
        )?)
    })
    .await
    .map_err(|_| IpcError::poisoned())??;
    tracing::info!(asset = %asset_id, format = format.name(), ?decoding, "exported");
    Ok(Some(Exported {
        path: path.display().to_string(),
    }))
}

/// Puts the full-size remixed image (first frame of an animation: clipboards hold
/// stills) on the system clipboard.
#[tauri::command(async)]
pub fn copy_image(
    state: State<'_, AppState>,
    kit_id: String,
    asset_id: String,
    remix: Remix,
) -> Result<(), IpcError> {
    state.usable_now(&kit_id, &asset_id)?;
    // The editor holds only the first frame: captioning it is all a copy costs.
    let (summary, still) = state.asset(&kit_id, &asset_id)?;
    let remix = summary.constrain(remix);
    let remixed = state.typesetter_for(&summary)?.apply_remix(&still, &remix);
    crate::desktop::clipboard::put_image(remixed.first_frame())?;
    tracing::info!(asset = %summary.entry.id, "copied to the clipboard");
    Ok(())
}
