use std::path::PathBuf;

/// What can go wrong between an image file and a captioned one. Every message names the
/// file and says what to do, because volunteers read these, not developers.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("{path}: file not found. Check the path and try again.")]
    NotFound { path: PathBuf },
    #[error("{path}: could not be read ({source}).")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the file is empty (0 bytes). Download or copy it again.")]
    Empty { path: PathBuf },
    #[error("{name}: not a PNG, JPEG, GIF or WebP image.")]
    NotAnImage { name: String },
    #[error(
        "{name}: {width}x{height} pixels is larger than Relais accepts ({max_pixels} pixels at most). Use a smaller version of the image."
    )]
    TooLarge {
        name: String,
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    #[error("{name}: the file is over {max_bytes} bytes, more than Relais accepts. Use a smaller version of the image.")]
    FileTooLarge { name: String, max_bytes: u64 },
    #[error("{name}: decoding it would need more memory than Relais allows. Use a smaller version of the image.")]
    OverBudget { name: String },
    #[error("{name}: the image is damaged and cannot be decoded ({detail}).")]
    Corrupt { name: String, detail: String },
    #[error("{name}: the animation has more than {max_frames} frames or {max_bytes} bytes of pixels; shorten it before using it.")]
    AnimationTooLong {
        name: String,
        max_frames: usize,
        max_bytes: u64,
    },
    #[error(
        "{path}: unsupported output format. Use a name ending in .png, .jpg, .jpeg, .gif or .webp."
    )]
    UnsupportedOutput { path: PathBuf },
    #[error("could not encode the image as {format}: {detail}")]
    Encode {
        format: &'static str,
        detail: String,
    },
    #[error("{name}: not a TrueType or OpenType font Relais can draw with.")]
    NotAFont { name: String },
    #[error("{path}: could not be written ({source}). Check that the folder exists and that there is free space.")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of("error.render", <Self as strum::VariantNames>::VARIANTS, &[])
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.render.{}", <&str>::from(self)));
        match self {
            Error::NotFound { path }
            | Error::Empty { path }
            | Error::UnsupportedOutput { path } => message.text("path", path.display()),
            Error::Read { path, source } | Error::Write { path, source } => message
                .text("path", path.display())
                .nested("reason", io_reason(source)),
            Error::NotAnImage { name } | Error::OverBudget { name } | Error::NotAFont { name } => {
                message.text("name", name)
            }
            Error::TooLarge {
                name,
                width,
                height,
                max_pixels,
            } => message
                .text("name", name)
                .text("width", width)
                .text("height", height)
                .number("max_pixels", *max_pixels as i64),
            Error::FileTooLarge { name, max_bytes } => {
                message.text("name", name).size("max", *max_bytes)
            }
            Error::Corrupt { name, detail } => message.text("name", name).text("detail", detail),
            Error::AnimationTooLong {
                name,
                max_frames,
                max_bytes,
            } => message
                .text("name", name)
                .number("max_frames", *max_frames as i64)
                .size("max", *max_bytes),
            Error::Encode { format, detail } => {
                message.text("format", format).text("detail", detail)
            }
        }
    }
}
