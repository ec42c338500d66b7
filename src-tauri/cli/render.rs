use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;

use super::say::Say;
use super::Error;
use crate::render::{
    self, render_file_as, Caption, KitFont, Limits, OutputFormat, Remix, Typesetter,
};

/// The scope `--font` fonts load under, as a kit's fonts load under the kit's id.
const COMMAND_LINE_FONTS: &str = "command line";

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
    /// A font file (TrueType or OpenType) that layer styles name as "font": "FAMILY",
    /// like a kit's fonts; repeat for several.
    #[arg(long = "font", value_name = "FAMILY=FILE", value_parser = parse_font)]
    pub fonts: Vec<(String, PathBuf)>,
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

fn parse_font(value: &str) -> Result<(String, PathBuf), String> {
    match value.split_once('=') {
        Some((family, file)) if !family.trim().is_empty() && !file.is_empty() => {
            Ok((family.to_owned(), PathBuf::from(file)))
        }
        _ => Err(format!(
            "`{value}` is not FAMILY=FILE (e.g. --font Marianne=Marianne-Bold.otf)"
        )),
    }
}

pub fn run(cli: &super::Cli, args: &RenderArgs) -> Result<(), Error> {
    let limits = Limits::default();
    let mut typesetter = Typesetter::new();
    let remix = match (&args.layers, &args.text) {
        (Some(remix), _) => remix.clone(),
        (None, text) => Remix::from(Caption::new(text.clone().unwrap_or_default())),
    };
    let fonts = args
        .fonts
        .iter()
        .map(|(family, path)| read_font(family, path, &limits))
        .collect::<Result<Vec<_>, _>>()?;
    typesetter.load_kit_fonts(COMMAND_LINE_FONTS, fonts)?;
    typesetter.use_kit_fonts(Some(COMMAND_LINE_FONTS));
    // A typo in a family would silently draw the bundled face: say so instead.
    for layer in &remix.layers {
        if let Some(family) = &layer.style.font {
            if !typesetter.has_kit_font(COMMAND_LINE_FONTS, family) {
                return Err(Error::FontNotGiven {
                    family: family.clone(),
                });
            }
        }
    }
    // Rendered anyway (the rest of the caption is good), but never without a word.
    // Before the image is read: which characters can be drawn does not depend on its size.
    let undrawable = typesetter.undrawable(&remix, 1000, 1000);
    if !undrawable.is_empty() {
        let line = Say::RenderUndrawable
            .message()
            .text("characters", characters(&undrawable))
            .number("count", undrawable.len() as u64);
        eprintln!("relais: {}", line.render(cli.lang()));
    }
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
        &limits,
    )?;
    println!("{}", args.output.display());
    Ok(())
}

/// Each character with its code point, which says what it is even where the terminal
/// cannot draw it either: `中 (U+4E2D)`.
fn characters(chars: &[char]) -> String {
    chars
        .iter()
        .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A font file, read within the size a kit file may have.
fn read_font(family: &str, path: &Path, limits: &Limits) -> Result<KitFont, render::Error> {
    let file = std::fs::File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => render::Error::NotFound {
            path: path.to_path_buf(),
        },
        _ => render::Error::Read {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let mut bytes = Vec::new();
    file.take(limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|source| render::Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
    let name = path.display().to_string();
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(render::Error::FileTooLarge {
            name,
            max_bytes: limits.max_file_bytes,
        });
    }
    Ok(KitFont {
        family: family.to_owned(),
        file: name,
        bytes,
    })
}
