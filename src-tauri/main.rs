// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use relais::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => open_app(&cli),
    }
}

#[cfg(feature = "desktop")]
fn open_app(cli: &Cli) -> ExitCode {
    let data_dir = match cli.data_dir() {
        Ok(dir) => dir,
        Err(error) => {
            eprintln!("relais: {error}");
            return ExitCode::FAILURE;
        }
    };
    relais::desktop::run(
        tauri::Builder::default(),
        data_dir,
        tauri::generate_context!(),
    )
}

#[cfg(not(feature = "desktop"))]
fn open_app(_cli: &Cli) -> ExitCode {
    eprintln!("relais: this build has no desktop app (built without the `desktop` feature). Run `relais --help` for the headless commands.");
    ExitCode::from(2)
}
