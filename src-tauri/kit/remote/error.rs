use std::path::PathBuf;

use crate::kit::signature::Fingerprint;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    #[error("`{url}` is not a kit address ({detail}). A kit address looks like https://example.org/kits/municipales/.")]
    UrlInvalid { url: String, detail: String },
    #[error("{url}: a kit address must not contain a user name or password. Ask the organizer for the public address.")]
    UrlCredentials { url: String },
    #[error("no kit at {url} (404 Not Found). Check the address with the organizer.")]
    ManifestNotFound { url: String },
    #[error("the server has kit.json but no signature at {url} (404). The kit is unsigned or being published; Relais never installs an unsigned kit. Try again later.")]
    SignatureNotFound { url: String },
    #[error("file {file} is listed in kit.json but missing on the server ({url}, 404). The kit is being published or is incomplete; try again later.")]
    FileNotFound { file: String, url: String },
    #[error("the server failed on {url} (HTTP {status}). Nothing was installed; try again later.")]
    Server { url: String, status: u16 },
    #[error(
        "{url} answered HTTP {status} instead of the file. Check the address with the organizer."
    )]
    Status { url: String, status: u16 },
    #[error("{what} at {url} is larger than {max_bytes} bytes; this is not a kit. Check the address with the organizer.")]
    TooLarge {
        what: &'static str,
        url: String,
        max_bytes: u64,
    },
    #[error("file {file} from {url} does not match kit.json; the server may be compromised or mid-update; try again later.")]
    Tampered { file: String, url: String },
    #[error("{url} now serves kit `{found}`, but it was subscribed as kit `{expected}`. Check the address with the organizer.")]
    WrongKit {
        url: String,
        expected: String,
        found: String,
    },
    #[error("the kit at {url} was subscribed with the organizer key whose fingerprint is {pinned}; another key ({offered}) was given now. Relais never moves a kit to another key; remove the kit first if the organizer really changed keys.")]
    KeyChanged {
        url: String,
        pinned: Fingerprint,
        offered: Fingerprint,
    },
    #[error(
        "kit `{kit_id}` has no web address to update from; it was imported from a file or folder."
    )]
    NotSubscribed { kit_id: String },
    #[error("cannot write downloaded files in {path} ({source}). Check free space and permissions of the data folder.")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the library is unavailable because another task failed while using it. Restart Relais."
    )]
    StoreUnavailable,
    #[error("{0} Nothing was installed; try again later: what was already downloaded is kept.")]
    Net(#[from] crate::net::Error),
    #[error(transparent)]
    Kit(#[from] crate::kit::Error),
    #[error(transparent)]
    Store(#[from] crate::db::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        Error::Store(crate::db::Error::Sql(error))
    }
}

impl From<crate::kit::manifest::Error> for Error {
    fn from(error: crate::kit::manifest::Error) -> Self {
        Error::Kit(error.into())
    }
}

impl From<crate::kit::signature::Error> for Error {
    fn from(error: crate::kit::signature::Error) -> Self {
        Error::Kit(error.into())
    }
}

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        let mut codes = crate::messages::codes_of(
            "error.remote",
            <Self as strum::VariantNames>::VARIANTS,
            &["net", "kit", "store"],
        );
        // A network failure is worded with what it means for the kit.
        codes.push("error.remote.net".to_owned());
        codes
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.remote.{}", <&str>::from(self)));
        match self {
            Error::UrlInvalid { url, detail } => message.text("url", url).text("detail", detail),
            Error::UrlCredentials { url }
            | Error::ManifestNotFound { url }
            | Error::SignatureNotFound { url } => message.text("url", url),
            Error::FileNotFound { file, url } | Error::Tampered { file, url } => {
                message.text("file", file).text("url", url)
            }
            Error::Server { url, status } | Error::Status { url, status } => {
                message.text("url", url).number("status", *status)
            }
            Error::TooLarge {
                what,
                url,
                max_bytes,
            } => message
                .text("what", what)
                .text("url", url)
                .size("max", *max_bytes),
            Error::WrongKit {
                url,
                expected,
                found,
            } => message
                .text("url", url)
                .text("expected", expected)
                .text("found", found),
            Error::KeyChanged {
                url,
                pinned,
                offered,
            } => message
                .text("url", url)
                .text("pinned", pinned)
                .text("offered", offered),
            Error::NotSubscribed { kit_id } => message.text("kit", kit_id),
            Error::Write { path, source } => message
                .text("path", path.display())
                .nested("reason", io_reason(source)),
            Error::StoreUnavailable => message,
            // Network failures say what happened and that nothing was installed.
            Error::Net(inner) => {
                Message::new("error.remote.net").nested("problem", inner.describe())
            }
            Error::Kit(inner) => inner.describe(),
            Error::Store(inner) => inner.describe(),
        }
    }
}
