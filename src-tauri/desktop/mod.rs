//! The desktop shell: the only module that knows Tauri. It opens the data folder,
//! registers the commands and the blob protocol, and turns library errors into
//! `{code, message}` for the UI.

mod clipboard;
mod commands;
pub(crate) mod deep_link;
mod dialog;
mod error;
mod protocol;
mod state;

pub use error::{message_codes, IpcError};
pub use state::AppState;

use std::path::PathBuf;
use std::process::ExitCode;

use tauri::{Builder, Context, Runtime};

/// Registers everything the window needs. Generic over the runtime so the same setup
/// runs under `tauri::test::mock_builder()`.
pub fn app<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    deep_link::plugins(builder)
        .setup(|app| {
            deep_link::setup(app);
            Ok(())
        })
        .manage(state)
        .manage(commands::mastodon::SignIns::default())
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, protocol::serve)
        .invoke_handler(tauri::generate_handler![
            commands::library::app_info,
            commands::library::library,
            commands::editor::render_preview,
            commands::editor::undrawable_characters,
            commands::editor::export_image,
            commands::editor::copy_image,
            commands::draft::draft_save,
            commands::draft::draft_load,
            commands::draft::draft_discard,
            commands::pick::pick_kit,
            commands::library::kits,
            commands::kits::kit_inspect,
            commands::kits::kit_import,
            commands::kits::kit_subscribe,
            commands::kits::kit_update,
            commands::kits::kit_remove,
            commands::accounts::account_list,
            commands::accounts::account_add_bluesky,
            commands::accounts::account_add_discord,
            commands::accounts::account_add_telegram,
            commands::accounts::account_add_folder,
            commands::accounts::account_test,
            commands::accounts::account_rename,
            commands::accounts::account_remove,
            commands::mastodon::account_mastodon_start,
            commands::mastodon::account_mastodon_finish,
            commands::mastodon::account_mastodon_cancel,
        ])
}

/// Whether the windowing toolkit can open the display it is given. The window's own
/// start panics when it cannot (a stale DISPLAY, no right to draw on it); asking first
/// turns that into a sentence instead of a backtrace.
pub fn display_opens() -> bool {
    #[cfg(target_os = "linux")]
    {
        gtk::init().is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

/// Opens the app on `data_dir` and runs until the window closes; `kit_file` is a
/// `.relais` file the system opened Relais with, offered for import.
pub fn run<R: Runtime>(
    builder: Builder<R>,
    data_dir: PathBuf,
    kit_file: Option<PathBuf>,
    context: Context<R>,
) -> ExitCode {
    let _log = crate::logging::to_file(&data_dir);
    let state = match AppState::open(&data_dir) {
        Ok(state) => state.opened_with(kit_file),
        Err(error) => {
            tracing::error!(%error, "cannot open the data folder");
            eprintln!("relais: {error}");
            dialog::show_startup_error(&startup_message(&error, &state::ui_locale()));
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(data_dir = %data_dir.display(), version = env!("CARGO_PKG_VERSION"), "starting");
    match app(builder, state).run(context) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the window could not start");
            eprintln!("relais: the window could not start: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The one error a volunteer meets before the window exists, in their language.
fn startup_message(error: &crate::kit::Error, locale: &str) -> String {
    use crate::messages::{Describe, Lang};
    let lang = Lang::from_tag(locale).unwrap_or(Lang::Fr);
    error.describe().render(lang)
}

#[cfg(test)]
mod tests {
    use super::startup_message;

    #[test]
    fn a_second_relais_on_the_same_folder_is_explained_in_french_to_french_volunteers() {
        let error = crate::kit::Error::Store(crate::db::Error::InUse {
            path: "/home/camille/.local/share/relais".into(),
        });
        let french = startup_message(&error, "fr");
        assert!(
            french.contains("utilisé par une autre fenêtre") && french.contains("/home/camille"),
            "{french}"
        );
        let english = startup_message(&error, "en");
        assert!(
            english.contains("in use"),
            "English keeps the library's sentence: {english}"
        );
    }
}
