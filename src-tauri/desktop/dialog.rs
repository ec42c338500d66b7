//! Native dialogs (rfd). End-to-end tests cannot click a GTK dialog, so the save dialog
//! honours `RELAIS_SAVE_DIALOG_ANSWER`: when set, it answers with that path without
//! showing anything, and the real export code runs from there.

use std::path::PathBuf;

pub const SAVE_ANSWER_VARIABLE: &str = "RELAIS_SAVE_DIALOG_ANSWER";

pub async fn ask_save_path<W>(parent: &W, title: &str, suggested_name: &str) -> Option<PathBuf>
where
    W: raw_window_handle::HasWindowHandle + raw_window_handle::HasDisplayHandle,
{
    if let Some(answer) = test_answer(SAVE_ANSWER_VARIABLE) {
        return Some(PathBuf::from(answer));
    }
    rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_file_name(suggested_name)
        .add_filter("PNG", &["png"])
        .add_filter("JPEG", &["jpg", "jpeg"])
        .add_filter("GIF", &["gif"])
        .add_filter("WebP", &["webp"])
        .set_parent(parent)
        .save_file()
        .await
        .map(|handle| handle.path().to_path_buf())
}

pub fn show_startup_error(message: &str) {
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Relais")
        .set_description(message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

/// Same test hook as the save dialog: `RELAIS_OPEN_DIALOG_ANSWER` answers without a window.
pub const OPEN_ANSWER_VARIABLE: &str = "RELAIS_OPEN_DIALOG_ANSWER";

pub async fn ask_kit_path<W>(parent: &W, folder: bool) -> Option<PathBuf>
where
    W: raw_window_handle::HasWindowHandle + raw_window_handle::HasDisplayHandle,
{
    if let Some(answer) = test_answer(OPEN_ANSWER_VARIABLE) {
        return Some(PathBuf::from(answer));
    }
    let dialog = rfd::AsyncFileDialog::new().set_parent(parent);
    let picked = if folder {
        dialog.pick_folder().await
    } else {
        dialog
            .add_filter("Kit Relais", &["relais"])
            .pick_file()
            .await
    };
    picked.map(|handle| handle.path().to_path_buf())
}

/// A folder for an export account; the same test hook as the kit dialog.
pub async fn ask_folder<W>(parent: &W) -> Option<PathBuf>
where
    W: raw_window_handle::HasWindowHandle + raw_window_handle::HasDisplayHandle,
{
    if let Some(answer) = test_answer(OPEN_ANSWER_VARIABLE) {
        return Some(PathBuf::from(answer));
    }
    rfd::AsyncFileDialog::new()
        .set_parent(parent)
        .pick_folder()
        .await
        .map(|handle| handle.path().to_path_buf())
}

/// The pre-answered dialog of the end-to-end tests, which run debug builds; a release
/// build always asks the volunteer.
fn test_answer(variable: &str) -> Option<std::ffi::OsString> {
    if cfg!(debug_assertions) {
        std::env::var_os(variable)
    } else {
        None
    }
}
