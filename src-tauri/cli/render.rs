use std::path::PathBuf;

use clap::Args;

use super::Error;
use crate::render::{render_file, Caption, Limits, Typesetter};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Source image: PNG, JPEG, GIF (animated or not) or WebP.
    #[arg(long, value_name = "FILE")]
    pub image: PathBuf,
    /// Caption text, drawn in the bottom band.
    #[arg(long)]
    pub text: String,
    /// Output file; its extension chooses the format.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

pub fn run(args: &RenderArgs) -> Result<(), Error> {
    let mut typesetter = Typesetter::new();
    render_file(
        &mut typesetter,
        &args.image,
        &Caption::new(args.text.clone()),
        &args.output,
        &Limits::default(),
    )?;
    println!("{}", args.output.display());
    Ok(())
}
