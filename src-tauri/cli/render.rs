use std::path::PathBuf;

use clap::Args;

use super::Error;
use crate::render::{render_file_as, Caption, Limits, OutputFormat, Typesetter};

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
    /// JPEG quality, 1 to 100 (ignored for other formats).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: Option<u8>,
}

pub fn run(args: &RenderArgs) -> Result<(), Error> {
    let mut typesetter = Typesetter::new();
    let format = match (OutputFormat::from_path(&args.output)?, args.quality) {
        (OutputFormat::Jpeg { .. }, Some(quality)) => OutputFormat::Jpeg { quality },
        (format, _) => format,
    };
    render_file_as(
        &mut typesetter,
        &args.image,
        &Caption::new(args.text.clone()),
        &args.output,
        format,
        &Limits::default(),
    )?;
    println!("{}", args.output.display());
    Ok(())
}
