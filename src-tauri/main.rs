// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use relais::cli::launch::{self, NoWindow, Opened};
use relais::cli::{self, Cli};

fn main() -> ExitCode {
    let (args, opened) = launch::split_opened(std::env::args_os().collect());
    let cli = Cli::parse_from(args);
    match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => open_app(&cli, opened),
    }
}

/// Says why there is no window, and fails: a script or an SSH session must not take
/// the missing window for success.
fn no_window(cli: &Cli, why: NoWindow) -> ExitCode {
    eprintln!("relais: {}", launch::no_window_message(why, cli.lang()));
    ExitCode::from(2)
}

#[cfg(feature = "desktop")]
fn open_app(cli: &Cli, opened: Option<Opened>) -> ExitCode {
    if launch::no_graphical_session(|name| std::env::var_os(name)) {
        return no_window(cli, NoWindow::NoDisplay);
    }
    let data_dir = match cli.data_dir() {
        Ok(dir) => dir,
        Err(error) => {
            use relais::messages::Describe;
            eprintln!("relais: {}", error.describe().render(cli.lang()));
            return ExitCode::FAILURE;
        }
    };
    // The link itself is read back by the deep-link plugin from the arguments.
    let kit_file = match opened {
        Some(Opened::KitFile(path)) => Some(path),
        Some(Opened::Link(_)) | None => None,
    };
    if !relais::desktop::display_opens() {
        return no_window(cli, NoWindow::DisplayRefused);
    }
    relais::desktop::run(
        tauri::Builder::default(),
        data_dir,
        kit_file,
        tauri::generate_context!(),
    )
}

#[cfg(not(feature = "desktop"))]
fn open_app(cli: &Cli, _opened: Option<Opened>) -> ExitCode {
    no_window(cli, NoWindow::NotBuilt)
}
