//! What a Mastodon server says of itself (`GET /api/v2/instance`), read before an
//! account is added and when it is tested: its limits, and whether it speaks the API.

use serde::Deserialize;
use url::Url;

use super::api::Api;
use super::Error;
use crate::net::Client;
use crate::networks::ServerLimits;

/// Mastodon's default alt-text limit, for servers that do not announce theirs (before 4.4).
const DEFAULT_ALT_CHARACTERS: u32 = 1500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The server's name for itself ("mastodon.social").
    pub domain: String,
    pub title: String,
    pub limits: ServerLimits,
}

#[derive(Deserialize)]
struct Answer {
    domain: String,
    #[serde(default)]
    title: String,
    configuration: Configuration,
}

#[derive(Deserialize)]
struct Configuration {
    statuses: Statuses,
    media_attachments: MediaAttachments,
}

#[derive(Deserialize)]
struct Statuses {
    max_characters: u32,
    max_media_attachments: u8,
    #[serde(default = "default_url_length")]
    characters_reserved_per_url: u32,
}

fn default_url_length() -> u32 {
    23
}

#[derive(Deserialize)]
struct MediaAttachments {
    image_size_limit: u64,
    image_matrix_limit: u64,
    video_size_limit: Option<u64>,
    description_limit: Option<u32>,
}

pub async fn instance(client: &Client, server: &Url, now: i64) -> Result<Instance, Error> {
    let api = Api {
        client,
        server,
        token: None,
        now,
    };
    let answer = api.get("api/v2/instance").await?;
    if answer.status != 200 {
        return Err(api.not_mastodon());
    }
    let parsed: Answer = serde_json::from_value(answer.body).map_err(|_| api.not_mastodon())?;
    let config = parsed.configuration;
    Ok(Instance {
        domain: parsed.domain,
        title: parsed.title,
        limits: ServerLimits {
            max_characters: config.statuses.max_characters,
            max_media: config.statuses.max_media_attachments,
            url_length: config.statuses.characters_reserved_per_url,
            image_bytes: config.media_attachments.image_size_limit,
            image_pixels: config.media_attachments.image_matrix_limit,
            video_bytes: config.media_attachments.video_size_limit,
            alt_characters: config
                .media_attachments
                .description_limit
                .unwrap_or(DEFAULT_ALT_CHARACTERS),
        },
    })
}
