//! What an account's own server allows beyond its network's defaults, kept with the
//! account (never a secret) and turned into the limits its posts are fitted to.

use serde::{Deserialize, Serialize};

use super::record::Kind;
use crate::networks::{for_network, Network, TargetLimits};

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

/// A Mastodon-compatible server's own limits, as it announces them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLimits {
    pub max_characters: u32,
    pub max_media: u8,
    pub url_length: u32,
    pub image_bytes: u64,
    pub image_pixels: u64,
    /// Animations become videos there; their own limit.
    pub video_bytes: Option<u64>,
    pub alt_characters: u32,
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

/// The limits posts to an account of `kind` with `settings` are checked and fitted to.
pub fn limits(kind: Kind, settings: &Settings) -> TargetLimits {
    let mut limits = for_network(match kind {
        Kind::Mastodon => Network::Mastodon,
        Kind::Bluesky => Network::Bluesky,
        Kind::Telegram => Network::Telegram,
        Kind::Discord => Network::Discord,
        Kind::Folder => Network::LocalExport,
    });
    if let Some(server) = &settings.server_limits {
        limits.max_bytes = server.image_bytes;
        limits.max_pixels = Some(server.image_pixels);
        limits.max_animation_bytes = server.video_bytes;
        limits.text.max_post_chars = Some(server.max_characters);
        limits.text.url_length = Some(server.url_length);
        limits.text.max_images = Some(server.max_media);
        limits.text.max_alt_chars = Some(server.alt_characters);
    }
    if let Some(bytes) = settings.upload_limit {
        limits.max_bytes = bytes;
        if limits.max_animation_bytes.is_some() {
            limits.max_animation_bytes = Some(bytes);
        }
    }
    limits
}
