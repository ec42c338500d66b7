//! `relais <subcommand>`: the library, headless.

mod account;
mod import_report;
mod kit;
pub mod launch;
mod render;
mod say;
pub mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use say::message_codes;

#[derive(Debug, Parser)]
#[command(name = "relais", version, about = "Relay approved campaign visuals with your own caption.", long_about = None)]
pub struct Cli {
    /// Folder holding all of Relais's state (database, kits, logs). Defaults to the
    /// platform's app-data folder.
    #[arg(long, global = true, env = "RELAIS_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Draw a caption onto an image and write the result (PNG, JPEG, GIF or WebP).
    Render(render::RenderArgs),
    /// Kits in the library.
    #[command(subcommand)]
    Kit(kit::KitCommand),
    /// Your own accounts to post to: add, list, test, remove.
    #[command(subcommand)]
    Account(account::AccountCommand),
}

impl Command {
    fn uses_data_folder(&self) -> bool {
        match self {
            Command::Render(_) => false,
            Command::Kit(command) => command.uses_data_folder(),
            Command::Account(command) => command.uses_data_folder(),
        }
    }
}

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error(
        "no data folder: the platform has no app-data folder for this user. Pass --data-dir DIR."
    )]
    NoDataDir,
    #[error(transparent)]
    Render(#[from] crate::render::Error),
    #[error(transparent)]
    Kit(#[from] crate::kit::Error),
    #[error(transparent)]
    Store(#[from] crate::db::Error),
    #[error("kit `{kit}` version {version} from {publisher} is not trusted yet. It is signed by the key with fingerprint\n  {fingerprint}\nCheck this fingerprint with the organizer (in person, or on a channel you already trust), then run:\n  {command}")]
    TrustNeeded {
        publisher: String,
        kit: String,
        version: u64,
        fingerprint: crate::kit::Fingerprint,
        command: String,
    },
    #[error(
        "checking the kit at {url} needs the organizer's public key: add --pubkey KEY_OR_FILE."
    )]
    PubkeyNeeded { url: String },
    #[error("a layer's style names the font \"{family}\", but no --font {family}=FILE gives it.")]
    FontNotGiven { family: String },
    #[error(transparent)]
    Remote(#[from] crate::kit::remote::Error),
    #[error(transparent)]
    Accounts(#[from] crate::accounts::Error),
    #[error("cannot write to standard output: {0}")]
    Output(#[from] std::io::Error),
}

impl Cli {
    /// The language the command line speaks: `LC_ALL`, `LC_MESSAGES`, `LANG`.
    pub fn lang(&self) -> crate::messages::Lang {
        crate::messages::from_environment(|name| std::env::var(name).ok())
    }

    pub fn data_dir(&self) -> Result<PathBuf, Error> {
        self.data_dir
            .clone()
            .or_else(crate::paths::default_data_dir)
            .ok_or(Error::NoDataDir)
    }
}

/// Runs a headless subcommand; errors go to stderr as one human sentence.
pub fn run(cli: &Cli, command: &Command) -> ExitCode {
    // Only commands that keep state log into the data folder; the others (render, the
    // organizer tools) leave no trace there.
    let data_dir = command
        .uses_data_folder()
        .then(|| cli.data_dir().ok())
        .flatten();
    let _log = crate::logging::for_command(data_dir.as_deref());
    let result = match command {
        Command::Render(args) => render::run(cli, args),
        Command::Kit(command) => kit::run(cli, command),
        Command::Account(command) => account::run(cli, command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            use crate::messages::Describe;
            tracing::warn!(%error, "command failed");
            eprintln!("relais: {}", error.describe().render(cli.lang()));
            ExitCode::FAILURE
        }
    }
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of(
            "error.cli",
            <Self as strum::VariantNames>::VARIANTS,
            &["render", "kit", "store", "remote", "accounts"],
        )
    }

    fn describe(&self) -> crate::messages::Message {
        use crate::messages::{io_reason, Message};
        let message = Message::new(format!("error.cli.{}", <&str>::from(self)));
        match self {
            Error::NoDataDir => message,
            Error::Render(inner) => inner.describe(),
            Error::Kit(inner) => inner.describe(),
            Error::Store(inner) => inner.describe(),
            Error::Remote(inner) => inner.describe(),
            Error::Accounts(inner) => inner.describe(),
            Error::TrustNeeded {
                publisher,
                kit,
                version,
                fingerprint,
                command,
            } => message
                .text("publisher", publisher)
                .text("kit", kit)
                .number("version", *version as i64)
                .text("fingerprint", fingerprint)
                .text("command", command),
            Error::PubkeyNeeded { url } => message.text("url", url),
            Error::FontNotGiven { family } => message.text("family", family),
            Error::Output(source) => message.nested("reason", io_reason(source)),
        }
    }
}
