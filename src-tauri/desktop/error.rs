use serde::Serialize;
use strum::VariantNames;

use crate::messages::{Describe, Message};

/// The one error shape the UI receives. `code` is the category the UI branches on
/// (`needs_trust`, `kit_refused`…); `detail` is the message the UI words from the
/// catalogue in the volunteer's language; `message` is the English sentence, kept for
/// logs and as the last fallback. Never a debug dump, never a secret.
#[derive(Debug, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
    pub detail: Message,
    /// With `needs_trust`: what the trust dialog shows before the volunteer confirms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection: Option<Box<TrustRequest>>,
}

/// A kit seen for the first time over HTTPS, its signature checked with the key its
/// kit.json carries (which is what the volunteer is asked to confirm).
#[derive(Debug, Serialize)]
pub struct TrustRequest {
    kit_id: String,
    version: u64,
    publisher: String,
    fingerprint: crate::kit::Fingerprint,
}

/// Messages the shell itself produces (`error.app.*`).
#[derive(Debug, Clone, Copy, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum AppMessage {
    Internal,
    AssetExpired,
    AssetNotYet,
    Clipboard,
}

impl AppMessage {
    pub fn message(self) -> Message {
        Message::new(format!("error.app.{}", <&str>::from(self)))
    }
}

/// The codes of [`AppMessage`], for the catalogue test.
pub fn message_codes() -> Vec<String> {
    AppMessage::VARIANTS
        .iter()
        .map(|variant| format!("error.app.{variant}"))
        .collect()
}

impl IpcError {
    fn new(code: &'static str, error: &(impl Describe + std::fmt::Display)) -> Self {
        Self {
            code,
            message: error.to_string(),
            detail: error.describe(),
            inspection: None,
        }
    }

    fn from_message(code: &'static str, detail: Message) -> Self {
        Self {
            code,
            message: detail.render(crate::messages::Lang::En),
            detail,
            inspection: None,
        }
    }
}

impl From<crate::kit::remote::Error> for IpcError {
    fn from(error: crate::kit::remote::Error) -> Self {
        use crate::kit::remote::Error;
        tracing::warn!(%error, "kit sync failed");
        match error {
            Error::Kit(crate::kit::Error::NotTrusted {
                kit,
                version,
                publisher,
                fingerprint,
            }) => {
                let refusal = crate::kit::Error::NotTrusted {
                    kit: kit.clone(),
                    version,
                    publisher: publisher.clone(),
                    fingerprint,
                };
                Self {
                    inspection: Some(Box::new(TrustRequest {
                        kit_id: kit,
                        version,
                        publisher,
                        fingerprint,
                    })),
                    ..Self::new("needs_trust", &refusal)
                }
            }
            Error::Kit(error) => error.into(),
            other => Self::new("network", &other),
        }
    }
}

impl From<crate::kit::subscribe::Error> for IpcError {
    fn from(error: crate::kit::subscribe::Error) -> Self {
        Self::new("invalid_input", &error)
    }
}

impl From<crate::kit::key::Error> for IpcError {
    fn from(error: crate::kit::key::Error) -> Self {
        Self::new("invalid_input", &error)
    }
}

impl From<crate::kit::signature::Error> for IpcError {
    fn from(error: crate::kit::signature::Error) -> Self {
        Self::new("invalid_input", &error)
    }
}

impl From<crate::kit::Error> for IpcError {
    fn from(error: crate::kit::Error) -> Self {
        use crate::kit::Error;
        let code = match &error {
            Error::AssetNotFound { .. } | Error::KitNotFound { .. } => "not_found",
            Error::KeyChanged { .. }
            | Error::OtherKeyOffered { .. }
            | Error::SignedByAnotherKey { .. }
            | Error::KeyIdNotEnough { .. }
            | Error::NotAFingerprint { .. }
            | Error::NotTrusted { .. }
            | Error::FingerprintMismatch { .. } => "untrusted",
            Error::Blob { .. } | Error::Staging { .. } | Error::FileRead { .. } => "io",
            Error::Store(_)
            | Error::Demo(_)
            | Error::Build(_)
            | Error::StoredDataDamaged { .. } => "internal",
            // Everything else is a kit that failed a check: refused, nothing written.
            _ => "kit_refused",
        };
        tracing::warn!(%error, "command failed");
        Self::new(code, &error)
    }
}

impl From<crate::render::Error> for IpcError {
    fn from(error: crate::render::Error) -> Self {
        use crate::render::Error;
        let code = match &error {
            Error::Write { .. } => "io",
            Error::UnsupportedOutput { .. } => "invalid_input",
            _ => "internal",
        };
        tracing::warn!(%error, "render failed");
        Self::new(code, &error)
    }
}

impl From<crate::db::Error> for IpcError {
    fn from(error: crate::db::Error) -> Self {
        let code = match &error {
            crate::db::Error::InUse { .. } => "in_use",
            _ => "internal",
        };
        tracing::warn!(%error, "store failed");
        Self::new(code, &error)
    }
}

impl From<crate::accounts::Error> for IpcError {
    fn from(error: crate::accounts::Error) -> Self {
        use crate::accounts::Error;
        let code = match &error {
            Error::NotFound { .. } => "not_found",
            Error::Net(_) => "network",
            Error::NoKeychain | Error::KeychainLocked | Error::SecretMissing { .. } => "keychain",
            Error::Store(_) | Error::StoredDataDamaged { .. } => "internal",
            _ => "account_refused",
        };
        // The library's sentences name accounts by id and servers by host, never a secret.
        tracing::warn!(%error, "account command failed");
        Self::new(code, &error)
    }
}

impl From<crate::draft::Error> for IpcError {
    fn from(error: crate::draft::Error) -> Self {
        tracing::warn!(%error, "draft failed");
        Self::new("draft", &error)
    }
}

impl IpcError {
    /// A lock poisoned by a panic in another command: the app state cannot be trusted.
    pub fn poisoned() -> Self {
        Self::from_message("internal", AppMessage::Internal.message())
    }

    /// An asset outside its validity dates: shown, but not exported or posted.
    pub fn unavailable(detail: Message) -> Self {
        Self::from_message("unavailable", detail)
    }

    /// Input from the window that the library cannot use.
    pub fn invalid(detail: Message) -> Self {
        Self::from_message("invalid_input", detail)
    }

    /// No clipboard (no display server, or another program holds it): say what to do.
    pub fn clipboard(error: arboard::Error) -> Self {
        tracing::warn!(%error, "clipboard failed");
        Self::from_message("clipboard", AppMessage::Clipboard.message())
    }
}
