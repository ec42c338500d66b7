//! What an account's own server allows beyond its network's defaults, kept with the
//! account (never a secret) and turned into the limits its posts are fitted to.

use serde::{Deserialize, Serialize};

use crate::networks::ServerLimits;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The largest file this account's server takes, when the volunteer says it differs
    /// from the network's default (a boosted Discord server takes 50 or 100 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_limit: Option<u64>,
    /// What the server announced of itself (Mastodon's `/api/v2/instance`), refreshed
    /// when the connection is tested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_limits: Option<ServerLimits>,
}

impl Settings {
    pub fn parse(json: &str) -> Option<Self> {
        serde_json::from_str(json).ok()
    }

    pub fn to_json(&self) -> String {
        // A struct of numbers always serializes.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}
