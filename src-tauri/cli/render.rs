use std::path::PathBuf;

use clap::Args;

use super::Error;
use crate::render::{render_file_as, Caption, Limits, OutputFormat, Remix, Typesetter};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Source image: PNG, JPEG, GIF (animated or not) or WebP.
    #[arg(long, value_name = "FILE")]
    pub image: PathBuf,
    /// Caption text, drawn in the bottom band.
    #[arg(long, required_unless_present = "layers", conflicts_with = "layers")]
    pub text: Option<String>,
    /// Caption layers as remix JSON, e.g. '{"layers":[{"text":"On vote !","zone":{"x":0.1,
    /// "y":0.1,"width":0.8,"height":0.2}}]}'; omitted fields take their defaults.
    #[arg(long, value_name = "JSON", value_parser = parse_remix)]
    pub layers: Option<Remix>,
    /// Output file; its extension chooses the format.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// JPEG quality, 1 to 100 (ignored for other formats).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: Option<u8>,
}

fn parse_remix(json: &str) -> Result<Remix, serde_json::Error> {
    serde_json::from_str(json)
}

pub fn run(args: &RenderArgs) -> Result<(), Error> {
    let mut typesetter = Typesetter::new();
    let remix = match (&args.layers, &args.text) {
        (Some(remix), _) => remix.clone(),
        (None, text) => Remix::from(Caption::new(text.clone().unwrap_or_default())),
    };
    let format = match (OutputFormat::from_path(&args.output)?, args.quality) {
        (OutputFormat::Jpeg { .. }, Some(quality)) => OutputFormat::Jpeg { quality },
        (format, _) => format,
    };
    render_file_as(
        &mut typesetter,
        &args.image,
        &remix,
        &args.output,
        format,
        &Limits::default(),
    )?;
    println!("{}", args.output.display());
    Ok(())
}
