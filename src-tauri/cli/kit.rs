use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Cli, Error};
use crate::db::Store;
use crate::kit;
use crate::render::{Limits, Typesetter};

#[derive(Debug, Subcommand)]
pub enum KitCommand {
    /// List the kits in the library (installing the demo kit on first use).
    List(ListArgs),
    /// Write the built-in demo kit as a kit folder, to see what a kit looks like.
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(cli: &Cli, command: &KitCommand) -> Result<(), Error> {
    match command {
        KitCommand::List(args) => list(cli, args),
        KitCommand::Demo(args) => {
            std::fs::create_dir_all(&args.out)?;
            kit::demo::write(&args.out, &mut Typesetter::new())?;
            println!("{}", args.out.display());
            Ok(())
        }
    }
}

fn list(cli: &Cli, args: &ListArgs) -> Result<(), Error> {
    let mut store = Store::open(&cli.data_dir()?)?;
    kit::demo::ensure_installed(
        &mut store,
        &mut Typesetter::new(),
        crate::clock::now_unix(),
        &Limits::default(),
    )?;
    let kits = kit::list_kits(&store)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &kits).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        for summary in kits {
            writeln!(
                out,
                "{}\tv{}\t{} assets\t{} ({})",
                summary.id,
                summary.version,
                summary.assets,
                summary.title.get("fr"),
                summary.publisher
            )?;
        }
    }
    Ok(())
}
