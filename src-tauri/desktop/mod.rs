//! The desktop shell: the only module that knows Tauri. It opens the data folder,
//! registers the commands and the blob protocol, and turns library errors into
//! `{code, message}` for the UI.

mod commands;
mod dialog;
mod error;
mod protocol;
mod state;

pub use error::IpcError;
pub use state::AppState;

use std::path::PathBuf;
use std::process::ExitCode;

use tauri::{Builder, Context, Runtime};

/// Registers everything the window needs. Generic over the runtime so the same setup
/// runs under `tauri::test::mock_builder()`.
pub fn app<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .manage(state)
        .register_asynchronous_uri_scheme_protocol(protocol::SCHEME, protocol::serve)
        .invoke_handler(tauri::generate_handler![
            commands::library::app_info,
            commands::library::library,
            commands::editor::render_preview,
            commands::editor::export_image,
        ])
}

/// Opens the app on `data_dir` and runs until the window closes.
pub fn run<R: Runtime>(builder: Builder<R>, data_dir: PathBuf, context: Context<R>) -> ExitCode {
    let _log = crate::logging::to_file(&data_dir);
    let state = match AppState::open(&data_dir) {
        Ok(state) => state,
        Err(error) => {
            tracing::error!(%error, "cannot open the data folder");
            eprintln!("relais: {error}");
            dialog::show_startup_error(&error.to_string());
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
