//! What reaches a person: a stable code with named parameters, worded from the one
//! catalogue (`ui/catalogue/fr.json`, `ui/catalogue/en.json`) that the window and the
//! command line share, so a new message is written once per language. Library errors
//! keep their English `Display` for logs and as the last fallback; people read this.
//!
//! A leaf: every module describes its own errors with [`Describe`], nothing here knows
//! them.

mod catalogue;
mod format;
mod lang;

pub use catalogue::{keys, template, CATALOGUE_EN, CATALOGUE_FR};
pub use format::{format_date, format_size};
pub use lang::{from_environment, Lang};

use std::collections::BTreeMap;

use serde::Serialize;

/// A message: its code (`kit.file_missing`, worded by the catalogue's
/// `error.kit.file_missing`) and the values its sentence names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub code: String,
    pub params: BTreeMap<&'static str, Param>,
}

/// A value in a message, typed so each language can format it its own way.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Param {
    Text(String),
    Number(i64),
    /// Bytes, shown as « 2,5 Mo » / "2.5 MB".
    Size {
        size: u64,
    },
    /// Unix seconds, shown in the volunteer's time zone.
    Date {
        date: i64,
    },
    /// A text the organizer wrote in both languages.
    Localized {
        fr: String,
        en: String,
    },
    List {
        list: Vec<String>,
    },
    /// Another message, worded in the same language (the reason a copy is damaged…).
    Message {
        message: Box<Message>,
    },
}

impl Message {
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            params: BTreeMap::new(),
        }
    }

    fn with(mut self, name: &'static str, value: Param) -> Self {
        self.params.insert(name, value);
        self
    }

    pub fn text(self, name: &'static str, value: impl std::fmt::Display) -> Self {
        self.with(name, Param::Text(value.to_string()))
    }

    pub fn number(self, name: &'static str, value: impl TryInto<i64>) -> Self {
        self.with(name, Param::Number(value.try_into().unwrap_or(i64::MAX)))
    }

    pub fn size(self, name: &'static str, bytes: u64) -> Self {
        self.with(name, Param::Size { size: bytes })
    }

    pub fn date(self, name: &'static str, unix: i64) -> Self {
        self.with(name, Param::Date { date: unix })
    }

    pub fn localized(self, name: &'static str, fr: &str, en: &str) -> Self {
        self.with(
            name,
            Param::Localized {
                fr: fr.to_owned(),
                en: en.to_owned(),
            },
        )
    }

    pub fn list(self, name: &'static str, items: impl IntoIterator<Item = String>) -> Self {
        self.with(
            name,
            Param::List {
                list: items.into_iter().collect(),
            },
        )
    }

    pub fn nested(self, name: &'static str, message: Message) -> Self {
        self.with(
            name,
            Param::Message {
                message: Box::new(message),
            },
        )
    }

    /// The sentence in `lang`, from the catalogue.
    pub fn render(&self, lang: Lang) -> String {
        format::render(self, lang)
    }
}

/// How an error is told to a person. Implemented next to each error enum.
pub trait Describe {
    /// The codes this error can produce (without those of errors it only wraps):
    /// every one needs a French and an English text, which a test checks.
    fn codes() -> Vec<String>
    where
        Self: Sized;

    fn describe(&self) -> Message;
}

/// `prefix.variant` for every variant of an enum deriving `strum::VariantNames`,
/// except the `delegates` that only wrap another error.
pub fn codes_of(prefix: &str, variants: &[&str], delegates: &[&str]) -> Vec<String> {
    variants
        .iter()
        .filter(|variant| !delegates.contains(variant))
        .map(|variant| format!("{prefix}.{variant}"))
        .collect()
}

/// Why a file operation failed, in words a person can act on; the system's own text
/// (English, varying by system) stays in the logs.
pub fn io_reason(error: &std::io::Error) -> Message {
    use std::io::ErrorKind as Kind;
    let code = match error.kind() {
        Kind::NotFound => "error.io.not_found",
        Kind::PermissionDenied => "error.io.permission_denied",
        Kind::AlreadyExists => "error.io.already_exists",
        Kind::StorageFull | Kind::QuotaExceeded => "error.io.storage_full",
        Kind::ReadOnlyFilesystem => "error.io.read_only",
        Kind::FileTooLarge => "error.io.file_too_large",
        Kind::InvalidData | Kind::UnexpectedEof => "error.io.invalid_data",
        Kind::Interrupted | Kind::TimedOut => "error.io.interrupted",
        _ => "error.io.other",
    };
    Message::new(code).text("detail", error)
}

/// The codes [`io_reason`] produces.
pub fn io_codes() -> Vec<String> {
    [
        "not_found",
        "permission_denied",
        "already_exists",
        "storage_full",
        "read_only",
        "file_too_large",
        "invalid_data",
        "interrupted",
        "other",
    ]
    .iter()
    .map(|code| format!("error.io.{code}"))
    .collect()
}
