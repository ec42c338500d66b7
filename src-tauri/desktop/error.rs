use serde::Serialize;

/// The one error shape the UI receives. `code` exists only where the UI branches on it;
/// `message` is a human sentence (never a debug dump, never a secret).
#[derive(Debug, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
}

impl IpcError {
    fn new(code: &'static str, message: impl ToString) -> Self {
        Self {
            code,
            message: message.to_string(),
        }
    }
}

impl From<crate::kit::Error> for IpcError {
    fn from(error: crate::kit::Error) -> Self {
        use crate::kit::Error;
        let code = match &error {
            Error::AssetNotFound { .. } => "not_found",
            Error::Image { .. } => "invalid_input",
            _ => "internal",
        };
        tracing::warn!(%error, "command failed");
        Self::new(code, error)
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
        Self::new(code, error)
    }
}

impl From<crate::db::Error> for IpcError {
    fn from(error: crate::db::Error) -> Self {
        let code = match &error {
            crate::db::Error::InUse { .. } => "in_use",
            _ => "internal",
        };
        tracing::warn!(%error, "store failed");
        Self::new(code, error)
    }
}

impl IpcError {
    /// A lock poisoned by a panic in another command: the app state cannot be trusted.
    pub fn poisoned() -> Self {
        Self::new(
            "internal",
            "Relais hit an internal error; restart it. Your kits are safe.",
        )
    }
}

impl IpcError {
    /// Input from the window that the library cannot use; `message` says what was wrong.
    pub fn invalid(message: impl ToString) -> Self {
        Self::new("invalid_input", message)
    }

    /// No clipboard (no display server, or another program holds it): say what to do.
    pub fn clipboard(error: arboard::Error) -> Self {
        tracing::warn!(%error, "clipboard failed");
        Self::new(
            "clipboard",
            format!("The image could not be put on the clipboard ({error}). Use Export instead."),
        )
    }
}

impl From<crate::draft::Error> for IpcError {
    fn from(error: crate::draft::Error) -> Self {
        tracing::warn!(%error, "draft failed");
        Self::new("draft", error)
    }
}
