//! Whether a webhook exists, asked without posting (GET on its address).

use serde::Deserialize;
use url::Url;

use super::{token, Error};
use crate::net::{self, Client};

/// What a webhook says about itself (GET on its address, which posts nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub name: String,
    pub channel_id: String,
    /// The host it lives on: discord.com, or a compatible bridge the volunteer chose.
    pub host: String,
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
