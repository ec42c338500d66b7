//! Logs go to a daily-rotated file in the data folder (a week kept), for the app and the
//! command line alike. Nothing secret is ever passed to a log macro: accounts
//! and tokens are logged by id only.

use std::io::IsTerminal;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

const FILTER_VARIABLE: &str = "RELAIS_LOG";

/// Starts file logging under `<data_dir>/logs`. Keep the guard alive for the process
/// lifetime: dropping it flushes the last lines.
pub fn to_file(data_dir: &Path) -> Option<WorkerGuard> {
    let folder = data_dir.join("logs");
    // The appender prunes old files at start and complains if the folder is missing.
    std::fs::create_dir_all(&folder).ok()?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("relais")
        .filename_suffix("log")
        .max_log_files(7)
        .build(folder)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        EnvFilter::try_from_env(FILTER_VARIABLE).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Logging for a headless command. Its stderr is for the one sentence a person reads, so
/// log lines (a font library's warning, say) go to the data folder's log file; only
/// with `RELAIS_LOG` set do they go to stderr, in colour only on a terminal.
pub fn for_command(data_dir: Option<&Path>) -> Option<WorkerGuard> {
    if let Ok(filter) = EnvFilter::try_from_env(FILTER_VARIABLE) {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .try_init();
        return None;
    }
    to_file(data_dir?)
}
