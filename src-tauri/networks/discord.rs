//! Discord channel webhooks. The webhook's address is itself the secret (its last path
//! segment is a token), so it is cut out of every error, and never logged.

use serde::Deserialize;
use url::Url;

use crate::net::{self, Client};

/// What a webhook says about itself (GET on its address, which posts nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub name: String,
    pub channel_id: String,
    /// The host it lives on: discord.com, or a compatible bridge the volunteer chose.
    pub host: String,
}

/// What is wrong with a pasted webhook address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Shape {
    NotAnAddress,
    NoWebhooksPath,
    WrongEnding,
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Shape::NotAnAddress => "not a web address",
            Shape::NoWebhooksPath => "its path has no /webhooks/",
            Shape::WrongEnding => "it should end in /webhooks/<number>/<token>",
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("not a webhook address: {0}")]
    NotAWebhook(Shape),
    #[error("the webhook no longer exists")]
    Gone,
    #[error("{host} did not answer as a webhook does")]
    NotAWebhookServer { host: String },
    #[error(transparent)]
    Net(net::Error),
}

/// The address parsed and checked for the shape of a webhook: `…/webhooks/{id}/{token}`
/// over https (or http to this computer, for bridges and tests).
pub fn parse_address(text: &str) -> Result<Url, Error> {
    let url = Url::parse(text.trim()).map_err(|_| Error::NotAWebhook(Shape::NotAnAddress))?;
    let segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
    let at = segments
        .iter()
        .position(|s| *s == "webhooks")
        .ok_or(Error::NotAWebhook(Shape::NoWebhooksPath))?;
    match &segments[at + 1..] {
        [id, token]
            if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && !token.is_empty() =>
        {
            Ok(url)
        }
        _ => Err(Error::NotAWebhook(Shape::WrongEnding)),
    }
}

fn token(url: &Url) -> String {
    url.path_segments()
        .and_then(|mut s| s.next_back().map(str::to_owned))
        .unwrap_or_default()
}

/// Asks the webhook what it is, without posting.
pub async fn verify(client: &Client, url: &Url) -> Result<Webhook, Error> {
    let secret = token(url);
    let host = url.host_str().unwrap_or_default().to_owned();
    let response = client
        .get(url)
        .await
        .map_err(|e| Error::Net(e.without_secret(&secret)))?;
    let status = response.status().as_u16();
    if status == 401 || status == 404 {
        return Err(Error::Gone);
    }
    if status != 200 {
        let shown = net::Error::Status {
            url: url.as_str().to_owned(),
            status,
            retry_at: None,
        };
        return Err(Error::Net(shown.without_secret(&secret)));
    }
    let body = client
        .read_bounded(response, url, 64 * 1024)
        .await
        .map_err(|e| Error::Net(e.without_secret(&secret)))?;
    #[derive(Deserialize)]
    struct Answer {
        #[serde(rename = "type")]
        kind: Option<u8>,
        name: Option<String>,
        channel_id: Option<String>,
    }
    let answer: Answer = serde_json::from_slice(&body)
        .map_err(|_| Error::NotAWebhookServer { host: host.clone() })?;
    match (answer.kind, answer.channel_id) {
        // Type 1 is an incoming webhook, the only kind that takes posts.
        (Some(1), Some(channel_id)) => Ok(Webhook {
            name: answer.name.unwrap_or_default(),
            channel_id,
            host,
        }),
        _ => Err(Error::NotAWebhookServer { host }),
    }
}
